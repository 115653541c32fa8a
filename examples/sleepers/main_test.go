package main

import (
	"os"
	"strings"
	"testing"

	"github.com/corio-go/corio/examples/internal/story/storytest"
	"github.com/corio-go/corio/internal/leaktest"
)

func Example() {
	run(os.Stdout, true, 1)
	// Output:
	// clock: virtual (instant, exact times)
	// Running Task 2
	// Running Task 1
	// Running Task 3
	// total elapsed 3.0 s, not 6 (the sum of the sleeps)
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock.
func TestRealClock(t *testing.T) {
	storytest.RealClock(t, run, 0.05, `[0-9]+\.[0-9]+`)
}

// TestPython checks that the tasks print what the Python program they port
// prints, in the same order (testdata/sleepers.py and its output).
func TestPython(t *testing.T) {
	leaktest.Check(t)
	want, err := os.ReadFile("testdata/sleepers.out")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run(&out, true, 1); err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for _, l := range strings.SplitAfter(out.String(), "\n") {
		if strings.HasPrefix(l, "Running ") {
			got.WriteString(l)
		}
	}
	if got.String() != string(want) {
		t.Errorf("the tasks printed\n%s\nwant, as testdata/sleepers.py prints:\n%s", got.String(), want)
	}
}
