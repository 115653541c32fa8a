package main

import (
	"os"
	"strings"
	"testing"

	"github.com/corio-go/corio/internal/leaktest"
)

func Example() {
	run(os.Stdout, true, 1)
	// Output:
	// scale: virtual clock, exact simulated minutes
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

// events drops the scale line and the time stamps, leaving the order of events.
func events(out string) []string {
	lines := strings.Split(strings.TrimSpace(out), "\n")[1:]
	for i, l := range lines {
		_, lines[i], _ = strings.Cut(l, "min  ")
	}
	return lines
}

// TestRealClock runs on the real clock, compressed, and checks that the events
// come in the order the virtual run gives.
func TestRealClock(t *testing.T) {
	leaktest.Check(t)
	var virtual, real strings.Builder
	if err := run(&virtual, true, 1); err != nil {
		t.Fatal(err)
	}
	if err := run(&real, false, 0.03/60); err != nil { // a simulated minute takes 30ms
		t.Fatal(err)
	}
	want, got := events(virtual.String()), events(real.String())
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("real-clock order differs from the virtual run:\ngot:\n%s\nwant:\n%s", real.String(), virtual.String())
	}
}
