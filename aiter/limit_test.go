package aiter_test

// Tests of aiter.MapLimit: order, the limit, times under virtual time, the
// first error, break, cancellation, bare yields, the loop closing, panics.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/aiter"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// calls counts the calls of f in progress and records how they ended.
type calls struct {
	now, max int
	ended    map[int]error
	cleaned  []int
}

// sleeper is an f that sleeps for dur(v) seconds and returns v*10, or the
// error fail(v); its cleanup awaits (a Sleep(0)) before it records itself.
func (cs *calls) sleeper(dur func(v int) int, fail func(v int) error) func(co *coro.Co, v int) (int, error) {
	cs.ended = map[int]error{}
	return func(co *coro.Co, v int) (res int, err error) {
		cs.now++
		cs.max = max(cs.max, cs.now)
		defer func() {
			cs.now--
			cs.ended[v] = err
		}()
		if err := sched.Sleep(co, time.Duration(dur(v))*time.Second); err != nil {
			sched.Sleep(co, 0) // cleanup may await (it returns at once once closed)
			cs.cleaned = append(cs.cleaned, v)
			return 0, err
		}
		if fail != nil {
			if err := fail(v); err != nil {
				return 0, err
			}
		}
		return v * 10, nil
	}
}

type timed struct {
	V   int
	Err string
	At  time.Duration
}

func drain(co *coro.Co, g aiter.Iterator[int], stopAfter int) []timed {
	start := sched.LoopOf(co).Now()
	var out []timed
	for v, err := range aiter.All(co, g) {
		e := ""
		if err != nil {
			e = err.Error()
		}
		out = append(out, timed{v, e, sched.LoopOf(co).Now().Sub(start)})
		if len(out) == stopAfter {
			break
		}
	}
	return out
}

func ints(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestMapLimitOrderAndLimit(t *testing.T) {
	durs := []int{5, 1, 1, 1, 4, 2, 2, 1, 3, 1}
	for _, limit := range []int{1, 3, 0} {
		t.Run(fmt.Sprintf("limit=%d", limit), func(t *testing.T) {
			leaktest.Check(t)
			var cs calls
			var got []timed
			run(t, func(co *coro.Co) error {
				f := cs.sleeper(func(v int) int { return durs[v] }, nil)
				got = drain(co, aiter.MapLimit(aiter.FromSeq(slices.Values(ints(len(durs)))), limit, f), 0)
				return nil
			})
			var vals []int
			for _, r := range got {
				vals = append(vals, r.V)
			}
			want := make([]int, len(durs))
			for i := range want {
				want[i] = 10 * i
			}
			if diff := cmp.Diff(want, vals); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			wantMax := limit
			if limit <= 0 {
				wantMax = len(durs)
			}
			if cs.max != wantMax || cs.now != 0 {
				t.Errorf("at most %d calls in progress, %d left; want %d, 0", cs.max, cs.now, wantMax)
			}
		})
	}
}

// The times results arrive under virtual time are sched.Map's (TestMapTimes
// in sched): value i+limit starts once result i is out.
func TestMapLimitTimes(t *testing.T) {
	leaktest.Check(t)
	durs := []int{3, 1, 1, 2, 1}
	var cs calls
	var got []timed
	run(t, func(co *coro.Co) error {
		f := cs.sleeper(func(v int) int { return durs[v] }, nil)
		got = drain(co, aiter.MapLimit(aiter.FromSeq(slices.Values(ints(len(durs)))), 2, f), 0)
		return nil
	})
	want := []timed{{0, "", 3 * time.Second}, {10, "", 3 * time.Second}, {20, "", 4 * time.Second}, {30, "", 5 * time.Second}, {40, "", 5 * time.Second}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// Over a source that awaits between values, the results due go out between
// draws, as sched.Map's do (TestMapSourceAwaits in sched): they are not held
// until the window is full or the source has ended.
func TestMapLimitSlowSource(t *testing.T) {
	leaktest.Check(t)
	var got []timed
	var srcLog []string
	run(t, func(co *coro.Co) error {
		f := func(co *coro.Co, v int) (int, error) { return 10 * v, sched.Sleep(co, time.Second) }
		src := aiter.Map(ticker("s", 4, 10*time.Second, &srcLog), func(co *coro.Co, s string) (int, error) { return int(s[1] - '0'), nil })
		got = drain(co, aiter.MapLimit(src, 3, f), 0)
		return nil
	})
	// v is drawn at 10(v+1)s and its call is done 1s later; its result goes
	// out when the next value is drawn, the last one 1s after the source ends.
	want := []timed{{0, "", 20 * time.Second}, {10, "", 30 * time.Second}, {20, "", 40 * time.Second}, {30, "", 41 * time.Second}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// The first error, when its result comes due, ends the generator; the calls
// still in progress are closed and the source too.
func TestMapLimitFirstError(t *testing.T) {
	leaktest.Check(t)
	errTwo := errors.New("two failed")
	var cs calls
	var got []timed
	var srcLog []string
	run(t, func(co *coro.Co) error {
		f := cs.sleeper(func(v int) int { return 1 + v%3 }, func(v int) error {
			if v == 2 {
				return errTwo
			}
			return nil
		})
		src := ticker("s", 10, 0, &srcLog)
		g := aiter.MapLimit(aiter.Map(src, func(co *coro.Co, s string) (int, error) { return int(s[1] - '0'), nil }), 3, f)
		got = drain(co, g, 0)
		return nil
	})
	want := []timed{{0, "", time.Second}, {10, "", 2 * time.Second}, {0, "two failed", 3 * time.Second}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pairs (-want +got):\n%s", diff)
	}
	if cs.now != 0 || !slices.Contains(srcLog, "s closed") {
		t.Errorf("after the error: %d calls in progress, source log %v", cs.now, srcLog)
	}
	// 0, 1, 2 start at once; 3 starts when 0 is out (1s) and is done at 2s;
	// 4 starts when 1 is out (2s), and is in progress when 2 fails (3s).
	if err := cs.ended[4]; !errors.Is(err, gen.ErrGeneratorExit) || len(cs.ended) != 5 {
		t.Errorf("calls ended %v; want 5, call 4 with GeneratorExit", cs.ended)
	}
}

// Breaking out closes the calls in progress (their cleanup may await) and the
// source, before the range statement ends.
func TestMapLimitBreak(t *testing.T) {
	leaktest.Check(t)
	var cs calls
	var srcLog []string
	run(t, func(co *coro.Co) error {
		f := cs.sleeper(func(v int) int { return v + 1 }, nil)
		src := aiter.Map(ticker("s", 10, 0, &srcLog), func(co *coro.Co, s string) (int, error) { return int(s[1] - '0'), nil })
		got := drain(co, aiter.MapLimit(src, 4, f), 2)
		if len(got) != 2 || cs.now != 0 || !slices.Contains(srcLog, "s closed") {
			t.Errorf("after the break: %v, %d in progress, source log %v", got, cs.now, srcLog)
		}
		slices.Sort(cs.cleaned)
		if diff := cmp.Diff([]int{2, 3, 4}, cs.cleaned); diff != "" { // 5 is not drawn
			t.Errorf("calls cleaned up (-want +got):\n%s", diff)
		}
		return sched.Sleep(co, time.Second) // the consumer goes on
	})
}

// Cancelling the consumer ends the generator with the cancellation; the
// calls in progress are closed.
func TestMapLimitConsumerCancelled(t *testing.T) {
	leaktest.Check(t)
	var cs calls
	got := drainCancelledAt5s(t, cs.sleeper(func(v int) int { return 1 + 3*v }, nil))
	want := []timed{{0, "", time.Second}, {10, "", 4 * time.Second}, {0, sched.ErrCancelled.Error(), 5 * time.Second}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pairs (-want +got):\n%s", diff)
	}
	if cs.now != 0 {
		t.Errorf("%d calls in progress", cs.now)
	}
}

// drainCancelledAt5s drains MapLimit of 0..9 over f, 3 at a time, in a
// consumer task cancelled at 5 s, and returns what the consumer got.
func drainCancelledAt5s(t *testing.T, f func(co *coro.Co, v int) (int, error)) []timed {
	t.Helper()
	var got []timed
	run(t, func(co *coro.Co) error {
		consumer := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			got = drain(co, aiter.MapLimit(aiter.FromSeq(slices.Values(ints(10))), 3, f), 0)
			return struct{}{}, nil
		}))
		sched.Sleep(co, 5*time.Second)
		consumer.Cancel()
		_, err := consumer.Await(co)
		return err
	})
	return got
}

// A call that handles its own cancellation (a fallback value) does not hide
// the consumer's: the generator still ends with the cancellation, as a
// cancelled asyncio.gather raises CancelledError whatever its children return.
func TestMapLimitConsumerCancelledCallsRecover(t *testing.T) {
	leaktest.Check(t)
	got := drainCancelledAt5s(t, func(co *coro.Co, v int) (int, error) {
		if err := sched.Sleep(co, time.Duration(1+3*v)*time.Second); err != nil {
			return -1, nil
		}
		return v, nil
	})
	want := []timed{{0, "", time.Second}, {1, "", 4 * time.Second}, {0, sched.ErrCancelled.Error(), 5 * time.Second}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pairs (-want +got):\n%s", diff)
	}
}

// Calls that yield to the loop (Sleep(0)) make progress.
func TestMapLimitBareYields(t *testing.T) {
	leaktest.Check(t)
	var got []int
	run(t, func(co *coro.Co) error {
		spin := func(co *coro.Co, v int) (int, error) {
			for range v {
				if err := sched.Sleep(co, 0); err != nil {
					return 0, err
				}
			}
			return v, nil
		}
		for v, err := range aiter.All(co, aiter.MapLimit(aiter.FromSeq(slices.Values([]int{3, 0, 5, 1, 2})), 2, spin)) {
			if err != nil {
				return err
			}
			got = append(got, v)
		}
		return nil
	})
	if diff := cmp.Diff([]int{3, 0, 5, 1, 2}, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// The source's failure ends the generator once the results before it are out.
func TestMapLimitSourceError(t *testing.T) {
	leaktest.Check(t)
	errSrc := errors.New("source failed")
	var got []timed
	run(t, func(co *coro.Co) error {
		src := aiter.New(func(co *coro.Co, yield gen.Yield[int, struct{}]) error {
			for i := range 2 {
				if _, err := yield(i); err != nil {
					return err
				}
			}
			return errSrc
		})
		id := func(co *coro.Co, v int) (int, error) { return v, sched.Sleep(co, time.Second) }
		got = drain(co, aiter.MapLimit(src, 5, id), 0)
		return nil
	})
	// The source fails while drawing the third value, before the first two
	// results are due: Go, like an exception in the drawing, ends at once.
	want := []timed{{0, "source failed", 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pairs (-want +got):\n%s", diff)
	}
}

// A loop closed while the consumer waits in MapLimit closes the calls too:
// nothing leaks.
func TestMapLimitLoopClosed(t *testing.T) {
	leaktest.Check(t)
	var cs calls
	l := sched.NewLoop(sched.VirtualTime(), sched.OnUnhandledError(func(string, error) {}))
	_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (struct{}, error) {
		f := cs.sleeper(func(v int) int { return 100 }, nil)
		sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			drain(co, aiter.MapLimit(aiter.FromSeq(slices.Values(ints(10))), 3, f), 0)
			return struct{}{}, nil
		}))
		return struct{}{}, sched.Sleep(co, time.Second)
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if cs.now != 0 {
		t.Errorf("%d calls in progress after Close", cs.now)
	}
}

// Closed without a loop (Close, as a loop that can no longer run closes the
// async generators left on it) while calls are in progress, MapLimit closes
// the calls and then the source, whose cleanup has run when Close returns:
// MapLimit's own cleanup tried to await, which unwound it.
func TestMapLimitClosedWithoutLoop(t *testing.T) {
	leaktest.Check(t)
	var cs calls
	var srcLog []string
	run(t, func(co *coro.Co) error {
		f := cs.sleeper(func(v int) int { return 1 + v }, nil)
		src := aiter.Map(ticker("s", 10, 0, &srcLog), func(co *coro.Co, s string) (int, error) { return int(s[1] - '0'), nil })
		g := aiter.MapLimit(src, 3, f)
		if v, err := g.ANext(co); v != 0 || err != nil || cs.now != 2 {
			t.Fatalf("ANext = %d, %v with %d calls in progress; want 0, nil with 2", v, err, cs.now)
		}
		g.Close()
		if cs.now != 0 || !slices.Contains(srcLog, "s closed") {
			t.Errorf("after Close: %d calls in progress, source log %v; want 0, closed", cs.now, srcLog)
		}
		return nil
	})
}

func TestMapLimitPanic(t *testing.T) {
	leaktest.Check(t)
	boom := errors.New("boom")
	p := func() (p any) {
		defer func() { p = recover() }()
		run(t, func(co *coro.Co) error {
			f := func(co *coro.Co, v int) (int, error) {
				if err := sched.Sleep(co, time.Duration(v+1)*time.Second); err != nil {
					return 0, err
				}
				panic(boom)
			}
			drain(co, aiter.MapLimit(aiter.FromSeq(slices.Values(ints(3))), 2, f), 0)
			return nil
		})
		return nil
	}()
	if pe, ok := p.(*sched.PanicError); !ok || !errors.Is(pe, boom) {
		t.Errorf("Run panicked with %v; want a *PanicError of %v", p, boom)
	}
	defer func() {
		if p := recover(); !strings.Contains(fmt.Sprint(p), "aiter.MapLimit: nil iterator or func") {
			t.Errorf("panic = %v", p)
		}
	}()
	aiter.MapLimit[int, int](nil, 1, nil)
}
