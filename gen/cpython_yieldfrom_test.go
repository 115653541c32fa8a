package gen_test

// Ports of CPython 3.11's Lib/test/test_yield_from.py (PEP 380). Every case that
// delegates to a generator runs twice, once per pySubMode: with the
// sub-generator Created (YieldFrom runs it inline) and Suspended (YieldFrom
// forwards to it). Python's try/finally becomes a deferred call.

import (
	"errors"
	"fmt"
	"iter"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
)

// pyWantTrace fails the test unless the trace is want.
func pyWantTrace(t *testing.T, want, got pyTrace) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
}

// pyForMode runs f as a subtest for each pySubMode.
func pyForMode(t *testing.T, f func(t *testing.T, m pySubMode)) {
	for _, m := range pySubModes {
		t.Run(m.String(), func(t *testing.T) {
			leaktest.Check(t)
			f(t, m)
		})
	}
}

// pyYF is the Yield of most delegation tests: strings out, ints in.
type pyYF = gen.Yield[string, int]

func TestCPythonYieldFromDelegationOfInitialNext(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		g2 := func(yield pyYF) (struct{}, error) {
			tr.add("Starting g2")
			if _, err := yield("42"); err != nil {
				return struct{}{}, err
			}
			tr.add("Finishing g2")
			return struct{}{}, nil
		}
		g1 := gen.New(func(yield pyYF) (struct{}, error) {
			tr.add("Starting g1")
			if _, err := gen.YieldFrom(yield, pySub(m, g2)); err != nil {
				return struct{}{}, err
			}
			tr.add("Finishing g1")
			return struct{}{}, nil
		})
		for x := range g1.All() {
			tr.add("Yielded %s", x)
		}
		pyWantTrace(t, pyTrace{"Starting g1", "Starting g2", "Yielded 42", "Finishing g2", "Finishing g1"}, tr)
	})
}

func TestCPythonYieldFromRaisingInInitialNext(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		raised := pyExc(pyValueError, "spanish inquisition occurred")
		g2 := func(yield pyYF) (struct{}, error) {
			defer tr.add("Finishing g2")
			tr.add("Starting g2")
			return struct{}{}, raised
		}
		g1 := gen.New(func(yield pyYF) (struct{}, error) {
			defer tr.add("Finishing g1")
			tr.add("Starting g1")
			_, err := gen.YieldFrom(yield, pySub(m, g2))
			return struct{}{}, err
		})
		for x := range g1.All() {
			tr.add("Yielded %s", x)
		}
		if _, err := g1.Result(); err != raised {
			t.Errorf("the loop ended with %v; want %v", err, raised)
		}
		pyWantTrace(t, pyTrace{"Starting g1", "Starting g2", "Finishing g2", "Finishing g1"}, tr)
	})
}

func TestCPythonYieldFromDelegationOfNext(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		g2 := func(yield pyYF) (struct{}, error) {
			tr.add("Starting g2")
			if _, err := yield("g2 spam"); err != nil {
				return struct{}{}, err
			}
			if _, err := yield("g2 more spam"); err != nil {
				return struct{}{}, err
			}
			tr.add("Finishing g2")
			return struct{}{}, nil
		}
		g1 := gen.New(func(yield pyYF) (struct{}, error) {
			tr.add("Starting g1")
			if _, err := yield("g1 ham"); err != nil {
				return struct{}{}, err
			}
			if _, err := gen.YieldFrom(yield, pySub(m, g2)); err != nil {
				return struct{}{}, err
			}
			if _, err := yield("g1 eggs"); err != nil {
				return struct{}{}, err
			}
			tr.add("Finishing g1")
			return struct{}{}, nil
		})
		for x := range g1.All() {
			tr.add("Yielded %s", x)
		}
		pyWantTrace(t, pyTrace{
			"Starting g1", "Yielded g1 ham", "Starting g2", "Yielded g2 spam", "Yielded g2 more spam",
			"Finishing g2", "Yielded g1 eggs", "Finishing g1",
		}, tr)
	})
}

func TestCPythonYieldFromRaisingInDelegatedNext(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		raised := pyExc(pyValueError, "hovercraft is full of eels")
		g2 := func(yield pyYF) (struct{}, error) {
			defer tr.add("Finishing g2")
			tr.add("Starting g2")
			if _, err := yield("g2 spam"); err != nil {
				return struct{}{}, err
			}
			return struct{}{}, raised
		}
		g1 := gen.New(func(yield pyYF) (struct{}, error) {
			defer tr.add("Finishing g1")
			tr.add("Starting g1")
			if _, err := yield("g1 ham"); err != nil {
				return struct{}{}, err
			}
			if _, err := gen.YieldFrom(yield, pySub(m, g2)); err != nil {
				return struct{}{}, err
			}
			_, err := yield("g1 eggs")
			return struct{}{}, err
		})
		for {
			x, err := g1.Next()
			if err != nil {
				if err != raised {
					t.Errorf("Next() = _, %v; want _, %v", err, raised)
				}
				break
			}
			tr.add("Yielded %s", x)
		}
		pyWantTrace(t, pyTrace{
			"Starting g1", "Yielded g1 ham", "Starting g2", "Yielded g2 spam", "Finishing g2", "Finishing g1",
		}, tr)
	})
}

// pySendAll primes g with Next, then sends 1, 2, 3... until the generator
// stops, tracing each value; it returns the error that stopped it.
func pySendAll(tr *pyTrace, g *gen.Gen[string, int, struct{}]) error {
	if _, err := g.Next(); err != nil {
		return err
	}
	for x := 1; ; x++ {
		y, err := g.Send(x)
		if err != nil {
			return err
		}
		tr.add("Yielded %s", y)
	}
}

func TestCPythonYieldFromDelegationOfSend(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		g2 := func(yield pyYF) (struct{}, error) {
			tr.add("Starting g2")
			x, err := yield("g2 spam")
			if err != nil {
				return struct{}{}, err
			}
			tr.add("g2 received %d", x)
			if x, err = yield("g2 more spam"); err != nil {
				return struct{}{}, err
			}
			tr.add("g2 received %d", x)
			tr.add("Finishing g2")
			return struct{}{}, nil
		}
		g1 := gen.New(func(yield pyYF) (struct{}, error) {
			tr.add("Starting g1")
			x, err := yield("g1 ham")
			if err != nil {
				return struct{}{}, err
			}
			tr.add("g1 received %d", x)
			if _, err := gen.YieldFrom(yield, pySub(m, g2)); err != nil {
				return struct{}{}, err
			}
			if x, err = yield("g1 eggs"); err != nil {
				return struct{}{}, err
			}
			tr.add("g1 received %d", x)
			tr.add("Finishing g1")
			return struct{}{}, nil
		})
		if err := pySendAll(&tr, g1); !errors.Is(err, gen.ErrStopIteration) {
			t.Errorf("the send loop ended with %v; want %v", err, gen.ErrStopIteration)
		}
		pyWantTrace(t, pyTrace{
			"Starting g1", "g1 received 1", "Starting g2", "Yielded g2 spam", "g2 received 2",
			"Yielded g2 more spam", "g2 received 3", "Finishing g2", "Yielded g1 eggs", "g1 received 4",
			"Finishing g1",
		}, tr)
	})
}

func TestCPythonYieldFromExceptionWhileDelegatingSend(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		raised := pyExc(pyValueError, "hovercraft is full of eels")
		g2 := func(yield pyYF) (struct{}, error) {
			tr.add("Starting g2")
			x, err := yield("g2 spam")
			if err != nil {
				return struct{}{}, err
			}
			tr.add("g2 received %d", x)
			return struct{}{}, raised
		}
		g1 := gen.New(func(yield pyYF) (struct{}, error) {
			tr.add("Starting g1")
			x, err := yield("g1 ham")
			if err != nil {
				return struct{}{}, err
			}
			tr.add("g1 received %d", x)
			if _, err := gen.YieldFrom(yield, pySub(m, g2)); err != nil {
				return struct{}{}, err
			}
			if x, err = yield("g1 eggs"); err != nil {
				return struct{}{}, err
			}
			tr.add("g1 received %d", x)
			return struct{}{}, nil
		})
		if err := pySendAll(&tr, g1); err != raised {
			t.Errorf("the send loop ended with %v; want %v", err, raised)
		}
		pyWantTrace(t, pyTrace{"Starting g1", "g1 received 1", "Starting g2", "Yielded g2 spam", "g2 received 2"}, tr)
	})
}

// pyHamEggs builds the g1/g2 pair of the close and throw tests: g1 yields
// "g1 ham", delegates to g2, yields "g1 eggs"; each traces its finish in a
// deferred call. finish2, when not nil, is what g2's deferred call raises.
func pyHamEggs(m pySubMode, tr *pyTrace, finish2 error) *gen.Gen[string, int, struct{}] {
	g2 := func(yield pyYF) (_ struct{}, err error) {
		defer func() {
			tr.add("Finishing g2")
			if finish2 != nil {
				err = finish2
			}
		}()
		tr.add("Starting g2")
		if _, err := yield("g2 spam"); err != nil {
			return struct{}{}, err
		}
		_, err = yield("g2 more spam")
		return struct{}{}, err
	}
	return gen.New(func(yield pyYF) (struct{}, error) {
		defer tr.add("Finishing g1")
		tr.add("Starting g1")
		if _, err := yield("g1 ham"); err != nil {
			return struct{}{}, err
		}
		if _, err := gen.YieldFrom(yield, pySub(m, g2)); err != nil {
			return struct{}{}, err
		}
		_, err := yield("g1 eggs")
		return struct{}{}, err
	})
}

// pyNextN calls g.Next n times, tracing each value.
func pyNextN(t *testing.T, tr *pyTrace, g *gen.Gen[string, int, struct{}], n int) {
	t.Helper()
	for range n {
		x, err := g.Next()
		if err != nil {
			t.Fatalf("Next() = %q, %v; want a value, <nil>", x, err)
		}
		tr.add("Yielded %s", x)
	}
}

func TestCPythonYieldFromDelegatingClose(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		g := pyHamEggs(m, &tr, nil)
		pyNextN(t, &tr, g, 2)
		if err := g.Close(); err != nil {
			t.Errorf("Close() = %v; want <nil>", err)
		}
		pyWantTrace(t, pyTrace{"Starting g1", "Yielded g1 ham", "Starting g2", "Yielded g2 spam", "Finishing g2", "Finishing g1"}, tr)
	})
}

// Python also checks that the ValueError's __context__ is the GeneratorExit;
// Go errors carry no context.
func TestCPythonYieldFromExceptionWhileDelegatingClose(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		raised := pyExc(pyValueError, "nybbles have exploded with delight")
		g := pyHamEggs(m, &tr, raised)
		pyNextN(t, &tr, g, 2)
		if err := g.Close(); err != raised {
			t.Errorf("Close() = %v; want %v", err, raised)
		}
		pyWantTrace(t, pyTrace{"Starting g1", "Yielded g1 ham", "Starting g2", "Yielded g2 spam", "Finishing g2", "Finishing g1"}, tr)
	})
}

func TestCPythonYieldFromDelegatingThrow(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		g := pyHamEggs(m, &tr, nil)
		pyNextN(t, &tr, g, 2)
		thrown := pyExc(pyValueError, "tomato ejected")
		v, err := g.Throw(thrown)
		if v != "" || err != thrown {
			t.Errorf("Throw(%v) = %q, %v; want \"\", the same error", thrown, v, err)
		}
		pyWantTrace(t, pyTrace{"Starting g1", "Yielded g1 ham", "Starting g2", "Yielded g2 spam", "Finishing g2", "Finishing g1"}, tr)
	})
}

func TestCPythonYieldFromExceptionValueCrash(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		g2 := func(yield gen.Yield[string, int]) ([]int, error) {
			if _, err := yield("g2"); err != nil {
				return nil, err
			}
			return []int{42}, nil
		}
		g1 := gen.New(func(yield gen.Yield[string, int]) ([]int, error) {
			return gen.YieldFrom(yield, pySub(m, g2))
		})
		if got, err := pyList(g1); !cmp.Equal(got, []string{"g2"}) || err != nil {
			t.Fatalf("list(g1()) = %q, %v; want [\"g2\"], <nil>", got, err)
		}
		pyWantResult(t, g1, []int{42}, nil)
	})
}

// A sub-generator's return value, whatever it is (nothing, an int, a slice, an
// error value matching ErrStopIteration), is what YieldFrom returns, with a nil
// error.
func TestCPythonYieldFromGeneratorReturnValue(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		stop3 := fmt.Errorf("%w: 3", gen.ErrStopIteration)
		var rets []any
		g2 := func(v any) func(gen.Yield[string, int]) (any, error) {
			return func(yield gen.Yield[string, int]) (any, error) {
				tr.add("Starting g2")
				if _, err := yield("g2 spam"); err != nil {
					return nil, err
				}
				if _, err := yield("g2 more spam"); err != nil {
					return nil, err
				}
				tr.add("Finishing g2")
				return v, nil
			}
		}
		g1 := gen.New(func(yield gen.Yield[string, int]) (any, error) {
			tr.add("Starting g1")
			if _, err := yield("g1 ham"); err != nil {
				return nil, err
			}
			for _, v := range []any{nil, 1, []int{2}, stop3} {
				ret, err := gen.YieldFrom(yield, pySub(m, g2(v)))
				if err != nil {
					return nil, err
				}
				rets = append(rets, ret)
				tr.add("g2 returned %v", ret)
			}
			if _, err := yield("g1 eggs"); err != nil {
				return nil, err
			}
			tr.add("Finishing g1")
			return nil, nil
		})
		for x := range g1.All() {
			tr.add("Yielded %s", x)
		}
		if _, err := g1.Result(); err != nil {
			t.Errorf("Result() = _, %v; want _, <nil>", err)
		}
		var want pyTrace
		want.add("Starting g1")
		want.add("Yielded g1 ham")
		for _, r := range []string{"<nil>", "1", "[2]", stop3.Error()} {
			want = append(want, "Starting g2", "Yielded g2 spam", "Yielded g2 more spam", "Finishing g2", "g2 returned "+r)
		}
		want = append(want, "Yielded g1 eggs", "Finishing g1")
		pyWantTrace(t, want, tr)
		if diff := cmp.Diff([]any{nil, 1, []int{2}, stop3}, rets, pyOpts); diff != "" {
			t.Errorf("values returned by YieldFrom (-want +got):\n%s", diff)
		}
	})
}

// pySeqRange is a plain iterator over 0..n-1 (Python's range, not a
// generator); cleanup, when not nil, runs when the range ends.
func pySeqRange(n int, cleanup func()) iter.Seq[int] {
	return func(yield func(int) bool) {
		if cleanup != nil {
			defer cleanup()
		}
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// pyNonGen is the Yield of a body delegating to gen.FromSeq.
type pyNonGen = gen.Yield[int, struct{}]

func TestCPythonYieldFromDelegationOfNextToNonGenerator(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	g := gen.New(func(yield pyNonGen) (struct{}, error) {
		return gen.YieldFrom(yield, gen.FromSeq(pySeqRange(3, nil)))
	})
	for x := range g.All() {
		tr.add("Yielded %d", x)
	}
	pyWantTrace(t, pyTrace{"Yielded 0", "Yielded 1", "Yielded 2"}, tr)
}

func TestCPythonYieldFromConversionOfSendZeroToNext(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	gi := gen.New(func(yield pyNonGen) (struct{}, error) {
		return gen.YieldFrom(yield, gen.FromSeq(pySeqRange(3, nil)))
	})
	for range 3 {
		y, err := gi.Send(struct{}{})
		if err != nil {
			t.Fatalf("Send(struct{}{}) = %d, %v; want a value, <nil>", y, err)
		}
		tr.add("Yielded: %d", y)
	}
	pyWantTrace(t, pyTrace{"Yielded: 0", "Yielded: 1", "Yielded: 2"}, tr)
	gi.Close()
}

// Close of a generator delegating to an iterator ends the iterator's range
// (its cleanup runs) and the delegating body, quietly.
func TestCPythonYieldFromDelegationOfCloseToNonGenerator(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	gi := gen.New(func(yield pyNonGen) (struct{}, error) {
		defer tr.add("finishing g")
		tr.add("starting g")
		if _, err := gen.YieldFrom(yield, gen.FromSeq(pySeqRange(3, func() { tr.add("range ends") }))); err != nil {
			return struct{}{}, err
		}
		tr.add("g should not be here")
		return struct{}{}, nil
	})
	if _, err := gi.Next(); err != nil {
		t.Fatalf("Next() = _, %v; want _, <nil>", err)
	}
	if err := gi.Close(); err != nil {
		t.Errorf("Close() = %v; want <nil>", err)
	}
	pyWantTrace(t, pyTrace{"starting g", "range ends", "finishing g"}, tr)
}

func TestCPythonYieldFromDelegatingThrowToNonGenerator(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	gi := gen.New(func(yield pyNonGen) (struct{}, error) {
		defer tr.add("Finishing g")
		tr.add("Starting g")
		return gen.YieldFrom(yield, gen.FromSeq(pySeqRange(10, nil)))
	})
	for range 5 {
		x, err := gi.Next()
		if err != nil {
			t.Fatalf("Next() = %d, %v; want a value, <nil>", x, err)
		}
		tr.add("Yielded %d", x)
	}
	thrown := pyExc(pyValueError, "tomato ejected")
	if _, err := gi.Throw(thrown); err != thrown {
		t.Errorf("Throw(%v) = _, %v; want _, the same error", thrown, err)
	}
	pyWantTrace(t, pyTrace{
		"Starting g", "Yielded 0", "Yielded 1", "Yielded 2", "Yielded 3", "Yielded 4", "Finishing g",
	}, tr)
}

func TestCPythonYieldFromExceptionInInitialNextCall(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		g2 := func(yield gen.Yield[int, int]) (struct{}, error) {
			v, err := pyDiv(1, 0)
			if err != nil {
				return struct{}{}, err
			}
			_, err = yield(v)
			return struct{}{}, err
		}
		gi := gen.New(func(yield gen.Yield[int, int]) (struct{}, error) {
			tr.add("g1 about to yield from g2")
			if _, err := gen.YieldFrom(yield, pySub(m, g2)); err != nil {
				return struct{}{}, err
			}
			tr.add("g1 should not be here")
			return struct{}{}, nil
		})
		v, err := gi.Next()
		pyWant(t, "Next()", v, err, 0, pyZeroDivisionError)
		pyWantTrace(t, pyTrace{"g1 about to yield from g2"}, tr)
	})
}

// A generator that delegates, through another, to itself gets ErrRunning.
func TestCPythonYieldFromAttemptedLoop(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		var gi *gen.Gen[string, int, struct{}]
		g2 := func(yield pyYF) (struct{}, error) {
			tr.add("g2: starting")
			if _, err := yield("y2"); err != nil {
				return struct{}{}, err
			}
			tr.add("g2: about to yield from g1")
			if _, err := gen.YieldFrom(yield, gi); err != nil {
				return struct{}{}, err
			}
			tr.add("g2 should not be here")
			return struct{}{}, nil
		}
		gi = gen.New(func(yield pyYF) (struct{}, error) {
			tr.add("g1: starting")
			if _, err := yield("y1"); err != nil {
				return struct{}{}, err
			}
			tr.add("g1: about to yield from g2")
			if _, err := gen.YieldFrom(yield, pySub(m, g2)); err != nil {
				return struct{}{}, err
			}
			tr.add("g1 should not be here")
			return struct{}{}, nil
		})
		for y := range gi.All() {
			tr.add("Yielded: %s", y)
		}
		if _, err := gi.Result(); !errors.Is(err, gen.ErrRunning) {
			t.Errorf("the loop ended with %v; want %v", err, gen.ErrRunning)
		}
		pyWantTrace(t, pyTrace{
			"g1: starting", "Yielded: y1", "g1: about to yield from g2", "g2: starting", "Yielded: y2",
			"g2: about to yield from g1",
		}, tr)
	})
}

func TestCPythonYieldFromReturningValueFromDelegatedThrow(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		lunchError := errors.New("LunchError")
		g2 := func(yield pyYF) (struct{}, error) {
			tr.add("Starting g2")
			err := func() error {
				if _, err := yield("g2 spam"); err != nil {
					return err
				}
				_, err := yield("g2 more spam")
				return err
			}()
			if errors.Is(err, lunchError) {
				tr.add("Caught LunchError in g2")
				if _, err := yield("g2 lunch saved"); err != nil {
					return struct{}{}, err
				}
				_, err = yield("g2 yet more spam")
			}
			return struct{}{}, err
		}
		g := gen.New(func(yield pyYF) (struct{}, error) {
			defer tr.add("Finishing g1")
			tr.add("Starting g1")
			if _, err := yield("g1 ham"); err != nil {
				return struct{}{}, err
			}
			if _, err := gen.YieldFrom(yield, pySub(m, g2)); err != nil {
				return struct{}{}, err
			}
			_, err := yield("g1 eggs")
			return struct{}{}, err
		})
		pyNextN(t, &tr, g, 2)
		v, err := g.Throw(pyExc(lunchError, "tomato ejected"))
		pyWant(t, "Throw(LunchError)", v, err, "g2 lunch saved", nil)
		for x := range g.All() {
			tr.add("Yielded %s", x)
		}
		pyWantTrace(t, pyTrace{
			"Starting g1", "Yielded g1 ham", "Starting g2", "Yielded g2 spam", "Caught LunchError in g2",
			"Yielded g2 yet more spam", "Yielded g1 eggs", "Finishing g1",
		}, tr)
	})
}

// pyReturnValues are the return values the "return with value" tests try:
// None, an int, a tuple, and a StopIteration instance.
var pyReturnValues = []any{nil, 1, []int{2}, fmt.Errorf("%w: 3", gen.ErrStopIteration)}

func TestCPythonYieldFromNextAndReturnWithValue(t *testing.T) {
	leaktest.Check(t)
	var tr, want pyTrace
	for _, r := range pyReturnValues {
		gi := gen.New(func(yield gen.Yield[any, any]) (any, error) {
			tr.add("g starting")
			if _, err := yield(nil); err != nil {
				return nil, err
			}
			tr.add("g returning %v", r)
			return r, nil
		})
		gi.Next()
		tr.add("f resuming g")
		if _, err := gi.Next(); errors.Is(err, gen.ErrStopIteration) {
			got, _ := gi.Result()
			tr.add("f caught StopIteration(%v)", got)
		} else {
			tr.add("f SHOULD NOT BE HERE: %v", err)
		}
		want = append(want, "g starting", "f resuming g", fmt.Sprintf("g returning %v", r), fmt.Sprintf("f caught StopIteration(%v)", r))
	}
	pyWantTrace(t, want, tr)
}

func TestCPythonYieldFromSendAndReturnWithValue(t *testing.T) {
	leaktest.Check(t)
	var tr, want pyTrace
	for _, r := range pyReturnValues {
		gi := gen.New(func(yield gen.Yield[any, any]) (any, error) {
			tr.add("g starting")
			x, err := yield(nil)
			if err != nil {
				return nil, err
			}
			tr.add("g received %q", x)
			tr.add("g returning %v", r)
			return r, nil
		})
		gi.Next()
		tr.add("f sending spam to g")
		if _, err := gi.Send("spam"); errors.Is(err, gen.ErrStopIteration) {
			got, _ := gi.Result()
			tr.add("f caught StopIteration(%v)", got)
		} else {
			tr.add("f SHOULD NOT BE HERE: %v", err)
		}
		want = append(want, "g starting", "f sending spam to g", `g received "spam"`,
			fmt.Sprintf("g returning %v", r), fmt.Sprintf("f caught StopIteration(%v)", r))
	}
	pyWantTrace(t, want, tr)
}

func TestCPythonYieldFromCatchingExceptionFromSubgenAndReturning(t *testing.T) {
	for _, value := range []any{2, []int{2}, fmt.Errorf("%w: 2", gen.ErrStopIteration)} {
		pyForMode(t, func(t *testing.T, m pySubMode) {
			var trace []any
			inner := func(yield gen.Yield[any, any]) (any, error) {
				if _, err := yield(1); errors.Is(err, pyValueError) {
					trace = append(trace, "inner caught ValueError")
				} else if err != nil {
					return nil, err
				}
				return value, nil
			}
			outer := gen.New(func(yield gen.Yield[any, any]) (any, error) {
				v, err := gen.YieldFrom(yield, pySub(m, inner))
				if err != nil {
					return nil, err
				}
				trace = append(trace, fmt.Sprintf("inner returned %v to outer", v))
				_, err = yield(v)
				return nil, err
			})
			v, err := outer.Next()
			trace = append(trace, v)
			pyWant(t, "Next()", v, err, 1, nil)
			v, err = outer.Throw(pyValueError)
			trace = append(trace, v)
			pyWant(t, "Throw(ValueError)", v, err, value, nil)
			want := []any{1, "inner caught ValueError", fmt.Sprintf("inner returned %v to outer", value), value}
			if diff := cmp.Diff(want, trace, pyOpts); diff != "" {
				t.Errorf("trace (-want +got):\n%s", diff)
			}
			outer.Close()
		})
	}
}

// pyExitCase builds the g/f pair of the "throwing GeneratorExit" tests: f
// handles the GeneratorExit thrown into g with onExit.
func pyExitCase(m pySubMode, tr *pyTrace, onExit func(yield gen.Yield[any, any]) (any, error)) *gen.Gen[any, any, any] {
	f := func(yield gen.Yield[any, any]) (any, error) {
		tr.add("Enter f")
		_, err := yield(nil)
		if errors.Is(err, gen.ErrGeneratorExit) {
			return onExit(yield)
		}
		if err != nil {
			return nil, err
		}
		tr.add("Exit f")
		return nil, nil
	}
	return gen.New(func(yield gen.Yield[any, any]) (any, error) {
		tr.add("Enter g")
		if _, err := gen.YieldFrom(yield, pySub(m, f)); err != nil {
			return nil, err
		}
		tr.add("Exit g")
		return nil, nil
	})
}

func TestCPythonYieldFromThrowGeneratorExitIntoSubgenThatReturns(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		gi := pyExitCase(m, &tr, func(gen.Yield[any, any]) (any, error) { return nil, nil })
		gi.Next()
		v, err := gi.Throw(gen.ErrGeneratorExit)
		pyWant(t, "Throw(GeneratorExit)", v, err, nil, gen.ErrGeneratorExit)
		pyWantTrace(t, pyTrace{"Enter g", "Enter f"}, tr)
	})
}

// Python closes the sub-generator when GeneratorExit is thrown into its
// delegator, so a sub that yields instead of finishing makes the throw fail
// with "generator ignored GeneratorExit".
func TestCPythonYieldFromThrowGeneratorExitIntoSubgenThatYields(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		gi := pyExitCase(m, &tr, func(yield gen.Yield[any, any]) (any, error) {
			_, err := yield("yielded after GeneratorExit")
			return nil, err
		})
		defer gi.Close()
		gi.Next()
		v, err := gi.Throw(gen.ErrGeneratorExit)
		pyWant(t, "Throw(GeneratorExit)", v, err, nil, gen.ErrIgnoredExit)
		pyWantTrace(t, pyTrace{"Enter g", "Enter f"}, tr)
	})
}

// Python also checks that the ValueError's __context__ is the GeneratorExit.
func TestCPythonYieldFromThrowGeneratorExitIntoSubgenThatRaises(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		raised := pyExc(pyValueError, "Vorpal bunny encountered")
		gi := pyExitCase(m, &tr, func(gen.Yield[any, any]) (any, error) { return nil, raised })
		gi.Next()
		v, err := gi.Throw(gen.ErrGeneratorExit)
		if v != nil || err != raised {
			t.Errorf("Throw(GeneratorExit) = %v, %v; want <nil>, %v", v, err, raised)
		}
		pyWantTrace(t, pyTrace{"Enter g", "Enter f"}, tr)
	})
}

func TestCPythonYieldFromEmpty(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield pyNonGen) (struct{}, error) {
		return gen.YieldFrom(yield, gen.FromSeq(pySeqRange(0, nil)))
	})
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 0, gen.ErrStopIteration)
}

// While a generator delegates, it is Running: a delegation back to it gets
// ErrRunning, whether the outer generator is driven by Next, Send, Throw or
// Close.
func TestCPythonYieldFromDelegatingGeneratorsClaimToBeRunning(t *testing.T) {
	type Y = gen.Yield[int, int]
	// yieldCatching yields v and returns the error the yield returned, unless
	// it is a myErr, which it handles.
	myErr := errors.New("MyErr")
	yieldCatching := func(yield Y, v int) error {
		if _, err := yield(v); err != nil && !errors.Is(err, myErr) {
			return err
		}
		return nil
	}
	build := func(m pySubMode) *gen.Gen[int, int, struct{}] {
		var g1 *gen.Gen[int, int, struct{}]
		two := func(yield Y) (struct{}, error) {
			if err := yieldCatching(yield, 1); err != nil {
				return struct{}{}, err
			}
			if _, err := gen.YieldFrom(yield, g1); err != nil && !errors.Is(err, gen.ErrRunning) {
				return struct{}{}, err
			}
			return struct{}{}, yieldCatching(yield, 2)
		}
		g1 = gen.New(func(yield Y) (struct{}, error) {
			if err := yieldCatching(yield, 0); err != nil {
				return struct{}{}, err
			}
			if _, err := gen.YieldFrom(yield, pySub(m, two)); err != nil {
				return struct{}{}, err
			}
			return struct{}{}, yieldCatching(yield, 3)
		})
		return g1
	}
	drive := map[string]func(g *gen.Gen[int, int, struct{}]) (int, error){
		"next":  func(g *gen.Gen[int, int, struct{}]) (int, error) { return g.Next() },
		"send":  func(g *gen.Gen[int, int, struct{}]) (int, error) { return g.Send(42) },
		"throw": func(g *gen.Gen[int, int, struct{}]) (int, error) { return g.Throw(myErr) },
	}
	for name, call := range drive {
		t.Run(name, func(t *testing.T) {
			pyForMode(t, func(t *testing.T, m pySubMode) {
				g1 := build(m)
				v, err := g1.Next()
				res := []int{v}
				for err == nil {
					if v, err = call(g1); err == nil {
						res = append(res, v)
					}
				}
				if !errors.Is(err, gen.ErrStopIteration) {
					t.Errorf("the loop ended with %v; want %v", err, gen.ErrStopIteration)
				}
				if diff := cmp.Diff([]int{0, 1, 2, 3}, res); diff != "" {
					t.Errorf("values (-want +got):\n%s", diff)
				}
			})
		})
	}
	t.Run("close", func(t *testing.T) {
		pyForMode(t, func(t *testing.T, m pySubMode) {
			var g1 *gen.Gen[int, int, struct{}]
			var state gen.State
			var nextErr error
			myIt := func(yield Y) (struct{}, error) {
				for {
					if _, err := yield(42); errors.Is(err, gen.ErrGeneratorExit) {
						state = g1.State()
						_, nextErr = g1.Next()
						return struct{}{}, nil
					} else if err != nil {
						return struct{}{}, err
					}
				}
			}
			g1 = gen.New(func(yield Y) (struct{}, error) {
				return gen.YieldFrom(yield, pySub(m, myIt))
			})
			v, err := g1.Next()
			pyWant(t, "Next()", v, err, 42, nil)
			if err := g1.Close(); err != nil {
				t.Errorf("Close() = %v; want <nil>", err)
			}
			if state != gen.Running || !errors.Is(nextErr, gen.ErrRunning) {
				t.Errorf("while closing the sub: g1.State() = %v, g1.Next() = _, %v; want running, %v", state, nextErr, gen.ErrRunning)
			}
		})
	})
}

// A sub-generator that returns without yielding hands its value straight to
// YieldFrom (a custom iterator raising StopIteration(42) in Python).
func TestCPythonYieldFromCustomIteratorReturn(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		ret := 0
		g := gen.New(func(yield gen.Yield[int, int]) (struct{}, error) {
			r, err := gen.YieldFrom(yield, pySub(m, func(gen.Yield[int, int]) (int, error) { return 42, nil }))
			ret = r
			return struct{}{}, err
		})
		if got, err := pyList(g); len(got) != 0 || err != nil {
			t.Fatalf("list(gen()) = %v, %v; want [], <nil>", got, err)
		}
		if ret != 42 {
			t.Fatalf("YieldFrom returned %d; want 42", ret)
		}
	})
}

// A sent value reaches the sub-generator unchanged.
func TestCPythonYieldFromSendTupleWithCustomGenerator(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var got any
		myGen := func(yield gen.Yield[any, any]) (any, error) {
			v, err := yield(42)
			if err != nil {
				return nil, err
			}
			got = v
			_, err = yield(nil)
			return nil, err
		}
		g := gen.New(func(yield gen.Yield[any, any]) (any, error) {
			return gen.YieldFrom(yield, pySub(m, myGen))
		})
		defer g.Close()
		v, err := g.Next()
		pyWant[any](t, "Next()", v, err, 42, nil)
		v, err = g.Send([]int{1, 2, 3, 4})
		pyWant(t, "Send([1 2 3 4])", v, err, nil, nil)
		if !cmp.Equal(got, any([]int{1, 2, 3, 4})) {
			t.Fatalf("the sub-generator received %v; want [1 2 3 4]", got)
		}
	})
}
