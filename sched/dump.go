package sched

import (
	"fmt"
	"io"
)

// describe writes one line per live task: its name and what it waits on, each
// line starting with sep.
func (l *Loop) describe(w io.Writer, sep string) {
	for t := l.tasks.head; t != nil; t = t.next {
		fmt.Fprintf(w, "%s%s: %s", sep, t.Name(), waitingOn(t))
	}
}

func waitingOn(t *task) string {
	switch {
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
