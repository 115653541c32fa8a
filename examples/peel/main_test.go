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
	// -- driven by hand --
	// driver: made the coroutine; it is created
	// driver: Send(nil)
	// [0.0 s] body: kettle on
	// driver: it yielded alarm "kettle boils" in 3s; it is suspended
	// driver: registered a done callback; waiting 3s, then ringing the alarm
	// driver: Send(nil)
	// [3.0 s] body: water boiled, tea in
	// driver: it yielded alarm "tea steeped" in 2s; it is suspended
	// driver: registered a done callback; waiting 2s, then ringing the alarm
	// driver: Send(nil)
	// [5.0 s] body: tea ready
	// driver: Send returned ErrStopIteration; Result() = "a cup of tea", <nil>
	// -- the same body, driven by the loop (sched.Run) --
	// loop: spawn
	// loop: start
	// [0.0 s] body: kettle on
	// loop: timer set
	// loop: suspend on alarm "kettle boils" in 3s
	// loop: callback registered on alarm "kettle boils" in 3s
	// loop: timer fired
	// loop: resume by alarm "kettle boils" in 3s
	// [3.0 s] body: water boiled, tea in
	// loop: timer set
	// loop: suspend on alarm "tea steeped" in 2s
	// loop: callback registered on alarm "tea steeped" in 2s
	// loop: timer fired
	// loop: resume by alarm "tea steeped" in 2s
	// [5.0 s] body: tea ready
	// loop: done result a cup of tea
	// sched.Run returned "a cup of tea", <nil>
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock (the times in
// seconds left out).
func TestRealClock(t *testing.T) {
	storytest.RealClock(t, run, 0.05, `[0-9]+\.[0-9]+ s\b`)
}
