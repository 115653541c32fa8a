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
	// -- one game after another --
	// board  1: game over at 30m0s
	// board  2: game over at 1h0m0s
	// board  3: game over at 1h30m0s
	// board  4: game over at 2h0m0s
	// board  5: game over at 2h30m0s
	// board  6: game over at 3h0m0s
	// board  7: game over at 3h30m0s
	// board  8: game over at 4h0m0s
	// board  9: game over at 4h30m0s
	// board 10: game over at 5h0m0s
	// total 5h0m0s; the master moved for 25m0s and was idle 4h35m0s
	// -- all boards at once --
	// board  1: game over at 30m0s
	// board  2: game over at 30m5s
	// board  3: game over at 30m10s
	// board  4: game over at 30m15s
	// board  5: game over at 30m20s
	// board  6: game over at 30m25s
	// board  7: game over at 30m30s
	// board  8: game over at 30m35s
	// board  9: game over at 30m40s
	// board 10: game over at 30m45s
	// total 30m45s; the master moved for 25m0s and was idle 5m45s
	// 30m45s against 5h0m0s: the master's moves take as long either way; one game at a time he also sits through every opponent's thinking, all at once the opponents think while he moves elsewhere
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock (the durations left
// out).
func TestRealClock(t *testing.T) {
	storytest.RealClock(t, run, 0.00002, `\b([0-9]+h)?([0-9]+m)?[0-9]+s\b`)
}
