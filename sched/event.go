package sched

import "github.com/corio-go/corio/coro"

// Event is a flag tasks can wait for: asyncio.Event. Set wakes every waiting
// task; while the flag is set, Wait returns at once.
//
// The zero value is an Event that is not set. An Event is bound to the loop of
// the first task that waits on it; waiting from a task of another loop returns
// an error. An Event must not be copied after first use, and is for the loop's
// goroutine and its tasks only.
type Event struct {
	loop    *Loop
	waiters waitList
	set     bool
}

// IsSet reports whether the flag is set.
func (e *Event) IsSet() bool { return e.set }

// Set sets the flag and wakes every task waiting for it; they resume in the
// next loop iteration, in the order they began to wait, even if the flag has
// been cleared meanwhile.
func (e *Event) Set() {
	if e.set {
		return
	}
	e.set = true
	for w := e.waiters.head; w != nil; w = w.next {
		if w.st == pending {
			w.wake()
		}
	}
}

// Clear clears the flag: later Waits suspend until the next Set.
func (e *Event) Clear() { e.set = false }

// Wait returns nil at once if the flag is set, and otherwise suspends the task
// until Set is called. It returns the cancellation error if the task is
// cancelled while it waits.
func (e *Event) Wait(co *coro.Co) error {
	if e.set {
		return nil
	}
	w, err := newWaiter(&e.loop, co, "Event.Wait")
	if err != nil {
		return err
	}
	e.waiters.push(w)
	err = w.await(co)
	e.waiters.remove(w)
	if err == nil {
		w.recycle()
	}
	return err
}

// String describes the event as asyncio's repr does: "set", "unset, waiters:1".
func (e *Event) String() string {
	if e.set {
		return withWaiters("set", &e.waiters)
	}
	return withWaiters("unset", &e.waiters)
}
