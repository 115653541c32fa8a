package gen_test

// Trace tests: each testdata/NAME.py is a Python scenario that prints a trace
// of the calls it makes on a generator and of what the body prints;
// testdata/NAME.out is python3's output, committed beside it. The Go test of
// the same name plays the scenario with gen and must print the same lines.
// Regenerate an .out with: python3 testdata/NAME.py > testdata/NAME.out
//
// Trace lines: "CALL -> yield V", "CALL -> stop R" (StopIteration and its
// value), "CALL -> raise NAME" (the exception's class), "close -> ok"; lines
// the bodies print are indented; "== ..." heads a scenario.

import (
	"errors"
	"fmt"
	"testing"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/internal/tracetest"
)

// traceNames maps errors to the Python exception class names the scripts
// print, most specific first.
var traceNames = []struct {
	err  error
	name string
}{
	{gen.ErrStopLeaked, "RuntimeError"},
	{gen.ErrIgnoredExit, "RuntimeError"},
	{gen.ErrRunning, "ValueError"},
	{gen.ErrJustStarted, "TypeError"},
	{gen.ErrGeneratorExit, "GeneratorExit"},
	{pyValueError, "ValueError"},
	{pyTypeError, "TypeError"},
	{pyKeyError, "KeyError"},
	{pyRuntimeError, "RuntimeError"},
}

func traceName(err error) string {
	for _, n := range traceNames {
		if errors.Is(err, n.err) {
			return n.name
		}
	}
	return fmt.Sprintf("<unexpected error %v>", err)
}

// traceValue prints v as Python prints the matching value.
func traceValue(v any) string {
	switch v.(type) {
	case nil, struct{}:
		return "None"
	}
	return fmt.Sprint(v)
}

// traceStep records one resuming call. A call that ends the body reports its
// return value, as StopIteration.value does; a call on a generator already
// finished reports None.
func traceStep[Y, S, R any](tr *pyTrace, label string, g *gen.Gen[Y, S, R], call func() (Y, error)) {
	before := g.State()
	v, err := call()
	switch {
	case err == nil:
		tr.add("%s -> yield %s", label, traceValue(v))
	case errors.Is(err, gen.ErrStopIteration):
		r := "None"
		if before != gen.Closed {
			rv, _ := g.Result()
			r = traceValue(rv)
		}
		tr.add("%s -> stop %s", label, r)
	default:
		tr.add("%s -> raise %s", label, traceName(err))
	}
}

func traceNext[Y, S, R any](tr *pyTrace, g *gen.Gen[Y, S, R]) { traceStep(tr, "next", g, g.Next) }

func traceSend[Y, S, R any](tr *pyTrace, g *gen.Gen[Y, S, R], v S) {
	traceStep(tr, fmt.Sprintf("send(%v)", v), g, func() (Y, error) { return g.Send(v) })
}

func traceThrow[Y, S, R any](tr *pyTrace, g *gen.Gen[Y, S, R], err error) {
	traceStep(tr, fmt.Sprintf("throw(%s)", traceName(err)), g, func() (Y, error) { return g.Throw(err) })
}

func traceClose[Y, S, R any](tr *pyTrace, g *gen.Gen[Y, S, R]) {
	if err := g.Close(); err != nil {
		tr.add("close -> raise %s", traceName(err))
		return
	}
	tr.add("close -> ok")
}

// checkTrace compares the trace with testdata/NAME.out.
func checkTrace(t *testing.T, name string, got pyTrace) {
	t.Helper()
	tracetest.Compare(t, name, got)
}

func TestTraceSendTotal(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	tr.add("== running total")
	g := gen.New(func(yield gen.Yield[int, int]) (total int, err error) {
		tr.add("  start")
		defer func() { tr.add("  finally, total %d", total) }()
		for {
			n, err := yield(total)
			if err != nil {
				return total, err
			}
			total += n
		}
	})
	traceSend(&tr, g, 5)
	traceNext(&tr, g)
	for _, n := range []int{3, 4, -2} {
		traceSend(&tr, g, n)
	}
	traceClose(&tr, g)
	traceSend(&tr, g, 1)
	traceClose(&tr, g)
	checkTrace(t, "send_total", tr)
}

func TestTraceThrowCaught(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	catcher := func() *gen.Gen[int, int, struct{}] {
		return gen.New(func(yield gen.Yield[int, int]) (struct{}, error) {
			tr.add("  start")
			defer tr.add("  finally")
			caught := 0
			for {
				_, err := yield(caught)
				if errors.Is(err, pyValueError) {
					caught++
					tr.add("  caught ValueError #%d", caught)
					continue
				}
				if err != nil {
					return struct{}{}, err
				}
			}
		})
	}
	tr.add("== throw into a new generator")
	g := catcher()
	traceThrow(&tr, g, pyValueError)
	traceNext(&tr, g)

	tr.add("== throw caught, then uncaught")
	g = catcher()
	traceNext(&tr, g)
	traceThrow(&tr, g, pyValueError)
	traceThrow(&tr, g, pyValueError)
	traceNext(&tr, g)
	traceThrow(&tr, g, pyKeyError)
	traceNext(&tr, g)
	traceThrow(&tr, g, pyValueError)
	traceClose(&tr, g)
	checkTrace(t, "throw_caught", tr)
}

func TestTraceCloseFinally(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	worker := func(name string) *gen.Gen[int, struct{}, struct{}] {
		return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
			defer tr.add("  %s finally", name)
			tr.add("  %s start", name)
			if _, err := yield(1); err != nil {
				return struct{}{}, err
			}
			_, err := yield(2)
			return struct{}{}, err
		})
	}
	catcher := gen.New(func(yield gen.Yield[int, struct{}]) (int, error) {
		_, err := yield(1)
		if errors.Is(err, gen.ErrGeneratorExit) {
			tr.add("  caught GeneratorExit, returning")
			return 99, nil
		}
		return 0, err
	})
	raiser := gen.New(func(yield gen.Yield[int, struct{}]) (int, error) {
		_, err := yield(1)
		if errors.Is(err, gen.ErrGeneratorExit) {
			tr.add("  caught GeneratorExit, raising ValueError")
			return 0, pyExc(pyValueError, "from close")
		}
		return 0, err
	})

	tr.add("== close a suspended generator")
	g := worker("a")
	traceNext(&tr, g)
	traceClose(&tr, g)
	traceClose(&tr, g)
	traceNext(&tr, g)

	tr.add("== close before the first next")
	g = worker("b")
	traceClose(&tr, g)
	traceNext(&tr, g)

	tr.add("== close a finished generator")
	g = worker("c")
	traceNext(&tr, g)
	traceNext(&tr, g)
	traceNext(&tr, g)
	traceClose(&tr, g)

	tr.add("== body catches GeneratorExit and returns")
	traceNext(&tr, catcher)
	traceClose(&tr, catcher)

	tr.add("== body turns GeneratorExit into ValueError")
	traceNext(&tr, raiser)
	traceClose(&tr, raiser)
	traceNext(&tr, raiser)
	checkTrace(t, "close_finally", tr)
}

func TestTraceCloseIgnored(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		type Y = gen.Yield[int, struct{}]
		stubborn := func(yield Y) (struct{}, error) {
			if _, err := yield(1); errors.Is(err, gen.ErrGeneratorExit) {
				tr.add("  caught GeneratorExit, yielding anyway")
				if _, err := yield(2); err != nil {
					return struct{}{}, err
				}
			} else if err != nil {
				return struct{}{}, err
			}
			tr.add("  after the handler")
			return struct{}{}, nil
		}
		delegator := func(yield Y) (struct{}, error) {
			tr.add("  delegator start")
			if _, err := gen.YieldFrom(yield, pySub(m, stubborn)); err != nil {
				return struct{}{}, err
			}
			tr.add("  delegator resumed")
			return struct{}{}, nil
		}

		tr.add("== close ignored")
		g := gen.New(stubborn)
		traceNext(&tr, g)
		traceClose(&tr, g)
		traceClose(&tr, g)

		tr.add("== throw(GeneratorExit) is not close")
		g = gen.New(stubborn)
		traceNext(&tr, g)
		traceThrow(&tr, g, gen.ErrGeneratorExit)
		traceNext(&tr, g)

		tr.add("== close ignored inside yield from")
		g = gen.New(delegator)
		traceNext(&tr, g)
		traceClose(&tr, g)
		traceClose(&tr, g)
		checkTrace(t, "close_ignored", tr)
	})
}

func TestTraceYieldFromForward(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		type Y = gen.Yield[int, int]
		adder := func(yield Y) (total int, err error) {
			tr.add("  adder start")
			defer func() { tr.add("  adder finally, total %d", total) }()
			for {
				n, err := yield(total)
				if errors.Is(err, pyValueError) {
					tr.add("  adder caught ValueError")
					continue
				}
				if err != nil {
					return total, err
				}
				if n < 0 {
					return total, nil
				}
				total += n
			}
		}
		delegator := func(yield Y) (int, error) {
			tr.add("  delegator start")
			defer tr.add("  delegator finally")
			r, err := gen.YieldFrom(yield, pySub(m, adder))
			if err != nil {
				return 0, err
			}
			tr.add("  delegator got %d", r)
			if _, err := yield(r * 10); err != nil {
				return 0, err
			}
			if r, err = gen.YieldFrom(yield, pySub(m, adder)); err != nil {
				return 0, err
			}
			tr.add("  delegator got %d", r)
			return 0, nil
		}

		tr.add("== send, throw, return value, uncaught throw")
		g := gen.New(delegator)
		traceNext(&tr, g)
		traceSend(&tr, g, 5)
		traceSend(&tr, g, 7)
		traceThrow(&tr, g, pyValueError)
		traceSend(&tr, g, -1)
		traceNext(&tr, g)
		traceSend(&tr, g, 2)
		traceThrow(&tr, g, pyKeyError)
		traceNext(&tr, g)

		tr.add("== close reaches the inner generator first")
		g = gen.New(delegator)
		traceNext(&tr, g)
		traceSend(&tr, g, 3)
		traceClose(&tr, g)
		traceNext(&tr, g)
		checkTrace(t, "yield_from_forward", tr)
	})
}

func TestTracePEP479(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		type Y = gen.Yield[int, struct{}]
		empty := func(func(int) bool) {}
		leaky := func(yield Y) (struct{}, error) {
			tr.add("  leaky start")
			if _, err := yield(1); err != nil {
				return struct{}{}, err
			}
			return struct{}{}, gen.ErrStopIteration
		}
		viaNext := func(yield Y) (struct{}, error) {
			tr.add("  via_next start")
			v, err := gen.FromSeq(empty).Next()
			if err != nil {
				return struct{}{}, err
			}
			_, err = yield(v)
			return struct{}{}, err
		}
		careful := func(yield Y) (struct{}, error) {
			if _, err := gen.FromSeq(empty).Next(); errors.Is(err, gen.ErrStopIteration) {
				tr.add("  caught StopIteration inside")
			}
			_, err := yield(2)
			return struct{}{}, err
		}
		delegator := func(yield Y) (struct{}, error) {
			if _, err := gen.YieldFrom(yield, pySub(m, leaky)); err != nil {
				return struct{}{}, err
			}
			tr.add("  delegator resumed")
			return struct{}{}, nil
		}

		tr.add("== raise StopIteration after a yield")
		g := gen.New(leaky)
		traceNext(&tr, g)
		traceNext(&tr, g)
		traceNext(&tr, g)

		tr.add("== next() of an exhausted iterator")
		traceNext(&tr, gen.New(viaNext))

		tr.add("== caught inside the body")
		g = gen.New(careful)
		traceNext(&tr, g)
		traceNext(&tr, g)

		tr.add("== through yield from")
		g = gen.New(delegator)
		traceNext(&tr, g)
		traceNext(&tr, g)
		checkTrace(t, "pep479", tr)
	})
}

func TestTraceReturnValue(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		type Y = gen.Yield[string, int]
		double := func(yield Y) (int, error) {
			x, err := yield("ready")
			return x * 2, err
		}
		early := func(Y) (int, error) {
			tr.add("  early returns at once")
			return 42, nil
		}
		delegator := func(yield Y) (int, error) {
			a, err := gen.YieldFrom(yield, pySub(m, double))
			if err != nil {
				return 0, err
			}
			tr.add("  delegator got %d", a)
			b, err := gen.YieldFrom(yield, pySub(m, early))
			if err != nil {
				return 0, err
			}
			tr.add("  delegator got %d", b)
			return a + b, nil
		}

		tr.add("== return the sent value doubled")
		g := gen.New(double)
		traceNext(&tr, g)
		traceSend(&tr, g, 21)
		traceNext(&tr, g)

		tr.add("== return before the first yield")
		g = gen.New(early)
		traceNext(&tr, g)
		traceNext(&tr, g)

		tr.add("== yield from evaluates to the return value")
		g = gen.New(delegator)
		traceNext(&tr, g)
		traceSend(&tr, g, 5)
		checkTrace(t, "return_value", tr)
	})
}

func TestTraceCloseYieldFrom(t *testing.T) {
	pyForMode(t, func(t *testing.T, m pySubMode) {
		var tr pyTrace
		type Y = gen.Yield[string, int]
		inner := func(yield Y) (string, error) {
			err := func() error {
				if _, err := yield("inner 1"); err != nil {
					return err
				}
				_, err := yield("inner 2")
				return err
			}()
			if errors.Is(err, gen.ErrGeneratorExit) {
				tr.add("  inner caught GeneratorExit, returning")
				return "inner result", nil
			}
			return "", err
		}
		delegator := func(yield Y) (string, error) {
			defer tr.add("  delegator finally")
			r, err := gen.YieldFrom(yield, pySub(m, inner))
			if err == nil {
				tr.add("  delegator got %s", r)
				_, err = yield("after")
			}
			if errors.Is(err, gen.ErrGeneratorExit) {
				tr.add("  delegator saw GeneratorExit")
			}
			return "", err
		}
		stubborn := func(yield Y) (string, error) {
			_, err := gen.YieldFrom(yield, pySub(m, inner))
			if errors.Is(err, gen.ErrGeneratorExit) {
				tr.add("  delegator caught GeneratorExit, yielding")
				_, err = yield("stubborn")
			}
			return "", err
		}

		tr.add("== close")
		g := gen.New(delegator)
		traceNext(&tr, g)
		traceNext(&tr, g)
		traceClose(&tr, g)
		traceNext(&tr, g)

		tr.add("== throw(GeneratorExit)")
		g = gen.New(delegator)
		traceNext(&tr, g)
		traceThrow(&tr, g, gen.ErrGeneratorExit)
		traceNext(&tr, g)

		tr.add("== the delegator yields after GeneratorExit")
		g = gen.New(stubborn)
		traceNext(&tr, g)
		traceClose(&tr, g)
		checkTrace(t, "close_yield_from", tr)
	})
}
