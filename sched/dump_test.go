package sched_test

// Tests of what the loop tells about itself: Loop.Dump, the ErrDeadlock
// message, and the Trace option's events.

import (
	"bytes"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

var dmTaskName = regexp.MustCompile(`Task-[0-9]+`)

// dmRename replaces default task names ("Task-17") by the given names, in
// order of first appearance, since the numbers depend on the tests run before.
func dmRename(s string, names ...string) string {
	seen := map[string]string{}
	return dmTaskName.ReplaceAllStringFunc(s, func(n string) string {
		if r, ok := seen[n]; ok {
			return r
		}
		r := n
		if len(seen) < len(names) {
			r = names[len(seen)]
		}
		seen[n] = r
		return r
	})
}

// Dump, called from a callback while every task waits, shows each live task in
// spawn order with the chain of what it awaits: a task awaiting a task
// awaiting Sleep.
func TestDumpAwaitChain(t *testing.T) {
	leaktest.Check(t)
	var dump string
	tgRun(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		b := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return 7, sched.Sleep(co, 3*time.Second)
		}))
		b.SetName("B")
		a := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return b.Await(co) }))
		a.SetName("A")
		l.AfterFunc(time.Second, func() {
			var buf bytes.Buffer
			l.Dump(&buf)
			dump = buf.String()
		})
		v, err := a.Await(co)
		if v != 7 || err != nil {
			t.Errorf("A = %d, %v; want 7, nil", v, err)
		}
		return nil
	})
	want := "" +
		"main: waiting on Task A → A: waiting on Task B → B: waiting on Sleep (due at +3s)\n" +
		"B: waiting on Sleep (due at +3s)\n" +
		"A: waiting on Task B → B: waiting on Sleep (due at +3s)\n"
	if diff := cmp.Diff(want, dmRename(dump, "main")); diff != "" {
		t.Errorf("Dump (-want +got):\n%s", diff)
	}
}

// Dump of a loop with no live task writes nothing; Dump of a closed loop too.
func TestDumpEmpty(t *testing.T) {
	leaktest.Check(t)
	l := sched.NewLoop(sched.VirtualTime())
	var buf bytes.Buffer
	l.Dump(&buf)
	if _, err := sched.RunOn(l, coro.New(func(co *coro.Co) (int, error) { return 1, sched.Sleep(co, time.Second) })); err != nil {
		t.Fatal(err)
	}
	l.Dump(&buf)
	l.Close()
	l.Dump(&buf)
	if buf.Len() != 0 {
		t.Errorf("Dump wrote %q; want nothing", buf.String())
	}
}

// The deadlock error names the main task and then every waiting task with what
// it waits on, one per line, in Dump's rendering.
func TestDeadlockMessageNamesWaiters(t *testing.T) {
	leaktest.Check(t)
	_, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		f := sched.NewFuture[int](co)
		c := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return f.Await(co) }))
		c.SetName("C")
		var ev sched.Event
		d := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return 0, ev.Wait(co) }))
		d.SetName("D")
		return c.Await(co)
	}), sched.VirtualTime())
	if !errors.Is(err, sched.ErrDeadlock) {
		t.Fatalf("Run = %v; want ErrDeadlock", err)
	}
	want := "sched: deadlock: main task main waits and nothing can wake it (no callback ready, no timer pending, no hold)\n" +
		"\tmain: waiting on Task C → C: waiting on Future[int] (pending)\n" +
		"\tC: waiting on Future[int] (pending)\n" +
		"\tD: waiting on Event.Wait (pending)"
	if diff := cmp.Diff(want, dmRename(err.Error(), "main")); diff != "" {
		t.Errorf("deadlock message (-want +got):\n%s", diff)
	}
}

// RunOn leaves the main task pending on a deadlock; the loop can be dumped
// afterwards and still names it.
func TestDeadlockRunOnLeavesTaskPending(t *testing.T) {
	leaktest.Check(t)
	l := sched.NewLoop(sched.VirtualTime())
	defer l.Close()
	_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (int, error) {
		return sched.NewFuture[int](co).Await(co)
	}))
	if !errors.Is(err, sched.ErrDeadlock) {
		t.Fatalf("RunOn = %v; want ErrDeadlock", err)
	}
	var buf bytes.Buffer
	l.Dump(&buf)
	if diff := cmp.Diff("main: waiting on Future[int] (pending)\n", dmRename(buf.String(), "main")); diff != "" {
		t.Errorf("Dump after the deadlock (-want +got):\n%s", diff)
	}
}

// dmTraceHandler is a text handler writing to buf, without the time and level.
func dmTraceHandler(buf *bytes.Buffer) slog.Handler {
	return slog.NewTextHandler(buf, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey) {
			return slog.Attr{}
		}
		return a
	}})
}

// Trace of two tasks: main spawns child and awaits it; child sleeps 1s and
// returns 7. Each task's events in order: spawn, start, suspend on something,
// callback registered, resume (by what it waited on), done.
func TestTraceEventsTwoTasks(t *testing.T) {
	leaktest.Check(t)
	var buf bytes.Buffer
	v, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		child := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return 7, sched.Sleep(co, time.Second)
		}))
		return child.Await(co)
	}), sched.VirtualTime(), sched.Trace(dmTraceHandler(&buf)))
	if v != 7 || err != nil {
		t.Fatalf("Run = %d, %v; want 7, nil", v, err)
	}
	want := []string{
		`msg=spawn task=main`,
		`msg=iteration now=0s ready=1`,
		`msg=start task=main`,
		`msg=spawn task=child`,
		`msg=suspend task=main on="Task child"`,
		`msg="callback registered" task=main on="Task child"`,
		`msg=iteration now=0s ready=1`,
		`msg=start task=child`,
		`msg="timer set" due=1s`,
		`msg=suspend task=child on="Sleep (due at +1s)"`,
		`msg="callback registered" task=child on="Sleep (due at +1s)"`,
		`msg=iteration now=1s ready=1`,
		`msg="timer fired" due=1s for="Sleep (due at +1s)"`,
		`msg=iteration now=1s ready=1`,
		`msg=resume task=child by="Sleep (due at +1s)"`,
		`msg=done task=child result=7`,
		`msg=iteration now=1s ready=1`,
		`msg=resume task=main by="Task child"`,
		`msg=done task=main result=7`,
	}
	got := strings.Split(strings.TrimSuffix(dmRename(buf.String(), "main", "child"), "\n"), "\n")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
}

// Trace of a cancellation and a failure: the done events say how each task
// ended, and a task woken to be cancelled says so.
func TestTraceEventsCancelAndFail(t *testing.T) {
	leaktest.Check(t)
	var buf bytes.Buffer
	_, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		sleeper := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return 0, sched.Sleep(co, time.Hour)
		}))
		failer := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return 0, errors.New("broken")
		}))
		sched.Sleep(co, 0)
		sleeper.Cancel()
		sleeper.Await(co)
		return failer.Await(co)
	}), sched.VirtualTime(), sched.Trace(dmTraceHandler(&buf)))
	if err == nil || err.Error() != "broken" {
		t.Fatalf("Run = %v; want broken", err)
	}
	var done []string
	for _, line := range strings.Split(dmRename(buf.String(), "main", "sleeper", "failer"), "\n") {
		if strings.HasPrefix(line, "msg=done") || strings.Contains(line, "by=") {
			done = append(done, line)
		}
	}
	want := []string{
		`msg=done task=failer err=broken`,
		`msg=resume task=main by="ready queue"`,
		`msg=resume task=sleeper by="Sleep (due at +1h0m0s)"`,
		`msg=done task=sleeper cancelled=true`,
		`msg=resume task=main by="Task sleeper"`,
		`msg=done task=main err=broken`,
	}
	if diff := cmp.Diff(want, done); diff != "" {
		t.Errorf("resume and done events (-want +got):\n%s", diff)
	}
}
