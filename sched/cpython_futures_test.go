package sched_test

// Ports of CPython 3.11's Lib/test/test_asyncio/test_futures.py (see
// cpython_tasks_test.go for the helpers, prefixed cpy). conformance/TALLY.md
// lists every Python test and where it went.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// test_initial_state, test_cancel, test_result, test_exception: the states of
// a future, and what each method does in them. Once done, a future stays as it
// is: SetResult and SetError return ErrInvalidState and Cancel reports false.
func TestCPythonFuturesStates(t *testing.T) {
	errRuntime := errors.New("RuntimeError")
	tests := []struct {
		name          string
		complete      func(f *sched.Future[int]) error // nil: stays pending
		wantCancelled bool
		want          int
		wantErr       error
	}{
		{"pending", nil, false, 0, sched.ErrInvalidState},
		{"cancel", func(f *sched.Future[int]) error {
			if !f.Cancel() {
				return errors.New("Cancel() = false")
			}
			return nil
		}, true, 0, sched.ErrCancelled},
		{"result", func(f *sched.Future[int]) error { return f.SetResult(42) }, false, 42, nil},
		{"exception", func(f *sched.Future[int]) error { return f.SetError(errRuntime) }, false, 0, errRuntime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			l := cpyLoop(t)
			f := sched.NewFutureOn[int](l)
			if f.Done() || f.Cancelled() {
				t.Fatalf("new future: Done() = %v, Cancelled() = %v; want false, false", f.Done(), f.Cancelled())
			}
			if tt.complete == nil {
				if _, err := f.Result(); !errors.Is(err, sched.ErrInvalidState) {
					t.Errorf("Result() of a pending future: error %v; want ErrInvalidState", err)
				}
				return
			}
			if err := tt.complete(f); err != nil {
				t.Fatalf("completing: %v", err)
			}
			if !f.Done() || f.Cancelled() != tt.wantCancelled {
				t.Errorf("Done() = %v, Cancelled() = %v; want true, %v", f.Done(), f.Cancelled(), tt.wantCancelled)
			}
			for range 2 { // the result does not change by being read
				got, err := f.Result()
				if got != tt.want || !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
					t.Errorf("Result() = %d, %v; want %d, %v", got, err, tt.want, tt.wantErr)
				}
			}
			if tt.wantCancelled {
				if _, err := f.Result(); !errors.Is(err, context.Canceled) {
					t.Errorf("Result() error %v of a cancelled future does not match context.Canceled", err)
				}
			}
			if err := f.SetResult(1); !errors.Is(err, sched.ErrInvalidState) {
				t.Errorf("SetResult of a done future: %v; want ErrInvalidState", err)
			}
			if err := f.SetError(errors.New("other")); !errors.Is(err, sched.ErrInvalidState) {
				t.Errorf("SetError of a done future: %v; want ErrInvalidState", err)
			}
			if f.Cancel() {
				t.Errorf("Cancel() of a done future = true; want false")
			}
			if got, err := f.Result(); got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("Result() after the failed changes = %d, %v; want %d, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// test_constructor_without_loop: NewFuture outside a sched task is a
// programming error: it panics (Python: RuntimeError "no current event loop").
func TestCPythonFuturesNoLoop(t *testing.T) {
	leaktest.Check(t)
	var p any
	c := coro.New(func(co *coro.Co) (cpyUnit, error) {
		defer func() { p = recover() }()
		sched.NewFuture[int](co)
		return cpyUnit{}, nil
	})
	if _, err := c.Send(nil); err != gen.ErrStopIteration {
		t.Fatalf("driving by hand: Send = %v; want the body to finish", err)
	}
	if s, ok := p.(string); !ok || !strings.HasPrefix(s, "sched.NewFuture") {
		t.Errorf("NewFuture with no running loop panicked with %#v; want a message starting \"sched.NewFuture\"", p)
	}
}

// test_constructor_use_running_loop: NewFuture(co) makes a future of the
// task's loop: the loop's callbacks can complete it and its tasks await it.
func TestCPythonFuturesUseRunningLoop(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	f, err := sched.RunOn(l, coro.New(func(co *coro.Co) (*sched.Future[string], error) {
		return sched.NewFuture[string](co), nil
	}))
	if err != nil || f == nil || f.Done() {
		t.Fatalf("NewFuture in a task: %v, %v; want a pending future", f, err)
	}
	l.CallSoon(func() { f.SetResult("ok") })
	if got, err := sched.RunOn(l, coro.New(f.Await)); got != "ok" || err != nil {
		t.Errorf("await future = %q, %v; want \"ok\", <nil>", got, err)
	}
}

// test_yield_from_twice: the first await of a pending future suspends; a
// second await of the same, now done, future returns its value without
// suspending (a callback scheduled just before it has not run yet).
func TestCPythonFuturesAwaitTwice(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	f := sched.NewFutureOn[int](l)
	var trace []string
	tk := cpySpawn(l, func(co *coro.Co) (cpyUnit, error) {
		trace = append(trace, "A")
		x, err := f.Await(co)
		if err != nil {
			return cpyUnit{}, err
		}
		trace = append(trace, fmt.Sprint("B ", x))
		sched.LoopOf(co).CallSoon(func() { trace = append(trace, "callback") })
		y, err := f.Await(co)
		trace = append(trace, fmt.Sprint("C ", y))
		return cpyUnit{}, err
	})
	cpyRunBriefly(t, l)
	if diff := cmp.Diff([]string{"A"}, trace); diff != "" {
		t.Fatalf("before SetResult: trace (-want +got):\n%s", diff)
	}
	f.SetResult(42)
	if _, err := cpyRunTask(l, tk); err != nil {
		t.Fatalf("task error = %v", err)
	}
	if diff := cmp.Diff([]string{"A", "B 42", "C 42", "callback"}, trace); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
}

// test_callbacks_invoked_on_set_result, test_callbacks_invoked_on_set_exception
// (and cancellation): completing a future schedules its done callbacks, in the
// order they were added; none runs synchronously, all run in the next
// iteration.
func TestCPythonFuturesCallbacks(t *testing.T) {
	errRuntime := errors.New("RuntimeError")
	tests := []struct {
		name     string
		complete func(f *sched.Future[string])
		want     string
		wantErr  error
	}{
		{"set result", func(f *sched.Future[string]) { f.SetResult("foo") }, "foo", nil},
		{"set exception", func(f *sched.Future[string]) { f.SetError(errRuntime) }, "", errRuntime},
		{"cancel", func(f *sched.Future[string]) { f.Cancel() }, "", sched.ErrCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			l := cpyLoop(t)
			iter, stop := cpyTicker(l)
			defer stop()
			f := sched.NewFutureOn[string](l)
			var bag []string
			for _, v := range []int{42, 17, 100} {
				f.AddDoneCallback(func() { bag = append(bag, fmt.Sprintf("%d@%d", v, *iter)) })
			}
			cpyRunBriefly(t, l) // iterations 1 and 2: nothing happens
			tt.complete(f)
			if len(bag) != 0 {
				t.Errorf("callbacks ran synchronously: %q", bag)
			}
			cpyRunBriefly(t, l)
			if diff := cmp.Diff([]string{"42@3", "17@3", "100@3"}, bag); diff != "" {
				t.Errorf("callbacks (value@iteration) (-want +got):\n%s", diff)
			}
			if got, err := f.Result(); got != tt.want || !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Errorf("Result() = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// (no CPython counterpart; Future.add_done_callback's call_soon) a callback
// added to a future that is done already is scheduled, not run at once, and
// runs after the callbacks ready before it.
func TestCPythonFuturesCallbackOnDoneFuture(t *testing.T) {
	leaktest.Check(t)
	l := cpyLoop(t)
	f := sched.NewFutureOn[int](l)
	f.SetResult(1)
	var trace []string
	l.CallSoon(func() { trace = append(trace, "earlier callback") })
	f.AddDoneCallback(func() { trace = append(trace, "done callback") })
	if len(trace) != 0 {
		t.Fatalf("AddDoneCallback on a done future ran it at once: %q", trace)
	}
	cpyRunBriefly(t, l)
	if diff := cmp.Diff([]string{"earlier callback", "done callback"}, trace); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
}
