// Lifecycle follows two tasks through the loop step by step, with the
// scheduler's own trace: sched.Trace(handler) makes the loop log every
// scheduling event to a log/slog handler, and the small handler here prints
// each record as a readable line.
//
// Task A reads a file and Task B queries a server; both reads are simulated
// I/O. A's is sched.Sleep (a timer completing the sleep), B's is a Future
// that a timer callback completes, the way a real event loop completes a
// future when the operating system reports a socket readable. Read the output
// top to bottom to see one task's life:
//
//   - spawned: put in the ready queue;
//   - taken from the ready queue and started;
//   - suspended on its I/O, with its wake-up registered as a done callback of
//     what it waits on (so the loop does not poll it);
//   - the timer fires, completing the I/O: the callback puts the task back in
//     the ready queue;
//   - resumed, by what it waited on;
//   - done, with its result (which wakes the main task awaiting it).
//
// Usage:
//
//	go run ./examples/lifecycle            # real clock, compressed: 1 simulated second = 500ms
//	go run ./examples/lifecycle -virtual   # virtual clock: instant, exact times
//
// The handler prints no wall-clock timestamps: each line is stamped with the
// loop's clock (Loop.Now) in simulated seconds.
//
// Tasks A and B are named when they are spawned (sched.SpawnNamed), so every
// record about them carries their names. The main task is spawned by RunOn
// with the default name "Task-N", whose number comes from a process-wide
// counter; the handler gives the first spawn it sees the name "main".
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/sched"
)

// lineHandler is a slog.Handler printing sched's trace records as sentences.
type lineHandler struct {
	w     io.Writer
	stamp func() string     // the loop's clock, formatted
	scale float64           // loop-clock time per simulated time
	names map[string]string // default task names to the names given below
	next  []string          // names for the spawns still to come, in order
}

func (h *lineHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *lineHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *lineHandler) WithGroup(string) slog.Handler            { return h }

func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	attrs := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool {
		attrs[a.Key] = a.Value
		return true
	})
	task := attrs["task"].String()
	if r.Message == "spawn" && strings.HasPrefix(task, "Task-") && len(h.next) > 0 {
		h.names[task], h.next = h.next[0], h.next[1:]
	}
	if n, ok := h.names[task]; ok {
		task = n
	}
	var line string
	switch r.Message {
	case "spawn":
		line = task + " spawned: waits in the ready queue"
	case "start":
		line = task + " taken from the ready queue: starts"
	case "suspend":
		line = task + " suspended on " + h.waiter(attrs["on"])
	case "callback registered":
		line = task + "'s wake-up registered as a done callback of " + h.waiter(attrs["on"])
	case "resume":
		line = task + " taken from the ready queue: resumed by " + h.waiter(attrs["by"])
	case "yield":
		line = task + " yields: back in the ready queue"
	case "done":
		if _, ok := attrs["cancelled"]; ok {
			line = task + " done: cancelled"
		} else if err, ok := attrs["err"]; ok {
			line = fmt.Sprintf("%s done: failed with %v", task, err)
		} else {
			line = fmt.Sprintf("%s done: result %q", task, fmt.Sprint(attrs["result"]))
		}
	case "timer set":
		line = "loop: timer set, due at " + h.due(attrs["due"])
	case "timer fired":
		line = "loop: timer due at " + h.due(attrs["due"]) + " fires"
	default:
		line = r.Message
	}
	fmt.Fprintf(h.w, "%s  trace: %s\n", h.stamp(), line)
	return nil
}

// waiter renders what a task waits on, with our names, and without the
// deadline of a sleep (the timer lines show it in simulated time).
func (h *lineHandler) waiter(v slog.Value) string {
	s := v.String()
	if strings.HasPrefix(s, "Sleep (") {
		return "Sleep"
	}
	if name, ok := strings.CutPrefix(s, "Task "); ok {
		if n, ok := h.names[name]; ok {
			name = n
		}
		return name
	}
	return s
}

// due renders a timer's deadline, a duration on the loop's clock, in
// simulated seconds.
func (h *lineHandler) due(v slog.Value) string {
	return seconds(time.Duration(float64(v.Duration()) / h.scale))
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("+%.1fs", d.Seconds())
}

func run(w io.Writer, virtual bool, scale float64) error {
	opts, scale := story.Start(w, virtual, scale, time.Second, "second")
	h := &lineHandler{w: w, scale: scale, names: map[string]string{}, next: []string{"main"}}
	opts = append(opts, sched.Trace(h))
	l := sched.NewLoop(opts...)
	defer l.Close()
	start := l.Now()
	elapsed := func() time.Duration { return time.Duration(float64(l.Now().Sub(start)) / scale) }
	h.stamp = func() string { return seconds(elapsed()) }
	say := func(format string, args ...any) {
		fmt.Fprintf(w, "%s  %s\n", h.stamp(), fmt.Sprintf(format, args...))
	}
	sim := func(d time.Duration) time.Duration { return time.Duration(float64(d) * scale) }

	_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (struct{}, error) {
		say("main: spawns Task A and Task B, then awaits them")
		a := sched.SpawnNamed(co, "Task A", coro.New(func(co *coro.Co) (string, error) {
			say("Task A: reads a file (simulated I/O: sched.Sleep for 1s)")
			if err := sched.Sleep(co, sim(time.Second)); err != nil {
				return "", err
			}
			say("Task A: has the file")
			return "file contents", nil
		}))
		b := sched.SpawnNamed(co, "Task B", coro.New(func(co *coro.Co) (string, error) {
			say("Task B: queries a server (simulated I/O: a future a timer completes in 2s)")
			reply := sched.NewFuture[string](co)
			sched.LoopOf(co).AfterFunc(sim(2*time.Second), func() { reply.SetResult("server reply") })
			r, err := reply.Await(co)
			if err != nil {
				return "", err
			}
			say("Task B: has the reply")
			return r, nil
		}))
		ra, err := a.Await(co)
		if err != nil {
			return struct{}{}, err
		}
		rb, err := b.Await(co)
		if err != nil {
			return struct{}{}, err
		}
		say("main: got %q and %q", ra, rb)
		return struct{}{}, nil
	}))
	return err
}

func main() {
	story.Main(0.5, "real time per simulated time (0.5: a simulated second takes 500ms)", run)
}
