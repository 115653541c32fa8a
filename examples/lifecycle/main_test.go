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
	// +0.0s  trace: main spawned: waits in the ready queue
	// +0.0s  trace: main taken from the ready queue: starts
	// +0.0s  main: spawns Task A and Task B, then awaits them
	// +0.0s  trace: Task A spawned: waits in the ready queue
	// +0.0s  trace: Task B spawned: waits in the ready queue
	// +0.0s  trace: main suspended on Task A
	// +0.0s  trace: main's wake-up registered as a done callback of Task A
	// +0.0s  trace: Task A taken from the ready queue: starts
	// +0.0s  Task A: reads a file (simulated I/O: sched.Sleep for 1s)
	// +0.0s  trace: loop: timer set, due at +1.0s
	// +0.0s  trace: Task A suspended on Sleep
	// +0.0s  trace: Task A's wake-up registered as a done callback of Sleep
	// +0.0s  trace: Task B taken from the ready queue: starts
	// +0.0s  Task B: queries a server (simulated I/O: a future a timer completes in 2s)
	// +0.0s  trace: loop: timer set, due at +2.0s
	// +0.0s  trace: Task B suspended on Future[string] (pending)
	// +0.0s  trace: Task B's wake-up registered as a done callback of Future[string] (pending)
	// +1.0s  trace: loop: timer due at +1.0s fires
	// +1.0s  trace: Task A taken from the ready queue: resumed by Sleep
	// +1.0s  Task A: has the file
	// +1.0s  trace: Task A done: result "file contents"
	// +1.0s  trace: main taken from the ready queue: resumed by Task A
	// +1.0s  trace: main suspended on Task B
	// +1.0s  trace: main's wake-up registered as a done callback of Task B
	// +2.0s  trace: loop: timer due at +2.0s fires
	// +2.0s  trace: Task B taken from the ready queue: resumed by Future[string] (done)
	// +2.0s  Task B: has the reply
	// +2.0s  trace: Task B done: result "server reply"
	// +2.0s  trace: main taken from the ready queue: resumed by Task B
	// +2.0s  main: got "file contents" and "server reply"
	// +2.0s  trace: main done: result "{}"
}

// TestRealClock runs the story on the real clock, compressed, and checks that
// the events come in the same order as on the virtual clock (the time stamps
// and the timers' deadlines left out).
func TestRealClock(t *testing.T) {
	storytest.RealClock(t, run, 0.2, `[0-9]+\.[0-9]s`) // a simulated second takes 200ms
}
