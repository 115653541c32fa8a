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
	"fmt"
	"io"
	"os"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/sched"
)

// task is the async function: sleep n seconds, then say so.
func task(co *coro.Co, c *story.Clock, w io.Writer, n int) (int, error) {
	if err := c.Sleep(co, time.Duration(n)*time.Second); err != nil {
		return 0, err
	}
	fmt.Fprintf(w, "[%4.1f s] Running Task %d\n", c.Since(co).Seconds(), n)
	return n, nil
}

func run(w io.Writer, virtual bool, scale float64) error {
	story.Header(w, virtual, scale, time.Second, "second")
	if virtual {
		scale = 1 // virtual time needs no compression
	}
	var opts []sched.Option
	if virtual {
		opts = append(opts, sched.VirtualTime())
	}
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		c := story.NewClock(co, scale)
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
		fmt.Fprintf(w, "total elapsed %.1f s, not %d (the sum of the sleeps)\n", c.Since(co).Seconds(), sum)
		return struct{}{}, nil
	}), opts...)
	return err
}

func main() {
	virtual, scale := story.Flags(1, "real seconds per simulated second")
	if err := run(os.Stdout, virtual, scale); err != nil {
		fmt.Fprintln(os.Stderr, "sleepers:", err)
		os.Exit(1)
	}
}
