package seqs

import (
	"iter"
	"slices"
)

// Chain returns the values of each sequence in turn: Python's
// itertools.chain(*ss). Each sequence is started only when the one before it
// has ended, so a break stops the one being ranged and never starts the rest.
// Chain of nothing is empty.
//
// The result is re-iterable if every sequence is. Chain keeps its own copy of
// the list ss; it panics if a sequence is nil.
func Chain[T any](ss ...iter.Seq[T]) iter.Seq[T] {
	for _, s := range ss {
		if s == nil {
			panic("seqs.Chain: nil sequence")
		}
	}
	ss = slices.Clone(ss)
	return func(yield func(T) bool) {
		stopped := false
		body := func(v T) bool {
			if !yield(v) {
				stopped = true
				return false
			}
			return true
		}
		for _, s := range ss {
			if s(body); stopped {
				return
			}
		}
	}
}

// Flatten returns the values of each sequence ss yields, in turn: Python's
// itertools.chain.from_iterable(ss). Each inner sequence is drawn from ss only
// when the one before it has ended; a break stops both the inner sequence being
// ranged and ss.
//
// The result is re-iterable if ss and the sequences it yields are. Flatten
// panics if ss is nil; ranging it panics if ss yields a nil sequence.
func Flatten[T any](ss iter.Seq[iter.Seq[T]]) iter.Seq[T] {
	if ss == nil {
		panic("seqs.Flatten: nil sequence")
	}
	return func(yield func(T) bool) {
		stopped := false
		body := func(v T) bool {
			if !yield(v) {
				stopped = true
				return false
			}
			return true
		}
		ss(func(s iter.Seq[T]) bool {
			if s == nil {
				panic("seqs.Flatten: nil inner sequence")
			}
			s(body)
			return !stopped
		})
	}
}

// Cycle returns the values of s, then the same values again, forever: Python's
// itertools.cycle(s). It ranges over s once, keeping a copy of every value, and
// repeats the copies; an empty s gives an empty sequence. The copies are
// shallow: a value that refers to memory (a slice, a pointer) refers to the same
// memory each time round.
//
// Cycle buffers every value of s, for as long as the range lasts. The result is
// re-iterable if s is: each range ranges over s once more. Breaking out of the
// range during the first pass stops s at once. Cycle panics if s is nil.
func Cycle[T any](s iter.Seq[T]) iter.Seq[T] {
	if s == nil {
		panic("seqs.Cycle: nil sequence")
	}
	return func(yield func(T) bool) {
		var saved []T
		stopped := false
		s(func(v T) bool {
			saved = append(saved, v)
			if !yield(v) {
				stopped = true
				return false
			}
			return true
		})
		if stopped || len(saved) == 0 {
			return
		}
		for {
			for _, v := range saved {
				if !yield(v) {
					return
				}
			}
		}
	}
}

// Count returns start, start+step, start+2*step, ... without end: Python's
// itertools.count(start, step). Go's int is not Python's: past the largest int
// the values wrap around, as int arithmetic does. The result is re-iterable.
func Count(start, step int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := start; yield(i); i += step {
		}
	}
}

// Repeat returns v, n times: Python's itertools.repeat(v, n). A negative n
// repeats v forever (Python's repeat(v) with no count; Python takes a negative
// count as 0). The result is re-iterable.
func Repeat[T any](v T, n int) iter.Seq[T] {
	return func(yield func(T) bool) {
		if n < 0 {
			for yield(v) {
			}
			return
		}
		for range n {
			if !yield(v) {
				return
			}
		}
	}
}
