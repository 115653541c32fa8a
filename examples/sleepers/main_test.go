package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/corio-go/corio/internal/leaktest"
)

func Example() {
	run(os.Stdout, true, 1)
	// Output:
	// clock: virtual (instant, exact times)
	// created Task 2, Task 1, Task 3
	// [ 1.0 s] Running Task 1
	// [ 2.0 s] Running Task 2
	// [ 3.0 s] Running Task 3
	// total elapsed 3.0 s, not 6 (the sum of the sleeps)
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock.
func TestRealClock(t *testing.T) {
	leaktest.Check(t)
	var virtual, real bytes.Buffer
	if err := run(&virtual, true, 1); err != nil {
		t.Fatal(err)
	}
	if err := run(&real, false, 0.05); err != nil {
		t.Fatal(err)
	}
	if got, want := shape(real.String()), shape(virtual.String()); got != want {
		t.Errorf("real clock events:\n%s\nwant, as on the virtual clock:\n%s", got, want)
	}
}

// shape drops the clock line and replaces every time (the numbers with a
// decimal point) by #, leaving the order of events.
func shape(out string) string {
	_, rest, _ := strings.Cut(out, "\n")
	return regexp.MustCompile(`[0-9]+\.[0-9]+`).ReplaceAllString(rest, "#")
}
