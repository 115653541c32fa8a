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
// the events come in the same order as on the virtual clock.
func TestRealClock(t *testing.T) {
	leaktest.Check(t)
	var virtual, real bytes.Buffer
	if err := run(&virtual, true, 1); err != nil {
		t.Fatal(err)
	}
	if err := run(&real, false, 0.01); err != nil {
		t.Fatal(err)
	}
	if got, want := shape(real.String()), shape(virtual.String()); got != want {
		t.Errorf("real clock events:\n%s\nwant, as on the virtual clock:\n%s", got, want)
	}
}

// shape drops the clock line and replaces every number of seconds by #,
// leaving the order of events.
func shape(out string) string {
	_, rest, _ := strings.Cut(out, "\n")
	return regexp.MustCompile(`[0-9]+ s\b`).ReplaceAllString(rest, "# s")
}
