// Command workqueue shows tasks sharing work through a queue: two workers, "One"
// and "Two", drain a sched.Queue of delays [15, 10, 5, 2], each taking the next
// item as soon as it is free. Together they finish in 17 seconds; one worker
// alone needs 15+10+5+2 = 32. Both runs are made, and their totals come from the
// loop's clock.
//
// A worker takes items with GetNowait and stops at sched.ErrQueueEmpty: every
// item is in the queue before the workers start, so an empty queue means the
// work is done (Python's "while not work_queue.empty(): await work_queue.get()").
// In Python:
//
//	async def task(name, work_queue):
//	    while not work_queue.empty():
//	        delay = await work_queue.get()
//	        print(f"Task {name}: sleeping {delay} s")
//	        await asyncio.sleep(delay)
//
//	async def main():
//	    work_queue = asyncio.Queue()
//	    for work in [15, 10, 5, 2]:
//	        await work_queue.put(work)
//	    await asyncio.gather(task("One", work_queue), task("Two", work_queue))
//
// Look at second 15: One's 15 s sleep and Two's 5 s sleep end together, and One
// wakes first because its timer was set first (equal deadlines fire in the order
// they were set). One takes the last item; Two finds the queue empty and stops.
//
// Run it with
//
//	go run ./examples/workqueue            # on the real clock, 1 simulated second = 100ms
//	go run ./examples/workqueue -virtual   # on a virtual clock: instant, exact times
package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/sched"
)

var delays = []int{15, 10, 5, 2}

// worker takes delays from q until it is empty, sleeping each one. Times are
// printed rounded to whole seconds: on a busy machine the real clock
// oversleeps by a few milliseconds, a few hundredths of a simulated second.
func worker(co *coro.Co, c *story.Clock, w io.Writer, name string, q *sched.Queue[int]) error {
	for {
		delay, err := q.GetNowait()
		if errors.Is(err, sched.ErrQueueEmpty) {
			return nil
		}
		if err != nil {
			return err
		}
		began := c.Since(co)
		fmt.Fprintf(w, "[%2.0f s] Task %s: sleeping %d s\n", c.Since(co).Seconds(), name, delay)
		if err := c.Sleep(co, time.Duration(delay)*time.Second); err != nil {
			return err
		}
		fmt.Fprintf(w, "[%2.0f s] Task %s: elapsed %.0f s\n", c.Since(co).Seconds(), name, (c.Since(co) - began).Seconds())
	}
}

// drain fills a queue with the delays, lets the named workers drain it, and
// returns the simulated seconds it took.
func drain(co *coro.Co, c *story.Clock, w io.Writer, names ...string) (float64, error) {
	q := sched.NewQueue[int](0)
	for _, d := range delays {
		if err := q.PutNowait(d); err != nil {
			return 0, err
		}
	}
	c.Start = sched.LoopOf(co).Now()
	g := sched.NewGroup(co)
	for _, name := range names {
		g.Spawn(func(co *coro.Co) error { return worker(co, c, w, name, q) })
	}
	if err := g.Wait(co); err != nil {
		return 0, err
	}
	total := c.Since(co).Seconds()
	fmt.Fprintf(w, "total elapsed %.0f s\n", total)
	return total, nil
}

func run(w io.Writer, virtual bool, scale float64) error {
	opts, scale := story.Start(w, virtual, scale, time.Second, "second")
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		c := &story.Clock{Scale: scale}
		fmt.Fprintf(w, "-- two workers, queue %v --\n", delays)
		two, err := drain(co, c, w, "One", "Two")
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "-- one worker, queue %v --\n", delays)
		one, err := drain(co, c, w, "One")
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "two workers took %.0f s, one alone %.0f s: each sleep leaves the loop free for the other worker\n", two, one)
		return struct{}{}, nil
	}), opts...)
	return err
}

func main() {
	story.Main(0.1, "real seconds per simulated second", run)
}
