package sched_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

func TestQueueZeroValue(t *testing.T) {
	leaktest.Check(t)
	var q sched.Queue[int]
	if q.Maxsize() != 0 || q.Full() || !q.Empty() || q.Len() != 0 || q.String() != "maxsize=0" {
		t.Fatalf("zero Queue: %v", &q)
	}
	syRun(t, func(co *coro.Co) error {
		g := quGet(co, &q)
		syTick(co)
		for i := range 3 {
			if err := q.PutNowait(i); err != nil {
				return err
			}
		}
		if v, err := g.Await(co); v != 0 || err != nil {
			t.Errorf("getter = %d, %v; want 0", v, err)
		}
		for want := 1; want < 3; want++ {
			if v, err := q.Get(co); v != want || err != nil {
				t.Errorf("Get = %d, %v; want %d", v, err, want)
			}
		}
		return nil
	})
}

// Equal items leave a priority queue in the order Python's heapq gives them
// (from the same pushes and pops under a __lt__ that compares only the
// priority), which is not the order they came in.
func TestQueuePriorityTiesAsHeapq(t *testing.T) {
	leaktest.Check(t)
	type item struct {
		p    int
		name string
	}
	q := sched.NewPriorityQueue(0, func(a, b item) bool { return a.p < b.p })
	var got []string
	for i, it := range []item{{3, "a"}, {1, "b"}, {3, "c"}, {1, "d"}, {2, "e"}, {1, "f"}, {3, "g"}, {2, "h"}, {1, "i"}} {
		q.PutNowait(it)
		if i == 4 {
			v, _ := q.GetNowait()
			got = append(got, v.name)
		}
	}
	for !q.Empty() {
		v, _ := q.GetNowait()
		got = append(got, v.name)
	}
	// python3: heapq with the same pushes and pops.
	want := []string{"b", "d", "f", "i", "h", "e", "g", "a", "c"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v; want heapq's %v", got, want)
	}
	if p := syPanic(func() { sched.NewPriorityQueue[int](0, nil) }); p == nil {
		t.Error("NewPriorityQueue with a nil less did not panic")
	}
}

// A FIFO queue keeps its order through long runs of interleaved puts and gets
// (which move its items down its slice now and then).
func TestQueueFIFOLong(t *testing.T) {
	leaktest.Check(t)
	q := sched.NewQueue[int](0)
	next, want := 0, 0
	for round := range 50 {
		for range round % 7 * 13 {
			q.PutNowait(next)
			next++
		}
		for range round % 5 * 11 {
			v, err := q.GetNowait()
			if errors.Is(err, sched.ErrQueueEmpty) {
				break
			}
			if v != want {
				t.Fatalf("GetNowait = %d; want %d", v, want)
			}
			want++
		}
	}
	for !q.Empty() {
		if v, _ := q.GetNowait(); v != want {
			t.Fatalf("GetNowait = %d; want %d", v, want)
		}
		want++
	}
	if want != next {
		t.Fatalf("got %d items; want %d", want, next)
	}
}

// All ranges over the items until the queue is shut down and empty.
func TestQueueAll(t *testing.T) {
	leaktest.Check(t)
	for _, k := range quKinds[int]() {
		var got []int
		syRun(t, func(co *coro.Co) error {
			q := k.make(2)
			producer := syGo(co, func(co *coro.Co) error {
				for _, v := range []int{5, 1, 4, 2, 3} {
					if err := q.Put(co, v); err != nil {
						return err
					}
				}
				q.Shutdown(false)
				return nil
			})
			for v := range q.All(co) {
				got = append(got, v)
				q.TaskDone()
			}
			if err := q.Join(co); err != nil {
				return err
			}
			return syAwait(co, producer)
		})
		slices.Sort(got)
		if !slices.Equal(got, []int{1, 2, 3, 4, 5}) {
			t.Errorf("%s: All gave %v", k.name, got)
		}
	}
}

// Breaking out of All leaves the rest of the items in the queue.
func TestQueueAllBreak(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		for i := range 5 {
			q.PutNowait(i)
		}
		for v := range q.All(co) {
			if v == 2 {
				break
			}
		}
		if q.Len() != 2 {
			t.Errorf("Len() = %d after the break; want 2", q.Len())
		}
		return nil
	})
}

// A task cancelled while it ranges over All leaves the loop, and the
// cancellation reaches its next await.
func TestQueueAllCancelled(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		var got []int
		ended := false
		consumer := syGo(co, func(co *coro.Co) error {
			for v := range q.All(co) {
				got = append(got, v)
			}
			ended = true
			if co.Context().Err() == nil {
				t.Error("the context is not cancelled after All ended by cancellation")
			}
			return sched.Sleep(co, 0)
		})
		q.PutNowait(1)
		syTick(co)
		consumer.Cancel()
		err := syAwait(co, consumer)
		if !syCancelled(err) || !consumer.Cancelled() || !ended || !slices.Equal(got, []int{1}) {
			t.Errorf("consumer: %v, cancelled %v, ended %v, got %v", err, consumer.Cancelled(), ended, got)
		}
		return nil
	})
}

// Shutdown wakes every blocked getter and putter with ErrQueueShutdown; a
// normal one lets getters take the items left first.
func TestQueueShutdownWakesWaiters(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		g1, g2 := quGet(co, q), quGet(co, q)
		syTick(co)
		q.Shutdown(false)
		for _, g := range []*sched.Task[int]{g1, g2} {
			if _, err := g.Await(co); !errors.Is(err, sched.ErrQueueShutdown) {
				t.Errorf("getter = %v; want ErrQueueShutdown", err)
			}
		}

		q = sched.NewQueue[int](1)
		q.PutNowait(7)
		p1, p2 := quPut(co, q, 8), quPut(co, q, 9)
		g := quGet(co, q)
		syTick(co) // g takes 7, p1 is woken to put 8
		q.Shutdown(false)
		for _, p := range []*sched.Task[struct{}]{p1, p2} {
			if err := syAwait(co, p); !errors.Is(err, sched.ErrQueueShutdown) {
				t.Errorf("putter = %v; want ErrQueueShutdown", err)
			}
		}
		if v, err := g.Await(co); v != 7 || err != nil {
			t.Errorf("getter = %d, %v; want 7", v, err)
		}

		// Immediate: the items left are dropped, blocked putters fail.
		q = sched.NewQueue[int](1)
		q.PutNowait(1)
		p := quPut(co, q, 2)
		join := syGo(co, q.Join)
		syTick(co)
		q.Shutdown(true)
		if err := syAwait(co, p); !errors.Is(err, sched.ErrQueueShutdown) {
			t.Errorf("putter = %v; want ErrQueueShutdown", err)
		}
		if err := syAwait(co, join); err != nil {
			t.Errorf("join = %v", err)
		}
		q.Shutdown(true) // again: nothing to do
		if q.Len() != 0 || q.String() != "maxsize=1 shutdown" {
			t.Errorf("after Shutdown(true): %v", q)
		}
		return nil
	})
}

// A putter cancelled after a slot was signalled to it passes the slot on.
func TestQueuePutCancelPassesSlotOn(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](1)
		q.PutNowait(0)
		p1, p2 := quPut(co, q, 1), quPut(co, q, 2)
		syTick(co)
		q.GetNowait() // wakes p1
		p1.Cancel()
		if err := syAwait(co, p1); !syCancelled(err) {
			t.Errorf("p1 = %v; want cancelled", err)
		}
		if err := syAwait(co, p2); err != nil {
			t.Errorf("p2 = %v", err)
		}
		if v, _ := q.GetNowait(); v != 2 || !q.Empty() {
			t.Errorf("GetNowait = %d, Len %d; want 2, 0", v, q.Len())
		}
		return nil
	})
}

// Join returns the cancellation when its task is cancelled; TaskDone beyond
// the items put is an error that changes nothing.
func TestQueueJoinCancelAndTaskDone(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		q.PutNowait(1)
		join := syGo(co, q.Join)
		syTick(co)
		join.Cancel()
		if err := syAwait(co, join); !syCancelled(err) {
			t.Errorf("join = %v; want cancelled", err)
		}
		if err := q.TaskDone(); err != nil {
			t.Errorf("TaskDone = %v", err)
		}
		if err := q.TaskDone(); err == nil || !strings.Contains(err.Error(), "TaskDone") {
			t.Errorf("second TaskDone = %v; want an error", err)
		}
		if s := q.String(); s != "maxsize=0 _queue=[1]" {
			t.Errorf("String() = %q", s)
		}
		return q.Join(co)
	})
}

// A Queue is bound to the loop of the first task that waits on it.
func TestQueueBoundToLoop(t *testing.T) {
	leaktest.Check(t)
	q := sched.NewQueue[int](0)
	syRun(t, func(co *coro.Co) error {
		g := quGet(co, q)
		syTick(co)
		q.PutNowait(1)
		_, err := g.Await(co)
		return err
	})
	syRun(t, func(co *coro.Co) error {
		q.PutNowait(2) // no waiting: no loop involved
		if v, err := q.Get(co); v != 2 || err != nil {
			t.Errorf("Get = %d, %v", v, err)
		}
		if _, err := q.Get(co); err == nil || !strings.Contains(err.Error(), "bound to") {
			t.Errorf("Get from another loop = %v; want an error", err)
		}
		if p := syPanic(func() {
			for range q.All(co) {
			}
		}); p == nil {
			t.Error("All from another loop did not panic")
		}
		return nil
	})
}

// A task blocked on a queue is named in the deadlock report.
func TestQueueDeadlockReport(t *testing.T) {
	leaktest.Check(t)
	_, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		return sched.NewQueue[int](0).Get(co)
	}), sched.VirtualTime())
	if !errors.Is(err, sched.ErrDeadlock) || !strings.Contains(err.Error(), "Queue.Get (pending)") {
		t.Fatalf("err = %v; want a deadlock naming Queue.Get", err)
	}
}

// LIFO and priority queues bound their size like FIFO ones.
func TestQueueMaxsizeAllOrders(t *testing.T) {
	leaktest.Check(t)
	for _, k := range quKinds[int]() {
		q := k.make(2)
		q.PutNowait(2)
		q.PutNowait(1)
		if err := q.PutNowait(3); !errors.Is(err, sched.ErrQueueFull) || !q.Full() {
			t.Errorf("%s: third PutNowait = %v; want ErrQueueFull", k.name, err)
		}
	}
}
