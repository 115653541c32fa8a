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
	// -- one after another --
	//   0 →  35 min  washer     (machine)
	//  35 →  85 min  dryer      (machine)
	//  85 → 140 min  dishwasher (machine)
	// 140 → 165 min  vacuuming  (you)
	// 165 → 205 min  cooking    (you)
	// total 205 min
	// -- concurrently: the machines run while you vacuum and cook --
	//   0 →  25 min  vacuuming  (you)
	//   0 →  35 min  washer     (machine)
	//   0 →  55 min  dishwasher (machine)
	//  25 →  65 min  cooking    (you)
	//  35 →  85 min  dryer      (machine)
	// total 85 min
	// one after another 205 min, concurrently 85 min: the day lasts as long as its longest chain (washer, then dryer), not the sum
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock (the minutes left
// out).
func TestRealClock(t *testing.T) {
	storytest.RealClock(t, run, 0.00005, ` *[0-9]+ (→ +[0-9]+ )?min`)
}
