// Package nest marks the stack of every coroutine body that a driver runs, so
// that code can tell whether it is running inside one: an event loop started
// there would block the loop, or the caller, driving that coroutine until it
// finished. coro marks its coroutines' entry function ([Mark]); sched looks for
// it ([Inside]) once per Run. A mark is a function's entry address, so no
// function name is matched.
package nest

import (
	"reflect"
	"runtime"
	"slices"
	"sync"
)

var (
	mu      sync.Mutex
	entries []uintptr
)

// Mark registers f, a function, as one whose frame marks a coroutine's stack.
// Packages call it from init.
func Mark(f any) {
	mu.Lock()
	defer mu.Unlock()
	entries = append(entries, reflect.ValueOf(f).Pointer())
}

// Inside reports whether its caller runs, directly or through any number of
// calls, inside a marked function.
func Inside() bool {
	mu.Lock()
	marks := entries
	mu.Unlock()
	pcs := make([]uintptr, 64)
	for skip := 2; ; {
		n := runtime.Callers(skip, pcs)
		frames := runtime.CallersFrames(pcs[:n])
		for {
			f, more := frames.Next()
			if slices.Contains(marks, f.Entry) {
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
