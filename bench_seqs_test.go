package corio_test

import (
	"iter"
	"slices"
	"testing"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
	"github.com/corio-go/corio/seqs"
)

// pipeData is the large source of BenchmarkPipeline: 0..65535.
var pipeData = func() []int {
	d := make([]int, 1<<16)
	for i := range d {
		d[i] = i
	}
	return d
}()

func triple(v int) int { return 3 * v }
func even(v int) bool  { return v%2 == 0 }

var pipeSink int

// perValue reports ns per value drawn from the source, n values per op.
func perValue(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/value")
}

// The pipeline's versions are functions of their own, as user code is: inside
// a b.Loop body the compiler inlines nothing (so that the benchmark measures
// what it calls), which would hide what inlining does for each.

// pipeLoop is the logic as one for loop over the slice.
func pipeLoop(data []int, n int) int {
	sum, k := 0, 0
	for _, v := range data {
		u := triple(v)
		if !even(u) {
			continue
		}
		sum += u
		if k++; k == n {
			break
		}
	}
	return sum
}

// pipeLoopOverSeq is the same for loop ranging a sequence over the slice.
func pipeLoopOverSeq(data []int, n int) int {
	sum, k := 0, 0
	for v := range slices.Values(data) {
		u := triple(v)
		if !even(u) {
			continue
		}
		sum += u
		if k++; k == n {
			break
		}
	}
	return sum
}

// pipeSeqs is the chain of adapters over the same sequence.
func pipeSeqs(data []int, n int) int {
	sum := 0
	for u := range seqs.Take(seqs.Filter(seqs.Map(slices.Values(data), triple), even), n) {
		sum += u
	}
	return sum
}

// pipeLoopOverParam is pipeLoopOverSeq over a sequence the function is given:
// the compiler cannot inline what it does not know.
func pipeLoopOverParam(src iter.Seq[int], n int) int {
	sum, k := 0, 0
	for v := range src {
		u := triple(v)
		if !even(u) {
			continue
		}
		sum += u
		if k++; k == n {
			break
		}
	}
	return sum
}

// pipeSeqsOverParam is pipeSeqs over a sequence the function is given.
func pipeSeqsOverParam(src iter.Seq[int], n int) int {
	sum := 0
	for u := range seqs.Take(seqs.Filter(seqs.Map(src, triple), even), n) {
		sum += u
	}
	return sum
}

// BenchmarkPipeline: a Map -> Filter -> Take chain over a large source (65,536
// values; the chain draws half of them), against the same logic written as one
// for loop: over the slice itself (what a user writes without iterators), and
// ranging the same iter.Seq. Each twice: with the sequence made in the
// function, where the compiler inlines the whole chain into one loop, and
// given to it as a parameter, where each stage is a call per value. Python's
// counterparts are in bench/python/seqs_bench.py; samber/lo's in bench/lo.
func BenchmarkPipeline(b *testing.B) {
	n := len(pipeData) / 4
	drawn := 2 * n
	src := slices.Values(pipeData)
	for _, c := range []struct {
		name string
		run  func() int
	}{
		{"Loop", func() int { return pipeLoop(pipeData, n) }},
		{"LoopOverSeq", func() int { return pipeLoopOverSeq(pipeData, n) }},
		{"Seqs", func() int { return pipeSeqs(pipeData, n) }},
		{"LoopOverParam", func() int { return pipeLoopOverParam(src, n) }},
		{"SeqsOverParam", func() int { return pipeSeqsOverParam(src, n) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				pipeSink = c.run()
			}
			perValue(b, drawn)
		})
	}
}

// BenchmarkZip: a pair of seqs.Zip against a raw iter.Pull next, its floor
// (Zip pushes its first sequence and pulls its second), and against the same
// zip written by hand.
func BenchmarkZip(b *testing.B) {
	b.Run("PullNext", func(b *testing.B) {
		next, stop := iter.Pull(count)
		defer stop()
		b.ReportAllocs()
		for b.Loop() {
			next()
		}
	})
	b.Run("ByHand", func(b *testing.B) {
		b.ReportAllocs()
		next, stop := iter.Pull(iter.Seq[int](count))
		defer stop()
		sum := 0
		for x := range count {
			y, _ := next()
			sum += x + y
			if !b.Loop() {
				break
			}
		}
		pipeSink = sum
	})
	b.Run("Zip", func(b *testing.B) {
		b.ReportAllocs()
		sum := 0
		for x, y := range seqs.Zip(count, count) {
			sum += x + y
			if !b.Loop() {
				break
			}
		}
		pipeSink = sum
	})
}

// BenchmarkTee: two full passes over a Tee of 4096 values: one pull per value
// plus the buffer, per value and pass.
func BenchmarkTee(b *testing.B) {
	const n = 4096
	b.ReportAllocs()
	for b.Loop() {
		ts := seqs.Tee(seqs.Take(count, n), 2)
		sum := 0
		for v := range ts[0] {
			sum += v
		}
		for v := range ts[1] {
			sum -= v
		}
		pipeSink = sum
	}
	perValue(b, n)
}

// BenchmarkAdapters: the cost per value of each push-mode adapter alone, over
// an endless source, with the loop body doing nothing but b.Loop.
func BenchmarkAdapters(b *testing.B) {
	id := func(v int) int { return v }
	all := func(int) bool { return true }
	for _, a := range []struct {
		name string
		s    iter.Seq[int]
	}{
		{"Source", count},
		{"Map", seqs.Map(count, id)},
		{"Filter", seqs.Filter(count, all)},
		{"Take", seqs.Take(count, 1<<62)},
		{"Slice", seqs.Slice(count, 0, -1, 1)},
		{"TakeWhile", seqs.TakeWhile(count, all)},
		{"Accumulate", seqs.Accumulate(count, func(a, v int) int { return a + v })},
		{"Enumerate", func(yield func(int) bool) {
			for i := range seqs.Enumerate(count) {
				if !yield(i) {
					return
				}
			}
		}},
		{"Pairwise", func(yield func(int) bool) {
			for x := range seqs.Pairwise(count) {
				if !yield(x) {
					return
				}
			}
		}},
		{"Chain", seqs.Chain(seqs.Take(count, 10), count)},
		{"Batched(64)", seqs.Flatten(seqs.Map(seqs.Batched(count, 64), func(b []int) iter.Seq[int] { return slices.Values(b) }))},
		{"GroupBy(runs of 16)", func(yield func(int) bool) {
			for _, g := range seqs.GroupBy(count, func(v int) int { return v / 16 }) {
				for _, v := range g {
					if !yield(v) {
						return
					}
				}
			}
		}},
	} {
		b.Run(a.name, func(b *testing.B) {
			b.ReportAllocs()
			for range a.s {
				if !b.Loop() {
					break
				}
			}
		})
	}
}

// BenchmarkSchedMap: sched.Map and MapUnordered over 10,000 values whose
// call returns at once, limit 100, per value; compare BenchmarkGather10000,
// which starts every task at once.
func BenchmarkSchedMap(b *testing.B) {
	const n = 10000
	for _, m := range []struct {
		name string
		of   func(co *coro.Co, src iter.Seq[int], limit int, f func(*coro.Co, int) (int, error)) iter.Seq2[int, error]
	}{
		{"Map", sched.Map[int, int]},
		{"MapUnordered", sched.MapUnordered[int, int]},
	} {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			runMain(b, func(co *coro.Co) error {
				for b.Loop() {
					for _, err := range m.of(co, seqs.Take(count, n), 100, addOne) {
						if err != nil {
							return err
						}
					}
				}
				return nil
			})
			perValue(b, n)
		})
	}
}
