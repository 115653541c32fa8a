package aiter_test

// Ports of CPython 3.11's Lib/test/test_asyncgen.py. Each test names the
// Python test it follows; conformance/TALLY.md lists every Python test and
// where it went. The AsyncGenTest cases drive their coroutines by hand, as the
// Python ones do (runUntilComplete below is the test's run_until_complete); the
// AsyncGenAsyncioTest cases run under sched with virtual time.
//
// Where a case applies to both, it runs twice: "push" ranges over a new
// generator with aiter.All (the body runs on the consumer's stack), "pull"
// steps it with ANext/ASend/AThrow/AClose (the body runs on a coroutine of its
// own and its awaits are forwarded).

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/aiter"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// Python's exceptions, as the errors the Go bodies return.
var (
	errZeroDivision = errors.New("ZeroDivisionError: division by zero")
	errAwait        = errors.New("AwaitException")
	errFooEr        = errors.New("FooEr")
	errMyError      = errors.New("MyError")
	errValue        = errors.New("ValueError")
	errSyntax       = errors.New("SyntaxError")
)

// pyName names an error as the Python exception class it stands for.
func pyName(err error) string {
	for _, n := range []struct {
		err  error
		name string
	}{
		{gen.ErrStopLeaked, "RuntimeError"},
		{gen.ErrIgnoredExit, "RuntimeError"},
		{gen.ErrRunning, "RuntimeError"},
		{gen.ErrJustStarted, "TypeError"},
		{gen.ErrGeneratorExit, "GeneratorExit"},
		{aiter.ErrStopAsyncIteration, "StopAsyncIteration"},
		{sched.ErrCancelled, "CancelledError"},
		{errZeroDivision, "ZeroDivisionError"},
		{errAwait, "AwaitException"},
		{errFooEr, "FooEr"},
		{errMyError, "MyError"},
		{errValue, "ValueError"},
		{errSyntax, "SyntaxError"},
	} {
		if errors.Is(err, n.err) {
			return n.name
		}
	}
	return fmt.Sprintf("<unexpected error %v>", err)
}

const ms = time.Millisecond

// mode is how a case consumes its async generator.
type mode string

const (
	push mode = "push" // aiter.All over the new generator: the body runs on the consumer's stack
	pull mode = "pull" // ANext first, so that the body runs on a coroutine of its own
)

// forModes runs f once per mode, as subtests.
func forModes(t *testing.T, f func(t *testing.T, m mode)) {
	t.Helper()
	for _, m := range []mode{push, pull} {
		t.Run(string(m), func(t *testing.T) {
			leaktest.Check(t)
			f(t, m)
		})
	}
}

// collect is "[i async for i in g]": in push mode it ranges over the new
// generator; in pull mode it steps it once with ANext and then ranges over the
// started generator (which All steps with ANext).
func collect[Y, S any](co *coro.Co, m mode, g *aiter.Gen[Y, S]) ([]Y, error) {
	var out []Y
	if m == pull {
		v, err := g.ANext(co)
		if errors.Is(err, aiter.ErrStopAsyncIteration) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	for v, err := range aiter.All(co, g) {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// runAsync runs body as the main task of a loop with virtual time:
// loop.run_until_complete / asyncio.run.
func runAsync(body func(co *coro.Co) error, opts ...sched.Option) error {
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, body(co)
	}), append(opts, sched.VirtualTime())...)
	return err
}

// marker is what the test's hand-driven awaits hand their driver: Python's
// ('result',) and ('throw',) tuples, and _async_yield's values.
type marker string

func (marker) AddDoneCallback(func()) {}
func (marker) Cancel() bool           { return false }

const (
	resultMark marker = "result"
	throwMark  marker = "throw"
)

// awaitable is the test's @types.coroutine awaitable(): it hands ('result',)
// or ('throw',) to the driver; runUntilComplete throws AwaitException after
// ('throw',).
func awaitable(co *coro.Co, throw bool) error {
	w := resultMark
	if throw {
		w = throwMark
	}
	_, err := co.Suspend(w)
	return err
}

// runUntilComplete is the Python test's run_until_complete: it drives c by hand
// and throws AwaitException in after c hands it ('throw',).
func runUntilComplete[T any](c *coro.Coro[T]) (T, error) {
	throw := false
	for {
		var w coro.Waiter
		var err error
		if throw {
			throw = false
			w, err = c.Throw(errAwait)
		} else {
			w, err = c.Send(nil)
		}
		if err == gen.ErrStopIteration {
			return c.Result()
		}
		if err != nil {
			var zero T
			return zero, err
		}
		if w == coro.Waiter(throwMark) {
			throw = true
		}
	}
}

// toList is the Python test's to_list: "async for" driven by runUntilComplete.
func toList[Y, S any](m mode, g *aiter.Gen[Y, S]) ([]Y, error) {
	// The error is collect's own, not the one the driven coroutine returns: a
	// coroutine applies PEP 479 to what its body returns.
	var out []Y
	var err error
	if _, derr := runUntilComplete(coro.New(func(co *coro.Co) (struct{}, error) {
		out, err = collect(co, m, g)
		return struct{}{}, nil
	})); derr != nil {
		return out, fmt.Errorf("driving the coroutine: %w", derr)
	}
	return out, err
}

type intGen = *aiter.Gen[int, struct{}]
type yieldInt = gen.Yield[int, struct{}]

// syncIterate is compare_generators' sync_iterate.
func syncIterate(g *gen.Gen[int, struct{}, struct{}]) []string {
	var res []string
	for {
		v, err := g.Next()
		switch {
		case err == nil:
			res = append(res, strconv.Itoa(v))
		case errors.Is(err, gen.ErrStopIteration):
			return append(res, "STOP")
		default:
			res = append(res, pyName(err))
		}
	}
}

// asyncIterate is compare_generators' async_iterate. In pull mode each ANext
// is a coroutine stepped by hand until it finishes, as Python steps each
// __anext__() awaitable; in push mode All ranges over the generator on a
// hand-driven coroutine, and a last ANext shows that it is over.
func asyncIterate(m mode, g intGen) []string {
	if m == push {
		res, _ := runUntilComplete(coro.New(func(co *coro.Co) ([]string, error) {
			var res []string
			for v, err := range aiter.All(co, g) {
				if err != nil {
					res = append(res, pyName(err))
					break
				}
				res = append(res, strconv.Itoa(v))
			}
			if _, err := g.ANext(co); err != aiter.ErrStopAsyncIteration {
				res = append(res, fmt.Sprintf("ANext after the end: %v", err))
			}
			return append(res, "STOP"), nil
		}))
		return res
	}
	var res []string
	for {
		an := coro.New(func(co *coro.Co) (int, error) { return g.ANext(co) })
		for {
			_, err := an.Send(nil)
			if err == nil {
				continue // an await of the body
			}
			if err == gen.ErrStopIteration {
				v, _ := an.Result()
				res = append(res, strconv.Itoa(v))
				break
			}
			if errors.Is(err, aiter.ErrStopAsyncIteration) {
				return append(res, "STOP")
			}
			res = append(res, pyName(err))
			break
		}
	}
}

// compareGenerators is the Python test's compare_generators: the sync and the
// async generator must produce the same transcript, which must be want.
func compareGenerators(t *testing.T, m mode, sync *gen.Gen[int, struct{}, struct{}], async intGen, want []string) {
	t.Helper()
	s := syncIterate(sync)
	a := asyncIterate(m, async)
	if diff := cmp.Diff(s, a); diff != "" {
		t.Errorf("sync and async transcripts differ (-sync +async):\n%s", diff)
	}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("async transcript (-want +got):\n%s", diff)
	}
}

// ---- AsyncGenTest: hand-driven ----

func TestCPythonAsyncGenIteration01(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		g := aiter.New(func(co *coro.Co, yield gen.Yield[int, any]) error {
			if err := awaitable(co, false); err != nil {
				return err
			}
			a, err := yield(123)
			if err != nil {
				return err
			}
			if a != nil {
				t.Errorf("yield 123 received %v; want nil", a)
			}
			if err := awaitable(co, false); err != nil {
				return err
			}
			if _, err := yield(456); err != nil {
				return err
			}
			if err := awaitable(co, false); err != nil {
				return err
			}
			_, err = yield(789)
			return err
		})
		got, err := toList(m, g)
		if err != nil {
			t.Fatalf("to_list: %v", err)
		}
		if diff := cmp.Diff([]int{123, 456, 789}, got); diff != "" {
			t.Errorf("to_list (-want +got):\n%s", diff)
		}
	})
}

func TestCPythonAsyncGenIteration02(t *testing.T) {
	leaktest.Check(t)
	g := aiter.New(func(co *coro.Co, yield yieldInt) error {
		if err := awaitable(co, false); err != nil {
			return err
		}
		if _, err := yield(123); err != nil {
			return err
		}
		return awaitable(co, false)
	})
	// Each __anext__() awaitable, stepped by hand: first the body's await
	// reaches the driver, then the value comes out as the awaitable's result.
	an := coro.New(func(co *coro.Co) (int, error) { return g.ANext(co) })
	if w, err := an.Send(nil); w != coro.Waiter(resultMark) || err != nil {
		t.Fatalf("first step of ANext #1 = %v, %v; want %v, nil", w, err, resultMark)
	}
	if s := g.State(); s != gen.Running {
		t.Errorf("State while the body awaits = %v; want running", s)
	}
	if _, err := an.Send(nil); err != gen.ErrStopIteration {
		t.Fatalf("second step of ANext #1: %v; want it to finish", err)
	}
	if v, err := an.Result(); v != 123 || err != nil {
		t.Errorf("ANext #1 = %v, %v; want 123, nil", v, err)
	}
	if s := g.State(); s != gen.Suspended {
		t.Errorf("State after a yield = %v; want suspended", s)
	}
	an = coro.New(func(co *coro.Co) (int, error) { return g.ANext(co) })
	if w, err := an.Send(nil); w != coro.Waiter(resultMark) || err != nil {
		t.Fatalf("first step of ANext #2 = %v, %v; want %v, nil", w, err, resultMark)
	}
	if _, err := an.Send(nil); err != aiter.ErrStopAsyncIteration {
		t.Errorf("second step of ANext #2: %v; want ErrStopAsyncIteration", err)
	}
	if s := g.State(); s != gen.Closed {
		t.Errorf("State at the end = %v; want closed", s)
	}
}

func TestCPythonAsyncGenException03(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		g := aiter.New(func(co *coro.Co, yield yieldInt) error {
			if err := awaitable(co, false); err != nil {
				return err
			}
			if _, err := yield(123); err != nil {
				return err
			}
			if err := awaitable(co, true); err != nil {
				return err
			}
			_, err := yield(456)
			return err
		})
		got, err := toList(m, g)
		if !errors.Is(err, errAwait) || !cmp.Equal(got, []int{123}) {
			t.Errorf("to_list = %v, %v; want [123], AwaitException", got, err)
		}
	})
}

func TestCPythonAsyncGenException04(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		g := aiter.New(func(co *coro.Co, yield yieldInt) error {
			if err := awaitable(co, false); err != nil {
				return err
			}
			if _, err := yield(123); err != nil {
				return err
			}
			return errZeroDivision
		})
		if m == push {
			got, err := toList(m, g)
			if !errors.Is(err, errZeroDivision) || !cmp.Equal(got, []int{123}) {
				t.Errorf("to_list = %v, %v; want [123], ZeroDivisionError", got, err)
			}
			return
		}
		an := coro.New(func(co *coro.Co) (int, error) { return g.ANext(co) })
		if w, err := an.Send(nil); w != coro.Waiter(resultMark) || err != nil {
			t.Fatalf("first step of ANext #1 = %v, %v; want %v, nil", w, err, resultMark)
		}
		if _, err := an.Send(nil); err != gen.ErrStopIteration {
			t.Fatalf("second step of ANext #1: %v; want it to finish", err)
		}
		if v, _ := an.Result(); v != 123 {
			t.Errorf("ANext #1 = %v; want 123", v)
		}
		an = coro.New(func(co *coro.Co) (int, error) { return g.ANext(co) })
		if _, err := an.Send(nil); err != errZeroDivision {
			t.Errorf("first step of ANext #2: %v; want ZeroDivisionError", err)
		}
	})
}

func TestCPythonAsyncGenException05(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		g := aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(123); err != nil {
				return err
			}
			return aiter.ErrStopAsyncIteration
		})
		got, err := toList(m, g)
		if !errors.Is(err, gen.ErrStopLeaked) || errors.Is(err, aiter.ErrStopAsyncIteration) {
			t.Errorf("to_list = %v, %v; want an error matching gen.ErrStopLeaked and not ErrStopAsyncIteration", got, err)
		}
	})
}

// A body that returns StopIteration: PEP 479 applies to async generators too
// (CPython: RuntimeError "async generator raised StopIteration").
func TestCPythonAsyncGenException06(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		g := aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(123); err != nil {
				return err
			}
			return gen.ErrStopIteration
		})
		got, err := toList(m, g)
		if !errors.Is(err, gen.ErrStopLeaked) || errors.Is(err, gen.ErrStopIteration) {
			t.Errorf("to_list = %v, %v; want an error matching gen.ErrStopLeaked and not gen.ErrStopIteration", got, err)
		}
	})
}

func TestCPythonAsyncGenException07(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		syncGen := gen.New(func(yield yieldInt) (struct{}, error) {
			err := func() error { // try
				if _, err := yield(1); err != nil {
					return err
				}
				return errZeroDivision
			}()
			// finally
			if _, e := yield(2); e != nil {
				return struct{}{}, e
			}
			if _, e := yield(3); e != nil {
				return struct{}{}, e
			}
			if err != nil {
				return struct{}{}, err
			}
			_, err = yield(100)
			return struct{}{}, err
		})
		asyncGen := aiter.New(func(co *coro.Co, yield yieldInt) error {
			err := func() error { // try
				if _, err := yield(1); err != nil {
					return err
				}
				return errZeroDivision
			}()
			// finally
			if _, e := yield(2); e != nil {
				return e
			}
			if _, e := yield(3); e != nil {
				return e
			}
			if err != nil {
				return err
			}
			_, err = yield(100)
			return err
		})
		compareGenerators(t, m, syncGen, asyncGen, []string{"1", "2", "3", "ZeroDivisionError", "STOP"})
	})
}

func TestCPythonAsyncGenException08(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		syncGen := gen.New(func(yield yieldInt) (struct{}, error) {
			yield(1) // try; whatever it raises, the finally block's 1/0 replaces
			// finally
			if _, e := yield(2); e != nil {
				return struct{}{}, e
			}
			return struct{}{}, errZeroDivision
		})
		asyncGen := aiter.New(func(co *coro.Co, yield yieldInt) error {
			err := func() error { // try
				if _, err := yield(1); err != nil {
					return err
				}
				return awaitable(co, false)
			}()
			// finally
			if e := awaitable(co, false); e != nil {
				return e
			}
			if _, e := yield(2); e != nil {
				return e
			}
			_ = err // replaced by the ZeroDivisionError the finally block raises
			return errZeroDivision
		})
		compareGenerators(t, m, syncGen, asyncGen, []string{"1", "2", "ZeroDivisionError", "STOP"})
	})
}

func TestCPythonAsyncGenException09(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		syncGen := gen.New(func(yield yieldInt) (struct{}, error) {
			_, err := yield(1) // try
			if err == nil {
				err = errZeroDivision
			}
			// finally
			if _, e := yield(2); e != nil {
				return struct{}{}, e
			}
			if _, e := yield(3); e != nil {
				return struct{}{}, e
			}
			return struct{}{}, err
		})
		asyncGen := aiter.New(func(co *coro.Co, yield yieldInt) error {
			err := func() error { // try
				if err := awaitable(co, false); err != nil {
					return err
				}
				if _, err := yield(1); err != nil {
					return err
				}
				return errZeroDivision
			}()
			// finally
			if _, e := yield(2); e != nil {
				return e
			}
			if e := awaitable(co, false); e != nil {
				return e
			}
			if _, e := yield(3); e != nil {
				return e
			}
			return err
		})
		compareGenerators(t, m, syncGen, asyncGen, []string{"1", "2", "3", "ZeroDivisionError", "STOP"})
	})
}

func TestCPythonAsyncGenException10(t *testing.T) {
	leaktest.Check(t)
	g := aiter.New(func(co *coro.Co, yield gen.Yield[int, int]) error {
		_, err := yield(123)
		return err
	})
	got, err := runUntilComplete(coro.New(func(co *coro.Co) (string, error) {
		v, err := g.ASend(co, 100)
		s := fmt.Sprintf("ASend(100) = %v, %s; State %v", v, pyName(err), g.State())
		if !errors.Is(err, gen.ErrJustStarted) {
			return s, nil
		}
		v, err = g.ANext(co)
		s += fmt.Sprintf("; ANext = %v, %v", v, err)
		return s, g.AClose(co)
	}))
	if want := "ASend(100) = 0, TypeError; State created; ANext = 123, <nil>"; got != want || err != nil {
		t.Errorf("got %q, %v\nwant %q, nil", got, err, want)
	}
}

func TestCPythonAsyncGenException11(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		syncGenWrapper := gen.New(func(yield yieldInt) (struct{}, error) {
			if _, err := yield(1); err != nil {
				return struct{}{}, err
			}
			sg := gen.New(func(yield yieldInt) (struct{}, error) {
				if _, err := yield(10); err != nil {
					return struct{}{}, err
				}
				_, err := yield(20)
				return struct{}{}, err
			})
			sg.Next()
			if _, err := sg.Throw(gen.ErrGeneratorExit); errors.Is(err, gen.ErrGeneratorExit) {
				if _, err := yield(2); err != nil {
					return struct{}{}, err
				}
			}
			_, err := yield(3)
			return struct{}{}, err
		})
		asyncGenWrapper := aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(1); err != nil {
				return err
			}
			asg := aiter.New(func(co *coro.Co, yield yieldInt) error {
				if _, err := yield(10); err != nil {
					return err
				}
				_, err := yield(20)
				return err
			})
			if _, err := asg.ASend(co, struct{}{}); err != nil {
				return err
			}
			if _, err := asg.AThrow(co, gen.ErrGeneratorExit); errors.Is(err, gen.ErrGeneratorExit) {
				if _, err := yield(2); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
			_, err := yield(3)
			return err
		})
		compareGenerators(t, m, syncGenWrapper, asyncGenWrapper, []string{"1", "2", "3", "STOP"})
	})
}

// What of async_gen_api_01 Go has: the running flag (ag_running) is State.
// Names, ag_await, ag_frame and ag_code are Python introspection.
func TestCPythonAsyncGenAPI01(t *testing.T) {
	leaktest.Check(t)
	g := aiter.New(func(co *coro.Co, yield yieldInt) error {
		_, err := yield(123)
		return err
	})
	if s := g.State(); s != gen.Created {
		t.Errorf("State of a new generator = %v; want created", s)
	}
}

// ---- AsyncGenAsyncioTest: under sched ----

// anextDefault is anext(it, default): the Python test's py_anext.
func anextDefault[T any](co *coro.Co, it aiter.Iterator[T], def T) (T, error) {
	v, err := it.ANext(co)
	if errors.Is(err, aiter.ErrStopAsyncIteration) {
		return def, nil
	}
	return v, err
}

// myAsyncIter is the Python test's MyAsyncIter: an async iterator that is not
// a generator. It yields 1, then 2.
type myAsyncIter struct{ yielded int }

func (it *myAsyncIter) ANext(*coro.Co) (int, error) {
	if it.yielded >= 2 {
		return 0, aiter.ErrStopAsyncIteration
	}
	it.yielded++
	return it.yielded, nil
}

// checkAsyncIteratorAnext is the Python test's check_async_iterator_anext,
// with the default argument of anext() written as anextDefault.
func checkAsyncIteratorAnext(t *testing.T, newIt func() aiter.Iterator[int]) {
	t.Helper()
	const shoe = -1 // 'buckle my shoe'
	g := newIt()
	consume := func(co *coro.Co) ([]int, error) {
		var res []int
		for i := range 3 {
			var v int
			var err error
			if i < 2 {
				v, err = g.ANext(co)
			} else {
				v, err = anextDefault(co, g, shoe)
			}
			if err != nil {
				return res, err
			}
			res = append(res, v)
		}
		return res, nil
	}
	var got1, got2 []int
	var err1, err2 error
	var log []string
	err := runAsync(func(co *coro.Co) error {
		got1, err1 = consume(co)
		got2, err2 = consume(co)

		// test_2
		g1 := newIt()
		for _, want := range []int{1, 2} {
			if v, err := g1.ANext(co); v != want || err != nil {
				log = append(log, fmt.Sprintf("g1.ANext = %v, %v; want %v, nil", v, err, want))
			}
		}
		for range 2 {
			if _, err := g1.ANext(co); err != aiter.ErrStopAsyncIteration {
				log = append(log, fmt.Sprintf("g1.ANext at the end: %v; want ErrStopAsyncIteration", err))
			}
		}
		g2 := newIt()
		for _, want := range []int{1, 2, shoe, shoe} {
			if v, err := anextDefault(co, g2, shoe); v != want || err != nil {
				log = append(log, fmt.Sprintf("anext(g2, default) = %v, %v; want %v, nil", v, err, want))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(got1, []int{1, 2, shoe}) || err1 != nil {
		t.Errorf("consume #1 = %v, %v; want [1 2 %d], nil", got1, err1, shoe)
	}
	if len(got2) != 0 || err2 != aiter.ErrStopAsyncIteration {
		t.Errorf("consume #2 = %v, %v; want [], ErrStopAsyncIteration", got2, err2)
	}
	for _, l := range log {
		t.Error(l)
	}

	// test_send: the anext(p, default) awaitable, driven by hand, finishes
	// at its first step (the iterator does not await).
	p := newIt()
	c := coro.New(func(co *coro.Co) (int, error) { return anextDefault(co, p, shoe) })
	if _, err := c.Send(nil); err != gen.ErrStopIteration {
		t.Errorf("test_send: Send = %v; want gen.ErrStopIteration", err)
	}
	if v, err := c.Result(); v != 1 || err != nil {
		t.Errorf("test_send: Result = %v, %v; want 1, nil", v, err)
	}
	// Python's collector closes p; a suspended async generator outside a loop
	// must be closed by hand (see TestDroppedPullGenIsClosed).
	if cl, ok := p.(interface{ AClose(*coro.Co) error }); ok {
		if _, err := runUntilComplete(coro.New(func(co *coro.Co) (struct{}, error) {
			return struct{}{}, cl.AClose(co)
		})); err != nil {
			t.Errorf("test_send: AClose = %v", err)
		}
	}

	// test_throw: throwing into the awaitable before it starts raises the
	// error there, and the iterator is not touched.
	p = newIt()
	c = coro.New(func(co *coro.Co) (int, error) { return anextDefault(co, p, shoe) })
	if _, err := c.Throw(errSyntax); err != errSyntax {
		t.Errorf("test_throw: Throw(SyntaxError) = %v; want SyntaxError", err)
	}
	if s, ok := p.(interface{ State() gen.State }); ok && s.State() != gen.Created {
		t.Errorf("test_throw: the generator is %v; want created", s.State())
	}
}

func TestCPythonAsyncGenAsyncGeneratorAnext(t *testing.T) {
	leaktest.Check(t)
	checkAsyncIteratorAnext(t, func() aiter.Iterator[int] {
		return aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(1); err != nil {
				return err
			}
			_, err := yield(2)
			return err
		})
	})
}

func TestCPythonAsyncGenPythonAsyncIteratorAnext(t *testing.T) {
	leaktest.Check(t)
	checkAsyncIteratorAnext(t, func() aiter.Iterator[int] { return &myAsyncIter{} })
}

// async_gen_aiter: "async for i in aiter(g)". aiter(g) is g itself; All takes
// the iterator directly.
func TestCPythonAsyncGenAiter(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		g := aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(1); err != nil {
				return err
			}
			_, err := yield(2)
			return err
		})
		var got []int
		err := runAsync(func(co *coro.Co) (err error) {
			got, err = collect(co, m, g)
			return err
		})
		if err != nil || !cmp.Equal(got, []int{1, 2}) {
			t.Errorf("got %v, %v; want [1 2], nil", got, err)
		}
	})
}

// genClass is the Python tests' class Gen whose __aiter__ is an async
// generator: in Go, a method that returns one.
type genClass struct{ sleep time.Duration }

func (c genClass) AIter() *aiter.Gen[int, struct{}] {
	return aiter.New(func(co *coro.Co, yield yieldInt) error {
		if _, err := yield(1); err != nil {
			return err
		}
		if c.sleep > 0 {
			if err := sched.Sleep(co, c.sleep); err != nil {
				return err
			}
		}
		_, err := yield(2)
		return err
	})
}

func TestCPythonAsyncGenAiterClass(t *testing.T) {
	leaktest.Check(t)
	var results []int
	err := runAsync(func(co *coro.Co) error {
		ait := genClass{}.AIter()
		for {
			v, err := ait.ANext(co)
			if errors.Is(err, aiter.ErrStopAsyncIteration) {
				return nil
			}
			if err != nil {
				return err
			}
			results = append(results, v)
		}
	})
	if err != nil || !cmp.Equal(results, []int{1, 2}) {
		t.Errorf("got %v, %v; want [1 2], nil", results, err)
	}
}

// raisingIter's ANext fails at once: the Python test's WithRaisingAwaitableAnext.
type raisingIter struct{}

func (raisingIter) ANext(*coro.Co) (int, error) { return 0, errZeroDivision }

func TestCPythonAsyncGenAnextAwaitRaises(t *testing.T) {
	leaktest.Check(t)
	var errs []error
	err := runAsync(func(co *coro.Co) error {
		_, err := raisingIter{}.ANext(co)
		errs = append(errs, err)
		_, err = anextDefault[int](co, raisingIter{}, -1)
		errs = append(errs, err)
		for _, err := range aiter.All[int](co, raisingIter{}) {
			errs = append(errs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]error{errZeroDivision, errZeroDivision, errZeroDivision}, errs, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("errors of ANext, anext with a default, All (-want +got):\n%s", diff)
	}
}

// valueMark is what asyncYield hands the driver: _async_yield's value.
type valueMark int

func (valueMark) AddDoneCallback(func()) {}
func (valueMark) Cancel() bool           { return false }

// asyncYield is the Python test's _async_yield: a bare yield of v to the
// driver, returning what the driver sends.
func asyncYield(co *coro.Co, v int) (any, error) { return co.Suspend(valueMark(v)) }

// asyncYield2 is the _async_yield of test4..test6: it yields v*10, then
// v*10+1, and returns what the second yield receives.
func asyncYield2(co *coro.Co, v int) (any, error) {
	if _, err := co.Suspend(valueMark(v * 10)); err != nil {
		return nil, err
	}
	return co.Suspend(valueMark(v*10 + 1))
}

// anextCoro is anext(agen, "default").__await__(), to be driven by hand.
func anextCoro(g *aiter.Gen[string, struct{}]) *coro.Coro[string] {
	return coro.New(func(co *coro.Co) (string, error) { return anextDefault(co, g, "default") })
}

// stepMatches reports whether a hand-driven step returned the driver value v.
func stepMatches(w coro.Waiter, err error, v int) bool {
	return err == nil && w == coro.Waiter(valueMark(v))
}

func TestCPythonAsyncGenAnextIter(t *testing.T) {
	leaktest.Check(t)
	type Y = gen.Yield[string, struct{}]
	agenfn := func() *aiter.Gen[string, struct{}] {
		return aiter.New(func(co *coro.Co, _ Y) error {
			if _, err := asyncYield(co, 1); errors.Is(err, errMyError) {
				_, err = asyncYield(co, 2)
				return err
			} else if err != nil {
				return err
			}
			return nil
		})
	}
	t.Run("test1", func(t *testing.T) {
		leaktest.Check(t)
		g := anextCoro(agenfn())
		defer g.Close()
		if w, err := g.Send(nil); !stepMatches(w, err, 1) {
			t.Fatalf("Send = %v, %v; want 1", w, err)
		}
		if w, err := g.Throw(errMyError); !stepMatches(w, err, 2) {
			t.Fatalf("Throw(MyError) = %v, %v; want 2", w, err)
		}
		if _, err := g.Send(nil); err != gen.ErrStopIteration {
			t.Fatalf("Send = %v; want gen.ErrStopIteration", err)
		}
		if v, _ := g.Result(); v != "default" {
			t.Errorf("Result = %q; want default", v)
		}
	})
	t.Run("test2", func(t *testing.T) {
		leaktest.Check(t)
		g := anextCoro(agenfn())
		defer g.Close()
		if w, err := g.Send(nil); !stepMatches(w, err, 1) {
			t.Fatalf("Send = %v, %v; want 1", w, err)
		}
		if w, err := g.Throw(errMyError); !stepMatches(w, err, 2) {
			t.Fatalf("Throw(MyError) = %v, %v; want 2", w, err)
		}
		if _, err := g.Throw(errMyError); err != errMyError {
			t.Errorf("second Throw(MyError) = %v; want MyError", err)
		}
	})
	// Closing the awaitable delivers GeneratorExit at the body's pending await,
	// as the pure-Python anext of the test does, so the async generator is
	// closed too; the closed coroutine refuses to be reused.
	t.Run("test3", func(t *testing.T) {
		leaktest.Check(t)
		ag := agenfn()
		g := anextCoro(ag)
		defer g.Close()
		if w, err := g.Send(nil); !stepMatches(w, err, 1) {
			t.Fatalf("Send = %v, %v; want 1", w, err)
		}
		if err := g.Close(); err != nil {
			t.Errorf("Close = %v; want nil", err)
		}
		if _, err := g.Send(nil); err != coro.ErrReused {
			t.Errorf("Send after Close = %v; want coro.ErrReused", err)
		}
		if s := ag.State(); s != gen.Closed {
			t.Errorf("the async generator is %v; want closed", s)
		}
	})
	agenfn2 := func(caught func(yield Y) error) *aiter.Gen[string, struct{}] {
		return aiter.New(func(co *coro.Co, yield Y) error {
			_, err := asyncYield2(co, 1)
			if errors.Is(err, errMyError) {
				return caught(yield)
			}
			if err != nil {
				return err
			}
			_, err = yield("aaa")
			return err
		})
	}
	t.Run("test4", func(t *testing.T) {
		leaktest.Check(t)
		ag := aiter.New(func(co *coro.Co, _ Y) error {
			_, err := asyncYield2(co, 1)
			if errors.Is(err, errMyError) {
				_, err = asyncYield2(co, 2)
			}
			return err
		})
		g := anextCoro(ag)
		defer g.Close()
		if w, err := g.Send(nil); !stepMatches(w, err, 10) {
			t.Fatalf("Send = %v, %v; want 10", w, err)
		}
		if w, err := g.Throw(errMyError); !stepMatches(w, err, 20) {
			t.Fatalf("Throw(MyError) = %v, %v; want 20", w, err)
		}
		val := fmt.Errorf("%w: val", errMyError)
		if _, err := g.Throw(val); err != val {
			t.Errorf("Throw(MyError('val')) = %v; want that error", err)
		}
	})
	t.Run("test5", func(t *testing.T) {
		leaktest.Check(t)
		g := anextCoro(agenfn2(func(Y) error { return nil }))
		defer g.Close()
		if w, err := g.Send(nil); !stepMatches(w, err, 10) {
			t.Fatalf("Send = %v, %v; want 10", w, err)
		}
		if _, err := g.Throw(errMyError); err != gen.ErrStopIteration {
			t.Fatalf("Throw(MyError) = %v; want gen.ErrStopIteration", err)
		}
		if v, _ := g.Result(); v != "default" {
			t.Errorf("Result = %q; want default", v)
		}
	})
	t.Run("test6", func(t *testing.T) {
		leaktest.Check(t)
		g := anextCoro(agenfn2(func(Y) error { return nil }))
		defer g.Close()
		if _, err := g.Throw(errMyError); err != errMyError {
			t.Errorf("Throw(MyError) before the first Send = %v; want MyError", err)
		}
	})
}

// arange yields 0..n-1 with a sleep of d before each value.
func arange(n int, d time.Duration) intGen {
	return aiter.New(func(co *coro.Co, yield yieldInt) error {
		for i := range n {
			if err := sched.Sleep(co, d); err != nil {
				return err
			}
			if _, err := yield(i); err != nil {
				return err
			}
		}
		return nil
	})
}

func TestCPythonAsyncGenAsyncio01(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		g := aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(1); err != nil {
				return err
			}
			if err := sched.Sleep(co, 10*ms); err != nil {
				return err
			}
			if _, err := yield(2); err != nil {
				return err
			}
			if err := sched.Sleep(co, 10*ms); err != nil {
				return err
			}
			return nil
		})
		var got []int
		err := runAsync(func(co *coro.Co) (err error) {
			got, err = collect(co, m, g)
			return err
		})
		if err != nil || !cmp.Equal(got, []int{1, 2}) {
			t.Errorf("got %v, %v; want [1 2], nil", got, err)
		}
	})
}

func TestCPythonAsyncGenAsyncio02(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		g := aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(1); err != nil {
				return err
			}
			if err := sched.Sleep(co, 10*ms); err != nil {
				return err
			}
			if _, err := yield(2); err != nil {
				return err
			}
			return errZeroDivision
		})
		err := runAsync(func(co *coro.Co) error {
			_, err := collect(co, m, g)
			return err
		})
		if err != errZeroDivision {
			t.Errorf("got %v; want ZeroDivisionError", err)
		}
	})
}

func TestCPythonAsyncGenAsyncio03(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var got []int
		err := runAsync(func(co *coro.Co) (err error) {
			got, err = collect(co, m, genClass{sleep: 10 * ms}.AIter())
			return err
		})
		if err != nil || !cmp.Equal(got, []int{1, 2}) {
			t.Errorf("got %v, %v; want [1 2], nil", got, err)
		}
	})
}

func TestCPythonAsyncGenAsyncioAnext04(t *testing.T) {
	leaktest.Check(t)
	foo := func() intGen {
		return aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(1); err != nil {
				return err
			}
			if err := sched.Sleep(co, 10*ms); err != nil {
				return err
			}
			_, err := yield(2)
			if err == nil {
				_, err = yield(3)
			}
			if errors.Is(err, errZeroDivision) {
				_, err = yield(1000)
			}
			if err != nil {
				return err
			}
			if err := sched.Sleep(co, 10*ms); err != nil {
				return err
			}
			_, err = yield(4)
			return err
		})
	}
	forModes(t, func(t *testing.T, m mode) { // run1
		var got []int
		var end error
		err := runAsync(func(co *coro.Co) (err error) {
			g := foo()
			got, err = collect(co, m, g)
			_, end = g.ANext(co)
			return err
		})
		if err != nil || !cmp.Equal(got, []int{1, 2, 3, 4}) || end != aiter.ErrStopAsyncIteration {
			t.Errorf("got %v, %v, then %v; want [1 2 3 4], nil, then ErrStopAsyncIteration", got, err, end)
		}
	})
	t.Run("run2", func(t *testing.T) {
		leaktest.Check(t)
		var log []string
		err := runAsync(func(co *coro.Co) error {
			it := foo()
			for range 2 {
				v, err := it.ANext(co)
				log = append(log, fmt.Sprintf("ANext = %v, %v", v, err))
			}
			v, err := it.AThrow(co, errZeroDivision)
			log = append(log, fmt.Sprintf("AThrow(ZeroDivisionError) = %v, %v", v, err))
			for range 2 {
				v, err = it.ANext(co)
				log = append(log, fmt.Sprintf("ANext = %v, %v", v, err))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"ANext = 1, <nil>",
			"ANext = 2, <nil>",
			"AThrow(ZeroDivisionError) = 1000, <nil>",
			"ANext = 4, <nil>",
			"ANext = 0, " + aiter.ErrStopAsyncIteration.Error(),
		}
		if diff := cmp.Diff(want, log); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

func TestCPythonAsyncGenAsyncioAnext05(t *testing.T) {
	leaktest.Check(t)
	foo := aiter.New(func(co *coro.Co, yield gen.Yield[int, int]) error {
		v, err := yield(1)
		if err != nil {
			return err
		}
		if v, err = yield(v); err != nil {
			return err
		}
		_, err = yield(v * 100)
		return err
	})
	var log []string
	err := runAsync(func(co *coro.Co) error {
		for _, s := range []int{0, 10, 12} {
			v, err := foo.ASend(co, s)
			log = append(log, fmt.Sprintf("ASend(%d) = %v, %v", s, v, err))
		}
		_, err := foo.ANext(co)
		log = append(log, fmt.Sprintf("ANext: %s", pyName(err)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ASend(0) = 1, <nil>", "ASend(10) = 10, <nil>", "ASend(12) = 1200, <nil>", "ANext: StopAsyncIteration"}
	if diff := cmp.Diff(want, log); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// catchAll is "try: yield except: pass" followed by DONE = 1.
func catchAll(done *int) intGen {
	return aiter.New(func(co *coro.Co, yield yieldInt) error {
		yield(0) // try: yield; except: pass
		*done = 1
		return nil
	})
}

func TestCPythonAsyncGenAsyncioAnext06(t *testing.T) {
	leaktest.Check(t)
	done := 0
	err := runAsync(func(co *coro.Co) error {
		g := catchAll(&done)
		if _, err := g.ASend(co, struct{}{}); err != nil {
			return err
		}
		if _, err := g.ASend(co, struct{}{}); err != aiter.ErrStopAsyncIteration {
			return fmt.Errorf("second ASend: %v; want ErrStopAsyncIteration", err)
		}
		done += 10
		return nil
	})
	if err != nil || done != 11 {
		t.Errorf("got %v, DONE = %d; want nil, 11", err, done)
	}
}

func TestCPythonAsyncGenAsyncioAnextTuple(t *testing.T) {
	leaktest.Check(t)
	foo := aiter.New(func(co *coro.Co, yield gen.Yield[[]int, struct{}]) error {
		_, err := yield([]int{1})
		if errors.Is(err, errZeroDivision) {
			_, err = yield([]int{2})
		}
		return err
	})
	var got [][]int
	var end error
	err := runAsync(func(co *coro.Co) error {
		v, err := foo.ANext(co)
		if err != nil {
			return err
		}
		got = append(got, v)
		if v, err = foo.AThrow(co, errZeroDivision); err != nil {
			return err
		}
		got = append(got, v)
		_, end = foo.ANext(co)
		return nil
	})
	if err != nil || !cmp.Equal(got, [][]int{{1}, {2}}) || end != aiter.ErrStopAsyncIteration {
		t.Errorf("got %v, %v, then %v; want [[1] [2]], nil, then ErrStopAsyncIteration", got, err, end)
	}
}

// stopIterationValue stands for a StopIteration(n) instance used as a value.
func stopIterationValue(n int) error { return fmt.Errorf("%w: %d", gen.ErrStopIteration, n) }

// Values that are errors matching ErrStopIteration or ErrStopAsyncIteration
// are values like any other: yielding one does not end the iteration.
func TestCPythonAsyncGenAsyncioAnextStopIteration(t *testing.T) {
	leaktest.Check(t)
	v1, v3 := stopIterationValue(1), stopIterationValue(3)
	foo := aiter.New(func(co *coro.Co, yield gen.Yield[error, struct{}]) error {
		_, err := yield(v1)
		if errors.Is(err, errZeroDivision) {
			if _, err = yield(v3); err != nil {
				return err
			}
			_, err = yield(aiter.ErrStopAsyncIteration)
		}
		return err
	})
	var got []error
	var end error
	err := runAsync(func(co *coro.Co) error {
		v, err := foo.ANext(co)
		if err != nil {
			return err
		}
		got = append(got, v)
		if v, err = foo.AThrow(co, errZeroDivision); err != nil {
			return err
		}
		got = append(got, v)
		if v, err = foo.ANext(co); err != nil {
			return err
		}
		got = append(got, v)
		_, end = foo.ANext(co)
		return nil
	})
	want := []error{v1, v3, aiter.ErrStopAsyncIteration}
	if err != nil || !cmp.Equal(got, want, cmp.Comparer(func(a, b error) bool { return a == b })) || end != aiter.ErrStopAsyncIteration {
		t.Errorf("got values %v, %v, then %v; want %v, nil, then ErrStopAsyncIteration", got, err, end, want)
	}
}

// closeRun is the run() of the aclose tests: in pull mode, ANext once and
// AClose; in push mode, "async for" that breaks at the first value (which
// closes the generator: its cleanup may await). It returns AClose's error; in
// push mode there is none to return.
func closeRun[Y any](co *coro.Co, m mode, g *aiter.Gen[Y, struct{}]) ([]Y, error) {
	var got []Y
	if m == push {
		for v, err := range aiter.All(co, g) {
			if err != nil {
				return got, err
			}
			got = append(got, v)
			break
		}
		return got, nil
	}
	v, err := g.ANext(co)
	if err != nil {
		return got, err
	}
	return append(got, v), g.AClose(co)
}

// In push mode there is no AClose to return the error: breaking out of the
// loop closes the generator and the cleanup runs up to the second yield.
func TestCPythonAsyncGenAsyncioAclose06(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var log []string
		var g intGen
		err := runAsync(func(co *coro.Co) error {
			g = aiter.New(func(co *coro.Co, yield yieldInt) error {
				_, err := yield(1) // try
				if err == nil {
					err = errZeroDivision
				}
				// finally
				if e := sched.Sleep(co, 10*ms); e != nil {
					return e
				}
				log = append(log, "finally slept")
				if _, e := yield(12); e != nil {
					return e
				}
				log = append(log, "after yield 12")
				return err
			})
			_, err := closeRun(co, m, g)
			return err
		})
		if m == pull && !errors.Is(err, gen.ErrIgnoredExit) {
			t.Errorf("AClose: %v; want gen.ErrIgnoredExit", err)
		}
		if m == push && err != nil {
			t.Errorf("break: %v; want nil", err)
		}
		if diff := cmp.Diff([]string{"finally slept"}, log); diff != "" {
			t.Errorf("cleanup (-want +got):\n%s", diff)
		}
		if s := g.State(); s != gen.Closed {
			t.Errorf("State = %v; want closed", s)
		}
	})
}

func TestCPythonAsyncGenAsyncioAclose07(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		done := 0
		err := runAsync(func(co *coro.Co) error {
			g := aiter.New(func(co *coro.Co, yield yieldInt) error {
				_, err := yield(1)
				if err == nil {
					err = errZeroDivision
				}
				// finally
				for range 2 {
					if e := sched.Sleep(co, 10*ms); e != nil {
						return e
					}
				}
				done++
				if err != nil {
					return err
				}
				done += 1000
				return nil
			})
			_, err := closeRun(co, m, g)
			return err
		})
		if err != nil || done != 1 {
			t.Errorf("got %v, DONE = %d; want nil, 1", err, done)
		}
	})
}

func TestCPythonAsyncGenAsyncioAclose08(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		done := 0
		var got []int
		err := runAsync(func(co *coro.Co) (err error) {
			fut := sched.NewFuture[struct{}](co)
			defer fut.Cancel() // silence, as the Python test does
			g := aiter.New(func(co *coro.Co, yield yieldInt) error {
				err := func() error { // try
					if _, err := yield(1); err != nil {
						return err
					}
					if _, err := fut.Await(co); err != nil {
						return err
					}
					done += 1000
					_, err := yield(2)
					return err
				}()
				// finally
				for range 2 {
					if e := sched.Sleep(co, 10*ms); e != nil {
						return e
					}
				}
				done++
				if err != nil {
					return err
				}
				done += 1000
				return nil
			})
			got, err = closeRun(co, m, g)
			return err
		})
		if err != nil || done != 1 || !cmp.Equal(got, []int{1}) {
			t.Errorf("got %v, %v, DONE = %d; want [1], nil, 1", got, err, done)
		}
	})
}

// Go differs: an async generator left suspended and dropped is not closed by
// the collector (its loop keeps it registered, as asyncio's weak set would
// not); sched.Run closes it when main returns, inside the loop, so its cleanup
// still awaits and runs.
func TestCPythonAsyncGenAsyncioGcAclose09(t *testing.T) {
	leaktest.Check(t)
	done := 0
	err := runAsync(func(co *coro.Co) error {
		g := aiter.New(func(co *coro.Co, yield yieldInt) error {
			var err error
			for err == nil {
				_, err = yield(1)
			}
			// finally
			if e := sched.Sleep(co, 0); e != nil {
				return e
			}
			done = 1
			return err
		})
		for range 2 {
			if _, err := g.ANext(co); err != nil {
				return err
			}
		}
		g = nil
		for range 2 {
			if err := sched.Sleep(co, 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || done != 1 {
		t.Errorf("got %v, DONE = %d; want nil, 1", err, done)
	}
}

func TestCPythonAsyncGenAsyncioAclose10(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		done := 0
		err := runAsync(func(co *coro.Co) error {
			if _, err := closeRun(co, m, catchAll(&done)); err != nil {
				return err
			}
			done += 10
			return nil
		})
		if err != nil || done != 11 {
			t.Errorf("got %v, DONE = %d; want nil, 11", err, done)
		}
	})
}

func TestCPythonAsyncGenAsyncioAclose11(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		done := 0
		var g intGen
		err := runAsync(func(co *coro.Co) error {
			g = aiter.New(func(co *coro.Co, yield yieldInt) error {
				yield(0) // try: yield; except: pass
				if _, err := yield(0); err != nil {
					return err
				}
				done++
				return nil
			})
			_, err := closeRun(co, m, g)
			if m == pull && !errors.Is(err, gen.ErrIgnoredExit) {
				return fmt.Errorf("AClose: %v; want gen.ErrIgnoredExit", err)
			}
			if m == push && err != nil {
				return err
			}
			done += 10
			return nil
		})
		if err != nil || done != 10 {
			t.Errorf("got %v, DONE = %d; want nil, 10", err, done)
		}
		if s := g.State(); s != gen.Closed {
			t.Errorf("State = %v; want closed", s)
		}
	})
}

func TestCPythonAsyncGenAsyncioAclose12(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		done := 0
		err := runAsync(func(co *coro.Co) error {
			g := aiter.New(func(co *coro.Co, yield yieldInt) error {
				task := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
					if err := sched.Sleep(co, 10*ms); err != nil {
						return struct{}{}, err
					}
					return struct{}{}, errZeroDivision
				}))
				_, err := yield(1)
				// finally
				if _, e := task.Await(co); errors.Is(e, errZeroDivision) {
					done = 1
				} else if e != nil {
					return e
				}
				return err
			})
			_, err := closeRun(co, m, g)
			return err
		})
		if err != nil || done != 1 {
			t.Errorf("got %v, DONE = %d; want nil, 1", err, done)
		}
	})
}

// finallySleeps is the finally block of the asend and athrow tests: two
// sleeps of 10ms, then DONE = 1.
func finallySleeps(co *coro.Co, done *int) error {
	for range 2 {
		if err := sched.Sleep(co, 10*ms); err != nil {
			return err
		}
	}
	*done = 1
	return nil
}

func TestCPythonAsyncGenAsyncioAsend01(t *testing.T) {
	leaktest.Check(t)
	done := 0
	var log []string
	err := runAsync(func(co *coro.Co) error {
		g := aiter.New(func(co *coro.Co, yield gen.Yield[int, int]) error {
			err := func() error {
				if err := sched.Sleep(co, 10*ms); err != nil {
					return err
				}
				v, err := yield(1)
				if err != nil {
					return err
				}
				if err := sched.Sleep(co, 10*ms); err != nil {
					return err
				}
				if _, err := yield(v * 2); err != nil {
					return err
				}
				return sched.Sleep(co, 10*ms)
			}()
			if e := finallySleeps(co, &done); e != nil {
				return e
			}
			return err
		})
		for _, s := range []int{0, 100, 0} {
			v, err := g.ASend(co, s)
			log = append(log, fmt.Sprintf("ASend(%d) = %v, %v", s, v, err))
		}
		return nil
	})
	want := []string{"ASend(0) = 1, <nil>", "ASend(100) = 200, <nil>", "ASend(0) = 0, " + aiter.ErrStopAsyncIteration.Error()}
	if diff := cmp.Diff(want, log); diff != "" || err != nil || done != 1 {
		t.Errorf("got %v, DONE = %d; want nil, 1; steps (-want +got):\n%s", err, done, diff)
	}
}

// sleepNCrash is the asend_03/athrow_02 sleep_n_crash: a task sleeping d,
// cancelled after d/2, awaited.
func sleepNCrash(co *coro.Co, d time.Duration) error {
	task := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, sched.Sleep(co, d)
	}))
	sched.LoopOf(co).AfterFunc(d/2, func() { task.Cancel() })
	_, err := task.Await(co)
	return err
}

func TestCPythonAsyncGenAsyncioAsend02and03(t *testing.T) {
	leaktest.Check(t)
	for _, tc := range []struct {
		name  string
		crash func(co *coro.Co) error
		want  error
	}{
		{"asend_02", func(co *coro.Co) error {
			if err := sched.Sleep(co, 10*ms); err != nil {
				return err
			}
			return errZeroDivision
		}, errZeroDivision},
		{"asend_03", func(co *coro.Co) error { return sleepNCrash(co, 10*ms) }, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Check(t)
			done := 0
			err := runAsync(func(co *coro.Co) error {
				g := aiter.New(func(co *coro.Co, yield gen.Yield[int, int]) error {
					err := func() error {
						if err := sched.Sleep(co, 10*ms); err != nil {
							return err
						}
						v, err := yield(1)
						if err != nil {
							return err
						}
						if err := tc.crash(co); err != nil {
							return err
						}
						done += 1000
						_, err = yield(v * 2)
						return err
					}()
					if e := finallySleeps(co, &done); e != nil {
						return e
					}
					return err
				})
				if v, err := g.ASend(co, 0); v != 1 || err != nil {
					return fmt.Errorf("ASend(0) = %v, %v; want 1, nil", v, err)
				}
				_, err := g.ASend(co, 100)
				return err
			})
			if !errors.Is(err, tc.want) || done != 1 {
				t.Errorf("got %v, DONE = %d; want %v, 1", err, done, tc.want)
			}
		})
	}
}

func TestCPythonAsyncGenAsyncioAthrow01(t *testing.T) {
	leaktest.Check(t)
	done := 0
	var log []string
	err := runAsync(func(co *coro.Co) error {
		g := aiter.New(func(co *coro.Co, yield gen.Yield[int, int]) error {
			err := func() error {
				if err := sched.Sleep(co, 10*ms); err != nil {
					return err
				}
				v, err := yield(1)
				if errors.Is(err, errFooEr) {
					v = 1000
					err = sched.Sleep(co, 10*ms)
				}
				if err != nil {
					return err
				}
				if _, err := yield(v * 2); err != nil {
					return err
				}
				return sched.Sleep(co, 10*ms)
			}()
			if e := finallySleeps(co, &done); e != nil {
				return e
			}
			return err
		})
		v, err := g.ASend(co, 0)
		log = append(log, fmt.Sprintf("ASend(0) = %v, %v", v, err))
		v, err = g.AThrow(co, errFooEr)
		log = append(log, fmt.Sprintf("AThrow(FooEr) = %v, %v", v, err))
		_, err = g.ASend(co, 0)
		log = append(log, fmt.Sprintf("ASend(0): %s", pyName(err)))
		return nil
	})
	want := []string{"ASend(0) = 1, <nil>", "AThrow(FooEr) = 2000, <nil>", "ASend(0): StopAsyncIteration"}
	if diff := cmp.Diff(want, log); diff != "" || err != nil || done != 1 {
		t.Errorf("got %v, DONE = %d; want nil, 1; steps (-want +got):\n%s", err, done, diff)
	}
}

func TestCPythonAsyncGenAsyncioAthrow02(t *testing.T) {
	leaktest.Check(t)
	done := 0
	doneAtCatch := -1
	err := runAsync(func(co *coro.Co) error {
		g := aiter.New(func(co *coro.Co, yield gen.Yield[int, int]) error {
			err := func() error {
				if err := sched.Sleep(co, 10*ms); err != nil {
					return err
				}
				v, err := yield(1)
				if errors.Is(err, errFooEr) {
					err = sleepNCrash(co, 10*ms)
				}
				if err != nil {
					return err
				}
				if _, err := yield(v * 2); err != nil {
					return err
				}
				return sched.Sleep(co, 10*ms)
			}()
			if e := finallySleeps(co, &done); e != nil {
				return e
			}
			return err
		})
		if v, err := g.ASend(co, 0); v != 1 || err != nil {
			return fmt.Errorf("ASend(0) = %v, %v; want 1, nil", v, err)
		}
		_, err := g.AThrow(co, errFooEr)
		if errors.Is(err, context.Canceled) {
			doneAtCatch = done
			return err
		}
		return fmt.Errorf("AThrow(FooEr) = %v; want a cancellation", err)
	})
	if !errors.Is(err, context.Canceled) || done != 1 || doneAtCatch != 1 {
		t.Errorf("got %v, DONE = %d (%d when caught); want a cancellation, 1 (1)", err, done, doneAtCatch)
	}
}

func TestCPythonAsyncGenAsyncioAthrow03(t *testing.T) {
	leaktest.Check(t)
	done := 0
	err := runAsync(func(co *coro.Co) error {
		g := catchAll(&done)
		if _, err := g.ASend(co, struct{}{}); err != nil {
			return err
		}
		if _, err := g.AThrow(co, errValue); err != aiter.ErrStopAsyncIteration {
			return fmt.Errorf("AThrow(ValueError): %v; want ErrStopAsyncIteration", err)
		}
		done += 10
		return nil
	})
	if err != nil || done != 11 {
		t.Errorf("got %v, DONE = %d; want nil, 11", err, done)
	}
}

func TestCPythonAsyncGenAsyncioAthrowTuple(t *testing.T) {
	leaktest.Check(t)
	var got [][]int
	var end error
	err := runAsync(func(co *coro.Co) error {
		g := aiter.New(func(co *coro.Co, yield gen.Yield[[]int, struct{}]) error {
			_, err := yield([]int{1})
			if errors.Is(err, errZeroDivision) {
				_, err = yield([]int{2})
			}
			return err
		})
		v, err := g.ASend(co, struct{}{})
		if err != nil {
			return err
		}
		got = append(got, v)
		if v, err = g.AThrow(co, errZeroDivision); err != nil {
			return err
		}
		got = append(got, v)
		_, end = g.ASend(co, struct{}{})
		return nil
	})
	if err != nil || !cmp.Equal(got, [][]int{{1}, {2}}) || end != aiter.ErrStopAsyncIteration {
		t.Errorf("got %v, %v, then %v; want [[1] [2]], nil, then ErrStopAsyncIteration", got, err, end)
	}
}

func TestCPythonAsyncGenAsyncioAthrowStopIteration(t *testing.T) {
	leaktest.Check(t)
	v2 := stopIterationValue(2)
	var got []error
	var end error
	err := runAsync(func(co *coro.Co) error {
		g := aiter.New(func(co *coro.Co, yield gen.Yield[error, struct{}]) error {
			_, err := yield(nil) // yield 1
			if errors.Is(err, errZeroDivision) {
				_, err = yield(v2)
			}
			return err
		})
		if _, err := g.ASend(co, struct{}{}); err != nil {
			return err
		}
		v, err := g.AThrow(co, errZeroDivision)
		if err != nil {
			return err
		}
		got = append(got, v)
		_, end = g.ASend(co, struct{}{})
		return nil
	})
	if err != nil || len(got) != 1 || got[0] != v2 || end != aiter.ErrStopAsyncIteration {
		t.Errorf("got %v, %v, then %v; want [%v], nil, then ErrStopAsyncIteration", got, err, end, v2)
	}
}

// waiterGen is the shutdown tests' waiter(): sleep, yield 1; its finally
// sleeps 0 and counts.
func waiterGen(d time.Duration, finalized *int) intGen {
	return aiter.New(func(co *coro.Co, yield yieldInt) error {
		err := sched.Sleep(co, d)
		if err == nil {
			_, err = yield(1)
		}
		// finally
		if e := sched.Sleep(co, 0); e != nil {
			return e
		}
		*finalized++
		return err
	})
}

// consumeAll is "async for _ in g: pass" (push), or the same with ANext
// (pull).
func consumeAll(co *coro.Co, m mode, g intGen) error {
	_, err := collect(co, m, g)
	return err
}

func TestCPythonAsyncGenAsyncioShutdown01(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		finalized := 0
		var errs []error
		err := runAsync(func(co *coro.Co) error {
			var tasks []*sched.Task[struct{}]
			for range 2 {
				tasks = append(tasks, sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
					return struct{}{}, consumeAll(co, m, waiterGen(time.Second, &finalized))
				})))
			}
			if err := sched.Sleep(co, 100*ms); err != nil {
				return err
			}
			for _, tk := range tasks {
				tk.Cancel()
			}
			for _, tk := range tasks {
				_, err := tk.Await(co)
				errs = append(errs, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range errs {
			if !errors.Is(e, context.Canceled) {
				t.Errorf("awaiting a cancelled task: %v; want a cancellation", e)
			}
		}
		if finalized != 2 {
			t.Errorf("finalized = %d; want 2", finalized)
		}
	})
}

// The same, leaving the cancelling to Run: tasks pending when main returns are
// cancelled, and their generators' cleanup runs.
func TestCPythonAsyncGenAsyncioShutdown01RunCancels(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		finalized := 0
		err := runAsync(func(co *coro.Co) error {
			for range 2 {
				sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
					return struct{}{}, consumeAll(co, m, waiterGen(time.Second, &finalized))
				}))
			}
			return sched.Sleep(co, 100*ms)
		})
		if err != nil || finalized != 2 {
			t.Errorf("got %v, finalized = %d; want nil, 2", err, finalized)
		}
	})
}

// unhandled collects what the loop reports through OnUnhandledError.
type unhandled struct{ msgs []string }

func (u *unhandled) option() sched.Option {
	return sched.OnUnhandledError(func(task string, err error) {
		u.msgs = append(u.msgs, fmt.Sprintf("%s: %v", pyName(err), err))
	})
}

func TestCPythonAsyncGenAsyncioShutdown02(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var u unhandled
		it := aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(1); err != nil {
				return err
			}
			_, err := yield(2)
			return err
		})
		err := runAsync(func(co *coro.Co) error {
			_, err := closeRun(co, m, it)
			return err
		}, u.option())
		if err != nil || len(u.msgs) != 0 {
			t.Errorf("got %v, reported %q; want nil, nothing", err, u.msgs)
		}
		if s := it.State(); s != gen.Closed {
			t.Errorf("State = %v; want closed", s)
		}
	})
}

// Pull: the generator is left suspended when main returns; Run closes it and
// reports the error of its cleanup, as asyncio's shutdown_asyncgens does.
// Push: Go differs: breaking out of the loop closes the generator at once (as
// an explicit aclose() after the break would), and the error of its cleanup
// is dropped: All has no way to return it, and it does not reach
// OnUnhandledError.
func TestCPythonAsyncGenAsyncioShutdownException01(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var u unhandled
		finally := 0
		it := aiter.New(func(co *coro.Co, yield yieldInt) error {
			_, err := yield(1)
			if err == nil {
				_, err = yield(2)
			}
			finally++
			_ = err
			return errZeroDivision
		})
		err := runAsync(func(co *coro.Co) error {
			if m == pull {
				_, err := it.ANext(co)
				return err
			}
			for range aiter.All(co, it) {
				break
			}
			return nil
		}, u.option())
		if err != nil || finally != 1 {
			t.Errorf("got %v, finally ran %d times; want nil, 1", err, finally)
		}
		var want []string
		if m == pull {
			want = []string{"ZeroDivisionError: closing an async generator: " + errZeroDivision.Error()}
		}
		if diff := cmp.Diff(want, u.msgs); diff != "" {
			t.Errorf("reported (-want +got):\n%s", diff)
		}
	})
}

func TestCPythonAsyncGenExpression01(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var got []int
		err := runAsync(func(co *coro.Co) (err error) {
			// (i * 2 async for i in arange(10))
			g := aiter.Map(arange(10, 10*ms), func(co *coro.Co, i int) (int, error) { return i * 2, nil })
			got, err = collect(co, m, g)
			return err
		})
		if want := []int{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}; err != nil || !cmp.Equal(got, want) {
			t.Errorf("got %v, %v; want %v, nil", got, err, want)
		}
	})
}

func TestCPythonAsyncGenExpression02(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		wrap := func(co *coro.Co, n int) (int, error) {
			return n, sched.Sleep(co, 10*ms)
		}
		var got []int
		var elapsed time.Duration
		err := runAsync(func(co *coro.Co) (err error) {
			start := sched.LoopOf(co).Now()
			// (i * 2 for i in range(10) if await wrap(i))
			kept := aiter.Filter(aiter.FromSeq(func(yield func(int) bool) {
				for i := range 10 {
					if !yield(i) {
						return
					}
				}
			}), func(co *coro.Co, i int) (bool, error) {
				n, err := wrap(co, i)
				return n != 0, err
			})
			g := aiter.Map(kept, func(co *coro.Co, i int) (int, error) { return i * 2, nil })
			got, err = collect(co, m, g)
			elapsed = sched.LoopOf(co).Now().Sub(start)
			return err
		})
		if want := []int{2, 4, 6, 8, 10, 12, 14, 16, 18}; err != nil || !cmp.Equal(got, want) {
			t.Errorf("got %v, %v; want %v, nil", got, err, want)
		}
		if elapsed != 100*ms {
			t.Errorf("took %v; want 100ms (ten awaits of wrap)", elapsed)
		}
	})
}

func TestCPythonAsyncGenNonstartedHooksAreCancellable(t *testing.T) {
	leaktest.Check(t)
	var u unhandled
	err := runAsync(func(co *coro.Co) error {
		g := aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(1); err != nil {
				return err
			}
			_, err := yield(2)
			return err
		})
		for range aiter.All(co, g) {
			break
		}
		return nil
	}, u.option())
	if err != nil || len(u.msgs) != 0 {
		t.Errorf("got %v, reported %q; want nil, nothing", err, u.msgs)
	}
}

// ANext and AClose are calls, not awaitable objects; a coroutine object made of
// one (the nearest thing to Python's __anext__() awaitable) cannot be awaited
// twice either.
func TestCPythonAsyncGenAwaitSameCoroTwice(t *testing.T) {
	leaktest.Check(t)
	newIt := func() intGen {
		return aiter.New(func(co *coro.Co, yield yieldInt) error {
			if _, err := yield(1); err != nil {
				return err
			}
			_, err := yield(2)
			return err
		})
	}
	var log []string
	err := runAsync(func(co *coro.Co) error {
		it := newIt()
		nxt := coro.New(func(co *coro.Co) (int, error) { return it.ANext(co) })
		v, err := nxt.Await(co)
		log = append(log, fmt.Sprintf("anext: %v, %v", v, err))
		_, err = nxt.Await(co)
		log = append(log, fmt.Sprintf("anext again: %v", err == coro.ErrReused))
		if err := it.AClose(co); err != nil {
			return err
		}

		it = newIt()
		cl := coro.New(func(co *coro.Co) (struct{}, error) { return struct{}{}, it.AClose(co) })
		_, err = cl.Await(co)
		log = append(log, fmt.Sprintf("aclose: %v", err))
		_, err = cl.Await(co)
		log = append(log, fmt.Sprintf("aclose again: %v", err == coro.ErrReused))
		return nil
	})
	want := []string{"anext: 1, <nil>", "anext again: true", "aclose: <nil>", "aclose again: true"}
	if diff := cmp.Diff(want, log); diff != "" || err != nil {
		t.Errorf("got %v; steps (-want +got):\n%s", err, diff)
	}
}

func TestCPythonAsyncGenAcloseTwice(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var errs []error
		err := runAsync(func(co *coro.Co) error {
			it := aiter.New(func(co *coro.Co, yield yieldInt) error {
				if _, err := yield(1); err != nil {
					return err
				}
				_, err := yield(2)
				return err
			})
			if m == pull { // also on a suspended generator
				if _, err := it.ANext(co); err != nil {
					return err
				}
			}
			errs = append(errs, it.AClose(co), it.AClose(co))
			return nil
		})
		if err != nil || !cmp.Equal(errs, []error{nil, nil}) {
			t.Errorf("got %v, AClose twice: %v; want nil, [nil nil]", err, errs)
		}
	})
}

func TestCPythonAsyncGenAcloseAfterExhaustion(t *testing.T) {
	leaktest.Check(t)
	forModes(t, func(t *testing.T, m mode) {
		var closeErr error
		err := runAsync(func(co *coro.Co) error {
			it := aiter.New(func(co *coro.Co, yield yieldInt) error {
				if _, err := yield(1); err != nil {
					return err
				}
				_, err := yield(2)
				return err
			})
			if err := consumeAll(co, m, it); err != nil {
				return err
			}
			closeErr = it.AClose(co)
			return nil
		})
		if err != nil || closeErr != nil {
			t.Errorf("got %v, AClose %v; want nil, nil", err, closeErr)
		}
	})
}
