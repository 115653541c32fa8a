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
	// 0:00  Stippy sets off for Zadar
	// 0:00  Stippy is on the road (awaits 3:00 of travel): the loop turns to the next ready task
	// 0:00  Ozzy sets off for Split
	// 0:00  Ozzy is on the plane (awaits 1:50 of travel): the loop turns to the next ready task
	// 1:50  Ozzy arrives in Split
	// 3:00  Stippy arrives in Zadar
	// 3:00  both have arrived after 3:00, the longer journey, not after 4:50: the journeys overlapped
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock (the time stamps
// left out).
func TestRealClock(t *testing.T) {
	storytest.RealClock(t, run, 0.2/3600, `^[0-9]+:[0-9]{2}  `) // a simulated hour takes 200ms
}
