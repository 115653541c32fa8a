package seqs_test

// Ports of CPython 3.11's Lib/test/test_itertools.py, for the functions seqs
// has. The tally (which test method maps to which Go test, and which do not
// apply) is in conformance/TALLY.md. Python's TypeErrors for arguments of the
// wrong type have no counterpart: Go's compiler rejects those calls.

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/seqs"
)

// chars is Python's list('abc').
func chars(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "")
}

// vals is Python's iter over a literal: a re-iterable sequence of vs.
func vals[T any](vs ...T) iter.Seq[T] { return slices.Values(vs) }

// irange is Python's range(a, b) as a sequence.
func irange(a, b int) iter.Seq[int] { return seqs.Take(seqs.Count(a, 1), b-a) }

// ints is list(range(a, b)).
func ints(a, b int) []int { return collect(irange(a, b)) }

// take is the test file's take(n, seq): list(islice(seq, n)).
func take[T any](n int, s iter.Seq[T]) []T { return collect(seqs.Take(s, n)) }

// pair is a 2-tuple.
type pair[A, B any] struct {
	A A
	B B
}

// lzip is the test file's lzip for two sequences.
func lzip[A, B any](a iter.Seq[A], b iter.Seq[B]) []pair[A, B] {
	out := []pair[A, B]{}
	for x, y := range seqs.Zip(a, b) {
		out = append(out, pair[A, B]{x, y})
	}
	return out
}

// gen3 is the test file's gen3: a non-restartable source.
func gen3() iter.Seq[int] {
	return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		for _, i := range []int{0, 1, 2} {
			if _, err := yield(i); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	}).All()
}

func isEven(x int) bool { return x%2 == 0 }
func isOdd(x int) bool  { return x%2 == 1 }

// errValue is the test file's errfunc's ValueError, raised as a panic: the Go
// way a func given to an adapter fails.
var errValue = fmt.Errorf("ValueError")

func errfunc(int) int { panic(errValue) }

// diff fails the test if got is not want.
func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

// panics runs f and returns what it panicked with (nil if it did not).
func panics(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// wantPanic fails the test unless f panics with a message containing want.
func wantPanic(t *testing.T, want string, f func()) {
	t.Helper()
	p := panics(f)
	if p == nil || !strings.Contains(fmt.Sprint(p), want) {
		t.Errorf("panic = %v; want one containing %q", p, want)
	}
}

func fact(n int) int {
	p := 1
	for i := 2; i <= n; i++ {
		p *= i
	}
	return p
}

// --- TestBasicOps ---

func TestCPythonAccumulate(t *testing.T) {
	leaktest.Check(t)
	add := func(a, b int) int { return a + b }
	diff(t, "accumulate(range(10))", []int{0, 1, 3, 6, 10, 15, 21, 28, 36, 45}, collect(seqs.Accumulate(irange(0, 10), add)))
	// Multiple types: int, float and complex stand for int, Decimal, Fraction
	// and complex.
	diff(t, "accumulate of floats", []float64{0, 1, 3, 6, 10, 15, 21, 28, 36, 45},
		collect(seqs.Accumulate(seqs.Map(irange(0, 10), func(i int) float64 { return float64(i) }), func(a, b float64) float64 { return a + b })))
	diff(t, "accumulate of complex", []complex128{0, 1, 3, 6, 10, 15, 21, 28, 36, 45},
		collect(seqs.Accumulate(seqs.Map(irange(0, 10), func(i int) complex128 { return complex(float64(i), 0) }), func(a, b complex128) complex128 { return a + b })))
	concat := func(a, b string) string { return a + b }
	diff(t, "accumulate('abc')", []string{"a", "ab", "abc"}, collect(seqs.Accumulate(vals(chars("abc")...), concat)))
	diff(t, "accumulate([])", []int{}, collect(seqs.Accumulate(vals[int](), add)))
	diff(t, "accumulate([7])", []int{7}, collect(seqs.Accumulate(vals(7), add)))

	s := []int{2, 8, 9, 5, 7, 0, 3, 4, 1, 6}
	diff(t, "accumulate(s, min)", []int{2, 2, 2, 2, 2, 0, 0, 0, 0, 0}, collect(seqs.Accumulate(vals(s...), func(a, b int) int { return min(a, b) })))
	diff(t, "accumulate(s, max)", []int{2, 8, 9, 9, 9, 9, 9, 9, 9, 9}, collect(seqs.Accumulate(vals(s...), func(a, b int) int { return max(a, b) })))
	diff(t, "accumulate(s, mul)", []int{2, 16, 144, 720, 5040, 0, 0, 0, 0, 0}, collect(seqs.Accumulate(vals(s...), func(a, b int) int { return a * b })))

	// initial=x is Accumulate over Chain(Repeat(x, 1), s), as documented.
	initial := func(x int, s iter.Seq[int]) iter.Seq[int] {
		return seqs.Accumulate(seqs.Chain(seqs.Repeat(x, 1), s), add)
	}
	diff(t, "accumulate([10, 5, 1], initial=100)", []int{100, 110, 115, 116}, collect(initial(100, vals(10, 5, 1))))
	diff(t, "accumulate([], initial=100)", []int{100}, collect(initial(100, vals[int]())))
	diff(t, "accumulate([10, 5, 1], initial=None)", []int{10, 15, 16}, collect(seqs.Accumulate(vals(10, 5, 1), add)))
	// A func that cannot combine two values fails as the value arrives.
	if p := panics(func() { collect(seqs.Accumulate(vals(1, 2), func(int, int) int { panic(errValue) })) }); p != errValue {
		t.Errorf("panic = %v; want %v", p, errValue)
	}
}

func TestCPythonChain(t *testing.T) {
	leaktest.Check(t)
	abc, def := vals(chars("abc")...), vals(chars("def")...)
	diff(t, "chain('abc', 'def')", chars("abcdef"), collect(seqs.Chain(abc, def)))
	diff(t, "chain('abc')", chars("abc"), collect(seqs.Chain(abc)))
	diff(t, "chain('')", []string{}, collect(seqs.Chain(vals[string]())))
	diff(t, "chain()", []string{}, collect(seqs.Chain[string]()))
	diff(t, "take(4, chain('abc', 'def'))", chars("abcd"), take(4, seqs.Chain(abc, def)))
	wantPanic(t, "seqs.Chain: nil sequence", func() { seqs.Chain(abc, nil) })
}

func TestCPythonChainFromIterable(t *testing.T) {
	leaktest.Check(t)
	abc, def := vals(chars("abc")...), vals(chars("def")...)
	diff(t, "from_iterable(['abc', 'def'])", chars("abcdef"), collect(seqs.Flatten(vals(abc, def))))
	diff(t, "from_iterable(['abc'])", chars("abc"), collect(seqs.Flatten(vals(abc))))
	diff(t, "from_iterable([''])", []string{}, collect(seqs.Flatten(vals(vals[string]()))))
	diff(t, "take(4, from_iterable(['abc', 'def']))", chars("abcd"), take(4, seqs.Flatten(vals(abc, def))))
	wantPanic(t, "seqs.Flatten: nil inner sequence", func() { collect(seqs.Flatten(vals(abc, nil))) })
}

// combinations2 is the test file's second pure Python version: the
// permutations whose indices are sorted.
func combinations2[T any](pool []T, r int) [][]T {
	out := [][]T{}
	idx := make([]int, len(pool))
	for i := range idx {
		idx[i] = i
	}
	for p := range seqs.Permutations(idx, r) {
		if slices.IsSorted(p) {
			c := make([]T, r)
			for i, j := range p {
				c[i] = pool[j]
			}
			out = append(out, c)
		}
	}
	return out
}

// lexLess orders int slices lexicographically, as Python orders tuples.
func lexLess(a, b []int) int { return slices.Compare(a, b) }

func TestCPythonCombinations(t *testing.T) {
	wantPanic(t, "seqs.Combinations: r < 0", func() { seqs.Combinations(chars("abc"), -2) })
	diff(t, "combinations('abc', 32)", [][]string{}, collect(seqs.Combinations(chars("abc"), 32)))
	diff(t, "combinations('ABCD', 2)", [][]string{{"A", "B"}, {"A", "C"}, {"A", "D"}, {"B", "C"}, {"B", "D"}, {"C", "D"}},
		collect(seqs.Combinations(chars("ABCD"), 2)))
	diff(t, "combinations(range(4), 3)", [][]int{{0, 1, 2}, {0, 1, 3}, {0, 2, 3}, {1, 2, 3}}, collect(seqs.Combinations(ints(0, 4), 3)))
	// testIntermediate: the rest after one next.
	next, stop := iter.Pull(seqs.Combinations(chars("ABCD"), 2))
	next()
	var rest [][]string
	for c, ok := next(); ok; c, ok = next() {
		rest = append(rest, c)
	}
	stop()
	diff(t, "combinations('ABCD', 2) after next", [][]string{{"A", "C"}, {"A", "D"}, {"B", "C"}, {"B", "D"}, {"C", "D"}}, rest)

	for n := range 7 {
		values := make([]int, n)
		for x := range values {
			values[x] = 5*x - 12
		}
		for r := range n + 2 {
			result := collect(seqs.Combinations(values, r))
			want := 0
			if r <= n {
				want = fact(n) / fact(r) / fact(n-r)
			}
			if len(result) != want {
				t.Errorf("n=%d r=%d: %d combinations; want %d", n, r, len(result), want)
			}
			if !slices.IsSortedFunc(result, lexLess) || len(slices.CompactFunc(slices.Clone(result), slices.Equal)) != len(result) {
				t.Errorf("n=%d r=%d: %v not in lexicographic order without repeats", n, r, result)
			}
			for _, c := range result {
				if len(c) != r || !slices.IsSorted(c) || len(slices.Compact(slices.Clone(c))) != r {
					t.Errorf("n=%d r=%d: %v is not an ordered %d-combination without duplicates", n, r, c, r)
				}
				var sub []int // comb is a subsequence of the input
				for _, e := range values {
					if slices.Contains(c, e) {
						sub = append(sub, e)
					}
				}
				if !slices.Equal(sub, c) {
					t.Errorf("n=%d r=%d: %v is not a subsequence of %v", n, r, c, values)
				}
			}
			diff(t, fmt.Sprintf("combinations(n=%d, r=%d) against combinations2", n, r), combinations2(values, r), result)
		}
	}
}

// The results are never reused (CPython reuses its result tuple when nobody
// holds it): each is a slice of its own.
func TestCPythonCombinatoricsNoReuse(t *testing.T) {
	for name, s := range map[string]iter.Seq[[]string]{
		"combinations": seqs.Combinations(chars("abcde"), 3),
		"permutations": seqs.Permutations(chars("abcde"), 3),
		"product":      seqs.Product(chars("abc"), chars("def")),
	} {
		all := collect(s)
		seen := map[*string]bool{}
		for _, c := range all {
			if seen[&c[0]] {
				t.Errorf("%s: results share memory", name)
			}
			seen[&c[0]] = true
			c[0] = "changed" // the consumer may modify a result
		}
		diff(t, name+" again", len(all), len(collect(s)))
		for c := range s {
			if c[0] == "changed" {
				t.Errorf("%s: a result modified by the consumer came out again", name)
			}
		}
	}
}

// An r far beyond the pool gives nothing at once, where CPython raises
// OverflowError or MemoryError for r = 2**29 and up.
func TestCPythonCombinatoricsOverflow(t *testing.T) {
	diff(t, "combinations('AA', 2**29)", [][]string{}, collect(seqs.Combinations(chars("AA"), 1<<29)))
	diff(t, "permutations('A', 2**30)", [][]string{}, collect(seqs.Permutations(chars("A"), 1<<30)))
}

// permutations2 is the test file's second pure Python version: the products
// of indices without repeats.
func permutations2[T any](pool []T, r int) [][]T {
	out := [][]T{}
	idx := make([]int, len(pool))
	for i := range idx {
		idx[i] = i
	}
	pools := make([][]int, r)
	for i := range pools {
		pools[i] = idx
	}
	for p := range seqs.Product(pools...) {
		if len(slices.Compact(slices.Sorted(slices.Values(p)))) == r {
			c := make([]T, r)
			for i, j := range p {
				c[i] = pool[j]
			}
			out = append(out, c)
		}
	}
	return out
}

func TestCPythonPermutations(t *testing.T) {
	wantPanic(t, "seqs.Permutations: r < 0", func() { seqs.Permutations(chars("abc"), -2) })
	diff(t, "permutations('abc', 32)", [][]string{}, collect(seqs.Permutations(chars("abc"), 32)))
	diff(t, "permutations(range(3), 2)", [][]int{{0, 1}, {0, 2}, {1, 0}, {1, 2}, {2, 0}, {2, 1}}, collect(seqs.Permutations(ints(0, 3), 2)))
	for n := range 7 {
		values := make([]int, n)
		for x := range values {
			values[x] = 5*x - 12
		}
		for r := range n + 2 {
			result := collect(seqs.Permutations(values, r))
			want := 0
			if r <= n {
				want = fact(n) / fact(n-r)
			}
			if len(result) != want {
				t.Errorf("n=%d r=%d: %d permutations; want %d", n, r, len(result), want)
			}
			if !slices.IsSortedFunc(result, lexLess) || len(slices.CompactFunc(slices.Clone(result), slices.Equal)) != len(result) {
				t.Errorf("n=%d r=%d: not in lexicographic order without repeats", n, r)
			}
			for _, p := range result {
				if len(p) != r || len(slices.Compact(slices.Sorted(slices.Values(p)))) != r {
					t.Errorf("n=%d r=%d: %v is not an %d-permutation without duplicates", n, r, p, r)
				}
				for _, e := range p {
					if !slices.Contains(values, e) {
						t.Errorf("n=%d r=%d: %v has %d, not from the pool", n, r, p, e)
					}
				}
			}
			diff(t, fmt.Sprintf("permutations(n=%d, r=%d) against permutations2", n, r), permutations2(values, r), result)
		}
	}
}

func TestCPythonCombinatorics(t *testing.T) {
	for n := range 6 {
		s := chars("ABCDEFG"[:n])
		for r := range 8 {
			pools := make([][]string, r)
			for i := range pools {
				pools[i] = s
			}
			prod := collect(seqs.Product(pools...))
			perm := collect(seqs.Permutations(s, r))
			comb := collect(seqs.Combinations(s, r))
			if want := int(math.Pow(float64(n), float64(r))); len(prod) != want {
				t.Errorf("n=%d r=%d: %d products; want %d", n, r, len(prod), want)
			}
			wantPerm, wantComb := 0, 0
			if r <= n {
				wantPerm, wantComb = fact(n)/fact(n-r), fact(n)/fact(r)/fact(n-r)
			}
			if len(perm) != wantPerm || len(comb) != wantComb {
				t.Errorf("n=%d r=%d: %d permutations, %d combinations; want %d, %d", n, r, len(perm), len(comb), wantPerm, wantComb)
			}
			for name, res := range map[string][][]string{"product": prod, "permutations": perm, "combinations": comb} {
				if !slices.IsSortedFunc(res, slices.Compare) || len(slices.CompactFunc(slices.Clone(res), slices.Equal)) != len(res) {
					t.Errorf("n=%d r=%d: %s not in lexicographic order without repeats", n, r, name)
				}
			}
			distinct := func(t []string) bool { return len(slices.Compact(slices.Sorted(slices.Values(t)))) == len(t) }
			sorted := func(t []string) bool { return slices.IsSorted(t) }
			diff(t, "perm: prods with no dups", filter(prod, distinct), perm)
			diff(t, "comb: perms that are sorted", filter(perm, sorted), comb)
		}
	}
}

func filter[T any](s []T, keep func(T) bool) []T { return collect(seqs.Filter(slices.Values(s), keep)) }

func TestCPythonCount(t *testing.T) {
	leaktest.Check(t)
	abc := vals(chars("abc")...)
	diff(t, "lzip('abc', count())", []pair[string, int]{{"a", 0}, {"b", 1}, {"c", 2}}, lzip(abc, seqs.Count(0, 1)))
	diff(t, "lzip('abc', count(3))", []pair[string, int]{{"a", 3}, {"b", 4}, {"c", 5}}, lzip(abc, seqs.Count(3, 1)))
	diff(t, "take(2, zip('abc', count(-1)))", []pair[string, int]{{"a", -1}, {"b", 0}}, lzip(seqs.Take(abc, 2), seqs.Count(-1, 1)))
	diff(t, "take(2, zip('abc', count(-3)))", []pair[string, int]{{"a", -3}, {"b", -2}}, lzip(seqs.Take(abc, 2), seqs.Count(-3, 1)))
	// count(maxsize-5): Go's int wraps around past MaxInt where Python's grows.
	got := take(10, seqs.Count(math.MaxInt-5, 1))
	for i, v := range got {
		if want := math.MaxInt - 5 + i; v != want { // wraps, as Go's int arithmetic does
			t.Errorf("count(maxsize-5)[%d] = %d; want %d", i, v, want)
		}
	}
	if got[5] != math.MaxInt || got[6] != math.MinInt {
		t.Errorf("count(maxsize-5) around MaxInt = %d, %d; want MaxInt, then MinInt (wrapped)", got[5], got[6])
	}
	diff(t, "take(10, count(-maxsize-5))", []int{math.MinInt + 1, math.MinInt + 2}, take(2, seqs.Count(math.MinInt+1, 1)))
	// A count restarts when ranged again (Python's copy.copy of a fresh count).
	c := seqs.Count(3, 1)
	diff(t, "count(3) twice", []int{3, 3}, []int{take(1, c)[0], take(1, c)[0]})
}

func TestCPythonCountWithStride(t *testing.T) {
	leaktest.Check(t)
	abc := vals(chars("abc")...)
	for _, c := range []struct {
		start, step int
		want        []int
	}{
		{2, 3, []int{2, 5, 8}},
		{0, -1, []int{0, -1, -2}},
		{2, 0, []int{2, 2, 2}},
		{2, 1, []int{2, 3, 4}},
	} {
		var got []int
		for _, p := range lzip(abc, seqs.Count(c.start, c.step)) {
			got = append(got, p.B)
		}
		diff(t, fmt.Sprintf("count(%d, %d)", c.start, c.step), c.want, got)
	}
	diff(t, "take(20, count(maxsize-15, 3)) (below the wrap)", []int{math.MaxInt - 15, math.MaxInt - 12, math.MaxInt - 9}, take(3, seqs.Count(math.MaxInt-15, 3)))
	diff(t, "take(3, count(10, big step))", []int{10, 10 + 1<<40, 10 + 2<<40}, take(3, seqs.Count(10, 1<<40)))
}

func TestCPythonCycle(t *testing.T) {
	leaktest.Check(t)
	diff(t, "take(10, cycle('abc'))", chars("abcabcabca"), take(10, seqs.Cycle(vals(chars("abc")...))))
	diff(t, "cycle('')", []string{}, collect(seqs.Cycle(vals[string]())))
	diff(t, "islice(cycle(gen3()), 10)", []int{0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, take(10, seqs.Cycle(gen3())))
}

type rec struct{ A, B, C int }

func TestCPythonGroupBy(t *testing.T) {
	leaktest.Check(t)
	id := func(v int) int { return v }
	diff(t, "groupby([])", []pair[int, []int]{}, collect(collect2(seqs.GroupBy(vals[int](), id))))

	s := []rec{{0, 10, 20}, {0, 11, 21}, {0, 12, 21}, {1, 13, 21}, {1, 14, 22}, {2, 15, 22}, {3, 16, 23}, {3, 17, 23}}
	r0 := func(r rec) int { return r.A }
	r2 := func(r rec) int { return r.C }
	// Normal input.
	var dup []rec
	for k, g := range seqs.GroupBy(vals(s...), r0) {
		for _, e := range g {
			if k != e.A {
				t.Errorf("key %d, element %v", k, e)
			}
			dup = append(dup, e)
		}
	}
	diff(t, "groupby(s, r[0]) flattened", s, dup)
	// Nested.
	dup = nil
	for k, g := range seqs.GroupBy(vals(s...), r0) {
		for ik, ig := range seqs.GroupBy(vals(g...), r2) {
			for _, e := range ig {
				if k != e.A || ik != e.C {
					t.Errorf("keys %d, %d, element %v", k, ik, e)
				}
				dup = append(dup, e)
			}
		}
	}
	diff(t, "nested groupby flattened", s, dup)
	// The groups unused: the keys.
	var keys []int
	for k := range seqs.GroupBy(vals(s...), r0) {
		keys = append(keys, k)
	}
	diff(t, "keys", []int{0, 1, 2, 3}, keys)
	// Groups used after advancing: CPython's lazy groups are empty by then;
	// Go's are slices, whole whenever they are read.
	type kv struct {
		K string
		V int
	}
	var gs [][]kv
	for _, g := range seqs.GroupBy(seqs.Map(vals(lzip(vals(chars("AABBBAAAA")...), irange(0, 9))...), func(p pair[string, int]) kv { return kv{p.A, p.B} }), func(x kv) string { return x.K }) {
		gs = append(gs, g)
	}
	diff(t, "groups kept", [][]kv{{{"A", 0}, {"A", 1}}, {{"B", 2}, {"B", 3}, {"B", 4}}, {{"A", 5}, {"A", 6}, {"A", 7}, {"A", 8}}}, gs)

	// Pipes and filters.
	ident := func(r string) string { return r }
	sorted := slices.Sorted(vals(chars("abracadabra")...))
	var uniq, uniqD []string
	var uniqC []pair[int, string]
	for k, g := range seqs.GroupBy(vals(sorted...), ident) {
		uniq = append(uniq, k)
		if len(take(1, seqs.Drop(vals(g...), 1))) > 0 {
			uniqD = append(uniqD, k)
		}
		uniqC = append(uniqC, pair[int, string]{len(g), k})
	}
	diff(t, "sort s | uniq", chars("abcdr"), uniq)
	diff(t, "sort s | uniq -d", chars("abr"), uniqD)
	diff(t, "sort s | uniq -c", []pair[int, string]{{5, "a"}, {2, "b"}, {1, "c"}, {1, "d"}, {2, "r"}}, uniqC)
	slices.SortFunc(uniqC, func(x, y pair[int, string]) int {
		return -cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	diff(t, "sort s | uniq -c | sort -rn | head -3", []pair[int, string]{{5, "a"}, {2, "r"}, {2, "b"}}, uniqC[:3])

	// Failures: of the source (outer and inner: before any value, and after
	// one), and of the key func.
	delayedRaise := func(n int) iter.Seq[string] {
		return func(yield func(string) bool) {
			for range n {
				if !yield("yo") {
					return
				}
			}
			panic(errValue)
		}
	}
	for n := range 2 {
		if p := panics(func() { collect2(seqs.GroupBy(delayedRaise(n), ident)) }); p != errValue {
			t.Errorf("delayed_raise(%d): panic = %v; want %v", n, p, errValue)
		}
	}
	for skip := range 2 {
		left := skip
		keyfunc := func(v int) int {
			if left > 0 {
				left--
				return v
			}
			panic(errValue)
		}
		if p := panics(func() { collect2(seqs.GroupBy(vals(make([]int, skip+1)...), keyfunc)) }); p != errValue {
			t.Errorf("keyfunc failing after %d: panic = %v; want %v", skip, p, errValue)
		}
	}
	wantPanic(t, "seqs.GroupBy: nil key func", func() { seqs.GroupBy[int, int](vals(1), nil) })
}

func collect2[K, V any](s iter.Seq2[K, V]) iter.Seq[pair[K, V]] {
	out := []pair[K, V]{}
	for k, v := range s {
		out = append(out, pair[K, V]{k, v})
	}
	return slices.Values(out)
}

func TestCPythonFilter(t *testing.T) {
	leaktest.Check(t)
	diff(t, "filter(isEven, range(6))", []int{0, 2, 4}, collect(seqs.Filter(irange(0, 6), isEven)))
	truthy := func(v int) bool { return v != 0 }
	diff(t, "filter(bool, [0,1,0,2,0])", []int{1, 2}, collect(seqs.Filter(vals(0, 1, 0, 2, 0), truthy)))
	diff(t, "take(4, filter(isEven, count()))", []int{0, 2, 4, 6}, take(4, seqs.Filter(seqs.Count(0, 1), isEven)))
	wantPanic(t, "seqs.Filter: nil func", func() { seqs.Filter(vals(1), nil) })
	// Re-iterable over a re-iterable source, as copy.copy of a fresh filter.
	c := seqs.Filter(irange(0, 6), isEven)
	diff(t, "filter twice", []int{0, 2, 4, 0, 2, 4}, append(collect(c), collect(c)...))
}

func TestCPythonZip(t *testing.T) {
	leaktest.Check(t)
	abc := vals(chars("abc")...)
	diff(t, "zip('abc', count())", []pair[string, int]{{"a", 0}, {"b", 1}, {"c", 2}}, lzip(abc, seqs.Count(0, 1)))
	diff(t, "zip('abc', range(6))", []pair[string, int]{{"a", 0}, {"b", 1}, {"c", 2}}, lzip(abc, irange(0, 6)))
	abcdef := vals(chars("abcdef")...)
	diff(t, "zip('abcdef', range(3))", []pair[string, int]{{"a", 0}, {"b", 1}, {"c", 2}}, lzip(abcdef, irange(0, 3)))
	got := []pair[string, int]{}
	for a, b := range seqs.Zip(abcdef, seqs.Count(0, 1)) {
		got = append(got, pair[string, int]{a, b})
		if len(got) == 3 {
			break
		}
	}
	diff(t, "take(3, zip('abcdef', count()))", []pair[string, int]{{"a", 0}, {"b", 1}, {"c", 2}}, got)
	diff(t, "zip('abc', 'def')", []pair[string, string]{{"a", "d"}, {"b", "e"}, {"c", "f"}}, lzip(abc, vals(chars("def")...)))
	wantPanic(t, "seqs.Zip: nil sequence", func() { seqs.Zip(abc, iter.Seq[int](nil)) })
}

func TestCPythonPairwise(t *testing.T) {
	leaktest.Check(t)
	pw := func(s string) []pair[string, string] {
		out := []pair[string, string]{}
		for a, b := range seqs.Pairwise(vals(chars(s)...)) {
			out = append(out, pair[string, string]{a, b})
		}
		return out
	}
	diff(t, "pairwise('')", []pair[string, string]{}, pw(""))
	diff(t, "pairwise('a')", []pair[string, string]{}, pw("a"))
	diff(t, "pairwise('ab')", []pair[string, string]{{"a", "b"}}, pw("ab"))
	diff(t, "pairwise('abcde')", []pair[string, string]{{"a", "b"}, {"b", "c"}, {"c", "d"}, {"d", "e"}}, pw("abcde"))
	got := collect(collect2(seqs.Pairwise(irange(0, 10000))))
	diff(t, "pairwise(range(10000))", lzip(irange(0, 10000), irange(1, 10000)), got)
}

// product1 is the test file's first pure Python version (an odometer).
func product1(pools ...[]int) [][]int {
	n := len(pools)
	if n == 0 {
		return [][]int{{}}
	}
	for _, p := range pools {
		if len(p) == 0 {
			return [][]int{}
		}
	}
	indices := make([]int, n)
	out := [][]int{}
	emit := func() {
		t := make([]int, n)
		for i, p := range pools {
			t[i] = p[indices[i]]
		}
		out = append(out, t)
	}
	emit()
	for {
		i := n - 1
		for ; i >= 0; i-- {
			if indices[i] == len(pools[i])-1 {
				continue
			}
			indices[i]++
			for j := i + 1; j < n; j++ {
				indices[j] = 0
			}
			emit()
			break
		}
		if i < 0 {
			return out
		}
	}
}

// product2 is the test file's second pure Python version (the docs').
func product2(pools ...[]int) [][]int {
	result := [][]int{{}}
	for _, pool := range pools {
		var next [][]int
		for _, x := range result {
			for _, y := range pool {
				next = append(next, append(slices.Clone(x), y))
			}
		}
		result = next
	}
	if result == nil {
		return [][]int{}
	}
	return result
}

func TestCPythonProduct(t *testing.T) {
	for _, c := range []struct {
		args [][]int
		want [][]int
	}{
		{nil, [][]int{{}}},
		{[][]int{{0, 1}}, [][]int{{0}, {1}}},
		{[][]int{{0, 1}, {0, 1, 2}}, [][]int{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}}},
		{[][]int{{}, {0, 1}, {0, 1, 2}}, [][]int{}},
		{[][]int{{0, 1}, {}, {0, 1, 2}}, [][]int{}},
		{[][]int{{0, 1}, {0, 1, 2}, {}}, [][]int{}},
	} {
		diff(t, fmt.Sprintf("product%v", c.args), c.want, collect(seqs.Product(c.args...)))
		for r := range 4 { // repeat=r is the pools r times over
			var rep [][]int
			for range r {
				rep = append(rep, c.args...)
			}
			diff(t, fmt.Sprintf("product%v repeat=%d", c.args, r), product1(rep...), collect(seqs.Product(rep...)))
		}
	}
	r7 := ints(0, 7)
	if n := len(collect(seqs.Product(r7, r7, r7, r7, r7, r7))); n != 117649 {
		t.Errorf("len(product(*[range(7)]*6)) = %d; want 7**6", n)
	}
	argtypes := [][]int{{}, {0, 1, 2}, {}, {}, ints(0, 4), {1, 2, 3}, ints(0, 7), ints(0, 11), ints(0, 13)}
	seed := uint64(20240611)
	rng := rand.New(rand.NewPCG(seed, seed))
	for range 100 {
		args := make([][]int, rng.IntN(5))
		want := 1
		for j := range args {
			args[j] = argtypes[rng.IntN(len(argtypes))]
			want *= len(args[j])
		}
		got := collect(seqs.Product(args...))
		if len(got) != want {
			t.Errorf("seed %d: len(product%v) = %d; want %d", seed, args, len(got), want)
		}
		diff(t, fmt.Sprintf("seed %d: product%v against product1", seed, args), product1(args...), got)
		diff(t, fmt.Sprintf("seed %d: product%v against product2", seed, args), product2(args...), got)
	}
}

// Product copies its pools, as Python makes tuples of them.
func TestProductCopiesPools(t *testing.T) {
	pool := []int{1, 2}
	p := seqs.Product(pool)
	pool[0] = 9
	diff(t, "product after the pool changed", [][]int{{1}, {2}}, collect(p))
}

func TestCPythonRepeat(t *testing.T) {
	leaktest.Check(t)
	diff(t, "repeat('a', 3)", chars("aaa"), collect(seqs.Repeat("a", 3)))
	diff(t, "lzip(range(3), repeat('a'))", []pair[int, string]{{0, "a"}, {1, "a"}, {2, "a"}}, lzip(irange(0, 3), seqs.Repeat("a", -1)))
	diff(t, "take(3, repeat('a'))", chars("aaa"), take(3, seqs.Repeat("a", -1)))
	diff(t, "repeat('a', 0)", []string{}, collect(seqs.Repeat("a", 0)))
	// Go differs: repeat('a', -3) is empty in Python; a negative n repeats
	// forever here (the contract's "n < 0: forever").
	diff(t, "take(4, Repeat('a', -3))", chars("aaaa"), take(4, seqs.Repeat("a", -3)))
}

func TestCPythonMap(t *testing.T) {
	leaktest.Check(t)
	// map(f, a, b) is Map over Zip's pairs.
	pow := func(p pair[int, int]) int { return int(math.Pow(float64(p.A), float64(p.B))) }
	diff(t, "map(pow, range(3), range(1, 7))", []int{0, 1, 8}, collect(seqs.Map(vals(lzip(irange(0, 3), irange(1, 7))...), pow)))
	diff(t, "map(pow, [])", []int{}, collect(seqs.Map(vals[pair[int, int]](), pow)))
	diff(t, "take(2, map(tupleize, 'abc', count()))", []pair[string, int]{{"a", 0}, {"b", 1}},
		take(2, seqs.Map(vals(lzip(vals(chars("abc")...), seqs.Count(0, 1))...), func(p pair[string, int]) pair[string, int] { return p })))
	if p := panics(func() { collect(seqs.Map(vals(4), errfunc)) }); p != errValue {
		t.Errorf("map(errfunc, [4]): panic = %v; want %v", p, errValue)
	}
	wantPanic(t, "seqs.Map: nil func", func() { seqs.Map[int, int](vals(1), nil) })
}

func TestCPythonISlice(t *testing.T) {
	leaktest.Check(t)
	// islice(range(100), *args) agrees with range(*args).
	for _, c := range []struct{ start, stop, step int }{
		{10, 20, 3}, {10, 3, 20}, {10, 20, 1}, {10, 10, 1}, {10, 3, 1}, {0, 20, 1},
	} {
		var want []int
		for i := c.start; i < c.stop; i += c.step {
			want = append(want, i)
		}
		if want == nil {
			want = []int{}
		}
		diff(t, fmt.Sprintf("islice(range(100), %d, %d, %d)", c.start, c.stop, c.step), want, collect(seqs.Slice(irange(0, 100), c.start, c.stop, c.step)))
	}
	// Stop when the sequence is exhausted.
	diff(t, "islice(range(100), 10, 110, 3)", collect(seqs.Slice(irange(0, 100), 10, 100, 3)), collect(seqs.Slice(irange(0, 100), 10, 110, 3)))
	diff(t, "islice(range(100), 10, 110)", ints(10, 100), collect(seqs.Slice(irange(0, 100), 10, 110, 1)))
	diff(t, "islice(range(100), 110)", ints(0, 100), collect(seqs.Take(irange(0, 100), 110)))
	// stop=None.
	diff(t, "islice(range(10), None)", ints(0, 10), collect(seqs.Slice(irange(0, 10), 0, -1, 1)))
	diff(t, "islice(range(10), 2, None)", ints(2, 10), collect(seqs.Slice(irange(0, 10), 2, -1, 1)))
	diff(t, "islice(range(10), 1, None, 2)", []int{1, 3, 5, 7, 9}, collect(seqs.Slice(irange(0, 10), 1, -1, 2)))
	// The number of items consumed (SF #1171417).
	src, rest := shared(10)
	diff(t, "islice(it, 3)", ints(0, 3), collect(seqs.Take(src, 3)))
	diff(t, "rest after islice(it, 3)", ints(3, 10), rest())
	src, rest = shared(10)
	diff(t, "islice(it, 3, 3)", []int{}, collect(seqs.Slice(src, 3, 3, 1)))
	diff(t, "rest after islice(it, 3, 3)", ints(3, 10), rest())
	// Invalid arguments.
	wantPanic(t, "seqs.Slice: start < 0", func() { seqs.Slice(irange(0, 10), -5, 10, 1) })
	wantPanic(t, "seqs.Slice: step < 1", func() { seqs.Slice(irange(0, 10), 1, 10, -1) })
	wantPanic(t, "seqs.Slice: step < 1", func() { seqs.Slice(irange(0, 10), 1, 10, 0) })
	if n := len(collect(seqs.Slice(seqs.Count(0, 1), 1, 10, math.MaxInt))); n != 1 {
		t.Errorf("len(islice(count(), 1, 10, maxsize)) = %d; want 1", n)
	}
	// Issue #10323: islice leaves its source in a predictable state.
	c, rest := shared(100)
	diff(t, "islice(c, 1, 3, 50)", []int{1}, collect(seqs.Slice(c, 1, 3, 50)))
	if r := rest(); r[0] != 3 {
		t.Errorf("next(c) after islice(c, 1, 3, 50) = %d; want 3", r[0])
	}
}

func TestCPythonTakeWhile(t *testing.T) {
	leaktest.Check(t)
	data := []int{1, 3, 5, 20, 2, 4, 6, 8}
	underten := func(x int) bool { return x < 10 }
	diff(t, "takewhile(underten, data)", []int{1, 3, 5}, collect(seqs.TakeWhile(vals(data...), underten)))
	diff(t, "takewhile(underten, [])", []int{}, collect(seqs.TakeWhile(vals[int](), underten)))
	if p := panics(func() { collect(seqs.TakeWhile(vals(4), func(int) bool { panic(errValue) })) }); p != errValue {
		t.Errorf("takewhile(errfunc): panic = %v; want %v", p, errValue)
	}
	// Over a single-use source, a finished takewhile stays finished.
	truthy := func(v int) bool { return v != 0 }
	tw := seqs.TakeWhile(gen.FromSeq(vals(1, 1, 1, 0, 0, 0)).All(), truthy)
	diff(t, "takewhile(bool, [1, 1, 1, 0, 0, 0])", []int{1, 1, 1}, collect(tw))
	diff(t, "the same again", []int{}, collect(tw))
}

func TestCPythonDropWhile(t *testing.T) {
	leaktest.Check(t)
	data := []int{1, 3, 5, 20, 2, 4, 6, 8}
	underten := func(x int) bool { return x < 10 }
	diff(t, "dropwhile(underten, data)", []int{20, 2, 4, 6, 8}, collect(seqs.DropWhile(vals(data...), underten)))
	diff(t, "dropwhile(underten, [])", []int{}, collect(seqs.DropWhile(vals[int](), underten)))
	if p := panics(func() { collect(seqs.DropWhile(vals(4), func(int) bool { panic(errValue) })) }); p != errValue {
		t.Errorf("dropwhile(errfunc): panic = %v; want %v", p, errValue)
	}
}

// pullAll is next() called until the end, as Python's list(it) on an iterator
// already stepped.
func pullAll[T any](next func() (T, bool)) []T {
	out := []T{}
	for v, ok := next(); ok; v, ok = next() {
		out = append(out, v)
	}
	return out
}

func TestCPythonTee(t *testing.T) {
	leaktest.Check(t)
	const n = 200
	irangeGen := func(n int) iter.Seq[int] { return gen.FromSeq(irange(0, n)).All() } // single-use, as irange(n)

	ts := seqs.Tee(vals[int](), 2)
	diff(t, "tee([])", [][]int{{}, {}}, [][]int{collect(ts[0]), collect(ts[1])})

	ts = seqs.Tee(irangeGen(n), 2) // 100% interleaved
	diff(t, "lzip(a, b)", lzip(irange(0, n), irange(0, n)), lzip(ts[0], ts[1]))

	ts = seqs.Tee(irangeGen(n), 2) // 0% interleaved
	diff(t, "list(a), list(b)", [][]int{ints(0, n), ints(0, n)}, [][]int{collect(ts[0]), collect(ts[1])})

	// The leading iterator ends after 100 values.
	ts = seqs.Tee(irangeGen(n), 2)
	diff(t, "100 of a", ints(0, 100), take(100, ts[0]))
	diff(t, "list(b) after a ended", ints(0, n), collect(ts[1]))

	// The trailing iterator is dropped: Python's "del b" is b never ranged;
	// Python's next(a) is stepping a through iter.Pull.
	ts = seqs.Tee(irangeGen(n), 2)
	next, stop := iter.Pull(ts[0])
	for i := range 100 {
		if v, _ := next(); v != i {
			t.Fatalf("next(a) = %d; want %d", v, i)
		}
	}
	ts[1] = nil
	diff(t, "list(a) after b dropped", ints(100, n), pullAll(next))
	stop()

	// Randomly interleaved.
	seed := uint64(1171417)
	rng := rand.New(rand.NewPCG(seed, seed))
	for range 5 {
		order := append(slices.Repeat([]int{0}, n), slices.Repeat([]int{1}, n)...)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		ts := seqs.Tee(irangeGen(n), 2)
		var nexts [2]func() (int, bool)
		var stops [2]func()
		for i := range 2 {
			nexts[i], stops[i] = iter.Pull(ts[i])
		}
		lists := [2][]int{}
		for _, i := range order {
			v, _ := nexts[i]()
			lists[i] = append(lists[i], v)
		}
		for i := range 2 {
			stops[i]()
		}
		diff(t, fmt.Sprintf("seed %d: randomly interleaved", seed), [2][]int{ints(0, n), ints(0, n)}, lists)
	}

	// Long-lagged and multi-way split.
	ts = seqs.Tee(irange(0, 2000), 3)
	nextA, stopA := iter.Pull(ts[0])
	for i := range 100 {
		if v, _ := nextA(); v != i {
			t.Fatalf("next(a) = %d; want %d", v, i)
		}
	}
	diff(t, "list(b)", ints(0, 2000), collect(ts[1]))
	nextC, stopC := iter.Pull(ts[2])
	c0, _ := nextC()
	c1, _ := nextC()
	diff(t, "next(c) twice", []int{0, 1}, []int{c0, c1})
	diff(t, "list(a)", ints(100, 2000), pullAll(nextA))
	diff(t, "list(c)", ints(2, 2000), pullAll(nextC))
	stopA()
	stopC()

	// Values of n.
	wantPanic(t, "seqs.Tee: n < 0", func() { seqs.Tee(vals[int](), -1) })
	for k := range 5 {
		ts := seqs.Tee(vals(chars("abc")...), k)
		if len(ts) != k {
			t.Errorf("len(tee('abc', %d)) = %d", k, len(ts))
		}
		for i, it := range ts {
			diff(t, fmt.Sprintf("tee('abc', %d)[%d]", k, i), chars("abc"), collect(it))
		}
	}

	// Partially consumed: each iterator carries on from where it stands.
	ts = seqs.Tee(irange(0, 10000), 2)
	nextA, stopA = iter.Pull(ts[0])
	nextB, stopB := iter.Pull(ts[1])
	for range 100 {
		nextA()
	}
	for range 60 {
		nextB()
	}
	diff(t, "list(a) after 100", ints(100, 10000), pullAll(nextA))
	diff(t, "list(b) after 60", ints(60, 10000), pullAll(nextB))
	stopA()
	stopB()
}

// Issue 13454: dropping the backward iterator after the forward one has run
// through a long source (CPython crashed freeing the chain of buffers). A
// million values here, where CPython uses twenty million: the buffer holds
// every one of them for the backward iterator.
func TestCPythonTeeDelBackward(t *testing.T) {
	leaktest.Check(t)
	ts := seqs.Tee(seqs.Repeat(0, 1_000_000), 2)
	n := 0
	for range ts[0] {
		n++
	}
	if n != 1_000_000 {
		t.Errorf("forward ran %d values", n)
	}
	ts = nil
	runtime.GC()
}

// A source that ranges one of its own tee iterators while a value is drawn
// from it makes Tee panic, as CPython raises RuntimeError "cannot re-enter the
// tee iterator".
func TestCPythonTeeReenter(t *testing.T) {
	leaktest.Check(t)
	var b iter.Seq[int]
	first := true
	src := func(yield func(int) bool) {
		for {
			if first {
				first = false
				for v := range b {
					if !yield(v) {
						return
					}
				}
			}
			if !yield(0) {
				return
			}
		}
	}
	ts := seqs.Tee(src, 2)
	b = ts[1]
	wantPanic(t, "seqs.Tee: the source ranged one of its own tee iterators", func() {
		for range ts[0] {
			break
		}
	})
}

func TestCPythonStopIteration(t *testing.T) {
	leaktest.Check(t)
	stopNow := func(func(int) bool) {}
	for _, s := range []iter.Seq[int]{vals[int](), stopNow} {
		if got := collect(seqs.Chain(s)); len(got) != 0 {
			t.Errorf("chain: %v", got)
		}
		if got := collect(seqs.Cycle(s)); len(got) != 0 {
			t.Errorf("cycle: %v", got)
		}
		if got := collect(collect2(seqs.Zip(s, s))); len(got) != 0 {
			t.Errorf("zip: %v", got)
		}
		if got := collect(collect2(seqs.GroupBy(s, func(v int) int { return v }))); len(got) != 0 {
			t.Errorf("groupby: %v", got)
		}
		if got := collect(seqs.Slice(s, 0, -1, 1)); len(got) != 0 {
			t.Errorf("islice: %v", got)
		}
		for _, it := range seqs.Tee(s, 2) {
			if got := collect(it); len(got) != 0 {
				t.Errorf("tee: %v", got)
			}
		}
		id := func(v int) int { return v }
		truthy := func(v int) bool { return v != 0 }
		for name, f := range map[string]iter.Seq[int]{
			"filter": seqs.Filter(s, truthy), "map": seqs.Map(s, id),
			"takewhile": seqs.TakeWhile(s, truthy), "dropwhile": seqs.DropWhile(s, truthy),
		} {
			if got := collect(f); len(got) != 0 {
				t.Errorf("%s: %v", name, got)
			}
		}
	}
	if got := collect(seqs.Repeat(0, 0)); len(got) != 0 {
		t.Errorf("repeat(None, 0): %v", got)
	}
}

// --- TestExamples ---

func TestCPythonExamples(t *testing.T) {
	leaktest.Check(t)
	add := func(a, b int) int { return a + b }
	s := func(x string) iter.Seq[string] { return vals(chars(x)...) }
	join := func(it iter.Seq[string]) string { return strings.Join(collect(it), "") }
	diff(t, "accumulate", []int{1, 3, 6, 10, 15}, collect(seqs.Accumulate(vals(1, 2, 3, 4, 5), add)))
	diff(t, "chain", "ABCDEF", join(seqs.Chain(s("ABC"), s("DEF"))))
	diff(t, "chain.from_iterable", "ABCDEF", join(seqs.Flatten(vals(s("ABC"), s("DEF")))))
	diff(t, "combinations", [][]int{{0, 1, 2}, {0, 1, 3}, {0, 2, 3}, {1, 2, 3}}, collect(seqs.Combinations(ints(0, 4), 3)))
	diff(t, "count", []int{10, 11, 12, 13, 14}, take(5, seqs.Count(10, 1)))
	diff(t, "cycle", "ABCDABCDABCD", join(seqs.Take(seqs.Cycle(s("ABCD")), 12)))
	diff(t, "dropwhile", []int{6, 4, 1}, collect(seqs.DropWhile(vals(1, 4, 6, 4, 1), func(x int) bool { return x < 5 })))
	var keys []string
	var groups [][]string
	for k, g := range seqs.GroupBy(s("AAAABBBCCDAABBB"), func(r string) string { return r }) {
		keys = append(keys, k)
		if len(groups) < 4 {
			groups = append(groups, g)
		}
	}
	diff(t, "groupby keys", chars("ABCDAB"), keys)
	diff(t, "groupby groups", [][]string{chars("AAAA"), chars("BBB"), chars("CC"), chars("D")}, groups)
	diff(t, "filter", []int{1, 3, 5, 7, 9}, collect(seqs.Filter(irange(0, 10), isOdd)))
	diff(t, "islice 2", "AB", join(seqs.Take(s("ABCDEFG"), 2)))
	diff(t, "islice 2, 4", "CD", join(seqs.Slice(s("ABCDEFG"), 2, 4, 1)))
	diff(t, "islice 2, None", "CDEFG", join(seqs.Drop(s("ABCDEFG"), 2)))
	diff(t, "islice 0, None, 2", "ACEG", join(seqs.Slice(s("ABCDEFG"), 0, -1, 2)))
	diff(t, "zip", []pair[string, string]{{"A", "x"}, {"B", "y"}}, lzip(s("ABCD"), s("xy")))
	var perms []string
	for p := range seqs.Permutations(chars("ABCD"), 2) {
		perms = append(perms, strings.Join(p, ""))
	}
	diff(t, "permutations('ABCD', 2)", strings.Fields("AB AC AD BA BC BD CA CB CD DA DB DC"), perms)
	diff(t, "permutations(range(3))", [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}, collect(seqs.Permutations(ints(0, 3), 3)))
	var prods []string
	for p := range seqs.Product(chars("ABCD"), chars("xy")) {
		prods = append(prods, strings.Join(p, ""))
	}
	diff(t, "product('ABCD', 'xy')", strings.Fields("Ax Ay Bx By Cx Cy Dx Dy"), prods)
	r2 := ints(0, 2)
	diff(t, "product(range(2), repeat=3)", [][]int{{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 1}, {1, 0, 0}, {1, 0, 1}, {1, 1, 0}, {1, 1, 1}},
		collect(seqs.Product(r2, r2, r2)))
	diff(t, "repeat", []int{10, 10, 10}, collect(seqs.Repeat(10, 3)))
	diff(t, "takewhile", []int{1, 4}, collect(seqs.TakeWhile(vals(1, 4, 6, 4, 1), func(x int) bool { return x < 5 })))
	// map(pow, (2,3,10), (5,2,3)): Map over Zip's pairs.
	pow := func(p pair[int, int]) int { return int(math.Pow(float64(p.A), float64(p.B))) }
	diff(t, "map", []int{32, 9, 1000}, collect(seqs.Map(vals(lzip(vals(2, 3, 10), vals(5, 2, 3))...), pow)))
}

// test_accumulate_reducible: the rest of an accumulate after one value (the
// copy and pickle parts have no counterpart).
func TestCPythonAccumulateReducible(t *testing.T) {
	leaktest.Check(t)
	next, stop := iter.Pull(seqs.Accumulate(vals(1, 2, 3, 4, 5), func(a, b int) int { return a + b }))
	defer stop()
	if v, _ := next(); v != 1 {
		t.Errorf("next(it) = %d; want 1", v)
	}
	diff(t, "the rest", []int{3, 6, 10, 15}, pullAll(next))
}

// Issue #25718: a running total that is a nil value is not taken for "no
// total yet".
func TestCPythonAccumulateReducibleNone(t *testing.T) {
	leaktest.Check(t)
	is := func(a, b any) any { return a == b }
	diff(t, "accumulate([None]*3, operator.is_)", []any{nil, true, false}, collect(seqs.Accumulate(vals[any](nil, nil, nil), is)))
}

// --- TestPurePythonRoughEquivalents ---

func TestCPythonISliceRecipe(t *testing.T) {
	leaktest.Check(t)
	s := func(x string) iter.Seq[string] { return vals(chars(x)...) }
	diff(t, "islice 2", chars("AB"), collect(seqs.Take(s("ABCDEFG"), 2)))
	diff(t, "islice 2, 4", chars("CD"), collect(seqs.Slice(s("ABCDEFG"), 2, 4, 1)))
	diff(t, "islice 2, None", chars("CDEFG"), collect(seqs.Slice(s("ABCDEFG"), 2, -1, 1)))
	diff(t, "islice 0, None, 2", chars("ACEG"), collect(seqs.Slice(s("ABCDEFG"), 0, -1, 2)))
	src, rest := shared(10)
	diff(t, "islice(it, 3)", ints(0, 3), collect(seqs.Slice(src, 0, 3, 1)))
	diff(t, "rest", ints(3, 10), rest())
	src, rest = shared(10)
	diff(t, "islice(it, 3, 3)", []int{}, collect(seqs.Slice(src, 3, 3, 1)))
	diff(t, "rest", ints(3, 10), rest())
	src, rest = shared(10)
	diff(t, "islice(c, 1, 3, 50)", []int{1}, collect(seqs.Slice(src, 1, 3, 50)))
	diff(t, "next(c)", 3, rest()[0])
}

// --- TestVariousIteratorArgs ---

// sourceKinds are the test file's G, I, Ig, S, L and R: a sequence over a
// slice (re-iterable), a single-use iterator, a generator, an empty source, a
// source through several tiers of adapters, and a gen.Gen in pull mode.
var sourceKinds = []struct {
	name string
	make func(s []int) iter.Seq[int]
}{
	{"G", func(s []int) iter.Seq[int] { return slices.Values(s) }},
	{"I", once},
	{"Ig", func(s []int) iter.Seq[int] { return gen.FromSeq(slices.Values(s)).All() }},
	{"S", func([]int) iter.Seq[int] { return func(func(int) bool) {} }},
	{"L", func(s []int) iter.Seq[int] {
		return seqs.Chain(seqs.Map(gen.FromSeq(slices.Values(s)).All(), func(v int) int { return v }))
	}},
	{"R", func(s []int) iter.Seq[int] {
		g := gen.FromSeq(slices.Values(s))
		if len(s) > 0 {
			// Started: ranging resumes it in pull mode.
			v, _ := g.Next()
			return seqs.Chain(seqs.Repeat(v, 1), g.All())
		}
		return g.All()
	}},
}

// once is a single-use iterator over s: ranging it again carries on where
// the last range stopped, as a Python iterator does.
func once(s []int) iter.Seq[int] {
	i := 0
	return func(yield func(int) bool) {
		for i < len(s) {
			v := s[i]
			i++
			if !yield(v) {
				return
			}
		}
	}
}

// errZeroDivision is the test file's E: a source whose __next__ raises.
var errZeroDivision = fmt.Errorf("ZeroDivisionError")

func raising(func(int) bool) { panic(errZeroDivision) }

func TestCPythonVariousIteratorArgs(t *testing.T) {
	leaktest.Check(t)
	inputs := [][]int{ints(0, 10), {}, ints(0, 1000), {7, 11}, collect(seqs.Slice(irange(2000, 2200), 0, -1, 5))}
	id := func(v int) int { return v }
	add := func(a, b int) int { return a + b }
	cases := []struct {
		name string
		f    func(s iter.Seq[int]) []int
		want func(s []int) []int
	}{
		{"accumulate", func(s iter.Seq[int]) []int { return collect(seqs.Accumulate(s, add)) }, func(s []int) []int {
			out := []int{}
			acc := 0
			for _, v := range s {
				acc += v
				out = append(out, acc)
			}
			return out
		}},
		{"chain", func(s iter.Seq[int]) []int { return collect(seqs.Chain(s)) }, func(s []int) []int { return append([]int{}, s...) }},
		{"cycle", nil, nil}, // below: it needs the length
		{"groupby", func(s iter.Seq[int]) []int {
			out := []int{}
			for k := range seqs.GroupBy(s, id) {
				out = append(out, k)
			}
			return out
		}, func(s []int) []int { return append([]int{}, s...) }},
		{"filter", func(s iter.Seq[int]) []int { return collect(seqs.Filter(s, isEven)) }, func(s []int) []int { return filter(s, isEven) }},
		{"zip", func(s iter.Seq[int]) []int {
			out := []int{}
			for a := range seqs.Zip(s, seqs.Count(0, 1)) {
				out = append(out, a)
			}
			return out
		}, func(s []int) []int { return append([]int{}, s...) }},
		{"map", func(s iter.Seq[int]) []int { return collect(seqs.Map(s, func(x int) int { return 2 * x })) }, func(s []int) []int {
			out := []int{}
			for _, x := range s {
				out = append(out, 2*x)
			}
			return out
		}},
		{"islice", func(s iter.Seq[int]) []int { return collect(seqs.Slice(s, 1, -1, 2)) }, func(s []int) []int {
			out := []int{}
			for i := 1; i < len(s); i += 2 {
				out = append(out, s[i])
			}
			return out
		}},
		{"pairwise", func(s iter.Seq[int]) []int {
			out := []int{}
			for a, b := range seqs.Pairwise(s) {
				out = append(out, a, b)
			}
			return out
		}, func(s []int) []int {
			out := []int{}
			for i := 1; i < len(s); i++ {
				out = append(out, s[i-1], s[i])
			}
			return out
		}},
		{"takewhile", func(s iter.Seq[int]) []int { return collect(seqs.TakeWhile(s, isEven)) }, func(s []int) []int {
			out := []int{}
			for _, v := range s {
				if !isEven(v) {
					break
				}
				out = append(out, v)
			}
			return out
		}},
		{"dropwhile", func(s iter.Seq[int]) []int { return collect(seqs.DropWhile(s, isOdd)) }, func(s []int) []int {
			out := []int{}
			for _, v := range s {
				if len(out) == 0 && isOdd(v) {
					continue
				}
				out = append(out, v)
			}
			return out
		}},
		{"tee", func(s iter.Seq[int]) []int {
			ts := seqs.Tee(s, 2)
			return append(collect(ts[0]), collect(ts[1])...)
		}, func(s []int) []int { return append(append([]int{}, s...), s...) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, in := range inputs {
				for _, k := range sourceKinds {
					var got, want []int
					if c.name == "cycle" {
						got = take(len(in)*3, seqs.Cycle(k.make(in)))
						want = append(append(append([]int{}, in...), in...), in...)
					} else {
						got, want = c.f(k.make(in)), c.want(in)
					}
					if k.name == "S" {
						if len(got) != 0 {
							t.Errorf("%s over S: %v; want nothing", c.name, got)
						}
						continue
					}
					diff(t, fmt.Sprintf("%s over %s of %d values", c.name, k.name, len(in)), want, got)
				}
			}
			// E: the source's failure passes through.
			var p any
			if c.name == "cycle" {
				p = panics(func() { collect(seqs.Cycle(raising)) })
			} else {
				p = panics(func() { c.f(raising) })
			}
			if p != errZeroDivision {
				t.Errorf("%s over E: panic = %v; want %v", c.name, p, errZeroDivision)
			}
		})
	}
}

// --- RegressionTests ---

// test_sf_950057: chain and cycle pass a failure on at once, not when they
// move on to the next source.
func TestCPythonChainCycleFailImmediately(t *testing.T) {
	leaktest.Check(t)
	var hist []int
	gen1 := func(yield func(int) bool) {
		hist = append(hist, 0)
		if !yield(1) {
			return
		}
		hist = append(hist, 1)
		panic(errValue)
	}
	gen2 := func(yield func(int) bool) {
		hist = append(hist, 3)
		if !yield(2) {
			return
		}
		hist = append(hist, 4)
	}
	for name, s := range map[string]iter.Seq[int]{"chain": seqs.Chain(gen1, gen2), "cycle": seqs.Cycle(gen1)} {
		hist = nil
		if p := panics(func() { collect(s) }); p != errValue {
			t.Errorf("%s: panic = %v; want %v", name, p, errValue)
		}
		diff(t, name+" history", []int{0, 1}, hist)
	}
}

// test_long_chain_of_empty_iterables: no recursion per empty inner sequence.
func TestCPythonLongChainOfEmptyIterables(t *testing.T) {
	empty := func(func(int) bool) {}
	n := 10_000_000
	if testing.Short() {
		n = 100_000
	}
	ss := seqs.Map(seqs.Take(seqs.Count(0, 1), n), func(int) iter.Seq[int] { return empty })
	for v := range seqs.Flatten(ss) {
		t.Fatalf("got %d from empty sequences", v)
	}
}
