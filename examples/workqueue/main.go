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
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// clock tells the story in simulated time: sleeps are scaled down for the real
// clock, and the loop's clock is scaled back up for printing.
type clock struct {
	scale float64   // real duration of one simulated second, in seconds
	start time.Time // the loop's clock when the story began
}

func (c *clock) sleep(co *coro.Co, d time.Duration) error {
	return sched.Sleep(co, time.Duration(float64(d)*c.scale))
}

// since returns the simulated seconds elapsed on the loop's clock since t.
// They are printed rounded to whole seconds: on a busy machine the real clock
// oversleeps by a few milliseconds, a few hundredths of a simulated second.
func (c *clock) since(co *coro.Co, t time.Time) float64 {
	return sched.LoopOf(co).Now().Sub(t).Seconds() / c.scale
}

func header(w io.Writer, virtual bool, scale float64, unit time.Duration, name string) {
	if virtual {
		fmt.Fprintln(w, "clock: virtual (instant, exact times)")
		return
	}
	d := time.Duration(float64(unit) * scale).Round(time.Microsecond)
	fmt.Fprintf(w, "scale: 1 simulated %s = %v (use -virtual for instant exact times)\n", name, d)
}

var delays = []int{15, 10, 5, 2}

// worker takes delays from q until it is empty, sleeping each one.
func worker(co *coro.Co, c *clock, w io.Writer, name string, q *sched.Queue[int]) error {
	for {
		delay, err := q.GetNowait()
		if errors.Is(err, sched.ErrQueueEmpty) {
			return nil
		}
		if err != nil {
			return err
		}
		began := sched.LoopOf(co).Now()
		fmt.Fprintf(w, "[%2.0f s] Task %s: sleeping %d s\n", c.since(co, c.start), name, delay)
		if err := c.sleep(co, time.Duration(delay)*time.Second); err != nil {
			return err
		}
		fmt.Fprintf(w, "[%2.0f s] Task %s: elapsed %.0f s\n", c.since(co, c.start), name, c.since(co, began))
	}
}

// drain fills a queue with the delays, lets the named workers drain it, and
// returns the simulated seconds it took.
func drain(co *coro.Co, c *clock, w io.Writer, names ...string) (float64, error) {
	q := sched.NewQueue[int](0)
	for _, d := range delays {
		if err := q.PutNowait(d); err != nil {
			return 0, err
		}
	}
	c.start = sched.LoopOf(co).Now()
	g := sched.NewGroup(co)
	for _, name := range names {
		g.Spawn(func(co *coro.Co) error { return worker(co, c, w, name, q) })
	}
	if err := g.Wait(co); err != nil {
		return 0, err
	}
	total := c.since(co, c.start)
	fmt.Fprintf(w, "total elapsed %.0f s\n", total)
	return total, nil
}

func run(w io.Writer, virtual bool, scale float64) error {
	header(w, virtual, scale, time.Second, "second")
	if virtual {
		scale = 1 // virtual time needs no compression
	}
	var opts []sched.Option
	if virtual {
		opts = append(opts, sched.VirtualTime())
	}
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		c := &clock{scale: scale}
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
	virtual := flag.Bool("virtual", false, "run on a virtual clock: instant, with exact times")
	scale := flag.Float64("scale", 0.1, "real seconds per simulated second")
	flag.Parse()
	if err := run(os.Stdout, *virtual, *scale); err != nil {
		fmt.Fprintln(os.Stderr, "workqueue:", err)
		os.Exit(1)
	}
}
