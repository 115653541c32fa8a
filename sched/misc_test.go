package sched_test

// Tests of the loop's edges: running a loop where it cannot run, futures of
// another loop, Sleep and AfterFunc with non-positive durations, invalid
// states, errors nobody retrieved, and the context errors every cancellation
// and timeout match.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

var miscErr = errors.New("misc failure")

// sched.Run from inside a task's body returns an error at once instead of
// blocking the loop that drives it; the coroutine it was given never runs.
func TestMiscRunInsideTask(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		ran := false
		_, err := sched.Run(coro.New(func(*coro.Co) (int, error) { ran = true; return 1, nil }))
		if err == nil || ran {
			t.Errorf("Run inside a task = %v (body ran: %v); want an error and no run", err, ran)
		}
		// The task is still usable afterwards.
		return sched.Sleep(co, time.Second)
	})
}

// RunOn of the loop that is running returns an error.
func TestMiscRunOnRunningLoop(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		ran := false
		_, err := sched.RunOn(sched.LoopOf(co), coro.New(func(*coro.Co) (int, error) { ran = true; return 1, nil }))
		if err == nil || ran {
			t.Errorf("RunOn of the running loop = %v (body ran: %v); want an error and no run", err, ran)
		}
		return nil
	})
}

// Awaiting a future or a task of another loop returns an error instead of
// suspending forever.
func TestMiscAwaitOtherLoop(t *testing.T) {
	leaktest.Check(t)
	other := sched.NewLoop()
	defer other.Close()
	f := sched.NewFutureOn[int](other)
	task := sched.SpawnOn(other, coro.New(func(*coro.Co) (int, error) { return 1, nil }))
	tgRun(t, func(co *coro.Co) error {
		if _, err := f.Await(co); err == nil {
			t.Errorf("awaiting a future of another loop returned no error")
		}
		if _, err := task.Await(co); err == nil {
			t.Errorf("awaiting a task of another loop returned no error")
		}
		return nil
	})
}

// Sleep with a negative duration is Sleep(0): it yields to the loop once
// (every other ready task runs) and sets no timer.
func TestMiscSleepNegative(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		t.Run(d.String(), func(t *testing.T) {
			leaktest.Check(t)
			var log []string
			var trace bytes.Buffer
			_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
				t0 := sched.LoopOf(co).Now()
				log = append(log, "m1")
				sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
					log = append(log, "A1")
					err := sched.Sleep(co, d)
					log = append(log, "A2")
					return struct{}{}, err
				}))
				for _, step := range []string{"m2", "m3"} {
					if err := sched.Sleep(co, d); err != nil {
						return struct{}{}, err
					}
					log = append(log, step)
				}
				if e := tgSince(co, t0); e != 0 {
					t.Errorf("Sleep(%v) took %v of loop time; want 0", d, e)
				}
				return struct{}{}, nil
			}), sched.VirtualTime(), sched.Trace(dmTraceHandler(&trace)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"m1", "A1", "m2", "A2", "m3"}, log); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
			if strings.Contains(trace.String(), "timer") {
				t.Errorf("Sleep(%v) set a timer:\n%s", d, trace.String())
			}
		})
	}
}

// AfterFunc with a delay <= 0 runs after the callbacks already ready, with the
// other due timers in deadline order (equal deadlines in the order they were
// set). python3 prints ['a', 'e', 'd', 'c', 'b', 'f'] for the same calls to
// call_soon and call_later.
func TestMiscAfterFuncNonPositive(t *testing.T) {
	leaktest.Check(t)
	var got []string
	tgRun(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		add := func(s string) func() { return func() { got = append(got, s) } }
		l.CallSoon(add("a"))
		l.AfterFunc(0, add("b"))
		l.AfterFunc(-time.Second, add("c"))
		l.AfterFunc(-2*time.Second, add("d"))
		l.CallSoon(add("e"))
		l.AfterFunc(0, add("f"))
		return sched.Sleep(co, 10*time.Millisecond)
	})
	if diff := cmp.Diff([]string{"a", "e", "d", "c", "b", "f"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

// SetResult or SetError on a done future and Result of a pending future or
// task return ErrInvalidState.
func TestMiscInvalidState(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		f := sched.NewFuture[int](co)
		if _, err := f.Result(); !errors.Is(err, sched.ErrInvalidState) {
			t.Errorf("Result of a pending future = %v; want ErrInvalidState", err)
		}
		if err := f.SetError(nil); err == nil {
			t.Errorf("SetError(nil) = nil; want an error")
		}
		if err := f.SetResult(1); err != nil {
			t.Errorf("SetResult = %v", err)
		}
		if err := f.SetResult(2); !errors.Is(err, sched.ErrInvalidState) {
			t.Errorf("SetResult on a done future = %v; want ErrInvalidState", err)
		}
		if err := f.SetError(miscErr); !errors.Is(err, sched.ErrInvalidState) {
			t.Errorf("SetError on a done future = %v; want ErrInvalidState", err)
		}
		if f.Cancel() {
			t.Errorf("Cancel of a done future = true")
		}
		if v, err := f.Result(); v != 1 || err != nil {
			t.Errorf("Result = %d, %v; want 1, nil (the later calls changed nothing)", v, err)
		}
		task := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return 1, nil }))
		if _, err := task.Result(); !errors.Is(err, sched.ErrInvalidState) {
			t.Errorf("Result of a pending task = %v; want ErrInvalidState", err)
		}
		_, err := task.Await(co)
		return err
	})
}

// A task failure nobody retrieved goes to the OnUnhandledError handler, with
// the task's name; so does a failure while Run shuts down (a task that fails
// when it is cancelled). Retrieved failures are not reported.
func TestMiscUnhandledError(t *testing.T) {
	leaktest.Check(t)
	type report struct {
		task string
		err  error
	}
	var reports []report
	_, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		lost := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return 0, miscErr }))
		lost.SetName("lost")
		seen := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return 0, miscErr }))
		stubborn := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return 0, tgFailInFinally(time.Hour, miscErr)(co)
		}))
		stubborn.SetName("stubborn")
		sched.Sleep(co, time.Second)
		seen.Await(co)
		return 1, nil
	}), sched.VirtualTime(), sched.OnUnhandledError(func(task string, err error) {
		reports = append(reports, report{task, err})
	}))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range reports {
		if !errors.Is(r.err, miscErr) {
			t.Errorf("reported %s: %v; want an error matching %v", r.task, r.err, miscErr)
		}
		got[r.task] = true
	}
	if diff := cmp.Diff(map[string]bool{"lost": true, "stubborn": true}, got); diff != "" || len(reports) != 2 {
		t.Errorf("reported tasks (-want +got):\n%s%v", diff, reports)
	}
}

// The default handler logs the unretrieved failure with log/slog at level
// Error.
func TestMiscUnhandledErrorDefaultSlog(t *testing.T) {
	leaktest.Check(t)
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(dmTraceHandler(&buf)))
	defer slog.SetDefault(old)
	_, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		lost := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return 0, miscErr }))
		lost.SetName("lost")
		return 1, sched.Sleep(co, time.Second)
	}), sched.VirtualTime())
	if err != nil {
		t.Fatal(err)
	}
	want := `msg="sched: task exception was never retrieved" task=lost err="misc failure"` + "\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("slog output (-want +got):\n%s", diff)
	}
}

// Every cancellation error matches context.Canceled and every timeout error
// context.DeadlineExceeded, and never the other.
func TestMiscContextErrors(t *testing.T) {
	leaktest.Check(t)
	isCancel := func(err error) bool {
		return err != nil && errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	isTimeout := func(err error) bool {
		return err != nil && errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled)
	}
	tgRun(t, func(co *coro.Co) error {
		var sleepErr error
		task := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			sleepErr = sched.Sleep(co, time.Hour)
			return 0, sleepErr
		}))
		sched.Sleep(co, 0)
		task.Cancel()
		_, awaitErr := task.Await(co)
		_, resultErr := task.Result()
		f := sched.NewFuture[int](co)
		f.Cancel()
		_, futureErr := f.Await(co)
		for what, err := range map[string]error{
			"ErrCancelled":                sched.ErrCancelled,
			"Sleep in a cancelled task":   sleepErr,
			"Await of a cancelled task":   awaitErr,
			"Result of a cancelled task":  resultErr,
			"Await of a cancelled future": futureErr,
		} {
			if !isCancel(err) {
				t.Errorf("%s = %v; want an error matching context.Canceled only", what, err)
			}
		}

		slow := coro.New(func(co *coro.Co) (int, error) { return 1, sched.Sleep(co, time.Hour) })
		_, waitForErr := sched.WaitFor[int](co, slow, time.Second)
		withTimeoutErr := sched.WithTimeout(co, time.Second, func(co *coro.Co) error { return sched.Sleep(co, time.Hour) })
		for what, err := range map[string]error{
			"ErrTimeout":  sched.ErrTimeout,
			"WaitFor":     waitForErr,
			"WithTimeout": withTimeoutErr,
		} {
			if !isTimeout(err) {
				t.Errorf("%s = %v; want an error matching context.DeadlineExceeded only", what, err)
			}
		}
		return nil
	})
}

// A task that is cancelled, catches the cancellation and fails with another
// error is a failure like any other: if nobody retrieves it, it is reported.
// asyncio agrees: Task.cancel() clears the traceback flag, but set_exception
// sets it again, and python3 logs "Task exception was never retrieved" for
// this scenario.
func TestMiscUnhandledErrorAfterCancel(t *testing.T) {
	leaktest.Check(t)
	var reported []string
	_, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		stubborn := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return 0, tgFailInFinally(time.Hour, miscErr)(co)
		}))
		stubborn.SetName("stubborn")
		sched.Sleep(co, 0)
		stubborn.Cancel()
		sched.Sleep(co, time.Second)
		if !stubborn.Done() || stubborn.Cancelled() {
			t.Errorf("stubborn: Done %v, Cancelled %v; want done by failing", stubborn.Done(), stubborn.Cancelled())
		}
		return 1, nil
	}), sched.VirtualTime(), sched.OnUnhandledError(func(task string, err error) {
		if errors.Is(err, miscErr) {
			reported = append(reported, task)
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"stubborn"}, reported); diff != "" {
		t.Errorf("reported tasks (-want +got):\n%s", diff)
	}
}

// Close of the loop from one of its own tasks, while it runs, is an error and
// leaves the loop running.
func TestMiscCloseRunningLoop(t *testing.T) {
	leaktest.Check(t)
	_, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		if err := sched.LoopOf(co).Close(); err == nil {
			return 0, errors.New("Close of the running loop = <nil>; want an error")
		}
		return 1, sched.Sleep(co, time.Millisecond) // the loop still runs
	}), sched.VirtualTime())
	if err != nil {
		t.Fatal(err)
	}
}

// Gather on two loops at once, each on its own goroutine: they share nothing
// (the race detector checks it).
func TestMiscGatherOnTwoLoops(t *testing.T) {
	leaktest.Check(t)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
				tk := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return 1, sched.Sleep(co, 0) }))
				r, err := sched.Gather[int](co, tk, tk, tk)
				if err == nil && len(r) != 3 {
					err = fmt.Errorf("Gather = %v; want 3 results", r)
				}
				return 0, err
			}), sched.VirtualTime())
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
