package aiter_test

// Trace tests: each testdata/NAME.py is an asyncio scenario that prints a
// trace of the calls it makes on async generators and of what the bodies and
// other tasks print; testdata/NAME.out is python3's output, committed beside
// it. The Go test of the same name plays the scenario with aiter under
// sched.VirtualTime and must print the same lines (the Python scripts sleep
// in real time and print times rounded to a tenth of a second; the Go ones
// are exact). Regenerate an .out with: python3 testdata/NAME.py > testdata/NAME.out
//
// Trace lines: "CALL -> yield V", "CALL -> stop" (StopAsyncIteration), "CALL
// -> raise NAME" (the exception's class), "aclose -> ok"; lines the bodies
// print are indented; "== ..." heads a scenario.

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/corio-go/corio/aiter"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/internal/tracetest"
	"github.com/corio-go/corio/sched"
)

var errKey = errors.New("KeyError")

// pyTrace is the lines a scenario prints.
type pyTrace []string

func (tr *pyTrace) add(format string, args ...any) {
	*tr = append(*tr, fmt.Sprintf(format, args...))
}

// traceName is pyName, with the trace scripts' KeyError.
func traceName(err error) string {
	if errors.Is(err, errKey) {
		return "KeyError"
	}
	return pyName(err)
}

// pyValue prints v as Python's f-string prints the matching value.
func pyValue(v any) string {
	switch v.(type) {
	case nil, struct{}:
		return "None"
	}
	return fmt.Sprint(v)
}

// traceStep records one awaited call, as the scripts' step() prints it.
func traceStep[Y any](tr *pyTrace, label string, v Y, err error) {
	switch {
	case err == nil:
		tr.add("%s -> yield %s", label, pyValue(v))
	case errors.Is(err, aiter.ErrStopAsyncIteration):
		tr.add("%s -> stop", label)
	default:
		tr.add("%s -> raise %s", label, traceName(err))
	}
}

// traceAClose records an AClose as the scripts' aclose() prints it; with msg,
// an exception's message too (only gen.ErrIgnoredExit's is needed: Python's
// "async generator ignored GeneratorExit").
func traceAClose(tr *pyTrace, err error, msg bool) {
	switch {
	case err == nil:
		tr.add("aclose -> ok")
	case msg && errors.Is(err, gen.ErrIgnoredExit):
		tr.add("aclose -> raise RuntimeError: async generator ignored GeneratorExit")
	default:
		tr.add("aclose -> raise %s", traceName(err))
	}
}

// clock prints the loop's time since a start, as the scripts print
// loop.time() - t0.
type clock struct {
	l     *sched.Loop
	start time.Time
}

func newClock(co *coro.Co) *clock {
	l := sched.LoopOf(co)
	return &clock{l: l, start: l.Now()}
}

func (c *clock) reset()         { c.start = c.l.Now() }
func (c *clock) String() string { return fmt.Sprintf("%.1f", c.l.Now().Sub(c.start).Seconds()) }

// checkTrace compares the trace with testdata/NAME.out.
func checkTrace(t *testing.T, name string, got pyTrace) {
	t.Helper()
	tracetest.Compare(t, name, got)
}

// runTrace runs main under sched with virtual time, failing the test if Run
// returns an error.
func runTrace(t *testing.T, main func(co *coro.Co) error) {
	t.Helper()
	if err := runAsync(main); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// spawnTicker is the scripts' other(): a task printing n ticks, delay apart.
func spawnTicker(co *coro.Co, tr *pyTrace, name string, n int, delay time.Duration, done bool) *sched.Task[struct{}] {
	return sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
		for i := range n {
			tr.add("%s tick %d", name, i)
			if err := sched.Sleep(co, delay); err != nil {
				return struct{}{}, err
			}
		}
		if done {
			tr.add("%s done", name)
		}
		return struct{}{}, nil
	}))
}

func TestTraceASendAThrowAClose(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	type Y = gen.Yield[int, any]
	total := func() *aiter.Gen[int, any] {
		return aiter.New(func(co *coro.Co, yield Y) error {
			tr.add("  start")
			total := 0
			err := func() error { // try
				for {
					if err := sched.Sleep(co, 0); err != nil {
						return err
					}
					n, err := yield(total)
					if errors.Is(err, errValue) {
						tr.add("  caught ValueError")
						if err := sched.Sleep(co, 100*ms); err != nil {
							return err
						}
						if _, err := yield(-1); err != nil {
							return err
						}
						continue
					}
					if err != nil {
						return err
					}
					if n != nil {
						total += n.(int)
					}
				}
			}()
			// finally
			tr.add("  finally, total %d", total)
			if e := sched.Sleep(co, 100*ms); e != nil {
				return e
			}
			tr.add("  finally done")
			return err
		})
	}
	catcher := func() *aiter.Gen[int, any] {
		return aiter.New(func(co *coro.Co, yield Y) error {
			_, err := yield(1)
			if errors.Is(err, gen.ErrGeneratorExit) {
				tr.add("  caught GeneratorExit, awaiting, returning")
				return sched.Sleep(co, 100*ms)
			}
			return err
		})
	}
	raiser := func() *aiter.Gen[int, any] {
		return aiter.New(func(co *coro.Co, yield Y) error {
			_, err := yield(1)
			if errors.Is(err, gen.ErrGeneratorExit) {
				tr.add("  caught GeneratorExit, raising ValueError")
				return fmt.Errorf("%w: from aclose", errValue)
			}
			return err
		})
	}
	asend := func(co *coro.Co, g *aiter.Gen[int, any], v any) {
		r, err := g.ASend(co, v)
		traceStep(&tr, fmt.Sprintf("asend(%s)", pyValue(v)), r, err)
	}
	anext := func(co *coro.Co, g *aiter.Gen[int, any]) {
		r, err := g.ANext(co)
		traceStep(&tr, "anext", r, err)
	}
	athrow := func(co *coro.Co, g *aiter.Gen[int, any], e error) {
		r, err := g.AThrow(co, e)
		traceStep(&tr, fmt.Sprintf("athrow(%s)", traceName(e)), r, err)
	}
	aclose := func(co *coro.Co, g *aiter.Gen[int, any]) { traceAClose(&tr, g.AClose(co), false) }

	runTrace(t, func(co *coro.Co) error {
		tr.add("== running total")
		g := total()
		asend(co, g, 5)
		asend(co, g, nil)
		asend(co, g, 5)
		asend(co, g, 3)
		athrow(co, g, errValue)
		asend(co, g, nil)
		asend(co, g, 4)
		aclose(co, g)
		asend(co, g, 1)
		anext(co, g)
		aclose(co, g)

		tr.add("== uncaught athrow")
		g = total()
		anext(co, g)
		asend(co, g, 2)
		athrow(co, g, errKey)
		anext(co, g)
		aclose(co, g)

		tr.add("== athrow into a new generator")
		g = total()
		athrow(co, g, errValue)
		anext(co, g)

		tr.add("== aclose before the first anext")
		g = total()
		aclose(co, g)
		anext(co, g)

		tr.add("== body catches GeneratorExit and returns")
		g = catcher()
		anext(co, g)
		aclose(co, g)
		anext(co, g)

		tr.add("== body turns GeneratorExit into ValueError")
		g = raiser()
		anext(co, g)
		aclose(co, g)
		anext(co, g)
		return nil
	})
	checkTrace(t, "asend_athrow_aclose", tr)
}

// The script calls "await g.aclose()" after each break, since Python's async
// for does not close the generator; here All has closed it before the loop
// statement ends, and the AClose finds it closed.
func TestTraceEarlyBreak(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	ticker := func(name string, n int) intGen {
		return aiter.New(func(co *coro.Co, yield yieldInt) error {
			err := func() error { // try
				for i := range n {
					if err := sched.Sleep(co, 100*ms); err != nil {
						return err
					}
					tr.add("  %s yields %d", name, i)
					if _, err := yield(i); err != nil {
						return err
					}
				}
				tr.add("  %s exhausted", name)
				return nil
			}()
			// finally
			tr.add("  %s cleanup starts", name)
			if e := sched.Sleep(co, 500*ms); e != nil {
				return e
			}
			tr.add("  %s cleanup done", name)
			return err
		})
	}
	runTrace(t, func(co *coro.Co) error {
		now := newClock(co)

		tr.add("== break at 2")
		g := ticker("a", 10)
		for v, err := range aiter.All(co, g) {
			if err != nil {
				return err
			}
			tr.add("got %d at %s", v, now)
			if v == 2 {
				break
			}
		}
		if s := g.State(); s != gen.Closed {
			t.Errorf("after the break the generator is %v; want closed", s)
		}
		if err := g.AClose(co); err != nil {
			return err
		}
		tr.add("after the loop at %s", now)

		tr.add("== the loop runs to the end")
		g = ticker("b", 2)
		for v, err := range aiter.All(co, g) {
			if err != nil {
				return err
			}
			tr.add("got %d at %s", v, now)
		}
		if err := g.AClose(co); err != nil {
			return err
		}
		tr.add("after the loop at %s", now)

		tr.add("== break after anext")
		g = ticker("c", 10)
		v, err := g.ANext(co)
		if err != nil {
			return err
		}
		tr.add("anext -> %d", v)
		for v, err := range aiter.All(co, g) {
			if err != nil {
				return err
			}
			tr.add("got %d at %s", v, now)
			break
		}
		if err := g.AClose(co); err != nil {
			return err
		}
		tr.add("after the loop at %s", now)

		tr.add("== break out of nested loops")
		outer := ticker("outer", 3)
		for x, err := range aiter.All(co, outer) {
			if err != nil {
				return err
			}
			inner := ticker("inner", 3)
			for y, err := range aiter.All(co, inner) {
				if err != nil {
					return err
				}
				tr.add("got %d,%d at %s", x, y, now)
				if y == 1 {
					break
				}
			}
			if err := inner.AClose(co); err != nil {
				return err
			}
			if x == 1 {
				break
			}
		}
		if err := outer.AClose(co); err != nil {
			return err
		}
		tr.add("after the loops at %s", now)
		return nil
	})
	checkTrace(t, "early_break", tr)
}

func TestTraceAwaitBetweenYields(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	producer := func(name string, n int, delay time.Duration) *aiter.Gen[int, any] {
		return aiter.New(func(co *coro.Co, yield gen.Yield[int, any]) error {
			for i := range n {
				tr.add("  %s sleeps before %d", name, i)
				if err := sched.Sleep(co, delay); err != nil {
					return err
				}
				tr.add("  %s yields %d", name, i)
				sent, err := yield(i)
				if err != nil {
					return err
				}
				tr.add("  %s resumed with %s", name, pyValue(sent))
			}
			tr.add("  %s returns", name)
			return nil
		})
	}
	runTrace(t, func(co *coro.Co) error {
		now := newClock(co)

		tr.add("== async for")
		tk := spawnTicker(co, &tr, "other", 4, 700*ms, true)
		for v, err := range aiter.All(co, producer("p", 3, time.Second)) {
			if err != nil {
				return err
			}
			tr.add("consumer got %d at %s", v, now)
			if err := sched.Sleep(co, 0); err != nil {
				return err
			}
			tr.add("consumer slept 0 after %d", v)
		}
		tr.add("loop over at %s", now)
		if _, err := tk.Await(co); err != nil {
			return err
		}

		tr.add("== anext and asend")
		now.reset()
		tk = spawnTicker(co, &tr, "other", 3, 400*ms, true)
		g := producer("q", 2, 500*ms)
		v, err := g.ANext(co)
		if err != nil {
			return err
		}
		tr.add("anext -> %d at %s", v, now)
		if v, err = g.ASend(co, "x"); err != nil {
			return err
		}
		tr.add("asend('x') -> %d at %s", v, now)
		if _, err = g.ASend(co, "y"); errors.Is(err, aiter.ErrStopAsyncIteration) {
			tr.add("asend('y') -> stop at %s", now)
		} else {
			return fmt.Errorf("asend('y'): %v; want ErrStopAsyncIteration", err)
		}
		_, err = tk.Await(co)
		return err
	})
	checkTrace(t, "await_between_yields", tr)
}

func TestTraceAcloseYieldInFinally(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	yieldsInFinally := func() intGen {
		return aiter.New(func(co *coro.Co, yield yieldInt) error {
			_, err := yield(1) // try
			if err == nil {
				_, err = yield(2)
			}
			// finally
			tr.add("  finally awaits")
			if e := sched.Sleep(co, 100*ms); e != nil {
				return e
			}
			tr.add("  finally yields 99")
			if _, e := yield(99); e != nil {
				return e
			}
			tr.add("  after the yield in finally")
			return err
		})
	}
	catchesAndYields := func() intGen {
		return aiter.New(func(co *coro.Co, yield yieldInt) error {
			caught := 0
			for {
				_, err := yield(1)
				if errors.Is(err, gen.ErrGeneratorExit) {
					caught++
					if caught > 1 {
						return nil
					}
					tr.add("  caught GeneratorExit, yielding anyway")
					continue
				}
				if err != nil {
					return err
				}
			}
		})
	}
	anext := func(co *coro.Co, g intGen) {
		v, err := g.ANext(co)
		traceStep(&tr, "anext", v, err)
	}
	runTrace(t, func(co *coro.Co) error {
		tr.add("== yield in finally")
		g := yieldsInFinally()
		anext(co, g)
		traceAClose(&tr, g.AClose(co), true)

		tr.add("== catch GeneratorExit in a loop and yield")
		g = catchesAndYields()
		anext(co, g)
		traceAClose(&tr, g.AClose(co), true)

		tr.add("== athrow(GeneratorExit) is not aclose")
		g = catchesAndYields()
		anext(co, g)
		v, err := g.AThrow(co, gen.ErrGeneratorExit)
		traceStep(&tr, "athrow(GeneratorExit)", v, err)
		return nil // Run closes g, quietly (its second GeneratorExit)
	})
	checkTrace(t, "aclose_yield_in_finally", tr)
}

func TestTraceAcloseFinallyAwaits(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	runTrace(t, func(co *coro.Co) error {
		now := newClock(co)
		slowCleanup := aiter.New(func(co *coro.Co, yield yieldInt) error {
			_, err := yield(1) // try
			if err == nil {
				_, err = yield(2)
			}
			// finally
			tr.add("  cleanup starts at %s", now)
			if e := sched.Sleep(co, time.Second); e != nil {
				return e
			}
			tr.add("  cleanup half way at %s", now)
			if e := sched.Sleep(co, time.Second); e != nil {
				return e
			}
			tr.add("  cleanup done at %s", now)
			return err
		})
		cleanupAwaitsTask := aiter.New(func(co *coro.Co, yield yieldInt) error {
			task := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) { // crash_later(0.5)
				if err := sched.Sleep(co, 500*ms); err != nil {
					return struct{}{}, err
				}
				return struct{}{}, errZeroDivision
			}))
			_, err := yield(1) // try
			// finally
			tr.add("  cleanup awaits the task at %s", now)
			if _, e := task.Await(co); errors.Is(e, errZeroDivision) {
				tr.add("  the task raised ZeroDivisionError at %s", now)
			} else if e != nil {
				return e
			}
			tr.add("  cleanup raises ValueError")
			_ = err
			return errValue
		})

		tr.add("== cleanup awaits while another task ticks")
		v, err := slowCleanup.ANext(co)
		if err != nil {
			return err
		}
		tr.add("anext -> %d", v)
		tk := spawnTicker(co, &tr, "other", 6, 300*ms, false)
		if err := sched.Sleep(co, 0); err != nil {
			return err
		}
		tr.add("aclose starts at %s", now)
		if err := slowCleanup.AClose(co); err != nil {
			return err
		}
		tr.add("aclose -> ok at %s", now)
		if _, err := tk.Await(co); err != nil {
			return err
		}

		tr.add("== cleanup awaits a task, then raises")
		now.reset()
		if v, err = cleanupAwaitsTask.ANext(co); err != nil {
			return err
		}
		tr.add("anext -> %d", v)
		if err := cleanupAwaitsTask.AClose(co); errors.Is(err, errValue) {
			tr.add("aclose -> raise ValueError at %s", now)
		} else {
			return fmt.Errorf("AClose: %v; want ValueError", err)
		}
		return nil
	})
	checkTrace(t, "aclose_finally_awaits", tr)
}
