package sched_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// Run is asyncio.run: it runs a coroutine as the main task of a new loop.
// Under VirtualTime the clock jumps from timer to timer, so the run is
// instant and its times exact.
func ExampleRun() {
	n, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		start := sched.LoopOf(co).Now()
		if err := sched.Sleep(co, 90*time.Minute); err != nil {
			return 0, err
		}
		fmt.Println("slept", sched.LoopOf(co).Now().Sub(start))
		return 42, nil
	}), sched.VirtualTime())
	fmt.Println(n, err)
	// Output:
	// slept 1h30m0s
	// 42 <nil>
}

// Spawn is asyncio.create_task: the task starts when the spawning coroutine
// next suspends, here at its first Await. Three tasks that sleep 2, 1 and 3
// seconds at the same time take 3 seconds, and wake in the order their sleeps
// end.
func ExampleSpawn() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		start := sched.LoopOf(co).Now()
		var tasks []*sched.Task[string]
		for _, n := range []int{2, 1, 3} {
			name := fmt.Sprint("task ", n)
			tasks = append(tasks, sched.Spawn(co, coro.New(func(co *coro.Co) (string, error) {
				fmt.Println(name, "starts")
				if err := sched.Sleep(co, time.Duration(n)*time.Second); err != nil {
					return "", err
				}
				fmt.Println(name, "wakes after", sched.LoopOf(co).Now().Sub(start))
				return name, nil
			})))
		}
		fmt.Println("main: spawned three tasks")
		for _, t := range tasks {
			name, err := t.Await(co)
			fmt.Println("main: awaited", name, err)
		}
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// main: spawned three tasks
	// task 2 starts
	// task 1 starts
	// task 3 starts
	// task 1 wakes after 1s
	// task 2 wakes after 2s
	// main: awaited task 2 <nil>
	// main: awaited task 1 <nil>
	// task 3 wakes after 3s
	// main: awaited task 3 <nil>
}

// Gather runs awaitables concurrently and returns their results in argument
// order, whatever the order they finish in.
func ExampleGather() {
	square := func(n int) *coro.Coro[int] {
		return coro.New(func(co *coro.Co) (int, error) {
			if err := sched.Sleep(co, time.Duration(n)*time.Second); err != nil {
				return 0, err
			}
			return n * n, nil
		})
	}
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		start := sched.LoopOf(co).Now()
		squares, err := sched.Gather(co, square(3), square(1), square(2))
		fmt.Println(squares, err, "after", sched.LoopOf(co).Now().Sub(start))
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// [9 1 4] <nil> after 3s
}

// WithTimeout is asyncio.timeout: when the time runs out, the body is
// cancelled at its pending await, and WithTimeout returns an error matching
// sched.ErrTimeout (and context.DeadlineExceeded).
func ExampleWithTimeout() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		start := sched.LoopOf(co).Now()
		err := sched.WithTimeout(co, 2*time.Second, func(co *coro.Co) error {
			return sched.Sleep(co, time.Hour) // cancelled after 2s
		})
		fmt.Println(err, errors.Is(err, sched.ErrTimeout), "after", sched.LoopOf(co).Now().Sub(start))

		err = sched.WithTimeout(co, 2*time.Second, func(co *coro.Co) error {
			return sched.Sleep(co, time.Second) // done in time
		})
		fmt.Println(err)
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// sched: timeout true after 2s
	// <nil>
}

// WaitFor is asyncio.wait_for: it awaits one awaitable with a timeout, and
// cancels it when the time runs out.
func ExampleWaitFor() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		slow := sched.Spawn(co, coro.New(func(co *coro.Co) (string, error) {
			return "slow", sched.Sleep(co, time.Minute)
		}))
		v, err := sched.WaitFor(co, slow, time.Second)
		fmt.Printf("%q %v; the task was cancelled: %v\n", v, err, slow.Cancelled())
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// "" sched: timeout; the task was cancelled: true
}

// A producer and two consumers share a bounded Queue. Join waits until every
// item put has been marked done; Shutdown then ends the consumers' ranges.
func ExampleQueue() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		start := sched.LoopOf(co).Now()
		q := sched.NewQueue[int](2)
		for _, name := range []string{"A", "B"} {
			sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				for job := range q.All(co) { // until the queue is shut down and empty
					if err := sched.Sleep(co, time.Duration(job)*time.Second); err != nil {
						return struct{}{}, err
					}
					fmt.Printf("%v: %s did job %d\n", sched.LoopOf(co).Now().Sub(start), name, job)
					q.TaskDone()
				}
				return struct{}{}, nil
			}))
		}
		for _, job := range []int{3, 1, 1, 2} {
			if err := q.Put(co, job); err != nil { // waits while the queue is full
				return struct{}{}, err
			}
		}
		if err := q.Join(co); err != nil {
			return struct{}{}, err
		}
		fmt.Printf("%v: all jobs done\n", sched.LoopOf(co).Now().Sub(start))
		q.Shutdown(false)
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// 1s: B did job 1
	// 2s: B did job 1
	// 3s: A did job 3
	// 4s: B did job 2
	// 4s: all jobs done
}

// A Group is asyncio.TaskGroup: Wait waits for every task spawned into it.
func ExampleGroup() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		start := sched.LoopOf(co).Now()
		results := make([]string, 3)
		g := sched.NewGroup(co)
		for i, name := range []string{"a", "b", "c"} {
			g.Spawn(func(co *coro.Co) error {
				if err := sched.Sleep(co, time.Duration(3-i)*time.Second); err != nil {
					return err
				}
				results[i] = "fetched " + name
				return nil
			})
		}
		err := g.Wait(co)
		fmt.Println(results, err, "after", sched.LoopOf(co).Now().Sub(start))
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// [fetched a fetched b fetched c] <nil> after 3s
}

// When a task of a Group fails, Wait returns its error.
func ExampleGroup_failure() {
	errNotFound := errors.New("not found")
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		g := sched.NewGroup(co)
		g.Spawn(func(co *coro.Co) error {
			if err := sched.Sleep(co, time.Second); err != nil {
				return err
			}
			fmt.Println("a: fetched")
			return nil
		})
		g.Spawn(func(co *coro.Co) error {
			if err := sched.Sleep(co, 2*time.Second); err != nil {
				return err
			}
			return fmt.Errorf("b: %w", errNotFound)
		})
		err := g.Wait(co)
		fmt.Println(err, errors.Is(err, errNotFound))
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// a: fetched
	// b: not found true
}

// AsCompleted ranges over results in the order the tasks finish.
func ExampleAsCompleted() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		var tasks []*sched.Task[int]
		for _, n := range []int{3, 1, 2} {
			tasks = append(tasks, sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
				return n, sched.Sleep(co, time.Duration(n)*time.Second)
			})))
		}
		for n, err := range sched.AsCompleted(co, tasks) {
			fmt.Println(n, err)
		}
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// 1 <nil>
	// 2 <nil>
	// 3 <nil>
}

// Cancel throws sched.ErrCancelled into a task at its pending await; the
// task may clean up (or catch it and go on).
func ExampleTask_Cancel() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		t := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			err := sched.Sleep(co, time.Hour)
			fmt.Println("task: sleep returned", err)
			return struct{}{}, err
		}))
		if err := sched.Sleep(co, time.Second); err != nil { // let it start
			return struct{}{}, err
		}
		t.Cancel()
		_, err := t.Await(co)
		fmt.Println("main:", err, t.Cancelled())
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// task: sleep returned sched: cancelled
	// main: sched: cancelled true
}

// A loop kept between runs: NewLoop and RunOn are asyncio's new_event_loop
// and run_until_complete. AfterFunc is call_later.
func ExampleRunOn() {
	l := sched.NewLoop(sched.VirtualTime())
	defer l.Close()
	start := l.Now()
	l.AfterFunc(2*time.Second, func() { fmt.Println("timer fired at", l.Now().Sub(start)) })
	n, err := sched.RunOn(l, coro.New(func(co *coro.Co) (int, error) {
		return 1, sched.Sleep(co, 3*time.Second)
	}))
	fmt.Println(n, err, "at", l.Now().Sub(start))
	// Output:
	// timer fired at 2s
	// 1 <nil> at 3s
}

// Where asyncio would hang, Run reports a deadlock: the main task waits for
// an event nobody can set.
func ExampleRun_deadlock() {
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		var never sched.Event
		return struct{}{}, never.Wait(co)
	}))
	fmt.Println(errors.Is(err, sched.ErrDeadlock))
	// Output:
	// true
}
