package aiter_test

// Unit tests of the contract (shared/API.md, aiter section) beyond what the
// CPython ports cover: misuse, calls after the end, states, re-entrancy,
// panics, and the adapters.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/aiter"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

var errX = errors.New("x")

// counter yields 0, 1, ... n-1, sleeping d before each value (not at all if
// d is 0), and logs "NAME closed" when its body returns, after a cleanup that
// sleeps cleanup (if not 0).
func counter(log *[]string, name string, n int, d, cleanup time.Duration) intGen {
	return aiter.New(func(co *coro.Co, yield yieldInt) error {
		err := func() error {
			for i := range n {
				if d > 0 {
					if err := sched.Sleep(co, d); err != nil {
						return err
					}
				}
				if _, err := yield(i); err != nil {
					return err
				}
			}
			return nil
		}()
		if cleanup > 0 {
			if e := sched.Sleep(co, cleanup); e != nil && err == nil {
				err = e
			}
		}
		*log = append(*log, name+" closed")
		return err
	})
}

func TestNewNilBody(t *testing.T) {
	leaktest.Check(t)
	defer func() {
		if r := recover(); r != "aiter.New: nil body" {
			t.Errorf("recovered %v; want the panic aiter.New: nil body", r)
		}
	}()
	aiter.New[int, struct{}](nil)
	t.Error("aiter.New(nil) did not panic")
}

func TestAThrowNil(t *testing.T) {
	leaktest.Check(t)
	var log []string
	err := runAsync(func(co *coro.Co) error {
		g := counter(&log, "g", 3, 0, 0)
		check := func(when string, want gen.State) {
			_, err := g.AThrow(co, nil)
			if err == nil || errors.Is(err, aiter.ErrStopAsyncIteration) {
				t.Errorf("AThrow(nil) %s = %v; want an error saying so", when, err)
			}
			if s := g.State(); s != want {
				t.Errorf("after AThrow(nil) %s the generator is %v; want %v", when, s, want)
			}
		}
		check("on a new generator", gen.Created)
		if v, err := g.ANext(co); v != 0 || err != nil {
			return fmt.Errorf("ANext = %v, %v; want 0, nil", v, err)
		}
		check("on a suspended generator", gen.Suspended)
		if v, err := g.ANext(co); v != 1 || err != nil {
			return fmt.Errorf("ANext after AThrow(nil) = %v, %v; want 1, nil", v, err)
		}
		if err := g.AClose(co); err != nil {
			return err
		}
		check("on a closed generator", gen.Closed)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCallsAfterTheEnd(t *testing.T) {
	leaktest.Check(t)
	type S = gen.Yield[int, int]
	body := func(fail bool) func(co *coro.Co, yield S) error {
		return func(co *coro.Co, yield S) error {
			if err := sched.Sleep(co, 0); err != nil {
				return err
			}
			if _, err := yield(1); err != nil {
				return err
			}
			if fail {
				return errX
			}
			return nil
		}
	}
	for _, tc := range []struct {
		name string
		end  func(co *coro.Co, g *aiter.Gen[int, int]) error // ends g, returns an unexpected error
	}{
		{"returned", func(co *coro.Co, g *aiter.Gen[int, int]) error {
			g.ANext(co)
			if _, err := g.ANext(co); err != aiter.ErrStopAsyncIteration {
				return fmt.Errorf("ANext at the end: %v", err)
			}
			return nil
		}},
		{"failed", func(co *coro.Co, g *aiter.Gen[int, int]) error {
			g.ANext(co)
			if _, err := g.ANext(co); err != errX {
				return fmt.Errorf("ANext at the failure: %v", err)
			}
			return nil
		}},
		{"aclosed suspended", func(co *coro.Co, g *aiter.Gen[int, int]) error {
			g.ANext(co)
			return g.AClose(co)
		}},
		{"aclosed new", func(co *coro.Co, g *aiter.Gen[int, int]) error { return g.AClose(co) }},
		{"athrown new", func(co *coro.Co, g *aiter.Gen[int, int]) error {
			if _, err := g.AThrow(co, errValue); err != errValue {
				return fmt.Errorf("AThrow on a new generator: %v", err)
			}
			return nil
		}},
		{"athrown suspended", func(co *coro.Co, g *aiter.Gen[int, int]) error {
			g.ANext(co)
			if _, err := g.AThrow(co, errValue); err != errValue {
				return fmt.Errorf("uncaught AThrow: %v", err)
			}
			return nil
		}},
		{"push exhausted", func(co *coro.Co, g *aiter.Gen[int, int]) error {
			for _, err := range aiter.All(co, g) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"push broke", func(co *coro.Co, g *aiter.Gen[int, int]) error {
			for range aiter.All(co, g) {
				break
			}
			return nil
		}},
		{"push failed", func(co *coro.Co, g *aiter.Gen[int, int]) error {
			var last error
			for _, err := range aiter.All(co, g) {
				last = err
			}
			if last != errX {
				return fmt.Errorf("All ended with %v", last)
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Check(t)
			var got []string
			err := runAsync(func(co *coro.Co) error {
				g := aiter.New(body(strings.HasSuffix(tc.name, "failed")))
				if err := tc.end(co, g); err != nil {
					return err
				}
				for range 2 {
					_, err := g.ANext(co)
					got = append(got, fmt.Sprintf("ANext: %v", err))
					_, err = g.ASend(co, 0)
					got = append(got, fmt.Sprintf("ASend(0): %v", err))
					_, err = g.ASend(co, 7)
					got = append(got, fmt.Sprintf("ASend(7): %v", err))
					_, err = g.AThrow(co, errKey)
					got = append(got, fmt.Sprintf("AThrow(KeyError): %v", err))
					got = append(got, fmt.Sprintf("AClose: %v", g.AClose(co)))
					got = append(got, fmt.Sprintf("State: %v", g.State()))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			stop := aiter.ErrStopAsyncIteration.Error()
			once := []string{"ANext: " + stop, "ASend(0): " + stop, "ASend(7): " + stop, "AThrow(KeyError): KeyError", "AClose: <nil>", "State: closed"}
			if diff := cmp.Diff(append(once, once...), got); diff != "" {
				t.Errorf("calls after the end (-want +got):\n%s", diff)
			}
		})
	}
}

// observe runs step in a task of its own and records the generator's state
// at each instant of at (since the task started), and after the task.
func observe[Y, S any](co *coro.Co, g *aiter.Gen[Y, S], step func(co *coro.Co) error, at ...time.Duration) ([]string, error) {
	tk := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) { return struct{}{}, step(co) }))
	var states []string
	var prev time.Duration
	for _, d := range at {
		if err := sched.Sleep(co, d-prev); err != nil {
			return states, err
		}
		prev = d
		states = append(states, g.State().String())
	}
	if _, err := tk.Await(co); err != nil {
		return states, err
	}
	return append(states, g.State().String()), nil
}

func TestStateTransitions(t *testing.T) {
	leaktest.Check(t)
	t.Run("pull", func(t *testing.T) {
		leaktest.Check(t)
		var log, states []string
		err := runAsync(func(co *coro.Co) error {
			g := counter(&log, "g", 2, time.Second, time.Second)
			states = append(states, g.State().String())
			// Running while the body awaits, Suspended at a yield.
			s, err := observe(co, g, func(co *coro.Co) error { _, err := g.ANext(co); return err }, 500*ms)
			states = append(states, s...)
			if err != nil {
				return err
			}
			// Running while the cleanup awaits, Closed after.
			s, err = observe(co, g, g.AClose, 500*ms)
			return errors.Join(err, func() error { states = append(states, s...); return nil }())
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"created", "running", "suspended", "running", "closed"}
		if diff := cmp.Diff(want, states); diff != "" {
			t.Errorf("states (-want +got):\n%s", diff)
		}
	})
	t.Run("push", func(t *testing.T) {
		leaktest.Check(t)
		var log, states []string
		err := runAsync(func(co *coro.Co) error {
			g := counter(&log, "g", 3, time.Second, time.Second)
			s, err := observe(co, g, func(co *coro.Co) error {
				for v, err := range aiter.All(co, g) {
					if err != nil {
						return err
					}
					states = append(states, fmt.Sprintf("at %d: %v", v, g.State()))
					if v == 1 {
						break
					}
				}
				return nil
			}, 500*ms, 2500*ms) // the body awaits; the cleanup after the break awaits
			states = append(states, s...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// The loop body's lines first, then what the observer saw at 0.5s (the
		// body awaits), at 2.5s (the cleanup after the break awaits) and after.
		want := []string{"at 0: running", "at 1: running", "running", "running", "closed"}
		if diff := cmp.Diff(want, states); diff != "" {
			t.Errorf("states (-want +got):\n%s", diff)
		}
	})
}

func TestASendNonZeroToNewGenerator(t *testing.T) {
	leaktest.Check(t)
	started := false
	var got []string
	err := runAsync(func(co *coro.Co) error {
		g := aiter.New(func(co *coro.Co, yield gen.Yield[int, int]) error {
			started = true
			v, err := yield(1)
			if err != nil {
				return err
			}
			_, err = yield(v * 10)
			return err
		})
		_, err := g.ASend(co, 5)
		got = append(got, fmt.Sprintf("ASend(5): just started %v, %v, started %v", errors.Is(err, gen.ErrJustStarted), g.State(), started))
		v, err := g.ASend(co, 0)
		got = append(got, fmt.Sprintf("ASend(0): %v, %v", v, err))
		v, err = g.ASend(co, 5)
		got = append(got, fmt.Sprintf("ASend(5): %v, %v", v, err))
		return g.AClose(co)
	})
	want := []string{"ASend(5): just started true, created, started false", "ASend(0): 1, <nil>", "ASend(5): 50, <nil>"}
	if diff := cmp.Diff(want, got); diff != "" || err != nil {
		t.Errorf("Run: %v; (-want +got):\n%s", err, diff)
	}
}

// A step started by one task is suspended in an await of the body; the other
// calls, from another task, are "already running", and the step goes on
// undisturbed.
func TestStepWhileAwaitingIsErrRunning(t *testing.T) {
	leaktest.Check(t)
	var log, got []string
	err := runAsync(func(co *coro.Co) error {
		g := counter(&log, "g", 3, time.Second, 0)
		tk := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return g.ANext(co) }))
		if err := sched.Sleep(co, 0); err != nil {
			return err
		}
		_, err := g.ANext(co)
		got = append(got, fmt.Sprintf("ANext: %v", errors.Is(err, gen.ErrRunning)))
		_, err = g.ASend(co, struct{}{})
		got = append(got, fmt.Sprintf("ASend: %v", errors.Is(err, gen.ErrRunning)))
		_, err = g.AThrow(co, errX)
		got = append(got, fmt.Sprintf("AThrow: %v", errors.Is(err, gen.ErrRunning)))
		v, err := tk.Await(co)
		got = append(got, fmt.Sprintf("the first step: %v, %v", v, err))
		v, err = g.ANext(co)
		got = append(got, fmt.Sprintf("ANext: %v, %v", v, err))
		return g.AClose(co)
	})
	want := []string{"ANext: true", "ASend: true", "AThrow: true", "the first step: 0, <nil>", "ANext: 1, <nil>"}
	if diff := cmp.Diff(want, got); diff != "" || err != nil {
		t.Errorf("Run: %v; (-want +got):\n%s", err, diff)
	}
}

// AClose of a running generator is "already running" too, and must leave the
// generator alone, as CPython's aclose() does ("aclose(): asynchronous
// generator is already running"). Pull: the step runs in another task; push:
// AClose is called from inside the range over the generator.
func TestACloseWhileRunningIsErrRunning(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var log, got []string
		err := runAsync(func(co *coro.Co) error {
			g := counter(&log, "g", 3, time.Second, 0)
			if m == push {
				for v, err := range aiter.All(co, g) {
					if err != nil {
						got = append(got, fmt.Sprintf("All: %v", err))
						break
					}
					got = append(got, fmt.Sprintf("got %d", v))
					if v == 0 {
						got = append(got, fmt.Sprintf("AClose: %v", errors.Is(g.AClose(co), gen.ErrRunning)))
					}
				}
				return nil
			}
			tk := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return g.ANext(co) }))
			if err := sched.Sleep(co, 0); err != nil {
				return err
			}
			got = append(got, fmt.Sprintf("AClose: %v", errors.Is(g.AClose(co), gen.ErrRunning)))
			v, err := tk.Await(co)
			got = append(got, fmt.Sprintf("got %d, %v", v, err))
			for range 2 {
				v, err = g.ANext(co)
				got = append(got, fmt.Sprintf("got %d, %v", v, err))
			}
			return g.AClose(co)
		})
		want := []string{"got 0", "AClose: true", "got 1", "got 2"}
		if m == pull {
			want = []string{"AClose: true", "got 0, <nil>", "got 1, <nil>", "got 2, <nil>"}
		}
		if diff := cmp.Diff(want, got); diff != "" || err != nil {
			t.Errorf("Run: %v; (-want +got):\n%s", err, diff)
		}
	})
}

// In push mode the body runs inside the range: stepping the generator from
// the loop body is re-entrant.
func TestPushModeReentrantCallsAreErrRunning(t *testing.T) {
	leaktest.Check(t)
	var log, got []string
	err := runAsync(func(co *coro.Co) error {
		g := counter(&log, "g", 2, 0, 0)
		for v, err := range aiter.All(co, g) {
			if err != nil {
				return err
			}
			_, e1 := g.ANext(co)
			_, e2 := g.ASend(co, struct{}{})
			_, e3 := g.AThrow(co, errX)
			got = append(got, fmt.Sprintf("%d: %v %v %v", v, errors.Is(e1, gen.ErrRunning), errors.Is(e2, gen.ErrRunning), errors.Is(e3, gen.ErrRunning)))
		}
		return nil
	})
	want := []string{"0: true true true", "1: true true true"}
	if diff := cmp.Diff(want, got); diff != "" || err != nil {
		t.Errorf("Run: %v; (-want +got):\n%s", err, diff)
	}
}

// A generator may be stepped by different tasks one after another. Its body's
// awaits belong to the task stepping it now (as in asyncio, where
// current_task() in the body is the task awaiting asend): a timeout in the
// body applies to that task, and the body's context is that task's.
func TestSteppedByAnotherTask(t *testing.T) {
	leaktest.Check(t)
	var got []string
	err := runAsync(func(co *coro.Co) error {
		l := sched.LoopOf(co)
		g := aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(0); err != nil {
				return err
			}
			// Now stepped by main; the first task has finished.
			got = append(got, fmt.Sprintf("context: %v", co.Context().Err()))
			start := l.Now()
			err := sched.WithTimeout(co, time.Second, func(co *coro.Co) error { return sched.Sleep(co, 5*time.Second) })
			got = append(got, fmt.Sprintf("WithTimeout: timed out %v after %v", errors.Is(err, context.DeadlineExceeded), l.Now().Sub(start)))
			_, err = yield(1)
			return err
		})
		first := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) { return g.ANext(co) }))
		if _, err := first.Await(co); err != nil {
			return err
		}
		v, err := g.ANext(co)
		got = append(got, fmt.Sprintf("ANext: %v, %v", v, err))
		return g.AClose(co)
	})
	want := []string{"context: <nil>", "WithTimeout: timed out true after 1s", "ANext: 1, <nil>"}
	if diff := cmp.Diff(want, got); diff != "" || err != nil {
		t.Errorf("Run: %v; (-want +got):\n%s", err, diff)
	}
}

func panickingBody(co *coro.Co, yield yieldInt) error {
	if _, err := yield(1); err != nil {
		return err
	}
	if err := sched.Sleep(co, 0); err != nil {
		return err
	}
	panic("boom")
}

func TestPanicInPullBody(t *testing.T) {
	leaktest.Check(t)
	defer func() {
		r := recover()
		pe, ok := r.(*sched.PanicError)
		if !ok {
			t.Fatalf("Run panicked with %T %v; want a *sched.PanicError", r, r)
		}
		if pe.Value != "boom" {
			t.Errorf("PanicError.Value = %v; want boom", pe.Value)
		}
		if !strings.Contains(string(pe.Stack), "aiter_test.panickingBody") {
			t.Errorf("PanicError.Stack does not mention the body:\n%s", pe.Stack)
		}
	}()
	runAsync(func(co *coro.Co) error {
		g := aiter.New(panickingBody)
		for range 2 {
			if _, err := g.ANext(co); err != nil {
				return err
			}
		}
		return nil
	})
	t.Error("Run returned; want it to panic")
}

// A panic that the consumer recovers ends the generator, as an exception
// ends a Python generator and as a panic closes a gen.Gen: it is Closed, calls
// after the end behave as such, and Run has nothing left to close.
func TestPanicClosesGenerator(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var u unhandled
		var got []string
		err := runAsync(func(co *coro.Co) error {
			g := aiter.New(panickingBody)
			func() {
				defer func() { got = append(got, fmt.Sprintf("recovered %v", recover() != nil)) }()
				collect(co, m, g)
			}()
			_, err := g.ANext(co)
			got = append(got, fmt.Sprintf("State %v, ANext: %v", g.State(), err))
			return nil
		}, u.option())
		want := []string{"recovered true", "State closed, ANext: " + aiter.ErrStopAsyncIteration.Error()}
		if diff := cmp.Diff(want, got); diff != "" || err != nil || len(u.msgs) != 0 {
			t.Errorf("Run: %v, reported %q; (-want +got):\n%s", err, u.msgs, diff)
		}
	})
}

// When a task panics, Run closes the loop; async generators left suspended on
// it must still be closed (their deferred calls run, their goroutines end), as
// RunOn promises for every coroutine on the loop.
func TestPanicInTaskClosesAsyncGens(t *testing.T) {
	leaktest.Check(t)
	var closed atomic.Bool
	func() {
		defer func() {
			if _, ok := recover().(*sched.PanicError); !ok {
				t.Error("Run did not panic with a *sched.PanicError")
			}
		}()
		runAsync(func(co *coro.Co) error {
			g := aiter.New(func(co *coro.Co, yield yieldInt) error {
				defer closed.Store(true)
				for i := 0; ; i++ {
					if _, err := yield(i); err != nil {
						return err
					}
				}
			})
			if _, err := g.ANext(co); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if !closed.Load() {
		t.Error("the suspended async generator was not closed")
	}
}

// An async generator stepped outside any loop and dropped while suspended is
// closed by the collector, as CPython's is (and as a gen.Gen is): its
// goroutine does not leak.
func TestDroppedPullGenIsClosed(t *testing.T) {
	leaktest.Check(t)
	base := runtime.NumGoroutine()
	var closed atomic.Bool
	func() {
		g := aiter.New(func(co *coro.Co, yield yieldInt) error {
			defer closed.Store(true)
			if _, err := yield(1); err != nil {
				return err
			}
			_, err := yield(2)
			return err
		})
		if v, err := runUntilComplete(coro.New(func(co *coro.Co) (int, error) { return g.ANext(co) })); v != 1 || err != nil {
			t.Fatalf("ANext = %v, %v; want 1, nil", v, err)
		}
	}()
	// Wait for the close itself, not only for the count: base may include a
	// goroutine of an earlier test still on its way out (a collector's close),
	// and the count can reach base before this generator's close has run.
	for deadline := time.Now().Add(time.Second); !closed.Load() && time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if n := leaktest.Settle(base, time.Second); n > base || !closed.Load() {
		t.Errorf("after the collector: %d goroutines (%d before), closed %v; want %d, true", n, base, closed.Load(), base)
	}
}

// ---- adapters ----

func TestFromSeq(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var log []string
		seq := func(yield func(string) bool) {
			defer func() { log = append(log, "seq cleanup") }()
			for _, s := range []string{"a", "b", "c", "d"} {
				if !yield(s) {
					return
				}
			}
		}
		err := runAsync(func(co *coro.Co) error {
			all, err := collect(co, m, aiter.FromSeq(seq))
			log = append(log, fmt.Sprintf("all %v %v", all, err))
			g := aiter.FromSeq(seq)
			if m == pull {
				v, err := g.ANext(co)
				log = append(log, fmt.Sprintf("ANext %s %v", v, err))
			}
			for v, err := range aiter.All(co, g) {
				log = append(log, fmt.Sprintf("got %s %v", v, err))
				break
			}
			log = append(log, fmt.Sprintf("after the break: %v", g.State()))
			return nil
		})
		want := []string{"seq cleanup", "all [a b c d] <nil>", "got a <nil>", "seq cleanup", "after the break: closed"}
		if m == pull {
			want = []string{"seq cleanup", "all [a b c d] <nil>", "ANext a <nil>", "got b <nil>", "seq cleanup", "after the break: closed"}
		}
		if diff := cmp.Diff(want, log); diff != "" || err != nil {
			t.Errorf("Run: %v; (-want +got):\n%s", err, diff)
		}
	})
}

func TestMap(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var log []string
		var elapsed time.Duration
		err := runAsync(func(co *coro.Co) error {
			start := sched.LoopOf(co).Now()
			sq := aiter.Map(counter(&log, "src", 4, time.Second, 0), func(co *coro.Co, v int) (string, error) {
				return fmt.Sprint(v * v), sched.Sleep(co, time.Second) // f may await
			})
			got, err := collect(co, m, sq)
			log = append(log, fmt.Sprintf("squares %v %v", got, err))
			elapsed = sched.LoopOf(co).Now().Sub(start)

			// An error from f ends the map with it and closes the source.
			failing := aiter.Map(counter(&log, "src2", 10, 0, time.Second), func(co *coro.Co, v int) (int, error) {
				if v == 2 {
					return 0, errX
				}
				return v, nil
			})
			ints, err := collect(co, m, failing)
			log = append(log, fmt.Sprintf("failing %v %v", ints, err))
			return nil
		})
		want := []string{"src closed", "squares [0 1 4 9] <nil>", "src2 closed", "failing [0 1] x"}
		if diff := cmp.Diff(want, log); diff != "" || err != nil {
			t.Errorf("Run: %v; (-want +got):\n%s", err, diff)
		}
		if elapsed != 8*time.Second {
			t.Errorf("took %v; want 8s (four awaits in the source, four in f)", elapsed)
		}
	})
}

func TestFilter(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var log []string
		err := runAsync(func(co *coro.Co) error {
			even := aiter.Filter(counter(&log, "src", 7, time.Second, 0), func(co *coro.Co, v int) (bool, error) {
				return v%2 == 0, sched.Sleep(co, 0)
			})
			got, err := collect(co, m, even)
			log = append(log, fmt.Sprintf("even %v %v", got, err))

			failing := aiter.Filter(counter(&log, "src2", 10, 0, 0), func(co *coro.Co, v int) (bool, error) {
				if v == 3 {
					return false, errX
				}
				return true, nil
			})
			got, err = collect(co, m, failing)
			log = append(log, fmt.Sprintf("failing %v %v", got, err))
			return nil
		})
		want := []string{"src closed", "even [0 2 4 6] <nil>", "src2 closed", "failing [0 1 2] x"}
		if diff := cmp.Diff(want, log); diff != "" || err != nil {
			t.Errorf("Run: %v; (-want +got):\n%s", err, diff)
		}
	})
}

func TestTake(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var log []string
		err := runAsync(func(co *coro.Co) error {
			src := counter(&log, "src", 100, time.Second, time.Second)
			got, err := collect(co, m, aiter.Take[int](src, 3))
			log = append(log, fmt.Sprintf("take 3: %v %v, source %v", got, err, src.State()))

			short := counter(&log, "short", 2, 0, 0)
			got, err = collect(co, m, aiter.Take[int](short, 5))
			log = append(log, fmt.Sprintf("take 5 of 2: %v %v", got, err))

			for _, n := range []int{0, -1} {
				untouched := counter(&log, "untouched", 2, 0, 0)
				got, err = collect(co, m, aiter.Take[int](untouched, n))
				log = append(log, fmt.Sprintf("take %d: %v %v, source %v", n, got, err, untouched.State()))
			}
			return nil
		})
		want := []string{
			"src closed", "take 3: [0 1 2] <nil>, source closed",
			"short closed", "take 5 of 2: [0 1] <nil>",
			"take 0: [] <nil>, source created",
			"take -1: [] <nil>, source created",
		}
		if diff := cmp.Diff(want, log); diff != "" || err != nil {
			t.Errorf("Run: %v; (-want +got):\n%s", err, diff)
		}
	})
}

// mergeLog ranges over a Merge, logging each value with the time it arrived.
func mergeLog(co *coro.Co, log *[]string, g *aiter.Gen[string, struct{}], stopAfter int) error {
	now := newClock(co)
	n := 0
	for v, err := range aiter.All(co, g) {
		if err != nil {
			*log = append(*log, fmt.Sprintf("error %v at %s", err, now))
			return err
		}
		*log = append(*log, fmt.Sprintf("%s at %s", v, now))
		if n++; n == stopAfter {
			break
		}
	}
	*log = append(*log, fmt.Sprintf("loop over at %s", now))
	return nil
}

// named yields NAME0, NAME1, ... n values, every d, and logs its cleanup,
// which sleeps cleanup; if failAt >= 0 it fails with errX instead of yielding
// value failAt.
func named(log *[]string, now *clock, name string, n int, d, cleanup time.Duration, failAt int) aiter.Iterator[string] {
	return aiter.New(func(co *coro.Co, yield gen.Yield[string, struct{}]) error {
		err := func() error {
			for i := range n {
				if err := sched.Sleep(co, d); err != nil {
					return err
				}
				if i == failAt {
					*log = append(*log, fmt.Sprintf("%s fails at %s", name, now))
					return errX
				}
				if _, err := yield(fmt.Sprintf("%s%d", name, i)); err != nil {
					return err
				}
			}
			return nil
		}()
		if cleanup > 0 {
			if e := sched.Sleep(co, cleanup); e != nil {
				*log = append(*log, fmt.Sprintf("%s cleanup interrupted by %s at %s", name, pyName(e), now))
				return e
			}
		}
		*log = append(*log, fmt.Sprintf("%s closed (%v) at %s", name, pyNameOrNil(err), now))
		return err
	})
}

func pyNameOrNil(err error) string {
	if err == nil {
		return "returned"
	}
	if errors.Is(err, errX) {
		return "x"
	}
	return pyName(err)
}

func TestMergeArrivalOrder(t *testing.T) {
	leaktest.Check(t)
	var log []string
	err := runAsync(func(co *coro.Co) error {
		now := newClock(co)
		m := aiter.Merge(
			named(&log, now, "a", 3, 3*time.Second, 0, -1), // 3 6 9
			named(&log, now, "b", 2, 2*time.Second, 0, -1), // 2 4
			named(&log, now, "c", 2, 5*time.Second, 0, -1), // 5 10
		)
		return mergeLog(co, &log, m, -1)
	})
	want := []string{
		"b0 at 2.0", "a0 at 3.0", "b1 at 4.0", "b closed (returned) at 4.0",
		"c0 at 5.0", "a1 at 6.0", "a2 at 9.0", "a closed (returned) at 9.0",
		"c1 at 10.0", "c closed (returned) at 10.0", "loop over at 10.0",
	}
	if diff := cmp.Diff(want, log); diff != "" || err != nil {
		t.Errorf("Run: %v; (-want +got):\n%s", err, diff)
	}
}

// The first error of a source ends the merge with it, once the other sources
// have been closed: each gets GeneratorExit at its pending await, and its
// cleanup, which awaits, runs to the end before the range over the merge ends.
func TestMergeSourceError(t *testing.T) {
	leaktest.Check(t)
	var log []string
	var mergeErr error
	err := runAsync(func(co *coro.Co) error {
		now := newClock(co)
		m := aiter.Merge(
			named(&log, now, "a", 100, time.Second, 500*ms, -1),
			named(&log, now, "b", 100, 1500*ms, 0, 2), // b0 at 1.5, b1 at 3, fails at 4.5
			named(&log, now, "c", 100, 10*time.Second, 500*ms, -1),
		)
		mergeErr = mergeLog(co, &log, m, -1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if mergeErr != errX {
		t.Errorf("the merge ended with %v; want the failing source's error", mergeErr)
	}
	// The error ends the merge only after the other sources have been closed
	// (their cleanup awaits).
	want := []string{
		"a0 at 1.0", "b0 at 1.5", "a1 at 2.0", "b1 at 3.0", "a2 at 3.0", "a3 at 4.0",
		"b fails at 4.5", "b closed (x) at 4.5", "a closed (GeneratorExit) at 5.0", "c closed (GeneratorExit) at 5.0",
		"error x at 5.0",
	}
	if diff := cmp.Diff(want, log); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Breaking out of a range over a merge closes every source that has not
// finished, and their cleanup, which awaits, runs to the end before the loop
// statement ends.
func TestMergeBreakClosesSources(t *testing.T) {
	leaktest.Check(t)
	var log []string
	err := runAsync(func(co *coro.Co) error {
		now := newClock(co)
		m := aiter.Merge(
			named(&log, now, "a", 100, time.Second, time.Second, -1),
			named(&log, now, "b", 100, 1500*ms, 2*time.Second, -1),
			named(&log, now, "done", 1, 100*ms, 0, -1),
		)
		return mergeLog(co, &log, m, 3)
	})
	want := []string{
		"done0 at 0.1", "done closed (returned) at 0.1", "a0 at 1.0", "b0 at 1.5",
		"a closed (GeneratorExit) at 2.5", "b closed (GeneratorExit) at 3.5", "loop over at 3.5",
	}
	if diff := cmp.Diff(want, log); diff != "" || err != nil {
		t.Errorf("Run: %v; (-want +got):\n%s", err, diff)
	}
}

func TestMergeCancelConsumer(t *testing.T) {
	leaktest.Check(t)
	var log []string
	var consumerErr error
	err := runAsync(func(co *coro.Co) error {
		now := newClock(co)
		consumer := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			m := aiter.Merge(
				named(&log, now, "a", 100, 10*time.Second, 0, -1),
				named(&log, now, "b", 100, 15*time.Second, 0, -1),
			)
			return struct{}{}, mergeLog(co, &log, m, -1)
		}))
		if err := sched.Sleep(co, 12*time.Second); err != nil {
			return err
		}
		log = append(log, "cancel")
		consumer.Cancel()
		_, consumerErr = consumer.Await(co)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(consumerErr, context.Canceled) || !consumerCancelled(consumerErr) {
		t.Errorf("the consumer ended with %v; want a cancellation", consumerErr)
	}
	// Cancelling the consumer cancels the sources' pending sleeps, which wakes
	// it; the cancellation is thrown into the consumer itself (so that a source
	// that handles its own cancellation cannot hide it), which ends the merge:
	// the sources are closed, GeneratorExit at their sleeps.
	want := []string{"a0 at 10.0", "cancel", "a closed (GeneratorExit) at 12.0", "b closed (GeneratorExit) at 12.0", "error sched: cancelled at 12.0"}
	if diff := cmp.Diff(want, log); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func consumerCancelled(err error) bool { return errors.Is(err, sched.ErrCancelled) }

// A merge stepped with ANext (pull mode) runs its body on a coroutine of its
// own, and the sources' coroutines are bound to that coroutine's driver: it
// hands out the same values at the same times as a range over it, and AClose
// closes the sources as a break does.
func TestMergePullMode(t *testing.T) {
	leaktest.Check(t)
	sources := func(log *[]string, now *clock) []aiter.Iterator[string] {
		return []aiter.Iterator[string]{
			named(log, now, "a", 3, 3*time.Second, 0, -1),           // 3 6 9
			named(log, now, "b", 2, 2*time.Second, 0, -1),           // 2 4
			named(log, now, "c", 2, 5*time.Second, time.Second, -1), // 5 10
		}
	}
	const values = 4
	var push, pull []string
	err := runAsync(func(co *coro.Co) error {
		return mergeLog(co, &push, aiter.Merge(sources(&push, newClock(co))...), values)
	})
	if err != nil {
		t.Fatalf("push mode: %v", err)
	}
	err = runAsync(func(co *coro.Co) error {
		now := newClock(co)
		m := aiter.Merge(sources(&pull, now)...)
		for range values {
			v, err := m.ANext(co)
			if err != nil {
				return err
			}
			pull = append(pull, fmt.Sprintf("%s at %s", v, now))
		}
		if err := m.AClose(co); err != nil {
			return err
		}
		pull = append(pull, fmt.Sprintf("loop over at %s", now))
		if _, err := m.ANext(co); err != aiter.ErrStopAsyncIteration {
			return fmt.Errorf("ANext after AClose = %v; want ErrStopAsyncIteration", err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("pull mode: %v", err)
	}
	want := []string{
		"b0 at 2.0", "a0 at 3.0", "b1 at 4.0", "b closed (returned) at 4.0", "c0 at 5.0",
		"a closed (GeneratorExit) at 5.0", "c closed (GeneratorExit) at 6.0", "loop over at 6.0",
	}
	if diff := cmp.Diff(want, push); diff != "" {
		t.Errorf("push mode (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, pull); diff != "" {
		t.Errorf("pull mode (-want +got):\n%s", diff)
	}
}
