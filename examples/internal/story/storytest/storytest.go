// Package storytest checks an example's story on the real clock. Each
// example's Example pins its output on the virtual clock; RealClock tells the
// same story on the real clock, compressed, and checks that the same events
// come in the same order, whatever the clock does to their times.
package storytest

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/corio-go/corio/internal/leaktest"
)

// Story tells an example's story to w: on a virtual clock, or on the real
// clock with each simulated duration taking scale times as long. Each
// example's run function is one.
type Story func(w io.Writer, virtual bool, scale float64) error

// RealClock tells the story on the virtual clock and then on the real clock
// at scale, and fails t unless both give the same Events: the lines after the
// clock line, with each match of the regular expression times (what the clock
// changes: the time stamps) removed. It returns both outputs, for checks of
// their own.
//
// RealClock calls leaktest.Check first: it must be the first call of a test
// that does not call t.Parallel.
func RealClock(t *testing.T, story Story, scale float64, times string) (virtual, real string) {
	t.Helper()
	leaktest.Check(t)
	var v, r strings.Builder
	if err := story(&v, true, 1); err != nil {
		t.Fatalf("on the virtual clock: %v", err)
	}
	if err := story(&r, false, scale); err != nil {
		t.Fatalf("on the real clock at scale %v: %v", scale, err)
	}
	if d := Diff(v.String(), r.String(), times); d != "" {
		t.Errorf("at scale %v, %s\nreal clock:\n%s\nvirtual clock:\n%s", scale, d, r.String(), v.String())
	}
	return v.String(), r.String()
}

// Events returns the lines of an example's output after the first (the clock
// line), each with every match of the regular expression times removed.
func Events(out, times string) []string {
	re := regexp.MustCompile(times)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")[1:]
	for i, l := range lines {
		lines[i] = re.ReplaceAllString(l, "")
	}
	return lines
}

// Diff compares the Events of two outputs of a story, on the virtual clock
// and on the real one, and describes the first that differs; it returns ""
// if there is none.
func Diff(virtual, real, times string) string {
	want, got := Events(virtual, times), Events(real, times)
	for i := range max(len(want), len(got)) {
		if i >= len(want) || i >= len(got) || want[i] != got[i] {
			return fmt.Sprintf("event %d on the real clock is %s; on the virtual clock, %s (with %q removed)",
				i+1, at(got, i), at(want, i), times)
		}
	}
	return ""
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return strconv.Quote(lines[i])
	}
	return fmt.Sprintf("missing (%d events)", len(lines))
}
