package sched_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// Helpers shared by sync_test.go, queue_test.go, cpython_locks_test.go,
// cpython_queues_test.go and sync_trace_test.go (prefixed sy, as the other
// test files of the package use prefixes of their own).

// syRun runs body as the main task of a new virtual-time loop, and fails the
// test if it returns an error.
func syRun(t *testing.T, body func(co *coro.Co) error) {
	t.Helper()
	if _, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, body(co)
	}), sched.VirtualTime()); err != nil {
		t.Fatal(err)
	}
}

// syGo spawns fn as a task (asyncio.create_task of a coroutine with no result).
func syGo(co *coro.Co, fn func(co *coro.Co) error) *sched.Task[struct{}] {
	return sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, fn(co)
	}))
}

// syTick is asyncio.sleep(0): one trip through the loop.
func syTick(co *coro.Co) {
	if err := sched.Sleep(co, 0); err != nil {
		panic(err)
	}
}

// syAwait awaits a task with no result and returns its error.
func syAwait(co *coro.Co, t *sched.Task[struct{}]) error {
	_, err := t.Await(co)
	return err
}

// syPanic returns what fn panics with, or nil.
func syPanic(fn func()) (p any) {
	defer func() { p = recover() }()
	fn()
	return nil
}

func syCancelled(err error) bool { return errors.Is(err, context.Canceled) }

func TestLockZeroValueAndRelease(t *testing.T) {
	leaktest.Check(t)
	var l sched.Lock
	if l.Locked() || l.String() != "unlocked" {
		t.Fatalf("zero Lock: Locked() = %v, %q; want false, unlocked", l.Locked(), l.String())
	}
	p := syPanic(l.Release)
	if p != "sched.Lock.Release: the lock is not held" {
		t.Fatalf("Release of an unlocked Lock panicked with %v", p)
	}
	syRun(t, func(co *coro.Co) error {
		if err := l.Acquire(co); err != nil {
			return err
		}
		if !l.Locked() {
			t.Error("Locked() = false after Acquire")
		}
		l.Release()
		return nil
	})
}

// A task waiting on a Lock nobody will release is named in the deadlock report.
func TestLockDeadlockReport(t *testing.T) {
	leaktest.Check(t)
	var l sched.Lock
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		l.Acquire(co)
		return struct{}{}, l.Acquire(co)
	}), sched.VirtualTime())
	if !errors.Is(err, sched.ErrDeadlock) || !strings.Contains(err.Error(), "Lock.Acquire (pending)") {
		t.Fatalf("err = %v; want a deadlock naming Lock.Acquire", err)
	}
}

// A primitive is bound to the loop of the first task that waits on it.
func TestLockBoundToLoop(t *testing.T) {
	leaktest.Check(t)
	var l sched.Lock
	syRun(t, func(co *coro.Co) error {
		l.Acquire(co)
		w := syGo(co, l.Acquire)
		syTick(co)
		l.Release()
		if err := syAwait(co, w); err != nil {
			return err
		}
		l.Release()
		return nil
	})
	syRun(t, func(co *coro.Co) error {
		l.Acquire(co) // the fast path does not look at the loop
		e := syAwait(co, syGo(co, l.Acquire))
		if e == nil || !strings.Contains(e.Error(), "bound to") {
			t.Errorf("Acquire from another loop = %v; want an error saying the lock is bound to another", e)
		}
		l.Release()
		return nil
	})
}

// Outside a sched task, a primitive that has to wait returns an error.
func TestLockOutsideLoop(t *testing.T) {
	leaktest.Check(t)
	var l sched.Lock
	c := coro.New(func(co *coro.Co) (struct{}, error) {
		if err := l.Acquire(co); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, l.Acquire(co)
	})
	if _, err := c.Send(nil); err == nil || errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("Send = %v; want an error for waiting outside a loop", err)
	}
}

// The lock passes from task to task in the order they asked for it, each one
// iteration after the previous released it.
func TestLockFIFOHandOff(t *testing.T) {
	leaktest.Check(t)
	var got []string
	syRun(t, func(co *coro.Co) error {
		var l sched.Lock
		var tasks []coro.Awaitable[struct{}]
		for i := range 4 {
			tasks = append(tasks, syGo(co, func(co *coro.Co) error {
				for j := range 2 {
					if err := l.Acquire(co); err != nil {
						return err
					}
					got = append(got, fmt.Sprintf("%d.%d", i, j))
					syTick(co)
					l.Release()
				}
				return nil
			}))
		}
		_, err := sched.Gather(co, tasks...)
		return err
	})
	want := "0.0 1.0 2.0 3.0 0.1 1.1 2.1 3.1"
	if s := strings.Join(got, " "); s != want {
		t.Fatalf("order %q; want %q", s, want)
	}
}

func TestEventZeroValue(t *testing.T) {
	leaktest.Check(t)
	var e sched.Event
	if e.IsSet() || e.String() != "unset" {
		t.Fatalf("zero Event: IsSet() = %v, %q", e.IsSet(), e.String())
	}
	syRun(t, func(co *coro.Co) error {
		w := syGo(co, e.Wait)
		syTick(co)
		if s := e.String(); s != "unset, waiters:1" {
			t.Errorf("String() = %q", s)
		}
		e.Set()
		e.Clear() // the waiter was woken already: it still returns
		return syAwait(co, w)
	})
}

func TestSemaphoreZeroValueAndPanics(t *testing.T) {
	leaktest.Check(t)
	var s sched.Semaphore
	if !s.Locked() {
		t.Error("zero Semaphore is not locked")
	}
	s.Release() // an unbounded semaphore takes any number of releases
	if s.Locked() || s.String() != "unlocked, value:1" {
		t.Errorf("after Release: %q", s.String())
	}
	for _, tc := range []struct {
		fn   func()
		want string
	}{
		{func() { sched.NewSemaphore(-1) }, "sched.NewSemaphore: negative value"},
		{func() { sched.NewBoundedSemaphore(-1) }, "sched.NewBoundedSemaphore: negative value"},
		{func() { sched.NewBoundedSemaphore(2).Release() }, "sched.Semaphore.Release: a bounded semaphore released too many times"},
		{func() { sched.NewBarrier(0) }, "sched.NewBarrier: parties must be > 0"},
		{func() { new(sched.Condition).Notify(1) }, "sched.Condition.Notify: the lock is not held"},
		{func() { new(sched.Condition).NotifyAll() }, "sched.Condition.Notify: the lock is not held"},
	} {
		if p := syPanic(tc.fn); p != tc.want {
			t.Errorf("panic %v; want %q", p, tc.want)
		}
	}
}

// A bounded semaphore takes releases back up to its initial value while tasks
// hold permits.
func TestSemaphoreBounded(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		s := sched.NewBoundedSemaphore(2)
		s.Acquire(co)
		s.Acquire(co)
		w := syGo(co, s.Acquire)
		syTick(co)
		s.Release() // hands the permit to w
		if err := syAwait(co, w); err != nil {
			return err
		}
		s.Release()
		s.Release()
		if p := syPanic(s.Release); p == nil {
			t.Error("third Release of a BoundedSemaphore(2) did not panic")
		}
		return nil
	})
}

// The zero Condition has a lock of its own; NewCondition shares one.
func TestConditionZeroValueAndSharedLock(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var c sched.Condition
		if err := c.Acquire(co); err != nil {
			return err
		}
		w := syGo(co, func(co *coro.Co) error {
			if err := c.Acquire(co); err != nil {
				return err
			}
			defer c.Release()
			c.Notify(1)
			return nil
		})
		if err := c.Wait(co); err != nil {
			return err
		}
		if !c.Locked() {
			t.Error("Wait returned without the lock")
		}
		c.Release()
		if err := syAwait(co, w); err != nil {
			return err
		}

		var l sched.Lock
		shared := sched.NewCondition(&l)
		l.Acquire(co)
		if !shared.Locked() {
			t.Error("NewCondition(&l) does not see l held")
		}
		shared.Release()
		if l.Locked() {
			t.Error("Condition.Release did not release the shared lock")
		}
		return nil
	})
}

// Condition.Wait without the lock panics, as Notify does.
func TestConditionWaitUnlockedPanics(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		if p := syPanic(func() { c.Wait(co) }); p != "sched.Condition.Wait: the lock is not held" {
			t.Errorf("panic %v", p)
		}
		return nil
	})
}

// A Barrier is used over and over: every round hands out each index once.
func TestBarrierRounds(t *testing.T) {
	leaktest.Check(t)
	const parties, rounds = 4, 3
	got := make([][]int, rounds)
	syRun(t, func(co *coro.Co) error {
		b := sched.NewBarrier(parties)
		g := sched.NewGroup(co)
		for i := range parties {
			g.Spawn(func(co *coro.Co) error {
				for r := range rounds {
					if err := sched.Sleep(co, time.Duration(i)*time.Millisecond); err != nil {
						return err
					}
					n, err := b.Wait(co)
					if err != nil {
						return err
					}
					got[r] = append(got[r], n)
				}
				return nil
			})
		}
		if err := g.Wait(co); err != nil {
			return err
		}
		if b.NWaiting() != 0 || b.Broken() || b.Parties() != parties || b.String() != "filling, waiters:0/4" {
			t.Errorf("after the rounds: %v", b)
		}
		return nil
	})
	for r, idx := range got {
		seen := map[int]bool{}
		for _, n := range idx {
			seen[n] = true
		}
		if len(idx) != parties || len(seen) != parties {
			t.Errorf("round %d indexes %v; want each of 0..%d once", r, idx, parties-1)
		}
	}
}

// Abort breaks a barrier for waiting and later tasks; Reset repairs it.
func TestBarrierAbortThenReset(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		b := sched.NewBarrier(2)
		w := syGo(co, func(co *coro.Co) error { _, err := b.Wait(co); return err })
		syTick(co)
		b.Abort()
		if err := syAwait(co, w); !errors.Is(err, sched.ErrBrokenBarrier) {
			t.Errorf("waiting task: %v; want ErrBrokenBarrier", err)
		}
		if _, err := b.Wait(co); !errors.Is(err, sched.ErrBrokenBarrier) || !b.Broken() || b.String() != "broken" {
			t.Errorf("Wait on a broken barrier: %v (%v)", err, b)
		}
		b.Reset()
		w = syGo(co, func(co *coro.Co) error { _, err := b.Wait(co); return err })
		if n, err := b.Wait(co); err != nil || n != 0 {
			t.Errorf("Wait after Reset = %d, %v; want 0, nil", n, err)
		}
		return syAwait(co, w)
	})
}

// Cancelling a task blocked in a Barrier takes it out of the count.
func TestBarrierCancelWaiter(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		b := sched.NewBarrier(2)
		w := syGo(co, func(co *coro.Co) error { _, err := b.Wait(co); return err })
		syTick(co)
		if b.NWaiting() != 1 {
			t.Errorf("NWaiting() = %d; want 1", b.NWaiting())
		}
		w.Cancel()
		if err := syAwait(co, w); !syCancelled(err) {
			t.Errorf("cancelled waiter: %v", err)
		}
		if b.NWaiting() != 0 {
			t.Errorf("NWaiting() = %d after the cancellation; want 0", b.NWaiting())
		}
		return nil
	})
}

// Closing a loop with tasks blocked in every primitive closes them cleanly: no
// panic from a Condition or Barrier that cannot retake its lock, nothing
// leaked.
func TestSyncAbandonedLoop(t *testing.T) {
	leaktest.Check(t)
	l := sched.NewLoop(sched.VirtualTime())
	var lock sched.Lock
	var ev sched.Event
	cond := sched.NewCondition(nil)
	b := sched.NewBarrier(3)
	sem := sched.NewSemaphore(0)
	q := sched.NewQueue[int](1)
	_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (struct{}, error) {
		lock.Acquire(co)
		syGo(co, lock.Acquire)
		syGo(co, ev.Wait)
		syGo(co, func(co *coro.Co) error { cond.Acquire(co); return cond.Wait(co) })
		syGo(co, func(co *coro.Co) error { _, err := b.Wait(co); return err })
		syGo(co, sem.Acquire)
		syGo(co, func(co *coro.Co) error { _, err := q.Get(co); return err })
		q2 := sched.NewQueue[int](1)
		q2.PutNowait(1)
		syGo(co, func(co *coro.Co) error { return q2.Put(co, 2) })
		// A condition waiter woken and queued to retake the lock.
		cond2 := sched.NewCondition(nil)
		syGo(co, func(co *coro.Co) error { cond2.Acquire(co); return cond2.Wait(co) })
		syTick(co)
		cond2.Acquire(co)
		cond2.Notify(1)
		syTick(co)
		return struct{}{}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}
