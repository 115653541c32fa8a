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
	// -- awaited from main, under sched.Run --
	// the main coroutine is created
	// [1.0 s] main: addNumbers(co, 2, 10) = 12
	// the main coroutine is closed
	// -- run as a task, with sched.NewLoop and sched.RunOn --
	// [1.0 s] sched.RunOn(l, add) = 12
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock (the times in
// seconds left out).
func TestRealClock(t *testing.T) {
	storytest.RealClock(t, run, 0.2, `[0-9]+\.[0-9]+ s\b`)
}
