package sched

import "github.com/corio-go/corio/coro"

// Lock is a mutual exclusion lock for tasks: asyncio.Lock. Acquire suspends the
// task while the lock is held; Release wakes the task that has waited longest,
// which takes the lock one loop iteration later. A Lock is not owned: any task
// may release it.
//
// The zero value is an unlocked Lock. A Lock is bound to the loop of the first
// task that waits on it; waiting from a task of another loop returns an error.
// A Lock must not be copied after first use. Like everything in sched, it is
// for the loop's goroutine and its tasks only.
type Lock struct {
	loop    *Loop
	waiters waitList
	locked  bool
}

// Locked reports whether the lock is held.
func (m *Lock) Locked() bool { return m.locked }

// Acquire takes the lock, suspending the task until it is free and its turn
// has come (first come, first served: a free lock with tasks still queued for
// it is not taken past them). It returns nil with the lock held, or, without
// it, the cancellation error if the task is cancelled while it waits; a
// cancelled waiter that had already been handed the lock passes it on to the
// next one.
func (m *Lock) Acquire(co *coro.Co) error {
	if !m.locked && m.waiters.allCancelled() {
		m.locked = true
		return nil
	}
	w, err := newWaiter(&m.loop, co, "Lock.Acquire")
	if err != nil {
		return err
	}
	m.waiters.push(w)
	err = w.await(co)
	// Removed before the cancellation is handled, so that wakeUpFirst does not
	// pick this waiter again.
	m.waiters.remove(w)
	if err != nil {
		if isCancel(err) && !m.locked {
			m.wakeUpFirst()
		}
		return err
	}
	w.recycle()
	m.locked = true
	return nil
}

// Release unlocks the lock and wakes the first task waiting for it, if any.
// Release of an unlocked lock panics, as sync.Mutex's Unlock is fatal (Python
// raises RuntimeError).
func (m *Lock) Release() {
	if !m.locked {
		panic("sched.Lock.Release: the lock is not held")
	}
	m.locked = false
	m.wakeUpFirst()
}

// wakeUpFirst wakes the first waiter if it is not done already. A done one
// will run and either take the lock or, cancelled, call this again.
func (m *Lock) wakeUpFirst() {
	if w := m.waiters.head; w != nil && w.st == pending {
		w.wake()
	}
}

// String describes the lock as asyncio's repr does: "locked, waiters:2",
// "unlocked".
func (m *Lock) String() string {
	if m.locked {
		return withWaiters("locked", &m.waiters)
	}
	return withWaiters("unlocked", &m.waiters)
}
