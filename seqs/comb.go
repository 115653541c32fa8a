package seqs

import (
	"iter"
	"slices"
)

// Product returns the cartesian product of the pools: every slice that takes
// its i-th value from pools[i], in lexicographic order of the pools' indexes
// (the last pool varies fastest, like an odometer): Python's
// itertools.product(*pools). Product of no pools is one empty slice; if any
// pool is empty, the product is empty. Python's product(p, repeat=k) is
// Product with p given k times.
//
// Product copies the pools when called, as Python makes tuples of them, so
// later changes to the caller's slices do not show. Each result is a new slice
// that the consumer may keep and modify. The result is re-iterable.
func Product[T any](pools ...[]T) iter.Seq[[]T] {
	ps := make([][]T, len(pools))
	for i, p := range pools {
		ps[i] = slices.Clone(p)
	}
	return func(yield func([]T) bool) {
		n := len(ps)
		for _, p := range ps {
			if len(p) == 0 {
				return
			}
		}
		idx := make([]int, n)
		for {
			out := make([]T, n)
			for i, p := range ps {
				out[i] = p[idx[i]]
			}
			if !yield(out) {
				return
			}
			// Advance the odometer: the rightmost index that can move moves, and
			// every index to its right goes back to 0.
			i := n - 1
			for ; i >= 0; i-- {
				if idx[i]++; idx[i] < len(ps[i]) {
					break
				}
				idx[i] = 0
			}
			if i < 0 {
				return
			}
		}
	}
}

// Permutations returns every ordering of r values taken from pool, in
// lexicographic order of their positions in pool: Python's
// itertools.permutations(pool, r). Values are told apart by position, not by
// value, so a pool with repeats gives repeated permutations. r > len(pool)
// gives nothing; r == 0 gives one empty slice. Python's default r is
// len(pool).
//
// Permutations copies pool when called. Each result is a new slice that the
// consumer may keep and modify. The result is re-iterable. Permutations panics
// if r < 0 (Python raises ValueError).
func Permutations[T any](pool []T, r int) iter.Seq[[]T] {
	if r < 0 {
		panic("seqs.Permutations: r < 0")
	}
	pool = slices.Clone(pool)
	return func(yield func([]T) bool) {
		n := len(pool)
		if r > n {
			return
		}
		// CPython's algorithm (the "roughly equivalent" code of the docs):
		// indices is a permutation of 0..n-1 whose first r entries are handed
		// out; cycles[i] counts the swaps left at position i.
		indices := make([]int, n)
		for i := range indices {
			indices[i] = i
		}
		cycles := make([]int, r)
		for i := range cycles {
			cycles[i] = n - i
		}
		emit := func() bool {
			out := make([]T, r)
			for i, j := range indices[:r] {
				out[i] = pool[j]
			}
			return yield(out)
		}
		if !emit() {
			return
		}
		for n > 0 {
			i := r - 1
			for ; i >= 0; i-- {
				cycles[i]--
				if cycles[i] == 0 {
					// Rotate indices[i:] left by one.
					first := indices[i]
					copy(indices[i:], indices[i+1:])
					indices[n-1] = first
					cycles[i] = n - i
					continue
				}
				j := cycles[i]
				indices[i], indices[n-j] = indices[n-j], indices[i]
				if !emit() {
					return
				}
				break
			}
			if i < 0 {
				return
			}
		}
	}
}

// Combinations returns every choice of r values from pool, each in pool's
// order, in lexicographic order of their positions in pool: Python's
// itertools.combinations(pool, r). Values are told apart by position, not by
// value. r > len(pool) gives nothing; r == 0 gives one empty slice.
//
// Combinations copies pool when called. Each result is a new slice that the
// consumer may keep and modify. The result is re-iterable. Combinations panics
// if r < 0 (Python raises ValueError).
func Combinations[T any](pool []T, r int) iter.Seq[[]T] {
	if r < 0 {
		panic("seqs.Combinations: r < 0")
	}
	pool = slices.Clone(pool)
	return func(yield func([]T) bool) {
		n := len(pool)
		if r > n {
			return
		}
		indices := make([]int, r)
		for i := range indices {
			indices[i] = i
		}
		for {
			out := make([]T, r)
			for i, j := range indices {
				out[i] = pool[j]
			}
			if !yield(out) {
				return
			}
			// The rightmost index that is not at its highest position moves
			// up by one, and the ones after it follow it.
			i := r - 1
			for i >= 0 && indices[i] == i+n-r {
				i--
			}
			if i < 0 {
				return
			}
			indices[i]++
			for j := i + 1; j < r; j++ {
				indices[j] = indices[j-1] + 1
			}
		}
	}
}
