package sched_test

// Tests of sched.Map and sched.MapUnordered: the limit, the order, errors per
// value, break, cancellation of the calling task, sources that await, panics.

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// mapRun runs main on a loop under virtual time and fails the test on error.
func mapRun(t *testing.T, main func(co *coro.Co) error, opts ...sched.Option) {
	t.Helper()
	if _, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) { return struct{}{}, main(co) }),
		append([]sched.Option{sched.VirtualTime()}, opts...)...); err != nil {
		t.Fatal(err)
	}
}

// flight counts the calls of f in flight and records how they ended.
type flight struct {
	now, max int
	started  []int
	ended    map[int]error
	drawn    int
	srcDone  bool // the source's deferred cleanup ran
}

// src is a source of 0..n-1 that counts its draws and records its cleanup.
func (fl *flight) src(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer func() { fl.srcDone = true }()
		for i := range n {
			fl.drawn++
			if !yield(i) {
				return
			}
		}
	}
}

// sleeper is an f that sleeps for dur(v) and returns v*10, or err(v) if it
// is not nil.
func (fl *flight) sleeper(dur func(v int) time.Duration, fail func(v int) error) func(co *coro.Co, v int) (int, error) {
	if fl.ended == nil {
		fl.ended = map[int]error{}
	}
	return func(co *coro.Co, v int) (int, error) {
		fl.now++
		fl.max = max(fl.max, fl.now)
		fl.started = append(fl.started, v)
		defer func() { fl.now-- }()
		err := sched.Sleep(co, dur(v))
		if err == nil && fail != nil {
			err = fail(v)
		}
		fl.ended[v] = err
		return v * 10, err
	}
}

type result struct {
	V   int
	Err string
	At  time.Duration // when the loop got it, from the start
}

func collectMap(co *coro.Co, s iter.Seq2[int, error], start time.Time) []result {
	var out []result
	for v, err := range s {
		e := ""
		if err != nil {
			e = err.Error()
		}
		out = append(out, result{v, e, sched.LoopOf(co).Now().Sub(start)})
	}
	return out
}

// Map: results in src's order, at most limit calls in flight, and no more
// than limit values held; a value is drawn only when there is room for it.
func TestMapOrderAndLimit(t *testing.T) {
	leaktest.Check(t)
	durs := []time.Duration{5, 1, 1, 1, 4, 2, 2, 1, 3, 1} // seconds
	for _, limit := range []int{1, 3, 0} {
		t.Run(fmt.Sprintf("limit=%d", limit), func(t *testing.T) {
			var fl flight
			var got []result
			mapRun(t, func(co *coro.Co) error {
				start := sched.LoopOf(co).Now()
				f := fl.sleeper(func(v int) time.Duration { return durs[v] * time.Second }, nil)
				handed := 0
				for v, err := range sched.Map(co, fl.src(len(durs)), limit, f) {
					if limit > 0 && fl.drawn > handed+limit {
						t.Errorf("%d drawn with %d handed out; limit %d", fl.drawn, handed, limit)
					}
					handed++
					got = append(got, result{v, fmt.Sprint(err), sched.LoopOf(co).Now().Sub(start)})
				}
				return nil
			})
			var wantVals []int
			for i := range durs {
				wantVals = append(wantVals, i*10)
			}
			var gotVals []int
			for _, r := range got {
				gotVals = append(gotVals, r.V)
				if r.Err != "<nil>" {
					t.Errorf("error %s", r.Err)
				}
			}
			if diff := cmp.Diff(wantVals, gotVals); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			wantMax := limit
			if limit <= 0 {
				wantMax = len(durs)
			}
			if fl.max != wantMax {
				t.Errorf("at most %d calls in flight; want %d", fl.max, wantMax)
			}
			if !fl.srcDone || fl.now != 0 {
				t.Errorf("after the loop: source done %v, %d in flight", fl.srcDone, fl.now)
			}
		})
	}
}

// The same run, with the times the results arrive: under virtual time they
// follow from the window rule (the call for value i+limit starts once result
// i is handed out).
func TestMapTimes(t *testing.T) {
	leaktest.Check(t)
	durs := []time.Duration{3, 1, 1, 2, 1} // seconds
	var fl flight
	var got []result
	mapRun(t, func(co *coro.Co) error {
		f := fl.sleeper(func(v int) time.Duration { return durs[v] * time.Second }, nil)
		got = collectMap(co, sched.Map(co, fl.src(len(durs)), 2, f), sched.LoopOf(co).Now())
		return nil
	})
	// limit 2: 0 and 1 start at 0s; 1 done at 1s but 0 is due first (3s);
	// then 2 and 3 start at 3s (1 handed out at once), 2 is done at 4s; 4
	// starts at 4s, 3 is done at 5s, 4 at 5s.
	want := []result{{0, "", 3 * time.Second}, {10, "", 3 * time.Second}, {20, "", 4 * time.Second}, {30, "", 5 * time.Second}, {40, "", 5 * time.Second}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// MapUnordered: results as they complete, limit calls kept busy.
func TestMapUnorderedCompletionOrder(t *testing.T) {
	leaktest.Check(t)
	durs := []time.Duration{5, 1, 3, 1, 1, 2} // seconds
	var fl flight
	var got []result
	mapRun(t, func(co *coro.Co) error {
		f := fl.sleeper(func(v int) time.Duration { return durs[v] * time.Second }, nil)
		got = collectMap(co, sched.MapUnordered(co, fl.src(len(durs)), 3, f), sched.LoopOf(co).Now())
		return nil
	})
	// 0, 1, 2 start at 0s. 1 is done at 1s: 3 starts (done 2s), then 4
	// (done 3s), with 2 also done at 3s, then 5 (done 5s, with 0).
	want := []result{
		{10, "", 1 * time.Second}, {30, "", 2 * time.Second}, {20, "", 3 * time.Second},
		{40, "", 3 * time.Second}, {0, "", 5 * time.Second}, {50, "", 5 * time.Second},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if fl.max != 3 {
		t.Errorf("at most %d calls in flight; want 3", fl.max)
	}
}

// Errors are per value: the loop goes on after one.
func TestMapErrorsPerValue(t *testing.T) {
	leaktest.Check(t)
	errOdd := errors.New("odd")
	for _, ordered := range []bool{true, false} {
		var fl flight
		var got []result
		mapRun(t, func(co *coro.Co) error {
			f := fl.sleeper(func(int) time.Duration { return time.Second }, func(v int) error {
				if v%2 == 1 {
					return fmt.Errorf("%d: %w", v, errOdd)
				}
				return nil
			})
			m := sched.Map(co, fl.src(4), 2, f)
			if !ordered {
				m = sched.MapUnordered(co, fl.src(4), 2, f)
			}
			for v, err := range m {
				e := ""
				if err != nil {
					if !errors.Is(err, errOdd) {
						t.Errorf("error %v; want one wrapping %v", err, errOdd)
					}
					e = err.Error()
				}
				got = append(got, result{V: v, Err: e})
			}
			return nil
		})
		slices.SortFunc(got, func(a, b result) int { return strings.Compare(a.Err, b.Err) })
		want := []result{{0, "", 0}, {20, "", 0}, {10, "1: odd", 0}, {30, "3: odd", 0}}
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b result) bool { return a.Err == b.Err && (a.Err != "" || a.V == b.V) })); diff != "" {
			t.Errorf("ordered=%v: results (-want +got):\n%s", ordered, diff)
		}
	}
}

// Breaking out cancels the calls in flight and waits for them: by the time
// the range statement ends, every task is done and the source is stopped.
func TestMapBreakCancelsAndWaits(t *testing.T) {
	leaktest.Check(t)
	for _, ordered := range []bool{true, false} {
		t.Run(fmt.Sprintf("ordered=%v", ordered), func(t *testing.T) {
			var fl flight
			mapRun(t, func(co *coro.Co) error {
				f := fl.sleeper(func(v int) time.Duration { return time.Duration(v+1) * time.Second }, nil)
				m := sched.Map(co, fl.src(100), 4, f)
				if !ordered {
					m = sched.MapUnordered(co, fl.src(100), 4, f)
				}
				n := 0
				for range m {
					if n++; n == 2 {
						break
					}
				}
				if fl.now != 0 {
					t.Errorf("%d calls still in flight after the loop", fl.now)
				}
				if !fl.srcDone {
					t.Errorf("source not stopped after the loop")
				}
				cancelled := 0
				for v, err := range fl.ended {
					if err != nil {
						if !errors.Is(err, context.Canceled) {
							t.Errorf("call %d ended with %v", v, err)
						}
						cancelled++
					}
				}
				if len(fl.ended) != len(fl.started) || cancelled != len(fl.started)-2 {
					t.Errorf("%d started, %d ended, %d cancelled; want every one ended, all but 2 cancelled", len(fl.started), len(fl.ended), cancelled)
				}
				// The calling task goes on normally.
				return sched.Sleep(co, time.Second)
			})
		})
	}
}

// Cancelling the calling task while the range waits cancels every call in
// flight, waits for them, and ends the loop with the cancellation as its
// last pair.
func TestMapCallerCancelled(t *testing.T) {
	leaktest.Check(t)
	for _, ordered := range []bool{true, false} {
		t.Run(fmt.Sprintf("ordered=%v", ordered), func(t *testing.T) {
			var fl flight
			var got []result
			mapRun(t, func(co *coro.Co) error {
				f := fl.sleeper(func(v int) time.Duration { return time.Duration(1+3*v) * time.Second }, nil)
				consumer := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
					m := sched.Map(co, fl.src(100), 3, f)
					if !ordered {
						m = sched.MapUnordered(co, fl.src(100), 3, f)
					}
					got = collectMap(co, m, sched.LoopOf(co).Now())
					if fl.now != 0 || !fl.srcDone {
						t.Errorf("after the loop: %d in flight, source done %v", fl.now, fl.srcDone)
					}
					return len(got), sched.Sleep(co, time.Second) // not cancelled again
				}))
				if err := sched.Sleep(co, 5*time.Second); err != nil {
					return err
				}
				consumer.Cancel()
				n, err := consumer.Await(co)
				if n != 3 || err != nil {
					t.Errorf("consumer = %d, %v; want 3 pairs, nil", n, err)
				}
				return nil
			})
			// Values 0 (1s) and 1 (4s) came out; 2 (7s) and 3, 4 (started at
			// 1s and 4s) were cancelled at 5s.
			want := []result{{0, "", time.Second}, {10, "", 4 * time.Second}, {0, sched.ErrCancelled.Error(), 5 * time.Second}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pairs (-want +got):\n%s", diff)
			}
			for _, v := range []int{2, 3, 4} {
				if !errors.Is(fl.ended[v], context.Canceled) {
					t.Errorf("call %d ended with %v; want a cancellation", v, fl.ended[v])
				}
			}
		})
	}
}

// A cancellation that arrives while the range waits for the calls after a
// break is not lost: it is thrown at the task's next await, once.
func TestMapCancelledAfterBreak(t *testing.T) {
	leaktest.Check(t)
	var fl flight
	mapRun(t, func(co *coro.Co) error {
		// The calls ignore their first cancellation for a while.
		slow := func(co *coro.Co, v int) (int, error) {
			fl.now++
			defer func() { fl.now-- }()
			if err := sched.Sleep(co, time.Duration(v+1)*time.Second); err != nil {
				sched.Shield(co, coro.New(func(co *coro.Co) (struct{}, error) { return struct{}{}, sched.Sleep(co, 10*time.Second) }))
				return 0, err
			}
			return v, nil
		}
		var nextAwait error
		var cancelling int
		consumer := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			for range sched.Map(co, fl.src(10), 3, slow) {
				break // at 1s; the other two take 10s to give up
			}
			cancelling = sched.Current(co).Cancelling()
			nextAwait = sched.Sleep(co, time.Hour)
			return struct{}{}, nextAwait
		}))
		if err := sched.Sleep(co, 3*time.Second); err != nil {
			return err
		}
		consumer.Cancel() // while the range waits for the two calls
		consumer.Await(co)
		if !errors.Is(nextAwait, context.Canceled) || cancelling != 1 {
			t.Errorf("after the loop: next await %v, Cancelling %d; want a cancellation, 1", nextAwait, cancelling)
		}
		if fl.now != 0 {
			t.Errorf("%d calls in flight", fl.now)
		}
		return nil
	})
}

// src may await on the calling task: here it is a queue fed by another task.
func TestMapSourceAwaits(t *testing.T) {
	leaktest.Check(t)
	var got []int
	mapRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			for i := range 5 {
				if err := sched.Sleep(co, time.Second); err != nil {
					return struct{}{}, err
				}
				q.PutNowait(i)
			}
			q.Shutdown(false)
			return struct{}{}, nil
		}))
		double := func(co *coro.Co, v int) (int, error) { return 2 * v, sched.Sleep(co, 500*time.Millisecond) }
		for v, err := range sched.Map(co, q.All(co), 2, double) {
			if err != nil {
				return err
			}
			got = append(got, v)
		}
		return nil
	})
	if diff := cmp.Diff([]int{0, 2, 4, 6, 8}, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// Results dropped by a break are not reported as unhandled errors.
func TestMapDroppedErrorsNotReported(t *testing.T) {
	leaktest.Check(t)
	var reported []string
	mapRun(t, func(co *coro.Co) error {
		fail := func(co *coro.Co, v int) (int, error) {
			if v == 0 {
				return 0, sched.Sleep(co, time.Second) // the head, slow
			}
			return 0, fmt.Errorf("call %d failed", v) // done behind it
		}
		for range sched.Map(co, slices.Values([]int{0, 1, 2}), 3, fail) {
			break
		}
		return nil
	}, sched.OnUnhandledError(func(task string, err error) { reported = append(reported, err.Error()) }))
	if len(reported) != 0 {
		t.Errorf("reported as unhandled: %v", reported)
	}
}

// A panic in the loop body comes out of Run; the calls in flight are
// cancelled, and nothing leaks.
func TestMapLoopBodyPanic(t *testing.T) {
	leaktest.Check(t)
	boom := errors.New("boom")
	p := func() (p any) {
		defer func() { p = recover() }()
		mapRun(t, func(co *coro.Co) error {
			f := func(co *coro.Co, v int) (int, error) { return v, sched.Sleep(co, time.Duration(v)*time.Second) }
			for range sched.MapUnordered(co, slices.Values([]int{0, 5, 6}), 0, f) {
				panic(boom)
			}
			return nil
		}, sched.OnUnhandledError(func(string, error) {})) // the tasks the panic left behind
		return nil
	}()
	if pe, ok := p.(*sched.PanicError); !ok || pe.Value != boom {
		t.Errorf("Run panicked with %v; want a *PanicError of %v", p, boom)
	}
}

func TestMapMisuse(t *testing.T) {
	f := func(co *coro.Co, v int) (int, error) { return v, nil }
	for _, c := range []struct {
		want string
		fn   func()
	}{
		{"sched.Map: nil sequence", func() { sched.Map(nil, nil, 1, f) }},
		{"sched.Map: nil func", func() { sched.Map[int, int](nil, slices.Values([]int{1}), 1, nil) }},
		{"sched.MapUnordered: nil sequence", func() { sched.MapUnordered(nil, nil, 1, f) }},
		{"sched.MapUnordered: nil func", func() { sched.MapUnordered[int, int](nil, slices.Values([]int{1}), 1, nil) }},
		{"sched.Map: not ranged on a task of a running loop", func() {
			for range sched.Map(nil, slices.Values([]int{1}), 1, f) {
			}
		}},
	} {
		func() {
			defer func() {
				if p := recover(); !strings.Contains(fmt.Sprint(p), c.want) {
					t.Errorf("panic = %v; want %q", p, c.want)
				}
			}()
			c.fn()
		}()
	}
}

// Cancelling the calling task while src awaits (a queue with nothing in it)
// ends the loop the same way: the calls in flight are cancelled and waited
// for, and the last pair carries the cancellation.
func TestMapCallerCancelledInSource(t *testing.T) {
	leaktest.Check(t)
	var fl flight
	var got []result
	mapRun(t, func(co *coro.Co) error {
		q := sched.NewQueue[int](0)
		q.PutNowait(7)
		f := fl.sleeper(func(int) time.Duration { return time.Hour }, nil)
		consumer := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			got = collectMap(co, sched.Map(co, q.All(co), 3, f), sched.LoopOf(co).Now())
			return struct{}{}, nil
		}))
		if err := sched.Sleep(co, time.Second); err != nil {
			return err
		}
		consumer.Cancel()
		_, err := consumer.Await(co)
		return err
	})
	want := []result{{0, sched.ErrCancelled.Error(), time.Second}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pairs (-want +got):\n%s", diff)
	}
	if !errors.Is(fl.ended[7], context.Canceled) || fl.now != 0 {
		t.Errorf("the call for 7 ended with %v, %d in flight; want a cancellation, 0", fl.ended[7], fl.now)
	}
}
