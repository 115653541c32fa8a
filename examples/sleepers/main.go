// Command sleepers is the first asyncio lesson: three tasks that sleep at the
// same time take as long as the longest sleep, not the sum of the sleeps.
//
// Each task is named by the message it prints when its sleep ends. Task 1
// sleeps 2 seconds, Task 2 1 second, Task 3 3 seconds; they are created in
// that order, 1, 2, 3, and print in the order their sleeps end:
//
//	Running Task 2
//	Running Task 1
//	Running Task 3
//
// The whole program takes 3 seconds, not 6: while a task sleeps it is
// suspended at its await and the loop runs the others. This is the Python
// program it ports (testdata/sleepers.py, whose output is testdata/sleepers.out):
//
//	async def task(message, delay):
//	    await asyncio.sleep(delay)
//	    print(message)
//
//	async def main():
//	    task1 = asyncio.create_task(task("Running Task 1", 2))
//	    task2 = asyncio.create_task(task("Running Task 2", 1))
//	    task3 = asyncio.create_task(task("Running Task 3", 3))
//	    await task1
//	    await task2
//	    await task3
//
// Run it with
//
//	go run ./examples/sleepers            # on the real clock (1 simulated second = 1s)
//	go run ./examples/sleepers -virtual   # on a virtual clock: instant, exact times
//	go run ./examples/sleepers -scale 0.1 # ten times faster
//
// The total is read from the loop's clock (sched.LoopOf(co).Now()) and printed
// in simulated seconds.
package main

import (
	"fmt"
	"io"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/sched"
)

// task is the async function: sleep for delay, then print message.
func task(co *coro.Co, c *story.Clock, w io.Writer, message string, delay time.Duration) error {
	if err := c.Sleep(co, delay); err != nil {
		return err
	}
	fmt.Fprintln(w, message)
	return nil
}

func run(w io.Writer, virtual bool, scale float64) error {
	opts, scale := story.Start(w, virtual, scale, time.Second, "second")
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		c := story.NewClock(co, scale)
		spawn := func(message string, delay time.Duration) *sched.Task[struct{}] {
			// Spawn only schedules the task: none runs until main awaits.
			return sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				return struct{}{}, task(co, c, w, message, delay)
			}))
		}
		task1 := spawn("Running Task 1", 2*time.Second)
		task2 := spawn("Running Task 2", 1*time.Second)
		task3 := spawn("Running Task 3", 3*time.Second)
		for _, t := range []*sched.Task[struct{}]{task1, task2, task3} {
			if _, err := t.Await(co); err != nil {
				return struct{}{}, err
			}
		}
		fmt.Fprintf(w, "total elapsed %.1f s, not 6 (the sum of the sleeps)\n", c.Since(co).Seconds())
		return struct{}{}, nil
	}), opts...)
	return err
}

func main() {
	story.Main(1, "real seconds per simulated second", run)
}
