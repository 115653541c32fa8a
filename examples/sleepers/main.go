// Command sleepers is the first asyncio lesson: three tasks that sleep at the
// same time take as long as the longest sleep, not the sum of the sleeps.
//
// Tasks are created in the order 2, 1, 3; task N sleeps N seconds and then
// prints "Running Task N". They wake, and print, in the order 1, 2, 3, and the
// whole program takes 3 seconds, not 6: while a task sleeps it is suspended at
// its await and the loop runs the others. In Python:
//
//	async def task(n):
//	    await asyncio.sleep(n)
//	    print(f"Running Task {n}")
//
//	async def main():
//	    tasks = [asyncio.create_task(task(n)) for n in (2, 1, 3)]
//	    for t in tasks:
//	        await t
//
// Run it with
//
//	go run ./examples/sleepers            # on the real clock (1 simulated second = 1s)
//	go run ./examples/sleepers -virtual   # on a virtual clock: instant, exact times
//	go run ./examples/sleepers -scale 0.1 # ten times faster
//
// Times are read from the loop's clock (sched.LoopOf(co).Now()) and printed in
// simulated seconds.
package main

import (
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

// since returns the simulated seconds elapsed on the loop's clock.
func (c *clock) since(co *coro.Co) float64 {
	return sched.LoopOf(co).Now().Sub(c.start).Seconds() / c.scale
}

func header(w io.Writer, virtual bool, scale float64, unit time.Duration, name string) {
	if virtual {
		fmt.Fprintln(w, "clock: virtual (instant, exact times)")
		return
	}
	d := time.Duration(float64(unit) * scale).Round(time.Microsecond)
	fmt.Fprintf(w, "scale: 1 simulated %s = %v (use -virtual for instant exact times)\n", name, d)
}

// task is the async function: sleep n seconds, then say so.
func task(co *coro.Co, c *clock, w io.Writer, n int) (int, error) {
	if err := c.sleep(co, time.Duration(n)*time.Second); err != nil {
		return 0, err
	}
	fmt.Fprintf(w, "[%4.1f s] Running Task %d\n", c.since(co), n)
	return n, nil
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
		c := &clock{scale: scale, start: sched.LoopOf(co).Now()}
		order := []int{2, 1, 3}
		var tasks []*sched.Task[int]
		sum := 0
		for _, n := range order {
			// Spawn only schedules the task: none runs until main awaits.
			tasks = append(tasks, sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
				return task(co, c, w, n)
			})))
			sum += n
		}
		fmt.Fprintf(w, "created Task %d, Task %d, Task %d\n", order[0], order[1], order[2])
		for _, t := range tasks {
			if _, err := t.Await(co); err != nil {
				return struct{}{}, err
			}
		}
		fmt.Fprintf(w, "total elapsed %.1f s, not %d (the sum of the sleeps)\n", c.since(co), sum)
		return struct{}{}, nil
	}), opts...)
	return err
}

func main() {
	virtual := flag.Bool("virtual", false, "run on a virtual clock: instant, with exact times")
	scale := flag.Float64("scale", 1, "real seconds per simulated second")
	flag.Parse()
	if err := run(os.Stdout, *virtual, *scale); err != nil {
		fmt.Fprintln(os.Stderr, "sleepers:", err)
		os.Exit(1)
	}
}
