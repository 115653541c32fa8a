package sched_test

// Ports of CPython 3.11's Lib/test/test_asyncio/test_tasks.py. Each test names
// the Python test it ports; conformance/TALLY.md lists every Python test and
// where it went. Python's TestLoop (a clock the test moves by hand) becomes a
// loop with VirtualTime, whose clock jumps to the next timer, and its time
// assertions become l.Now() differences. Helpers shared with
// cpython_futures_test.go are prefixed cpy.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

type cpyUnit = struct{}

// cpyLoop returns a loop with a virtual clock, closed when the test ends (before
// leaktest's check, which was registered first). Errors nobody retrieved are
// logged.
func cpyLoop(t *testing.T) *sched.Loop {
	t.Helper()
	l := sched.NewLoop(sched.VirtualTime(), sched.OnUnhandledError(func(task string, err error) {
		t.Logf("unretrieved error of %s: %v", task, err)
	}))
	t.Cleanup(func() { l.Close() })
	return l
}

// cpyRunBriefly is test_utils.run_briefly: exactly two iterations of the loop.
// Python's run_until_complete(once()) runs the task once() in the first and
// its own stopping callback in the second. RunOn stops in the iteration its
// coroutine finishes (see TestCPythonTasksRunUntilCompleteLastIteration), so
// here the coroutine yields once and finishes in the second.
func cpyRunBriefly(t *testing.T, l *sched.Loop) {
	t.Helper()
	// run_until_complete of a coroutine that does nothing: its task's step, then
	// the iteration where asyncio's stopping callback runs.
	if _, err := sched.RunOn(l, coro.New(func(co *coro.Co) (cpyUnit, error) {
		return cpyUnit{}, nil
	})); err != nil {
		t.Fatalf("run_briefly: %v", err)
	}
}

// cpyRunTask is loop.run_until_complete(task): Python's loop stops in the
// iteration after the task is done, where its stopping callback (a done
// callback of the task) runs. RunOn stops in the iteration after its main
// coroutine is done; the main coroutine here watches tk from a done callback,
// which makes it finish in the iteration tk's callbacks run.
func cpyRunTask[T any](l *sched.Loop, tk *sched.Task[T]) (T, error) {
	return sched.RunOn(l, coro.New(func(co *coro.Co) (T, error) {
		return tk.Await(co)
	}))
}

// cpySpawn is loop.create_task(body()) from outside the loop.
func cpySpawn[T any](l *sched.Loop, body func(co *coro.Co) (T, error)) *sched.Task[T] {
	return sched.SpawnOn(l, coro.New(body))
}

// cpySleep is asyncio.sleep(d, result=v) as a coroutine object.
func cpySleep[T any](d time.Duration, v T) *coro.Coro[T] {
	return coro.New(func(co *coro.Co) (T, error) {
		if err := sched.Sleep(co, d); err != nil {
			var zero T
			return zero, err
		}
		return v, nil
	})
}

// cpyRunSleep is loop.run_until_complete(asyncio.sleep(d)).
func cpyRunSleep(t *testing.T, l *sched.Loop, d time.Duration) {
	t.Helper()
	if _, err := sched.RunOn(l, cpySleep(d, cpyUnit{})); err != nil {
		t.Fatalf("run_until_complete(sleep(%v)): %v", d, err)
	}
}

// cpyNamed spawns body as a task named name.
func cpyNamed[T any](l *sched.Loop, name string, body func(co *coro.Co) (T, error)) *sched.Task[T] {
	tk := cpySpawn(l, body)
	tk.SetName(name)
	return tk
}

// cpyNames returns the tasks' names, in order (never nil, for cmp).
func cpyNames[T any](ts []*sched.Task[T]) []string {
	names := make([]string, 0, len(ts))
	for _, t := range ts {
		names = append(names, t.Name())
	}
	return names
}

// cpyTicker counts the loop's iterations: a callback that reschedules itself
// runs once in each. Started before anything else is ready, it runs first in
// every iteration, so *n is the number of the iteration running. It keeps the
// loop busy, so a virtual clock never jumps while it runs: stop it before
// waiting on timers.
func cpyTicker(l *sched.Loop) (n *int, stop func()) {
	n = new(int)
	stopped := false
	var tick func()
	tick = func() {
		if stopped {
			return
		}
		*n++
		l.CallSoon(tick)
	}
	l.CallSoon(tick)
	return n, func() { stopped = true }
}

// cpyCheckCancelled checks that tk ended by cancellation and that Cancel of
// it now reports false.
func cpyCheckCancelled[T any](t *testing.T, tk *sched.Task[T]) {
	t.Helper()
	done, cancelled, again := tk.Done(), tk.Cancelled(), tk.Cancel()
	if !done || !cancelled || again {
		t.Errorf("Done() = %v, Cancelled() = %v, Cancel() again = %v; want true, true, false", done, cancelled, again)
	}
}

// cpyCauseError is Python's "raise ValueError(msg) from cause": an error that
// records its cause without being it (no Unwrap), so it is no cancellation
// even when its cause is.
type cpyCauseError struct {
	msg   string
	cause error
}

func (e *cpyCauseError) Error() string { return e.msg + " (from " + e.cause.Error() + ")" }

// cpyWaiter is a coro.Waiter of the test's own, with no sched type behind it:
// the Fut subclass of test_step_result_future, which counts the done
// callbacks the task adds.
type cpyWaiter struct {
	l    *sched.Loop
	done bool
	res  string
	cbs  []func()
	adds int // AddDoneCallback calls
}

func (w *cpyWaiter) AddDoneCallback(fn func()) {
	w.adds++
	if w.done {
		w.l.CallSoon(fn)
		return
	}
	w.cbs = append(w.cbs, fn)
}

func (w *cpyWaiter) Cancel() bool {
	if w.done {
		return false
	}
	w.set("")
	return true
}

func (w *cpyWaiter) set(v string) {
	w.done, w.res = true, v
	for _, fn := range w.cbs {
		w.l.CallSoon(fn)
	}
	w.cbs = nil
}

func (w *cpyWaiter) Await(co *coro.Co) (string, error) {
	for !w.done {
		if _, err := co.Suspend(w); err != nil {
			return "", err
		}
	}
	return w.res, nil
}

// cpyAwaitable is an awaitable that is neither a coroutine object, a task nor
// a future: Python's Aw class with __await__, or CoroLikeObject.
type cpyAwaitable struct {
	await func(co *coro.Co) (string, error)
}

func (a cpyAwaitable) Await(co *coro.Co) (string, error) { return a.await(co) }

var errCPyZeroDivision = errors.New("ZeroDivisionError")

// test_other_loop_future: awaiting a future of another loop is an error
// (Python: RuntimeError "Task got Future attached to a different loop").
func TestCPythonTasksOtherLoopFuture(t *testing.T) {
	leaktest.Check(t)
	l, other := cpyLoop(t), cpyLoop(t)
	fut := sched.NewFutureOn[int](other)
	_, err := sched.RunOn(l, coro.New(fut.Await))
	if err == nil || errors.Is(err, sched.ErrDeadlock) || errors.Is(err, context.Canceled) {
		t.Fatalf("awaiting a future of another loop: err = %v; want an error saying so", err)
	}
	if fut.Done() {
		t.Errorf("the other loop's future is done; want it untouched")
	}
}

// test_task_awaits_on_itself.
func TestCPythonTasksAwaitsOnItself(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	var tk *sched.Task[int]
	tk = cpySpawn(l, func(co *coro.Co) (int, error) { return tk.Await(co) })
	_, err := cpyRunTask(l, tk)
	if err == nil || !strings.Contains(err.Error(), "itself") {
		t.Fatalf("task awaiting itself: err = %v; want an error saying a task cannot await itself", err)
	}
}

// test_task_class, test_create_task_with_async_function, test_current_task,
// BaseCurrentLoopTests.test_current_task_with_implicit_loop: a task runs on the
// loop it was made on, its body sees that loop, and it ends with the body's
// result. Twice, on two loops.
func TestCPythonTasksTaskClass(t *testing.T) {
	leaktest.Check(t)
	for i := range 2 {
		l := cpyLoop(t)
		var seen *sched.Loop
		tk := cpySpawn(l, func(co *coro.Co) (string, error) {
			seen = sched.LoopOf(co)
			return "ok", nil
		})
		if tk.Done() {
			t.Fatalf("loop %d: task done before the loop ran", i)
		}
		got, err := cpyRunTask(l, tk)
		if got != "ok" || err != nil {
			t.Errorf("loop %d: run_until_complete(task) = %q, %v; want \"ok\", <nil>", i, got, err)
		}
		if r, err := tk.Result(); !tk.Done() || r != "ok" || err != nil {
			t.Errorf("loop %d: Done() = %v, Result() = %q, %v; want true, \"ok\", <nil>", i, tk.Done(), r, err)
		}
		if seen != l {
			t.Errorf("loop %d: LoopOf(co) in the task = %p; want the task's loop %p", i, seen, l)
		}
	}
}

// test_ensure_future_awaitable, test_create_task_with_asynclike_function: an
// awaitable that is neither a coroutine object, a task nor a future is run as
// a task of its own (by Gather), or made one with coro.New(aw.Await).
func TestCPythonTasksForeignAwaitable(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	inner := coro.New(func(co *coro.Co) (string, error) { return "ok", nil })
	aw := cpyAwaitable{inner.Await} // Python's Aw: __await__ delegates to a coroutine
	got, err := sched.RunOn(l, coro.New(func(co *coro.Co) ([]string, error) {
		return sched.Gather[string](co, aw)
	}))
	if diff := cmp.Diff([]string{"ok"}, got); diff != "" || err != nil {
		t.Errorf("Gather(awaitable) error %v, results (-want +got):\n%s", err, diff)
	}
	for i := range 2 { // CoroLikeObject: send raises StopIteration(42) at once
		like := cpyAwaitable{func(*coro.Co) (string, error) { return "42", nil }}
		tk := sched.SpawnOn(l, coro.New(like.Await))
		if got, err := cpyRunTask(l, tk); got != "42" || err != nil {
			t.Errorf("%d: task of a coroutine-like awaitable = %q, %v; want \"42\", <nil>", i, got, err)
		}
	}
}

// test_task_repr_autogenerated (names only; repr is Python's): default names
// are Task-N with N increasing.
func TestCPythonTasksAutogeneratedNames(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	t1 := cpySpawn(l, func(co *coro.Co) (int, error) { return 123, nil })
	t2 := cpySpawn(l, func(co *coro.Co) (int, error) { return 123, nil })
	num := func(tk *sched.Task[int]) int {
		s, ok := strings.CutPrefix(tk.Name(), "Task-")
		n, err := strconv.Atoi(s)
		if !ok || err != nil {
			t.Fatalf("Name() = %q; want Task-N", tk.Name())
		}
		return n
	}
	if n1, n2 := num(t1), num(t2); n1 >= n2 {
		t.Errorf("names %q, %q; want increasing numbers", t1.Name(), t2.Name())
	}
	cpyRunTask(l, t1)
	cpyRunTask(l, t2)
}

// test_task_basics: awaiting coroutines runs them inline.
func TestCPythonTasksBasics(t *testing.T) {
	leaktest.Check(t)
	inner1 := func(co *coro.Co) (int, error) { return 42, nil }
	inner2 := func(co *coro.Co) (int, error) { return 1000, nil }
	got, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		a, err := coro.New(inner1).Await(co)
		if err != nil {
			return 0, err
		}
		b, err := coro.New(inner2).Await(co)
		return a + b, err
	}), sched.VirtualTime())
	if got != 1042 || err != nil {
		t.Fatalf("Run(outer) = %d, %v; want 1042, <nil>", got, err)
	}
}

// test_cancelling: Cancelling counts requests; a second Cancel still reports
// true (the two "controversial" lines are commented out in 3.11).
func TestCPythonTasksCancelling(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	tk := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		return cpyUnit{}, sched.Sleep(co, 10*time.Second)
	})
	if n := tk.Cancelling(); n != 0 {
		t.Errorf("Cancelling() = %d before Cancel; want 0", n)
	}
	for want := 1; want <= 2; want++ {
		if !tk.Cancel() {
			t.Errorf("Cancel() #%d = false; want true", want)
		}
		if n := tk.Cancelling(); n != want {
			t.Errorf("Cancelling() = %d after %d Cancel calls; want %d", n, want, want)
		}
	}
	if _, err := cpyRunTask(l, tk); !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("run_until_complete(task) error = %v; want ErrCancelled", err)
	}
}

// test_uncancel_basic: a task that catches the cancellation and calls Uncancel
// goes on; a second cancellation ends it; Uncancel after the end changes
// nothing.
func TestCPythonTasksUncancelBasic(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	var tk *sched.Task[cpyUnit]
	tk = cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		err := sched.Sleep(co, 10*time.Second)
		if errors.Is(err, sched.ErrCancelled) {
			tk.Uncancel()
			err = sched.Sleep(co, 10*time.Second)
		}
		return cpyUnit{}, err
	})
	cpyRunSleep(t, l, 10*time.Millisecond)

	if !tk.Cancel() { // cancel the first sleep
		t.Fatalf("Cancel() = false; want true")
	}
	if n, c := tk.Cancelling(), tk.Cancelled(); n != 1 || c {
		t.Errorf("after Cancel: Cancelling() = %d, Cancelled() = %v; want 1, false", n, c)
	}
	cpyRunSleep(t, l, 10*time.Millisecond)
	if n, c, d := tk.Cancelling(), tk.Cancelled(), tk.Done(); n != 0 || c || d {
		t.Errorf("after Uncancel: Cancelling() = %d, Cancelled() = %v, Done() = %v; want 0, false, false", n, c, d)
	}

	if !tk.Cancel() { // cancel the second sleep
		t.Fatalf("second Cancel() = false; want true")
	}
	if n, c := tk.Cancelling(), tk.Cancelled(); n != 1 || c {
		t.Errorf("after second Cancel: Cancelling() = %d, Cancelled() = %v; want 1, false", n, c)
	}
	if _, err := cpyRunTask(l, tk); !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("run_until_complete(task) error = %v; want ErrCancelled", err)
	}
	if !tk.Cancelled() || !tk.Done() {
		t.Errorf("Cancelled() = %v, Done() = %v; want true, true", tk.Cancelled(), tk.Done())
	}
	tk.Uncancel()
	if !tk.Cancelled() || !tk.Done() {
		t.Errorf("after Uncancel of a done task: Cancelled() = %v, Done() = %v; want true, true", tk.Cancelled(), tk.Done())
	}
}

// test_uncancel_structured_blocks: a timeout built from AfterFunc, Cancel and
// Uncancel (what asyncio.timeout does) turns its own cancellation into a
// timeout, and the code after the block runs uncancelled. The withTimeout rows
// check that sched.WithTimeout behaves the same.
func TestCPythonTasksUncancelStructuredBlocks(t *testing.T) {
	type outcome struct{ TimedOut, BlockFinished, OuterReached bool }
	tests := []struct {
		name           string
		sleep, timeout time.Duration
		withTimeout    bool
		want           outcome
	}{
		{"timed out", 10 * time.Second, 100 * time.Millisecond, false, outcome{true, false, true}},
		{"not timed out", 0, 10 * time.Second, false, outcome{false, true, true}},
		{"withTimeout/timed out", 10 * time.Second, 100 * time.Millisecond, true, outcome{true, false, true}},
		{"withTimeout/not timed out", 0, 10 * time.Second, true, outcome{false, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			l := cpyLoop(t)
			var tk *sched.Task[outcome]
			tk = cpySpawn(l, func(co *coro.Co) (outcome, error) {
				var o outcome
				var err error
				if tt.withTimeout {
					err = sched.WithTimeout(co, tt.timeout, func(co *coro.Co) error {
						if err := sched.Sleep(co, tt.sleep); err != nil {
							return err
						}
						o.BlockFinished = true
						return nil
					})
					o.TimedOut = errors.Is(err, sched.ErrTimeout)
				} else {
					h := sched.LoopOf(co).AfterFunc(tt.timeout, func() {
						o.TimedOut = true
						tk.Cancel()
					})
					err = sched.Sleep(co, tt.sleep) // the structured block
					if err == nil {
						o.BlockFinished = true
					}
					h.Stop()
					if o.TimedOut && tk.Uncancel() == 0 && errors.Is(err, sched.ErrCancelled) {
						err = sched.ErrTimeout
					}
				}
				if err != nil && !errors.Is(err, sched.ErrTimeout) {
					return o, err
				}
				o.OuterReached = true // outer code, not affected by the timeout
				return o, sched.Sleep(co, 0)
			})
			got, err := cpyRunTask(l, tk)
			if err != nil {
				t.Fatalf("run_until_complete(task) error = %v; want <nil>", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
			if n := tk.Cancelling(); n != 0 {
				t.Errorf("Cancelling() = %d; want 0 (no pending cancellation of the outer task)", n)
			}
		})
	}
}

// test_cancel: a cancel scheduled with CallSoon before the task first runs
// cancels its sleep; the clock does not move.
func TestCPythonTasksCancel(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	start := l.Now()
	tk := cpySpawn(l, func(co *coro.Co) (int, error) {
		if err := sched.Sleep(co, 10*time.Second); err != nil {
			return 0, err
		}
		return 12, nil
	})
	l.CallSoon(func() { tk.Cancel() })
	if _, err := cpyRunTask(l, tk); !errors.Is(err, sched.ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Errorf("run_until_complete(task) error = %v; want ErrCancelled (matching context.Canceled)", err)
	}
	cpyCheckCancelled(t, tk)
	if d := l.Now().Sub(start); d != 0 {
		t.Errorf("loop time moved %v; want 0", d)
	}
}

// test_cancel_with_message_then_future_result,
// test_cancel_with_message_then_future_exception,
// test_cancel_with_message_before_starting_task (Go has no cancel messages):
// the Result of a cancelled task is ErrCancelled, and returning it cancels the
// caller. Cancelled before it starts, the task's body never runs.
func TestCPythonTasksCancelThenResult(t *testing.T) {
	for _, sleepFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("started=%v", sleepFirst), func(t *testing.T) {
			leaktest.Check(t)
			l := cpyLoop(t)
			ran := false
			outer := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
				inner := sched.Spawn(co, coro.New(func(co *coro.Co) (cpyUnit, error) {
					ran = true
					return cpyUnit{}, sched.Sleep(co, 10*time.Second)
				}))
				if sleepFirst {
					if err := sched.Sleep(co, 0); err != nil {
						return cpyUnit{}, err
					}
				}
				inner.Cancel()
				if _, _, err := sched.Wait(co, []*sched.Task[cpyUnit]{inner}, sched.AllCompleted, 0); err != nil {
					return cpyUnit{}, fmt.Errorf("Wait: %v", err)
				}
				_, err := inner.Result()
				return cpyUnit{}, err
			})
			if _, err := cpyRunTask(l, outer); !errors.Is(err, sched.ErrCancelled) || !outer.Cancelled() {
				t.Errorf("outer: error %v, Cancelled() = %v; want ErrCancelled, true", err, outer.Cancelled())
			}
			if ran != sleepFirst {
				t.Errorf("inner body ran = %v; want %v", ran, sleepFirst)
			}
		})
	}
}

// test_cancellation_exception_context: an error raised "from" the
// cancellation of an awaited task is that error, not a cancellation. Go
// differs for an error that wraps the cancellation with %w: errors.Is sees a
// cancellation through it, so the task ends cancelled (with that error).
func TestCPythonTasksCancellationErrorContext(t *testing.T) {
	tests := []struct {
		name          string
		wrap          func(err error) error
		wantCancelled bool
	}{
		{"cause", func(err error) error { return &cpyCauseError{"cancelled", err} }, false},
		{"wrapped", func(err error) error { return fmt.Errorf("cancelled: %w", err) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			l := cpyLoop(t)
			fut := sched.NewFutureOn[cpyUnit](l)
			var raised error
			outer := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
				inner := sched.Spawn(co, coro.New(func(co *coro.Co) (cpyUnit, error) {
					fut.SetResult(cpyUnit{})
					return cpyUnit{}, sched.Sleep(co, 10*time.Second)
				}))
				if _, err := fut.Await(co); err != nil {
					return cpyUnit{}, err
				}
				sched.LoopOf(co).CallSoon(func() { inner.Cancel() })
				if _, err := inner.Await(co); err != nil {
					if !errors.Is(err, sched.ErrCancelled) {
						return cpyUnit{}, err
					}
					raised = tt.wrap(err)
					return cpyUnit{}, raised
				}
				return cpyUnit{}, nil
			})
			if _, err := cpyRunTask(l, outer); raised == nil || err != raised {
				t.Fatalf("run_until_complete(task) error = %v; want the error raised from the cancellation, %v", err, raised)
			}
			if outer.Cancelled() != tt.wantCancelled {
				t.Errorf("Cancelled() = %v; want %v", outer.Cancelled(), tt.wantCancelled)
			}
		})
	}
}

// test_cancel_yield: cancelled between two bare yields (sleep(0)), the task
// ends cancelled and never returns its value.
func TestCPythonTasksCancelYield(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	var trace []string
	tk := cpySpawn(l, func(co *coro.Co) (int, error) {
		for _, step := range []string{"yield 1", "yield 2"} {
			trace = append(trace, step)
			if err := sched.Sleep(co, 0); err != nil {
				trace = append(trace, "cancelled")
				return 0, err
			}
		}
		trace = append(trace, "return")
		return 12, nil
	})
	cpyRunBriefly(t, l) // start the coroutine: two iterations, two yields
	tk.Cancel()
	if _, err := cpyRunTask(l, tk); !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("run_until_complete(task) error = %v; want ErrCancelled", err)
	}
	cpyCheckCancelled(t, tk)
	if diff := cmp.Diff([]string{"yield 1", "yield 2", "cancelled"}, trace); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
}

// test_cancel_inner_future, test_cancel_both_task_and_inner_future: a task
// whose awaited future is cancelled (alone, or then the task too) ends
// cancelled.
func TestCPythonTasksCancelInnerFuture(t *testing.T) {
	for _, alsoTask := range []bool{false, true} {
		t.Run(fmt.Sprintf("alsoTask=%v", alsoTask), func(t *testing.T) {
			leaktest.Check(t)
			l := cpyLoop(t)
			f := sched.NewFutureOn[int](l)
			tk := cpySpawn(l, func(co *coro.Co) (int, error) {
				if _, err := f.Await(co); err != nil {
					return 0, err
				}
				return 12, nil
			})
			cpyRunBriefly(t, l) // start the task
			f.Cancel()
			if alsoTask && !tk.Cancel() {
				t.Errorf("task Cancel() = false; want true (the task is not done)")
			}
			if _, err := cpyRunTask(l, tk); !errors.Is(err, sched.ErrCancelled) {
				t.Errorf("run_until_complete(task) error = %v; want ErrCancelled", err)
			}
			if !tk.Done() || !tk.Cancelled() || !f.Cancelled() {
				t.Errorf("task Done() = %v, Cancelled() = %v, future Cancelled() = %v; want all true", tk.Done(), tk.Cancelled(), f.Cancelled())
			}
		})
	}
}

// test_cancel_task_catching, test_cancel_task_ignoring: Cancel cancels the
// future the task waits on (Python checks _fut_waiter; here, that the future
// is the one cancelled); a task that catches it returns a value, or goes on
// to await another future, and does not end cancelled.
func TestCPythonTasksCancelTaskCatching(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	fut1, fut2 := sched.NewFutureOn[cpyUnit](l), sched.NewFutureOn[cpyUnit](l)
	tk := cpySpawn(l, func(co *coro.Co) (int, error) {
		if _, err := fut1.Await(co); err != nil {
			return 0, err
		}
		if _, err := fut2.Await(co); errors.Is(err, sched.ErrCancelled) {
			return 42, nil
		}
		return 0, errors.New("fut2 was not cancelled")
	})
	cpyRunBriefly(t, l)
	fut1.SetResult(cpyUnit{})
	cpyRunBriefly(t, l)
	tk.Cancel()
	if !fut2.Cancelled() {
		t.Errorf("fut2.Cancelled() = false after the task's Cancel; want true (the task waits on it)")
	}
	if got, err := cpyRunTask(l, tk); got != 42 || err != nil || tk.Cancelled() {
		t.Errorf("run_until_complete(task) = %d, %v, Cancelled() = %v; want 42, <nil>, false", got, err, tk.Cancelled())
	}
}

func TestCPythonTasksCancelTaskIgnoring(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	fut1, fut2, fut3 := sched.NewFutureOn[cpyUnit](l), sched.NewFutureOn[cpyUnit](l), sched.NewFutureOn[int](l)
	tk := cpySpawn(l, func(co *coro.Co) (int, error) {
		if _, err := fut1.Await(co); err != nil {
			return 0, err
		}
		if _, err := fut2.Await(co); err != nil && !errors.Is(err, sched.ErrCancelled) {
			return 0, err
		}
		return fut3.Await(co)
	})
	cpyRunBriefly(t, l)
	fut1.SetResult(cpyUnit{})
	cpyRunBriefly(t, l)
	tk.Cancel()
	if !fut2.Cancelled() {
		t.Errorf("fut2.Cancelled() = false after the task's Cancel; want true")
	}
	cpyRunBriefly(t, l)
	if tk.Done() {
		t.Fatalf("task done; want it waiting on fut3")
	}
	fut3.SetResult(42)
	if got, err := cpyRunTask(l, tk); got != 42 || err != nil {
		t.Errorf("run_until_complete(task) = %d, %v; want 42, <nil>", got, err)
	}
	if fut3.Cancelled() || tk.Cancelled() {
		t.Errorf("fut3.Cancelled() = %v, task Cancelled() = %v; want false, false", fut3.Cancelled(), tk.Cancelled())
	}
}

// test_cancel_current_task: a task that cancels itself has its next await
// cancelled at once; the 100 s sleep takes no time.
func TestCPythonTasksCancelCurrentTask(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	start := l.Now()
	var tk *sched.Task[int]
	tk = cpySpawn(l, func(co *coro.Co) (int, error) {
		if !tk.Cancel() {
			t.Errorf("Cancel() of the running task = false; want true")
		}
		if err := sched.Sleep(co, 100*time.Second); err != nil {
			return 0, err
		}
		return 12, nil
	})
	if tk.Cancelled() {
		t.Fatalf("Cancelled() = true before the task ran")
	}
	if _, err := cpyRunTask(l, tk); !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("run_until_complete(task) error = %v; want ErrCancelled", err)
	}
	cpyCheckCancelled(t, tk)
	if d := l.Now().Sub(start); d != 0 {
		t.Errorf("the cancelled sleep took %v; want 0", d)
	}
}

// test_cancel_at_end: a task that cancels itself and then returns without
// awaiting again ends cancelled (Python's __step: StopIteration with
// _must_cancel set cancels the task instead of setting its result).
func TestCPythonTasksCancelAtEnd(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	var tk *sched.Task[int]
	tk = cpySpawn(l, func(co *coro.Co) (int, error) {
		tk.Cancel()
		return 12, nil
	})
	got, err := cpyRunTask(l, tk)
	if !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("run_until_complete(task) = %d, %v; want ErrCancelled (CPython cancels a task that returns with a cancellation pending)", got, err)
	}
	cpyCheckCancelled(t, tk)
}

// test_cancel_awaited_task: a task cancelled while running (by itself) that
// then awaits another task cancels that task, which cancels its future.
func TestCPythonTasksCancelAwaitedTask(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	fut := sched.NewFutureOn[cpyUnit](l)
	var tk, nested *sched.Task[cpyUnit]
	tk = cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		nested = sched.Spawn(co, coro.New(fut.Await))
		if err := sched.Sleep(co, 0); err != nil { // let it run
			return cpyUnit{}, err
		}
		tk.Cancel()
		return nested.Await(co) // cancelled at once
	})
	if _, err := cpyRunTask(l, tk); !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("run_until_complete(task) error = %v; want ErrCancelled", err)
	}
	if !tk.Cancelled() || !nested.Cancelled() || !fut.Cancelled() {
		t.Errorf("Cancelled(): task %v, nested %v, future %v; want all true", tk.Cancelled(), nested.Cancelled(), fut.Cancelled())
	}
}

// test_wait, test_wait_first_completed, test_wait_first_exception,
// test_wait_first_exception_in_wait, test_wait_with_exception,
// test_wait_with_timeout, test_wait_concurrent_complete,
// test_wait_with_iterator_of_tasks: tasks a then b are made, Wait is given
// [b, a]. Go's Wait returns done and pending in the order given (Python:
// sets). Where nothing is left pending, waiting again takes no time.
func TestCPythonTasksWait(t *testing.T) {
	const ms = time.Millisecond
	type spec struct {
		sleep time.Duration
		fail  bool
	}
	tests := []struct {
		name          string
		a, b          spec
		when          sched.ReturnWhen
		timeout       time.Duration
		done, pending []string
		elapsed       time.Duration
		failures      int
	}{
		{"all", spec{100 * ms, false}, spec{150 * ms, false}, sched.AllCompleted, 0, []string{"b", "a"}, []string{}, 150 * ms, 0},
		{"first completed", spec{10 * time.Second, false}, spec{100 * ms, false}, sched.FirstCompleted, 0, []string{"b"}, []string{"a"}, 100 * ms, 0},
		{"first exception already raised", spec{10 * time.Second, false}, spec{0, true}, sched.FirstException, 0, []string{"b"}, []string{"a"}, 0, 1},
		{"first exception in wait", spec{10 * time.Second, false}, spec{10 * ms, true}, sched.FirstException, 0, []string{"b"}, []string{"a"}, 10 * ms, 1},
		{"with exception", spec{100 * ms, false}, spec{150 * ms, true}, sched.AllCompleted, 0, []string{"b", "a"}, []string{}, 150 * ms, 1},
		{"with timeout", spec{100 * ms, false}, spec{150 * ms, false}, sched.AllCompleted, 110 * ms, []string{"a"}, []string{"b"}, 110 * ms, 0},
		// a's timer and Wait's are due together; a's was set first, so a is
		// done when Wait wakes.
		{"concurrent complete", spec{100 * ms, false}, spec{150 * ms, false}, sched.AllCompleted, 100 * ms, []string{"a"}, []string{"b"}, 100 * ms, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			l := cpyLoop(t)
			start := l.Now()
			mk := func(name string, s spec) *sched.Task[cpyUnit] {
				return cpyNamed(l, name, func(co *coro.Co) (cpyUnit, error) {
					if s.sleep > 0 {
						if err := sched.Sleep(co, s.sleep); err != nil {
							return cpyUnit{}, err
						}
					}
					if s.fail {
						return cpyUnit{}, errCPyZeroDivision
					}
					return cpyUnit{}, nil
				})
			}
			a := mk("a", tt.a)
			b := mk("b", tt.b)
			for run := 1; run <= 2; run++ {
				var done, pending []*sched.Task[cpyUnit]
				_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (cpyUnit, error) {
					var err error
					done, pending, err = sched.Wait(co, []*sched.Task[cpyUnit]{b, a}, tt.when, tt.timeout)
					return cpyUnit{}, err
				}))
				if err != nil {
					t.Fatalf("run %d: Wait error = %v", run, err)
				}
				if diff := cmp.Diff(tt.done, cpyNames(done)); diff != "" {
					t.Errorf("run %d: done (-want +got):\n%s", run, diff)
				}
				if diff := cmp.Diff(tt.pending, cpyNames(pending)); diff != "" {
					t.Errorf("run %d: pending (-want +got):\n%s", run, diff)
				}
				failures := 0
				for _, tk := range done {
					if !tk.Done() {
						t.Errorf("run %d: %s listed done but not Done()", run, tk.Name())
					}
					if _, err := tk.Result(); err != nil {
						failures++
					}
				}
				if failures != tt.failures {
					t.Errorf("run %d: %d done tasks failed; want %d", run, failures, tt.failures)
				}
				if d := l.Now().Sub(start); d != tt.elapsed {
					t.Errorf("run %d: loop time %v; want %v", run, d, tt.elapsed)
				}
				if len(tt.pending) > 0 {
					break
				}
			}
		})
	}
}

// test_wait_duplicate_coroutines: a task given twice is waited for, and
// listed, once.
func TestCPythonTasksWaitDuplicates(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	c := cpyNamed(l, "c", func(co *coro.Co) (string, error) { return "test", nil })
	spam := cpyNamed(l, "spam", func(co *coro.Co) (string, error) { return "spam", nil })
	var done, pending []*sched.Task[string]
	_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (cpyUnit, error) {
		var err error
		done, pending, err = sched.Wait(co, []*sched.Task[string]{c, c, spam}, sched.AllCompleted, 0)
		return cpyUnit{}, err
	}))
	if err != nil || len(pending) != 0 {
		t.Fatalf("Wait: pending %v, error %v; want none, <nil>", cpyNames(pending), err)
	}
	var results []string
	for _, tk := range done {
		r, _ := tk.Result()
		results = append(results, r)
	}
	if diff := cmp.Diff([]string{"test", "spam"}, results); diff != "" {
		t.Errorf("results of done (-want +got):\n%s", diff)
	}
}

// test_wait_errors, test_wait_invalid_args: Wait of no tasks, and Wait with
// a ReturnWhen that is none of the three, are errors (Python: ValueError,
// raised before waiting). The wrong-type cases are compile errors in Go.
func TestCPythonTasksWaitErrors(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		leaktest.Check(t)
		l := cpyLoop(t)
		_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (cpyUnit, error) {
			_, _, err := sched.Wait[int](co, nil, sched.AllCompleted, 0)
			return cpyUnit{}, err
		}))
		if err == nil || errors.Is(err, context.Canceled) {
			t.Errorf("Wait of no tasks: error %v; want an error", err)
		}
	})
	t.Run("invalid ReturnWhen", func(t *testing.T) {
		leaktest.Check(t)
		l := cpyLoop(t)
		start := l.Now()
		_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (cpyUnit, error) {
			sleeper := sched.Spawn(co, cpySleep(10*time.Second, cpyUnit{}))
			_, _, err := sched.Wait(co, []*sched.Task[cpyUnit]{sleeper}, sched.ReturnWhen(-1), 0)
			return cpyUnit{}, err
		}))
		if err == nil || errors.Is(err, context.Canceled) {
			t.Errorf("Wait with ReturnWhen(-1): error %v after waiting %v; want an error at once (CPython: ValueError)", err, l.Now().Sub(start))
		}
	})
}

// test_wait_really_done: with FirstCompleted, a task that finished in the
// same iteration as the first one, before Wait woke, is listed done too.
func TestCPythonTasksWaitReallyDone(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	yields := func(n int) func(co *coro.Co) (cpyUnit, error) {
		return func(co *coro.Co) (cpyUnit, error) {
			for range n {
				if err := sched.Sleep(co, 0); err != nil {
					return cpyUnit{}, err
				}
			}
			return cpyUnit{}, nil
		}
	}
	a := cpyNamed(l, "a", yields(1))
	b := cpyNamed(l, "b", yields(2))
	w := cpySpawn(l, func(co *coro.Co) ([]string, error) {
		done, _, err := sched.Wait(co, []*sched.Task[cpyUnit]{b, a}, sched.FirstCompleted, 0)
		return cpyNames(done), err
	})
	done, err := cpyRunTask(l, w)
	if diff := cmp.Diff([]string{"b", "a"}, done); diff != "" || err != nil {
		t.Errorf("Wait error %v, done (-want +got):\n%s", err, diff)
	}
	for _, tk := range []*sched.Task[cpyUnit]{a, b} {
		if _, err := tk.Result(); !tk.Done() || err != nil {
			t.Errorf("%s: Done() = %v, Result error %v; want true, <nil>", tk.Name(), tk.Done(), err)
		}
	}
}

// test_as_completed: results come in the order the tasks finish. Python's
// test only knows a and b come first (as_completed makes a set); equal
// deadlines keep the order their timers were set in, so here it is a, b, c.
func TestCPythonTasksAsCompleted(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	start := l.Now()
	got, err := sched.RunOn(l, coro.New(func(co *coro.Co) ([]string, error) {
		a := sched.Spawn(co, cpySleep(10*time.Millisecond, "a"))
		b := sched.Spawn(co, cpySleep(10*time.Millisecond, "b"))
		c := sched.Spawn(co, cpySleep(150*time.Millisecond, "c"))
		var values []string
		for v, err := range sched.AsCompleted(co, []*sched.Task[string]{b, c, a}) {
			if err != nil {
				return values, err
			}
			values = append(values, v)
		}
		return values, nil
	}))
	if diff := cmp.Diff([]string{"a", "b", "c"}, got); diff != "" || err != nil {
		t.Errorf("AsCompleted error %v, values (-want +got):\n%s", err, diff)
	}
	if d := l.Now().Sub(start); d != 150*time.Millisecond {
		t.Errorf("loop time %v; want 150ms", d)
	}
}

// test_as_completed_with_timeout, test_as_completed_with_unused_timeout: Go
// differs: AsCompleted has no timeout; WithTimeout around the range does the
// same. The pending task is not cancelled by the timeout.
func TestCPythonTasksAsCompletedWithTimeout(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name    string
		timeout time.Duration
		values  []string
		expires bool
		elapsed time.Duration
	}{
		{"expires", 120 * ms, []string{"a"}, true, 120 * ms},
		{"unused", time.Second, []string{"a", "b"}, false, 150 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			l := cpyLoop(t)
			start := l.Now()
			a := cpySpawn(l, cpySleep(100*ms, "a").Await)
			b := cpySpawn(l, cpySleep(150*ms, "b").Await)
			var values []string
			_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (cpyUnit, error) {
				return cpyUnit{}, sched.WithTimeout(co, tt.timeout, func(co *coro.Co) error {
					for v, err := range sched.AsCompleted(co, []*sched.Task[string]{a, b}) {
						if err != nil {
							return err
						}
						values = append(values, v)
					}
					return nil
				})
			}))
			if got := errors.Is(err, sched.ErrTimeout); got != tt.expires || (err != nil && !got) {
				t.Errorf("error %v; want timeout %v", err, tt.expires)
			}
			if diff := cmp.Diff(tt.values, values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			if d := l.Now().Sub(start); d != tt.elapsed {
				t.Errorf("loop time %v; want %v", d, tt.elapsed)
			}
			if b.Cancelled() {
				t.Errorf("b was cancelled; want the timeout to leave it alone")
			}
		})
	}
}

// test_as_completed_duplicate_coroutines,
// test_as_completed_coroutine_use_running_loop: a task given twice comes out
// once.
func TestCPythonTasksAsCompletedDuplicates(t *testing.T) {
	leaktest.Check(t)
	got, err := sched.Run(coro.New(func(co *coro.Co) ([]string, error) {
		c := sched.Spawn(co, coro.New(func(co *coro.Co) (string, error) { return "ham", nil }))
		spam := sched.Spawn(co, coro.New(func(co *coro.Co) (string, error) { return "spam", nil }))
		var result []string
		for v, err := range sched.AsCompleted(co, []*sched.Task[string]{c, c, spam}) {
			if err != nil {
				return result, err
			}
			result = append(result, v)
		}
		return result, nil
	}), sched.VirtualTime())
	if diff := cmp.Diff([]string{"ham", "spam"}, got); diff != "" || err != nil {
		t.Errorf("AsCompleted error %v, values (-want +got):\n%s", err, diff)
	}
}

// test_as_completed_coroutine_without_loop, test_shield_coroutine_without_loop,
// CoroutineGatherTests.test_constructor_without_loop,
// BaseCurrentLoopTests.test_current_task_no_running_loop(_implicit): in a
// coroutine that no sched task drives (here, one driven by hand), LoopOf is
// nil and the combinators return an error (Python: RuntimeError "no current
// event loop"). Go differs for Gather of nothing: it needs no loop and returns
// an empty result.
func TestCPythonTasksNoRunningLoop(t *testing.T) {
	leaktest.Check(t)
	answer := func(co *coro.Co) (int, error) { return 42, nil }
	tests := []struct {
		name string
		call func(co *coro.Co) error
	}{
		{"LoopOf", func(co *coro.Co) error {
			if l := sched.LoopOf(co); l != nil {
				return nil
			}
			return errors.New("no running loop")
		}},
		{"AsCompleted", func(co *coro.Co) error {
			for _, err := range sched.AsCompleted[int](co, nil) {
				return err
			}
			return nil
		}},
		{"Shield", func(co *coro.Co) error {
			_, err := sched.Shield[int](co, coro.New(answer))
			return err
		}},
		{"Gather", func(co *coro.Co) error {
			_, err := sched.Gather[int](co, coro.New(answer), coro.New(answer))
			return err
		}},
		{"Wait", func(co *coro.Co) error {
			_, _, err := sched.Wait(co, []*sched.Task[int]{nil}, sched.AllCompleted, 0)
			return err
		}},
	}
	for _, tt := range tests {
		var got error
		c := coro.New(func(co *coro.Co) (cpyUnit, error) {
			got = tt.call(co)
			return cpyUnit{}, nil
		})
		if _, err := c.Send(nil); err != gen.ErrStopIteration {
			t.Errorf("%s: driving by hand: Send = %v; want the body to finish", tt.name, err)
			continue
		}
		if got == nil {
			t.Errorf("%s with no running loop: error <nil>; want one", tt.name)
		}
	}
	c := coro.New(func(co *coro.Co) ([]int, error) { return sched.Gather[int](co) })
	c.Send(nil)
	if got, err := c.Result(); got == nil || len(got) != 0 || err != nil {
		t.Errorf("Gather() of nothing with no running loop = %#v, %v; want []int{}, <nil>", got, err)
	}
}

// test_sleep: two sleeps of 50 ms take 100 ms.
func TestCPythonTasksSleep(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	start := l.Now()
	tk := cpySpawn(l, func(co *coro.Co) (string, error) {
		if err := sched.Sleep(co, 50*time.Millisecond); err != nil {
			return "", err
		}
		return cpySleep(50*time.Millisecond, "yeah").Await(co)
	})
	if got, err := cpyRunTask(l, tk); got != "yeah" || err != nil || !tk.Done() {
		t.Errorf("run_until_complete(task) = %q, %v, Done() = %v; want \"yeah\", <nil>, true", got, err, tk.Done())
	}
	if d := l.Now().Sub(start); d != 100*time.Millisecond {
		t.Errorf("loop time %v; want 100ms", d)
	}
}

// test_sleep_cancel: cancelling a sleeping task stops its timer (Python checks
// the TimerHandle; here, a stopped timer no longer keeps the loop alive, so
// waiting on nothing is a deadlock at once, with no jump to the 10 s mark).
func TestCPythonTasksSleepCancel(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	start := l.Now()
	tk := cpySpawn(l, cpySleep(10*time.Second, "yeah").Await)
	cpyRunBriefly(t, l)
	tk.Cancel()
	cpyRunBriefly(t, l)
	if !tk.Cancelled() {
		t.Errorf("Cancelled() = false; want true")
	}
	never := sched.NewFutureOn[int](l)
	if _, err := sched.RunOn(l, coro.New(never.Await)); !errors.Is(err, sched.ErrDeadlock) {
		t.Errorf("awaiting a future nobody sets: error %v; want ErrDeadlock (no timer left)", err)
	}
	if d := l.Now().Sub(start); d != 0 {
		t.Errorf("loop time %v; want 0: the cancelled sleep's timer must be gone", d)
	}
}

// test_task_cancel_sleeping_task: a task awaiting a sleeping task that is
// cancelled by a timer sees the cancellation, and is not cancelled itself.
func TestCPythonTasksCancelSleepingTask(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	start := l.Now()
	got, err := sched.RunOn(l, coro.New(func(co *coro.Co) (string, error) {
		sleeper := sched.Spawn(co, cpySleep(5000*time.Second, cpyUnit{}))
		sched.LoopOf(co).AfterFunc(100*time.Millisecond, func() { sleeper.Cancel() })
		if _, err := sleeper.Await(co); errors.Is(err, sched.ErrCancelled) {
			return "cancelled", nil
		}
		return "slept in", nil
	}))
	if got != "cancelled" || err != nil {
		t.Errorf("doit = %q, %v; want \"cancelled\", <nil>", got, err)
	}
	if d := l.Now().Sub(start); d != 100*time.Millisecond {
		t.Errorf("loop time %v; want 100ms", d)
	}
}

// test_task_cancel_waiter_future.
func TestCPythonTasksCancelWaiterFuture(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	fut := sched.NewFutureOn[cpyUnit](l)
	tk := cpySpawn(l, fut.Await)
	cpyRunBriefly(t, l)
	tk.Cancel()
	cpyRunBriefly(t, l)
	if _, err := cpyRunTask(l, tk); !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("run_until_complete(task) error = %v; want ErrCancelled", err)
	}
	if !fut.Cancelled() {
		t.Errorf("future Cancelled() = false; want true")
	}
}

// test_step_result_future, add_subclass_tests' test_subclasses_ctask_cfuture:
// a task waits on any coro.Waiter by adding exactly one done callback, and
// gets the value once the waiter is done.
func TestCPythonTasksForeignWaiter(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	w := &cpyWaiter{l: l}
	var result string
	tk := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		var err error
		result, err = w.Await(co)
		return cpyUnit{}, err
	})
	cpyRunBriefly(t, l)
	if w.adds != 1 {
		t.Errorf("AddDoneCallback called %d times; want 1", w.adds)
	}
	w.set("res")
	cpyRunBriefly(t, l)
	if _, err := tk.Result(); result != "res" || !tk.Done() || err != nil {
		t.Errorf("result %q, Done() = %v, Result error %v; want \"res\", true, <nil>", result, tk.Done(), err)
	}
	if w.adds != 1 {
		t.Errorf("AddDoneCallback called %d times in all; want 1", w.adds)
	}
}

// test_baseexception_during_cancel: Go differs: a panic is Go's
// BaseException. Raised when the task handles its cancellation, it comes out
// of the loop as a *sched.PanicError, and the task is done but not cancelled.
// (Python keeps SystemExit as the task's exception; a panic is not a result,
// and the loop is closed after it.)
func TestCPythonTasksPanicDuringCancel(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	exit := errors.New("SystemExit")
	tk := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		if err := sched.Sleep(co, 10*time.Second); errors.Is(err, sched.ErrCancelled) {
			panic(exit)
		}
		return cpyUnit{}, nil
	})
	cpyRunBriefly(t, l)
	tk.Cancel()
	if tk.Done() {
		t.Fatalf("Done() = true right after Cancel; want false")
	}
	p := func() (p any) {
		defer func() { p = recover() }()
		sched.RunOn(l, cpySleep(0, cpyUnit{}))
		return nil
	}()
	if pe, ok := p.(*sched.PanicError); !ok || pe.Value != exit || !errors.Is(pe, exit) {
		t.Fatalf("run_briefly panicked with %#v; want a *sched.PanicError holding %v", p, exit)
	}
	if !tk.Done() || tk.Cancelled() {
		t.Errorf("Done() = %v, Cancelled() = %v; want true, false", tk.Done(), tk.Cancelled())
	}
}

// test_coroutine_non_gen_function, test_coroutine_non_gen_function_return_future:
// a coroutine may return a future as its value; it is not awaited.
func TestCPythonTasksCoroutineReturnsFuture(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	if got, err := sched.RunOn(l, coro.New(func(co *coro.Co) (string, error) { return "test", nil })); got != "test" || err != nil {
		t.Errorf("run_until_complete(func()) = %q, %v; want \"test\", <nil>", got, err)
	}
	fut := sched.NewFutureOn[string](l)
	t1 := cpySpawn(l, func(co *coro.Co) (*sched.Future[string], error) { return fut, nil })
	t2 := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) { return cpyUnit{}, fut.SetResult("test") })
	if got, err := cpyRunTask(l, t1); got != fut || err != nil {
		t.Errorf("run_until_complete(t1) = %p, %v; want the future %p, <nil>", got, err, fut)
	}
	if _, err := t2.Result(); err != nil {
		t.Errorf("t2.Result() error = %v; want <nil>", err)
	}
}

// test_current_task_with_interleaving_tasks: each task sees its loop, and the
// two hand control to each other through the futures iteration by iteration.
func TestCPythonTasksInterleaving(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	iter, stop := cpyTicker(l)
	defer stop()
	fut1, fut2 := sched.NewFutureOn[bool](l), sched.NewFutureOn[bool](l)
	var trace []string
	log := func(co *coro.Co, s string) {
		if sched.LoopOf(co) != l {
			t.Errorf("%s: LoopOf(co) is not the task's loop", s)
		}
		trace = append(trace, fmt.Sprintf("%d: %s", *iter, s))
	}
	task1 := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		log(co, "task1 starts")
		if _, err := fut1.Await(co); err != nil {
			return cpyUnit{}, err
		}
		log(co, "task1 resumes")
		return cpyUnit{}, fut2.SetResult(true)
	})
	task2 := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		log(co, "task2 starts")
		fut1.SetResult(true)
		if _, err := fut2.Await(co); err != nil {
			return cpyUnit{}, err
		}
		log(co, "task2 resumes")
		return cpyUnit{}, nil
	})
	_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (cpyUnit, error) {
		_, _, err := sched.Wait(co, []*sched.Task[cpyUnit]{task1, task2}, sched.AllCompleted, 0)
		log(co, "wait returns")
		return cpyUnit{}, err
	}))
	if err != nil {
		t.Fatalf("Wait error = %v", err)
	}
	// CPython 3.11 prints the same trace (an equivalent ticker made with call_soon).
	want := []string{"1: task1 starts", "1: task2 starts", "2: task1 resumes", "3: task2 resumes", "5: wait returns"}
	if diff := cmp.Diff(want, trace); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
}

// test_yield_future_passes_cancel: cancelling the outer task cancels the
// future the inner coroutine awaits; both see the cancellation; the outer
// catches it and ends normally.
func TestCPythonTasksYieldFuturePassesCancel(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	proof := 0
	waiter := sched.NewFutureOn[cpyUnit](l)
	inner := func(co *coro.Co) error {
		if _, err := waiter.Await(co); err != nil {
			if errors.Is(err, sched.ErrCancelled) {
				proof++
			}
			return err
		}
		t.Errorf("got past the waiter in inner")
		return nil
	}
	f := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		if err := inner(co); errors.Is(err, sched.ErrCancelled) {
			proof += 100 // expect this path
		} else {
			proof += 10
		}
		return cpyUnit{}, nil
	})
	cpyRunBriefly(t, l)
	f.Cancel()
	if _, err := cpyRunTask(l, f); err != nil {
		t.Errorf("run_until_complete(f) error = %v; want <nil>", err)
	}
	if proof != 101 || !waiter.Cancelled() {
		t.Errorf("proof = %d, waiter Cancelled() = %v; want 101, true", proof, waiter.Cancelled())
	}
}

// test_yield_wait_does_not_shield_cancel: cancelling a task waiting in Wait
// cancels it, and leaves the awaited task running.
func TestCPythonTasksWaitDoesNotShieldCancel(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	proof := 0
	waiter := sched.NewFutureOn[cpyUnit](l)
	f := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		inner := sched.Spawn(co, coro.New(func(co *coro.Co) (cpyUnit, error) {
			_, err := waiter.Await(co)
			proof++
			return cpyUnit{}, err
		}))
		if _, _, err := sched.Wait(co, []*sched.Task[cpyUnit]{inner}, sched.AllCompleted, 0); err != nil {
			return cpyUnit{}, err
		}
		proof += 100
		return cpyUnit{}, nil
	})
	cpyRunBriefly(t, l)
	f.Cancel()
	if _, err := cpyRunTask(l, f); !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("run_until_complete(f) error = %v; want ErrCancelled", err)
	}
	waiter.SetResult(cpyUnit{})
	cpyRunBriefly(t, l)
	if proof != 1 {
		t.Errorf("proof = %d; want 1", proof)
	}
}

// test_shield_result, test_shield_shortcut, test_shield_exception,
// test_shield_cancel_inner, test_shield_cancel_outer: Go differs: Shield is a
// call, not a future, so "outer" is a task waiting in Shield. Its outcome
// follows the inner future's, except that cancelling the task leaves the inner
// future alone.
func TestCPythonTasksShield(t *testing.T) {
	errExpected := errors.New("expected")
	tests := []struct {
		name     string
		before   func(inner *sched.Future[int]) // before the task starts
		act      func(inner *sched.Future[int], outer *sched.Task[int])
		want     int
		wantErr  error
		innerCan bool // inner cancelled at the end
	}{
		{"result", nil, func(inner *sched.Future[int], _ *sched.Task[int]) { inner.SetResult(42) }, 42, nil, false},
		{"shortcut", func(inner *sched.Future[int]) { inner.SetResult(42) }, nil, 42, nil, false},
		{"exception", nil, func(inner *sched.Future[int], _ *sched.Task[int]) { inner.SetError(errExpected) }, 0, errExpected, false},
		{"cancel inner", nil, func(inner *sched.Future[int], _ *sched.Task[int]) { inner.Cancel() }, 0, sched.ErrCancelled, true},
		{"cancel outer", nil, func(_ *sched.Future[int], outer *sched.Task[int]) { outer.Cancel() }, 0, sched.ErrCancelled, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			l := cpyLoop(t)
			inner := sched.NewFutureOn[int](l)
			if tt.before != nil {
				tt.before(inner)
			}
			outer := cpySpawn(l, func(co *coro.Co) (int, error) { return sched.Shield[int](co, inner) })
			cpyRunBriefly(t, l)
			if tt.act != nil {
				tt.act(inner, outer)
				cpyRunBriefly(t, l)
			}
			if !outer.Done() {
				t.Fatalf("outer not done after run_briefly")
			}
			got, err := outer.Result()
			if got != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("outer Result() = %d, %v; want %d, %v", got, err, tt.want, tt.wantErr)
			}
			if outer.Cancelled() != errors.Is(tt.wantErr, sched.ErrCancelled) {
				t.Errorf("outer Cancelled() = %v; want %v", outer.Cancelled(), !outer.Cancelled())
			}
			if inner.Cancelled() != tt.innerCan {
				t.Errorf("inner Cancelled() = %v; want %v", inner.Cancelled(), tt.innerCan)
			}
		})
	}
}

// test_shield_effect: cancelling the task waiting in Shield does not affect
// the shielded coroutine, which runs to its end.
func TestCPythonTasksShieldEffect(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	proof := 0
	waiter := sched.NewFutureOn[cpyUnit](l)
	f := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		if _, err := sched.Shield[cpyUnit](co, coro.New(func(co *coro.Co) (cpyUnit, error) {
			_, err := waiter.Await(co)
			proof++
			return cpyUnit{}, err
		})); err != nil {
			return cpyUnit{}, err
		}
		proof += 100
		return cpyUnit{}, nil
	})
	cpyRunBriefly(t, l)
	f.Cancel()
	if _, err := cpyRunTask(l, f); !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("run_until_complete(f) error = %v; want ErrCancelled", err)
	}
	waiter.SetResult(cpyUnit{})
	cpyRunBriefly(t, l)
	if proof != 1 {
		t.Errorf("proof = %d; want 1", proof)
	}
}

// test_shield_gather: shielding a gathering (a task waiting in Gather) and
// cancelling the shielding task leaves the gathering to finish.
func TestCPythonTasksShieldGather(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	child1, child2 := sched.NewFutureOn[int](l), sched.NewFutureOn[int](l)
	parent := cpySpawn(l, func(co *coro.Co) ([]int, error) { return sched.Gather[int](co, child1, child2) })
	outer := cpySpawn(l, func(co *coro.Co) ([]int, error) { return sched.Shield[[]int](co, parent) })
	cpyRunBriefly(t, l)
	outer.Cancel()
	cpyRunBriefly(t, l)
	if !outer.Cancelled() {
		t.Errorf("outer Cancelled() = false; want true")
	}
	child1.SetResult(1)
	child2.SetResult(2)
	cpyRunBriefly(t, l)
	if got, err := parent.Result(); err != nil || !cmp.Equal([]int{1, 2}, got) {
		t.Errorf("parent Result() = %v, %v; want [1 2], <nil>", got, err)
	}
}

// test_gather_shield: cancelling a gathering of shielding tasks cancels them,
// not the futures they shield.
func TestCPythonTasksGatherShield(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	child1, child2 := sched.NewFutureOn[int](l), sched.NewFutureOn[int](l)
	inner1 := cpySpawn(l, func(co *coro.Co) (int, error) { return sched.Shield[int](co, child1) })
	inner2 := cpySpawn(l, func(co *coro.Co) (int, error) { return sched.Shield[int](co, child2) })
	parent := cpySpawn(l, func(co *coro.Co) ([]int, error) { return sched.Gather[int](co, inner1, inner2) })
	cpyRunBriefly(t, l)
	parent.Cancel()
	if _, err := cpyRunTask(l, parent); !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("parent error = %v; want ErrCancelled", err)
	}
	if !inner1.Cancelled() || !inner2.Cancelled() {
		t.Errorf("inner Cancelled() = %v, %v; want true, true", inner1.Cancelled(), inner2.Cancelled())
	}
	if child1.Cancelled() || child2.Cancelled() {
		t.Errorf("child Cancelled() = %v, %v; want false, false", child1.Cancelled(), child2.Cancelled())
	}
	if err1, err2 := child1.SetResult(1), child2.SetResult(2); err1 != nil || err2 != nil {
		t.Errorf("SetResult of the children: %v, %v; want <nil>, <nil>", err1, err2)
	}
	cpyRunBriefly(t, l)
}

// test_shield_coroutine_use_running_loop: a shielded coroutine runs as a task
// of the caller's loop.
func TestCPythonTasksShieldCoroutine(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	var seen *sched.Loop
	got, err := sched.RunOn(l, coro.New(func(co *coro.Co) (int, error) {
		return sched.Shield[int](co, coro.New(func(co *coro.Co) (int, error) {
			seen = sched.LoopOf(co)
			return 42, sched.Sleep(co, 0)
		}))
	}))
	if got != 42 || err != nil || seen != l {
		t.Errorf("Shield(coroutine) = %d, %v, ran on the loop: %v; want 42, <nil>, true", got, err, seen == l)
	}
}

// test_tb_logger_not_called_after_cancel: Cancel of a task that already
// failed reports false, and marks its error retrieved: it is not reported as
// unhandled (CPython's Future.cancel clears _log_traceback before checking
// the state).
func TestCPythonTasksCancelFailedTaskSilencesReport(t *testing.T) {
	leaktest.Check(t)
	var reports []string
	l := sched.NewLoop(sched.VirtualTime(), sched.OnUnhandledError(func(task string, err error) {
		reports = append(reports, fmt.Sprintf("%s: %v", task, err))
	}))
	defer l.Close()
	_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (bool, error) {
		tk := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return 0, errors.New("TypeError") }))
		if err := sched.Sleep(co, 50*time.Millisecond); err != nil {
			return false, err
		}
		return tk.Cancel(), nil
	}))
	if err != nil {
		t.Fatalf("runner error = %v", err)
	}
	l.Close()
	if len(reports) != 0 {
		t.Errorf("unhandled-error reports %q; want none (Cancel marks the failure retrieved)", reports)
	}
}

// test_cancel_gather_1 (Python issue #26923, gather dropping a cancellation):
// Go differs: Gather is a call, not a future that can refuse Cancel. A task
// waiting in Gather whose children are all done takes the cancellation
// (Cancel reports true) and ends cancelled, as a Python task wrapping
// gather() does: the cancellation is not dropped.
func TestCPythonTasksCancelGather1(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	fut := sched.NewFutureOn[int](l)
	g := cpySpawn(l, func(co *coro.Co) ([]int, error) {
		return sched.Gather[int](co, coro.New(fut.Await))
	})
	cpyRunBriefly(t, l) // the child waits on fut
	called, cancelResult := false, false
	fut.AddDoneCallback(func() { called, cancelResult = true, g.Cancel() })
	fut.SetResult(42) // the callback runs after the child's wake-up
	_, err := cpyRunTask(l, g)
	if !called || !cancelResult {
		t.Errorf("callback called %v, Cancel() in it = %v; want true, true", called, cancelResult)
	}
	if !errors.Is(err, sched.ErrCancelled) || !g.Cancelled() {
		t.Errorf("gathering task: error %v, Cancelled() = %v; want ErrCancelled, true", err, g.Cancelled())
	}
}

// test_cancel_gather_2: GatherAll (return_exceptions=True) still reports the
// cancellation of the task waiting in it.
func TestCPythonTasksCancelGather2(t *testing.T) {
	leaktest.Check(t)
	_, err := sched.Run(coro.New(func(co *coro.Co) (cpyUnit, error) {
		qwe := sched.Spawn(co, coro.New(func(co *coro.Co) (cpyUnit, error) {
			for elapsed := time.Duration(0); ; {
				elapsed += 50 * time.Millisecond
				if _, _, err := sched.GatherAll[cpyUnit](co, cpySleep(50*time.Millisecond, cpyUnit{})); err != nil {
					return cpyUnit{}, err
				}
				if elapsed > time.Second {
					return cpyUnit{}, nil
				}
			}
		}))
		if err := sched.Sleep(co, 200*time.Millisecond); err != nil {
			return cpyUnit{}, err
		}
		qwe.Cancel()
		return qwe.Await(co)
	}), sched.VirtualTime())
	if !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("Run(main) error = %v; want ErrCancelled (GatherAll propagates the waiting task's cancellation)", err)
	}
}

// test_bare_create_task, test_bare_create_named_task.
func TestCPythonTasksBareCreateTask(t *testing.T) {
	leaktest.Check(t)
	_, err := sched.Run(coro.New(func(co *coro.Co) (cpyUnit, error) {
		tk := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return 1, nil }))
		if ret, err := tk.Await(co); ret != 1 || err != nil {
			t.Errorf("await task = %d, %v; want 1, <nil>", ret, err)
		}
		named := sched.Spawn(co, coro.New(func(co *coro.Co) (cpyUnit, error) { return cpyUnit{}, nil }))
		named.SetName("No-op")
		if got := named.Name(); got != "No-op" {
			t.Errorf("Name() = %q; want \"No-op\"", got)
		}
		_, err := named.Await(co)
		return cpyUnit{}, err
	}), sched.VirtualTime())
	if err != nil {
		t.Fatalf("Run error = %v", err)
	}
}

// cpyGatherKinds are GatherTestsBase's two subclasses: FutureGatherTests
// gathers the futures themselves, CoroutineGatherTests coroutines awaiting
// them.
var cpyGatherKinds = []struct {
	name string
	wrap func(fs ...*sched.Future[int]) []coro.Awaitable[int]
}{
	{"futures", func(fs ...*sched.Future[int]) []coro.Awaitable[int] {
		aws := make([]coro.Awaitable[int], len(fs))
		for i, f := range fs {
			aws[i] = f
		}
		return aws
	}},
	{"coroutines", func(fs ...*sched.Future[int]) []coro.Awaitable[int] {
		aws := make([]coro.Awaitable[int], len(fs))
		for i, f := range fs {
			aws[i] = coro.New(f.Await)
		}
		return aws
	}},
}

func cpyFutures(l *sched.Loop, n int) []*sched.Future[int] {
	fs := make([]*sched.Future[int], n)
	for i := range fs {
		fs[i] = sched.NewFutureOn[int](l)
	}
	return fs
}

// cpyGatherResult is what a task waiting in Gather or GatherAll ends with.
type cpyGatherResult struct {
	Results []int
	Errs    []error
}

func cpyGather(l *sched.Loop, all bool, aws []coro.Awaitable[int]) *sched.Task[cpyGatherResult] {
	return cpySpawn(l, func(co *coro.Co) (cpyGatherResult, error) {
		if all {
			res, errs, err := sched.GatherAll(co, aws...)
			return cpyGatherResult{res, errs}, err
		}
		res, err := sched.Gather(co, aws...)
		return cpyGatherResult{Results: res}, err
	})
}

// GatherTestsBase.test_success, test_result_exception_success: results come
// in argument order once the last child is done.
func TestCPythonTasksGatherSuccess(t *testing.T) {
	for _, kind := range cpyGatherKinds {
		for _, all := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/returnErrors=%v", kind.name, all), func(t *testing.T) {
				leaktest.Check(t)
				l := cpyLoop(t)
				fs := cpyFutures(l, 3)
				a, b, c := fs[0], fs[1], fs[2]
				g := cpyGather(l, all, kind.wrap(a, b, c))
				cpyRunBriefly(t, l)
				b.SetResult(1)
				a.SetResult(2)
				for range 3 {
					cpyRunBriefly(t, l)
				}
				if g.Done() {
					t.Fatalf("gathering done before the last child")
				}
				c.SetResult(3)
				got, err := cpyRunTask(l, g)
				want := cpyGatherResult{Results: []int{2, 1, 3}}
				if all {
					want.Errs = []error{nil, nil, nil}
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateErrors()); diff != "" || err != nil {
					t.Errorf("error %v, result (-want +got):\n%s", err, diff)
				}
			})
		}
	}
}

// GatherTestsBase.test_one_exception: the first error ends Gather; later
// changes to the other children do nothing to it.
func TestCPythonTasksGatherOneException(t *testing.T) {
	for _, kind := range cpyGatherKinds {
		t.Run(kind.name, func(t *testing.T) {
			leaktest.Check(t)
			l := cpyLoop(t)
			fs := cpyFutures(l, 5)
			g := cpyGather(l, false, kind.wrap(fs...))
			cpyRunBriefly(t, l)
			fs[0].SetResult(1)
			fs[1].SetError(errCPyZeroDivision)
			if _, err := cpyRunTask(l, g); !errors.Is(err, errCPyZeroDivision) {
				t.Errorf("Gather error = %v; want %v", err, errCPyZeroDivision)
			}
			// Does nothing.
			fs[2].SetResult(3)
			fs[3].Cancel()
			fs[4].SetError(errors.New("RuntimeError"))
			fs[4].Result()
			cpyRunBriefly(t, l)
			if _, err := g.Result(); !errors.Is(err, errCPyZeroDivision) {
				t.Errorf("Gather error later = %v; want %v", err, errCPyZeroDivision)
			}
		})
	}
}

// GatherTestsBase.test_return_exceptions: GatherAll waits for every child
// and returns every result and error in argument order.
func TestCPythonTasksGatherReturnErrors(t *testing.T) {
	for _, kind := range cpyGatherKinds {
		t.Run(kind.name, func(t *testing.T) {
			leaktest.Check(t)
			l := cpyLoop(t)
			fs := cpyFutures(l, 4)
			a, b, c, d := fs[0], fs[1], fs[2], fs[3]
			exc, exc2 := errCPyZeroDivision, errors.New("RuntimeError")
			g := cpyGather(l, true, kind.wrap(fs...))
			cpyRunBriefly(t, l)
			b.SetResult(1)
			c.SetError(exc)
			a.SetResult(3)
			for range 3 {
				cpyRunBriefly(t, l)
			}
			if g.Done() {
				t.Fatalf("gathering done before the last child")
			}
			d.SetError(exc2)
			got, err := cpyRunTask(l, g)
			want := cpyGatherResult{Results: []int{3, 1, 0, 0}, Errs: []error{nil, nil, exc, exc2}}
			if diff := cmp.Diff(want, got, cmpopts.EquateErrors()); diff != "" || err != nil {
				t.Errorf("error %v, result (-want +got):\n%s", err, diff)
			}
		})
	}
}

// FutureGatherTests.test_constructor_empty_sequence_use_running_loop: Gather
// of nothing is an empty result at once.
func TestCPythonTasksGatherEmpty(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	got, err := sched.RunOn(l, coro.New(func(co *coro.Co) (cpyGatherResult, error) {
		res, err := sched.Gather[int](co)
		if err != nil {
			return cpyGatherResult{}, err
		}
		res2, errs, err := sched.GatherAll[int](co)
		if len(res2) != 0 || len(errs) != 0 {
			t.Errorf("GatherAll() = %v, %v; want empty", res2, errs)
		}
		return cpyGatherResult{Results: res}, err
	}))
	if got.Results == nil || len(got.Results) != 0 || err != nil {
		t.Errorf("Gather() = %#v, %v; want []int{}, <nil>", got.Results, err)
	}
}

// FutureGatherTests.test_constructor_heterogenous_futures: gathering futures
// of another loop is an error (Python: ValueError, at once).
func TestCPythonTasksGatherOtherLoop(t *testing.T) {
	leaktest.Check(t)
	l, other := cpyLoop(t), cpyLoop(t)
	fut1, fut2 := sched.NewFutureOn[int](l), sched.NewFutureOn[int](other)
	var gatherErr error
	returned := false
	_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (cpyUnit, error) {
		_, gatherErr = sched.Gather[int](co, fut1, fut2)
		returned = true
		return cpyUnit{}, nil
	}))
	if !returned || gatherErr == nil {
		t.Errorf("Gather of futures of two loops: returned %v with error %v (RunOn: %v); want an error at once", returned, gatherErr, err)
	}
}

// FutureGatherTests.test_one_cancellation: a cancelled child ends Gather with
// a cancellation error (so the waiting task ends cancelled too, as a Python
// task awaiting the gather does); the other children are left alone.
func TestCPythonTasksGatherOneCancellation(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	fs := cpyFutures(l, 5)
	g := cpyGather(l, false, cpyGatherKinds[0].wrap(fs...))
	cpyRunBriefly(t, l)
	fs[0].SetResult(1)
	fs[1].Cancel()
	if _, err := cpyRunTask(l, g); !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("Gather error = %v; want ErrCancelled", err)
	}
	for i, f := range fs[2:] {
		if f.Done() {
			t.Errorf("future %d done; want it left alone", i+2)
		}
	}
	// Does nothing.
	fs[2].SetResult(3)
	fs[3].Cancel()
	fs[4].SetError(errors.New("RuntimeError"))
	fs[4].Result()
	cpyRunBriefly(t, l)
}

// FutureGatherTests.test_result_exception_one_cancellation: with GatherAll a
// cancelled child is a cancellation error at its index.
func TestCPythonTasksGatherAllOneCancellation(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	fs := cpyFutures(l, 6)
	zde, rte := errCPyZeroDivision, errors.New("RuntimeError")
	g := cpyGather(l, true, cpyGatherKinds[0].wrap(fs...))
	cpyRunBriefly(t, l)
	fs[0].SetResult(1)
	fs[1].SetError(zde)
	fs[2].Cancel()
	for range 3 {
		cpyRunBriefly(t, l)
	}
	if g.Done() {
		t.Fatalf("gathering done before the last child")
	}
	fs[3].SetResult(3)
	fs[4].Cancel()
	fs[5].SetError(rte)
	got, err := cpyRunTask(l, g)
	want := cpyGatherResult{
		Results: []int{1, 0, 0, 3, 0, 0},
		Errs:    []error{nil, zde, sched.ErrCancelled, nil, sched.ErrCancelled, rte},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateErrors()); diff != "" || err != nil {
		t.Errorf("error %v, result (-want +got):\n%s", err, diff)
	}
}

// CoroutineGatherTests.test_constructor_use_running_loop,
// test_duplicate_coroutines: coroutines become tasks of the caller's loop; a
// coroutine given several times runs once and its result is repeated.
func TestCPythonTasksGatherCoroutines(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	runs := 0
	mk := func(s string) *coro.Coro[string] {
		return coro.New(func(co *coro.Co) (string, error) {
			runs++
			if sched.LoopOf(co) != l {
				t.Errorf("coroutine %q does not run on the caller's loop", s)
			}
			return s, nil
		})
	}
	got, err := sched.RunOn(l, coro.New(func(co *coro.Co) ([]string, error) {
		return sched.Gather[string](co, mk("abc"), mk("abc"))
	}))
	if diff := cmp.Diff([]string{"abc", "abc"}, got); diff != "" || err != nil {
		t.Errorf("Gather(gen1, gen2) error %v, results (-want +got):\n%s", err, diff)
	}
	runs = 0
	c := mk("abc")
	got, err = sched.RunOn(l, coro.New(func(co *coro.Co) ([]string, error) {
		return sched.Gather[string](co, c, c, mk("def"), c)
	}))
	if diff := cmp.Diff([]string{"abc", "abc", "def", "abc"}, got); diff != "" || err != nil {
		t.Errorf("Gather(c, c, d, c) error %v, results (-want +got):\n%s", err, diff)
	}
	if runs != 2 {
		t.Errorf("coroutines ran %d times; want 2", runs)
	}
}

// CoroutineGatherTests.test_cancellation_broadcast: cancelling the task
// waiting in Gather cancels every child (and the future they await).
func TestCPythonTasksGatherCancellationBroadcast(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	proof := 0
	waiter := sched.NewFutureOn[cpyUnit](l)
	inner := func(co *coro.Co) (cpyUnit, error) {
		if _, err := waiter.Await(co); err != nil {
			return cpyUnit{}, err
		}
		proof++
		return cpyUnit{}, nil
	}
	child1, child2 := cpySpawn(l, inner), cpySpawn(l, inner)
	f := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		if _, err := sched.Gather[cpyUnit](co, child1, child2); err != nil {
			return cpyUnit{}, err
		}
		proof += 100
		return cpyUnit{}, nil
	})
	cpyRunBriefly(t, l)
	if !f.Cancel() {
		t.Errorf("Cancel() = false; want true")
	}
	if _, err := cpyRunTask(l, f); !errors.Is(err, sched.ErrCancelled) {
		t.Errorf("run_until_complete(f) error = %v; want ErrCancelled", err)
	}
	if !waiter.Cancelled() || !child1.Cancelled() || !child2.Cancelled() {
		t.Errorf("Cancelled(): waiter %v, child1 %v, child2 %v; want all true", waiter.Cancelled(), child1.Cancelled(), child2.Cancelled())
	}
	cpyRunBriefly(t, l)
	if proof != 0 {
		t.Errorf("proof = %d; want 0", proof)
	}
}

// CoroutineGatherTests.test_exception_marking: Gather fails with the first
// child's error, and the second child's error, which nobody awaits any more,
// is marked retrieved (not reported as unhandled).
func TestCPythonTasksGatherExceptionMarking(t *testing.T) {
	leaktest.Check(t)
	var reports []string
	l := sched.NewLoop(sched.VirtualTime(), sched.OnUnhandledError(func(task string, err error) {
		reports = append(reports, fmt.Sprintf("%s: %v", task, err))
	}))
	defer l.Close()
	a, b := sched.NewFutureOn[cpyUnit](l), sched.NewFutureOn[cpyUnit](l)
	errIgnored := errors.New("RuntimeError: should not be ignored")
	inner := func(f *sched.Future[cpyUnit]) *coro.Coro[cpyUnit] {
		return coro.New(func(co *coro.Co) (cpyUnit, error) {
			if _, err := f.Await(co); err != nil {
				return cpyUnit{}, err
			}
			return cpyUnit{}, errIgnored
		})
	}
	f := cpySpawn(l, func(co *coro.Co) ([]cpyUnit, error) { return sched.Gather[cpyUnit](co, inner(a), inner(b)) })
	cpyRunBriefly(t, l)
	a.SetResult(cpyUnit{})
	cpyRunBriefly(t, l)
	b.SetResult(cpyUnit{})
	cpyRunBriefly(t, l)
	if _, err := f.Result(); !f.Done() || !errors.Is(err, errIgnored) {
		t.Errorf("f: Done() = %v, error %v; want true, %v", f.Done(), err, errIgnored)
	}
	l.Close()
	if len(reports) != 0 {
		t.Errorf("unhandled-error reports %q; want none", reports)
	}
}

// SleepTests.test_sleep_zero: Sleep(0) yields to the loop once, so a callback
// scheduled before it has run when it returns.
func TestCPythonTasksSleepZero(t *testing.T) {
	leaktest.Check(t)
	result := 0
	_, err := sched.Run(coro.New(func(co *coro.Co) (cpyUnit, error) {
		sched.LoopOf(co).CallSoon(func() { result++ })
		if result != 0 {
			t.Errorf("result = %d before Sleep(0); want 0", result)
		}
		if err := sched.Sleep(co, 0); err != nil {
			return cpyUnit{}, err
		}
		if result != 1 {
			t.Errorf("result = %d after Sleep(0); want 1 (the callback ran)", result)
		}
		result += 10
		return cpyUnit{}, nil
	}), sched.VirtualTime())
	if result != 11 || err != nil {
		t.Errorf("result = %d, Run error %v; want 11, <nil>", result, err)
	}
}

// run_until_complete's last iteration (what test_utils.run_briefly and every
// run_until_complete(coro) in these tests rely on): the loop stops one
// iteration after the main task is done, since its stop is a done callback. A
// task the main task spawned just before returning therefore starts; under
// asyncio.run it then sees the cancellation. CPython 3.11 prints
// ['main', 'bg1'] and ['main', 'bg1', 'bg cancelled'].
func TestCPythonTasksRunUntilCompleteLastIteration(t *testing.T) {
	var trace []string
	bg := func(co *coro.Co) (cpyUnit, error) {
		trace = append(trace, "bg1")
		err := sched.Sleep(co, 0)
		if err == nil {
			trace = append(trace, "bg2")
			err = sched.Sleep(co, time.Second)
		}
		if errors.Is(err, sched.ErrCancelled) {
			trace = append(trace, "bg cancelled")
		}
		return cpyUnit{}, err
	}
	main := func(co *coro.Co) (cpyUnit, error) {
		sched.Spawn(co, coro.New(bg))
		trace = append(trace, "main")
		return cpyUnit{}, nil
	}
	t.Run("RunOn", func(t *testing.T) {
		leaktest.Check(t)
		trace = nil
		l := cpyLoop(t)
		if _, err := sched.RunOn(l, coro.New(main)); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"main", "bg1"}, trace); diff != "" {
			t.Errorf("trace (-want +got):\n%s", diff)
		}
	})
	t.Run("Run", func(t *testing.T) {
		leaktest.Check(t)
		trace = nil
		if _, err := sched.Run(coro.New(main), sched.VirtualTime()); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"main", "bg1", "bg cancelled"}, trace); diff != "" {
			t.Errorf("trace (-want +got):\n%s", diff)
		}
	})
}

// (no CPython counterpart) asyncio.run cancels the tasks left when main
// returns: one waiting on a future nobody will set sees the cancellation, and
// Run returns main's result, with no deadlock. Go differs where asyncio hangs:
// a main task waiting on such a future makes Run return ErrDeadlock naming the
// waiting tasks.
func TestCPythonTasksDeadlockFree(t *testing.T) {
	t.Run("leftover task cancelled", func(t *testing.T) {
		leaktest.Check(t)
		var childErr error
		got, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
			never := sched.NewFuture[int](co)
			sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
				_, childErr = never.Await(co)
				return 0, childErr
			}))
			return 1, sched.Sleep(co, 0)
		}), sched.VirtualTime())
		if got != 1 || err != nil || !errors.Is(childErr, sched.ErrCancelled) {
			t.Errorf("Run = %d, %v; child saw %v; want 1, <nil>; ErrCancelled", got, err, childErr)
		}
	})
	t.Run("main waits forever", func(t *testing.T) {
		leaktest.Check(t)
		_, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
			never := sched.NewFuture[int](co)
			child := sched.Spawn(co, coro.New(never.Await))
			child.SetName("stuck-child")
			return child.Await(co)
		}), sched.VirtualTime())
		if !errors.Is(err, sched.ErrDeadlock) || !strings.Contains(err.Error(), "stuck-child") {
			t.Errorf("Run error = %v; want ErrDeadlock naming stuck-child", err)
		}
	})
}
