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
	// scale: virtual clock, exact simulated times
	// 0:00  Stippy sets off for Zadar
	// 0:00  Stippy is on the road (awaits 3:00 of travel): the loop turns to the next ready task
	// 0:00  Ozzy sets off for Split
	// 0:00  Ozzy is on the plane (awaits 1:50 of travel): the loop turns to the next ready task
	// 1:50  Ozzy arrives in Split
	// 3:00  Stippy arrives in Zadar
	// 3:00  both have arrived after 3:00, the longer journey, not after 4:50: the journeys overlapped
}

// events drops the scale line and the time stamps, leaving the order of events.
func events(out string) []string {
	lines := strings.Split(strings.TrimSpace(out), "\n")[1:]
	for i, l := range lines {
		_, lines[i], _ = strings.Cut(l, "  ")
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
	if err := run(&real, false, 0.2/3600); err != nil { // a simulated hour takes 200ms
		t.Fatal(err)
	}
	want, got := events(virtual.String()), events(real.String())
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("real-clock order differs from the virtual run:\ngot:\n%s\nwant:\n%s", real.String(), virtual.String())
	}
}
