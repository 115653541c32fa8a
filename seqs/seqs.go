package seqs

import "iter"

// The adapters call their source directly with a func of their own rather than
// ranging over it: a range statement over a function adds a state check per
// value that, once the adapters are inlined into the caller's loop, costs more
// than the rest of the stage (1.6 against 2.8 ns per value for a Map, Filter,
// Take chain on a 2-core VM; see BenchmarkPipeline). What a range statement
// checks at run time — a source that calls yield again after it returned
// false — is checked by the adapters that return false on their own (Take,
// Slice, TakeWhile, Zip); for the others the consumer's own range statement
// catches it.

// misbehaved is the panic of an adapter whose source called yield again after
// it returned false, as the runtime's "range function continued iteration"
// panic is for a range statement.
func misbehaved(name string) {
	panic(name + ": the source went on after yield returned false")
}

// Map returns a sequence of f applied to each value of s: Python's map(f, s).
// f is called once for each value, as it is drawn from s, never ahead of the
// consumer.
//
// The result is re-iterable if s is: each range over it ranges over s again.
// Breaking out of the range stops s at once. Map panics if s or f is nil.
func Map[T, U any](s iter.Seq[T], f func(T) U) iter.Seq[U] {
	if s == nil {
		panic("seqs.Map: nil sequence")
	}
	if f == nil {
		panic("seqs.Map: nil func")
	}
	return func(yield func(U) bool) {
		s(func(v T) bool { return yield(f(v)) })
	}
}

// Filter returns a sequence of the values of s for which keep reports true:
// Python's filter(keep, s). keep is called once for each value, as it is drawn.
//
// The result is re-iterable if s is. Breaking out of the range stops s at once.
// Filter panics if s or keep is nil.
func Filter[T any](s iter.Seq[T], keep func(T) bool) iter.Seq[T] {
	if s == nil {
		panic("seqs.Filter: nil sequence")
	}
	if keep == nil {
		panic("seqs.Filter: nil func")
	}
	return func(yield func(T) bool) {
		s(func(v T) bool { return !keep(v) || yield(v) })
	}
}

// Enumerate returns a sequence of the values of s, each with its index,
// counting from 0: Python's enumerate(s).
//
// The result is re-iterable if s is; each range counts from 0 again. Breaking
// out of the range stops s at once. Enumerate panics if s is nil.
func Enumerate[T any](s iter.Seq[T]) iter.Seq2[int, T] {
	if s == nil {
		panic("seqs.Enumerate: nil sequence")
	}
	return func(yield func(int, T) bool) {
		i := 0
		s(func(v T) bool {
			ok := yield(i, v)
			i++
			return ok
		})
	}
}

// Accumulate returns the running results of f over s: Python's
// itertools.accumulate(s, f). The first value of s comes out as it is; each
// later one is f(previous result, value). An empty s gives an empty sequence.
// Python's initial=x is Accumulate(Chain(Repeat(x, 1), s), f).
//
// The result is re-iterable if s is; each range starts afresh. Breaking out of
// the range stops s at once. Accumulate panics if s or f is nil.
func Accumulate[T any](s iter.Seq[T], f func(acc, v T) T) iter.Seq[T] {
	if s == nil {
		panic("seqs.Accumulate: nil sequence")
	}
	if f == nil {
		panic("seqs.Accumulate: nil func")
	}
	return func(yield func(T) bool) {
		var acc T
		first := true
		s(func(v T) bool {
			if first {
				acc, first = v, false
			} else {
				acc = f(acc, v)
			}
			return yield(acc)
		})
	}
}

// Reduce folds s into one value: f(...f(f(init, v0), v1)..., vn), or init for
// an empty s. It is Python's functools.reduce(f, s, init), and ranges over s
// to its end. Reduce panics if s or f is nil.
func Reduce[T, A any](s iter.Seq[T], init A, f func(A, T) A) A {
	if s == nil {
		panic("seqs.Reduce: nil sequence")
	}
	if f == nil {
		panic("seqs.Reduce: nil func")
	}
	acc := init
	s(func(v T) bool {
		acc = f(acc, v)
		return true
	})
	return acc
}
