package seqs

import (
	"iter"
	"slices"
)

// maxPrealloc bounds the capacity Batched allocates ahead for a batch, so that
// a huge n over a short sequence does not allocate n slots.
const maxPrealloc = 1 << 12

// Batched returns the values of s in slices of n, in order; the last batch may
// be shorter: Python 3.12's itertools.batched(s, n), with lists for tuples.
// A batch is handed out as soon as its n-th value is drawn; the short last one
// once s has ended.
//
// Each batch is a new slice that the consumer may keep and modify: one
// allocation per batch, none per value. The result is re-iterable if s is.
// Breaking out of the range stops s at once. Batched panics if s is nil or
// n < 1 (Python raises ValueError).
func Batched[T any](s iter.Seq[T], n int) iter.Seq[[]T] {
	if s == nil {
		panic("seqs.Batched: nil sequence")
	}
	if n < 1 {
		panic("seqs.Batched: n < 1")
	}
	return func(yield func([]T) bool) {
		var batch []T
		stopped := false
		s(func(v T) bool {
			if batch == nil {
				batch = make([]T, 0, min(n, maxPrealloc))
			}
			batch = append(batch, v)
			if len(batch) == n {
				b := batch
				batch = nil
				if !yield(b) {
					stopped = true
					return false
				}
			}
			return true
		})
		if !stopped && len(batch) > 0 {
			yield(batch)
		}
	}
}

// GroupBy returns the runs of consecutive values of s that have equal keys,
// each with its key: Python's itertools.groupby(s, key), with each group
// gathered into a slice. Like groupby, it groups runs, not equal keys across
// the whole sequence (sort s by key first for that); key is called once per
// value, in order.
//
// To know that a run has ended, GroupBy must draw the first value of the next
// one (or reach the end of s): a group is handed out then, and the value drawn
// starts the next group. Python's groupby hands out a lazy group iterator
// instead, which becomes empty once the outer iterator moves on; Go's groups are
// slices, so there is nothing to invalidate. Each group is a new slice, exactly
// its length, that the consumer may keep: one allocation per group.
//
// GroupBy buffers the values of the current run. The result is re-iterable if s
// is. Breaking out of the range stops s at once. GroupBy panics if s or key is
// nil.
func GroupBy[T any, K comparable](s iter.Seq[T], key func(T) K) iter.Seq2[K, []T] {
	if s == nil {
		panic("seqs.GroupBy: nil sequence")
	}
	if key == nil {
		panic("seqs.GroupBy: nil key func")
	}
	return func(yield func(K, []T) bool) {
		var run []T // reused between groups; each group is a copy
		var k K
		stopped := false
		s(func(v T) bool {
			kv := key(v)
			if len(run) > 0 && kv != k {
				g := slices.Clone(run)
				clear(run) // let the values go as soon as the group does
				run = run[:0]
				if !yield(k, g) {
					stopped = true
					return false
				}
			}
			k = kv
			run = append(run, v)
			return true
		})
		if !stopped && len(run) > 0 {
			yield(k, slices.Clone(run))
		}
	}
}
