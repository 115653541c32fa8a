package sched

import (
	"fmt"

	"github.com/corio-go/corio/coro"
)

// Semaphore is a counter of permits for tasks: asyncio.Semaphore. Acquire
// takes a permit, suspending the task while there is none; Release gives one
// back and wakes the task that has waited longest. A bounded semaphore
// ([NewBoundedSemaphore]) refuses to hold more permits than it started with.
//
// The zero value is a Semaphore with no permits (Python's Semaphore(0)); use
// NewSemaphore for others. A Semaphore is bound to the loop of the first task
// that waits on it; waiting from a task of another loop returns an error. It
// must not be copied after first use, and is for the loop's goroutine and its
// tasks only.
type Semaphore struct {
	loop    *Loop
	waiters waitList
	value   int
	bounded bool
	bound   int // for a bounded semaphore: the initial value
}

// NewSemaphore returns a semaphore with n permits. It panics if n < 0 (Python
// raises ValueError).
func NewSemaphore(n int) *Semaphore {
	if n < 0 {
		panic("sched.NewSemaphore: negative value")
	}
	return &Semaphore{value: n}
}

// NewBoundedSemaphore returns a semaphore with n permits whose Release panics
// if it would make more than n (asyncio.BoundedSemaphore). It panics if n < 0.
func NewBoundedSemaphore(n int) *Semaphore {
	if n < 0 {
		panic("sched.NewBoundedSemaphore: negative value")
	}
	return &Semaphore{value: n, bounded: true, bound: n}
}

// Locked reports whether Acquire would suspend: no permit is free, or tasks
// that are not cancelled are queued for one.
func (s *Semaphore) Locked() bool {
	if s.value == 0 {
		return true
	}
	for w := s.waiters.head; w != nil; w = w.next {
		if w.st != cancelled {
			return true
		}
	}
	return false
}

// Acquire takes a permit, suspending the task until one is free and its turn
// has come (first come, first served). It returns nil holding a permit, or the
// cancellation error without one if the task is cancelled while it waits (a
// permit it had been handed goes to the next waiter).
func (s *Semaphore) Acquire(co *coro.Co) error {
	if !s.Locked() {
		s.value--
		return nil
	}
	w, err := newWaiter(&s.loop, co, "Semaphore.Acquire")
	if err != nil {
		return err
	}
	s.waiters.push(w)
	err = w.await(co)
	s.waiters.remove(w)
	if err != nil {
		if isCancel(err) && w.st != cancelled {
			// Woken, so handed a permit, then cancelled: pass it on.
			s.value++
			s.wakeUpNext()
		}
		return err
	}
	w.recycle()
	if s.value > 0 {
		s.wakeUpNext()
	}
	return nil
}

// Release gives a permit back, waking the first waiting task. On a bounded
// semaphore, Release beyond the initial value panics (Python raises
// ValueError).
func (s *Semaphore) Release() {
	if s.bounded && s.value >= s.bound {
		panic("sched.Semaphore.Release: a bounded semaphore released too many times")
	}
	s.value++
	s.wakeUpNext()
}

// wakeUpNext hands a permit to the first waiter that is not done.
func (s *Semaphore) wakeUpNext() {
	for w := s.waiters.head; w != nil; w = w.next {
		if w.st == pending {
			s.value--
			w.wake()
			return
		}
	}
}

// String describes the semaphore as asyncio's repr does: "locked",
// "unlocked, value:3", with ", waiters:N" when tasks wait.
func (s *Semaphore) String() string {
	if s.Locked() {
		return withWaiters("locked", &s.waiters)
	}
	return withWaiters(fmt.Sprintf("unlocked, value:%d", s.value), &s.waiters)
}
