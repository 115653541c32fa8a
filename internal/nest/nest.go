// Package nest marks the stack of every generator body that runs on a
// coroutine, so that code can tell whether it is running inside one: an event
// loop started there would block the loop, or the caller, driving that
// coroutine until it finished. gen puts the mark ([Body]); sched looks for it
// ([Inside]) once per Run. The mark is Body's own frame, recognised by its
// entry address, so no function name is matched.
package nest

import (
	"reflect"
	"runtime"
)

// Body calls f. Its frame on the stack is the mark.
//
//go:noinline
func Body(f func()) { f() }

var bodyEntry = reflect.ValueOf(Body).Pointer()

// Inside reports whether its caller runs, directly or through any number of
// calls, inside a function that Body called.
func Inside() bool {
	pcs := make([]uintptr, 64)
	for skip := 2; ; {
		n := runtime.Callers(skip, pcs)
		frames := runtime.CallersFrames(pcs[:n])
		for {
			f, more := frames.Next()
			if f.Entry == bodyEntry {
				return true
			}
			if !more {
				break
			}
		}
		if n < len(pcs) {
			return false
		}
		skip += n
	}
}
