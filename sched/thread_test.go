package sched_test

// Tests of ToThread (and the MaxThreads option) and of what other goroutines
// use to reach a loop: Hold and CallSoonThreadsafe.

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

var thErr = errors.New("fn failed")

func TestThreadResultAndError(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		v, err := sched.ToThread(co, func(context.Context) (string, error) { return "hello", nil })
		if v != "hello" || err != nil {
			t.Errorf("ToThread = %q, %v; want \"hello\", nil", v, err)
		}
		if _, err := sched.ToThread(co, func(context.Context) (int, error) { return 3, thErr }); err != thErr {
			t.Errorf("ToThread = _, %v; want _, %v", err, thErr)
		}
		return nil
	})
}

// Cancelling the task cancels fn's context and makes ToThread return
// ErrCancelled at once, while fn is still running; Run then waits for fn.
func TestThreadCancelled(t *testing.T) {
	leaktest.Check(t)
	started := make(chan struct{})
	release := make(chan struct{})
	returned := make(chan struct{})
	var ctxErr error
	tgRun(t, func(co *coro.Co) error {
		task := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return sched.ToThread(co, func(ctx context.Context) (int, error) {
				defer close(returned)
				close(started)
				<-ctx.Done()
				ctxErr = ctx.Err()
				<-release
				return 1, nil
			})
		}))
		sched.Sleep(co, 0)
		<-started // blocks the loop for a moment: fn runs on its own goroutine
		task.Cancel()
		n, err := task.Await(co)
		if n != 0 || !tgIsCancel(err) || !task.Cancelled() {
			t.Errorf("ToThread in a cancelled task = %d, %v (Cancelled %v); want 0 and a cancellation", n, err, task.Cancelled())
		}
		select {
		case <-returned:
			t.Errorf("fn returned before ToThread did; it should still be blocked")
		default:
		}
		close(release)
		return nil
	})
	select {
	case <-returned:
	default:
		t.Errorf("Run returned before fn did")
	}
	if !errors.Is(ctxErr, context.Canceled) {
		t.Errorf("fn's ctx.Err() = %v; want context.Canceled", ctxErr)
	}
}

// Under VirtualTime a task waiting for ToThread, with no timer pending, is not
// a deadlock: the call in flight keeps the loop alive, and the virtual clock
// does not move while it waits.
func TestThreadInFlightIsNotDeadlock(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		v, err := sched.ToThread(co, func(context.Context) (int, error) {
			time.Sleep(30 * time.Millisecond)
			return 5, nil
		})
		if v != 5 || err != nil {
			t.Errorf("ToThread = %d, %v; want 5, nil", v, err)
		}
		if d := tgSince(co, t0); d != 0 {
			t.Errorf("the virtual clock moved %v while ToThread ran; want 0", d)
		}
		return nil
	})
}

// Run cancels the task left waiting in ToThread when main returns, and does not
// return before fn has: fn's goroutine is gone by then.
func TestThreadRunWaitsForFn(t *testing.T) {
	leaktest.Check(t)
	base := runtime.NumGoroutine()
	started := make(chan struct{})
	returned := make(chan struct{})
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return sched.ToThread(co, func(ctx context.Context) (int, error) {
				defer close(returned)
				close(started)
				<-ctx.Done()
				time.Sleep(50 * time.Millisecond) // slow to notice
				return 1, nil
			})
		}))
		sched.Sleep(co, 0)
		<-started
		return struct{}{}, nil
	}), sched.VirtualTime())
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-returned:
	default:
		t.Errorf("Run returned before fn did")
	}
	if n := leaktest.Settle(base, time.Second); n > base {
		t.Errorf("%d goroutines after Run; want %d", n, base)
	}
}

// MaxThreads(1) runs ToThread calls one at a time, in the order they were
// made.
func TestThreadMaxThreadsOne(t *testing.T) {
	leaktest.Check(t)
	var mu sync.Mutex
	var order []int
	active, most := 0, 0
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		var tasks []coro.Awaitable[int]
		for i := range 4 {
			tasks = append(tasks, sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
				return sched.ToThread(co, func(context.Context) (int, error) {
					mu.Lock()
					order = append(order, i)
					active++
					most = max(most, active)
					mu.Unlock()
					time.Sleep(5 * time.Millisecond)
					mu.Lock()
					active--
					mu.Unlock()
					return i * 10, nil
				})
			})))
		}
		res, err := sched.Gather(co, tasks...)
		if diff := cmp.Diff([]int{0, 10, 20, 30}, res); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
		return struct{}{}, err
	}), sched.VirtualTime(), sched.MaxThreads(1))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{0, 1, 2, 3}, order); diff != "" {
		t.Errorf("start order (-want +got):\n%s", diff)
	}
	if most != 1 {
		t.Errorf("%d calls ran at once; want 1", most)
	}
}

func TestThreadMaxThreadsBelowOnePanics(t *testing.T) {
	leaktest.Check(t)
	defer func() {
		if s, _ := recover().(string); !strings.Contains(s, "MaxThreads") {
			t.Errorf("MaxThreads(0) panicked with %q; want a message naming MaxThreads", s)
		}
	}()
	sched.MaxThreads(0)
	t.Errorf("MaxThreads(0) did not panic")
}

// thExplode is a ToThread function that panics; its name must show in the
// PanicError's stack.
func thExplode(context.Context) (int, error) {
	panic("boom in a thread")
}

func TestThreadPanic(t *testing.T) {
	leaktest.Check(t)
	defer func() {
		p, ok := recover().(*sched.PanicError)
		if !ok {
			t.Fatalf("Run panicked with %#v; want a *sched.PanicError", p)
		}
		if p.Value != "boom in a thread" {
			t.Errorf("PanicError.Value = %#v; want the panic value", p.Value)
		}
		if !strings.Contains(string(p.Stack), "thExplode") {
			t.Errorf("PanicError.Stack does not mention thExplode:\n%s", p.Stack)
		}
	}()
	sched.Run(coro.New(func(co *coro.Co) (int, error) {
		return sched.ToThread(co, thExplode)
	}), sched.VirtualTime())
	t.Errorf("Run returned; want a panic")
}

// A goroutine that takes a Hold and calls back later is waited for, under
// virtual time too. Releasing one Hold twice releases it once: the second Hold
// still keeps the loop alive.
func TestHoldWaitsForGoroutine(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		t0 := l.Now()
		f := sched.NewFuture[int](co)
		first := l.Hold()
		first()
		first()
		release := l.Hold()
		go func() {
			defer release()
			time.Sleep(30 * time.Millisecond)
			if err := l.CallSoonThreadsafe(func() { f.SetResult(7) }); err != nil {
				t.Errorf("CallSoonThreadsafe = %v", err)
			}
		}()
		if v, err := f.Await(co); v != 7 || err != nil {
			t.Errorf("the future = %d, %v; want 7, nil", v, err)
		}
		if d := tgSince(co, t0); d != 0 {
			t.Errorf("the virtual clock moved %v; want 0", d)
		}
		return nil
	})
}

// Without a Hold, a loop whose only hope is a goroutine that will call back
// later reports a deadlock; the goroutine's late CallSoonThreadsafe then finds
// the loop closed.
func TestHoldMissingIsDeadlock(t *testing.T) {
	leaktest.Check(t)
	proceed := make(chan struct{})
	late := make(chan error, 1)
	_, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		l := sched.LoopOf(co)
		f := sched.NewFuture[int](co)
		go func() {
			<-proceed
			late <- l.CallSoonThreadsafe(func() { f.SetResult(7) })
		}()
		return f.Await(co)
	}), sched.VirtualTime())
	if !errors.Is(err, sched.ErrDeadlock) {
		t.Errorf("Run = %v; want ErrDeadlock", err)
	}
	close(proceed)
	if err := <-late; !errors.Is(err, sched.ErrClosed) {
		t.Errorf("CallSoonThreadsafe after Run = %v; want ErrClosed", err)
	}
}

func TestHoldCallSoonThreadsafeAfterClose(t *testing.T) {
	leaktest.Check(t)
	l := sched.NewLoop()
	if err := l.CallSoonThreadsafe(func() {}); err != nil {
		t.Errorf("CallSoonThreadsafe on a new loop = %v; want nil", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	ran := false
	if err := l.CallSoonThreadsafe(func() { ran = true }); !errors.Is(err, sched.ErrClosed) {
		t.Errorf("CallSoonThreadsafe after Close = %v; want ErrClosed", err)
	}
	if _, err := sched.RunOn(l, coro.New(func(*coro.Co) (int, error) { return 1, nil })); !errors.Is(err, sched.ErrClosed) {
		t.Errorf("RunOn of a closed loop = %v; want ErrClosed", err)
	}
	if ran {
		t.Errorf("a callback handed to a closed loop ran")
	}
}

// Several Holds keep the loop alive until the last is released: releasing
// one of two changes nothing, and releasing the last wakes the idle loop,
// which then reports the deadlock of a main task nothing can wake, rather
// than waiting for ever.
func TestLastHoldReleasedIsDeadlock(t *testing.T) {
	leaktest.Check(t)
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		l := sched.LoopOf(co)
		first, second := l.Hold(), l.Hold()
		go func() {
			time.Sleep(10 * time.Millisecond)
			first()
			time.Sleep(10 * time.Millisecond)
			second()
		}()
		_, err := sched.NewFuture[int](co).Await(co) // nobody completes it
		return struct{}{}, err
	}))
	if !errors.Is(err, sched.ErrDeadlock) {
		t.Fatalf("Run = %v; want a deadlock once the last Hold is released", err)
	}
}
