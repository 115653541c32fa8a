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
	// -- two workers, queue [15 10 5 2] --
	// [ 0 s] Task One: sleeping 15 s
	// [ 0 s] Task Two: sleeping 10 s
	// [10 s] Task Two: elapsed 10 s
	// [10 s] Task Two: sleeping 5 s
	// [15 s] Task One: elapsed 15 s
	// [15 s] Task One: sleeping 2 s
	// [15 s] Task Two: elapsed 5 s
	// [17 s] Task One: elapsed 2 s
	// total elapsed 17 s
	// -- one worker, queue [15 10 5 2] --
	// [ 0 s] Task One: sleeping 15 s
	// [15 s] Task One: elapsed 15 s
	// [15 s] Task One: sleeping 10 s
	// [25 s] Task One: elapsed 10 s
	// [25 s] Task One: sleeping 5 s
	// [30 s] Task One: elapsed 5 s
	// [30 s] Task One: sleeping 2 s
	// [32 s] Task One: elapsed 2 s
	// total elapsed 32 s
	// two workers took 17 s, one alone 32 s: each sleep leaves the loop free for the other worker
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock (the seconds left
// out).
func TestRealClock(t *testing.T) {
	storytest.RealClock(t, run, 0.01, ` *[0-9]+ s\b`)
}
