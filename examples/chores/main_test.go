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
// the events come in the same order as on the virtual clock.
func TestRealClock(t *testing.T) {
	leaktest.Check(t)
	var virtual, real bytes.Buffer
	if err := run(&virtual, true, 1); err != nil {
		t.Fatal(err)
	}
	if err := run(&real, false, 0.00005); err != nil {
		t.Fatal(err)
	}
	if got, want := shape(real.String()), shape(virtual.String()); got != want {
		t.Errorf("real clock events:\n%s\nwant, as on the virtual clock:\n%s", got, want)
	}
}

// shape drops the clock line and replaces every number of minutes by #,
// leaving the order of events.
func shape(out string) string {
	_, rest, _ := strings.Cut(out, "\n")
	return regexp.MustCompile(` *[0-9]+ (→ +[0-9]+ )?min`).ReplaceAllString(rest, "# min")
}
