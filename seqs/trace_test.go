package seqs_test

// Trace tests: each testdata/NAME.py prints a trace of what Python's itertools
// draw from instrumented sources and what the consumer sees; testdata/NAME.out
// is python3's output, committed beside it. The Go test of the same name plays
// the scenarios with package seqs and must print the same lines.
// Regenerate an .out with: python3 testdata/NAME.py > testdata/NAME.out

import (
	"errors"
	"fmt"
	"iter"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/internal/tracetest"
	"github.com/corio-go/corio/seqs"
)

// trace collects the lines a scenario prints.
type trace []string

func (tr *trace) add(format string, args ...any) { *tr = append(*tr, fmt.Sprintf(format, args...)) }

// py formats v as the scripts' fmt does: slices as [a, b], everything else as
// Python's str.
func py(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice {
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = py(rv.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	if b, ok := v.(bool); ok {
		if b {
			return "True"
		}
		return "False"
	}
	return fmt.Sprint(v)
}

// out records one value, or a pair, as the scripts' out does.
func (tr *trace) out(vals ...any) {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = py(v)
	}
	tr.add("-> %s", strings.Join(parts, " "))
}

// src is the scripts' src: a sequence of 0..n-1 that reports each draw, its
// end and its cleanup.
func (tr *trace) src(n int, name string) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer tr.add("  %s cleanup", name)
		for i := range n {
			tr.add("  %s draw %d", name, i)
			if !yield(i) {
				return
			}
		}
		tr.add("  %s end", name)
	}
}

// run is the scripts' run: it ranges over s, breaking after stopAfter values
// if stopAfter > 0.
func run[T any](tr *trace, name string, s iter.Seq[T], stopAfter int) {
	tr.add("== %s", name)
	n := 0
	for v := range s {
		tr.out(v)
		if n++; n == stopAfter {
			break
		}
	}
	tr.add("done")
}

// run2 is run for pairs.
func run2[K, V any](tr *trace, name string, s iter.Seq2[K, V], stopAfter int) {
	tr.add("== %s", name)
	n := 0
	for k, v := range s {
		tr.out(k, v)
		if n++; n == stopAfter {
			break
		}
	}
	tr.add("done")
}

// checkTrace compares the trace with testdata/NAME.out.
func checkTrace(t *testing.T, name string, got trace) {
	t.Helper()
	tracetest.Compare(t, name, got)
}

func TestTraceDraws(t *testing.T) {
	leaktest.Check(t)
	var tr trace
	s := tr.src
	times10 := func(v int) int { return v * 10 }
	mul := func(a, b int) int { return a * b }
	add := func(a, b int) int { return a + b }
	below := func(n int) func(int) bool { return func(v int) bool { return v < n } }

	run(&tr, "map", seqs.Map(s(3, "s"), times10), 0)
	run(&tr, "map(break)", seqs.Map(s(5, "s"), times10), 2)
	run(&tr, "filter", seqs.Filter(s(5, "s"), func(v int) bool { return v%2 == 0 }), 0)
	run(&tr, "filter(break)", seqs.Filter(s(6, "s"), func(v int) bool { return v%2 == 1 }), 2)
	run2(&tr, "enumerate", seqs.Enumerate(s(3, "s")), 0)
	run(&tr, "accumulate", seqs.Accumulate(s(5, "s"), add), 0)
	run(&tr, "accumulate(break)", seqs.Accumulate(s(5, "s"), mul), 3)
	run(&tr, "take", seqs.Take(s(5, "s"), 2), 0)
	run(&tr, "take(0)", seqs.Take(s(5, "s"), 0), 0)
	run(&tr, "take(long)", seqs.Take(s(3, "s"), 5), 0)
	run(&tr, "take(break)", seqs.Take(s(5, "s"), 3), 1)
	run(&tr, "drop", seqs.Drop(s(5, "s"), 2), 0)
	run(&tr, "drop(break)", seqs.Drop(s(5, "s"), 2), 1)
	run(&tr, "slice(1,4)", seqs.Slice(s(6, "s"), 1, 4, 1), 0)
	run(&tr, "slice(0,9,3)", seqs.Slice(s(10, "s"), 0, 9, 3), 0)
	run(&tr, "slice(2,9,3)", seqs.Slice(s(10, "s"), 2, 9, 3), 0)
	run(&tr, "slice(1,3,50)", seqs.Slice(s(10, "s"), 1, 3, 50), 0)
	run(&tr, "slice(5,3)", seqs.Slice(s(10, "s"), 5, 3, 1), 0)
	run(&tr, "slice(1,None,2)", seqs.Slice(s(6, "s"), 1, -1, 2), 0)
	run(&tr, "slice(2,9,3)(break)", seqs.Slice(s(10, "s"), 2, 9, 3), 2)
	run(&tr, "takewhile", seqs.TakeWhile(s(5, "s"), below(2)), 0)
	run(&tr, "takewhile(all)", seqs.TakeWhile(s(3, "s"), below(9)), 0)
	run(&tr, "dropwhile", seqs.DropWhile(s(5, "s"), below(2)), 0)
	run(&tr, "dropwhile(break)", seqs.DropWhile(s(5, "s"), below(2)), 1)
	run(&tr, "chain", seqs.Chain(s(2, "a"), s(0, "b"), s(2, "c")), 0)
	run(&tr, "chain(break)", seqs.Chain(s(2, "a"), s(3, "b"), s(2, "c")), 3)
	inner := func(n int) iter.Seq[iter.Seq[int]] {
		return seqs.Map(seqs.Take(seqs.Count(0, 1), n), func(i int) iter.Seq[int] { return s(i, fmt.Sprintf("i%d", i)) })
	}
	run(&tr, "flatten", seqs.Flatten(inner(3)), 0)
	run(&tr, "flatten(break)", seqs.Flatten(inner(4)), 2)
	run2(&tr, "zip", seqs.Zip(s(3, "a"), s(5, "b")), 0)
	run2(&tr, "zip(b shorter)", seqs.Zip(s(5, "a"), s(2, "b")), 0)
	run2(&tr, "zip(a empty)", seqs.Zip(s(0, "a"), s(2, "b")), 0)
	run2(&tr, "zip(break)", seqs.Zip(s(5, "a"), s(5, "b")), 2)
	run2(&tr, "pairwise", seqs.Pairwise(s(4, "s")), 0)
	run2(&tr, "pairwise(one)", seqs.Pairwise(s(1, "s")), 0)
	run2(&tr, "pairwise(break)", seqs.Pairwise(s(5, "s")), 1)
	run(&tr, "batched", seqs.Batched(s(7, "s"), 3), 0)
	run(&tr, "batched(exact)", seqs.Batched(s(6, "s"), 3), 0)
	run(&tr, "batched(break)", seqs.Batched(s(9, "s"), 2), 2)
	run2(&tr, "groupby", seqs.GroupBy(s(7, "s"), func(v int) int { return v / 3 }), 0)
	run2(&tr, "groupby(break)", seqs.GroupBy(s(9, "s"), func(v int) int { return v / 2 }), 2)
	run(&tr, "cycle", seqs.Take(seqs.Cycle(s(3, "s")), 8), 0)
	run(&tr, "cycle(empty)", seqs.Cycle(s(0, "s")), 0)
	run(&tr, "cycle(break)", seqs.Cycle(s(4, "s")), 2)
	run(&tr, "count", seqs.Take(seqs.Count(3, -2), 4), 0)
	run(&tr, "repeat", seqs.Repeat(7, 3), 0)
	run(&tr, "repeat(forever)", seqs.Take(seqs.Repeat(7, -1), 4), 0)
	run(&tr, "repeat(0)", seqs.Repeat(7, 0), 0)
	tr.add("== reduce")
	tr.add("-> %d", seqs.Reduce(s(4, "s"), 100, add))
	tr.add("done")

	tr.add("== tee")
	ts := seqs.Tee(s(4, "s"), 2)
	for x, y := range seqs.Zip(ts[0], ts[1]) {
		tr.out(x, y)
	}
	tr.add("done")

	tr.add("== tee(a then b)")
	ts = seqs.Tee(s(3, "s"), 2)
	for v := range ts[0] {
		tr.out("a", v)
	}
	tr.add("a done")
	for v := range ts[1] {
		tr.out("b", v)
	}
	tr.add("done")

	tr.add("== tee(break both)")
	ts = seqs.Tee(s(6, "s"), 2)
	for v := range ts[0] {
		tr.out("a", v)
		if v == 2 {
			break
		}
	}
	tr.add("a done")
	for v := range ts[1] {
		tr.out("b", v)
		if v == 0 {
			break
		}
	}
	tr.add("done")

	checkTrace(t, "draws", tr)
}

// shared is Python's iter(range(n)): one iterator that several consumers draw
// from in turn. rest collects what is left.
func shared(n int) (s iter.Seq[int], rest func() []int) {
	next, stop := iter.Pull(seqs.Take(seqs.Count(0, 1), n))
	s = func(yield func(int) bool) {
		for {
			v, ok := next()
			if !ok || !yield(v) {
				return
			}
		}
	}
	rest = func() []int {
		defer stop()
		left := []int{}
		for v, ok := next(); ok; v, ok = next() {
			left = append(left, v)
		}
		return left
	}
	return s, rest
}

func TestTraceSlice(t *testing.T) {
	leaktest.Check(t)
	var tr trace
	for _, start := range []int{0, 1, 2, 3, 5, 10, 12} {
		for _, stop := range []int{-1, 0, 1, 2, 3, 5, 9, 10, 11, 15} {
			for _, step := range []int{1, 2, 3, 50} {
				src, rest := shared(10)
				got := collect(seqs.Slice(src, start, stop, step))
				left := rest()
				src, rest = shared(10)
				first := []int{}
				for v := range seqs.Slice(src, start, stop, step) {
					first = append(first, v)
					break
				}
				left1 := rest()
				tr.add("slice(%d,%d,%d) all %s left %s first %s left %s", start, stop, step, py(got), py(left), py(first), py(left1))
			}
		}
	}
	checkTrace(t, "slice", tr)
}

// collect is slices.Collect, but never nil, so that py prints [].
func collect[T any](s iter.Seq[T]) []T {
	out := []T{}
	for v := range s {
		out = append(out, v)
	}
	return out
}

func TestTraceCombinatorics(t *testing.T) {
	var tr trace
	format := func(s iter.Seq[[]string]) string {
		var parts []string
		for p := range s {
			if len(p) == 0 {
				parts = append(parts, "()")
			} else {
				parts = append(parts, strings.Join(p, ""))
			}
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	letters := strings.Split("ABCDE", "")
	for n := range 6 {
		pool := letters[:n]
		for r := range n + 2 {
			tr.add("permutations('%s', %d) %s", strings.Join(pool, ""), r, format(seqs.Permutations(pool, r)))
			tr.add("combinations('%s', %d) %s", strings.Join(pool, ""), r, format(seqs.Combinations(pool, r)))
		}
	}
	for _, sizes := range [][]int{{}, {0}, {2}, {2, 3}, {3, 0, 2}, {1, 1, 1}, {2, 2, 2}, {3, 1, 2}} {
		pools := make([][]string, len(sizes))
		reprs := make([]string, len(sizes))
		for i, k := range sizes {
			abc := strings.Split("xyz", "")
			if i%2 == 1 {
				abc = strings.Split("ABC", "")
			}
			pools[i] = abc[:k]
			reprs[i] = "'" + strings.Join(pools[i], "") + "'"
		}
		tuple := "(" + strings.Join(reprs, ", ") + ")"
		if len(reprs) == 1 {
			tuple = "(" + reprs[0] + ",)"
		}
		tr.add("product%s %s", tuple, format(seqs.Product(pools...)))
	}
	checkTrace(t, "combinatorics", tr)
}

// errBoom is the scripts' ValueError('boom').
var errBoom = errors.New("boom")

// pyErrName names an error as the scripts print its exception class.
func pyErrName(err error) string {
	var numErr *strconv.NumError
	if errors.Is(err, errBoom) || errors.As(err, &numErr) {
		return "ValueError"
	}
	return fmt.Sprintf("<unexpected error %v>", err)
}

// failing is the scripts' failing: a generator that yields 0..n-1 and then
// fails with errBoom.
func (tr *trace) failing(n int, name string) *gen.Gen[int, struct{}, struct{}] {
	return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		defer tr.add("  %s cleanup", name)
		for i := range n {
			tr.add("  %s draw %d", name, i)
			if _, err := yield(i); err != nil {
				return struct{}{}, err
			}
		}
		tr.add("  %s raise ValueError", name)
		return struct{}{}, errBoom
	})
}

// words is the scripts' words: a generator over ws that reports its draws.
func (tr *trace) words(ws ...string) *gen.Gen[string, struct{}, struct{}] {
	return gen.New(func(yield gen.Yield[string, struct{}]) (struct{}, error) {
		defer tr.add("  w cleanup")
		for _, w := range ws {
			tr.add("  w draw %s", w)
			if _, err := yield(w); err != nil {
				return struct{}{}, err
			}
		}
		tr.add("  w end")
		return struct{}{}, nil
	})
}

// runErr is the scripts' run over a fallible sequence: the error, when it
// comes, is the last pair.
func runErr[T any](tr *trace, name string, s iter.Seq2[T, error], stopAfter int) {
	tr.add("== %s", name)
	n := 0
	for v, err := range s {
		if err != nil {
			tr.add("error %s", pyErrName(err))
			continue // the last pair: the loop ends by itself
		}
		tr.out(v)
		if n++; n == stopAfter {
			break
		}
	}
	tr.add("done")
}

// pairs turns a Seq2 into a sequence of two-element slices, for stages that
// must return an iter.Seq.
func pairs[A any](s iter.Seq2[A, A]) iter.Seq[[]A] {
	return func(yield func([]A) bool) {
		for a, b := range s {
			if !yield([]A{a, b}) {
				return
			}
		}
	}
}

// stage builds a Through stage of one adapter.
func stage[T, U any](f func(iter.Seq[T]) iter.Seq[U]) func(iter.Seq[T]) iter.Seq[U] { return f }

func TestTraceErrors(t *testing.T) {
	leaktest.Check(t)
	var tr trace
	f := tr.failing
	times10 := func(v int) int { return v * 10 }
	parse := func(s string) (int, error) {
		tr.add("  parse %s", s)
		return strconv.Atoi(s)
	}

	runErr(&tr, "map", seqs.Through(f(2, "f").AllErr(), stage(func(s iter.Seq[int]) iter.Seq[int] { return seqs.Map(s, times10) })), 0)
	runErr(&tr, "map(before the error)", seqs.Through(f(5, "f").AllErr(), stage(func(s iter.Seq[int]) iter.Seq[int] { return seqs.Map(s, times10) })), 2)
	take3 := func(s iter.Seq[int]) iter.Seq[int] { return seqs.Take(s, 3) }
	runErr(&tr, "take(short of the error)", seqs.Through(f(5, "f").AllErr(), take3), 0)
	runErr(&tr, "take(reaches the error)", seqs.Through(f(2, "f").AllErr(), take3), 0)
	runErr(&tr, "filter", seqs.Through(f(4, "f").AllErr(), func(s iter.Seq[int]) iter.Seq[int] {
		return seqs.Filter(s, func(v int) bool { return v%2 == 1 })
	}), 0)
	runErr(&tr, "accumulate", seqs.Through(f(3, "f").AllErr(), func(s iter.Seq[int]) iter.Seq[int] {
		return seqs.Accumulate(s, func(a, b int) int { return a + b })
	}), 0)
	runErr(&tr, "pairwise", seqs.Through(f(3, "f").AllErr(), func(s iter.Seq[int]) iter.Seq[[]int] {
		return pairs(seqs.Pairwise(s))
	}), 0)
	runErr(&tr, "batched", seqs.Through(f(5, "f").AllErr(), func(s iter.Seq[int]) iter.Seq[[]int] {
		return seqs.Batched(s, 2)
	}), 0)
	runErr(&tr, "groupby", seqs.Through(f(5, "f").AllErr(), func(s iter.Seq[int]) iter.Seq[[]any] {
		return func(yield func([]any) bool) {
			for k, g := range seqs.GroupBy(s, func(v int) int { return v / 2 }) {
				if !yield([]any{k, g}) {
					return
				}
			}
		}
	}), 0)
	runErr(&tr, "cycle", seqs.Through(f(2, "f").AllErr(), seqs.Cycle[int]), 0)
	runErr(&tr, "chain", seqs.Through(f(2, "f").AllErr(), func(s iter.Seq[int]) iter.Seq[int] {
		return seqs.Chain(s, tr.src(2, "next"))
	}), 0)
	runErr(&tr, "zip(failing second)", seqs.Through(f(2, "f").AllErr(), func(s iter.Seq[int]) iter.Seq[[]int] {
		return pairs(seqs.Zip(tr.src(4, "a"), s))
	}), 0)
	runErr(&tr, "zip(failing first)", seqs.Through(f(1, "f").AllErr(), func(s iter.Seq[int]) iter.Seq[[]int] {
		return pairs(seqs.Zip(s, tr.src(4, "b")))
	}), 0)
	runErr(&tr, "tee", seqs.Through(f(2, "f").AllErr(), func(s iter.Seq[int]) iter.Seq[[]int] {
		ts := seqs.Tee(s, 2)
		return pairs(seqs.Zip(ts[0], ts[1]))
	}), 0)
	runErr(&tr, "parse", seqs.MapErr(tr.words("1", "22", "x", "4").AllErr(), parse), 0)
	runErr(&tr, "parse(ok)", seqs.MapErr(tr.words("1", "22").AllErr(), parse), 0)
	runErr(&tr, "parse then filter", seqs.Through(seqs.MapErr(tr.words("1", "22", "x", "4").AllErr(), parse), func(s iter.Seq[int]) iter.Seq[int] {
		return seqs.Filter(s, func(n int) bool { return n > 1 })
	}), 0)
	runErr(&tr, "filter then parse", seqs.MapErr(seqs.Through(tr.words("1", "-", "3").AllErr(), func(s iter.Seq[string]) iter.Seq[string] {
		return seqs.Filter(s, func(w string) bool { return w != "-" })
	}), parse), 0)
	runErr(&tr, "take then parse", seqs.MapErr(seqs.Through(tr.words("1", "2", "x").AllErr(), func(s iter.Seq[string]) iter.Seq[string] {
		return seqs.Take(s, 2)
	}), parse), 0)
	checkTrace(t, "errors", tr)
}
