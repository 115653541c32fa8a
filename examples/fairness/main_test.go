package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/examples/internal/story/storytest"
)

func Example() {
	run(os.Stdout, true, 1)
	// Output:
	// clock: virtual (the order of events, no durations; run without -virtual for real CPU time)
	// 1a. a hog that never yields: the heartbeat starves
	//   heartbeat 1
	//   hog: chunk 1 done
	//   hog: chunk 2 done
	//   hog: chunk 3 done
	//   hog: chunk 4 done
	//   heartbeat 2
	//   heartbeat 3
	// 1b. a hog that yields after each chunk (sched.Sleep(co, 0)): the heartbeat gets turns
	//   heartbeat 1
	//   hog: chunk 1 done
	//   heartbeat 2
	//   hog: chunk 2 done
	//   heartbeat 3
	//   hog: chunk 3 done
	//   hog: chunk 4 done
	// 2a. a blocking call on the loop: the ticks wait for it
	//   tick 0
	//   blocker: calls time.Sleep(300ms) on the loop
	//   blocker: the call returned
	//   tick 1
	//   tick 2
	//   tick 3
	// 2b. the blocking call in sched.ToThread: the ticks go on
	//   tick 0
	//   blocker: hands time.Sleep(300ms) to sched.ToThread
	//   tick 1
	//   tick 2
	//   tick 3
	//   blocker: the call returned
}

// duration returns the duration the first line starting with prefix shows
// after marker, in simulated time.
func duration(t *testing.T, out, prefix, marker string) time.Duration {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			_, rest, _ := strings.Cut(l, marker)
			d, err := time.ParseDuration(strings.Fields(rest)[0])
			if err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			return d
		}
	}
	t.Fatalf("no line starting with %q in\n%s", prefix, out)
	return 0
}

// TestRealClock runs on the real clock, compressed, and checks that the events
// come in the order the virtual run gives (the notes on durations left out),
// and that the starved heartbeat and the stalled tick did wait.
func TestRealClock(t *testing.T) {
	_, real := storytest.RealClock(t, run, 0.5, ` \(.*\)$`)
	part := strings.Index(real, "1b.")
	if d := duration(t, real[:part], "  heartbeat 2", "waited "); d < (chunks-1)*chunk {
		t.Errorf("starved heartbeat waited %v; want at least %v", d, (chunks-1)*chunk)
	}
	if d := duration(t, real, "  tick 1", ": "); d < block-2*tick {
		t.Errorf("tick 1 behind the blocking call was %v late; want at least %v", d, block-2*tick)
	}
}
