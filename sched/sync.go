package sched

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/corio-go/corio/coro"
)

// This file holds asyncio's synchronisation primitives (asyncio/locks.py):
// Lock, Event, Condition, Semaphore and Barrier. They follow CPython 3.11 line
// by line: a task that must wait appends a future to a FIFO of waiters and
// awaits it; whoever frees the resource completes the first waiter's future,
// so the woken task runs one loop iteration later, exactly as in asyncio. The
// same waiters serve Queue (queue.go).

// ErrBrokenBarrier is returned by Barrier.Wait when the barrier is aborted, or
// reset while the task waits in it. Test it with errors.Is. Python:
// asyncio.BrokenBarrierError.
var ErrBrokenBarrier = errors.New("sched: barrier broken")

// waiter is one task waiting on a primitive: asyncio's waiter future, with the
// links of the primitive's FIFO in the same allocation.
type waiter struct {
	Future[struct{}]
	prev, next *waiter
	queued     bool   // in a waitList
	what       string // for deadlock reports: "Lock.Acquire", "Queue.Get", ...
}

// String names the wait for deadlock reports.
func (w *waiter) String() string { return w.what + " (" + w.state() + ")" }

// await suspends the task until w is done: Future.Await with w as what the
// task waits on, so that deadlock reports name the primitive. It returns nil
// once w has a result, ErrCancelled if w was cancelled, or the error a
// cancellation or Close throws at the suspension.
func (w *waiter) await(co *coro.Co) error {
	for w.st == pending {
		if _, err := co.Suspend(w); err != nil {
			return err
		}
	}
	if w.st == cancelled {
		return ErrCancelled
	}
	return nil
}

// wake completes a pending waiter (set_result), scheduling the task that
// awaits it.
func (w *waiter) wake() { w.complete(finished) }

// waitList is a FIFO of waiters (asyncio's deque of futures) with O(1)
// removal of any element, which is what every cancelled wait does. The zero
// value is an empty list.
type waitList struct {
	head, tail *waiter
	n          int
}

func (q *waitList) push(w *waiter) {
	w.prev, w.next, w.queued = q.tail, nil, true
	if q.tail != nil {
		q.tail.next = w
	} else {
		q.head = w
	}
	q.tail = w
	q.n++
}

// remove takes w out of the list; it does nothing if w is not in it (asyncio
// catches the ValueError of deque.remove for a waiter already popped).
func (q *waitList) remove(w *waiter) {
	if !w.queued {
		return
	}
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		q.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		q.tail = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
	q.n--
}

// popFront removes and returns the first waiter, or nil.
func (q *waitList) popFront() *waiter {
	w := q.head
	if w != nil {
		q.remove(w)
	}
	return w
}

// wakeNext is Queue._wakeup_next: pop waiters until one is pending, and wake it.
func (q *waitList) wakeNext() {
	for w := q.popFront(); w != nil; w = q.popFront() {
		if w.st == pending {
			w.wake()
			return
		}
	}
}

// allCancelled reports whether every waiter is cancelled (true when empty).
func (q *waitList) allCancelled() bool {
	for w := q.head; w != nil; w = w.next {
		if w.st != cancelled {
			return false
		}
	}
	return true
}

// isCancel reports whether err is a cancellation (Python's CancelledError),
// as opposed to gen.ErrGeneratorExit when the loop closes the task.
func isCancel(err error) bool { return errors.Is(err, context.Canceled) }

// newWaiter binds the primitive to co's loop on first use (asyncio's
// _LoopBoundMixin._get_loop) and returns a new waiter on it. It fails if co is
// not a sched task, or runs on another loop than the one the primitive is
// bound to.
func newWaiter(bound **Loop, co *coro.Co, what string) (*waiter, error) {
	l := LoopOf(co)
	switch {
	case l == nil:
		return nil, errNoLoop
	case *bound == nil:
		*bound = l
	case *bound != l:
		return nil, fmt.Errorf("%w: %s", errBoundLoop, what)
	}
	w := waiterPool.Get().(*waiter)
	w.what = what
	w.loop = l
	return w, nil
}

// waiterPool recycles waiters: a wait that ends normally hands its waiter
// back, which makes a wake-up about twice as cheap (BenchmarkEventWake: about
// 530 ns per waiter allocating, 220 to 270 recycling, on a 2-core AMD EPYC
// VM; BenchmarkQueueHandoff/size1: 1,075 ns per item, 360), most of the
// difference being garbage collection.
var waiterPool = sync.Pool{New: func() any { return new(waiter) }}

// recycle hands w back to the pool. Call it only once the wait is over and the
// waiting task has resumed: w is done (its callbacks scheduled and dropped), in
// no waitList, and no task holds it as what it waits on (Task.run clears that
// before resuming the coroutine). Nothing else keeps a waiter, so nothing can
// see it reused. Error paths do not recycle: a waiter still pending when the
// loop closes its task is left to the collector.
func (w *waiter) recycle() {
	*w = waiter{}
	waiterPool.Put(w)
}

var errBoundLoop = errors.New("sched: used from another loop than the one it is bound to")

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
		panic("sched: Release of an unlocked Lock")
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
		panic("sched: Condition.Wait without holding the lock")
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
		panic("sched: Condition.Notify without holding the lock")
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
		panic("sched: BoundedSemaphore released too many times")
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

type barrierState uint8

const (
	barrierFilling barrierState = iota
	barrierDraining
	barrierResetting
	barrierBroken
)

// Barrier makes a fixed number of tasks wait for each other: asyncio.Barrier
// (Python 3.11). Each task's Wait suspends until parties tasks are waiting;
// then all are released together, and the barrier can be used again.
//
// Create one with [NewBarrier]; the zero value is not usable. A Barrier is
// bound to the loop of the first task that waits on it; it must not be copied,
// and is for the loop's goroutine and its tasks only.
type Barrier struct {
	cond    Condition
	parties int
	state   barrierState
	count   int // tasks inside Wait, past the blocking stage
}

// NewBarrier returns a barrier for parties tasks. It panics if parties < 1
// (Python raises ValueError).
func NewBarrier(parties int) *Barrier {
	if parties < 1 {
		panic("sched.NewBarrier: parties must be > 0")
	}
	return &Barrier{parties: parties}
}

// Wait suspends the task until parties tasks wait on the barrier, and returns
// an index unique among them, from 0 to parties-1 (the last to arrive gets
// parties-1 and does not suspend). Tasks arriving while the barrier drains
// (the released tasks are still leaving) or resets wait for that to finish
// first. Wait returns ErrBrokenBarrier if the barrier is broken (Abort) or is
// reset while the task waits in it, and the cancellation error if the task is
// cancelled.
func (b *Barrier) Wait(co *coro.Co) (int, error) {
	if err := b.cond.Acquire(co); err != nil {
		return 0, err
	}
	held := true
	defer func() {
		if held {
			b.cond.Release()
		}
	}()
	// Block while the barrier drains or resets.
	held, err := b.cond.waitFor(co, func() bool {
		return b.state != barrierDraining && b.state != barrierResetting
	})
	if err != nil {
		return 0, err
	}
	if b.state == barrierBroken {
		return 0, fmt.Errorf("%w: aborted", ErrBrokenBarrier)
	}
	index := b.count
	b.count++
	defer func() {
		b.count--
		b.exit()
	}()
	if index+1 == b.parties {
		// The last one in releases the others; arrivals wait for the drain.
		b.state = barrierDraining
		b.cond.notify(b.cond.waiters.n)
		return index, nil
	}
	held, err = b.cond.waitFor(co, func() bool { return b.state != barrierFilling })
	if err != nil {
		return 0, err
	}
	if b.state == barrierBroken || b.state == barrierResetting {
		return 0, fmt.Errorf("%w: abort or reset of barrier", ErrBrokenBarrier)
	}
	return index, nil
}

// exit is run by each task leaving Wait: the last one out ends the draining or
// resetting and wakes the tasks blocked at the entrance.
func (b *Barrier) exit() {
	if b.count == 0 {
		if b.state == barrierResetting || b.state == barrierDraining {
			b.state = barrierFilling
		}
		b.cond.notify(b.cond.waiters.n)
	}
}

// Reset returns the barrier to its initial, filling state: tasks waiting in it
// get ErrBrokenBarrier (new arrivals wait until they have left). Reset of a
// broken barrier repairs it.
//
// Go differs: asyncio's reset and abort are coroutines that take the barrier's
// internal lock first. The barrier never holds that lock across a suspension,
// so Reset and Abort act at once instead, without a task; the only difference
// is that they do not queue behind tasks already woken and about to retake the
// lock.
func (b *Barrier) Reset() {
	if b.count > 0 {
		b.state = barrierResetting
	} else {
		b.state = barrierFilling
	}
	b.cond.notify(b.cond.waiters.n)
}

// Abort breaks the barrier: tasks waiting in it, and every later Wait, get
// ErrBrokenBarrier until Reset. See Reset for how it differs from asyncio.
func (b *Barrier) Abort() {
	b.state = barrierBroken
	b.cond.notify(b.cond.waiters.n)
}

// Parties returns the number of tasks the barrier waits for.
func (b *Barrier) Parties() int { return b.parties }

// NWaiting returns the number of tasks waiting in the barrier while it fills
// (0 while it drains, resets or is broken).
func (b *Barrier) NWaiting() int {
	if b.state == barrierFilling {
		return b.count
	}
	return 0
}

// Broken reports whether the barrier is broken (aborted and not reset).
func (b *Barrier) Broken() bool { return b.state == barrierBroken }

// String describes the barrier's state as asyncio's repr does: "filling,
// waiters:2/5", "draining, waiters:0/5", "resetting, waiters:0/5" or "broken".
func (b *Barrier) String() string {
	name := [...]string{"filling", "draining", "resetting", "broken"}[b.state]
	if b.state == barrierBroken {
		return name
	}
	return fmt.Sprintf("%s, waiters:%d/%d", name, b.NWaiting(), b.parties)
}

// withWaiters appends asyncio's ", waiters:N" to a repr when tasks wait.
func withWaiters(s string, q *waitList) string {
	if q.n > 0 {
		return fmt.Sprintf("%s, waiters:%d", s, q.n)
	}
	return s
}

// String describes the lock as asyncio's repr does: "locked, waiters:2",
// "unlocked".
func (m *Lock) String() string {
	if m.locked {
		return withWaiters("locked", &m.waiters)
	}
	return withWaiters("unlocked", &m.waiters)
}

// String describes the event as asyncio's repr does: "set", "unset, waiters:1".
func (e *Event) String() string {
	if e.set {
		return withWaiters("set", &e.waiters)
	}
	return withWaiters("unset", &e.waiters)
}

// String describes the condition as asyncio's repr does: "locked, waiters:1".
func (c *Condition) String() string {
	if c.Locked() {
		return withWaiters("locked", &c.waiters)
	}
	return withWaiters("unlocked", &c.waiters)
}

// String describes the semaphore as asyncio's repr does: "locked",
// "unlocked, value:3", with ", waiters:N" when tasks wait.
func (s *Semaphore) String() string {
	if s.Locked() {
		return withWaiters("locked", &s.waiters)
	}
	return withWaiters(fmt.Sprintf("unlocked, value:%d", s.value), &s.waiters)
}
