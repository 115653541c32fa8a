// Package nest marks the stack of every coroutine body that a driver runs, so
// that code can tell whether it is running inside one: an event loop started
// there would block the loop, or the caller, driving that coroutine until it
// finished. coro marks the frame that runs its coroutines' bodies; sched looks
// for it ([Inside]) once per Run. The owner of a frame sets the mark: by the
// function's entry address ([Mark]), or, for a generic function, whose every
// shape has an entry of its own, by the name the runtime gives the frames of
// all of them ([MarkFunction]), which the owner reads off a frame of its own.
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
	names   []string
)

// Mark registers f, a function, as one whose frame marks a coroutine's stack.
// Packages call it from init.
func Mark(f any) {
	mu.Lock()
	defer mu.Unlock()
	entries = append(entries, reflect.ValueOf(f).Pointer())
}

// MarkFunction registers name, as runtime.Frame.Function reports it, as a
// function whose frames mark a coroutine's stack.
func MarkFunction(name string) {
	mu.Lock()
	defer mu.Unlock()
	names = append(names, name)
}

// Inside reports whether its caller runs, directly or through any number of
// calls, inside a marked function.
func Inside() bool {
	mu.Lock()
	marks, funcs := entries, names
	mu.Unlock()
	pcs := make([]uintptr, 64)
	for skip := 2; ; {
		n := runtime.Callers(skip, pcs)
		frames := runtime.CallersFrames(pcs[:n])
		for {
			f, more := frames.Next()
			if slices.Contains(marks, f.Entry) || slices.Contains(funcs, f.Function) {
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
