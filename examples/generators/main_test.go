package main

import (
	"os"
	"testing"

	"github.com/corio-go/corio/examples/internal/story/storytest"
)

func Example() {
	run(os.Stdout, true, 1)
	// Output:
	// clock: virtual (instant, exact times)
	// -- 1. callbacks --
	// square of 2 is 4
	// square of 3 is 9
	// square of 5 is 25
	// cube of 2 is 8
	// cube of 3 is 27
	// cube of 5 is 125
	// -- 2. a generator, ranged with All --
	// made the generator: it is created, nothing has run
	// body: starts
	// got "something"
	// body: resumed after the first yield
	// got "other thing"
	// body: returns
	// after the loop it is closed
	// -- 3. Send, Throw and Close on a running total --
	// Send(5) before it started: ErrJustStarted is true (start it with Next)
	// Next() = 0, <nil>
	// Send(5) = 5, <nil>
	// Send(10) = 15, <nil>
	// Send(20) = 35, <nil>
	// body: caught "reset" at its yield, total 35 -> 0
	// Throw(reset) = 0, <nil>
	// Send(7) = 7, <nil>
	// body: closing with total 7
	// Close() = <nil>; now closed
	// Send(1) after Close: ErrStopIteration is true
	// -- 4. delegation with YieldFrom --
	// got 0
	// got 1
	// got 2
	// got 3
	// outer: count(3) returned 6
	// got 106
	// outer returned "outer done", <nil>
	// -- 5. an async generator, consumed with aiter.All under sched.Run --
	// [1.0 s] got "tick 1"
	// [2.0 s] got "tick 2"
	// [3.0 s] got "tick 3"
	// [3.0 s] the async generator is closed
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock (the times in
// seconds left out).
func TestRealClock(t *testing.T) {
	storytest.RealClock(t, run, 0.1, `[0-9]+\.[0-9]+ s\b`)
}
