package sched_test

// Ports of CPython 3.11's Lib/test/test_asyncio/test_waitfor.py. asyncio.wait_for
// is sched.WaitFor, which follows Python 3.12 (it is built on WithTimeout and
// awaits a coroutine inline instead of wrapping it in a task); where 3.11's
// test asserts the older behaviour, the test here checks 3.12's and says so.
// Every scenario runs under VirtualTime, so elapsed times are checked exactly
// where Python could only bound them. conformance/TALLY.md maps each Python
// test to its Go test.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// wfEpsilon is test_waitfor's _EPSILON: a timeout that is > 0 but tiny.
const wfEpsilon = 100 * time.Microsecond

// wfRun runs body as the main task of a loop under virtual time and fails the
// test if it returns an error.
func wfRun(t *testing.T, body func(co *coro.Co) error) {
	t.Helper()
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, body(co)
	}), sched.VirtualTime())
	if err != nil {
		t.Fatal(err)
	}
}

// wfSince returns how much loop time has passed since t0.
func wfSince(co *coro.Co, t0 time.Time) time.Duration {
	return sched.LoopOf(co).Now().Sub(t0)
}

// wfSlowTask is test_waitfor's SlowTask: it runs for wfSlowTimeout of loop
// time, ignoring cancellation requests.
type wfSlowTask struct{ exited bool }

const wfSlowTimeout = 200 * time.Millisecond

func (s *wfSlowTask) run(co *coro.Co) (struct{}, error) {
	l := sched.LoopOf(co)
	exitAt := l.Now().Add(wfSlowTimeout)
	for {
		d := exitAt.Sub(l.Now())
		if d <= 0 {
			break
		}
		if err := sched.Sleep(co, d); err != nil && !errors.Is(err, context.Canceled) {
			return struct{}{}, err
		}
	}
	s.exited = true
	return struct{}{}, nil
}

// Cancelling the task that waits in WaitFor cancels the coroutine it awaits;
// the slow coroutine ignores that and runs to its end. 3.11 then re-raised
// CancelledError in the waiting task; 3.12 (and WaitFor) await the coroutine
// inline, so its normal return is the waiting task's result. The Python test
// checks only that the slow task exited.
func TestCPythonWaitForAsyncioWaitForCancelled(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		s := &wfSlowTask{}
		wt := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			return sched.WaitFor(co, coro.New(s.run), 2*wfSlowTimeout)
		}))
		if err := sched.Sleep(co, 0); err != nil {
			return err
		}
		if !wt.Cancel() {
			t.Errorf("Cancel() = false; want true")
		}
		if _, _, err := sched.Wait(co, []*sched.Task[struct{}]{wt}, sched.AllCompleted, 0); err != nil {
			return err
		}
		if !s.exited {
			t.Errorf("slow task did not exit")
		}
		if _, err := wt.Result(); err != nil || wt.Cancelled() {
			t.Errorf("wait task: Result() error %v, Cancelled() %v; want nil, false (3.12)", err, wt.Cancelled())
		}
		if got := wfSince(co, t0); got != wfSlowTimeout {
			t.Errorf("elapsed %v; want %v", got, wfSlowTimeout)
		}
		return nil
	})
}

// The timeout cancels the slow coroutine, which ignores it and returns
// normally: WaitFor returns its result (TimeoutError is raised only for a
// cancellation that comes out), in 3.11 and 3.12 alike.
func TestCPythonWaitForAsyncioWaitForTimeout(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		s := &wfSlowTask{}
		_, err := sched.WaitFor(co, coro.New(s.run), wfSlowTimeout/2)
		if err != nil {
			t.Errorf("WaitFor: %v; want nil (the slow task swallowed the timeout's cancellation)", err)
		}
		if !s.exited {
			t.Errorf("slow task did not exit")
		}
		if got := wfSince(co, t0); got != wfSlowTimeout {
			t.Errorf("elapsed %v; want %v", got, wfSlowTimeout)
		}
		return nil
	})
}

func TestCPythonWaitForTimeoutZeroFutureDone(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		f := sched.NewFuture[string](co)
		f.SetResult("done")
		got, err := sched.WaitFor(co, f, 0)
		if got != "done" || err != nil {
			t.Errorf("WaitFor(done future, 0) = %q, %v; want \"done\", nil", got, err)
		}
		if !f.Done() {
			t.Errorf("future not done")
		}
		if d := wfSince(co, t0); d != 0 {
			t.Errorf("elapsed %v; want 0", d)
		}
		return nil
	})
}

func TestCPythonWaitForTimeoutZeroCoroutineNotStarted(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		started := false
		foo := coro.New(func(co *coro.Co) (struct{}, error) {
			started = true
			return struct{}{}, nil
		})
		_, err := sched.WaitFor(co, foo, 0)
		if !errors.Is(err, sched.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("WaitFor(coroutine, 0) error = %v; want ErrTimeout", err)
		}
		if started {
			t.Errorf("the coroutine started")
		}
		if d := wfSince(co, t0); d != 0 {
			t.Errorf("elapsed %v; want 0", d)
		}
		return nil
	})
}

func TestCPythonWaitForTimeoutZeroOrNegative(t *testing.T) {
	leaktest.Check(t)
	for _, timeout := range []time.Duration{0, -time.Second} {
		t.Run(timeout.String(), func(t *testing.T) {
			wfRun(t, func(co *coro.Co) error {
				running := false
				started := sched.NewFuture[struct{}](co)
				fut := sched.Spawn(co, coro.New(func(co *coro.Co) (string, error) {
					running = true
					started.SetResult(struct{}{})
					defer func() { running = false }()
					if err := sched.Sleep(co, 10*time.Second); err != nil {
						return "", err
					}
					return "done", nil
				}))
				if _, err := started.Await(co); err != nil {
					return err
				}
				t0 := sched.LoopOf(co).Now()
				_, err := sched.WaitFor(co, fut, timeout)
				if !errors.Is(err, sched.ErrTimeout) {
					t.Errorf("WaitFor(task, %v) error = %v; want ErrTimeout", timeout, err)
				}
				if !fut.Done() || !fut.Cancelled() {
					t.Errorf("task Done() %v, Cancelled() %v; want true, true", fut.Done(), fut.Cancelled())
				}
				if running {
					t.Errorf("the task's body is still running")
				}
				if d := wfSince(co, t0); d != 0 {
					t.Errorf("elapsed %v; want 0", d)
				}
				return nil
			})
		})
	}
}

func TestCPythonWaitFor(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		running := false
		fut := sched.Spawn(co, coro.New(func(co *coro.Co) (string, error) {
			running = true
			defer func() { running = false }()
			if err := sched.Sleep(co, 5*time.Minute); err != nil { // support.LONG_TIMEOUT
				return "", err
			}
			return "done", nil
		}))
		t0 := sched.LoopOf(co).Now()
		_, err := sched.WaitFor(co, fut, 100*time.Millisecond)
		if !errors.Is(err, sched.ErrTimeout) {
			t.Errorf("WaitFor error = %v; want ErrTimeout", err)
		}
		if !fut.Done() || !fut.Cancelled() {
			t.Errorf("task Done() %v, Cancelled() %v; want true, true", fut.Done(), fut.Cancelled())
		}
		if d := wfSince(co, t0); d != 100*time.Millisecond {
			t.Errorf("elapsed %v; want 100ms", d)
		}
		if running {
			t.Errorf("the task's body is still running")
		}
		return nil
	})
}

// timeout=None: Go has no "no timeout" WaitFor; awaiting is that.
func TestCPythonWaitForBlocking(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		got, err := coro.New(func(co *coro.Co) (string, error) { return "done", nil }).Await(co)
		if got != "done" || err != nil {
			t.Errorf("Await = %q, %v; want \"done\", nil", got, err)
		}
		return nil
	})
}

func TestCPythonWaitForRaceCondition(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		t0 := l.Now()
		fut := sched.NewFuture[string](co)
		l.AfterFunc(100*time.Millisecond, func() { fut.SetResult("ok") })
		got, err := sched.WaitFor(co, fut, 200*time.Millisecond)
		if got != "ok" || err != nil {
			t.Errorf("WaitFor = %q, %v; want \"ok\", nil", got, err)
		}
		if d := wfSince(co, t0); d != 100*time.Millisecond {
			t.Errorf("elapsed %v; want 100ms", d)
		}
		return nil
	})
}

func TestCPythonWaitForCancellationRaceCondition(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		inner := coro.New(func(co *coro.Co) (int, error) {
			if err := sched.Sleep(co, time.Second); !errors.Is(err, sched.ErrCancelled) {
				t.Errorf("inner Sleep = %v; want ErrCancelled", err)
			}
			return 1, nil
		})
		got, err := sched.WaitFor(co, inner, 10*time.Millisecond)
		if got != 1 || err != nil {
			t.Errorf("WaitFor = %d, %v; want 1, nil", got, err)
		}
		return nil
	})
}

// wfCleanupInner is the inner task of the two tests below: cancelled, it
// sleeps once more before giving in, so WaitFor must wait for it.
func wfCleanupInner(done *bool) *coro.Coro[struct{}] {
	return coro.New(func(co *coro.Co) (struct{}, error) {
		defer func() { *done = true }()
		err := sched.Sleep(co, 10*time.Second)
		if errors.Is(err, sched.ErrCancelled) {
			if err := sched.Sleep(co, wfEpsilon); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, err
	})
}

// Python also checks that the TimeoutError's __context__ is the
// CancelledError; Go errors have no context chain.
func TestCPythonWaitForWaitsForTaskCancellation(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		done := false
		inner := sched.Spawn(co, wfCleanupInner(&done))
		_, err := sched.WaitFor(co, inner, wfEpsilon)
		if !errors.Is(err, sched.ErrTimeout) {
			t.Errorf("WaitFor error = %v; want ErrTimeout", err)
		}
		if !done {
			t.Errorf("WaitFor returned before the task finished")
		}
		if !inner.Cancelled() {
			t.Errorf("inner task not cancelled")
		}
		if d := wfSince(co, t0); d != 2*wfEpsilon {
			t.Errorf("elapsed %v; want %v", d, 2*wfEpsilon)
		}
		return nil
	})
}

func TestCPythonWaitForWaitsForTaskCancellationTimeoutZero(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		done := false
		foo := func(co *coro.Co) error {
			inner := sched.Spawn(co, wfCleanupInner(&done))
			if err := sched.Sleep(co, wfEpsilon); err != nil {
				return err
			}
			_, err := sched.WaitFor(co, inner, 0)
			return err
		}
		if err := foo(co); !errors.Is(err, sched.ErrTimeout) {
			t.Errorf("WaitFor error = %v; want ErrTimeout", err)
		}
		if !done {
			t.Errorf("WaitFor returned before the task finished")
		}
		return nil
	})
}

func TestCPythonWaitForReraisesExceptionDuringCancellation(t *testing.T) {
	leaktest.Check(t)
	errFoo := errors.New("FooException")
	wfRun(t, func(co *coro.Co) error {
		foo := func(co *coro.Co) error {
			inner := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				sched.Sleep(co, 200*time.Millisecond)
				return struct{}{}, errFoo // raised in a finally: replaces the cancellation
			}))
			_, err := sched.WaitFor(co, inner, wfEpsilon)
			return err
		}
		if err := foo(co); err != errFoo {
			t.Errorf("WaitFor error = %v; want FooException", err)
		}
		return nil
	})
}

// wfStubbornInner is test_wait_for_self_cancellation's inner: it sleeps 0.3 s
// three times over, catching the first two cancellations, and returns 42.
func wfStubbornInner() *coro.Coro[int] {
	return coro.New(func(co *coro.Co) (int, error) {
		if err := sched.Sleep(co, 300*time.Millisecond); errors.Is(err, sched.ErrCancelled) {
			if err := sched.Sleep(co, 300*time.Millisecond); errors.Is(err, sched.ErrCancelled) {
				if err := sched.Sleep(co, 300*time.Millisecond); err != nil {
					return 0, err
				}
			}
		}
		return 42, nil
	})
}

// Go differs (follows 3.12): in 3.11's test the waiting task is cancelled at
// 0.2 s, after the 0.1 s timeout already fired and while the inner task holds
// it up; both cancellations go to the inner task, which swallows them and
// returns 42 at 0.5 s. 3.11's wait_for then raised CancelledError; 3.12's (and
// WaitFor) return 42, since a cancellation swallowed by the awaited task is
// swallowed for its awaiter too (3.12 moved task.cancel() before the sleep, see
// TestCPythonWaitForSelfCancellationBeforeStart).
func TestCPythonWaitForSelfCancellation(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		inner := sched.Spawn(co, wfStubbornInner())
		task := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return sched.WaitFor(co, inner, 100*time.Millisecond)
		}))
		if err := sched.Sleep(co, 200*time.Millisecond); err != nil {
			return err
		}
		task.Cancel()
		if got, err := task.Await(co); got != 42 || err != nil {
			t.Errorf("await task = %d, %v; want 42, nil (3.12; 3.11: CancelledError)", got, err)
		}
		if got, err := inner.Await(co); got != 42 || err != nil {
			t.Errorf("await inner = %d, %v; want 42, nil", got, err)
		}
		if d := wfSince(co, t0); d != 500*time.Millisecond {
			t.Errorf("elapsed %v; want 500ms", d)
		}
		return nil
	})
}

// 3.12's version of test_wait_for_self_cancellation: the waiting task is
// cancelled before it starts, so it never waits; the inner task goes on.
func TestCPythonWaitForSelfCancellationBeforeStart(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		inner := sched.Spawn(co, wfStubbornInner())
		task := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return sched.WaitFor(co, inner, 100*time.Millisecond)
		}))
		task.Cancel()
		if _, err := task.Await(co); !errors.Is(err, sched.ErrCancelled) {
			t.Errorf("await task error = %v; want ErrCancelled", err)
		}
		if got, err := inner.Await(co); got != 42 || err != nil {
			t.Errorf("await inner = %d, %v; want 42, nil", got, err)
		}
		return nil
	})
}

// wfCancelWaitFor is _test_cancel_wait_for: cancelling the task that waits
// must cancel the task it waits for (Python issue #23219). timeout < 0 stands
// for None: the task is awaited directly.
func wfCancelWaitFor(t *testing.T, timeout time.Duration) {
	wfRun(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		task := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			return sched.NewFuture[struct{}](co).Await(co) // never set
		}))
		wait := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			if timeout < 0 {
				return task.Await(co)
			}
			return sched.WaitFor(co, task, timeout)
		}))
		l.CallSoon(func() { wait.Cancel() })
		if _, err := wait.Await(co); !errors.Is(err, sched.ErrCancelled) {
			t.Errorf("await wait error = %v; want ErrCancelled", err)
		}
		if !task.Cancelled() {
			t.Errorf("the awaited task was not cancelled")
		}
		return nil
	})
}

func TestCPythonWaitForCancelBlocking(t *testing.T) {
	leaktest.Check(t)
	wfCancelWaitFor(t, -1)
}

func TestCPythonWaitForCancel(t *testing.T) {
	leaktest.Check(t)
	wfCancelWaitFor(t, 60*time.Second)
}

// 3.12 only (gh-84849): a coroutine that turns the timeout's cancellation into
// a return value has that value returned.
func TestCPythonWaitForCancelSuppressed(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		return42 := coro.New(func(co *coro.Co) (int, error) {
			if err := sched.Sleep(co, 10*time.Second); errors.Is(err, sched.ErrCancelled) {
				return 42, nil
			}
			return 0, nil
		})
		if got, err := sched.WaitFor(co, return42, 100*time.Millisecond); got != 42 || err != nil {
			t.Errorf("WaitFor = %d, %v; want 42, nil", got, err)
		}
		return nil
	})
}

// 3.12 only (gh-86296): a WaitFor that finished in time leaves no pending
// cancellation or timer behind, and a later cancellation of its task is not
// lost.
func TestCPythonWaitForIssue86296(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		reachedEnd := false
		task := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			inner := coro.New(func(co *coro.Co) (struct{}, error) { return struct{}{}, nil })
			if _, err := sched.WaitFor(co, inner, 100*time.Second); err != nil {
				return struct{}{}, err
			}
			if err := sched.Sleep(co, time.Second); err != nil {
				return struct{}{}, err
			}
			reachedEnd = true
			return struct{}{}, nil
		}))
		if err := sched.Sleep(co, 0); err != nil {
			return err
		}
		if task.Done() {
			t.Errorf("task done after one iteration")
		}
		task.Cancel()
		if _, err := task.Await(co); !errors.Is(err, sched.ErrCancelled) {
			t.Errorf("await task error = %v; want ErrCancelled", err)
		}
		if reachedEnd {
			t.Errorf("the task reached its end")
		}
		return nil
	})
}
