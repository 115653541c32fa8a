package seqs

import (
	"iter"
	"runtime"
	"sync/atomic"
)

// teeBlock is how many values a link of a Tee's buffer holds: one allocation
// per teeBlock values drawn, as CPython's tee allocates one teedataobject per
// 57 values.
const teeBlock = 32

// Tee returns n iterators over one pass of s: Python's itertools.tee(s, n).
// Each yields every value of s, in order, whatever the others do; s is ranged
// over once, on demand, by pulling it with [iter.Pull] (a coroutine switch per
// value drawn, paid by whichever iterator is ahead).
//
// Buffering: the values drawn by the iterator furthest ahead and not yet by the
// one furthest behind are kept, in links of 32 values, and released as the
// last iterator moves past them. An iterator that is never ranged is "behind"
// from the start: while it is reachable, every value drawn is kept for it.
//
// The iterators are single-use: ranging one a second time (or within its own
// range) yields nothing. An iterator ends when its range ends — at the end of s,
// or by a break, a return or a panic in the loop body; it does not resume where
// it left off. The source is stopped (its deferred calls run) when the last of
// the n iterators ends; iterators never ranged count as ended once they are
// unreachable (a runtime cleanup, after a garbage collection, stops s then, on
// a goroutine of its own). Tee of n == 0 returns an empty slice and never
// starts s.
//
// The n iterators share one pull of s and are not safe for concurrent use:
// range them from one goroutine at a time. A sequence that, while being drawn
// from, ranges one of its own Tee iterators past the values buffered for it
// makes Tee panic (Python raises RuntimeError; the buffered values come out,
// as in Python); a panic in s passes through to the range that drew the value,
// after which s counts as ended for every iterator. Tee panics if s is nil or
// n < 0 (Python raises ValueError).
func Tee[T any](s iter.Seq[T], n int) []iter.Seq[T] {
	if s == nil {
		panic("seqs.Tee: nil sequence")
	}
	if n < 0 {
		panic("seqs.Tee: n < 0")
	}
	src := &teeSource[T]{s: s}
	src.live.Store(int32(n))
	head := &teeLink[T]{}
	src.tail = head
	its := make([]iter.Seq[T], n)
	for i := range its {
		it := &teeIter[T]{src: src, link: head, end: &teeEnd[T]{src: src}}
		runtime.AddCleanup(it, collected[T], it.end)
		its[i] = it.all
	}
	return its
}

// teeLink is a block of a Tee's buffer: a singly linked list that iterators
// walk, and that the garbage collector frees behind the last of them.
type teeLink[T any] struct {
	vals [teeBlock]T
	n    int // values filled; written only by the pull that appends
	next *teeLink[T]
}

// teeSource is what a Tee's iterators share. It never refers to an iterator, so
// that an unreachable iterator can be collected.
type teeSource[T any] struct {
	s       iter.Seq[T]
	next    func() (T, bool) // nil until the first pull
	stop    func()
	tail    *teeLink[T]
	done    bool         // s has ended (or panicked)
	pulling bool         // a value is being drawn: a re-entrant draw is misuse
	live    atomic.Int32 // iterators not yet ended; the last to end stops s
}

// draw pulls the next value of s onto the buffer and reports whether there
// was one.
func (src *teeSource[T]) draw() bool {
	if src.pulling {
		panic("seqs.Tee: the source ranged one of its own tee iterators")
	}
	if src.next == nil {
		src.next, src.stop = iter.Pull(src.s)
		src.s = nil
	}
	src.pulling = true
	v, ok := src.next()
	src.pulling = false
	if !ok {
		src.done = true
		return false
	}
	t := src.tail
	if t.n == teeBlock {
		t.next = &teeLink[T]{}
		t = t.next
		src.tail = t
	}
	t.vals[t.n] = v
	t.n++
	return true
}

// teeEnd records that one iterator has ended. It is separate from the
// iterator so that the iterator's cleanup can refer to it.
type teeEnd[T any] struct {
	src   *teeSource[T]
	ended atomic.Bool
}

// finish ends the iterator, once; the last of the n to end stops s: at once
// when an iterator's range ends, so that s's deferred calls have run when the
// range statement ends. From a runtime cleanup (sync false) it runs on the
// cleanup goroutine, where no iterator of the Tee can be running (every other
// one has ended), so stopping s there races with nothing; the stop goes to a
// goroutine of its own, as s's deferred calls may take long.
func (e *teeEnd[T]) finish(sync bool) {
	if !e.ended.CompareAndSwap(false, true) {
		return
	}
	if e.src.live.Add(-1) != 0 || e.src.stop == nil {
		return
	}
	if sync {
		e.src.stop()
	} else {
		go e.src.stop()
	}
}

// collected is an iterator's cleanup: an iterator dropped without ranging it
// counts as ended.
func collected[T any](e *teeEnd[T]) { e.finish(false) }

// teeIter is one of a Tee's iterators: where it stands in the buffer.
type teeIter[T any] struct {
	src  *teeSource[T]
	link *teeLink[T]
	i    int // index in link of the next value
	used bool
	// drawing is set while this iterator draws: if its range ends meanwhile,
	// s (or a misuse check) panicked. Another iterator's range may end during
	// the draw (s itself ranged it), and that leaves the pull alive.
	drawing bool
	end     *teeEnd[T]
}

func (it *teeIter[T]) all(yield func(T) bool) {
	if it.used {
		return
	}
	it.used = true
	src := it.src
	defer it.stop()
	for {
		l := it.link
		if it.i < l.n {
			v := l.vals[it.i]
			it.i++
			if !yield(v) {
				return
			}
			continue
		}
		if it.i == teeBlock && l.next != nil {
			it.link, it.i = l.next, 0
			continue
		}
		// l is the tail and this iterator is furthest ahead: draw.
		if src.done {
			return
		}
		it.drawing = true
		more := src.draw()
		it.drawing = false
		if !more {
			return
		}
	}
}

// stop ends the iterator when its range ends, however it ends. A panic from s
// (or a misuse panic) leaves the pull dead: s counts as ended for everyone.
func (it *teeIter[T]) stop() {
	if src := it.src; it.drawing {
		src.pulling = false
		src.done = true
	}
	it.link = nil // release the buffer behind this iterator
	it.end.finish(true)
}
