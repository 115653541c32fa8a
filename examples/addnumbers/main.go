// Command addnumbers shows the two ways to run an async function.
//
// An async function is a plain Go function that takes a *coro.Co first:
//
//	func addNumbers(co *coro.Co, a, b int) (int, error)
//
// Calling it from a coroutine is awaiting it (Python's "await add_numbers(2,
// 10)"): it runs on the caller's coroutine, and its sleep suspends the caller.
// To run it from plain Go code, wrap the call in a coroutine object (coro.New)
// and hand that to a loop: sched.Run makes a loop, runs the coroutine as its
// main task and closes the loop (asyncio.run); sched.NewLoop and sched.RunOn do
// the same by hand (loop.run_until_complete), for a loop you keep. A coroutine
// object does nothing until it is run: its state goes from "created" to
// "closed". Both ways print 12.
//
// Run it with
//
//	go run ./examples/addnumbers            # on the real clock, 1 simulated second = 1s
//	go run ./examples/addnumbers -virtual   # on a virtual clock: instant, exact times
package main

import (
	"fmt"
	"io"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/sched"
)

// addNumbers is an async function: it takes a second to add two numbers.
func addNumbers(co *coro.Co, c *story.Clock, a, b int) (int, error) {
	if err := c.Sleep(co, time.Second); err != nil {
		return 0, err
	}
	return a + b, nil
}

func run(w io.Writer, virtual bool, scale float64) error {
	opts, scale := story.Start(w, virtual, scale, time.Second, "second")
	c := &story.Clock{Scale: scale}

	// 1. Awaited from a main coroutine, run by sched.Run.
	fmt.Fprintln(w, "-- awaited from main, under sched.Run --")
	top := coro.New(func(co *coro.Co) (struct{}, error) {
		l := sched.LoopOf(co)
		start := l.Now()
		n, err := addNumbers(co, c, 2, 10) // calling it is awaiting it
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "[%.1f s] main: addNumbers(co, 2, 10) = %d\n", c.Simulated(l.Now().Sub(start)).Seconds(), n)
		return struct{}{}, nil
	})
	fmt.Fprintf(w, "the main coroutine is %s\n", top.State())
	if _, err := sched.Run(top, opts...); err != nil {
		return err
	}
	fmt.Fprintf(w, "the main coroutine is %s\n", top.State())

	// 2. Run as the task of a loop we made, with RunOn.
	fmt.Fprintln(w, "-- run as a task, with sched.NewLoop and sched.RunOn --")
	l := sched.NewLoop(opts...)
	defer l.Close()
	add := coro.New(func(co *coro.Co) (int, error) { return addNumbers(co, c, 2, 10) })
	start := l.Now()
	n, err := sched.RunOn(l, add)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "[%.1f s] sched.RunOn(l, add) = %d\n", c.Simulated(l.Now().Sub(start)).Seconds(), n)
	return l.Close()
}

func main() {
	story.Main(1, "real seconds per simulated second", run)
}
