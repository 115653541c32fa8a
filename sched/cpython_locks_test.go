package sched_test

// Ports of CPython 3.11's Lib/test/test_asyncio/test_locks.py: each test says
// which case it follows. asyncio.sleep(0) is syTick; asyncio.create_task is
// syGo; "async with x" is Acquire with a deferred Release. Where the Python
// test peeks at _waiters or _value, the Go test reads the String form, which
// is asyncio's repr ("locked, waiters:2").

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// LockTests.test_repr
func TestCPythonLocksLockRepr(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var l sched.Lock
		if s := l.String(); s != "unlocked" {
			t.Errorf("String() = %q; want unlocked", s)
		}
		l.Acquire(co)
		if s := l.String(); s != "locked" {
			t.Errorf("String() = %q; want locked", s)
		}
		w := syGo(co, l.Acquire)
		syTick(co)
		if s := l.String(); s != "locked, waiters:1" {
			t.Errorf("String() = %q; want locked, waiters:1", s)
		}
		l.Release()
		if err := syAwait(co, w); err != nil {
			return err
		}
		l.Release()
		return nil
	})
}

// LockTests.test_acquire
func TestCPythonLocksLockAcquire(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var l sched.Lock
		var result []int
		if err := l.Acquire(co); err != nil {
			return err
		}
		c := func(n int) func(co *coro.Co) error {
			return func(co *coro.Co) error {
				if err := l.Acquire(co); err != nil {
					return err
				}
				result = append(result, n)
				return nil
			}
		}
		t1 := syGo(co, c(1))
		t2 := syGo(co, c(2))
		check := func(want ...int) {
			t.Helper()
			if !slices.Equal(result, want) {
				t.Errorf("result %v; want %v", result, want)
			}
		}
		syTick(co)
		check()
		l.Release()
		syTick(co)
		check(1)
		syTick(co)
		check(1)
		t3 := syGo(co, c(3))
		l.Release()
		syTick(co)
		check(1, 2)
		l.Release()
		syTick(co)
		check(1, 2, 3)
		for i, tk := range []*sched.Task[struct{}]{t1, t2, t3} {
			if _, err := tk.Result(); !tk.Done() || err != nil {
				t.Errorf("t%d: done %v, %v", i+1, tk.Done(), err)
			}
		}
		return nil
	})
}

// LockTests.test_acquire_cancel
func TestCPythonLocksLockAcquireCancel(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var l sched.Lock
		l.Acquire(co)
		task := syGo(co, l.Acquire)
		sched.LoopOf(co).CallSoon(func() { task.Cancel() })
		if err := syAwait(co, task); !syCancelled(err) {
			t.Errorf("await task = %v; want cancelled", err)
		}
		if s := l.String(); s != "locked" {
			t.Errorf("String() = %q; want locked with no waiters", s)
		}
		return nil
	})
}

// LockTests.test_cancel_race: A holds the lock, B and C wait; B is cancelled
// as A releases. The release must skip B's cancelled waiter and C must get
// the lock.
func TestCPythonLocksLockCancelRace(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var l sched.Lock
		lockit := func(blocker *sched.Future[struct{}]) func(co *coro.Co) error {
			return func(co *coro.Co) error {
				if err := l.Acquire(co); err != nil {
					return err
				}
				defer l.Release()
				if blocker != nil {
					_, err := blocker.Await(co)
					return err
				}
				return nil
			}
		}
		fa := sched.NewFuture[struct{}](co)
		ta := syGo(co, lockit(fa))
		syTick(co)
		if !l.Locked() {
			t.Error("A does not hold the lock")
		}
		tb := syGo(co, lockit(nil))
		syTick(co)
		if s := l.String(); s != "locked, waiters:1" {
			t.Errorf("String() = %q; want 1 waiter", s)
		}
		tc := syGo(co, lockit(nil))
		syTick(co)
		if s := l.String(); s != "locked, waiters:2" {
			t.Errorf("String() = %q; want 2 waiters", s)
		}
		fa.SetResult(struct{}{})
		if !tb.Cancel() {
			t.Error("tb.Cancel() = false")
		}
		syTick(co)
		if l.Locked() || !ta.Done() || !tb.Cancelled() {
			t.Errorf("locked %v, ta done %v, tb cancelled %v; want false, true, true", l.Locked(), ta.Done(), tb.Cancelled())
		}
		return syAwait(co, tc)
	})
}

// LockTests.test_cancel_release_race (bpo-32734): cancelling the first waiter
// and releasing in the same callback must not let two tasks take the lock.
func TestCPythonLocksLockCancelReleaseRace(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var l sched.Lock
		lockCount, callCount := 0, 0
		lockit := func(co *coro.Co) error {
			callCount++
			if err := l.Acquire(co); err != nil {
				return err
			}
			lockCount++
			return nil
		}
		l.Acquire(co)
		t1 := syGo(co, lockit)
		t2 := syGo(co, lockit)
		t3 := syGo(co, lockit)
		syTick(co)
		sched.LoopOf(co).CallSoon(func() {
			t1.Cancel()
			l.Release()
		})
		if err := syAwait(co, t1); !syCancelled(err) {
			t.Errorf("await t1 = %v; want cancelled", err)
		}
		if lockCount != 1 || callCount != 3 {
			t.Errorf("lockCount %d, callCount %d; want 1, 3", lockCount, callCount)
		}
		if !t1.Cancelled() || !t2.Done() {
			t.Errorf("t1 cancelled %v, t2 done %v", t1.Cancelled(), t2.Done())
		}
		t3.Cancel()
		syTick(co)
		if !t3.Cancelled() {
			t.Error("t3 not cancelled")
		}
		return nil
	})
}

// LockTests.test_finished_waiter_cancelled: a waiter cancelled after its
// release must not keep a newcomer from the lock.
func TestCPythonLocksLockFinishedWaiterCancelled(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var l sched.Lock
		l.Acquire(co)
		tb := syGo(co, l.Acquire)
		syTick(co)
		if s := l.String(); s != "locked, waiters:1" {
			t.Errorf("String() = %q", s)
		}
		tc := syGo(co, l.Acquire)
		tb.Cancel()
		l.Release()
		syTick(co)
		if !l.Locked() || !tb.Cancelled() {
			t.Errorf("locked %v, tb cancelled %v; want true, true", l.Locked(), tb.Cancelled())
		}
		return syAwait(co, tc)
	})
}

// LockTests.test_release_not_acquired
func TestCPythonLocksLockReleaseNotAcquired(t *testing.T) {
	leaktest.Check(t)
	var l sched.Lock
	if p := syPanic(l.Release); p == nil {
		t.Error("Release of an unlocked Lock did not panic")
	}
}

// LockTests.test_release_no_waiters
func TestCPythonLocksLockReleaseNoWaiters(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var l sched.Lock
		l.Acquire(co)
		if !l.Locked() {
			t.Error("not locked after Acquire")
		}
		l.Release()
		if l.Locked() {
			t.Error("locked after Release")
		}
		return nil
	})
}

// LockTests.test_context_manager: "async with lock" is Acquire, defer Release.
func TestCPythonLocksLockContextManager(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var l sched.Lock
		with := func() error {
			if err := l.Acquire(co); err != nil {
				return err
			}
			defer l.Release()
			if !l.Locked() {
				t.Error("not locked inside")
			}
			return nil
		}
		if err := with(); err != nil {
			return err
		}
		if l.Locked() {
			t.Error("locked after the block")
		}
		return nil
	})
}

// EventTests.test_repr
func TestCPythonLocksEventRepr(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var ev sched.Event
		if s := ev.String(); s != "unset" {
			t.Errorf("String() = %q", s)
		}
		ev.Set()
		if s := ev.String(); s != "set" {
			t.Errorf("String() = %q", s)
		}
		ev.Clear()
		w := syGo(co, ev.Wait)
		syTick(co)
		if s := ev.String(); s != "unset, waiters:1" {
			t.Errorf("String() = %q", s)
		}
		ev.Set()
		return syAwait(co, w)
	})
}

// EventTests.test_wait: a task that waits on an Event already set returns
// before the tasks woken by Set.
func TestCPythonLocksEventWait(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var ev sched.Event
		var result []int
		c := func(n int) func(co *coro.Co) error {
			return func(co *coro.Co) error {
				if err := ev.Wait(co); err != nil {
					return err
				}
				result = append(result, n)
				return nil
			}
		}
		t1 := syGo(co, c(1))
		t2 := syGo(co, c(2))
		syTick(co)
		if len(result) != 0 {
			t.Errorf("result %v before Set", result)
		}
		t3 := syGo(co, c(3))
		ev.Set()
		syTick(co)
		if !slices.Equal(result, []int{3, 1, 2}) {
			t.Errorf("result %v; want [3 1 2]", result)
		}
		for _, tk := range []*sched.Task[struct{}]{t1, t2, t3} {
			if _, err := tk.Result(); !tk.Done() || err != nil {
				t.Errorf("%s: done %v, %v", tk.Name(), tk.Done(), err)
			}
		}
		return nil
	})
}

// EventTests.test_wait_on_set
func TestCPythonLocksEventWaitOnSet(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var ev sched.Event
		ev.Set()
		return ev.Wait(co)
	})
}

// EventTests.test_wait_cancel
func TestCPythonLocksEventWaitCancel(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var ev sched.Event
		wait := syGo(co, ev.Wait)
		sched.LoopOf(co).CallSoon(func() { wait.Cancel() })
		if err := syAwait(co, wait); !syCancelled(err) {
			t.Errorf("await wait = %v; want cancelled", err)
		}
		if s := ev.String(); s != "unset" {
			t.Errorf("String() = %q; want no waiters", s)
		}
		return nil
	})
}

// EventTests.test_clear
func TestCPythonLocksEventClear(t *testing.T) {
	leaktest.Check(t)
	var ev sched.Event
	if ev.IsSet() {
		t.Error("new Event is set")
	}
	ev.Set()
	if !ev.IsSet() {
		t.Error("not set after Set")
	}
	ev.Clear()
	if ev.IsSet() {
		t.Error("set after Clear")
	}
}

// EventTests.test_clear_with_waiters: Set, Clear, Set, Set wakes the waiter
// once.
func TestCPythonLocksEventClearWithWaiters(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		var ev sched.Event
		var result []int
		tk := syGo(co, func(co *coro.Co) error {
			if err := ev.Wait(co); err != nil {
				return err
			}
			result = append(result, 1)
			return nil
		})
		syTick(co)
		if len(result) != 0 {
			t.Errorf("result %v", result)
		}
		ev.Set()
		ev.Clear()
		if ev.IsSet() {
			t.Error("set after Clear")
		}
		ev.Set()
		ev.Set()
		if s := ev.String(); s != "set, waiters:1" {
			t.Errorf("String() = %q; want 1 waiter", s)
		}
		syTick(co)
		if !slices.Equal(result, []int{1}) || ev.String() != "set" {
			t.Errorf("result %v, %q; want [1], no waiters", result, ev.String())
		}
		if _, err := tk.Result(); !tk.Done() || err != nil {
			t.Errorf("task: done %v, %v", tk.Done(), err)
		}
		return nil
	})
}

// condWaiter is ConditionTests' c1/c2/c3: take the lock, wait, record n, and
// release the lock if release.
func condWaiter(c *sched.Condition, result *[]int, n int, release bool) func(co *coro.Co) error {
	return func(co *coro.Co) error {
		if err := c.Acquire(co); err != nil {
			return err
		}
		if err := c.Wait(co); err != nil {
			return err
		}
		*result = append(*result, n)
		if release {
			c.Release()
		}
		return nil
	}
}

// ConditionTests.test_wait: notified tasks return from Wait one at a time, as
// each gets the lock.
func TestCPythonLocksConditionWait(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		var result []int
		t1 := syGo(co, condWaiter(c, &result, 1, false))
		t2 := syGo(co, condWaiter(c, &result, 2, false))
		t3 := syGo(co, condWaiter(c, &result, 3, false))
		check := func(locked bool, want ...int) {
			t.Helper()
			if !slices.Equal(result, want) || c.Locked() != locked {
				t.Errorf("result %v, locked %v; want %v, %v", result, c.Locked(), want, locked)
			}
		}
		syTick(co)
		check(false)
		if err := c.Acquire(co); err != nil {
			return err
		}
		c.Notify(1)
		syTick(co)
		check(true)
		c.Release()
		syTick(co)
		check(true, 1)
		c.Notify(2)
		syTick(co)
		check(true, 1)
		c.Release()
		syTick(co)
		check(true, 1, 2)
		c.Release()
		syTick(co)
		check(true, 1, 2, 3)
		for _, tk := range []*sched.Task[struct{}]{t1, t2, t3} {
			if _, err := tk.Result(); !tk.Done() || err != nil {
				t.Errorf("%s: done %v, %v", tk.Name(), tk.Done(), err)
			}
		}
		return nil
	})
}

// ConditionTests.test_wait_cancel: a cancelled Wait still retakes the lock.
func TestCPythonLocksConditionWaitCancel(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		c.Acquire(co)
		wait := syGo(co, c.Wait)
		sched.LoopOf(co).CallSoon(func() { wait.Cancel() })
		if err := syAwait(co, wait); !syCancelled(err) {
			t.Errorf("await wait = %v; want cancelled", err)
		}
		if s := c.String(); s != "locked" {
			t.Errorf("String() = %q; want locked, no waiters", s)
		}
		return nil
	})
}

// ConditionTests.test_wait_cancel_contested: cancelled while it waits to retake
// the lock, Wait still ends with the lock held.
func TestCPythonLocksConditionWaitCancelContested(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		c.Acquire(co)
		wait := syGo(co, c.Wait)
		syTick(co)
		if c.Locked() {
			t.Error("locked while the task waits")
		}
		if err := c.Acquire(co); err != nil {
			return err
		}
		c.Notify(1)
		l := sched.LoopOf(co)
		l.CallSoon(func() { wait.Cancel() })
		l.CallSoon(c.Release)
		// CPython's comment says the task is not cancelled; under 3.11 it is
		// (the cancellation hits the retaking of the lock), and the test
		// accepts both. So do we.
		if err := syAwait(co, wait); err != nil && !syCancelled(err) {
			return err
		}
		if !c.Locked() {
			t.Error("the lock is not held after the cancelled Wait")
		}
		return nil
	})
}

// ConditionTests.test_wait_cancel_after_notify (bpo-32841)
func TestCPythonLocksConditionWaitCancelAfterNotify(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		waited := false
		waiter := syGo(co, func(co *coro.Co) error {
			if err := c.Acquire(co); err != nil {
				return err
			}
			defer c.Release()
			waited = true
			return c.Wait(co)
		})
		syTick(co) // start waiting
		c.Acquire(co)
		c.Notify(1)
		syTick(co) // get to the retaking
		waiter.Cancel()
		syTick(co) // the cancellation hits it
		c.Release()
		syTick(co) // it ends cancelled
		if !waiter.Cancelled() || !waited {
			t.Errorf("cancelled %v, waited %v; want true, true", waiter.Cancelled(), waited)
		}
		return nil
	})
}

// ConditionTests.test_wait_unacquired (Go: a panic, as for Notify; Python
// raises RuntimeError)
func TestCPythonLocksConditionWaitUnacquired(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		if p := syPanic(func() { c.Wait(co) }); p == nil {
			t.Error("Wait without the lock did not panic")
		}
		return nil
	})
}

// ConditionTests.test_wait_for
func TestCPythonLocksConditionWaitFor(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		presult := false
		var result []int
		tk := syGo(co, func(co *coro.Co) error {
			if err := c.Acquire(co); err != nil {
				return err
			}
			if err := c.WaitFor(co, func() bool { return presult }); err != nil {
				return err
			}
			result = append(result, 1)
			c.Release()
			return nil
		})
		syTick(co)
		c.Acquire(co)
		c.Notify(1)
		c.Release()
		syTick(co)
		if len(result) != 0 {
			t.Errorf("result %v with a false predicate", result)
		}
		presult = true
		c.Acquire(co)
		c.Notify(1)
		c.Release()
		syTick(co)
		if !slices.Equal(result, []int{1}) || !tk.Done() {
			t.Errorf("result %v, done %v; want [1], true", result, tk.Done())
		}
		return nil
	})
}

// ConditionTests.test_wait_for_unacquired: a predicate true at once needs no
// lock; a false one panics (Python: RuntimeError).
func TestCPythonLocksConditionWaitForUnacquired(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		if err := c.WaitFor(co, func() bool { return true }); err != nil {
			t.Errorf("WaitFor(true) = %v", err)
		}
		if p := syPanic(func() { c.WaitFor(co, func() bool { return false }) }); p == nil {
			t.Error("WaitFor(false) without the lock did not panic")
		}
		return nil
	})
}

// ConditionTests.test_notify
func TestCPythonLocksConditionNotify(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		var result []int
		var tasks []*sched.Task[struct{}]
		for n := 1; n <= 3; n++ {
			tasks = append(tasks, syGo(co, condWaiter(c, &result, n, true)))
		}
		syTick(co)
		if len(result) != 0 {
			t.Errorf("result %v", result)
		}
		c.Acquire(co)
		c.Notify(1)
		c.Release()
		syTick(co)
		if !slices.Equal(result, []int{1}) {
			t.Errorf("result %v; want [1]", result)
		}
		c.Acquire(co)
		c.Notify(1)
		c.Notify(2048)
		c.Release()
		syTick(co)
		if !slices.Equal(result, []int{1, 2, 3}) {
			t.Errorf("result %v; want [1 2 3]", result)
		}
		for _, tk := range tasks {
			if _, err := tk.Result(); !tk.Done() || err != nil {
				t.Errorf("%s: done %v, %v", tk.Name(), tk.Done(), err)
			}
		}
		return nil
	})
}

// ConditionTests.test_notify_all
func TestCPythonLocksConditionNotifyAll(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		var result []int
		t1 := syGo(co, condWaiter(c, &result, 1, true))
		t2 := syGo(co, condWaiter(c, &result, 2, true))
		syTick(co)
		c.Acquire(co)
		c.NotifyAll()
		c.Release()
		syTick(co)
		if !slices.Equal(result, []int{1, 2}) || !t1.Done() || !t2.Done() {
			t.Errorf("result %v, done %v %v; want [1 2], true true", result, t1.Done(), t2.Done())
		}
		return nil
	})
}

// ConditionTests.test_notify_unacquired
func TestCPythonLocksConditionNotifyUnacquired(t *testing.T) {
	leaktest.Check(t)
	if p := syPanic(func() { sched.NewCondition(nil).Notify(1) }); p == nil {
		t.Error("Notify without the lock did not panic")
	}
}

// ConditionTests.test_notify_all_unacquired
func TestCPythonLocksConditionNotifyAllUnacquired(t *testing.T) {
	leaktest.Check(t)
	if p := syPanic(func() { sched.NewCondition(nil).NotifyAll() }); p == nil {
		t.Error("NotifyAll without the lock did not panic")
	}
}

// ConditionTests.test_repr
func TestCPythonLocksConditionRepr(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		if s := c.String(); s != "unlocked" {
			t.Errorf("String() = %q", s)
		}
		var result []int
		w1 := syGo(co, condWaiter(c, &result, 1, true))
		w2 := syGo(co, condWaiter(c, &result, 2, true))
		syTick(co)
		c.Acquire(co)
		if s := c.String(); s != "locked, waiters:2" {
			t.Errorf("String() = %q; want locked, waiters:2", s)
		}
		c.NotifyAll()
		c.Release()
		if err := syAwait(co, w1); err != nil {
			return err
		}
		return syAwait(co, w2)
	})
}

// ConditionTests.test_context_manager
func TestCPythonLocksConditionContextManager(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		func() {
			c.Acquire(co)
			defer c.Release()
			if !c.Locked() {
				t.Error("not locked inside")
			}
		}()
		if c.Locked() {
			t.Error("locked after the block")
		}
		return nil
	})
}

// ConditionTests.test_explicit_lock: a Condition over a given Lock and the
// Lock itself lock and unlock each other.
func TestCPythonLocksConditionExplicitLock(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		f := func(l *sched.Lock, c *sched.Condition) {
			if l == nil {
				l = new(sched.Lock)
			}
			if c == nil {
				c = sched.NewCondition(l)
			}
			state := func(want bool) {
				t.Helper()
				if l.Locked() != want || c.Locked() != want {
					t.Errorf("lock %v, cond %v; want %v", l.Locked(), c.Locked(), want)
				}
			}
			state(false)
			c.Acquire(co)
			state(true)
			c.Release()
			state(false)
			l.Acquire(co)
			state(true)
			l.Release()
			state(false)
		}
		f(nil, nil)
		f(new(sched.Lock), nil)
		l := new(sched.Lock)
		f(l, sched.NewCondition(l))
		return nil
	})
}

// ConditionTests.test_ambiguous_loops: a lock or condition bound to one loop
// refuses to wait on another. (Python sets _loop by hand; here the first loop
// binds them by waiting on them.)
func TestCPythonLocksConditionAmbiguousLoops(t *testing.T) {
	leaktest.Check(t)
	var lock sched.Lock
	cond := sched.NewCondition(nil)
	syRun(t, func(co *coro.Co) error {
		lock.Acquire(co)
		w := syGo(co, lock.Acquire)
		cw := syGo(co, func(co *coro.Co) error { cond.Acquire(co); return cond.Wait(co) })
		syTick(co)
		lock.Release()
		cond.Acquire(co)
		cond.Notify(1)
		cond.Release()
		if err := syAwait(co, w); err != nil {
			return err
		}
		lock.Release()
		if err := syAwait(co, cw); err != nil {
			return err
		}
		cond.Release()
		return nil
	})
	bound := func(err error) bool { return err != nil && strings.Contains(err.Error(), "bound to") }
	syRun(t, func(co *coro.Co) error {
		// wrong_loop_in_lock: acquired through the fast path, then waited on.
		lock.Acquire(co)
		c := sched.NewCondition(&lock)
		if err := c.Acquire(co); !bound(err) {
			t.Errorf("Acquire of a lock bound elsewhere = %v", err)
		}
		lock.Release()
		// wrong_loop_in_cond
		cond.Acquire(co)
		if err := cond.Wait(co); !bound(err) {
			t.Errorf("Wait on a condition bound elsewhere = %v", err)
		}
		if !cond.Locked() {
			t.Error("the failed Wait did not retake the lock")
		}
		cond.Release()
		return nil
	})
}

// ConditionTests.test_timeout_in_block
func TestCPythonLocksConditionTimeoutInBlock(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		c := sched.NewCondition(nil)
		c.Acquire(co)
		defer c.Release()
		_, err := sched.WaitFor(co, coro.New(func(co *coro.Co) (struct{}, error) {
			return struct{}{}, c.Wait(co)
		}), 500*time.Millisecond)
		if !errors.Is(err, sched.ErrTimeout) {
			t.Errorf("WaitFor(Wait) = %v; want ErrTimeout", err)
		}
		if !c.Locked() {
			t.Error("the lock is not held after the timed-out Wait")
		}
		return nil
	})
}

// SemaphoreTests.test_initial_value_zero
func TestCPythonLocksSemaphoreInitialValueZero(t *testing.T) {
	leaktest.Check(t)
	if !sched.NewSemaphore(0).Locked() {
		t.Error("NewSemaphore(0) is not locked")
	}
}

// SemaphoreTests.test_repr
func TestCPythonLocksSemaphoreRepr(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		s := sched.NewSemaphore(1)
		if got := s.String(); got != "unlocked, value:1" {
			t.Errorf("String() = %q", got)
		}
		s.Acquire(co)
		if got := s.String(); got != "locked" {
			t.Errorf("String() = %q", got)
		}
		w1 := syGo(co, s.Acquire)
		syTick(co)
		if got := s.String(); got != "locked, waiters:1" {
			t.Errorf("String() = %q", got)
		}
		w2 := syGo(co, s.Acquire)
		syTick(co)
		if got := s.String(); got != "locked, waiters:2" {
			t.Errorf("String() = %q", got)
		}
		s.Release()
		s.Release()
		if err := syAwait(co, w1); err != nil {
			return err
		}
		return syAwait(co, w2)
	})
}

// SemaphoreTests.test_semaphore (awaiting the semaphore itself does not
// compile in Go)
func TestCPythonLocksSemaphoreDefault(t *testing.T) {
	leaktest.Check(t)
	s := sched.NewSemaphore(1)
	if s.Locked() || s.String() != "unlocked, value:1" {
		t.Errorf("NewSemaphore(1): %q", s.String())
	}
}

// SemaphoreTests.test_semaphore_value
func TestCPythonLocksSemaphoreValue(t *testing.T) {
	leaktest.Check(t)
	if p := syPanic(func() { sched.NewSemaphore(-1) }); p == nil {
		t.Error("NewSemaphore(-1) did not panic")
	}
}

// SemaphoreTests.test_acquire
func TestCPythonLocksSemaphoreAcquire(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		s := sched.NewSemaphore(3)
		var result []int
		s.Acquire(co)
		s.Acquire(co)
		if s.Locked() {
			t.Error("locked with a permit left")
		}
		c := func(n int) func(co *coro.Co) error {
			return func(co *coro.Co) error {
				if err := s.Acquire(co); err != nil {
					return err
				}
				result = append(result, n)
				return nil
			}
		}
		t1 := syGo(co, c(1))
		t2 := syGo(co, c(2))
		t3 := syGo(co, c(3))
		syTick(co)
		if !slices.Equal(result, []int{1}) || s.String() != "locked, waiters:2" {
			t.Errorf("result %v, %q; want [1], locked, waiters:2", result, s.String())
		}
		t4 := syGo(co, c(4))
		s.Release()
		s.Release()
		syTick(co)
		if len(result) != 3 || s.String() != "locked, waiters:1" {
			t.Errorf("result %v, %q; want 3 results, locked, waiters:1", result, s.String())
		}
		if _, err := t1.Result(); !t1.Done() || err != nil {
			t.Errorf("t1: done %v, %v", t1.Done(), err)
		}
		race := []coro.Awaitable[struct{}]{t2, t3, t4}
		done := 0
		for _, tk := range []*sched.Task[struct{}]{t2, t3, t4} {
			if tk.Done() {
				done++
			}
		}
		if done != 2 {
			t.Errorf("%d of the racing tasks done; want 2", done)
		}
		s.Release()
		_, err := sched.Gather(co, race...)
		return err
	})
}

// SemaphoreTests.test_acquire_cancel
func TestCPythonLocksSemaphoreAcquireCancel(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		s := sched.NewSemaphore(1)
		s.Acquire(co)
		acq := syGo(co, s.Acquire)
		sched.LoopOf(co).CallSoon(func() { acq.Cancel() })
		if err := syAwait(co, acq); !syCancelled(err) {
			t.Errorf("await acquire = %v; want cancelled", err)
		}
		if got := s.String(); got != "locked" {
			t.Errorf("String() = %q; want no waiters", got)
		}
		return nil
	})
}

// SemaphoreTests.test_acquire_cancel_before_awoken
func TestCPythonLocksSemaphoreAcquireCancelBeforeAwoken(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		s := sched.NewSemaphore(0)
		t1 := syGo(co, s.Acquire)
		t2 := syGo(co, s.Acquire)
		t3 := syGo(co, s.Acquire)
		t4 := syGo(co, s.Acquire)
		syTick(co)
		t1.Cancel()
		t2.Cancel()
		s.Release()
		syTick(co)
		syTick(co)
		if !t3.Done() || t4.Done() {
			t.Errorf("t3 done %v, t4 done %v; want true, false", t3.Done(), t4.Done())
		}
		t3.Cancel()
		t4.Cancel()
		syTick(co)
		return nil
	})
}

// SemaphoreTests.test_acquire_hang
func TestCPythonLocksSemaphoreAcquireHang(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		s := sched.NewSemaphore(0)
		t1 := syGo(co, s.Acquire)
		t2 := syGo(co, s.Acquire)
		syTick(co)
		t1.Cancel()
		s.Release()
		syTick(co)
		syTick(co)
		if !s.Locked() || !t2.Done() {
			t.Errorf("locked %v, t2 done %v; want true, true", s.Locked(), t2.Done())
		}
		return nil
	})
}

// SemaphoreTests.test_acquire_no_hang: a task cancelled after it was handed a
// permit gives the permit back.
func TestCPythonLocksSemaphoreAcquireNoHang(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		s := sched.NewSemaphore(1)
		var t2 *sched.Task[struct{}]
		t1 := syGo(co, func(co *coro.Co) error {
			if err := s.Acquire(co); err != nil {
				return err
			}
			syTick(co)
			s.Release()
			t2.Cancel()
			return nil
		})
		t2 = syGo(co, func(co *coro.Co) error {
			if err := s.Acquire(co); err != nil {
				return err
			}
			defer s.Release()
			t.Error("t2 got the semaphore")
			return nil
		})
		_, errs, err := sched.GatherAll(co, t1, t2)
		if err != nil {
			return err
		}
		if errs[0] != nil || !syCancelled(errs[1]) {
			t.Errorf("results %v; want nil, cancelled", errs)
		}
		_, err = sched.WaitFor(co, coro.New(func(co *coro.Co) (struct{}, error) {
			return struct{}{}, s.Acquire(co)
		}), time.Second)
		return err
	})
}

// SemaphoreTests.test_release_not_acquired
func TestCPythonLocksSemaphoreReleaseNotAcquired(t *testing.T) {
	leaktest.Check(t)
	if p := syPanic(sched.NewBoundedSemaphore(1).Release); p == nil {
		t.Error("Release of a full BoundedSemaphore did not panic")
	}
}

// SemaphoreTests.test_release_no_waiters
func TestCPythonLocksSemaphoreReleaseNoWaiters(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		s := sched.NewSemaphore(1)
		s.Acquire(co)
		if !s.Locked() {
			t.Error("not locked after Acquire")
		}
		s.Release()
		if s.Locked() {
			t.Error("locked after Release")
		}
		return nil
	})
}

// SemaphoreTests.test_acquire_fifo_order
func TestCPythonLocksSemaphoreAcquireFIFOOrder(t *testing.T) {
	leaktest.Check(t)
	var result []string
	syRun(t, func(co *coro.Co) error {
		s := sched.NewSemaphore(1)
		g := sched.NewGroup(co)
		for _, tag := range []string{"c1", "c2", "c3"} {
			g.Spawn(func(co *coro.Co) error {
				for _, step := range []string{"_1", "_2"} {
					if err := s.Acquire(co); err != nil {
						return err
					}
					result = append(result, tag+step)
					if err := sched.Sleep(co, 10*time.Millisecond); err != nil {
						return err
					}
					s.Release()
				}
				return nil
			})
		}
		return g.Wait(co)
	})
	want := []string{"c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"}
	if !slices.Equal(result, want) {
		t.Errorf("result %v; want %v", result, want)
	}
}

// SemaphoreTests.test_acquire_fifo_order_2
func TestCPythonLocksSemaphoreAcquireFIFOOrder2(t *testing.T) {
	leaktest.Check(t)
	var result []int
	syRun(t, func(co *coro.Co) error {
		s := sched.NewSemaphore(1)
		t1 := syGo(co, func(co *coro.Co) error {
			err := s.Acquire(co)
			result = append(result, 1)
			return err
		})
		t2 := syGo(co, func(co *coro.Co) error {
			if err := s.Acquire(co); err != nil {
				return err
			}
			result = append(result, 2)
			s.Release()
			err := s.Acquire(co)
			result = append(result, 4)
			return err
		})
		t3 := syGo(co, func(co *coro.Co) error {
			err := s.Acquire(co)
			result = append(result, 3)
			return err
		})
		syTick(co)
		s.Release()
		s.Release()
		_, err := sched.Gather(co, t1, t2, t3)
		return err
	})
	if !slices.Equal(result, []int{1, 2, 3, 4}) {
		t.Errorf("result %v; want [1 2 3 4]", result)
	}
}

// SemaphoreTests.test_acquire_fifo_order_3
func TestCPythonLocksSemaphoreAcquireFIFOOrder3(t *testing.T) {
	leaktest.Check(t)
	var result []int
	syRun(t, func(co *coro.Co) error {
		s := sched.NewSemaphore(0)
		var tasks []coro.Awaitable[struct{}]
		for n := 1; n <= 3; n++ {
			tasks = append(tasks, syGo(co, func(co *coro.Co) error {
				if err := s.Acquire(co); err != nil {
					return err
				}
				result = append(result, n)
				return nil
			}))
		}
		syTick(co)
		tasks[0].(*sched.Task[struct{}]).Cancel()
		syTick(co)
		s.Release()
		s.Release()
		_, _, err := sched.GatherAll(co, tasks...)
		return err
	})
	if !slices.Equal(result, []int{2, 3}) {
		t.Errorf("result %v; want [2 3]", result)
	}
}

// barrierTasks is BarrierTests.make_tasks: n tasks running fn.
func barrierTasks(co *coro.Co, n int, fn func(co *coro.Co) (int, error)) []coro.Awaitable[int] {
	var tasks []coro.Awaitable[int]
	for range n {
		tasks = append(tasks, sched.Spawn(co, coro.New(fn)))
	}
	return tasks
}

// barrierGather is BarrierTests.gather_tasks.
func barrierGather(co *coro.Co, n int, fn func(co *coro.Co) (int, error)) ([]int, error) {
	return sched.Gather(co, barrierTasks(co, n, fn)...)
}

// BarrierTests.test_barrier (awaiting the barrier itself does not compile in
// Go)
func TestCPythonLocksBarrier(t *testing.T) {
	leaktest.Check(t)
	b := sched.NewBarrier(5)
	if !strings.Contains(b.String(), "filling") {
		t.Errorf("String() = %q", b.String())
	}
}

// BarrierTests.test_repr (Reset and Abort act at once in Go: see Barrier.Reset)
func TestCPythonLocksBarrierRepr(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b := sched.NewBarrier(n)
		check := func(want string) {
			t.Helper()
			if s := b.String(); s != want {
				t.Errorf("String() = %q; want %q", s, want)
			}
		}
		check("filling, waiters:0/5")
		var waiters []coro.Awaitable[int]
		wait := func(co *coro.Co) (int, error) { return b.Wait(co) }
		waiters = append(waiters, barrierTasks(co, 2, wait)...)
		syTick(co)
		check("filling, waiters:2/5")
		waiters = append(waiters, barrierTasks(co, b.Parties()-b.NWaiting(), wait)...)
		syTick(co)
		check("draining, waiters:0/5")
		waiters = append(waiters, barrierTasks(co, 2, wait)...)
		syTick(co)
		b.Reset()
		check("resetting, waiters:0/5")
		waiters = append(waiters, barrierTasks(co, 2, wait)...)
		syTick(co)
		b.Abort()
		check("broken")
		if !b.Broken() {
			t.Error("not broken after Abort")
		}
		_, _, err := sched.GatherAll(co, waiters...)
		return err
	})
}

// BarrierTests.test_barrier_parties
func TestCPythonLocksBarrierParties(t *testing.T) {
	leaktest.Check(t)
	for _, n := range []int{0, -4} {
		if p := syPanic(func() { sched.NewBarrier(n) }); p == nil {
			t.Errorf("NewBarrier(%d) did not panic", n)
		}
	}
	if b := sched.NewBarrier(5); b.Parties() != 5 {
		t.Errorf("Parties() = %d", b.Parties())
	}
}

// BarrierTests.test_context_manager ("async with barrier as i" is Wait)
func TestCPythonLocksBarrierContextManager(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 3
		b := sched.NewBarrier(n)
		var results []int
		_, err := barrierGather(co, n, func(co *coro.Co) (int, error) {
			i, err := b.Wait(co)
			results = append(results, i)
			return i, err
		})
		slices.Sort(results)
		if !slices.Equal(results, []int{0, 1, 2}) || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("results %v, %v", results, b)
		}
		return err
	})
}

// BarrierTests.test_filling_one_task
func TestCPythonLocksBarrierFillingOneTask(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		b := sched.NewBarrier(1)
		if i, err := b.Wait(co); i != 0 || err != nil {
			t.Errorf("Wait = %d, %v", i, err)
		}
		if b.NWaiting() != 0 || b.Broken() {
			t.Errorf("after: %v", b)
		}
		return nil
	})
}

// BarrierTests.test_filling_one_task_twice
func TestCPythonLocksBarrierFillingOneTaskTwice(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		b := sched.NewBarrier(1)
		wait := coro.New(func(co *coro.Co) (int, error) { return b.Wait(co) })
		t1 := sched.Spawn(co, wait)
		syTick(co)
		if b.NWaiting() != 0 {
			t.Errorf("NWaiting() = %d", b.NWaiting())
		}
		t2 := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return b.Wait(co) }))
		syTick(co)
		r1, e1 := t1.Result()
		r2, e2 := t2.Result()
		if r1 != r2 || e1 != nil || e2 != nil || t1.Done() != t2.Done() {
			t.Errorf("t1 %d, %v; t2 %d, %v", r1, e1, r2, e2)
		}
		if b.NWaiting() != 0 || b.Broken() {
			t.Errorf("after: %v", b)
		}
		return nil
	})
}

// BarrierTests.test_filling_task_by_task
func TestCPythonLocksBarrierFillingTaskByTask(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		b := sched.NewBarrier(3)
		var tasks []*sched.Task[int]
		for i := 1; i <= 3; i++ {
			tasks = append(tasks, sched.Spawn(co, coro.New(b.Wait)))
			syTick(co)
			if i < 3 && (b.NWaiting() != i || !strings.HasPrefix(b.String(), "filling")) {
				t.Errorf("after %d: %v", i, b)
			}
		}
		if _, _, err := sched.Wait(co, tasks, sched.AllCompleted, 0); err != nil {
			return err
		}
		if b.NWaiting() != 0 || b.Broken() {
			t.Errorf("after: %v", b)
		}
		return nil
	})
}

// BarrierTests.test_filling_tasks_wait_twice
func TestCPythonLocksBarrierFillingTasksWaitTwice(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b := sched.NewBarrier(n)
		var results []bool
		_, err := barrierGather(co, n, func(co *coro.Co) (int, error) {
			if _, err := b.Wait(co); err != nil {
				return 0, err
			}
			results = append(results, true)
			if _, err := b.Wait(co); err != nil {
				return 0, err
			}
			results = append(results, false)
			return 0, nil
		})
		trues := 0
		for _, r := range results {
			if r {
				trues++
			}
		}
		if len(results) != 2*n || trues != n || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("results %v, %v", results, b)
		}
		return err
	})
}

// BarrierTests.test_filling_tasks_check_return_value
func TestCPythonLocksBarrierFillingTasksCheckReturnValue(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b := sched.NewBarrier(n)
		r1, r2 := 0, 0
		res, err := barrierGather(co, n, func(co *coro.Co) (int, error) {
			if _, err := b.Wait(co); err != nil {
				return 0, err
			}
			r1++
			i, err := b.Wait(co)
			r2++
			return i, err
		})
		if err != nil {
			return err
		}
		slices.Sort(res)
		if r1 != n || r2 != n || !slices.Equal(res, []int{0, 1, 2, 3, 4}) || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("r1 %d, r2 %d, indexes %v, %v", r1, r2, res, b)
		}
		return nil
	})
}

// BarrierTests.test_draining_state
func TestCPythonLocksBarrierDrainingState(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b := sched.NewBarrier(n)
		var results []bool
		_, err := barrierGather(co, n, func(co *coro.Co) (int, error) {
			i, err := b.Wait(co)
			// The state goes back to filling as the last task leaves.
			results = append(results, strings.HasPrefix(b.String(), "draining"))
			return i, err
		})
		if len(results) != n || results[n-1] || slices.Contains(results[:n-1], false) {
			t.Errorf("results %v", results)
		}
		if b.NWaiting() != 0 || b.Broken() {
			t.Errorf("after: %v", b)
		}
		return err
	})
}

// BarrierTests.test_blocking_tasks_while_draining
func TestCPythonLocksBarrierBlockingTasksWhileDraining(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n, rewait = 5, 2
		b := sched.NewBarrier(n)
		noWaiting := sched.NewBarrier(n - rewait)
		rewaitN := rewait
		_, err := barrierGather(co, n, func(co *coro.Co) (int, error) {
			if _, err := b.Wait(co); err != nil {
				return 0, err
			}
			if rewaitN > 0 {
				rewaitN--
				return b.Wait(co)
			}
			if _, err := noWaiting.Wait(co); err != nil {
				return 0, err
			}
			return b.Wait(co)
		})
		return err
	})
}

// BarrierTests.test_filling_tasks_cancel_one
func TestCPythonLocksBarrierFillingTasksCancelOne(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 3
		b := sched.NewBarrier(n)
		results := 0
		body := func(co *coro.Co) (int, error) {
			if _, err := b.Wait(co); err != nil {
				return 0, err
			}
			results++
			return 0, nil
		}
		waiting := func(want int) {
			t.Helper()
			if b.NWaiting() != want {
				t.Errorf("NWaiting() = %d; want %d", b.NWaiting(), want)
			}
		}
		t1 := sched.Spawn(co, coro.New(body))
		syTick(co)
		waiting(1)
		t2 := sched.Spawn(co, coro.New(body))
		syTick(co)
		waiting(2)
		t1.Cancel()
		syTick(co)
		waiting(1)
		if _, err := t1.Await(co); !syCancelled(err) || !t1.Cancelled() {
			t.Errorf("await t1 = %v", err)
		}
		t3 := sched.Spawn(co, coro.New(body))
		syTick(co)
		waiting(2)
		t4 := sched.Spawn(co, coro.New(body))
		if _, err := sched.Gather[int](co, t2, t3, t4); err != nil {
			return err
		}
		if results != n || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("results %d, %v", results, b)
		}
		return nil
	})
}

// BarrierTests.test_reset_barrier
func TestCPythonLocksBarrierReset(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		b := sched.NewBarrier(1)
		syGo(co, func(co *coro.Co) error { b.Reset(); return nil })
		syTick(co)
		if b.NWaiting() != 0 || b.Broken() {
			t.Errorf("after Reset: %v", b)
		}
		return nil
	})
}

// BarrierTests.test_reset_barrier_while_tasks_waiting
func TestCPythonLocksBarrierResetWhileTasksWaiting(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b := sched.NewBarrier(n)
		broken := 0
		tasks := barrierTasks(co, n-1, func(co *coro.Co) (int, error) {
			_, err := b.Wait(co)
			if errors.Is(err, sched.ErrBrokenBarrier) {
				broken++
				return 0, nil
			}
			return 0, err
		})
		syTick(co)
		syGo(co, func(co *coro.Co) error { b.Reset(); return nil })
		if _, err := sched.Gather(co, tasks...); err != nil {
			return err
		}
		if broken != n-1 || b.NWaiting() != 0 || strings.Contains(b.String(), "resetting") || b.Broken() {
			t.Errorf("broken %d, %v", broken, b)
		}
		return nil
	})
}

// BarrierTests.test_reset_barrier_when_tasks_half_draining
func TestCPythonLocksBarrierResetWhenTasksHalfDraining(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b := sched.NewBarrier(n)
		rest := n / 2
		results1 := 0
		left := 0 // tasks out of the barrier (Python reads barrier._count)
		_, err := barrierGather(co, n, func(co *coro.Co) (int, error) {
			_, err := b.Wait(co)
			switch {
			case errors.Is(err, sched.ErrBrokenBarrier):
				results1++
			case err != nil:
				return 0, err
			default:
				left++
				if n-left == rest {
					b.Reset()
				}
			}
			return 0, nil
		})
		if err != nil {
			return err
		}
		if results1 != rest || b.NWaiting() != 0 || strings.Contains(b.String(), "resetting") || b.Broken() {
			t.Errorf("results1 %d, %v", results1, b)
		}
		return nil
	})
}

// BarrierTests.test_reset_barrier_when_tasks_half_draining_half_blocking
func TestCPythonLocksBarrierResetWhenTasksHalfDrainingHalfBlocking(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b := sched.NewBarrier(n)
		blocking := n / 2
		results1, results2, count := 0, 0, 0
		_, err := barrierGather(co, n, func(co *coro.Co) (int, error) {
			_, err := b.Wait(co)
			switch {
			case errors.Is(err, sched.ErrBrokenBarrier):
				results1++
				return b.Wait(co)
			case err != nil:
				return 0, err
			}
			count++
			if count > blocking {
				b.Reset()
				return b.Wait(co)
			}
			_, err = b.Wait(co)
			if errors.Is(err, sched.ErrBrokenBarrier) {
				results2++
				return 0, nil
			}
			return 0, err
		})
		if err != nil {
			return err
		}
		if results1 != blocking || results2 != 0 || b.NWaiting() != 0 || strings.Contains(b.String(), "resetting") || b.Broken() {
			t.Errorf("results1 %d, results2 %d, %v", results1, results2, b)
		}
		return nil
	})
}

// BarrierTests.test_reset_barrier_while_tasks_waiting_and_waiting_again
func TestCPythonLocksBarrierResetWhileTasksWaitingAndWaitingAgain(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b := sched.NewBarrier(n)
		results1, results2 := 0, 0
		tasks := barrierTasks(co, n-1, func(co *coro.Co) (int, error) {
			_, err := b.Wait(co)
			if errors.Is(err, sched.ErrBrokenBarrier) {
				results1++
			} else if err != nil {
				return 0, err
			}
			if _, err := b.Wait(co); err != nil {
				return 0, err
			}
			results2++
			return 0, nil
		})
		syGo(co, func(co *coro.Co) error { b.Reset(); return nil })
		syTick(co)
		syGo(co, func(co *coro.Co) error {
			_, err := b.Wait(co)
			results2++
			return err
		})
		if _, err := sched.Gather(co, tasks...); err != nil {
			return err
		}
		if b.Broken() || results1 != n-1 || results2 != n || b.NWaiting() != 0 {
			t.Errorf("results1 %d, results2 %d, %v", results1, results2, b)
		}
		return nil
	})
}

// BarrierTests.test_reset_barrier_while_tasks_draining
func TestCPythonLocksBarrierResetWhileTasksDraining(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b := sched.NewBarrier(n)
		results1, results2, results3, count := 0, 0, 0, 0
		_, err := barrierGather(co, n, func(co *coro.Co) (int, error) {
			if _, err := b.Wait(co); err != nil {
				return 0, err
			}
			count++
			if count == n {
				// The last task out of the barrier resets it and waits again.
				b.Reset()
				if _, err := b.Wait(co); err != nil {
					return 0, err
				}
			} else {
				if _, err := b.Wait(co); err != nil {
					results2++
				} else {
					results1++
				}
			}
			if _, err := b.Wait(co); err != nil {
				return 0, err
			}
			results3++
			return 0, nil
		})
		if err != nil {
			return err
		}
		if b.Broken() || results1 != n-1 || results2 != 0 || results3 != n || b.NWaiting() != 0 {
			t.Errorf("results %d %d %d, %v", results1, results2, results3, b)
		}
		return nil
	})
}

// BarrierTests.test_abort_barrier
func TestCPythonLocksBarrierAbort(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		b := sched.NewBarrier(1)
		syGo(co, func(co *coro.Co) error { b.Abort(); return nil })
		syTick(co)
		if b.NWaiting() != 0 || !b.Broken() {
			t.Errorf("after Abort: %v", b)
		}
		return nil
	})
}

// BarrierTests.test_abort_barrier_when_tasks_half_draining_half_blocking
func TestCPythonLocksBarrierAbortWhenTasksHalfDrainingHalfBlocking(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b := sched.NewBarrier(n)
		blocking := n / 2
		results1, results2, count := 0, 0, 0
		_, err := barrierGather(co, n, func(co *coro.Co) (int, error) {
			_, err := b.Wait(co)
			switch {
			case errors.Is(err, sched.ErrBrokenBarrier):
				results1++
				return 0, nil
			case err != nil:
				return 0, err
			}
			count++
			if count > blocking {
				b.Abort()
				return 0, nil
			}
			_, err = b.Wait(co)
			if errors.Is(err, sched.ErrBrokenBarrier) {
				results2++
				return 0, nil
			}
			return 0, err
		})
		if err != nil {
			return err
		}
		if !b.Broken() || results1 != blocking || results2 != n-blocking-1 || b.NWaiting() != 0 {
			t.Errorf("results1 %d, results2 %d, %v", results1, results2, b)
		}
		return nil
	})
}

// BarrierTests.test_abort_barrier_when_exception
func TestCPythonLocksBarrierAbortWhenException(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b := sched.NewBarrier(n)
		results1, results2 := 0, 0
		errBoom := errors.New("boom")
		_, err := barrierGather(co, n, func(co *coro.Co) (int, error) {
			err := func() error {
				i, err := b.Wait(co)
				if err != nil {
					return err
				}
				if i == n/2 {
					return errBoom
				}
				if _, err := b.Wait(co); err != nil {
					return err
				}
				results1++
				return nil
			}()
			switch {
			case errors.Is(err, sched.ErrBrokenBarrier):
				results2++
			case errors.Is(err, errBoom):
				b.Abort()
			case err != nil:
				return 0, err
			}
			return 0, nil
		})
		if err != nil {
			return err
		}
		if !b.Broken() || results1 != 0 || results2 != n-1 || b.NWaiting() != 0 {
			t.Errorf("results1 %d, results2 %d, %v", results1, results2, b)
		}
		return nil
	})
}

// BarrierTests.test_abort_barrier_when_exception_then_resetting
func TestCPythonLocksBarrierAbortWhenExceptionThenResetting(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const n = 5
		b1, b2 := sched.NewBarrier(n), sched.NewBarrier(n)
		results1, results2, results3 := 0, 0, 0
		errBoom := errors.New("boom")
		_, err := barrierGather(co, n, func(co *coro.Co) (int, error) {
			err := func() error {
				i, err := b1.Wait(co)
				if err != nil {
					return err
				}
				if i == n/2 {
					return errBoom
				}
				if _, err := b1.Wait(co); err != nil {
					return err
				}
				results1++
				return nil
			}()
			switch {
			case errors.Is(err, sched.ErrBrokenBarrier):
				results2++
			case errors.Is(err, errBoom):
				b1.Abort()
			case err != nil:
				return 0, err
			}
			// Everyone leaves b1 before the reset, and nobody enters it again
			// before the reset.
			i, err := b2.Wait(co)
			if err != nil {
				return 0, err
			}
			if i == n/2 {
				b1.Reset()
			}
			if _, err := b2.Wait(co); err != nil {
				return 0, err
			}
			if _, err := b1.Wait(co); err != nil {
				return 0, err
			}
			results3++
			return 0, nil
		})
		if err != nil {
			return err
		}
		if b1.Broken() || results1 != 0 || results2 != n-1 || results3 != n || b1.NWaiting() != 0 {
			t.Errorf("results %d %d %d, %v", results1, results2, results3, b1)
		}
		return nil
	})
}
