package gen

import (
	"runtime"
	"sync/atomic"
)

// A started generator that is dropped while Suspended must still be closed, so
// that its coroutine exits: a finalizer on its Gen does that (collect). Setting
// a finalizer and clearing it again when the generator finishes costs more than
// the rest of what a generator adds to iter.Pull (two global locks and a walk of
// the span's finalizer list each way, and a Gen that carries one is scanned
// specially by the collector), and most generators are short-lived: they run to
// the end, or are closed by a range loop's break, long before any garbage
// collection could find them unreachable.
//
// So a generator that starts is put on a list of young generators instead,
// which keeps its Gen reachable. When a garbage collection cycle has ended, the
// generators on the list that have not finished get their finalizer and leave
// the list; those that have finished just leave it. A generator that finishes
// before the next collection (the common case) never has a finalizer; one that
// lives on has had one from the first collection it could have been dropped in.
// A dropped generator is thus closed a collection later than a finalizer set at
// once would close it, and a finished young Gen (with its state, which no longer
// holds the body) is kept until then.

// Where a Gen is in that scheme.
const (
	finYoung uint32 = iota + 1 // on the young list, no finalizer
	finSet                     // the finalizer is set (it was still running at a sweep)
	finDone                    // finished while young: the next sweep drops it
)

// finLink is a Gen's entry on the young list. g is set before the Gen goes on
// the list; next is read by enlist (of another generator), which may drop the
// links of finished generators from the top, and cleared by the sweep.
type finLink struct {
	g     collector               // the Gen this link is part of
	next  atomic.Pointer[finLink] // the next older generator on the list
	state atomic.Uint32
}

// young is the list of young generators and whether a sweep is pending.
var young struct {
	head  atomic.Pointer[finLink]
	armed atomic.Bool // a sentinel waits for the next collection to sweep the list
}

// enlist puts the starting generator g, of which l is part, on the young list.
func (l *finLink) enlist(g collector) {
	l.g = g
	l.state.Store(finYoung)
	for {
		// Generators that finished while on top of the list leave it now
		// rather than at the next sweep: most finish before another starts.
		// (A link is pushed once and only ever removed from the top, so the
		// links under old do not change while old is on top.)
		old := young.head.Load()
		next := old
		for next != nil && next.state.Load() == finDone {
			next = next.next.Load()
		}
		l.next.Store(next)
		if young.head.CompareAndSwap(old, l) {
			break
		}
	}
	if !young.armed.Load() && young.armed.CompareAndSwap(false, true) {
		armSweep()
	}
}

// finished is called once, when the generator's body has finished: its
// coroutine has exited, and no finalizer is needed any more. g is the Gen of
// which l is part.
func (l *finLink) finished(g any) {
	if l.state.CompareAndSwap(finYoung, finDone) {
		return
	}
	// finSet. The sweep set the finalizer before it changed the state.
	runtime.SetFinalizer(g, nil)
}

// sweeper is the sentinel whose finalizer runs after a collection. It has a
// pointer so that it is not a tiny allocation (a tiny object shares its memory
// block with others, which can keep it alive).
type sweeper struct{ _ *int }

// armSweep makes the end of the next collection sweep the young list.
func armSweep() { runtime.SetFinalizer(&sweeper{}, sweepYoung) }

// sweepYoung runs (on the runtime's finalizer goroutine) after a collection. It
// takes the young list and gives a finalizer to each generator on it that has
// not finished, then arms itself for the next collection while generators keep
// starting.
func sweepYoung(*sweeper) {
	l := young.head.Swap(nil)
	if l == nil {
		// Idle: disarm, unless a generator started meanwhile and its enlist
		// saw the sweep still armed.
		young.armed.Store(false)
		if young.head.Load() == nil || !young.armed.CompareAndSwap(false, true) {
			return
		}
	}
	for l != nil {
		next := l.next.Load()
		l.next.Store(nil)
		if l.state.Load() == finYoung {
			runtime.SetFinalizer(l.g, collectGen)
			if !l.state.CompareAndSwap(finYoung, finSet) {
				// It finished meanwhile, and did not clear the finalizer.
				runtime.SetFinalizer(l.g, nil)
			}
		}
		l = next
	}
	armSweep()
}

// collector is what collectGen needs of a Gen.
type collector interface{ collect() }

// collectGen is every Gen's finalizer. It is a plain function: a method
// expression of the generic Gen would allocate a closure for each use.
func collectGen(g collector) { g.collect() }
