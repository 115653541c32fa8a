package sched

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/corio-go/corio/coro"
)

// The waiters below are the core every primitive of asyncio's locks.py and
// queues.py is built on, so they live with the loop rather than with any one
// of them: a task that must wait appends a future to a FIFO of waiters and
// awaits it; whoever frees the resource completes the first waiter's future,
// so the woken task runs one loop iteration later, exactly as in asyncio.
// Lock, Event, Condition, Semaphore, Barrier (one file each) and Queue use
// only these, the loop's seams.

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

// withWaiters appends asyncio's ", waiters:N" to a repr when tasks wait.
func withWaiters(s string, q *waitList) string {
	if q.n > 0 {
		return fmt.Sprintf("%s, waiters:%d", s, q.n)
	}
	return s
}
