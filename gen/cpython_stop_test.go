package gen_test

// Ports of CPython 3.11's Lib/test/test_generator_stop.py (PEP 479): a
// StopIteration escaping a generator body becomes an error of its own.

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
)

// pyStopper is a function that fails with StopIteration, as next() of an
// exhausted iterator does.
func pyStopper() (int, error) { return 0, fmt.Errorf("%w: from a helper", gen.ErrStopIteration) }

// pyYieldStopper yields what pyStopper returns, passing its error on.
func pyYieldStopper(yield gen.Yield[int, struct{}]) (struct{}, error) {
	v, err := pyStopper()
	if err != nil {
		return struct{}{}, err
	}
	_, err = yield(v)
	return struct{}{}, err
}

func TestCPythonStopIterationWrapping(t *testing.T) {
	leaktest.Check(t)
	v, err := gen.New(pyYieldStopper).Next()
	pyWant(t, "Next()", v, err, 0, gen.ErrStopLeaked)
	if errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("Next() = _, %v; it must not match ErrStopIteration", err)
	}
}

// Python chains the StopIteration as the RuntimeError's __cause__. The
// replacement cannot wrap it (it would then match ErrStopIteration); it keeps
// its text, and Result reports the same error.
func TestCPythonStopIterationWrappingContext(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(pyYieldStopper)
	_, err := g.Next()
	if err == nil || !strings.Contains(err.Error(), "from a helper") {
		t.Fatalf("Next() = _, %v; want an error whose text includes the leaked one's", err)
	}
	if _, rerr := g.Result(); rerr != err {
		t.Fatalf("Result() = _, %v; want _, %v", rerr, err)
	}
}

// The leak error of an inner generator passes through yield from as an
// ordinary error: the delegating generator fails with it, and does not treat
// it as the inner generator's end.
func TestCPythonStopIterationLeakThroughYieldFrom(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		reached := false
		g := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
			if _, err := gen.YieldFrom(yield, pySub(m, pyYieldStopper)); err != nil {
				return struct{}{}, err
			}
			reached = true
			return struct{}{}, nil
		})
		v, err := g.Next()
		pyWant(t, "Next()", v, err, 0, gen.ErrStopLeaked)
		if errors.Is(err, gen.ErrStopIteration) || reached {
			t.Fatalf("Next() = _, %v, body went on: %v; want the leak error alone", err, reached)
		}
	})
}
