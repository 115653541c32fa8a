package gen_test

// Ports of CPython 3.11's Lib/test/test_generators.py: the unittest classes and
// the doctest blocks that exercise generator behaviour. conformance/TALLY.md maps
// each CPython case to the Go test here, or says why it has none.
//
// A Python exception class is a sentinel error (pyValueError); an instance with
// arguments wraps it (pyExc(pyValueError, "xyz")), so "except ValueError" reads
// errors.Is(err, pyValueError).

import (
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
)

var (
	pyValueError        = errors.New("ValueError")
	pyTypeError         = errors.New("TypeError")
	pyRuntimeError      = errors.New("RuntimeError")
	pyKeyError          = errors.New("KeyError")
	pyZeroDivisionError = errors.New("ZeroDivisionError")
	pyKeyboardInterrupt = errors.New("KeyboardInterrupt")
)

// pyDiv is a // b, failing with ZeroDivisionError as Python's does.
func pyDiv(a, b int) (int, error) {
	if b == 0 {
		return 0, pyExc(pyZeroDivisionError, "integer division or modulo by zero")
	}
	return a / b, nil
}

// pyExc returns an instance of the class cls carrying msg, as cls(msg) does.
func pyExc(cls error, msg string) error { return fmt.Errorf("%w: %s", cls, msg) }

// pyOpts compares errors stored as values by identity: errors built by
// errors.New have unexported fields that cmp would otherwise refuse.
var pyOpts = cmp.Comparer(func(a, b error) bool { return a == b })

// pyIs reports whether err is what a step expects: nil for nil, else errors.Is.
func pyIs(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}

// pyWant fails the test unless a resuming call returned (want, wantErr).
func pyWant[Y any](t *testing.T, call string, got Y, err error, want Y, wantErr error) {
	t.Helper()
	if !cmp.Equal(got, want, pyOpts) || !pyIs(err, wantErr) {
		t.Fatalf("%s = %v, %v; want %v, %v", call, got, err, want, wantErr)
	}
}

// pyWantResult fails the test unless g.Result() is (want, wantErr).
func pyWantResult[Y, S, R any](t *testing.T, g *gen.Gen[Y, S, R], want R, wantErr error) {
	t.Helper()
	got, err := g.Result()
	if !cmp.Equal(got, want, pyOpts) || !pyIs(err, wantErr) {
		t.Fatalf("Result() = %v, %v; want %v, %v", got, err, want, wantErr)
	}
}

// pyWantState fails the test unless g is in state want.
func pyWantState[Y, S, R any](t *testing.T, g *gen.Gen[Y, S, R], want gen.State) {
	t.Helper()
	if got := g.State(); got != want {
		t.Fatalf("State() = %v; want %v", got, want)
	}
}

// pyList drains g with Next, as list(g) does: the values, and the error that
// ended the drain (nil when the body returned normally).
func pyList[Y, S, R any](g *gen.Gen[Y, S, R]) ([]Y, error) {
	var out []Y
	for {
		v, err := g.Next()
		if errors.Is(err, gen.ErrStopIteration) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
}

// pyFor ranges over g with All, as a for statement does: the values, and
// Result's error once the loop has ended.
func pyFor[Y, S, R any](g *gen.Gen[Y, S, R]) ([]Y, error) {
	var out []Y
	for v := range g.All() {
		out = append(out, v)
	}
	_, err := g.Result()
	return out, err
}

// pyFirstN returns the next n values of g, as [next(g) for i in range(n)] does.
func pyFirstN[Y, S, R any](t *testing.T, g *gen.Gen[Y, S, R], n int) []Y {
	t.Helper()
	out := make([]Y, 0, n)
	for range n {
		v, err := g.Next()
		if err != nil {
			t.Fatalf("Next() after %d values = %v, %v; want a value, <nil>", len(out), v, err)
		}
		out = append(out, v)
	}
	return out
}

// pyAwaitGC collects garbage until a dropped generator's deferred call sends
// on ch (as "del g; gc_collect()" finalizes one), and returns what it sent.
func pyAwaitGC(t *testing.T, ch <-chan string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		runtime.GC()
		select {
		case s := <-ch:
			return s
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("dropped generator was not finalized within 5s")
	return ""
}

// pySubMode is how a test hands a sub-generator to gen.YieldFrom. Python has
// one kind of yield from; gen has two paths, and the delegation tests run each
// case through both.
type pySubMode int

const (
	pyInline  pySubMode = iota // sub is Created: YieldFrom runs its body inline
	pyForward                  // sub is Suspended: YieldFrom drives it with the PEP 380 loop
)

var pySubModes = []pySubMode{pyInline, pyForward}

func (m pySubMode) String() string {
	if m == pyInline {
		return "inline"
	}
	return "forward"
}

// pySub returns a generator running body, ready for gen.YieldFrom in mode m.
// For pyForward, the body is preceded by one yield that pySub consumes at
// once, so the generator is Suspended but none of body has run yet.
func pySub[Y, S, R any](m pySubMode, body func(gen.Yield[Y, S]) (R, error)) *gen.Gen[Y, S, R] {
	if m == pyInline {
		return gen.New(body)
	}
	g := gen.New(func(yield gen.Yield[Y, S]) (R, error) {
		var zy Y
		if _, err := yield(zy); err != nil {
			var zr R
			return zr, err
		}
		return body(yield)
	})
	if _, err := g.Next(); err != nil {
		panic(fmt.Sprintf("pySub: priming Next() = %v", err))
	}
	return g
}

// pyTrace collects the lines a ported test appends to Python's trace list.
type pyTrace []string

func (tr *pyTrace) add(format string, args ...any) { *tr = append(*tr, fmt.Sprintf(format, args...)) }

// --- SignalAndYieldFromTest ---

// An error arriving while a delegating generator is suspended reaches the
// innermost generator, whose return value ends the outer one. Python checks it
// with a SIGINT raised just before a send; Go has no asynchronous exceptions,
// so the error is thrown.
func TestCPythonThrowReachesInnermostDuringYieldFrom(t *testing.T) {
	for _, m := range pySubModes {
		t.Run(m.String(), func(t *testing.T) {
			leaktest.Check(t)
			g := gen.New(func(yield gen.Yield[any, any]) (string, error) {
				return gen.YieldFrom(yield, pySub(m, func(yield gen.Yield[any, any]) (string, error) {
					_, err := yield(nil)
					if errors.Is(err, pyKeyboardInterrupt) {
						return "PASSED", nil
					}
					if err != nil {
						return "", err
					}
					return "FAILED", nil
				}))
			})
			v, err := g.Send(nil)
			pyWant(t, "Send(nil)", v, err, nil, nil)
			v, err = g.Throw(pyKeyboardInterrupt)
			pyWant(t, "Throw(KeyboardInterrupt)", v, err, nil, gen.ErrStopIteration)
			pyWantResult(t, g, "PASSED", nil)
		})
	}
}

// --- FinalizationTest ---

// "return (yield 1)" sends its value back as the return value, directly and
// through one or two levels of yield from.
func TestCPythonLambdaGenerator(t *testing.T) {
	echo := func(yield gen.Yield[int, int]) (int, error) { return yield(1) }
	delegate := func(m pySubMode, body func(gen.Yield[int, int]) (int, error)) func(gen.Yield[int, int]) (int, error) {
		return func(yield gen.Yield[int, int]) (int, error) { return gen.YieldFrom(yield, pySub(m, body)) }
	}
	bodies := map[string]func(gen.Yield[int, int]) (int, error){
		"direct": echo,
	}
	for _, m := range pySubModes {
		bodies["yield from "+m.String()] = delegate(m, echo)
		bodies["yield from yield from "+m.String()] = delegate(m, delegate(m, echo))
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			leaktest.Check(t)
			g := gen.New(body)
			v, err := g.Next()
			pyWant(t, "Next()", v, err, 1, nil)
			v, err = g.Send(2)
			pyWant(t, "Send(2)", v, err, 0, gen.ErrStopIteration)
			pyWantResult(t, g, 2, nil)
		})
	}
}

// --- GeneratorTest ---

func TestCPythonSendNonZeroToNewGen(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[int, int]) (struct{}, error) {
		_, err := yield(1)
		return struct{}{}, err
	})
	v, err := g.Send(7)
	pyWant(t, "Send(7)", v, err, 0, gen.ErrJustStarted)
	pyWantState(t, g, gen.Created)
	v, err = g.Next()
	pyWant(t, "Next()", v, err, 1, nil)
	if err := g.Close(); err != nil {
		t.Fatalf("Close() = %v; want <nil>", err)
	}
}

// --- ExceptionTest ---

// A thrown error that the body catches can be raised again later, unchanged.
func TestCPythonExceptThrow(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		_, caught := yield(0)
		if caught == nil {
			return struct{}{}, nil
		}
		if _, err := yield(1); err != nil {
			return struct{}{}, err
		}
		if _, err := yield(2); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, caught
	})
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 0, nil)
	thrown := pyExc(pyValueError, "raised by the caller")
	v, err = g.Throw(thrown)
	pyWant(t, "Throw(ValueError)", v, err, 1, nil)
	v, err = g.Next()
	pyWant(t, "Next()", v, err, 2, nil)
	v, err = g.Next()
	if v != 0 || err != thrown {
		t.Fatalf("Next() = %v, %v; want 0, the thrown error itself", v, err)
	}
	pyWantState(t, g, gen.Closed)
}

// A ValueError thrown in, turned into a TypeError that the body catches, leaves
// the body running to its later yields.
func TestCPythonExceptThrowExceptionContext(t *testing.T) {
	leaktest.Check(t)
	var caught error
	g := gen.New(func(yield gen.Yield[string, struct{}]) (struct{}, error) {
		err := func() error {
			if _, err := yield(""); errors.Is(err, pyValueError) {
				return pyTypeError
			} else if err != nil {
				return err
			}
			return nil
		}()
		if errors.Is(err, pyTypeError) {
			caught = err
		} else if err != nil {
			return struct{}{}, err
		}
		if _, err := yield(""); err != nil {
			return struct{}{}, err
		}
		_, err = yield("done")
		return struct{}{}, err
	})
	v, err := g.Next()
	pyWant(t, "Next()", v, err, "", nil)
	v, err = g.Throw(pyValueError)
	pyWant(t, "Throw(ValueError)", v, err, "", nil)
	if caught != pyTypeError {
		t.Fatalf("body caught %v; want TypeError", caught)
	}
	v, err = g.Next()
	pyWant(t, "Next()", v, err, "done", nil)
	if err := g.Close(); err != nil {
		t.Fatalf("Close() = %v; want <nil>", err)
	}
}

// Python raises TypeError for a throw of something that is not an exception,
// and the error lands in the generator. Go's only such value is a nil error:
// Throw(nil) returns an error and changes nothing (the contract).
func TestCPythonThrowNil(t *testing.T) {
	leaktest.Check(t)
	ran := false
	g := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		ran = true
		_, err := yield(1)
		return struct{}{}, err
	})
	if _, err := g.Throw(nil); err == nil {
		t.Fatal("Throw(nil) on a created generator = _, <nil>; want an error")
	}
	pyWantState(t, g, gen.Created)
	if ran {
		t.Fatal("Throw(nil) ran the body")
	}
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 1, nil)
	if _, err := g.Throw(nil); err == nil || errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("Throw(nil) on a suspended generator = _, %v; want an error other than ErrStopIteration", err)
	}
	pyWantState(t, g, gen.Suspended)
	v, err = g.Next()
	pyWant(t, "Next()", v, err, 0, gen.ErrStopIteration)
}

// PEP 479: a body ending with StopIteration before its first yield fails with
// the leak error, not a normal end.
func TestCPythonStopIterationError(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		return struct{}{}, gen.ErrStopIteration
	})
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 0, gen.ErrStopLeaked)
	if errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("Next() = _, %v; it must not match ErrStopIteration", err)
	}
}

// The same after a first yield.
func TestCPythonTutorialStopIteration(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		if _, err := yield(1); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, gen.ErrStopIteration
	})
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 1, nil)
	v, err = g.Next()
	pyWant(t, "Next()", v, err, 0, gen.ErrStopLeaked)
	if errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("Next() = _, %v; it must not match ErrStopIteration", err)
	}
	pyWantState(t, g, gen.Closed)
}

// A sent tuple comes back as the return value.
func TestCPythonReturnTuple(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[int, []int]) ([]int, error) { return yield(1) })
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 1, nil)
	v, err = g.Send([]int{2})
	pyWant(t, "Send([2])", v, err, 0, gen.ErrStopIteration)
	pyWantResult(t, g, []int{2}, nil)
}

// A StopIteration returned as a value (not an error) is an ordinary return
// value: the generator ends normally and Result holds it.
func TestCPythonReturnStopIteration(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[int, any]) (any, error) { return yield(1) })
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 1, nil)
	sent := fmt.Errorf("%w: 2", gen.ErrStopIteration)
	v, err = g.Send(sent)
	pyWant(t, "Send(StopIteration(2))", v, err, 0, gen.ErrStopIteration)
	pyWantResult[int, any, any](t, g, sent, nil)
}

// --- GeneratorThrowTest ---

// A thrown error the body does not catch comes out of Throw, and the generator
// is finished.
func TestCPythonThrowUncaught(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[any, any]) (any, error) {
		_, err := yield(nil)
		return nil, err
	})
	v, err := g.Send(nil)
	pyWant(t, "Send(nil)", v, err, nil, nil)
	v, err = g.Throw(pyValueError)
	pyWant(t, "Throw(ValueError)", v, err, nil, pyValueError)
	pyWantState(t, g, gen.Closed)
}

// A thrown error the body catches lets it yield again: Throw returns that value.
func TestCPythonThrowCaughtYields(t *testing.T) {
	leaktest.Check(t)
	var caught error
	g := gen.New(func(yield gen.Yield[any, any]) (any, error) {
		_, err := yield(nil)
		if err == nil {
			return nil, nil
		}
		caught = err
		_, err = yield("b")
		return nil, err
	})
	v, err := g.Send(nil)
	pyWant(t, "Send(nil)", v, err, nil, nil)
	v, err = g.Throw(pyValueError)
	pyWant[any](t, "Throw(ValueError)", v, err, "b", nil)
	if caught != pyValueError {
		t.Fatalf("body caught %v; want ValueError", caught)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("Close() = %v; want <nil>", err)
	}
}

// A throw into a generator suspended in yield from, uncaught by both, comes out
// of Throw.
func TestCPythonThrowThroughYieldFromUncaught(t *testing.T) {
	for _, m := range pySubModes {
		t.Run(m.String(), func(t *testing.T) {
			leaktest.Check(t)
			g := gen.New(func(yield gen.Yield[any, any]) (any, error) {
				return gen.YieldFrom(yield, pySub(m, func(yield gen.Yield[any, any]) (any, error) {
					_, err := yield(nil)
					return nil, err
				}))
			})
			v, err := g.Send(nil)
			pyWant(t, "Send(nil)", v, err, nil, nil)
			v, err = g.Throw(pyValueError)
			pyWant(t, "Throw(ValueError)", v, err, nil, pyValueError)
			pyWantState(t, g, gen.Closed)
		})
	}
}

// The error the delegating body catches from yield from is the very error that
// was thrown, and catching it lets the body yield again.
func TestCPythonThrowSameErrorThroughYieldFrom(t *testing.T) {
	for _, m := range pySubModes {
		t.Run(m.String(), func(t *testing.T) {
			leaktest.Check(t)
			thrown := pyExc(pyKeyError, "a")
			var caught error
			g := gen.New(func(yield gen.Yield[any, any]) (any, error) {
				_, err := gen.YieldFrom(yield, pySub(m, func(yield gen.Yield[any, any]) (any, error) {
					_, err := yield(nil)
					return nil, err
				}))
				caught = err
				_, err = yield(nil)
				return nil, err
			})
			v, err := g.Send(nil)
			pyWant(t, "Send(nil)", v, err, nil, nil)
			v, err = g.Throw(thrown)
			pyWant(t, "Throw(KeyError)", v, err, nil, nil)
			if caught != thrown {
				t.Fatalf("delegating body caught %v; want the thrown error itself", caught)
			}
			if err := g.Close(); err != nil {
				t.Fatalf("Close() = %v; want <nil>", err)
			}
		})
	}
}

// A body that turns a thrown error into another makes Throw return the new one.
func TestCPythonThrowReplaced(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[any, any]) (any, error) {
		if _, err := yield(nil); err != nil {
			return nil, pyRuntimeError
		}
		return nil, nil
	})
	v, err := g.Send(nil)
	pyWant(t, "Send(nil)", v, err, nil, nil)
	v, err = g.Throw(pyValueError)
	pyWant(t, "Throw(ValueError)", v, err, nil, pyRuntimeError)
	if errors.Is(err, pyValueError) {
		t.Fatalf("Throw(ValueError) = _, %v; want the RuntimeError alone", err)
	}
}

// --- GeneratorStackTraceTest ---

// Send and throw into a generator suspended in yield from: the inner body
// swallows what it gets and both bodies finish. Python also checks the frame
// names, which Go has no equivalent for.
func TestCPythonYieldFromSendThrowFinish(t *testing.T) {
	calls := map[string]func(g *gen.Gen[any, any, any]) (any, error){
		"send":  func(g *gen.Gen[any, any, any]) (any, error) { return g.Send(nil) },
		"throw": func(g *gen.Gen[any, any, any]) (any, error) { return g.Throw(pyRuntimeError) },
	}
	for _, m := range pySubModes {
		for name, call := range calls {
			t.Run(name+"/"+m.String(), func(t *testing.T) {
				leaktest.Check(t)
				var tr pyTrace
				g := gen.New(func(yield gen.Yield[any, any]) (any, error) {
					tr.add("g starts")
					_, err := gen.YieldFrom(yield, pySub(m, func(yield gen.Yield[any, any]) (any, error) {
						tr.add("f starts")
						_, _ = yield(nil) // f catches any Exception
						tr.add("f ends")
						return nil, nil
					}))
					tr.add("g ends")
					return nil, err
				})
				v, err := g.Send(nil)
				pyWant(t, "Send(nil)", v, err, nil, nil)
				v, err = call(g)
				pyWant(t, name, v, err, nil, gen.ErrStopIteration)
				want := pyTrace{"g starts", "f starts", "f ends", "g ends"}
				if diff := cmp.Diff(want, tr); diff != "" {
					t.Errorf("trace (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// --- YieldFromTests ---

// The delegating generator reports Running while the inner body runs, and
// Created, Suspended, Closed around it. (gi_yieldfrom has no Go counterpart.)
func TestCPythonYieldFromStates(t *testing.T) {
	for _, m := range pySubModes {
		t.Run(m.String(), func(t *testing.T) {
			leaktest.Check(t)
			var b *gen.Gen[any, any, any]
			var seen []gen.State
			b = gen.New(func(yield gen.Yield[any, any]) (any, error) {
				if _, err := gen.YieldFrom(yield, pySub(m, func(yield gen.Yield[any, any]) (any, error) {
					seen = append(seen, b.State())
					_, err := yield(nil)
					seen = append(seen, b.State())
					return nil, err
				})); err != nil {
					return nil, err
				}
				_, err := yield(nil)
				return nil, err
			})
			pyWantState(t, b, gen.Created)
			v, err := b.Send(nil)
			pyWant(t, "Send(nil)", v, err, nil, nil)
			pyWantState(t, b, gen.Suspended)
			v, err = b.Send(nil)
			pyWant(t, "Send(nil)", v, err, nil, nil)
			pyWantState(t, b, gen.Suspended)
			if rest, err := pyList(b); len(rest) != 0 || err != nil {
				t.Fatalf("list(b) = %v, %v; want [], <nil>", rest, err)
			}
			pyWantState(t, b, gen.Closed)
			if diff := cmp.Diff([]gen.State{gen.Running, gen.Running}, seen); diff != "" {
				t.Errorf("b.State() seen from the inner body (-want +got):\n%s", diff)
			}
		})
	}
}

// --- tutorial_tests ---

// pyOneTwo yields 1 and 2.
func pyOneTwo(yield gen.Yield[int, struct{}]) (struct{}, error) {
	if _, err := yield(1); err != nil {
		return struct{}{}, err
	}
	_, err := yield(2)
	return struct{}{}, err
}

func TestCPythonTutorialSimple(t *testing.T) {
	leaktest.Check(t)
	if got, err := pyFor(gen.New(pyOneTwo)); !cmp.Equal(got, []int{1, 2}) || err != nil {
		t.Fatalf("for i in f() gave %v, %v; want [1 2], <nil>", got, err)
	}
	g := gen.New(pyOneTwo)
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 1, nil)
	v, err = g.Next()
	pyWant(t, "Next()", v, err, 2, nil)
	// Falling off the end stops the generator.
	v, err = g.Next()
	pyWant(t, "Next()", v, err, 0, gen.ErrStopIteration)
}

// "return" stops the generator, and a stopped generator cannot be resumed.
func TestCPythonTutorialReturn(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		if _, err := yield(1); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, nil
	})
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 1, nil)
	for range 2 {
		v, err = g.Next()
		pyWant(t, "Next()", v, err, 0, gen.ErrStopIteration)
	}
}

// Returning stops a generator however the return is wrapped, but an
// ErrStopIteration value created and handled inside the body is an ordinary
// error (tutorial g1/g2, PEP 255 f1/f2, email "explicitly raising").
func TestCPythonReturnVersusStopIteration(t *testing.T) {
	leaktest.Check(t)
	g1 := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		return struct{}{}, nil // "try: return / except: yield 1": nothing to catch
	})
	if got, err := pyList(g1); len(got) != 0 || err != nil {
		t.Fatalf("list(g1()) = %v, %v; want [], <nil>", got, err)
	}
	g2 := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		if err := func() error { return gen.ErrStopIteration }(); err != nil {
			_, err := yield(42)
			return struct{}{}, err
		}
		return struct{}{}, nil
	})
	if got, err := pyList(g2); !cmp.Equal(got, []int{42}) || err != nil {
		t.Fatalf("list(g2()) = %v, %v; want [42], <nil>", got, err)
	}
	g3 := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		if _, err := yield(1); err != nil {
			return struct{}{}, err
		}
		if err := func() error { return gen.ErrStopIteration }(); err != nil {
			if _, err := yield(2); err != nil {
				return struct{}{}, err
			}
		}
		_, err := yield(3)
		return struct{}{}, err
	})
	if got, err := pyList(g3); !cmp.Equal(got, []int{1, 2, 3}) || err != nil {
		t.Fatalf("list(g()) = %v, %v; want [1 2 3], <nil>", got, err)
	}
}

// A deferred call may still yield after the body's return statement ran, as a
// finally block yields in Python ("This may be surprising at first").
func TestCPythonYieldInFinallyAfterReturn(t *testing.T) {
	leaktest.Check(t)
	for _, name := range []string{"Next", "All"} {
		g := gen.New(func(yield gen.Yield[int, struct{}]) (r struct{}, err error) {
			defer func() {
				if err == nil {
					_, err = yield(1)
				}
			}()
			return struct{}{}, nil
		})
		drain := pyList[int, struct{}, struct{}]
		if name == "All" {
			drain = pyFor[int, struct{}, struct{}]
		}
		if got, err := drain(g); !cmp.Equal(got, []int{1}) || err != nil {
			t.Fatalf("list(g3()) with %s = %v, %v; want [1], <nil>", name, got, err)
		}
	}
}

// pyRange returns a generator yielding 0..n-1.
func pyRange(n int) *gen.Gen[int, struct{}, struct{}] {
	return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		for i := range n {
			if _, err := yield(i); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
}

func TestCPythonTutorialYrange(t *testing.T) {
	leaktest.Check(t)
	if got, err := pyList(pyRange(5)); !cmp.Equal(got, []int{0, 1, 2, 3, 4}) || err != nil {
		t.Fatalf("list(yrange(5)) = %v, %v; want [0 1 2 3 4], <nil>", got, err)
	}
}

// A generator returns its values to whoever resumes it last.
func TestCPythonTutorialMostRecentCaller(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	creator := func() *gen.Gen[int, struct{}, struct{}] {
		r := pyRange(5)
		v, _ := r.Next()
		tr.add("creator %d", v)
		return r
	}
	for i := range creator().All() {
		tr.add("caller %d", i)
	}
	want := pyTrace{"creator 0", "caller 1", "caller 2", "caller 3", "caller 4"}
	if diff := cmp.Diff(want, tr); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
}

// A generator can range over another.
func TestCPythonTutorialZrange(t *testing.T) {
	leaktest.Check(t)
	zrange := func(n int) *gen.Gen[int, struct{}, struct{}] {
		return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
			for i := range pyRange(n).All() {
				if _, err := yield(i); err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, nil
		})
	}
	if got, err := pyList(zrange(5)); !cmp.Equal(got, []int{0, 1, 2, 3, 4}) || err != nil {
		t.Fatalf("list(zrange(5)) = %v, %v; want [0 1 2 3 4], <nil>", got, err)
	}
}

// --- pep_tests ---

// A generator cannot be resumed while it runs: its own body's Next fails, and
// the body's failure ends it.
func TestCPythonAlreadyExecuting(t *testing.T) {
	leaktest.Check(t)
	var me *gen.Gen[int, struct{}, struct{}]
	me = gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		i, err := me.Next()
		if err != nil {
			return struct{}{}, err
		}
		_, err = yield(i)
		return struct{}{}, err
	})
	v, err := me.Next()
	pyWant(t, "Next()", v, err, 0, gen.ErrRunning)
	pyWantState(t, me, gen.Closed)
	v, err = me.Next()
	pyWant(t, "Next()", v, err, 0, gen.ErrStopIteration)
}

// An error in a function the body calls ends the generator; it cannot be
// resumed afterwards.
func TestCPythonExceptionPropagation(t *testing.T) {
	leaktest.Check(t)
	k := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		v, err := pyDiv(1, 0)
		if err != nil {
			return struct{}{}, err
		}
		if _, err := yield(v); err != nil {
			return struct{}{}, err
		}
		_, err = yield(42)
		return struct{}{}, err
	})
	v, err := k.Next()
	pyWant(t, "Next()", v, err, 0, pyZeroDivisionError)
	v, err = k.Next()
	pyWant(t, "Next()", v, err, 0, gen.ErrStopIteration)
}

// Nested try/except/finally around yields. Each try block is a closure
// returning what it raises; a bare except catches whatever that is, as
// Python's catches GeneratorExit too.
func TestCPythonTryExceptFinally(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		outer := func() error {
			if _, err := yield(1); err != nil {
				return err
			}
			inner := func() error {
				if _, err := yield(2); err != nil {
					return err
				}
				if _, err := pyDiv(1, 0); err != nil {
					return err
				}
				_, err := yield(3)
				return err
			}
			if err := inner(); errors.Is(err, pyZeroDivisionError) {
				if _, e := yield(4); e != nil {
					return e
				}
				if _, e := yield(5); e != nil {
					return e
				}
				return err // bare raise
			} else if err != nil {
				if _, e := yield(6); e != nil {
					return e
				}
			}
			_, err := yield(7)
			return err
		}
		if err := outer(); err != nil {
			if _, e := yield(8); e != nil {
				return struct{}{}, e
			}
		}
		if _, err := yield(9); err != nil {
			return struct{}{}, err
		}
		err := func() (err error) {
			defer func() {
				if err == nil {
					_, err = yield(10)
				}
			}()
			return nil // x = 12
		}()
		if err != nil {
			return struct{}{}, err
		}
		_, err = yield(11)
		return struct{}{}, err
	})
	if got, err := pyList(g); !cmp.Equal(got, []int{1, 2, 4, 5, 8, 9, 10, 11}) || err != nil {
		t.Fatalf("list(f()) = %v, %v; want [1 2 4 5 8 9 10 11], <nil>", got, err)
	}
}

// pyTree is the binary tree of Guido's example.
type pyTree struct {
	label       string
	left, right *pyTree
}

func pyMakeTree(s string) *pyTree {
	if s == "" {
		return nil
	}
	i := len(s) / 2
	return &pyTree{string(s[i]), pyMakeTree(s[:i]), pyMakeTree(s[i+1:])}
}

// pyInorder is the recursive in-order generator: it ranges over generators of
// the subtrees and yields their labels.
func pyInorder(t *pyTree) *gen.Gen[string, struct{}, struct{}] {
	return gen.New(func(yield gen.Yield[string, struct{}]) (struct{}, error) {
		if t == nil {
			return struct{}{}, nil
		}
		for x := range pyInorder(t.left).All() {
			if _, err := yield(x); err != nil {
				return struct{}{}, err
			}
		}
		if _, err := yield(t.label); err != nil {
			return struct{}{}, err
		}
		for x := range pyInorder(t.right).All() {
			if _, err := yield(x); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
}

// pyInorderFlat is the non-recursive version, with an explicit stack.
func pyInorderFlat(node *pyTree) *gen.Gen[string, struct{}, struct{}] {
	return gen.New(func(yield gen.Yield[string, struct{}]) (struct{}, error) {
		var stack []*pyTree
		for node != nil {
			for node.left != nil {
				stack = append(stack, node)
				node = node.left
			}
			if _, err := yield(node.label); err != nil {
				return struct{}{}, err
			}
			for node.right == nil {
				if len(stack) == 0 {
					return struct{}{}, nil
				}
				node = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if _, err := yield(node.label); err != nil {
					return struct{}{}, err
				}
			}
			node = node.right
		}
		return struct{}{}, nil
	})
}

func TestCPythonTreeInorder(t *testing.T) {
	tree := pyMakeTree("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	for name, walk := range map[string]func(*pyTree) *gen.Gen[string, struct{}, struct{}]{
		"recursive": pyInorder,
		"flat":      pyInorderFlat,
	} {
		t.Run(name, func(t *testing.T) {
			leaktest.Check(t)
			var b strings.Builder
			for x := range walk(tree).All() {
				b.WriteString(" " + x)
			}
			if got, want := b.String(), " A B C D E F G H I J K L M N O P Q R S T U V W X Y Z"; got != want {
				t.Fatalf("in-order labels = %q; want %q", got, want)
			}
		})
	}
}

// --- email_tests ---

// A body that yields "nothing" yields the zero value; returning adds nothing.
func TestCPythonYieldNone(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[any, struct{}]) (struct{}, error) {
		for range 3 {
			if _, err := yield(nil); err != nil {
				return struct{}{}, err
			}
		}
		_, err := yield(nil)
		return struct{}{}, err
	})
	if got, err := pyList(g); !cmp.Equal(got, []any{nil, nil, nil, nil}) || err != nil {
		t.Fatalf("list(g()) = %v, %v; want [<nil> <nil> <nil> <nil>], <nil>", got, err)
	}
	// coroutine_tests: "yield by itself yields None".
	f := gen.New(func(yield gen.Yield[any, struct{}]) (struct{}, error) {
		_, err := yield(nil)
		return struct{}{}, err
	})
	if got, err := pyList(f); !cmp.Equal(got, []any{nil}) || err != nil {
		t.Fatalf("list(f()) = %v, %v; want [<nil>], <nil>", got, err)
	}
}

// pyComb yields the k-combinations of x, recursively.
func pyComb(x []int, k int) *gen.Gen[[]int, struct{}, struct{}] {
	return gen.New(func(yield gen.Yield[[]int, struct{}]) (struct{}, error) {
		if k > len(x) {
			return struct{}{}, nil
		}
		if k == 0 {
			_, err := yield([]int{})
			return struct{}{}, err
		}
		first, rest := x[0], x[1:]
		for c := range pyComb(rest, k-1).All() {
			if _, err := yield(append([]int{first}, c...)); err != nil {
				return struct{}{}, err
			}
		}
		for c := range pyComb(rest, k).All() {
			if _, err := yield(c); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
}

func TestCPythonCombinations(t *testing.T) {
	leaktest.Check(t)
	seq := []int{1, 2, 3, 4}
	var got []string
	for k := range len(seq) + 2 {
		got = append(got, fmt.Sprintf("%d-combs of %v:", k, seq))
		for c := range pyComb(seq, k).All() {
			got = append(got, fmt.Sprintf("    %v", c))
		}
	}
	want := []string{
		"0-combs of [1 2 3 4]:", "    []",
		"1-combs of [1 2 3 4]:", "    [1]", "    [2]", "    [3]", "    [4]",
		"2-combs of [1 2 3 4]:", "    [1 2]", "    [1 3]", "    [1 4]", "    [2 3]", "    [2 4]", "    [3 4]",
		"3-combs of [1 2 3 4]:", "    [1 2 3]", "    [1 2 4]", "    [1 3 4]", "    [2 3 4]",
		"4-combs of [1 2 3 4]:", "    [1 2 3 4]",
		"5-combs of [1 2 3 4]:",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("combinations (-want +got):\n%s", diff)
	}
}

// State says Running only while the body runs (gi_running).
func TestCPythonStateWhileRunning(t *testing.T) {
	leaktest.Check(t)
	var me *gen.Gen[gen.State, struct{}, struct{}]
	me = gen.New(func(yield gen.Yield[gen.State, struct{}]) (struct{}, error) {
		_, err := yield(me.State())
		return struct{}{}, err
	})
	pyWantState(t, me, gen.Created)
	v, err := me.Next()
	pyWant(t, "Next()", v, err, gen.Running, nil)
	pyWantState(t, me, gen.Suspended)
	if err := me.Close(); err != nil {
		t.Fatalf("Close() = %v; want <nil>", err)
	}
}

// pyDisjointSet is Eppstein's union-find node: its generator yields the node
// while it is a root, then whatever its parent's generator yields.
type pyDisjointSet struct {
	name   string
	parent *pyDisjointSet
	g      *gen.Gen[*pyDisjointSet, struct{}, struct{}]
}

func pyNewDisjointSet(name string) *pyDisjointSet {
	s := &pyDisjointSet{name: name}
	s.g = gen.New(func(yield gen.Yield[*pyDisjointSet, struct{}]) (struct{}, error) {
		for s.parent == nil {
			if _, err := yield(s); err != nil {
				return struct{}{}, err
			}
		}
		for {
			x, err := s.parent.g.Next()
			if errors.Is(err, gen.ErrStopIteration) {
				return struct{}{}, nil
			}
			if err != nil {
				return struct{}{}, err
			}
			if _, err := yield(x); err != nil {
				return struct{}{}, err
			}
		}
	})
	return s
}

func (s *pyDisjointSet) find(t *testing.T) *pyDisjointSet {
	t.Helper()
	r, err := s.g.Next()
	if err != nil {
		t.Fatalf("%s.find: Next() = %v, %v", s.name, r, err)
	}
	return r
}

// The doctest picks the merges with random.Random(42); they are written out
// here in the order CPython printed them.
func TestCPythonUnionFind(t *testing.T) {
	leaktest.Check(t)
	sets := map[string]*pyDisjointSet{}
	const names = "ABCDEFGHIJKLM"
	for _, n := range names {
		sets[string(n)] = pyNewDisjointSet(string(n))
	}
	defer func() {
		for _, s := range sets {
			s.g.Close()
		}
	}()
	merges := [][2]string{
		{"K", "B"}, {"A", "F"}, {"E", "F"}, {"D", "C"}, {"M", "C"}, {"J", "B"},
		{"B", "C"}, {"F", "G"}, {"L", "C"}, {"G", "I"}, {"I", "H"}, {"C", "H"},
	}
	var got []string
	for i := 0; ; i++ {
		var b strings.Builder
		for _, n := range names {
			fmt.Fprintf(&b, " %c->%s", n, sets[string(n)].find(t).name)
		}
		got = append(got, b.String())
		if i == len(merges) {
			break
		}
		s1, s2 := sets[merges[i][0]], sets[merges[i][1]]
		s1.parent = s2
		got = append(got, fmt.Sprintf("merged %s into %s", s1.name, s2.name))
	}
	want := []string{
		" A->A B->B C->C D->D E->E F->F G->G H->H I->I J->J K->K L->L M->M",
		"merged K into B",
		" A->A B->B C->C D->D E->E F->F G->G H->H I->I J->J K->B L->L M->M",
		"merged A into F",
		" A->F B->B C->C D->D E->E F->F G->G H->H I->I J->J K->B L->L M->M",
		"merged E into F",
		" A->F B->B C->C D->D E->F F->F G->G H->H I->I J->J K->B L->L M->M",
		"merged D into C",
		" A->F B->B C->C D->C E->F F->F G->G H->H I->I J->J K->B L->L M->M",
		"merged M into C",
		" A->F B->B C->C D->C E->F F->F G->G H->H I->I J->J K->B L->L M->C",
		"merged J into B",
		" A->F B->B C->C D->C E->F F->F G->G H->H I->I J->B K->B L->L M->C",
		"merged B into C",
		" A->F B->C C->C D->C E->F F->F G->G H->H I->I J->C K->C L->L M->C",
		"merged F into G",
		" A->G B->C C->C D->C E->G F->G G->G H->H I->I J->C K->C L->L M->C",
		"merged L into C",
		" A->G B->C C->C D->C E->G F->G G->G H->H I->I J->C K->C L->C M->C",
		"merged G into I",
		" A->I B->C C->C D->C E->I F->I G->I H->H I->I J->C K->C L->C M->C",
		"merged I into H",
		" A->H B->C C->C D->C E->H F->H G->H H->H I->H J->C K->C L->C M->C",
		"merged C into H",
		" A->H B->H C->H D->H E->H F->H G->H H->H I->H J->H K->H L->H M->H",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("union-find rounds (-want +got):\n%s", diff)
	}
}

// --- fun_tests ---

type pyIntGen = *gen.Gen[int, struct{}, struct{}]

func pyIntsFrom(i int) pyIntGen {
	return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		for ; ; i++ {
			if _, err := yield(i); err != nil {
				return struct{}{}, err
			}
		}
	})
}

// pyExcludeMultiples yields the values of ints not divisible by n; it owns ints.
func pyExcludeMultiples(n int, ints pyIntGen) pyIntGen {
	return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		defer ints.Close()
		for {
			i, err := ints.Next()
			if err != nil {
				return struct{}{}, err
			}
			if i%n != 0 {
				if _, err := yield(i); err != nil {
					return struct{}{}, err
				}
			}
		}
	})
}

func pySieve(ints pyIntGen) pyIntGen {
	return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		prime, err := ints.Next()
		if err != nil {
			ints.Close()
			return struct{}{}, err
		}
		if _, err := yield(prime); err != nil {
			ints.Close()
			return struct{}{}, err
		}
		for p := range pySieve(pyExcludeMultiples(prime, ints)).All() {
			if _, err := yield(p); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
}

func TestCPythonSieve(t *testing.T) {
	leaktest.Check(t)
	ints := pyIntsFrom(5)
	if got := pyFirstN(t, ints, 7); !cmp.Equal(got, []int{5, 6, 7, 8, 9, 10, 11}) {
		t.Errorf("firstn(intsfrom(5), 7) = %v", got)
	}
	ints.Close()
	ex := pyExcludeMultiples(3, pyIntsFrom(1))
	if got := pyFirstN(t, ex, 6); !cmp.Equal(got, []int{1, 2, 4, 5, 7, 8}) {
		t.Errorf("firstn(exclude_multiples(3, intsfrom(1)), 6) = %v", got)
	}
	ex.Close()
	primes := pySieve(pyIntsFrom(2))
	defer primes.Close()
	want := []int{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71}
	if diff := cmp.Diff(want, pyFirstN(t, primes, 20)); diff != "" {
		t.Errorf("firstn(primes, 20) (-want +got):\n%s", diff)
	}
}

// pyTimes yields n times each value of seq.
func pyTimes(n int, seq iter.Seq[int]) pyIntGen {
	return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		for i := range seq {
			if _, err := yield(n * i); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
}

// pyMerge merges two increasing infinite generators, dropping duplicates; it
// owns both.
func pyMerge(g, h pyIntGen) pyIntGen {
	return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		defer g.Close()
		defer h.Close()
		ng, err := g.Next()
		if err != nil {
			return struct{}{}, err
		}
		nh, err := h.Next()
		if err != nil {
			return struct{}{}, err
		}
		for {
			switch {
			case ng < nh:
				if _, err := yield(ng); err != nil {
					return struct{}{}, err
				}
				ng, err = g.Next()
			case ng > nh:
				if _, err := yield(nh); err != nil {
					return struct{}{}, err
				}
				nh, err = h.Next()
			default:
				if _, err := yield(ng); err != nil {
					return struct{}{}, err
				}
				if ng, err = g.Next(); err == nil {
					nh, err = h.Next()
				}
			}
			if err != nil {
				return struct{}{}, err
			}
		}
	})
}

var pyHamming = [][]int{
	{1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 18, 20, 24},
	{25, 27, 30, 32, 36, 40, 45, 48, 50, 54, 60, 64, 72, 75, 80},
	{81, 90, 96, 100, 108, 120, 125, 128, 135, 144, 150, 160, 162, 180, 192},
	{200, 216, 225, 240, 243, 250, 256, 270, 288, 300, 320, 324, 360, 375, 384},
	{400, 405, 432, 450, 480, 486, 500, 512, 540, 576, 600, 625, 640, 648, 675},
}

func TestCPythonTimes(t *testing.T) {
	leaktest.Check(t)
	g := pyTimes(10, pyIntsFrom(1).All())
	defer g.Close()
	if got := pyFirstN(t, g, 10); !cmp.Equal(got, []int{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}) {
		t.Errorf("firstn(times(10, intsfrom(1)), 10) = %v", got)
	}
}

// The naive Hamming generator: every level makes three more of itself.
func TestCPythonHammingNaive(t *testing.T) {
	leaktest.Check(t)
	var m235 func() pyIntGen
	m235 = func() pyIntGen {
		return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
			if _, err := yield(1); err != nil {
				return struct{}{}, err
			}
			m := pyMerge(pyMerge(pyTimes(2, m235().All()), pyTimes(3, m235().All())), pyTimes(5, m235().All()))
			for i := range m.All() {
				if _, err := yield(i); err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, nil
		})
	}
	result := m235()
	defer result.Close()
	for i := range 3 {
		if diff := cmp.Diff(pyHamming[i], pyFirstN(t, result, 15)); diff != "" {
			t.Errorf("row %d (-want +got):\n%s", i, diff)
		}
	}
}

// pyLazyList remembers what its generator produced, so that several readers
// share one generator.
type pyLazyList struct {
	t     *testing.T
	sofar []int
	g     pyIntGen
}

func (l *pyLazyList) at(i int) int {
	for i >= len(l.sofar) {
		v, err := l.g.Next()
		if err != nil {
			l.t.Errorf("LazyList fetch: Next() = %v, %v", v, err)
			return 0
		}
		l.sofar = append(l.sofar, v)
	}
	return l.sofar[i]
}

// all iterates by index, as Python iterates over an object with __getitem__.
func (l *pyLazyList) all() iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; yield(l.at(i)); i++ {
		}
	}
}

func TestCPythonHammingLazyList(t *testing.T) {
	leaktest.Check(t)
	lazy := &pyLazyList{t: t}
	lazy.g = gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		if _, err := yield(1); err != nil {
			return struct{}{}, err
		}
		m := pyMerge(pyMerge(pyTimes(2, lazy.all()), pyTimes(3, lazy.all())), pyTimes(5, lazy.all()))
		for i := range m.All() {
			if _, err := yield(i); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	defer lazy.g.Close()
	for i := range 5 {
		var got []int
		for j := 15 * i; j < 15*(i+1); j++ {
			got = append(got, lazy.at(j))
		}
		if diff := cmp.Diff(pyHamming[i], got); diff != "" {
			t.Errorf("row %d (-want +got):\n%s", i, diff)
		}
	}
}

func TestCPythonFibLazyList(t *testing.T) {
	leaktest.Check(t)
	fib := &pyLazyList{t: t}
	sum := func(g, h pyIntGen) pyIntGen {
		return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
			defer g.Close()
			defer h.Close()
			for {
				a, err := g.Next()
				if err != nil {
					return struct{}{}, err
				}
				b, err := h.Next()
				if err != nil {
					return struct{}{}, err
				}
				if _, err := yield(a + b); err != nil {
					return struct{}{}, err
				}
			}
		})
	}
	tail := func(g pyIntGen) pyIntGen {
		return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
			defer g.Close()
			if _, err := g.Next(); err != nil {
				return struct{}{}, err
			}
			for x := range g.All() {
				if _, err := yield(x); err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, nil
		})
	}
	fib.g = gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		if _, err := yield(1); err != nil {
			return struct{}{}, err
		}
		if _, err := yield(2); err != nil {
			return struct{}{}, err
		}
		for s := range sum(gen.FromSeq(fib.all()), tail(gen.FromSeq(fib.all()))).All() {
			if _, err := yield(s); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	defer fib.g.Close()
	it := gen.FromSeq(fib.all())
	defer it.Close()
	want := []int{1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584}
	if diff := cmp.Diff(want, pyFirstN(t, it, 17)); diff != "" {
		t.Errorf("firstn(iter(fib), 17) (-want +got):\n%s", diff)
	}
}

// --- syntax_tests ---

// Nested try/except around yields, with a finally that yields.
func TestCPythonNestedTryYield(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		if _, err := yield(12); err != nil {
			return struct{}{}, err
		}
		if _, err := pyDiv(1, 0); errors.Is(err, pyZeroDivisionError) {
			if _, err := yield(666); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	if got, err := pyList(g); !cmp.Equal(got, []int{12, 666}) || err != nil {
		t.Fatalf("list(f()) = %v, %v; want [12 666], <nil>", got, err)
	}
}

// A deferred yield at the end of each loop iteration, as "continue" inside
// try/finally does (SF bug 567538).
func TestCPythonYieldInFinallyWithContinue(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		for i := range 3 {
			err := func() (err error) {
				defer func() {
					if err == nil {
						_, err = yield(i)
					}
				}()
				return nil // continue
			}()
			if err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	for i := range 3 {
		v, err := g.Next()
		pyWant(t, "Next()", v, err, i, nil)
	}
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 0, gen.ErrStopIteration)
}

// A generator's values are what it yields; its return value is apart.
func TestCPythonLambdaYields(t *testing.T) {
	leaktest.Check(t)
	x := gen.New(func(yield gen.Yield[int, any]) (any, error) { return yield(1) })
	if got, err := pyList(x); !cmp.Equal(got, []int{1}) || err != nil {
		t.Fatalf("list(x()) = %v, %v; want [1], <nil>", got, err)
	}
	x2 := gen.New(func(yield gen.Yield[int, any]) (any, error) {
		a, err := yield(1)
		if err != nil {
			return nil, err
		}
		b, err := yield(2)
		return []any{a, b}, err
	})
	if got, err := pyList(x2); !cmp.Equal(got, []int{1, 2}) || err != nil {
		t.Fatalf("list(x()) = %v, %v; want [1 2], <nil>", got, err)
	}
	pyWantResult[int, any, any](t, x2, []any{nil, nil}, nil)
}

// --- conjoin_tests ---

// pyConjoin is simple_conjoin: every combination of the values of the
// generators gs make, as nested loops would produce, through one shared slice.
func pyConjoin(gs []func() pyIntGen) *gen.Gen[[]int, struct{}, struct{}] {
	values := make([]int, len(gs))
	var level func(i int) *gen.Gen[[]int, struct{}, struct{}]
	level = func(i int) *gen.Gen[[]int, struct{}, struct{}] {
		return gen.New(func(yield gen.Yield[[]int, struct{}]) (struct{}, error) {
			if i >= len(gs) {
				_, err := yield(values)
				return struct{}{}, err
			}
			for v := range gs[i]().All() {
				values[i] = v
				for x := range level(i + 1).All() {
					if _, err := yield(x); err != nil {
						return struct{}{}, err
					}
				}
			}
			return struct{}{}, nil
		})
	}
	return gen.New(func(yield gen.Yield[[]int, struct{}]) (struct{}, error) {
		return gen.YieldFrom(yield, level(0))
	})
}

func TestCPythonConjoin(t *testing.T) {
	leaktest.Check(t)
	bits := func() pyIntGen { return pyRange(2) }
	var got [][]int
	for c := range pyConjoin([]func() pyIntGen{bits, bits, bits}).All() {
		got = append(got, append([]int(nil), c...))
	}
	want := [][]int{{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 1}, {1, 0, 0}, {1, 0, 1}, {1, 1, 0}, {1, 1, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("3-bit numbers (-want +got):\n%s", diff)
	}
	for n := range 10 {
		gs := make([]func() pyIntGen, n)
		for i := range gs {
			gs[i] = bits
		}
		var all [][]int
		for c := range pyConjoin(gs).All() {
			all = append(all, append([]int(nil), c...))
		}
		if len(all) != 1<<n || !slices.Equal(all[0], make([]int, n)) || !slices.Equal(all[len(all)-1], slices.Repeat([]int{1}, n)) {
			t.Errorf("conjoin of %d bits: %d results, first %v, last %v", n, len(all), all[0], all[len(all)-1])
		}
	}
}

// The conjoin-based n-queens solver: each row's generator claims a column and
// both diagonals before it yields and releases them when resumed.
func TestCPythonQueens(t *testing.T) {
	leaktest.Check(t)
	const n = 8
	var used uint64
	rows := make([]func() pyIntGen, n)
	for i := range n {
		uses := make([]uint64, n)
		for j := range n {
			uses[j] = 1<<j | 1<<(n+i-j+n-1) | 1<<(n+2*n-1+i+j)
		}
		rows[i] = func() pyIntGen {
			return gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
				for j := range n {
					if uses[j]&used == 0 {
						used |= uses[j]
						_, err := yield(j)
						used &^= uses[j]
						if err != nil {
							return struct{}{}, err
						}
					}
				}
				return struct{}{}, nil
			})
		}
	}
	var first [][]int
	count := 0
	for row2col := range pyConjoin(rows).All() {
		count++
		if count <= 2 {
			first = append(first, append([]int(nil), row2col...))
		}
	}
	if count != 92 {
		t.Errorf("%d solutions in all; want 92", count)
	}
	if diff := cmp.Diff([][]int{{0, 4, 7, 5, 2, 6, 1, 3}, {0, 5, 7, 2, 6, 3, 1, 4}}, first); diff != "" {
		t.Errorf("first two solutions (-want +got):\n%s", diff)
	}
	if used != 0 {
		t.Errorf("used = %#x after the search; want 0", used)
	}
}

// --- coroutine_tests ---

// Send into a started generator: the pending yield returns the sent value.
func TestCPythonCoroutineSend(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	g := gen.New(func(yield gen.Yield[int, int]) (struct{}, error) {
		v, err := yield(1)
		if err != nil {
			return struct{}{}, err
		}
		tr.add("%d", v)
		_, err = yield(2)
		return struct{}{}, err
	})
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 1, nil)
	v, err = g.Send(42)
	pyWant(t, "Send(42)", v, err, 2, nil)
	if diff := cmp.Diff(pyTrace{"42"}, tr); diff != "" {
		t.Errorf("printed (-want +got):\n%s", diff)
	}
	// A non-zero send to a new generator is refused.
	f := gen.New(func(yield gen.Yield[int, string]) (struct{}, error) { return struct{}{}, nil })
	v, err = f.Send("foo")
	pyWant(t, `Send("foo")`, v, err, 0, gen.ErrJustStarted)
}

// count += yield: each send adds to a running count.
func TestCPythonCoroutineAugmentedAssignment(t *testing.T) {
	leaktest.Check(t)
	var seq []int
	c := gen.New(func(yield gen.Yield[struct{}, int]) (struct{}, error) {
		count := 0
		for count < 200 {
			n, err := yield(struct{}{})
			if err != nil {
				return struct{}{}, err
			}
			count += n
			seq = append(seq, count)
		}
		return struct{}{}, nil
	})
	if _, err := c.Next(); err != nil || len(seq) != 0 {
		t.Fatalf("Next() = _, %v with seq %v; want <nil> with []", err, seq)
	}
	for i, want := range [][]int{{10}, {10, 20}, {10, 20, 30}} {
		if _, err := c.Send(10); err != nil {
			t.Fatalf("Send(10) #%d = _, %v; want _, <nil>", i+1, err)
		}
		if !cmp.Equal(seq, want) {
			t.Fatalf("seq after Send(10) #%d = %v; want %v", i+1, seq, want)
		}
	}
	c.Close()
}

// The throw() conditions that Go can express: errors thrown in and caught, a
// nil error refused, an uncaught error ending the generator, throws into a
// closed and into a just-created generator.
func TestCPythonCoroutineThrowConditions(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	f := func() *gen.Gen[int, int, struct{}] {
		return gen.New(func(yield gen.Yield[int, int]) (struct{}, error) {
			tr.add("body runs")
			for {
				v, err := yield(0)
				switch {
				case errors.Is(err, pyValueError):
					tr.add("caught %v", err)
				case err != nil:
					return struct{}{}, err
				default:
					tr.add("%d", v)
				}
			}
		})
	}
	g := f()
	v, err := g.Next()
	pyWant(t, "Next()", v, err, 0, nil)
	v, err = g.Throw(pyValueError)
	pyWant(t, "Throw(ValueError)", v, err, 0, nil)
	v, err = g.Throw(pyExc(pyValueError, "xyz"))
	pyWant(t, `Throw(ValueError("xyz"))`, v, err, 0, nil)
	if _, err := g.Throw(nil); err == nil {
		t.Fatal("Throw(nil) = _, <nil>; want an error")
	}
	pyWantState(t, g, gen.Suspended)
	v, err = g.Send(1)
	pyWant(t, "Send(1)", v, err, 0, nil)
	v, err = g.Throw(pyTypeError)
	pyWant(t, "Throw(TypeError)", v, err, 0, pyTypeError)
	pyWantState(t, g, gen.Closed) // gi_frame is None
	v, err = g.Send(2)
	pyWant(t, "Send(2)", v, err, 0, gen.ErrStopIteration)
	six := pyExc(pyValueError, "6")
	v, err = g.Throw(six)
	pyWant(t, "Throw(ValueError(6)) on a closed generator", v, err, 0, six)
	want := pyTrace{"body runs", "caught ValueError", "caught ValueError: xyz", "1"}
	if diff := cmp.Diff(want, tr); diff != "" {
		t.Errorf("printed (-want +got):\n%s", diff)
	}

	tr = nil
	fresh := f()
	seven := pyExc(pyValueError, "7")
	v, err = fresh.Throw(seven)
	pyWant(t, "Throw(ValueError(7)) on a new generator", v, err, 0, seven)
	pyWantState(t, fresh, gen.Closed)
	if len(tr) != 0 {
		t.Errorf("Throw on a new generator ran its body: %v", tr)
	}
}

// Close delivers GeneratorExit to the pending yield; closing again, or closing
// a generator that never started, does nothing.
func TestCPythonCoroutineClose(t *testing.T) {
	leaktest.Check(t)
	var tr pyTrace
	f := func() *gen.Gen[any, any, any] {
		return gen.New(func(yield gen.Yield[any, any]) (any, error) {
			_, err := yield(nil)
			if errors.Is(err, gen.ErrGeneratorExit) {
				tr.add("exiting")
				return nil, nil
			}
			return nil, err
		})
	}
	g := f()
	if _, err := g.Next(); err != nil {
		t.Fatalf("Next() = _, %v; want _, <nil>", err)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("Close() = %v; want <nil>", err)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("second Close() = %v; want <nil>", err)
	}
	if err := f().Close(); err != nil {
		t.Fatalf("Close() of a new generator = %v; want <nil>", err)
	}
	if diff := cmp.Diff(pyTrace{"exiting"}, tr); diff != "" {
		t.Errorf("printed (-want +got):\n%s", diff)
	}
	// An even simpler generator, closed before and after starting.
	simple := func() *gen.Gen[any, any, any] {
		return gen.New(func(yield gen.Yield[any, any]) (any, error) {
			_, err := yield(nil)
			return nil, err
		})
	}
	if err := simple().Close(); err != nil {
		t.Fatalf("Close() before opening = %v; want <nil>", err)
	}
	s := simple()
	s.Next()
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v; want <nil>", err)
	}
}

// A suspended generator that is dropped is closed, and its deferred calls run
// (del g; gc_collect()).
func TestCPythonCoroutineFinalization(t *testing.T) {
	leaktest.Check(t)
	printed := make(chan string, 1)
	func() {
		g := gen.New(func(yield gen.Yield[any, any]) (any, error) {
			defer func() { printed <- "exiting" }()
			_, err := yield(nil)
			return nil, err
		})
		g.Next()
	}()
	if got := pyAwaitGC(t, printed); got != "exiting" {
		t.Fatalf("printed %q; want \"exiting\"", got)
	}
}

// GeneratorExit is not one of the errors a body handles as an ordinary
// failure: finalization runs only the deferred call.
func TestCPythonGeneratorExitNotException(t *testing.T) {
	leaktest.Check(t)
	printed := make(chan string, 2)
	func() {
		g := gen.New(func(yield gen.Yield[any, any]) (any, error) {
			defer func() { printed <- "finally" }()
			_, err := yield(nil)
			if err != nil && !errors.Is(err, gen.ErrGeneratorExit) { // except Exception
				printed <- "except"
				return nil, nil
			}
			return nil, err
		})
		g.Next()
	}()
	if got := pyAwaitGC(t, printed); got != "finally" {
		t.Fatalf("printed %q first; want \"finally\"", got)
	}
}

// A body that yields after GeneratorExit makes Close fail; a second Close does
// nothing.
func TestCPythonCloseIgnored(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[string, any]) (any, error) {
		if _, err := yield(""); errors.Is(err, gen.ErrGeneratorExit) {
			_, err = yield("foo!")
			return nil, err
		}
		return nil, nil
	})
	if _, err := g.Next(); err != nil {
		t.Fatalf("Next() = _, %v; want _, <nil>", err)
	}
	if err := g.Close(); !errors.Is(err, gen.ErrIgnoredExit) {
		t.Fatalf("Close() = %v; want %v", err, gen.ErrIgnoredExit)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("second Close() = %v; want <nil>", err)
	}
}

// The same ill-behaved body, dropped: Python reports the RuntimeError as
// unraisable; gen drops it (the contract), but still unwinds the body so its
// deferred calls run and nothing after the second yield does.
func TestCPythonCloseIgnoredDuringGC(t *testing.T) {
	leaktest.Check(t)
	printed := make(chan string, 2)
	func() {
		g := gen.New(func(yield gen.Yield[string, any]) (any, error) {
			defer func() { printed <- "unwound" }()
			if _, err := yield(""); errors.Is(err, gen.ErrGeneratorExit) {
				yield("foo!")
				printed <- "resumed after the second yield"
			}
			return nil, nil
		})
		g.Next()
	}()
	if got := pyAwaitGC(t, printed); got != "unwound" {
		t.Fatalf("printed %q first; want \"unwound\"", got)
	}
}

// An error raised while closing comes out of Close.
func TestCPythonCloseRaises(t *testing.T) {
	leaktest.Check(t)
	fie := pyExc(pyTypeError, "fie!")
	g := gen.New(func(yield gen.Yield[any, any]) (any, error) {
		if _, err := yield(nil); errors.Is(err, gen.ErrGeneratorExit) {
			return nil, fie
		}
		return nil, nil
	})
	g.Next()
	if err := g.Close(); err != fie {
		t.Fatalf("Close() = %v; want %v", err, fie)
	}
	pyWantResult[any, any, any](t, g, nil, fie)
}

// d[(yield "a")] = d[(yield "b")] = 27: the targets are assigned left to
// right, each subscript (a yield) evaluated just before its store.
func TestCPythonCoroutineSubscriptAssignment(t *testing.T) {
	leaktest.Check(t)
	data := []int{1, 2}
	g := gen.New(func(yield gen.Yield[string, int]) (struct{}, error) {
		i, err := yield("a")
		if err != nil {
			return struct{}{}, err
		}
		data[i] = 27
		j, err := yield("b")
		if err != nil {
			return struct{}{}, err
		}
		data[j] = 27
		return struct{}{}, nil
	})
	v, err := g.Next()
	pyWant(t, "Next()", v, err, "a", nil)
	if !cmp.Equal(data, []int{1, 2}) {
		t.Fatalf("data = %v; want [1 2]", data)
	}
	v, err = g.Send(0)
	pyWant(t, "Send(0)", v, err, "b", nil)
	if !cmp.Equal(data, []int{27, 2}) {
		t.Fatalf("data = %v; want [27 2]", data)
	}
	v, err = g.Send(1)
	pyWant(t, "Send(1)", v, err, "", gen.ErrStopIteration)
	if !cmp.Equal(data, []int{27, 27}) {
		t.Fatalf("data = %v; want [27 27]", data)
	}
}

// --- refleaks_tests ---

// A generator whose body refers to the generator itself and that never starts
// costs no goroutine.
func TestCPythonSelfReferenceNotStarted(t *testing.T) {
	leaktest.Check(t)
	func() {
		var g *gen.Gen[any, struct{}, struct{}]
		g = gen.New(func(yield gen.Yield[any, struct{}]) (struct{}, error) {
			for {
				if _, err := yield(g); err != nil {
					return struct{}{}, err
				}
			}
		})
	}()
}
