package sched_test

// Trace tests for the synchronisation primitives and queues: each
// testdata/NAME.py is an asyncio scenario whose ticker task prints "tick N"
// once per loop iteration, so its output pins down in which iteration every
// step happens; testdata/NAME.out is python3's output, committed beside it.
// The Go test plays the same scenario on sched under VirtualTime and must print
// the same lines. Regenerate an .out with: python3 testdata/NAME.py >
// testdata/NAME.out

import (
	"fmt"
	"strings"
	"testing"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/internal/tracetest"
	"github.com/corio-go/corio/sched"
)

// syTrace collects the lines a scenario prints.
type syTrace []string

func (tr *syTrace) add(format string, args ...any) { *tr = append(*tr, fmt.Sprintf(format, args...)) }

// syCompareTrace compares the lines with testdata/NAME.out.
func syCompareTrace(t *testing.T, name string, got syTrace) {
	t.Helper()
	tracetest.Compare(t, name, got)
}

// syTicker is the scenarios' ticker: "tick N" once per iteration until *stop.
func syTicker(co *coro.Co, tr *syTrace, stop *bool) *sched.Task[struct{}] {
	return syGo(co, func(co *coro.Co) error {
		for n := 0; !*stop; n++ {
			tr.add("tick %d", n)
			if err := sched.Sleep(co, 0); err != nil {
				return err
			}
		}
		return nil
	})
}

// pyBool prints a bool as Python does.
func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// pyBools prints a list of bools as Python does.
func pyBools(bs []bool) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = pyBool(b)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// testdata/lock_fairness.py
func TestSyncTraceLockFairness(t *testing.T) {
	leaktest.Check(t)
	var tr syTrace
	syRun(t, func(co *coro.Co) error {
		var lock sched.Lock
		stop := false
		worker := func(name string, rounds int) func(co *coro.Co) error {
			return func(co *coro.Co) error {
				for range rounds {
					tr.add("%s wants the lock", name)
					if err := lock.Acquire(co); err != nil {
						tr.add("%s cancelled while waiting, locked=%s", name, pyBool(lock.Locked()))
						return err
					}
					tr.add("%s acquired", name)
					if err := sched.Sleep(co, 0); err != nil {
						return err
					}
					lock.Release()
					tr.add("%s released", name)
				}
				return nil
			}
		}
		tick := syTicker(co, &tr, &stop)
		if err := lock.Acquire(co); err != nil {
			return err
		}
		tr.add("main holds the lock")
		names := []string{"a", "b", "c", "d"}
		var tasks []*sched.Task[struct{}]
		for _, n := range names {
			tasks = append(tasks, syGo(co, worker(n, 2)))
		}
		syTick(co)
		tasks[1].Cancel()
		tr.add("main cancelled b")
		syTick(co)
		lock.Release()
		tr.add("main released")
		tasks[0].Cancel()
		tr.add("main cancelled a")
		tasks = append(tasks, syGo(co, worker("late", 1)))
		names = append(names, "late")
		var all []coro.Awaitable[struct{}]
		for _, tk := range tasks {
			all = append(all, tk)
		}
		if _, _, err := sched.GatherAll(co, all...); err != nil {
			return err
		}
		for i, tk := range tasks {
			state := "done"
			if tk.Cancelled() {
				state = "cancelled"
			}
			tr.add("%s: %s", names[i], state)
		}
		tr.add("locked=%s", pyBool(lock.Locked()))
		stop = true
		return syAwait(co, tick)
	})
	syCompareTrace(t, "lock_fairness", tr)
}

// testdata/condition_notify.py
func TestSyncTraceConditionNotify(t *testing.T) {
	leaktest.Check(t)
	var tr syTrace
	syRun(t, func(co *coro.Co) error {
		cond := sched.NewCondition(nil)
		var items []int
		stop := false
		consumer := func(name string) func(co *coro.Co) error {
			return func(co *coro.Co) error {
				if err := cond.Acquire(co); err != nil {
					return err
				}
				defer cond.Release()
				tr.add("%s waits for an item", name)
				if err := cond.WaitFor(co, func() bool { return len(items) > 0 }); err != nil {
					return err
				}
				tr.add("%s got %d", name, items[0])
				items = items[1:]
				return nil
			}
		}
		waiter := func(name string) func(co *coro.Co) error {
			return func(co *coro.Co) error {
				if err := cond.Acquire(co); err != nil {
					return err
				}
				defer cond.Release()
				tr.add("%s waits", name)
				if err := cond.Wait(co); err != nil {
					tr.add("%s cancelled, locked=%s", name, pyBool(cond.Locked()))
					return err
				}
				tr.add("%s woken", name)
				return nil
			}
		}
		tick := syTicker(co, &tr, &stop)
		var tasks []*sched.Task[struct{}]
		for _, n := range []string{"c1", "c2", "c3"} {
			tasks = append(tasks, syGo(co, consumer(n)))
		}
		for _, n := range []string{"w1", "w2"} {
			tasks = append(tasks, syGo(co, waiter(n)))
		}
		syTick(co)
		cond.Acquire(co)
		items = append(items, 1)
		tr.add("main: notify(2)")
		cond.Notify(2)
		cond.Release()
		syTick(co)
		syTick(co)
		cond.Acquire(co)
		tr.add("main: notify(3)")
		cond.Notify(3)
		syTick(co)
		tasks[4].Cancel()
		tr.add("main cancelled w2")
		syTick(co)
		tr.add("main releases")
		cond.Release()
		syTick(co)
		cond.Acquire(co)
		items = append(items, 2, 3)
		tr.add("main: notify_all")
		cond.NotifyAll()
		cond.Release()
		var all []coro.Awaitable[struct{}]
		for _, tk := range tasks {
			all = append(all, tk)
		}
		if _, _, err := sched.GatherAll(co, all...); err != nil {
			return err
		}
		var cancelled []bool
		for _, tk := range tasks {
			cancelled = append(cancelled, tk.Cancelled())
		}
		tr.add("cancelled: %s, locked=%s", pyBools(cancelled), pyBool(cond.Locked()))
		stop = true
		return syAwait(co, tick)
	})
	syCompareTrace(t, "condition_notify", tr)
}

// testdata/queue_join.py
func TestSyncTraceQueueJoin(t *testing.T) {
	leaktest.Check(t)
	var tr syTrace
	syRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](2)
		stop := false
		worker := func(name string) func(co *coro.Co) error {
			return func(co *coro.Co) error {
				for {
					item, err := q.Get(co)
					if err != nil {
						tr.add("%s cancelled while idle", name)
						return err
					}
					tr.add("%s got %d", name, item)
					for range item % 3 {
						if err := sched.Sleep(co, 0); err != nil {
							return err
						}
					}
					tr.add("%s done with %d", name, item)
					if err := q.TaskDone(); err != nil {
						return err
					}
				}
			}
		}
		tick := syTicker(co, &tr, &stop)
		workers := []*sched.Task[struct{}]{syGo(co, worker("w1")), syGo(co, worker("w2"))}
		for i := range 6 {
			tr.add("main puts %d (qsize=%d)", i, q.Len())
			if err := q.Put(co, i); err != nil {
				return err
			}
		}
		tr.add("main joins (qsize=%d)", q.Len())
		if err := q.Join(co); err != nil {
			return err
		}
		tr.add("main joined")
		for _, w := range workers {
			w.Cancel()
		}
		if _, _, err := sched.GatherAll[struct{}](co, workers[0], workers[1]); err != nil {
			return err
		}
		tr.add("cancelled: %s", pyBools([]bool{workers[0].Cancelled(), workers[1].Cancelled()}))
		stop = true
		return syAwait(co, tick)
	})
	syCompareTrace(t, "queue_join", tr)
}
