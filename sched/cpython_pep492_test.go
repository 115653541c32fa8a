package sched_test

// CPython 3.11's Lib/test/test_asyncio/test_pep492.py, ported, with the one
// test of Lib/test/test_coroutines.py that needs an event loop
// (CoroAsyncIOCompatTest). conformance/TALLY.md lists every test method and
// what became of it. Python's loop.run_until_complete is sched.RunOn, and every
// loop here runs on virtual time.

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
	"github.com/google/go-cmp/cmp"
)

// locker is what asyncio's "async with lock" needs of a primitive.
type locker interface {
	Acquire(co *coro.Co) error
	Release()
	Locked() bool
}

// LockTests.test_context_manager_async_with: "async with" a Lock, Condition,
// Semaphore or BoundedSemaphore (written out as Acquire, then a deferred
// Release) holds it for the body, across an await, and releases it after.
func TestCPythonPEP492LockAsyncWith(t *testing.T) {
	for _, tc := range []struct {
		name string
		lock locker
	}{
		{"Lock", &sched.Lock{}},
		{"Condition", sched.NewCondition(nil)},
		{"Semaphore", sched.NewSemaphore(1)},
		{"BoundedSemaphore", sched.NewBoundedSemaphore(1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Check(t)
			lock := tc.lock
			var got []bool
			l := sched.NewLoop(sched.VirtualTime())
			defer l.Close()
			_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (struct{}, error) {
				if err := sched.Sleep(co, 10*time.Millisecond); err != nil {
					return struct{}{}, err
				}
				got = append(got, lock.Locked())
				err := func() error {
					if err := lock.Acquire(co); err != nil {
						return err
					}
					defer lock.Release()
					got = append(got, lock.Locked())
					if err := sched.Sleep(co, 10*time.Millisecond); err != nil {
						return err
					}
					got = append(got, lock.Locked())
					return nil
				}()
				got = append(got, lock.Locked())
				return struct{}{}, err
			}))
			if err != nil {
				t.Fatalf("RunOn = _, %v; want nil", err)
			}
			if diff := cmp.Diff([]bool{false, true, true, false}, got); diff != "" {
				t.Errorf("Locked() before, inside, after the await, after (-want +got):\n%s", diff)
			}
			if lock.Locked() {
				t.Errorf("Locked() after RunOn = true; want false")
			}
		})
	}
}

// CoroutineTests.test_iscoroutine, as far as Go has it: coroutine objects,
// tasks and futures are all awaitable, and tasks and futures are what a
// coroutine suspends on.
func TestCPythonPEP492IsCoroutine(t *testing.T) {
	var (
		_ coro.Awaitable[int] = (*coro.Coro[int])(nil)
		_ coro.Awaitable[int] = (*sched.Task[int])(nil)
		_ coro.Awaitable[int] = (*sched.Future[int])(nil)
		_ coro.Waiter         = (*sched.Task[int])(nil)
		_ coro.Waiter         = (*sched.Future[int])(nil)
	)
}

// CoroutineTests.test_async_def_coroutines: run_until_complete of a coroutine
// that awaits another, twice on one loop (CPython runs it in production and
// debug mode; Go has no debug mode), and once under Run.
func TestCPythonPEP492AsyncDefCoroutines(t *testing.T) {
	leaktest.Check(t)
	bar := func(co *coro.Co) (string, error) { return "spam", nil }
	foo := func() *coro.Coro[string] {
		return coro.New(func(co *coro.Co) (string, error) { return coro.New(bar).Await(co) })
	}
	l := sched.NewLoop(sched.VirtualTime())
	defer l.Close()
	for i := range 2 {
		if got, err := sched.RunOn(l, foo()); got != "spam" || err != nil {
			t.Errorf("RunOn #%d = %q, %v; want \"spam\", nil", i+1, got, err)
		}
	}
	if got, err := sched.Run(foo(), sched.VirtualTime()); got != "spam" || err != nil {
		t.Errorf("Run = %q, %v; want \"spam\", nil", got, err)
	}
}

// CoroutineTests.test_double_await: awaiting a coroutine that a task runs is
// an error: coro.ErrReused (CPython: RuntimeError "coroutine is being awaited
// already").
func TestCPythonPEP492DoubleAwait(t *testing.T) {
	leaktest.Check(t)
	afunc := coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, sched.Sleep(co, 100*time.Millisecond)
	})
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		task := sched.Spawn(co, afunc)
		defer task.Cancel()
		if err := sched.Sleep(co, 0); err != nil {
			return struct{}{}, err
		}
		return afunc.Await(co)
	}), sched.VirtualTime())
	if !errors.Is(err, coro.ErrReused) {
		t.Errorf("Run = _, %v; want ErrReused", err)
	}
}

// No CPython test: test_double_await with the await before the task has
// started. CPython 3.11 lets the awaiter run the coroutine, and the task then
// fails with RuntimeError "cannot reuse already awaited coroutine". Either way
// exactly one of the two gets the coroutine's value and the other fails with
// coro.ErrReused; neither may report success without running the body.
func TestCPythonPEP492AwaitBeforeTaskStarts(t *testing.T) {
	leaktest.Check(t)
	runs := 0
	afunc := coro.New(func(co *coro.Co) (int, error) {
		runs++
		return 5, sched.Sleep(co, 100*time.Millisecond)
	})
	type outcome struct {
		Value int
		Err   string
	}
	describe := func(v int, err error) outcome {
		switch {
		case err == nil:
			return outcome{Value: v}
		case errors.Is(err, coro.ErrReused):
			return outcome{Err: "ErrReused"}
		}
		return outcome{Value: v, Err: err.Error()}
	}
	var awaited, tasked outcome
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		task := sched.Spawn(co, afunc)
		awaited = describe(afunc.Await(co))
		tasked = describe(task.Await(co))
		return struct{}{}, nil
	}), sched.VirtualTime())
	if err != nil {
		t.Fatalf("Run = _, %v; want nil", err)
	}
	got := []outcome{awaited, tasked}
	ok := cmp.Equal([]outcome{{Value: 5}, {Err: "ErrReused"}}, got) ||
		cmp.Equal([]outcome{{Err: "ErrReused"}, {Value: 5}}, got)
	if !ok || runs != 1 {
		t.Errorf("await = %+v, task = %+v, body ran %d times; want one of them 5, the other ErrReused, one run", awaited, tasked, runs)
	}
}

// test_coroutines.py, CoroAsyncIOCompatTest.test_asyncio_1: async with whose
// enter and exit sleep, around a body that sleeps and raises; run_until_complete
// raises the body's error and the exit saw it.
func TestCPythonPEP492AsyncioCompat(t *testing.T) {
	leaktest.Check(t)
	errMy := errors.New("MyException")
	var buffer []any
	enter := func(co *coro.Co) error {
		buffer = append(buffer, 1)
		if err := sched.Sleep(co, 10*time.Millisecond); err != nil {
			return err
		}
		buffer = append(buffer, 2)
		return nil
	}
	exit := func(co *coro.Co, bodyErr error) error {
		if err := sched.Sleep(co, 10*time.Millisecond); err != nil {
			return err
		}
		buffer = append(buffer, fmt.Sprint(bodyErr))
		return nil
	}
	f := coro.New(func(co *coro.Co) (struct{}, error) {
		if err := enter(co); err != nil {
			return struct{}{}, err
		}
		bodyErr := func() error {
			if err := sched.Sleep(co, 10*time.Millisecond); err != nil {
				return err
			}
			return errMy
		}()
		if err := exit(co, bodyErr); err != nil {
			return struct{}{}, err
		}
		if bodyErr != nil {
			return struct{}{}, bodyErr
		}
		buffer = append(buffer, "unreachable")
		return struct{}{}, nil
	})
	l := sched.NewLoop(sched.VirtualTime())
	defer l.Close()
	start := l.Now()
	if _, err := sched.RunOn(l, f); err != errMy {
		t.Errorf("RunOn = _, %v; want MyException", err)
	}
	if d := l.Now().Sub(start); d != 30*time.Millisecond {
		t.Errorf("virtual time elapsed = %v; want 30ms", d)
	}
	if diff := cmp.Diff([]any{1, 2, "MyException"}, buffer); diff != "" {
		t.Errorf("buffer (-want +got):\n%s", diff)
	}
}
