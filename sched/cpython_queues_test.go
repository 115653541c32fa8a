package sched_test

// Ports of CPython 3.11's Lib/test/test_asyncio/test_queues.py, plus the
// shutdown tests Python 3.13 added (_QueueShutdownTestMixin). Each test says
// which case it follows. asyncio.sleep(0) is syTick; asyncio.create_task is
// syGo or sched.Spawn; where the Python test peeks at _getters or _putters,
// the Go test reads the String form, which is asyncio's _format.

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// quKind is one of asyncio's three queue classes.
type quKind[T cmp.Ordered] struct {
	name string
	make func(maxsize int) *sched.Queue[T]
}

// quKinds returns Queue, LifoQueue and PriorityQueue, as the test mixins run
// each case on each class.
func quKinds[T cmp.Ordered]() []quKind[T] {
	return []quKind[T]{
		{"Queue", sched.NewQueue[T]},
		{"LifoQueue", sched.NewLifoQueue[T]},
		{"PriorityQueue", func(n int) *sched.Queue[T] { return sched.NewPriorityQueue(n, cmp.Less[T]) }},
	}
}

// quGet spawns a task doing q.Get.
func quGet[T any](co *coro.Co, q *sched.Queue[T]) *sched.Task[T] {
	return sched.Spawn(co, coro.New(q.Get))
}

// quPut spawns a task doing q.Put(v).
func quPut[T any](co *coro.Co, q *sched.Queue[T], v T) *sched.Task[struct{}] {
	return syGo(co, func(co *coro.Co) error { return q.Put(co, v) })
}

// QueueBasicTests.test_repr and test_str (Go has one String: asyncio's _format)
func TestCPythonQueuesRepr(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		if s := q.String(); s != "maxsize=0" {
			t.Errorf("String() = %q", s)
		}
		getter := quGet(co, q)
		syTick(co)
		if s := q.String(); !strings.Contains(s, "_getters[1]") {
			t.Errorf("String() = %q; want _getters[1]", s)
		}
		q.PutNowait(0)
		if v, err := getter.Await(co); v != 0 || err != nil {
			t.Errorf("getter = %d, %v", v, err)
		}

		q = sched.NewQueue[int](1)
		q.PutNowait(1)
		putter := quPut(co, q, 2)
		syTick(co)
		if s := q.String(); !strings.Contains(s, "_putters[1]") {
			t.Errorf("String() = %q; want _putters[1]", s)
		}
		q.GetNowait()
		if err := syAwait(co, putter); err != nil {
			return err
		}

		q = sched.NewQueue[int](0)
		q.PutNowait(1)
		if s := q.String(); !strings.Contains(s, "_queue=[1]") {
			t.Errorf("String() = %q; want _queue=[1]", s)
		}
		return nil
	})
}

// QueueBasicTests.test_empty
func TestCPythonQueuesEmpty(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		if !q.Empty() {
			t.Error("new queue not empty")
		}
		q.Put(co, 1)
		if q.Empty() {
			t.Error("empty after Put")
		}
		if v, err := q.Get(co); v != 1 || err != nil {
			t.Errorf("Get = %d, %v", v, err)
		}
		if !q.Empty() {
			t.Error("not empty after Get")
		}
		return nil
	})
}

// QueueBasicTests.test_full
func TestCPythonQueuesFull(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		if sched.NewQueue[int](0).Full() {
			t.Error("unbounded queue full")
		}
		q := sched.NewQueue[int](1)
		q.Put(co, 1)
		if !q.Full() {
			t.Error("Queue(1) with an item not full")
		}
		return nil
	})
}

// quOrder puts 1, 3, 2 and returns the order Get gives them back.
func quOrder(t *testing.T, q *sched.Queue[int]) []int {
	var items []int
	syRun(t, func(co *coro.Co) error {
		for _, v := range []int{1, 3, 2} {
			if err := q.Put(co, v); err != nil {
				return err
			}
		}
		for range 3 {
			v, err := q.Get(co)
			if err != nil {
				return err
			}
			items = append(items, v)
		}
		return nil
	})
	return items
}

// QueueBasicTests.test_order
func TestCPythonQueuesOrder(t *testing.T) {
	leaktest.Check(t)
	if got := quOrder(t, sched.NewQueue[int](0)); !slices.Equal(got, []int{1, 3, 2}) {
		t.Errorf("order %v; want [1 3 2]", got)
	}
}

// LifoQueueTests.test_order
func TestCPythonQueuesLifoOrder(t *testing.T) {
	leaktest.Check(t)
	if got := quOrder(t, sched.NewLifoQueue[int](0)); !slices.Equal(got, []int{2, 3, 1}) {
		t.Errorf("order %v; want [2 3 1]", got)
	}
}

// PriorityQueueTests.test_order
func TestCPythonQueuesPriorityOrder(t *testing.T) {
	leaktest.Check(t)
	if got := quOrder(t, sched.NewPriorityQueue(0, cmp.Less[int])); !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("order %v; want [1 2 3]", got)
	}
}

// QueueBasicTests.test_maxsize
func TestCPythonQueuesMaxsize(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](2)
		if q.Maxsize() != 2 {
			t.Errorf("Maxsize() = %d", q.Maxsize())
		}
		var put []int
		tk := syGo(co, func(co *coro.Co) error {
			for i := range 3 {
				if err := q.Put(co, i); err != nil {
					return err
				}
				put = append(put, i)
			}
			return nil
		})
		syTick(co)
		syTick(co)
		if !slices.Equal(put, []int{0, 1}) {
			t.Errorf("put %v; want [0 1] with the putter blocked", put)
		}
		if v, _ := q.Get(co); v != 0 {
			t.Errorf("Get = %d; want 0", v)
		}
		syTick(co)
		if !slices.Equal(put, []int{0, 1, 2}) {
			t.Errorf("put %v; want [0 1 2]", put)
		}
		for want := 1; want <= 2; want++ {
			if v, _ := q.Get(co); v != want {
				t.Errorf("Get = %d; want %d", v, want)
			}
		}
		if _, err := tk.Result(); !tk.Done() || err != nil {
			t.Errorf("putter: done %v, %v", tk.Done(), err)
		}
		return nil
	})
}

// QueueGetTests.test_blocking_get
func TestCPythonQueuesBlockingGet(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		q.PutNowait(1)
		if v, err := q.Get(co); v != 1 || err != nil {
			t.Errorf("Get = %d, %v", v, err)
		}
		return nil
	})
}

// QueueGetTests.test_get_with_putters: taking an item wakes a waiting putter.
// (Python appends a bare future to _putters; here a task waits in Put.)
func TestCPythonQueuesGetWithPutters(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](1)
		q.Put(co, 1)
		putter := quPut(co, q, 2)
		syTick(co)
		if v, err := q.Get(co); v != 1 || err != nil {
			t.Errorf("Get = %d, %v", v, err)
		}
		syTick(co)
		if !putter.Done() || q.Len() != 1 {
			t.Errorf("putter done %v, Len %d; want true, 1", putter.Done(), q.Len())
		}
		return nil
	})
}

// QueueGetTests.test_blocking_get_wait
func TestCPythonQueuesBlockingGetWait(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		var started sched.Event
		finished := false
		getter := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			started.Set()
			v, err := q.Get(co)
			finished = true
			return v, err
		}))
		if err := started.Wait(co); err != nil {
			return err
		}
		if finished {
			t.Error("finished before the put")
		}
		sched.LoopOf(co).AfterFunc(10*time.Millisecond, func() { q.PutNowait(1) })
		v, err := getter.Await(co)
		if !finished || v != 1 || err != nil {
			t.Errorf("finished %v, Get = %d, %v", finished, v, err)
		}
		return nil
	})
}

// QueueGetTests.test_nonblocking_get
func TestCPythonQueuesNonblockingGet(t *testing.T) {
	leaktest.Check(t)
	q := sched.NewQueue[int](0)
	q.PutNowait(1)
	if v, err := q.GetNowait(); v != 1 || err != nil {
		t.Errorf("GetNowait = %d, %v", v, err)
	}
}

// QueueGetTests.test_nonblocking_get_exception
func TestCPythonQueuesNonblockingGetException(t *testing.T) {
	leaktest.Check(t)
	if _, err := sched.NewQueue[int](0).GetNowait(); !errors.Is(err, sched.ErrQueueEmpty) {
		t.Errorf("GetNowait = %v; want ErrQueueEmpty", err)
	}
}

// QueueGetTests.test_get_cancelled_race
func TestCPythonQueuesGetCancelledRace(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[string](0)
		t1 := quGet(co, q)
		t2 := quGet(co, q)
		syTick(co)
		t1.Cancel()
		syTick(co)
		if !t1.Done() {
			t.Error("t1 not done")
		}
		q.Put(co, "a")
		syTick(co)
		if v, err := t2.Await(co); v != "a" || err != nil {
			t.Errorf("t2 = %q, %v", v, err)
		}
		return nil
	})
}

// QueueGetTests.test_get_with_waiting_putters
func TestCPythonQueuesGetWithWaitingPutters(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[string](1)
		pa := quPut(co, q, "a")
		pb := quPut(co, q, "b")
		for _, want := range []string{"a", "b"} {
			if v, err := q.Get(co); v != want || err != nil {
				t.Errorf("Get = %q, %v; want %q", v, err, want)
			}
		}
		if err := syAwait(co, pa); err != nil {
			return err
		}
		return syAwait(co, pb)
	})
}

// QueueGetTests.test_why_are_getters_waiting
func TestCPythonQueuesWhyAreGettersWaiting(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		const items = 5
		q := sched.NewQueue[int](1)
		g := sched.NewGroup(co)
		g.Spawn(func(co *coro.Co) error {
			for i := range items {
				if err := q.Put(co, i); err != nil {
					return err
				}
			}
			return nil
		})
		g.Spawn(func(co *coro.Co) error {
			for range items {
				if _, err := q.Get(co); err != nil {
					return err
				}
			}
			return nil
		})
		return g.Wait(co)
	})
}

// QueueGetTests.test_cancelled_getters_not_being_held_in_self_getters
func TestCPythonQueuesCancelledGettersNotHeld(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](5)
		if _, err := sched.WaitFor(co, coro.New(q.Get), 100*time.Millisecond); !errors.Is(err, sched.ErrTimeout) {
			t.Errorf("WaitFor(Get) = %v; want ErrTimeout", err)
		}
		if s := q.String(); strings.Contains(s, "_getters") {
			t.Errorf("String() = %q; want no getters", s)
		}
		return nil
	})
}

// QueuePutTests.test_blocking_put
func TestCPythonQueuesBlockingPut(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		if err := q.Put(co, 1); err != nil {
			return err
		}
		if v, err := q.Get(co); v != 1 || err != nil {
			t.Errorf("Get = %d, %v", v, err)
		}
		return nil
	})
}

// QueuePutTests.test_blocking_put_wait
func TestCPythonQueuesBlockingPutWait(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](1)
		var started sched.Event
		finished := false
		sched.LoopOf(co).AfterFunc(10*time.Millisecond, func() { q.GetNowait() })
		putter := syGo(co, func(co *coro.Co) error {
			started.Set()
			if err := q.Put(co, 1); err != nil {
				return err
			}
			if err := q.Put(co, 2); err != nil {
				return err
			}
			finished = true
			return nil
		})
		if err := started.Wait(co); err != nil {
			return err
		}
		if finished {
			t.Error("finished before the get")
		}
		if err := syAwait(co, putter); err != nil {
			return err
		}
		if !finished {
			t.Error("putter not finished")
		}
		return nil
	})
}

// QueuePutTests.test_nonblocking_put
func TestCPythonQueuesNonblockingPut(t *testing.T) {
	leaktest.Check(t)
	q := sched.NewQueue[int](0)
	if err := q.PutNowait(1); err != nil {
		t.Fatal(err)
	}
	if v, err := q.GetNowait(); v != 1 || err != nil {
		t.Errorf("GetNowait = %d, %v", v, err)
	}
}

// QueuePutTests.test_get_cancel_drop_one_pending_reader: a reader cancelled
// after an item was signalled to it does not take the item.
func TestCPythonQueuesGetCancelDropOnePendingReader(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		reader := quGet(co, q)
		syTick(co)
		q.PutNowait(1)
		q.PutNowait(2)
		reader.Cancel()
		if _, err := reader.Await(co); syCancelled(err) {
			reader = quGet(co, q)
			reader.Await(co)
		}
		if v, err := reader.Result(); v != 1 || err != nil {
			t.Errorf("reader = %d, %v; want 1 (2 means 1 was dropped)", v, err)
		}
		return nil
	})
}

// QueuePutTests.test_get_cancel_drop_many_pending_readers
func TestCPythonQueuesGetCancelDropManyPendingReaders(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		reader1 := quGet(co, q)
		reader2 := quGet(co, q)
		reader3 := quGet(co, q)
		syTick(co)
		q.PutNowait(1)
		q.PutNowait(2)
		reader1.Cancel()
		if _, err := reader1.Await(co); !syCancelled(err) {
			t.Errorf("reader1 = %v; want cancelled", err)
		}
		if _, err := reader3.Await(co); err != nil {
			return err
		}
		r2, err := reader2.Await(co)
		if err != nil {
			return err
		}
		r3, _ := reader3.Result()
		// Which reader gets which item is not defined.
		got := []int{r2, r3}
		slices.Sort(got)
		if !slices.Equal(got, []int{1, 2}) {
			t.Errorf("readers got %v; want 1 and 2", got)
		}
		return nil
	})
}

// QueuePutTests.test_put_cancel_drop: a writer cancelled after a slot was
// signalled to it does not put its item.
func TestCPythonQueuesPutCancelDrop(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](1)
		q.PutNowait(1)
		writer := quPut(co, q, 2)
		syTick(co)
		if v, _ := q.GetNowait(); v != 1 {
			t.Errorf("GetNowait = %d; want 1", v)
		}
		writer.Cancel()
		if err := syAwait(co, writer); syCancelled(err) {
			writer = quPut(co, q, 2)
			if err := syAwait(co, writer); err != nil {
				return err
			}
		}
		if v, _ := q.GetNowait(); v != 2 || q.Len() != 0 {
			t.Errorf("GetNowait = %d, Len %d; want 2, 0", v, q.Len())
		}
		return nil
	})
}

// QueuePutTests.test_nonblocking_put_exception
func TestCPythonQueuesNonblockingPutException(t *testing.T) {
	leaktest.Check(t)
	q := sched.NewQueue[int](1)
	q.PutNowait(1)
	if err := q.PutNowait(2); !errors.Is(err, sched.ErrQueueFull) {
		t.Errorf("PutNowait = %v; want ErrQueueFull", err)
	}
}

// QueuePutTests.test_put_cancelled
func TestCPythonQueuesPutCancelled(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		tk := quPut(co, q, 1)
		if v, err := q.Get(co); v != 1 || err != nil {
			t.Errorf("Get = %d, %v", v, err)
		}
		if _, err := tk.Result(); !tk.Done() || err != nil {
			t.Errorf("putter: done %v, %v", tk.Done(), err)
		}
		return nil
	})
}

// QueuePutTests.test_put_cancelled_race
func TestCPythonQueuesPutCancelledRace(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[string](1)
		putA := quPut(co, q, "a")
		putB := quPut(co, q, "b")
		putC := quPut(co, q, "X")
		syTick(co)
		if !putA.Done() || putB.Done() {
			t.Errorf("putA done %v, putB done %v; want true, false", putA.Done(), putB.Done())
		}
		putC.Cancel()
		syTick(co)
		if !putC.Done() {
			t.Error("putC not done")
		}
		if v, _ := q.GetNowait(); v != "a" {
			t.Errorf("GetNowait = %q; want a", v)
		}
		syTick(co)
		if v, _ := q.GetNowait(); v != "b" {
			t.Errorf("GetNowait = %q; want b", v)
		}
		return syAwait(co, putB)
	})
}

// QueuePutTests.test_put_with_waiting_getters
func TestCPythonQueuesPutWithWaitingGetters(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[string](0)
		tk := quGet(co, q)
		syTick(co)
		q.Put(co, "a")
		if v, err := tk.Await(co); v != "a" || err != nil {
			t.Errorf("getter = %q, %v", v, err)
		}
		return nil
	})
}

// QueuePutTests.test_why_are_putters_waiting
func TestCPythonQueuesWhyArePuttersWaiting(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](2)
		g := sched.NewGroup(co)
		g.Spawn(func(co *coro.Co) error {
			syTick(co)
			for range q.Len() {
				q.GetNowait()
			}
			return nil
		})
		for i := range 4 {
			g.Spawn(func(co *coro.Co) error { return q.Put(co, i) })
		}
		return g.Wait(co)
	})
}

// QueuePutTests.test_cancelled_puts_not_being_held_in_self_putters
func TestCPythonQueuesCancelledPutsNotHeld(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](1)
		q.PutNowait(1)
		putter := quPut(co, q, 1)
		syTick(co)
		if s := q.String(); !strings.Contains(s, "_putters[1]") {
			t.Errorf("String() = %q; want _putters[1]", s)
		}
		putter.Cancel()
		if err := syAwait(co, putter); !syCancelled(err) {
			t.Errorf("putter = %v; want cancelled", err)
		}
		if s := q.String(); strings.Contains(s, "_putters") {
			t.Errorf("String() = %q; want no putters", s)
		}
		return nil
	})
}

// QueuePutTests.test_cancelled_put_silence_value_error_exception: a putter
// popped by GetNowait and then cancelled just ends cancelled.
func TestCPythonQueuesCancelledPutAlreadyPopped(t *testing.T) {
	leaktest.Check(t)
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](1)
		q.PutNowait(1)
		putter := quPut(co, q, 1)
		syTick(co)
		q.GetNowait()
		putter.Cancel()
		if err := syAwait(co, putter); !syCancelled(err) {
			t.Errorf("putter = %v; want cancelled", err)
		}
		return nil
	})
}

// _QueueJoinTestMixin.test_task_done_underflow, for each queue class
func TestCPythonQueuesJoinTaskDoneUnderflow(t *testing.T) {
	leaktest.Check(t)
	for _, k := range quKinds[int]() {
		if err := k.make(0).TaskDone(); err == nil {
			t.Errorf("%s: TaskDone on a new queue = nil; want an error", k.name)
		}
	}
}

// _QueueJoinTestMixin.test_task_done, for each queue class
func TestCPythonQueuesJoinTaskDone(t *testing.T) {
	leaktest.Check(t)
	for _, k := range quKinds[int]() {
		t.Run(k.name, func(t *testing.T) {
			syRun(t, func(co *coro.Co) error {
				q := k.make(0)
				for i := range 100 {
					q.PutNowait(i)
				}
				acc := 0
				running := true
				g := sched.NewGroup(co)
				const workers = 2
				for range workers {
					g.Spawn(func(co *coro.Co) error {
						for running {
							v, err := q.Get(co)
							if err != nil {
								return err
							}
							acc += v
							if err := q.TaskDone(); err != nil {
								return err
							}
						}
						return nil
					})
				}
				if err := q.Join(co); err != nil {
					return err
				}
				if acc != 4950 {
					t.Errorf("sum %d after Join; want 4950", acc)
				}
				running = false
				for range workers {
					q.PutNowait(0)
				}
				return g.Wait(co)
			})
		})
	}
}

// _QueueJoinTestMixin.test_join_empty_queue, for each queue class
func TestCPythonQueuesJoinEmptyQueue(t *testing.T) {
	leaktest.Check(t)
	for _, k := range quKinds[int]() {
		syRun(t, func(co *coro.Co) error {
			q := k.make(0)
			if err := q.Join(co); err != nil {
				return err
			}
			return q.Join(co)
		})
	}
}

// _QueueJoinTestMixin.test_format, for each queue class (Python sets
// _unfinished_tasks by hand; here two items are put and taken)
func TestCPythonQueuesJoinFormat(t *testing.T) {
	leaktest.Check(t)
	for _, k := range quKinds[int]() {
		q := k.make(0)
		if s := q.String(); s != "maxsize=0" {
			t.Errorf("%s: String() = %q", k.name, s)
		}
		q.PutNowait(1)
		q.PutNowait(2)
		q.GetNowait()
		q.GetNowait()
		if s := q.String(); s != "maxsize=0 tasks=2" {
			t.Errorf("%s: String() = %q; want maxsize=0 tasks=2", k.name, s)
		}
	}
}

// quShutDown reports whether every way in and out of q reports the shutdown.
func quShutDown(t *testing.T, co *coro.Co, name string, q *sched.Queue[string]) {
	t.Helper()
	if err := q.Put(co, "data"); !errors.Is(err, sched.ErrQueueShutdown) {
		t.Errorf("%s: Put = %v; want ErrQueueShutdown", name, err)
	}
	if err := q.PutNowait("data"); !errors.Is(err, sched.ErrQueueShutdown) {
		t.Errorf("%s: PutNowait = %v; want ErrQueueShutdown", name, err)
	}
	if _, err := q.Get(co); !errors.Is(err, sched.ErrQueueShutdown) {
		t.Errorf("%s: Get = %v; want ErrQueueShutdown", name, err)
	}
	if _, err := q.GetNowait(); !errors.Is(err, sched.ErrQueueShutdown) {
		t.Errorf("%s: GetNowait = %v; want ErrQueueShutdown", name, err)
	}
}

// _QueueShutdownTestMixin.test_format (3.13), for each queue class
func TestCPythonQueuesShutdownFormat(t *testing.T) {
	leaktest.Check(t)
	for _, k := range quKinds[string]() {
		q := k.make(0)
		q.Shutdown(false)
		if s := q.String(); s != "maxsize=0 shutdown" {
			t.Errorf("%s: String() = %q", k.name, s)
		}
	}
}

// _QueueShutdownTestMixin.test_shutdown_empty (3.13), for each queue class
func TestCPythonQueuesShutdownEmpty(t *testing.T) {
	leaktest.Check(t)
	for _, k := range quKinds[string]() {
		syRun(t, func(co *coro.Co) error {
			q := k.make(0)
			getter := quGet(co, q)
			syTick(co)
			q.Shutdown(false)
			if q.Len() != 0 {
				t.Errorf("%s: Len %d", k.name, q.Len())
			}
			if err := q.Join(co); err != nil {
				return err
			}
			syTick(co)
			if !getter.Done() {
				t.Errorf("%s: getter not done", k.name)
			}
			if _, err := getter.Await(co); !errors.Is(err, sched.ErrQueueShutdown) {
				t.Errorf("%s: getter = %v; want ErrQueueShutdown", k.name, err)
			}
			quShutDown(t, co, k.name, q)
			return nil
		})
	}
}

// _QueueShutdownTestMixin.test_shutdown_nonempty (3.13), for each queue class
func TestCPythonQueuesShutdownNonempty(t *testing.T) {
	leaktest.Check(t)
	for _, k := range quKinds[string]() {
		syRun(t, func(co *coro.Co) error {
			q := k.make(1)
			q.PutNowait("data")
			join := syGo(co, q.Join)
			putter := quPut(co, q, "data2")
			syTick(co)
			if putter.Done() {
				t.Errorf("%s: putter done before the shutdown", k.name)
			}
			q.Shutdown(false)
			if q.Len() != 1 {
				t.Errorf("%s: Len %d; want 1", k.name, q.Len())
			}
			syTick(co)
			if err := syAwait(co, putter); !putter.Done() || !errors.Is(err, sched.ErrQueueShutdown) {
				t.Errorf("%s: putter = %v; want ErrQueueShutdown", k.name, err)
			}
			if v, err := q.Get(co); v != "data" || err != nil {
				t.Errorf("%s: Get = %q, %v; want the item left", k.name, v, err)
			}
			syTick(co)
			if join.Done() {
				t.Errorf("%s: Join done with an unfinished item", k.name)
			}
			quShutDown(t, co, k.name, q)
			if err := q.TaskDone(); err != nil {
				return err
			}
			syTick(co)
			if err := syAwait(co, join); !join.Done() || err != nil {
				t.Errorf("%s: join = %v", k.name, err)
			}
			if err := q.TaskDone(); err == nil {
				t.Errorf("%s: TaskDone with no unfinished item = nil", k.name)
			}
			return nil
		})
	}
}

// _QueueShutdownTestMixin.test_shutdown_immediate (3.13), for each queue class
func TestCPythonQueuesShutdownImmediate(t *testing.T) {
	leaktest.Check(t)
	for _, k := range quKinds[string]() {
		syRun(t, func(co *coro.Co) error {
			q := k.make(0)
			q.PutNowait("data")
			join := syGo(co, q.Join)
			q.Shutdown(true)
			if q.Len() != 0 {
				t.Errorf("%s: Len %d; want 0", k.name, q.Len())
			}
			syTick(co)
			if err := syAwait(co, join); !join.Done() || err != nil {
				t.Errorf("%s: join = %v", k.name, err)
			}
			quShutDown(t, co, k.name, q)
			if err := q.TaskDone(); err == nil {
				t.Errorf("%s: TaskDone with no unfinished item = nil", k.name)
			}
			return nil
		})
	}
}

// _QueueShutdownTestMixin.test_shutdown_immediate_with_unfinished (3.13), for
// each queue class
func TestCPythonQueuesShutdownImmediateWithUnfinished(t *testing.T) {
	leaktest.Check(t)
	for _, k := range quKinds[string]() {
		syRun(t, func(co *coro.Co) error {
			q := k.make(0)
			q.PutNowait("data")
			q.PutNowait("data")
			join := syGo(co, q.Join)
			if v, err := q.Get(co); v != "data" || err != nil {
				t.Errorf("%s: Get = %q, %v", k.name, v, err)
			}
			q.Shutdown(true)
			if q.Len() != 0 {
				t.Errorf("%s: Len %d; want 0", k.name, q.Len())
			}
			syTick(co)
			if join.Done() {
				t.Errorf("%s: Join done with an unfinished item", k.name)
			}
			quShutDown(t, co, k.name, q)
			if err := q.TaskDone(); err != nil {
				t.Errorf("%s: TaskDone = %v", k.name, err)
			}
			if err := q.TaskDone(); err == nil {
				t.Errorf("%s: second TaskDone = nil", k.name)
			}
			syTick(co)
			if err := syAwait(co, join); !join.Done() || err != nil {
				t.Errorf("%s: join = %v", k.name, err)
			}
			return nil
		})
	}
}
