// Package lo_test compares seqs with samber/lo's iterator package
// (github.com/samber/lo/it, v1.53.0) on the same pipelines. It is a module of
// its own, so that the library's go.mod does not gain lo.
//
// Run: cd bench/lo && go test -run '^$' -bench .
package lo_test

import (
	"iter"
	"slices"
	"testing"

	"github.com/samber/lo/it"

	"github.com/corio-go/corio/seqs"
)

var data = func() []int {
	d := make([]int, 1<<16)
	for i := range d {
		d[i] = i
	}
	return d
}()

func triple(v int) int { return 3 * v }
func even(v int) bool  { return v%2 == 0 }

var sink int

func count(yield func(int) bool) {
	for i := 0; yield(i); i++ {
	}
}

func perValue(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/value")
}

// The pipelines are functions of their own, as user code is: inside a b.Loop
// body the compiler inlines nothing.

func pipeSeqs(data []int, n int) int {
	sum := 0
	for u := range seqs.Take(seqs.Filter(seqs.Map(slices.Values(data), triple), even), n) {
		sum += u
	}
	return sum
}

func pipeLo(data []int, n int) int {
	sum := 0
	for u := range it.Take(it.Filter(it.Map(slices.Values(data), triple), even), n) {
		sum += u
	}
	return sum
}

func pipeSeqsOverParam(src iter.Seq[int], n int) int {
	sum := 0
	for u := range seqs.Take(seqs.Filter(seqs.Map(src, triple), even), n) {
		sum += u
	}
	return sum
}

func pipeLoOverParam(src iter.Seq[int], n int) int {
	sum := 0
	for u := range it.Take(it.Filter(it.Map(src, triple), even), n) {
		sum += u
	}
	return sum
}

// BenchmarkPipeline is bench_seqs_test.go's: Map -> Filter -> Take over
// 65,536 values, half of them drawn, summed; with the sequence made in the
// function (the compiler may inline the chain) and given as a parameter.
func BenchmarkPipeline(b *testing.B) {
	n := len(data) / 4
	src := slices.Values(data)
	for _, c := range []struct {
		name string
		run  func() int
	}{
		{"Seqs", func() int { return pipeSeqs(data, n) }},
		{"Lo", func() int { return pipeLo(data, n) }},
		{"SeqsOverParam", func() int { return pipeSeqsOverParam(src, n) }},
		{"LoOverParam", func() int { return pipeLoOverParam(src, n) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = c.run()
			}
			perValue(b, 2*n)
		})
	}
}

// BenchmarkZip: per pair. lo's Zip2 is zip_longest (it fills the shorter side
// with zero values) and pulls both sequences; seqs.Zip pushes the first.
func BenchmarkZip(b *testing.B) {
	b.Run("Seqs", func(b *testing.B) {
		b.ReportAllocs()
		sum := 0
		for x, y := range seqs.Zip(iter.Seq[int](count), iter.Seq[int](count)) {
			sum += x + y
			if !b.Loop() {
				break
			}
		}
		sink = sum
	})
	b.Run("Lo", func(b *testing.B) {
		b.ReportAllocs()
		sum := 0
		for p := range it.Zip2(iter.Seq[int](count), iter.Seq[int](count)) {
			sum += p.A + p.B
			if !b.Loop() {
				break
			}
		}
		sink = sum
	})
}

// BenchmarkBatched: batches of 64, per value.
func BenchmarkBatched(b *testing.B) {
	b.Run("Seqs", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for c := range seqs.Batched(slices.Values(data), 64) {
				n += len(c)
			}
			sink = n
		}
		perValue(b, len(data))
	})
	b.Run("Lo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for c := range it.Chunk(slices.Values(data), 64) {
				n += len(c)
			}
			sink = n
		}
		perValue(b, len(data))
	})
}

// TestSame checks that both pipelines compute the same thing.
func TestSame(t *testing.T) {
	n := len(data) / 4
	a, b := pipeSeqs(data, n), pipeLo(data, n)
	if a != b || a != pipeSeqsOverParam(slices.Values(data), n) || b != pipeLoOverParam(slices.Values(data), n) {
		t.Fatalf("seqs %d, lo %d", a, b)
	}
}
