package sched

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Trace makes the loop log its scheduling events to h, for seeing what the loop
// does step by step: a task spawned, taken from the ready queue (started or
// resumed, and by what), suspended on what, its done callback registered, done
// (with its result); a timer set and fired; and each iteration of the loop as
// it begins (the clock, and how many callbacks it will run). Each record's
// message is the event; its attributes name the task and what it waits on.
// Tracing costs a nil check per event when off.
func Trace(h slog.Handler) Option {
	return func(l *Loop) { l.trace = slog.New(h) }
}

func (l *Loop) event(msg string, args ...any) {
	l.trace.Info(msg, args...)
}

// Dump writes every live task of the loop, one per line, with what it is doing
// and the chain of what it awaits (Python 3.14's asyncio ps / pstree):
//
//	Task-1: waiting on Task Task-2 → Task-2: waiting on Sleep (due at +3s)
//
// The deadlock error of Run and RunOn uses the same rendering. Call Dump from
// the loop's goroutine (a callback or a task), or when the loop is not running.
func (l *Loop) Dump(w io.Writer) {
	l.describe(w, "")
}

// describe writes one line per live task, each line starting with sep (or
// separated by newlines when sep is "").
func (l *Loop) describe(w io.Writer, sep string) {
	for t := l.tasks.head; t != nil; t = t.next {
		line := chain(t)
		if sep == "" {
			fmt.Fprintln(w, line)
		} else {
			fmt.Fprintf(w, "%s%s", sep, line)
		}
	}
}

// chain renders t and, while it awaits another task, that task, and so on.
func chain(t *task) string {
	var b strings.Builder
	seen := map[*task]bool{}
	for t != nil && !seen[t] {
		seen[t] = true
		if b.Len() > 0 {
			b.WriteString(" → ")
		}
		fmt.Fprintf(&b, "%s: %s", t.Name(), waitingOn(t))
		c, _ := t.waiter.(interface{ core() *task })
		if c == nil {
			break
		}
		t = c.core()
	}
	return b.String()
}

func (t *task) core() *task { return t }

func waitingOn(t *task) string {
	switch {
	case t.st == taskDone:
		return "done"
	case t.loop.current == t:
		return "running"
	case t.waiter != nil:
		return "waiting on " + describeWaiter(t.waiter)
	case t.mustCancel:
		return "ready (cancelling)"
	}
	return "ready"
}

func describeWaiter(w any) string {
	if s, ok := w.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", w)
}
