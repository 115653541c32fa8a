package sched

import "github.com/corio-go/corio/coro"

// Condition is a condition variable for tasks: asyncio.Condition. Tasks hold
// its lock to check a state, Wait for a change (releasing the lock meanwhile),
// and are woken by Notify or NotifyAll from a task holding the lock.
//
// The zero value is a Condition with a Lock of its own; NewCondition shares an
// existing Lock. A Condition is bound to the loop of the first task that waits
// on it; waiting from a task of another loop returns an error. It must not be
// copied after first use, and is for the loop's goroutine and its tasks only.
type Condition struct {
	lock    *Lock // nil: own
	own     Lock
	loop    *Loop
	waiters waitList
}

// NewCondition returns a Condition using l as its lock, or a new Lock if l is
// nil.
func NewCondition(l *Lock) *Condition {
	c := &Condition{lock: l}
	return c
}

// l returns the condition's lock.
func (c *Condition) l() *Lock {
	if c.lock == nil {
		return &c.own
	}
	return c.lock
}

// Acquire acquires the condition's lock: [Lock.Acquire].
func (c *Condition) Acquire(co *coro.Co) error { return c.l().Acquire(co) }

// Release releases the condition's lock: [Lock.Release].
func (c *Condition) Release() { c.l().Release() }

// Locked reports whether the condition's lock is held.
func (c *Condition) Locked() bool { return c.l().locked }

// Wait releases the lock, suspends the task until it is notified, and takes
// the lock again before it returns — always, even when the task is cancelled
// while it waits or while it takes the lock back (as asyncio does, so that the
// caller's deferred Release stays right). It returns nil once notified with the
// lock held, or the cancellation error, still with the lock held. Only when the
// loop closes the task during the retaking (gen.ErrGeneratorExit) does Wait
// return without the lock.
//
// Wait panics if the lock is not held (Python raises RuntimeError).
func (c *Condition) Wait(co *coro.Co) error {
	_, err := c.wait(co)
	return err
}

// wait is Wait, reporting whether the lock is held on return.
func (c *Condition) wait(co *coro.Co) (held bool, err error) {
	m := c.l()
	if !m.locked {
		panic("sched.Condition.Wait: the lock is not held")
	}
	m.Release()
	w, err := newWaiter(&c.loop, co, "Condition.Wait")
	if err == nil {
		c.waiters.push(w)
		err = w.await(co)
		c.waiters.remove(w)
		if err == nil {
			w.recycle()
		}
	}
	cancelled := false
	for {
		aerr := m.Acquire(co)
		if aerr == nil {
			break
		}
		if !isCancel(aerr) {
			return false, aerr
		}
		cancelled = true
	}
	if cancelled {
		return true, ErrCancelled
	}
	return true, err
}

// WaitFor waits (as Wait does) until pred reports true; pred is called with the
// lock held, first before any waiting. It returns nil with the lock held once
// pred holds, or Wait's error. WaitFor panics if it has to wait and the lock
// is not held.
func (c *Condition) WaitFor(co *coro.Co, pred func() bool) error {
	_, err := c.waitFor(co, pred)
	return err
}

func (c *Condition) waitFor(co *coro.Co, pred func() bool) (held bool, err error) {
	held = true
	for !pred() {
		if held, err = c.wait(co); err != nil {
			return held, err
		}
	}
	return held, nil
}

// Notify wakes up to n of the tasks waiting on the condition, longest waiting
// first. A woken task returns from Wait only once it has taken the lock back,
// so the caller should release the lock soon. Notify panics if the lock is not
// held (Python raises RuntimeError).
func (c *Condition) Notify(n int) {
	if !c.l().locked {
		panic("sched.Condition.Notify: the lock is not held")
	}
	c.notify(n)
}

// NotifyAll wakes every task waiting on the condition; see Notify.
func (c *Condition) NotifyAll() { c.Notify(c.waiters.n) }

func (c *Condition) notify(n int) {
	i := 0
	for w := c.waiters.head; w != nil && i < n; w = w.next {
		if w.st == pending {
			i++
			w.wake()
		}
	}
}

// String describes the condition as asyncio's repr does: "locked, waiters:1".
func (c *Condition) String() string {
	if c.Locked() {
		return withWaiters("locked", &c.waiters)
	}
	return withWaiters("unlocked", &c.waiters)
}
