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
	// -- awaited from main, under sched.Run --
	// the main coroutine is created
	// [1.0 s] main: addNumbers(co, 2, 10) = 12
	// the main coroutine is closed
	// -- run as a task, with sched.NewLoop and sched.RunOn --
	// [1.0 s] sched.RunOn(l, add) = 12
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock.
func TestRealClock(t *testing.T) {
	leaktest.Check(t)
	var virtual, real bytes.Buffer
	if err := run(&virtual, true, 1); err != nil {
		t.Fatal(err)
	}
	if err := run(&real, false, 0.1); err != nil {
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
	return regexp.MustCompile(`[0-9]+\.[0-9]+ s\b`).ReplaceAllString(rest, "# s")
}
