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
	//  0 min  table 1 knows what it wants: the waiter takes the order (pizza)
	//  0 min  table 2 needs 5 min to choose: gets an order sheet, the waiter moves on
	//  0 min  table 3 knows what it wants: the waiter takes the order (soup)
	//  0 min  table 4 needs 7 min to choose: gets an order sheet, the waiter moves on
	//  2 min  table 3 is served soup
	//  5 min  table 2 is ready: the waiter comes back and takes the order (salad)
	//  7 min  table 4 is ready: the waiter comes back and takes the order (pasta)
	//  8 min  table 2 is served salad
	// 10 min  table 1 is served pizza
	// 13 min  table 4 is served pasta
	// 13 min  all 4 tables served; a waiter who stood by each table until it was served would need 33 min
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock (the time stamps
// left out).
func TestRealClock(t *testing.T) {
	storytest.RealClock(t, run, 0.03/60, `^ *[0-9]+ min  `) // a simulated minute takes 30ms
}
