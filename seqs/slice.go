package seqs

import (
	"iter"
	"math"
)

// Take returns a sequence of the first n values of s: Python's islice(s, n).
// It draws exactly min(n, len(s)) values and stops s after the n-th, without
// drawing another; n <= 0 gives an empty sequence and never starts s.
//
// The result is re-iterable if s is. Breaking out of the range stops s at once.
// Take panics if s is nil.
func Take[T any](s iter.Seq[T], n int) iter.Seq[T] {
	if s == nil {
		panic("seqs.Take: nil sequence")
	}
	return func(yield func(T) bool) {
		if n <= 0 {
			return
		}
		left := n
		s(func(v T) bool {
			if left == 0 {
				misbehaved("seqs.Take")
			}
			left--
			return yield(v) && left > 0
		})
	}
}

// Drop returns a sequence of the values of s after the first n: Python's
// islice(s, n, None). The n values skipped are drawn when the range starts;
// n <= 0 skips nothing.
//
// The result is re-iterable if s is. Breaking out of the range stops s at once.
// Drop panics if s is nil.
func Drop[T any](s iter.Seq[T], n int) iter.Seq[T] {
	if s == nil {
		panic("seqs.Drop: nil sequence")
	}
	return func(yield func(T) bool) {
		skip := n
		s(func(v T) bool {
			if skip > 0 {
				skip--
				return true
			}
			return yield(v)
		})
	}
}

// Slice returns the values of s at indexes start, start+step, start+2*step, ...
// below stop: Python's islice(s, start, stop, step). A stop < 0 means no end
// (Python's None).
//
// Slice draws values as islice does: those before start are drawn and dropped
// when the range starts, and after the last value it hands out, it draws and
// drops the values up to index stop-1 (islice leaves its source positioned at
// stop), but only if the consumer asks for more. When start >= stop, the first
// start values are drawn and nothing comes out.
//
// The result is re-iterable if s is. Breaking out of the range stops s at once.
// Slice panics if s is nil, if start < 0 or if step < 1 (Python raises
// ValueError).
func Slice[T any](s iter.Seq[T], start, stop, step int) iter.Seq[T] {
	if s == nil {
		panic("seqs.Slice: nil sequence")
	}
	if start < 0 {
		panic("seqs.Slice: start < 0")
	}
	if step < 1 {
		panic("seqs.Slice: step < 1")
	}
	return func(yield func(T) bool) {
		// This is islice's C step, in push form: cnt values drawn so far, next
		// the index of the next value handed out. islice ends before drawing
		// once nothing is left to skip and cnt has reached stop.
		cnt, next := 0, start
		if stop >= 0 && cnt >= next && cnt >= stop {
			return
		}
		stopped := false
		s(func(v T) bool {
			if stopped || stop >= 0 && cnt >= next && cnt >= stop {
				misbehaved("seqs.Slice")
			}
			i := cnt // v's index
			cnt++
			if i < next {
				return stop < 0 || cnt < next || cnt < stop // skipped
			}
			if !yield(v) {
				stopped = true
				return false
			}
			if next > math.MaxInt-step {
				next = math.MaxInt
			} else {
				next += step
			}
			if stop >= 0 && next > stop {
				next = stop
			}
			return stop < 0 || cnt < next || cnt < stop
		})
	}
}

// TakeWhile returns the values of s for as long as pred reports true for them:
// Python's itertools.takewhile(pred, s). The first value for which pred reports
// false is drawn (it had to be, to be tested) and dropped, and s is stopped.
//
// The result is re-iterable if s is. Breaking out of the range stops s at once.
// TakeWhile panics if s or pred is nil.
func TakeWhile[T any](s iter.Seq[T], pred func(T) bool) iter.Seq[T] {
	if s == nil {
		panic("seqs.TakeWhile: nil sequence")
	}
	if pred == nil {
		panic("seqs.TakeWhile: nil func")
	}
	return func(yield func(T) bool) {
		done := false
		s(func(v T) bool {
			if done {
				misbehaved("seqs.TakeWhile")
			}
			done = !pred(v) || !yield(v)
			return !done
		})
	}
}

// DropWhile returns the values of s from the first one for which pred reports
// false: Python's itertools.dropwhile(pred, s). pred is not called again after
// it first reports false.
//
// The result is re-iterable if s is. Breaking out of the range stops s at once.
// DropWhile panics if s or pred is nil.
func DropWhile[T any](s iter.Seq[T], pred func(T) bool) iter.Seq[T] {
	if s == nil {
		panic("seqs.DropWhile: nil sequence")
	}
	if pred == nil {
		panic("seqs.DropWhile: nil func")
	}
	return func(yield func(T) bool) {
		dropping := true
		s(func(v T) bool {
			if dropping {
				if pred(v) {
					return true
				}
				dropping = false
			}
			return yield(v)
		})
	}
}
