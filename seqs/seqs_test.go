package seqs_test

import (
	"errors"
	"iter"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/seqs"
)

// adapters applies each adapter of the package to an int source, as a
// sequence of ints, for the tests that check what every adapter must do.
var adapters = []struct {
	name string
	of   func(s iter.Seq[int]) iter.Seq[int]
}{
	{"Map", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Map(s, func(v int) int { return v + 1 }) }},
	{"Filter", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Filter(s, func(v int) bool { return v%3 != 2 }) }},
	{"Enumerate", func(s iter.Seq[int]) iter.Seq[int] { return keys(seqs.Enumerate(s)) }},
	{"Accumulate", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Accumulate(s, func(a, b int) int { return a + b }) }},
	{"Take", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Take(s, 1000) }},
	{"Drop", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Drop(s, 2) }},
	{"Slice", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Slice(s, 1, 1000, 2) }},
	{"TakeWhile", func(s iter.Seq[int]) iter.Seq[int] { return seqs.TakeWhile(s, func(v int) bool { return v < 1000 }) }},
	{"DropWhile", func(s iter.Seq[int]) iter.Seq[int] { return seqs.DropWhile(s, func(v int) bool { return v < 2 }) }},
	{"Chain", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Chain(vals(-1), s, vals(-2)) }},
	{"Flatten", func(s iter.Seq[int]) iter.Seq[int] {
		return seqs.Flatten(seqs.Map(s, func(v int) iter.Seq[int] { return seqs.Repeat(v, 2) }))
	}},
	{"Zip(s, count)", func(s iter.Seq[int]) iter.Seq[int] { return keys(seqs.Zip(s, seqs.Count(0, 1))) }},
	{"Zip(count, s)", func(s iter.Seq[int]) iter.Seq[int] { return values(seqs.Zip(seqs.Count(0, 1), s)) }},
	{"Pairwise", func(s iter.Seq[int]) iter.Seq[int] { return values(seqs.Pairwise(s)) }},
	{"Batched", func(s iter.Seq[int]) iter.Seq[int] {
		return seqs.Map(seqs.Batched(s, 2), func(b []int) int { return b[0] })
	}},
	{"GroupBy", func(s iter.Seq[int]) iter.Seq[int] { return keys(seqs.GroupBy(s, func(v int) int { return v / 2 })) }},
	{"Cycle", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Take(seqs.Cycle(s), 7) }},
	{"Tee", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Tee(s, 1)[0] }}, // TestTeeStopsSource has n > 1
	{"Through", func(s iter.Seq[int]) iter.Seq[int] {
		return keys(seqs.Through(ok(s), func(s iter.Seq[int]) iter.Seq[int] { return seqs.Map(s, func(v int) int { return -v }) }))
	}},
	{"MapErr", func(s iter.Seq[int]) iter.Seq[int] {
		return keys(seqs.MapErr(ok(s), func(v int) (int, error) { return v * 2, nil }))
	}},
}

func keys[K, V any](s iter.Seq2[K, V]) iter.Seq[K] {
	return func(yield func(K) bool) {
		for k := range s {
			if !yield(k) {
				return
			}
		}
	}
}

func values[K, V any](s iter.Seq2[K, V]) iter.Seq[V] {
	return func(yield func(V) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}

// ok is s as a fallible sequence that never fails.
func ok[T any](s iter.Seq[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// watched is a source of 0..n-1 that records what it drew and whether its
// deferred cleanup has run.
type watched struct {
	drawn   int
	cleaned bool
	running bool
}

func (w *watched) seq(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		if w.running {
			panic("watched: ranged while ranging")
		}
		w.running = true
		defer func() { w.cleaned, w.running = true, false }()
		for i := range n {
			w.drawn++
			if !yield(i) {
				return
			}
		}
	}
}

// Breaking out of a range over any adapter stops its source (if it started:
// Chain's middle one does not): the source's deferred calls have run when the
// range statement ends, and no goroutine is left (Zip and Tee pull).
func TestBreakStopsSource(t *testing.T) {
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			leaktest.Check(t)
			var w watched
			for range a.of(w.seq(1 << 20)) {
				break
			}
			if w.running {
				t.Errorf("source not stopped when the range statement ended")
			}
			if w.drawn > 3 {
				t.Errorf("drew %d values for one", w.drawn)
			}
		})
	}
}

// A panic in the loop body passes through every adapter unchanged, and the
// source's deferred calls run on the way.
func TestLoopBodyPanicStopsSource(t *testing.T) {
	boom := errors.New("loop body")
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			leaktest.Check(t)
			var w watched
			p := panics(func() {
				for range a.of(w.seq(1 << 20)) {
					panic(boom)
				}
			})
			if p != boom {
				t.Errorf("panic = %v; want %v", p, boom)
			}
			if w.running {
				t.Errorf("source not stopped by the panic")
			}
		})
	}
}

// A panic in the source passes through every adapter unchanged.
func TestSourcePanicPassesThrough(t *testing.T) {
	boom := errors.New("source")
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			leaktest.Check(t)
			src := func(yield func(int) bool) {
				for i := range 3 {
					if !yield(i) {
						return
					}
				}
				panic(boom)
			}
			if p := panics(func() { collect(a.of(src)) }); p != boom {
				t.Errorf("panic = %v; want %v", p, boom)
			}
		})
	}
}

// An adapter over a re-iterable source is re-iterable and starts afresh; over
// a single-use source it is single-use (the second range yields what the
// source has left: nothing).
func TestReiterable(t *testing.T) {
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			leaktest.Check(t)
			if a.name == "Tee" {
				// Tee's iterators are single-use whatever the source.
				it := a.of(irange(0, 10))
				diff(t, "first range", ints(0, 10), collect(it))
				diff(t, "second range", []int{}, collect(it))
				return
			}
			s := a.of(irange(0, 10))
			first := collect(s)
			diff(t, "second range of a re-iterable", first, collect(s))
			g := a.of(gen.FromSeq(irange(0, 10)).All())
			diff(t, "first range of a single-use", first, collect(g))
			if got := collect(g); a.name == "Chain" {
				diff(t, "second range of a single-use chain", []int{-1, -2}, got)
			} else {
				diff(t, "second range of a single-use", []int{}, got)
			}
		})
	}
}

// Push-mode adapters allocate nothing per value: a range over twice as many
// values allocates as much.
func TestNoAllocationPerValue(t *testing.T) {
	if testing.CoverMode() != "" || raceEnabled {
		t.Skip("allocations differ under coverage and the race detector")
	}
	for _, a := range adapters {
		switch a.name {
		case "Flatten", "Batched", "GroupBy", "Cycle", "Tee":
			continue // they allocate per inner sequence, batch, group, value kept, link
		}
		t.Run(a.name, func(t *testing.T) {
			count := func(n int) float64 {
				s := a.of(seqs.Take(seqs.Count(0, 1), n))
				return testing.AllocsPerRun(20, func() {
					for range s {
					}
				})
			}
			if small, large := count(100), count(10000); large != small {
				t.Errorf("%v allocations over 100 values, %v over 10000", small, large)
			}
		})
	}
}

// Reading no further than needed: Take(s, 2) draws two values.
func TestDrawsNoFurther(t *testing.T) {
	leaktest.Check(t)
	for _, c := range []struct {
		name string
		of   func(s iter.Seq[int]) iter.Seq[int]
		want int
	}{
		{"Take(s, 2)", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Take(s, 2) }, 2},
		{"Take(s, 0)", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Take(s, 0) }, 0},
		{"Slice(s, 0, 3, 2)", func(s iter.Seq[int]) iter.Seq[int] { return seqs.Slice(s, 0, 3, 2) }, 3},
		{"TakeWhile(s, < 3)", func(s iter.Seq[int]) iter.Seq[int] {
			return seqs.TakeWhile(s, func(v int) bool { return v < 3 })
		}, 4},
		{"Batched(s, 3) taking one batch", func(s iter.Seq[int]) iter.Seq[int] {
			return seqs.Take(seqs.Map(seqs.Batched(s, 3), func(b []int) int { return len(b) }), 1)
		}, 3},
		{"Zip(s, empty)", func(s iter.Seq[int]) iter.Seq[int] { return keys(seqs.Zip(s, vals[int]())) }, 1},
		{"Zip(empty, s)", func(s iter.Seq[int]) iter.Seq[int] { return keys(seqs.Zip(vals[int](), s)) }, 0},
		{"Zip(two, s)", func(s iter.Seq[int]) iter.Seq[int] { return keys(seqs.Zip(vals(7, 8), s)) }, 2},
	} {
		var w watched
		collect(c.of(w.seq(100)))
		if w.drawn != c.want {
			t.Errorf("%s drew %d values; want %d", c.name, w.drawn, c.want)
		}
	}
}

func TestMisusePanics(t *testing.T) {
	s := vals(1)
	var nilSeq iter.Seq[int]
	id := func(v int) int { return v }
	keep := func(int) bool { return true }
	for _, c := range []struct {
		want string
		f    func()
	}{
		{"seqs.Map: nil sequence", func() { seqs.Map(nilSeq, id) }},
		{"seqs.Map: nil func", func() { seqs.Map[int, int](s, nil) }},
		{"seqs.Filter: nil sequence", func() { seqs.Filter(nilSeq, keep) }},
		{"seqs.Filter: nil func", func() { seqs.Filter(s, nil) }},
		{"seqs.Enumerate: nil sequence", func() { seqs.Enumerate(nilSeq) }},
		{"seqs.Accumulate: nil sequence", func() { seqs.Accumulate(nilSeq, func(a, b int) int { return a }) }},
		{"seqs.Accumulate: nil func", func() { seqs.Accumulate(s, nil) }},
		{"seqs.Reduce: nil sequence", func() { seqs.Reduce(nilSeq, 0, func(a, b int) int { return a }) }},
		{"seqs.Reduce: nil func", func() { seqs.Reduce[int, int](s, 0, nil) }},
		{"seqs.Take: nil sequence", func() { seqs.Take(nilSeq, 1) }},
		{"seqs.Drop: nil sequence", func() { seqs.Drop(nilSeq, 1) }},
		{"seqs.Slice: nil sequence", func() { seqs.Slice(nilSeq, 0, 1, 1) }},
		{"seqs.Slice: start < 0", func() { seqs.Slice(s, -1, 1, 1) }},
		{"seqs.Slice: step < 1", func() { seqs.Slice(s, 0, 1, 0) }},
		{"seqs.TakeWhile: nil sequence", func() { seqs.TakeWhile(nilSeq, keep) }},
		{"seqs.TakeWhile: nil func", func() { seqs.TakeWhile(s, nil) }},
		{"seqs.DropWhile: nil sequence", func() { seqs.DropWhile(nilSeq, keep) }},
		{"seqs.DropWhile: nil func", func() { seqs.DropWhile(s, nil) }},
		{"seqs.Chain: nil sequence", func() { seqs.Chain(s, nilSeq) }},
		{"seqs.Flatten: nil sequence", func() { seqs.Flatten[int](nil) }},
		{"seqs.Zip: nil sequence", func() { seqs.Zip(nilSeq, s) }},
		{"seqs.Pairwise: nil sequence", func() { seqs.Pairwise(nilSeq) }},
		{"seqs.Batched: nil sequence", func() { seqs.Batched(nilSeq, 1) }},
		{"seqs.Batched: n < 1", func() { seqs.Batched(s, 0) }},
		{"seqs.GroupBy: nil sequence", func() { seqs.GroupBy(nilSeq, id) }},
		{"seqs.Tee: nil sequence", func() { seqs.Tee(nilSeq, 2) }},
		{"seqs.Tee: n < 0", func() { seqs.Tee(s, -1) }},
		{"seqs.Cycle: nil sequence", func() { seqs.Cycle(nilSeq) }},
		{"seqs.Permutations: r < 0", func() { seqs.Permutations([]int{}, -1) }},
		{"seqs.Combinations: r < 0", func() { seqs.Combinations([]int{}, -1) }},
		{"seqs.Through: nil sequence", func() { seqs.Through(nil, func(s iter.Seq[int]) iter.Seq[int] { return s }) }},
		{"seqs.Through: nil stage", func() { seqs.Through[int, int](ok(s), nil) }},
		{"seqs.Through: stage returned a nil sequence", func() {
			collect(keys(seqs.Through(ok(s), func(iter.Seq[int]) iter.Seq[int] { return nil })))
		}},
		{"seqs.MapErr: nil sequence", func() { seqs.MapErr(nil, func(v int) (int, error) { return v, nil }) }},
		{"seqs.MapErr: nil func", func() { seqs.MapErr[int, int](ok(s), nil) }},
	} {
		wantPanic(t, c.want, c.f)
	}
}

// Batched and GroupBy hand out slices the consumer may keep; Batched's n is
// not preallocated beyond what a batch can use.
func TestBatchesAndGroupsAreKept(t *testing.T) {
	var batches [][]int
	for b := range seqs.Batched(irange(0, 7), 3) {
		batches = append(batches, b)
	}
	diff(t, "batches kept", [][]int{{0, 1, 2}, {3, 4, 5}, {6}}, batches)
	batches[0] = append(batches[0], 99) // appending to one does not touch another
	diff(t, "next batch after append", []int{3, 4, 5}, batches[1])
	var gs [][]int
	for _, g := range seqs.GroupBy(vals(1, 1, 2, 3, 3, 3), func(v int) int { return v }) {
		gs = append(gs, g)
	}
	diff(t, "groups kept", [][]int{{1, 1}, {2}, {3, 3, 3}}, gs)
	for _, g := range gs {
		if cap(g) != len(g) {
			t.Errorf("group %v has capacity %d", g, cap(g))
		}
	}
	for b := range seqs.Batched(irange(0, 3), 1<<40) {
		diff(t, "a huge n over a short sequence", []int{0, 1, 2}, b)
	}
}

// Tee stops its source when its last iterator ends, and counts an iterator
// never ranged as ended once it is unreachable.
func TestTeeStopsSource(t *testing.T) {
	leaktest.Check(t)
	t.Run("all ranged", func(t *testing.T) {
		var w watched
		ts := seqs.Tee(w.seq(100), 3)
		for i, it := range ts {
			for range it {
				break
			}
			if w.cleaned != (i == len(ts)-1) {
				t.Errorf("after iterator %d ended: source stopped = %v", i, w.cleaned)
			}
		}
		if w.drawn != 1 {
			t.Errorf("drew %d values", w.drawn)
		}
	})
	t.Run("one never ranged", func(t *testing.T) {
		var w watched
		done := make(chan struct{})
		func() {
			ts := seqs.Tee(func(yield func(int) bool) {
				defer close(done)
				w.seq(100)(yield)
			}, 2)
			for range ts[0] {
				break
			}
		}()
		// ts[1] is unreachable now: a collection runs its cleanup, which
		// stops the source on a goroutine of its own.
		deadline := time.Now().Add(10 * time.Second)
		for {
			runtime.GC()
			select {
			case <-done:
				return
			default:
			}
			if time.Now().After(deadline) {
				t.Fatal("source not stopped after the tee became unreachable")
			}
			time.Sleep(time.Millisecond)
		}
	})
	t.Run("nested in its own range", func(t *testing.T) {
		ts := seqs.Tee(irange(0, 3), 1)
		inner := []int{}
		for range ts[0] {
			inner = append(inner, collect(ts[0])...)
		}
		diff(t, "a tee iterator ranged within its own range", []int{}, inner)
	})
	t.Run("source panics", func(t *testing.T) {
		boom := errors.New("boom")
		ts := seqs.Tee(func(yield func(int) bool) {
			yield(1)
			panic(boom)
		}, 2)
		if p := panics(func() { collect(ts[0]) }); p != boom {
			t.Errorf("panic = %v; want %v", p, boom)
		}
		diff(t, "the other iterator after the panic", []int{1}, collect(ts[1]))
	})
}

// A Tee's buffer spans links: values far apart are handed out in order to an
// iterator far behind.
func TestTeeLongLag(t *testing.T) {
	leaktest.Check(t)
	ts := seqs.Tee(irange(0, 1000), 3)
	diff(t, "leader", ints(0, 1000), collect(ts[0]))
	diff(t, "zip of the laggards", lzip(irange(0, 1000), irange(0, 1000)), lzip(ts[1], ts[2]))
}

// A source that ranges one of its own tee iterators while a value is drawn
// from it, and takes only values already buffered for that one, needs no
// draw: as in CPython, nothing is raised, and the iterator being drawn for is
// not cut short when the sibling's range ends (it used to end after 2).
func TestTeeSourceRangesSibling(t *testing.T) {
	leaktest.Check(t)
	var b iter.Seq[int]
	var w watched
	peeked := []int{}
	src := func(yield func(int) bool) {
		for i := range w.seq(5) {
			if i == 2 {
				for v := range b {
					peeked = append(peeked, v)
					break
				}
			}
			if !yield(i) {
				return
			}
		}
	}
	ts := seqs.Tee(src, 2)
	b = ts[1]
	diff(t, "the iterator drawn for", ints(0, 5), collect(ts[0]))
	diff(t, "the sibling ranged by the source", []int{0}, peeked)
	if !w.cleaned {
		t.Errorf("source not stopped once both iterators ended")
	}
}

var errParse = errors.New("parse")

// Through: the source's failure unwinds the stage (nothing more comes out of
// it) and reaches the loop as the last pair; a break stops everything; a
// panic in the stage passes through.
func TestThrough(t *testing.T) {
	leaktest.Check(t)
	failing := func(n int) iter.Seq2[int, error] {
		return func(yield func(int, error) bool) {
			for i := range n {
				if !yield(i, nil) {
					return
				}
			}
			yield(0, errParse)
		}
	}
	type step struct {
		V   []int
		Err string
	}
	run := func(s iter.Seq2[[]int, error]) []step {
		var out []step
		for v, err := range s {
			e := ""
			if err != nil {
				e = err.Error()
			}
			out = append(out, step{v, e})
		}
		return out
	}
	batched := func(s iter.Seq[int]) iter.Seq[[]int] { return seqs.Batched(s, 2) }
	diff(t, "Batched over a failing source", []step{{[]int{0, 1}, ""}, {[]int{2, 3}, ""}, {nil, "parse"}}, run(seqs.Through(failing(5), batched)))
	diff(t, "Batched over a source that does not fail", []step{{[]int{0, 1}, ""}, {[]int{2}, ""}}, run(seqs.Through(ok(irange(0, 3)), batched)))
	cycle := func(s iter.Seq[int]) iter.Seq[[]int] {
		return seqs.Map(seqs.Cycle(s), func(v int) []int { return []int{v} })
	}
	diff(t, "Cycle over a failing source", []step{{[]int{0}, ""}, {[]int{1}, ""}, {nil, "parse"}}, run(seqs.Through(failing(2), cycle)))

	// A stage that recovers the unwind and carries on still ends with the
	// error.
	swallow := func(s iter.Seq[int]) iter.Seq[[]int] {
		return func(yield func([]int) bool) {
			func() {
				defer func() { recover() }()
				for v := range s {
					if !yield([]int{v}) {
						return
					}
				}
			}()
			yield([]int{-1})
		}
	}
	diff(t, "a stage that recovers", []step{{[]int{0}, ""}, {[]int{-1}, ""}, {nil, "parse"}}, run(seqs.Through(failing(1), swallow)))

	// Break.
	var w watched
	for range seqs.Through(ok(w.seq(100)), batched) {
		break
	}
	if !w.cleaned || w.drawn != 2 {
		t.Errorf("after a break: drew %d, stopped %v; want 2, true", w.drawn, w.cleaned)
	}

	// A panic in the stage, and in the loop body, passes through.
	boom := errors.New("boom")
	panicky := func(s iter.Seq[int]) iter.Seq[[]int] {
		return seqs.Map(s, func(v int) []int { panic(boom) })
	}
	if p := panics(func() { run(seqs.Through(failing(3), panicky)) }); p != boom {
		t.Errorf("stage panic = %v; want %v", p, boom)
	}
	if p := panics(func() {
		for range seqs.Through(failing(3), batched) {
			panic(boom)
		}
	}); p != boom {
		t.Errorf("loop body panic = %v; want %v", p, boom)
	}
	// A panic in the loop body on the error pair itself passes through too.
	if p := panics(func() {
		for _, err := range seqs.Through(failing(0), batched) {
			if err != nil {
				panic(boom)
			}
		}
	}); p != boom {
		t.Errorf("loop body panic on the error = %v; want %v", p, boom)
	}
}

func TestMapErr(t *testing.T) {
	leaktest.Check(t)
	type step struct {
		V   int
		Err string
	}
	run := func(s iter.Seq2[int, error]) []step {
		var out []step
		for v, err := range s {
			e := ""
			if err != nil {
				e = err.Error()
			}
			out = append(out, step{v, e})
		}
		return out
	}
	words := func(ws string) iter.Seq2[string, error] { return ok(slices.Values(strings.Fields(ws))) }
	diff(t, "all parse", []step{{1, ""}, {22, ""}}, run(seqs.MapErr(words("1 22"), strconv.Atoi)))
	calls := 0
	atoi := func(s string) (int, error) { calls++; return strconv.Atoi(s) }
	diff(t, "a bad word", []step{{1, ""}, {0, `strconv.Atoi: parsing "x": invalid syntax`}}, run(seqs.MapErr(words("1 x 3"), atoi)))
	if calls != 2 {
		t.Errorf("f called %d times; want 2 (not after the error)", calls)
	}
	src := func(yield func(string, error) bool) {
		if yield("1", nil) {
			yield("", errParse)
		}
	}
	diff(t, "the source's error", []step{{1, ""}, {0, "parse"}}, run(seqs.MapErr(src, strconv.Atoi)))
}

// gen.Gen.AllErr feeds a pipeline whose loop sees the generator's failure.
func TestAllErrPipeline(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[string, struct{}]) (struct{}, error) {
		for _, w := range []string{"3", "-", "4"} {
			if _, err := yield(w); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, errParse
	})
	total := 0
	var last error
	for n, err := range seqs.MapErr(seqs.Through(g.AllErr(), func(ws iter.Seq[string]) iter.Seq[string] {
		return seqs.Filter(ws, func(w string) bool { return w != "-" })
	}), strconv.Atoi) {
		if err != nil {
			last = err
			break
		}
		total += n
	}
	if total != 7 || last != errParse {
		t.Errorf("total %d, error %v; want 7, %v", total, last, errParse)
	}
}

// A source that goes on calling yield after it returned false is caught, as a
// range statement catches it: by the adapters that return false on their own,
// and for the others by the consumer's range statement.
func TestMisbehavingSource(t *testing.T) {
	stubborn := func(yield func(int) bool) {
		for i := range 10 {
			yield(i) // ignores false
		}
	}
	for _, c := range []struct {
		name string
		s    iter.Seq[int]
		want string
	}{
		{"Take", seqs.Take(stubborn, 2), "seqs.Take: the source went on"},
		{"Slice", seqs.Slice(stubborn, 0, 2, 1), "seqs.Slice: the source went on"},
		{"TakeWhile", seqs.TakeWhile(stubborn, func(v int) bool { return v < 2 }), "seqs.TakeWhile: the source went on"},
		{"Zip", keys(seqs.Zip(stubborn, vals(1))), "seqs.Zip: the source went on"},
		{"Map", seqs.Map(stubborn, func(v int) int { return v }), "range function continued iteration"},
	} {
		if c.name == "Map" {
			wantPanic(t, c.want, func() {
				for range c.s {
					break
				}
			})
			continue
		}
		wantPanic(t, c.want, func() { collect(c.s) }) // the adapter returned false on its own
	}
}
