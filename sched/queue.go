package sched

import (
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/corio-go/corio/coro"
)

// errTaskDone is what TaskDone returns when no item is unfinished. Python:
// ValueError "task_done() called too many times".
var errTaskDone = errors.New("sched: Queue.TaskDone called more times than items were put")

// queueOrder is the order a Queue hands its items out in: asyncio's Queue,
// LifoQueue and PriorityQueue are subclasses overriding _init/_put/_get; here
// they are one type with a strategy.
type queueOrder uint8

const (
	fifoOrder queueOrder = iota
	lifoOrder
	priorityOrder
)

// Queue is a queue for tasks to hand items to each other: asyncio.Queue, with
// the shutdown of Python 3.13. Put suspends the task while the queue is full,
// Get while it is empty; each wakes the task that has waited longest on the
// other side, which resumes one loop iteration later, as in asyncio. TaskDone
// and Join let a producer wait until every item put has been processed. A
// Queue made by [NewQueue] is first in, first out; [NewLifoQueue] and
// [NewPriorityQueue] make the other two orders.
//
// The zero value is an empty, unbounded FIFO queue. A Queue is bound to the
// loop of the first task that waits on it (asyncio's _get_loop); waiting from a
// task of another loop returns an error. A Queue must not be copied after first
// use. Like everything in sched, it is for the loop's goroutine and its tasks
// only: other goroutines hand items in through [Loop.CallSoonThreadsafe].
type Queue[T any] struct {
	loop    *Loop
	maxsize int
	order   queueOrder
	less    func(a, b T) bool // priority order only

	// The items: items[head:] in FIFO order (head advances as items leave, so
	// that Get is O(1)); a stack in LIFO order; a binary heap laid out as
	// Python's heapq in priority order.
	items []T
	head  int

	getters, putters waitList
	unfinished       int   // items put and not yet marked done by TaskDone
	finished         Event // set while unfinished is 0, for Join
	shut             bool
}

// NewQueue returns an empty FIFO queue holding at most maxsize items, or any
// number if maxsize <= 0.
func NewQueue[T any](maxsize int) *Queue[T] {
	return &Queue[T]{maxsize: maxsize}
}

// NewLifoQueue returns an empty queue that hands out the most recently put item
// first (asyncio.LifoQueue), holding at most maxsize items (any number if
// maxsize <= 0).
func NewLifoQueue[T any](maxsize int) *Queue[T] {
	return &Queue[T]{maxsize: maxsize, order: lifoOrder}
}

// NewPriorityQueue returns an empty queue that hands out its least item first,
// by less (asyncio.PriorityQueue), holding at most maxsize items (any number if
// maxsize <= 0). Items that are equal by less come out in the order Python's
// heapq gives them: not necessarily the order they were put in. It panics if
// less is nil.
func NewPriorityQueue[T any](maxsize int, less func(a, b T) bool) *Queue[T] {
	if less == nil {
		panic("sched.NewPriorityQueue: nil less")
	}
	return &Queue[T]{maxsize: maxsize, order: priorityOrder, less: less}
}

// Maxsize returns the maxsize the queue was made with (0 for the zero value).
func (q *Queue[T]) Maxsize() int { return q.maxsize }

// Len returns the number of items in the queue (Python's qsize).
func (q *Queue[T]) Len() int { return len(q.items) - q.head }

// Empty reports whether the queue holds no item.
func (q *Queue[T]) Empty() bool { return q.Len() == 0 }

// Full reports whether the queue holds maxsize items; an unbounded queue is
// never full.
func (q *Queue[T]) Full() bool { return q.maxsize > 0 && q.Len() >= q.maxsize }

// Put adds v to the queue, suspending the task while the queue is full. It
// returns nil once v is in; ErrQueueShutdown if the queue is shut down, before
// or while the task waits; or the cancellation error if the task is cancelled
// while it waits (v is then not put, and if a free slot had been signalled to
// this task it goes to the next waiting putter).
func (q *Queue[T]) Put(co *coro.Co, v T) error {
	for q.Full() {
		if q.shut {
			return ErrQueueShutdown
		}
		w, err := newWaiter(&q.loop, co, "Queue.Put")
		if err != nil {
			return err
		}
		q.putters.push(w)
		if err := w.await(co); err != nil {
			w.Cancel()
			// A GetNowait or Shutdown may have popped it already.
			q.putters.remove(w)
			if !q.Full() && !w.Cancelled() {
				// Woken by a GetNowait, but cannot take the slot: pass it on.
				q.putters.wakeNext()
			}
			return err
		}
		q.putters.remove(w) // popped by whoever woke it: a no-op, kept for safety
		w.recycle()
	}
	return q.PutNowait(v)
}

// PutNowait adds v to the queue if there is room, and wakes the first task
// waiting in Get. It returns ErrQueueFull if the queue is full, and
// ErrQueueShutdown if it is shut down.
func (q *Queue[T]) PutNowait(v T) error {
	if q.shut {
		return ErrQueueShutdown
	}
	if q.Full() {
		return ErrQueueFull
	}
	q.put(v)
	q.unfinished++
	q.finished.Clear()
	q.getters.wakeNext()
	return nil
}

// Get removes and returns the next item, suspending the task while the queue
// is empty. It returns ErrQueueShutdown once the queue is shut down and empty
// (an immediate Shutdown empties it), and the cancellation error if the task
// is cancelled while it waits (no item is taken, and if an item had been
// signalled to this task it goes to the next waiting getter).
func (q *Queue[T]) Get(co *coro.Co) (T, error) {
	for q.Empty() {
		if q.shut {
			var zero T
			return zero, ErrQueueShutdown
		}
		w, err := newWaiter(&q.loop, co, "Queue.Get")
		if err != nil {
			var zero T
			return zero, err
		}
		q.getters.push(w)
		if err := w.await(co); err != nil {
			w.Cancel()
			// A PutNowait or Shutdown may have popped it already.
			q.getters.remove(w)
			if !q.Empty() && !w.Cancelled() {
				// Woken by a PutNowait, but cannot take the item: pass it on.
				q.getters.wakeNext()
			}
			var zero T
			return zero, err
		}
		q.getters.remove(w) // popped by whoever woke it: a no-op, kept for safety
		w.recycle()
	}
	return q.GetNowait()
}

// GetNowait removes and returns the next item if there is one, and wakes the
// first task waiting in Put. It returns ErrQueueEmpty if the queue is empty, or
// ErrQueueShutdown if it is empty and shut down.
func (q *Queue[T]) GetNowait() (T, error) {
	if q.Empty() {
		var zero T
		if q.shut {
			return zero, ErrQueueShutdown
		}
		return zero, ErrQueueEmpty
	}
	v := q.get()
	q.putters.wakeNext()
	return v, nil
}

// TaskDone marks one item taken from the queue as processed; when every item
// put has been, the tasks waiting in Join resume. It returns an error, and
// changes nothing, if called more times than items were put (Python raises
// ValueError).
func (q *Queue[T]) TaskDone() error {
	if q.unfinished <= 0 {
		return errTaskDone
	}
	q.unfinished--
	if q.unfinished == 0 {
		q.finished.Set()
	}
	return nil
}

// Join suspends the task until every item put in the queue has been marked
// processed by TaskDone; it returns at once if none is unfinished. It returns
// the cancellation error if the task is cancelled while it waits. Shutdown
// does not end a Join, except that an immediate Shutdown marks the items it
// discards as processed.
func (q *Queue[T]) Join(co *coro.Co) error {
	if q.unfinished > 0 {
		return q.finished.Wait(co)
	}
	return nil
}

// Shutdown shuts the queue down (Python 3.13's Queue.shutdown): from now on Put
// and PutNowait return ErrQueueShutdown, and so do Get and GetNowait once the
// queue is empty. Tasks waiting in Put or Get are woken to see it: putters get
// ErrQueueShutdown, getters the items left and then ErrQueueShutdown. If
// immediate is true the items left are discarded first, each marked done as
// TaskDone would, so that Join returns once the items already taken are
// processed. Shutdown of a shut-down queue does it again (an immediate one
// still discards).
func (q *Queue[T]) Shutdown(immediate bool) {
	q.shut = true
	if immediate {
		for !q.Empty() {
			q.get()
			if q.unfinished > 0 {
				q.unfinished--
			}
		}
		if q.unfinished == 0 {
			q.finished.Set()
		}
	}
	// Every getter and putter re-checks the queue and sees the shutdown.
	for w := q.getters.popFront(); w != nil; w = q.getters.popFront() {
		if w.st == pending {
			w.wake()
		}
	}
	for w := q.putters.popFront(); w != nil; w = q.putters.popFront() {
		if w.st == pending {
			w.wake()
		}
	}
}

// All ranges over the items as Get returns them, suspending the ranging task
// while the queue is empty; the range ends once the queue is shut down and
// empty. A consumer that Join waits on still calls TaskDone for each item.
//
// If the ranging task is cancelled while it waits, the range ends too, and the
// cancellation is not lost: it is thrown again at the task's next await, and
// co.Context() reports it. All panics if co is not a sched task, or if the
// queue is bound to another loop, since it has no error to return.
func (q *Queue[T]) All(co *coro.Co) iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, err := q.Get(co)
			if err != nil {
				switch {
				case err == ErrQueueShutdown:
				case isCancel(err):
					if t := taskOf(co); t != nil {
						t.redeliverCancel()
					}
				case err == errNoLoop || errors.Is(err, errBoundLoop):
					panic("sched.Queue.All: " + err.Error())
				}
				return
			}
			if !yield(v) {
				return
			}
		}
	}
}

// String describes the queue as asyncio's repr does: "maxsize=0 _queue=[1 2]
// _getters[1] tasks=2", with " shutdown" once shut down.
func (q *Queue[T]) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "maxsize=%d", q.maxsize)
	if !q.Empty() {
		fmt.Fprintf(&b, " _queue=%v", q.items[q.head:])
	}
	if q.getters.n > 0 {
		fmt.Fprintf(&b, " _getters[%d]", q.getters.n)
	}
	if q.putters.n > 0 {
		fmt.Fprintf(&b, " _putters[%d]", q.putters.n)
	}
	if q.unfinished > 0 {
		fmt.Fprintf(&b, " tasks=%d", q.unfinished)
	}
	if q.shut {
		b.WriteString(" shutdown")
	}
	return b.String()
}

// put stores v: asyncio's _put.
func (q *Queue[T]) put(v T) {
	q.items = append(q.items, v)
	if q.order == priorityOrder {
		q.siftDown(0, len(q.items)-1)
	}
}

// get removes the next item: asyncio's _get. The queue is not empty.
func (q *Queue[T]) get() T {
	var zero T
	switch q.order {
	case lifoOrder:
		n := len(q.items) - 1
		v := q.items[n]
		q.items[n] = zero
		q.items = q.items[:n]
		return v
	case priorityOrder:
		// heapq.heappop: the last item replaces the root and sifts.
		n := len(q.items) - 1
		last := q.items[n]
		q.items[n] = zero
		q.items = q.items[:n]
		if n == 0 {
			return last
		}
		v := q.items[0]
		q.items[0] = last
		q.siftUp(0)
		return v
	}
	v := q.items[q.head]
	q.items[q.head] = zero
	q.head++
	switch n := len(q.items); {
	case q.head == n:
		q.items, q.head = q.items[:0], 0
	case q.head >= 32 && 2*q.head >= n:
		// Slide the items down once half the slice is spent: amortised O(1),
		// and the backing array is reused instead of growing forever.
		m := copy(q.items, q.items[q.head:])
		clear(q.items[m:])
		q.items, q.head = q.items[:m], 0
	}
	return v
}

// siftDown is heapq._siftdown: move the item at pos up towards start while it
// is less than its parent.
func (q *Queue[T]) siftDown(start, pos int) {
	h := q.items
	v := h[pos]
	for pos > start {
		parent := (pos - 1) >> 1
		if !q.less(v, h[parent]) {
			break
		}
		h[pos] = h[parent]
		pos = parent
	}
	h[pos] = v
}

// siftUp is heapq._siftup: move the smaller child up until a leaf is reached,
// put the item there, and sift it back down into place. Following heapq
// exactly gives equal items Python's order.
func (q *Queue[T]) siftUp(pos int) {
	h := q.items
	end, start := len(h), pos
	v := h[pos]
	child := 2*pos + 1
	for child < end {
		if right := child + 1; right < end && !q.less(h[child], h[right]) {
			child = right
		}
		h[pos] = h[child]
		pos = child
		child = 2*pos + 1
	}
	h[pos] = v
	q.siftDown(start, pos)
}
