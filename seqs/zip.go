package seqs

import "iter"

// Zip returns pairs of values of a and b, the i-th of a with the i-th of b,
// ending with the shorter sequence: Python's zip(a, b).
//
// As Python's zip, Zip draws from a first: when a ends, b is not drawn from
// again; when b ends, the value just drawn from a is dropped. a is ranged over
// directly (push mode) and b is pulled with [iter.Pull], a coroutine switch per
// pair (about the cost of one iter.Pull next; see BenchmarkZip). b's coroutine
// is started at the first value of a, so when a is empty b never runs.
//
// Breaking out of the range stops b and then a (the order in which CPython
// releases a zip's iterators) before the range statement ends, leaving no
// goroutine behind; so does a panic in the loop body or in either sequence. The
// result is re-iterable if a and b both are. Zip panics if a or b is nil.
func Zip[A, B any](a iter.Seq[A], b iter.Seq[B]) iter.Seq2[A, B] {
	if a == nil || b == nil {
		panic("seqs.Zip: nil sequence")
	}
	return func(yield func(A, B) bool) {
		var next func() (B, bool)
		var stop func()
		defer func() {
			if stop != nil {
				stop()
			}
		}()
		done := false
		a(func(x A) bool {
			if done {
				misbehaved("seqs.Zip")
			}
			if next == nil {
				next, stop = iter.Pull(b)
			}
			y, ok := next()
			if !ok {
				done = true
				return false
			}
			if !yield(x, y) {
				done = true
				stop()
				return false
			}
			return true
		})
	}
}

// Pairwise returns the overlapping pairs of successive values of s: (v0, v1),
// (v1, v2), ...: Python's itertools.pairwise(s). A sequence of fewer than two
// values gives no pair. It runs in push mode, keeping the one previous value:
// no coroutine.
//
// The result is re-iterable if s is. Breaking out of the range stops s at once.
// Pairwise panics if s is nil.
func Pairwise[T any](s iter.Seq[T]) iter.Seq2[T, T] {
	if s == nil {
		panic("seqs.Pairwise: nil sequence")
	}
	return func(yield func(T, T) bool) {
		var prev T
		have := false
		s(func(v T) bool {
			if have && !yield(prev, v) {
				return false
			}
			prev, have = v, true
			return true
		})
	}
}
