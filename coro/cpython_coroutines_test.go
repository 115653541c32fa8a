package coro_test

// CPython 3.11's Lib/test/test_coroutines.py, ported: the cases about
// coroutine objects and await (the rest of the file tests syntax, async for and
// comprehensions, frames, warnings and the C API; conformance/TALLY.md says, row
// by row, what became of each test method).
//
// The mapping: "async def f()" is a body func(co *coro.Co) (T, error) wrapped
// with coro.New, or called directly (an async function); "await x" is
// x.Await(co) or calling the async function; a types.coroutine generator that
// yields v is co.Suspend with a yielded{v}, which a driver receives from Send;
// coro.send(None) is c.Send(nil), coro.throw(E) is c.Throw(errE), and
// StopIteration is gen.ErrStopIteration with the value in c.Result().

import (
	"errors"
	"runtime"
	"testing"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/google/go-cmp/cmp"
)

var (
	errZeroDivision = errors.New("division by zero") // Python: ZeroDivisionError
	errMarker       = errors.New("marker")
	errHam          = errors.New("ham")
	errWat          = errors.New("wat")
)

// yielded is a value a coroutine hands to its driver, as the generators of
// CPython's tests do with a bare yield: a coro.Waiter that needs no waiting.
type yielded struct{ v any }

func (yielded) AddDoneCallback(func()) {}
func (yielded) Cancel() bool           { return false }

// suspend yields v to the driver and returns what the driver sends: the body of
// "@types.coroutine def f(): return (yield v)".
func suspend(co *coro.Co, v any) (any, error) { return co.Suspend(yielded{v}) }

// yieldFrom hands each of vs to the driver in turn: the test file's
// AsyncYieldFrom(vs).
func yieldFrom(co *coro.Co, vs ...any) error {
	for _, v := range vs {
		if _, err := suspend(co, v); err != nil {
			return err
		}
	}
	return nil
}

// runAsync is the test file's run_async: it sends nil until the coroutine
// finishes, collecting what it hands out (a yielded's value; any other Waiter
// itself), and returns those and the coroutine's results.
func runAsync[T any](c *coro.Coro[T]) ([]any, T, error) {
	var out []any
	for {
		w, err := c.Send(nil)
		if err != nil {
			if errors.Is(err, gen.ErrStopIteration) {
				r, err := c.Result()
				return out, r, err
			}
			var zero T
			return out, zero, err
		}
		if y, ok := w.(yielded); ok {
			out = append(out, y.v)
		} else {
			out = append(out, w)
		}
	}
}

// test_gen_1: a generator is not awaitable.
func TestCPythonCoroGeneratorNotAwaitable(t *testing.T) {
	var g any = gen.New(func(yield gen.Yield[int, any]) (int, error) { return 0, nil })
	if _, ok := g.(coro.Awaitable[int]); ok {
		t.Errorf("a *gen.Gen is a coro.Awaitable")
	}
	var c any = coro.New(func(co *coro.Co) (int, error) { return 0, nil })
	if _, ok := c.(coro.Awaitable[int]); !ok {
		t.Errorf("a *coro.Coro is not a coro.Awaitable")
	}
}

// test_func_1
func TestCPythonCoroReturn(t *testing.T) {
	leaktest.Check(t)
	out, r, err := runAsync(coro.New(func(co *coro.Co) (int, error) { return 10, nil }))
	if len(out) != 0 || r != 10 || err != nil {
		t.Errorf("runAsync(foo()) = %v, %d, %v; want [], 10, nil", out, r, err)
	}
}

// test_func_2: PEP 479 holds for coroutines: "coroutine raised StopIteration".
func TestCPythonCoroRaisesStopIteration(t *testing.T) {
	leaktest.Check(t)
	_, _, err := runAsync(coro.New(func(co *coro.Co) (int, error) { return 0, gen.ErrStopIteration }))
	if !errors.Is(err, gen.ErrStopLeaked) || errors.Is(err, gen.ErrStopIteration) {
		t.Errorf("runAsync(foo()) = _, _, %v; want ErrStopLeaked, not matching ErrStopIteration", err)
	}
}

// No CPython test; CPython's behaviour: "try: await foo() except RuntimeError"
// catches the RuntimeError of a foo that raises StopIteration, since the
// conversion happens in foo's frame. An awaiter must not see a plain
// ErrStopIteration, which it would take for a normal end.
func TestCPythonCoroRaisesStopIterationAwaited(t *testing.T) {
	leaktest.Check(t)
	var got error
	foo := coro.New(func(co *coro.Co) (int, error) { return 0, gen.ErrStopIteration })
	_, _, err := runAsync(coro.New(func(co *coro.Co) (int, error) {
		_, got = foo.Await(co)
		return 1, nil
	}))
	if err != nil {
		t.Fatalf("runAsync(bar()) = _, _, %v; want nil", err)
	}
	if !errors.Is(got, gen.ErrStopLeaked) || errors.Is(got, gen.ErrStopIteration) {
		t.Errorf("await foo() = _, %v; want ErrStopLeaked, not matching ErrStopIteration", got)
	}
}

// test_func_6: what an awaited generator-based coroutine yields reaches the
// driver of the awaiting one.
func TestCPythonCoroAwaitYields(t *testing.T) {
	leaktest.Check(t)
	bar := func(co *coro.Co) (any, error) { return nil, yieldFrom(co, 1, 2) }
	f := coro.New(func(co *coro.Co) (any, error) { return bar(co) })
	for _, want := range []any{1, 2} {
		if w, err := f.Send(nil); w != (yielded{want}) || err != nil {
			t.Fatalf("Send(nil) = %v, %v; want yielded{%v}, nil", w, err, want)
		}
	}
	if _, err := f.Send(nil); !errors.Is(err, gen.ErrStopIteration) {
		t.Errorf("Send(nil) = _, %v; want ErrStopIteration", err)
	}
}

// test_func_8: a coroutine that delegates to another returns its value.
func TestCPythonCoroDelegates(t *testing.T) {
	leaktest.Check(t)
	foo := coro.New(func(co *coro.Co) (string, error) { return "spam", nil })
	bar := coro.New(func(co *coro.Co) (string, error) { return foo.Await(co) })
	if out, r, err := runAsync(bar); len(out) != 0 || r != "spam" || err != nil {
		t.Errorf("runAsync(bar()) = %v, %q, %v; want [], \"spam\", nil", out, r, err)
	}
	if err := foo.Close(); err != nil {
		t.Errorf("Close() = %v; want nil", err)
	}
}

// test_func_10: send, close and throw reach a generator-based coroutine awaited
// by the coroutine driven; its finally (a deferred call) runs on close and on an
// uncaught throw.
func TestCPythonCoroSendCloseThrowReachAwaited(t *testing.T) {
	leaktest.Check(t)
	n := 0
	genBody := func(co *coro.Co) (any, error) {
		defer func() { n++ }()
		a, err := co.Suspend(nil)
		if err == nil {
			_, err = suspend(co, a.(int)*a.(int))
		}
		if errors.Is(err, errZeroDivision) {
			n += 100
		}
		return nil, err
	}
	foo := func() *coro.Coro[any] {
		return coro.New(func(co *coro.Co) (any, error) { return genBody(co) })
	}

	c := foo()
	if w, err := c.Send(nil); w != nil || err != nil {
		t.Fatalf("Send(nil) = %v, %v; want nil, nil", w, err)
	}
	if w, err := c.Send(10); w != (yielded{100}) || err != nil {
		t.Fatalf("Send(10) = %v, %v; want yielded{100}, nil", w, err)
	}
	if n != 0 {
		t.Errorf("N = %d; want 0", n)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close() = %v; want nil", err)
	}
	if n != 1 {
		t.Errorf("N after Close = %d; want 1", n)
	}

	c = foo()
	c.Send(nil)
	if _, err := c.Throw(errZeroDivision); err != errZeroDivision {
		t.Errorf("Throw(errZeroDivision) = _, %v; want errZeroDivision", err)
	}
	if n != 102 {
		t.Errorf("N after Throw = %d; want 102", n)
	}
}

// test_func_12: a coroutine that sends to itself: "coroutine already
// executing".
func TestCPythonCoroSendToItself(t *testing.T) {
	leaktest.Check(t)
	var me *coro.Coro[int]
	me = coro.New(func(co *coro.Co) (int, error) {
		if _, err := me.Send(nil); err != nil {
			return 0, err
		}
		return 1, nil
	})
	if _, err := me.Send(nil); !errors.Is(err, gen.ErrRunning) {
		t.Errorf("Send(nil) = _, %v; want ErrRunning", err)
	}
}

// test_func_13: "can't send non-None value to a just-started coroutine".
func TestCPythonCoroSendNonNilToNew(t *testing.T) {
	leaktest.Check(t)
	c := coro.New(func(co *coro.Co) (int, error) { return 0, nil })
	if _, err := c.Send("spam"); !errors.Is(err, gen.ErrJustStarted) {
		t.Errorf("Send(\"spam\") = _, %v; want ErrJustStarted", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close() = %v; want nil", err)
	}
}

// test_func_14: "coroutine ignored GeneratorExit": the coroutine catches the
// exit at its await and awaits again.
func TestCPythonCoroIgnoredExit(t *testing.T) {
	leaktest.Check(t)
	c := coro.New(func(co *coro.Co) (int, error) {
		_, err := co.Suspend(nil)
		if errors.Is(err, gen.ErrGeneratorExit) {
			_, err = co.Suspend(nil)
		}
		return 0, err
	})
	c.Send(nil)
	if err := c.Close(); !errors.Is(err, gen.ErrIgnoredExit) {
		t.Errorf("Close() = %v; want ErrIgnoredExit", err)
	}
	if st := c.State(); st != gen.Closed {
		t.Errorf("State() = %v; want closed", st)
	}
}

// test_func_15 (bpo-25887): a second awaiter of a finished coroutine gets
// "cannot reuse already awaited coroutine".
func TestCPythonCoroReuseAfterAwait(t *testing.T) {
	leaktest.Check(t)
	spammer := coro.New(func(co *coro.Co) (string, error) { return "spam", nil })
	reader := func(c *coro.Coro[string]) *coro.Coro[string] {
		return coro.New(func(co *coro.Co) (string, error) { return c.Await(co) })
	}
	r := reader(spammer)
	if _, err := r.Send(nil); !errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("first reader: Send(nil) = _, %v; want ErrStopIteration", err)
	}
	if got, err := r.Result(); got != "spam" || err != nil {
		t.Errorf("first reader: Result() = %q, %v; want \"spam\", nil", got, err)
	}
	if _, err := reader(spammer).Send(nil); !errors.Is(err, coro.ErrReused) {
		t.Errorf("second reader: Send(nil) = _, %v; want ErrReused", err)
	}
}

// test_func_16 (bpo-25887): a coroutine that failed while awaited cannot be
// awaited again. The last call differs: CPython's throw into the second
// reader, which has failed, raises "cannot reuse already awaited coroutine";
// gen's table has Throw into a Closed coroutine return the error thrown.
func TestCPythonCoroReuseAfterThrow(t *testing.T) {
	leaktest.Check(t)
	nop := func(co *coro.Co) error { _, err := co.Suspend(nil); return err }
	spammer := coro.New(func(co *coro.Co) (string, error) {
		if err := nop(co); err != nil {
			return "", err
		}
		return "spam", nil
	})
	read := func(c *coro.Coro[string]) *coro.Coro[string] {
		return coro.New(func(co *coro.Co) (string, error) {
			if err := nop(co); err != nil {
				return "", err
			}
			return c.Await(co)
		})
	}

	reader := read(spammer)
	reader.Send(nil)
	reader.Send(nil) // now in spammer's nop
	if _, err := reader.Throw(errHam); err != errHam {
		t.Errorf("Throw(errHam) = _, %v; want errHam", err)
	}

	reader = read(spammer)
	reader.Send(nil)
	if _, err := reader.Send(nil); !errors.Is(err, coro.ErrReused) {
		t.Errorf("Send(nil) = _, %v; want ErrReused", err)
	}
	if _, err := reader.Throw(errWat); !errors.Is(err, coro.ErrReused) {
		t.Errorf("Throw(errWat) after the end = _, %v; want ErrReused", err)
	}
}

// test_func_17 and test_func_18 (bpo-25887): calls on a coroutine that has
// returned. Close succeeds, as in Python; awaiting it, Send and Throw are
// ErrReused, as CPython raises "cannot reuse already awaited coroutine".
func TestCPythonCoroCallsAfterReturn(t *testing.T) {
	leaktest.Check(t)
	c := coro.New(func(co *coro.Co) (string, error) { return "spam", nil })
	if _, err := c.Send(nil); !errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("Send(nil) = _, %v; want ErrStopIteration", err)
	}
	if got, err := c.Result(); got != "spam" || err != nil {
		t.Errorf("Result() = %q, %v; want \"spam\", nil", got, err)
	}
	if _, err := c.Send(nil); !errors.Is(err, coro.ErrReused) {
		t.Errorf("Send(nil) again = _, %v; want ErrReused", err)
	}
	if _, err := c.Throw(errWat); !errors.Is(err, coro.ErrReused) {
		t.Errorf("Throw(errWat) = _, %v; want ErrReused", err)
	}
	for range 2 {
		if err := c.Close(); err != nil {
			t.Errorf("Close() = %v; want nil", err)
		}
	}
	_, _, err := runAsync(coro.New(func(co *coro.Co) (string, error) { return c.Await(co) }))
	if !errors.Is(err, coro.ErrReused) {
		t.Errorf("await of it = %v; want ErrReused", err)
	}
}

// test_func_19: close reaches the awaited generator-based coroutine, which
// catches GeneratorExit and returns; closing again does nothing.
func TestCPythonCoroCloseReachesAwaited(t *testing.T) {
	leaktest.Check(t)
	chk := 0
	foo := func(co *coro.Co) error {
		if _, err := co.Suspend(nil); err != nil {
			return err
		}
		if _, err := co.Suspend(nil); errors.Is(err, gen.ErrGeneratorExit) {
			chk++
		}
		return nil
	}
	c := coro.New(func(co *coro.Co) (any, error) { return nil, foo(co) })
	c.Send(nil)
	c.Send(nil)
	if chk != 0 {
		t.Errorf("CHK = %d; want 0", chk)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close() = %v; want nil", err)
	}
	if chk != 1 {
		t.Errorf("CHK = %d; want 1", chk)
	}
	for range 3 {
		if err := c.Close(); err != nil || chk != 1 {
			t.Errorf("Close() = %v, CHK = %d; want nil, 1", err, chk)
		}
	}
}

// test_coro_wrapper_send_tuple: a returned tuple is the result, not unpacked.
func TestCPythonCoroReturnTuple(t *testing.T) {
	leaktest.Check(t)
	out, r, err := runAsync(coro.New(func(co *coro.Co) ([]int, error) { return []int{10}, nil }))
	if len(out) != 0 || err != nil {
		t.Errorf("runAsync(foo()) = %v, _, %v; want [], _, nil", out, err)
	}
	if diff := cmp.Diff([]int{10}, r); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

// test_coro_wrapper_send_stop_iterator: a StopIteration returned as a value is
// a value, not the end.
func TestCPythonCoroReturnStopIterationValue(t *testing.T) {
	leaktest.Check(t)
	_, r, err := runAsync(coro.New(func(co *coro.Co) (error, error) { return gen.ErrStopIteration, nil }))
	if r != gen.ErrStopIteration || err != nil {
		t.Errorf("runAsync(foo()) = _, %v, %v; want _, ErrStopIteration, nil", r, err)
	}
}

// test_cr_await, its states (cr_await itself has no counterpart): the driven
// coroutine is Running while a coroutine it awaits runs, Suspended while that
// one is, Closed at the end.
func TestCPythonCoroStates(t *testing.T) {
	leaktest.Check(t)
	var coroB *coro.Coro[any]
	var inA []string
	a := func(co *coro.Co) error {
		inA = append(inA, coroB.State().String())
		if _, err := co.Suspend(nil); err != nil {
			return err
		}
		inA = append(inA, coroB.State().String())
		return nil
	}
	c := func(co *coro.Co) (any, error) { return nil, a(co) }
	coroB = coro.New(func(co *coro.Co) (any, error) {
		return coro.New(c).Await(co)
	})
	if st := coroB.State(); st != gen.Created {
		t.Errorf("State() = %v; want created", st)
	}
	coroB.Send(nil)
	if st := coroB.State(); st != gen.Suspended {
		t.Errorf("State() = %v; want suspended", st)
	}
	if _, err := coroB.Send(nil); !errors.Is(err, gen.ErrStopIteration) {
		t.Errorf("Send(nil) = _, %v; want ErrStopIteration", err)
	}
	if st := coroB.State(); st != gen.Closed {
		t.Errorf("State() = %v; want closed", st)
	}
	if diff := cmp.Diff([]string{"running", "running"}, inA); diff != "" {
		t.Errorf("states seen by a (-want +got):\n%s", diff)
	}
}

// test_await_3
func TestCPythonCoroAwaitYieldFrom(t *testing.T) {
	leaktest.Check(t)
	out, r, err := runAsync(coro.New(func(co *coro.Co) (any, error) { return nil, yieldFrom(co, 1, 2, 3) }))
	if diff := cmp.Diff([]any{1, 2, 3}, out); diff != "" || r != nil || err != nil {
		t.Errorf("runAsync(foo()) = _, %v, %v; want _, nil, nil; handed out (-want +got):\n%s", r, err, diff)
	}
}

// test_await_4
func TestCPythonCoroAwaitCoroutine(t *testing.T) {
	leaktest.Check(t)
	bar := func(co *coro.Co) (int, error) { return 42, nil }
	out, r, err := runAsync(coro.New(func(co *coro.Co) (int, error) { return coro.New(bar).Await(co) }))
	if len(out) != 0 || r != 42 || err != nil {
		t.Errorf("runAsync(foo()) = %v, %d, %v; want [], 42, nil", out, r, err)
	}
}

// awaitable is a user-defined awaitable (a class with __await__): it hands out
// its values and returns ret.
type awaitable struct {
	out []any
	ret int
}

func (a awaitable) Await(co *coro.Co) (int, error) {
	if err := yieldFrom(co, a.out...); err != nil {
		return 0, err
	}
	return a.ret, nil
}

// test_await_6 and test_await_7: a user-defined awaitable.
func TestCPythonCoroCustomAwaitable(t *testing.T) {
	for _, tc := range []struct {
		name string
		aw   awaitable
	}{
		{"test_await_6", awaitable{out: []any{52}}},
		{"test_await_7", awaitable{out: []any{42}, ret: 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Check(t)
			out, r, err := runAsync(coro.New(func(co *coro.Co) (int, error) { return tc.aw.Await(co) }))
			if diff := cmp.Diff(tc.aw.out, out); diff != "" || r != tc.aw.ret || err != nil {
				t.Errorf("runAsync(foo()) = _, %d, %v; want _, %d, nil; handed out (-want +got):\n%s", r, err, tc.aw.ret, diff)
			}
		})
	}
}

// test_await_9: awaits of async functions reached through function values, a
// map and a struct field, inside arithmetic.
func TestCPythonCoroAwaitInExpressions(t *testing.T) {
	leaktest.Check(t)
	type asyncFunc = func(co *coro.Co) (int, error)
	bar := func(co *coro.Co) (int, error) { return 42, nil }
	wrap := func() asyncFunc { return bar }
	db := map[string]func() func() asyncFunc{"b": func() func() asyncFunc { return wrap }}
	dbType := struct{ b func() asyncFunc }{b: wrap}

	foo := func(co *coro.Co) (int, error) {
		var err error
		await := func(f asyncFunc) int {
			v, e := f(co)
			err = errors.Join(err, e)
			return v
		}
		return await(bar) + await(wrap()) + await(db["b"]()()) + await(bar)*1000 + await(dbType.b()), err
	}
	foo2 := func(co *coro.Co) (int, error) {
		v, err := bar(co)
		return -v, err
	}
	for _, tc := range []struct {
		name string
		f    asyncFunc
		want int
	}{{"foo", foo, 42168}, {"foo2", foo2, -42}} {
		if out, r, err := runAsync(coro.New(tc.f)); len(out) != 0 || r != tc.want || err != nil {
			t.Errorf("runAsync(%s()) = %v, %d, %v; want [], %d, nil", tc.name, out, r, err, tc.want)
		}
	}
}

// test_await_10: await of a coroutine that a coroutine returned.
func TestCPythonCoroAwaitReturnedCoroutine(t *testing.T) {
	leaktest.Check(t)
	baz := func(co *coro.Co) (int, error) { return 42, nil }
	bar := func(co *coro.Co) (*coro.Coro[int], error) { return coro.New(baz), nil }
	foo := func(co *coro.Co) (int, error) {
		c, err := bar(co)
		if err != nil {
			return 0, err
		}
		return c.Await(co)
	}
	if out, r, err := runAsync(coro.New(foo)); len(out) != 0 || r != 42 || err != nil {
		t.Errorf("runAsync(foo()) = %v, %d, %v; want [], 42, nil", out, r, err)
	}
}

// test_await_11: an awaited value as an argument and in a tuple.
func TestCPythonCoroAwaitAsArgument(t *testing.T) {
	leaktest.Check(t)
	type pair struct{ A, B string }
	ident := func(val string) string { return val }
	bar := func(co *coro.Co) (string, error) { return "spam", nil }
	foo := func(co *coro.Co) (string, error) {
		v, err := bar(co)
		return ident(v), err
	}
	foo2 := func(co *coro.Co) (pair, error) {
		v, err := bar(co)
		return pair{v, "ham"}, err
	}
	if _, r, err := runAsync(coro.New(foo)); r != "spam" || err != nil {
		t.Errorf("runAsync(foo()) = _, %q, %v; want _, \"spam\", nil", r, err)
	}
	_, r, err := runAsync(coro.New(foo2))
	if diff := cmp.Diff(pair{"spam", "ham"}, r); diff != "" || err != nil {
		t.Errorf("runAsync(foo2()) = _, _, %v; want nil; result (-want +got):\n%s", err, diff)
	}
}

// coroAwaitable's Await awaits a coroutine: what CPython forbids for __await__
// ("__await__() returned a coroutine").
type coroAwaitable struct{ c *coro.Coro[string] }

func (a coroAwaitable) Await(co *coro.Co) (string, error) { return a.c.Await(co) }

// test_await_12. Go differs: an Await method is ordinary code, and may await
// a coroutine, which then runs inline; CPython's TypeError guards __await__'s
// iterator protocol, which Go does not have.
func TestCPythonCoroAwaitMethodAwaitsCoroutine(t *testing.T) {
	leaktest.Check(t)
	c := coro.New(func(co *coro.Co) (string, error) { return "spam", nil })
	_, r, err := runAsync(coro.New(func(co *coro.Co) (string, error) { return coroAwaitable{c}.Await(co) }))
	if r != "spam" || err != nil {
		t.Errorf("runAsync(foo()) = _, %q, %v; want _, \"spam\", nil", r, err)
	}
}

// wrapper awaits the coroutine it holds (test_await_14's Wrapper).
type wrapper struct{ c *coro.Coro[any] }

func (w wrapper) Await(co *coro.Co) (any, error) { return w.c.Await(co) }

// futureLike suspends once and returns what the driver sends: "return (yield)".
type futureLike struct{}

func (futureLike) Await(co *coro.Co) (any, error) { return co.Suspend(nil) }

// test_await_14: send and throw pass through a wrapping awaitable to the
// awaited coroutine, which may turn the thrown error into another.
func TestCPythonCoroSendThrowThroughWrapper(t *testing.T) {
	leaktest.Check(t)
	coro1 := func() *coro.Coro[any] {
		return coro.New(func(co *coro.Co) (any, error) {
			v, err := futureLike{}.Await(co)
			if errors.Is(err, errZeroDivision) {
				return nil, errMarker
			}
			return v, err
		})
	}
	coro2 := func() *coro.Coro[any] {
		return coro.New(func(co *coro.Co) (any, error) { return wrapper{coro1()}.Await(co) })
	}

	c := coro2()
	c.Send(nil)
	if _, err := c.Send("spam"); !errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("Send(\"spam\") = _, %v; want ErrStopIteration", err)
	}
	if r, err := c.Result(); r != "spam" || err != nil {
		t.Errorf("Result() = %v, %v; want spam, nil", r, err)
	}

	c = coro2()
	c.Send(nil)
	if _, err := c.Throw(errZeroDivision); err != errMarker {
		t.Errorf("Throw(errZeroDivision) = _, %v; want errMarker", err)
	}
}

// test_await_15. Go differs: CPython raises RuntimeError "coroutine is being
// awaited already" when a coroutine suspended in an await is awaited; Await's
// contract is to resume a Suspended, hand-started coroutine through the
// awaiter, as yield from does.
func TestCPythonCoroAwaitSuspended(t *testing.T) {
	leaktest.Check(t)
	c := coro.New(func(co *coro.Co) (any, error) { _, err := co.Suspend(nil); return nil, err })
	c.Send(nil)
	waiter := coro.New(func(co *coro.Co) (any, error) { return c.Await(co) })
	if _, err := waiter.Send(nil); !errors.Is(err, gen.ErrStopIteration) {
		t.Errorf("waiter(coro).Send(nil) = _, %v; want ErrStopIteration (it forwards)", err)
	}
	if st := c.State(); st != gen.Closed {
		t.Errorf("State() = %v; want closed", st)
	}
}

// manager is test_with_1's asynchronous context manager, with async with
// written out: an awaited enter, the body, an awaited exit that may suppress
// the body's error.
type manager struct {
	name     string
	enterErr error // what enter fails with
	exitErr  error // what exit fails with
	suppress bool  // whether exit suppresses the body's error
}

func (m *manager) enter(co *coro.Co) (*manager, error) {
	if err := yieldFrom(co, "enter-1-"+m.name, "enter-2-"+m.name); err != nil {
		return nil, err
	}
	return m, m.enterErr
}

func (m *manager) exit(co *coro.Co, bodyErr error) (suppress bool, err error) {
	if err := yieldFrom(co, "exit-1-"+m.name, "exit-2-"+m.name); err != nil {
		return false, err
	}
	return m.suppress, m.exitErr
}

// asyncWith is "async with m as v: body(v)".
func asyncWith(co *coro.Co, m *manager, body func(v *manager) error) error {
	v, err := m.enter(co)
	if err != nil {
		return err
	}
	bodyErr := body(v)
	suppress, err := m.exit(co, bodyErr)
	switch {
	case err != nil:
		return err
	case suppress:
		return nil
	}
	return bodyErr
}

// test_with_1, test_with_9, test_with_12 and test_with_13: the awaits of async
// with, in order, and how errors leave it.
func TestCPythonCoroAsyncWith(t *testing.T) {
	for _, tc := range []struct {
		name    string
		a, b    *manager
		out     []any
		wantErr error
		cnt     int // bodies run
	}{
		{"test_with_1 B suppresses", &manager{name: "A"}, &manager{name: "B", suppress: true},
			[]any{"enter-1-A", "enter-2-A", "enter-1-B", "enter-2-B", "managers A B", "exit-1-B", "exit-2-B", "exit-1-A", "exit-2-A"}, nil, 1},
		{"test_with_1 C does not", &manager{name: "A"}, &manager{name: "C"},
			[]any{"enter-1-A", "enter-2-A", "enter-1-C", "enter-2-C", "managers A C", "exit-1-C", "exit-2-C", "exit-1-A", "exit-2-A"}, errZeroDivision, 1},
		{"test_with_9 exit fails", &manager{name: "A"}, &manager{name: "B", exitErr: errOther, suppress: true},
			[]any{"enter-1-A", "enter-2-A", "enter-1-B", "enter-2-B", "managers A B", "exit-1-B", "exit-2-B", "exit-1-A", "exit-2-A"}, errOther, 1},
		{"test_with_12 exit suppresses", &manager{name: "A", suppress: true}, &manager{name: "B"},
			[]any{"enter-1-A", "enter-2-A", "enter-1-B", "enter-2-B", "managers A B", "exit-1-B", "exit-2-B", "exit-1-A", "exit-2-A"}, nil, 1},
		{"test_with_13 enter fails", &manager{name: "A"}, &manager{name: "B", enterErr: errMarker, suppress: true},
			[]any{"enter-1-A", "enter-2-A", "enter-1-B", "enter-2-B", "exit-1-A", "exit-2-A"}, errMarker, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Check(t)
			cnt := 0
			out, _, err := runAsync(coro.New(func(co *coro.Co) (any, error) {
				return nil, asyncWith(co, tc.a, func(a *manager) error {
					return asyncWith(co, tc.b, func(b *manager) error {
						cnt++
						if err := yieldFrom(co, "managers "+a.name+" "+b.name); err != nil {
							return err
						}
						return errZeroDivision
					})
				})
			}))
			if err != tc.wantErr {
				t.Errorf("runAsync(foo()) = _, _, %v; want %v", err, tc.wantErr)
			}
			if cnt != tc.cnt {
				t.Errorf("body ran %d times; want %d", cnt, tc.cnt)
			}
			if diff := cmp.Diff(tc.out, out); diff != "" {
				t.Errorf("handed out (-want +got):\n%s", diff)
			}
		})
	}
}

// test_stack_in_coroutine_throw (gh-93592): the stack seen inside a nested
// await is as deep after a throw as after a send.
func TestCPythonCoroStackInThrow(t *testing.T) {
	leaktest.Check(t)
	depth := func() int { return runtime.Callers(0, make([]uintptr, 1024)) }
	c := func(co *coro.Co) (any, error) {
		_, err := suspend(co, depth())
		if errors.Is(err, errZeroDivision) {
			_, err = suspend(co, depth())
		}
		return nil, err
	}
	b := func(co *coro.Co) (any, error) { return c(co) }
	a := coro.New(func(co *coro.Co) (any, error) { return coro.New(b).Await(co) })
	defer a.Close()
	ws, err := a.Send(nil)
	if err != nil {
		t.Fatalf("Send(nil) = _, %v; want nil", err)
	}
	wt, err := a.Throw(errZeroDivision)
	if err != nil {
		t.Fatalf("Throw(errZeroDivision) = _, %v; want nil", err)
	}
	if d := ws.(yielded).v.(int); d < 5 || ws.(yielded).v != wt.(yielded).v {
		t.Errorf("stack depth after Send %v, after Throw %v; want equal", ws.(yielded).v, wt.(yielded).v)
	}
}
