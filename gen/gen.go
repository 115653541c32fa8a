// Package gen provides Python-style resumable generators for Go: a body that
// yields values to its caller and receives values (Send) or errors (Throw) back
// at each yield, returns a final value, and can be closed from outside.
//
// # A generator
//
// A generator's body is an ordinary function. It receives a [Yield] and calls it
// to hand a value out; the call returns when the generator is resumed, with the
// value the caller sent or the error the caller threw:
//
//	g := gen.New(func(yield gen.Yield[int, int]) (string, error) {
//		total := 0
//		for {
//			n, err := yield(total) // hand out the total, wait for the next number
//			if err != nil {
//				return "", err // ErrGeneratorExit on Close, or what Throw sent
//			}
//			total += n
//		}
//	})
//	g.Next()          // runs the body to its first yield: 0, nil
//	g.Send(3)         // 3, nil
//	g.Send(4)         // 7, nil
//	g.Close()         // the pending yield returns ErrGeneratorExit; Close returns nil
//
// Every resuming call ([Gen.Next], [Gen.Send], [Gen.Throw]) has three outcomes:
// the body yielded (the value and a nil error), the body returned (the zero value
// and [ErrStopIteration]; [Gen.Result] holds the return value) or the body failed
// (its error). Test the end with errors.Is(err, gen.ErrStopIteration), as io.EOF
// is tested for a reader.
//
// # Ranging
//
// [Gen.All] ranges over the values. On a generator that has not started it runs
// the body on the ranging goroutine with no coroutine at all (push mode), which
// costs a function call per value rather than a coroutine switch:
//
//	for v := range g.All() { ... }
//	r, err := g.Result()
//
// # Delegation
//
// [YieldFrom] is Python's "yield from": the delegating body hands out every value
// of a sub-generator, forwards sends and throws to it, and receives its return
// value. A sub-generator that has not started runs inline, on the delegating
// body's stack.
//
// # Cost
//
// A resumption is two coroutine switches of [iter.Pull] and a few field stores:
// see BenchmarkSwitch in the module root for the figures on your machine.
//
// # Differences from Python
//
// A Go body must return when a yield returns an error it does not handle; nothing
// unwinds it automatically, except after Close when the body tries to yield again
// (it is then unwound by a panic that the generator recovers, so its deferred
// calls run). A Suspended generator that becomes unreachable is closed by a runtime
// cleanup, as CPython closes one when its last reference goes.
package gen

import (
	"errors"
	"fmt"
	"iter"
	"reflect"
)

// Yield hands v to whoever resumed the generator and suspends the body until it
// is resumed again. It returns the value passed to [Gen.Send] (the zero value for
// [Gen.Next]) and a nil error, or the zero value and the error passed to
// [Gen.Throw], or [ErrGeneratorExit] while [Gen.Close] runs. A body should return
// when yield returns an error it does not handle.
//
// A Yield may be called only by the body it was given to, on the goroutine running
// that body, while the body runs. Calling it after the body returned, or while the
// generator is suspended, panics.
type Yield[Y, S any] func(v Y) (S, error)

// State is the state of a generator.
type State int

const (
	Created   State = iota // not started: the body has not run
	Suspended              // paused at a yield
	Running                // the body is executing
	Closed                 // finished: returned, failed, closed or panicked
)

var stateNames = [...]string{"created", "suspended", "running", "closed"}

// String returns "created", "suspended", "running" or "closed".
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("gen.State(%d)", int(s))
}

// Errors returned by generators. Test them with errors.Is.
var (
	// ErrStopIteration is returned by a resuming call when the body has returned
	// normally; Result holds the return value. Python: StopIteration.
	ErrStopIteration = errors.New("gen: stop iteration")
	// ErrGeneratorExit is what a pending yield returns while Close runs. A body
	// that returns it (or an error wrapping it) lets Close succeed.
	// Python: GeneratorExit.
	ErrGeneratorExit = errors.New("gen: generator exit")
	// ErrRunning is returned by Next, Send, Throw and Close called while the body
	// runs (from the body itself, or from inside a push-mode range loop).
	// Python: ValueError "generator already executing".
	ErrRunning = errors.New("gen: generator already executing")
	// ErrJustStarted is returned by Send of a non-zero value to a generator that
	// has not started. Python: TypeError "can't send non-None value to a
	// just-started generator".
	ErrJustStarted = errors.New("gen: can't send non-zero value to a just-started generator")
	// ErrIgnoredExit is returned by Close when the body yields instead of
	// returning after ErrGeneratorExit. Python: RuntimeError "generator ignored
	// GeneratorExit".
	ErrIgnoredExit = errors.New("gen: generator ignored GeneratorExit")
	// ErrStopLeaked replaces an error matching ErrStopIteration returned by a body
	// (PEP 479). The replacement does not match ErrStopIteration, so no caller
	// mistakes the leak for a normal end. Python: RuntimeError "generator raised
	// StopIteration".
	ErrStopLeaked = errors.New("gen: generator raised StopIteration")
	// ErrNotFinished is returned by Result before the generator has finished.
	ErrNotFinished = errors.New("gen: generator has not finished")
)

var (
	errNilThrow = errors.New("gen: Throw of a nil error")
	errAborted  = errors.New("gen: generator body panicked or called runtime.Goexit")
)

// unwind is the panic value that unwinds a body which yielded after
// ErrGeneratorExit. It never leaves this package: the frame that started the
// body recovers it. It is an error, so that a driver's panic wrapper that wraps
// it on the way (coro.PanicWrapper) does not hide it: isUnwind sees through.
type unwind struct{}

func (unwind) Error() string { return "gen: unwinding a body that ignored GeneratorExit" }

// isUnwind reports whether a recovered panic value is the unwind, possibly
// wrapped.
func isUnwind(p any) bool {
	e, ok := p.(error)
	return ok && errors.Is(e, unwind{})
}

// Gen is a generator: a body that yields values of type Y, receives values of
// type S at each yield and returns a value of type R. Create one with [New] or
// [FromSeq]; the zero value is not usable.
//
// A Gen is not safe for concurrent use, like the functions [iter.Pull] returns:
// calls from several goroutines at once are a data race. Calls one after another
// from different goroutines are fine.
//
// A Gen that is Suspended and becomes unreachable is closed by a runtime cleanup
// on a goroutine of its own: the pending yield returns [ErrGeneratorExit] and the
// body's deferred calls run; errors it returns then are dropped, and a panic
// crashes the program as any unrecovered panic does. This needs the body not to
// refer to its own Gen (a body that does keeps the Gen reachable). The cleanup
// runs after the garbage collection that finds the Gen unreachable, or, for one
// started since the last collection, after the one after.
type Gen[Y, S, R any] struct {
	s    *state[Y, S, R]  // never referenced from the coroutine, so the Gen can be collected
	next func() (Y, bool) // the iter.Pull coroutine; nil until started and once finished
	fin  finLink          // the finalizer's bookkeeping: see finalize.go
}

// state is a generator's machinery: everything the body's coroutine and the
// cleanup may refer to. It must not point back to the Gen.
type state[Y, S, R any] struct {
	body func(Yield[Y, S]) (R, error)

	in    S     // what the pending yield returns: the sent value...
	inErr error // ...or the thrown error

	res R     // the body's return value, once Closed
	err error // the body's error (after PEP 479), or what Close returned

	st       status
	closing  bool // ErrGeneratorExit was delivered: a further yield is ErrIgnoredExit
	ignored  bool // the body yielded after ErrGeneratorExit
	returned bool // the body returned (rather than panicking or unwinding)
}

// New returns a generator, in state Created, that runs body when first resumed.
// body receives the generator's [Yield]; its return values are what [Gen.Result]
// reports once it has returned. New panics if body is nil.
func New[Y, S, R any](body func(yield Yield[Y, S]) (R, error)) *Gen[Y, S, R] {
	if body == nil {
		panic("gen.New: nil body")
	}
	return &Gen[Y, S, R]{s: &state[Y, S, R]{body: body}}
}

// State reports the generator's state.
func (g *Gen[Y, S, R]) State() State { return State(g.s.st) }

// Next resumes the generator with the zero value of S; see [Gen.Send].
func (g *Gen[Y, S, R]) Next() (Y, error) {
	// Not g.Send(zero): that would add a frame before the switch (see Send).
	// s.in is already zero: the body's yield clears it.
	if s := g.s; s.st == suspended {
		s.st = running
		y, ok := g.next()
		if ok {
			return y, nil
		}
		return y, g.end()
	}
	if g.s.st == created {
		return g.start() // Next sends the zero value: no ErrJustStarted check
	}
	return g.s.notResumable()
}

// Send resumes the generator: a Created one runs its body to the first yield, a
// Suspended one's pending yield returns (v, nil). Send returns the next value
// yielded and a nil error; or, when the body returns, the zero value and
// [ErrStopIteration] (or the body's error, see [Gen.Result]).
//
// On a Created generator Send of a non-zero v returns [ErrJustStarted] and leaves
// it Created; on a Closed one Send returns [ErrStopIteration]; on a Running one
// (called from its own body) [ErrRunning]. A panic or runtime.Goexit in the body
// passes through Send unchanged and leaves the generator Closed.
func (g *Gen[Y, S, R]) Send(v S) (Y, error) {
	// The fast path calls iter.Pull's next itself rather than through resume:
	// every frame between the caller and the coroutine switch costs a
	// mispredicted return (about 9 ns on a 2-core VM). Send itself is not
	// inlined (the compiler puts its cost at about 250, over the budget of 80),
	// so Send is Pull's next plus two frames, this one and the body's Yield:
	// the floor for a generator with Send, Throw and Close on iter.Pull.
	if s := g.s; s.st == suspended {
		s.in = v
		s.st = running
		y, ok := g.next()
		if ok {
			return y, nil
		}
		return y, g.end()
	}
	return g.sendSlow(v)
}

// sendSlow is Send on a generator that is not Suspended.
func (g *Gen[Y, S, R]) sendSlow(v S) (Y, error) {
	if g.s.st == created {
		if !isZero(v) {
			var zero Y
			return zero, ErrJustStarted
		}
		return g.start()
	}
	return g.s.notResumable()
}

// start runs a Created generator's body to its first yield.
func (g *Gen[Y, S, R]) start() (Y, error) {
	s := g.s
	// A finalizer closes a generator that is dropped while Suspended; it is
	// set only if the generator lives through a garbage collection (see
	// finalize.go). It is a finalizer rather than runtime.AddCleanup because
	// setting and clearing one costs less (no closure, no sorted-list walk per
	// span), and the coroutine never refers to g, so resurrecting g is
	// harmless.
	g.next, _ = iter.Pull(s.run)
	g.fin.enlist(g)
	s.st = running
	y, ok := g.next()
	if ok {
		return y, nil
	}
	return y, g.end()
}

// Throw resumes a Suspended generator with err: the pending yield returns (zero,
// err). Throw returns what the body does next, as [Gen.Send] does: the next value
// yielded if the body handles err, its error if it returns one.
//
// A Created generator is closed without running its body and Throw returns
// (zero, err); a Closed one also returns (zero, err). Throw(nil) returns an error
// and changes nothing. On a Running generator Throw returns [ErrRunning].
func (g *Gen[Y, S, R]) Throw(err error) (Y, error) {
	var zero Y
	if err == nil {
		return zero, errNilThrow
	}
	s := g.s
	switch s.st {
	case suspended:
		s.inErr = err
		return g.resume()
	case created:
		s.st = closed
		s.body = nil
		return zero, err
	case running:
		return zero, ErrRunning
	}
	return zero, err
}

// Close finishes the generator. On a Suspended generator the pending yield returns
// [ErrGeneratorExit]; if the body then returns nil or an error wrapping
// ErrGeneratorExit, Close returns nil; if it returns another error, Close returns
// that error; if it yields instead, Close returns [ErrIgnoredExit] and unwinds the
// body with a panic that Close recovers, so its deferred calls run. Whatever
// happens the generator ends Closed, and Close's result is also Result's error.
//
// Close of a Created generator closes it without running the body; Close of a
// Closed one does nothing. Both return nil. On a Running generator Close returns
// [ErrRunning]. A panic in the body passes through Close unchanged.
func (g *Gen[Y, S, R]) Close() error {
	s := g.s
	switch s.st {
	case suspended:
		s.close(g.next)
		g.finished()
		return s.err
	case created:
		s.st = closed
		s.body = nil
	case running:
		return ErrRunning
	}
	return nil
}

// Result returns the body's return values once the generator is Closed: its
// return value and nil after a normal return; its return value and error after a
// failure (an error matching ErrStopIteration replaced by one matching
// [ErrStopLeaked]); the return value and Close's result after Close. A generator
// closed before it started reports the zero value and nil. Before the generator
// is Closed, Result returns [ErrNotFinished].
func (g *Gen[Y, S, R]) Result() (R, error) {
	s := g.s
	if s.st != closed {
		var zero R
		return zero, ErrNotFinished
	}
	return s.res, s.err
}

// notResumable answers Next and Send on a Running or Closed generator.
func (s *state[Y, S, R]) notResumable() (Y, error) {
	var zero Y
	if s.st == running {
		return zero, ErrRunning
	}
	return zero, ErrStopIteration
}

// resume switches to the body and reports how the step ended.
func (g *Gen[Y, S, R]) resume() (Y, error) {
	g.s.st = running
	y, ok := g.next()
	if ok {
		return y, nil
	}
	return y, g.end()
}

// end is the error a resuming call returns when the body has finished.
func (g *Gen[Y, S, R]) end() error {
	g.finished()
	if s := g.s; s.err != nil {
		return s.err
	}
	return ErrStopIteration
}

// finished drops what a generator needs only while its coroutine runs: the
// coroutine has exited.
func (g *Gen[Y, S, R]) finished() {
	g.fin.finished(g)
	g.next = nil
}

// run is the coroutine's function, handed to iter.Pull. It never calls yf after
// the body returns, and the coroutine is never stopped from outside: every way
// out of the body (return, panic, Goexit, the unwind after ErrIgnoredExit) ends
// run, so the coroutine always exits with the body.
func (s *state[Y, S, R]) run(yf func(Y) bool) {
	defer s.finish()
	// The body's Yield calls iter.Pull's yield directly, so that only one frame
	// stands between the body and the coroutine switch (see Send).
	r, err := s.body(func(v Y) (S, error) {
		if s.st != running {
			misuse(State(s.st))
		}
		if s.closing {
			s.ignored = true
			panic(unwind{})
		}
		s.st = suspended
		if !yf(v) {
			// Only stop makes iter.Pull's yield return false, and nothing calls it.
			panic("gen.Gen: internal error: coroutine stopped while suspended")
		}
		in, err := s.in, s.inErr
		s.in = *new(S) // retain nothing the caller sent
		if err != nil {
			s.inErr = nil // (only then: a pointer store costs a write barrier while the GC marks)
		}
		return in, err
	})
	s.ret(r, err)
}

// finish runs as the body's frame unwinds, however it ends.
func (s *state[Y, S, R]) finish() {
	if s.ignored {
		// Only the unwind panic is expected here; anything else passes on.
		if p := recover(); p != nil && !isUnwind(p) {
			panic(p)
		}
		s.err = ErrIgnoredExit
	} else if !s.returned {
		s.err = errAborted
	}
	s.st = closed
	s.body = nil
	s.in = *new(S)
	if s.inErr != nil {
		s.inErr = nil
	}
}

// ret records how the body returned, applying PEP 479 and Close's rules. s.err
// is nil until then.
func (s *state[Y, S, R]) ret(r R, err error) {
	s.returned = true
	s.res = r
	switch {
	case s.ignored:
		s.err = ErrIgnoredExit
	case err == nil:
	case s.closing && (err == ErrGeneratorExit || errors.Is(err, ErrGeneratorExit)):
		// Close succeeds: s.err stays nil.
	case errors.Is(err, ErrStopIteration):
		s.err = fmt.Errorf("%w (%v)", ErrStopLeaked, err)
	default:
		s.err = err
	}
}

// collect closes a generator dropped while Suspended, as Close does. The body
// runs on a goroutine of its own, not on the runtime's finalizer goroutine.
func (g *Gen[Y, S, R]) collect() {
	if s := g.s; s.st == suspended {
		go s.close(g.next)
	}
}

// close delivers ErrGeneratorExit to the pending yield of a Suspended generator
// whose coroutine is next.
func (s *state[Y, S, R]) close(next func() (Y, bool)) {
	s.inErr = ErrGeneratorExit
	s.closing = true
	s.st = running
	if _, ok := next(); ok {
		panic("gen.Gen.Close: internal error: yield after close")
	}
}

// status is a State in a byte, which keeps a state small.
type status uint8

const (
	created   = status(Created)
	suspended = status(Suspended)
	running   = status(Running)
	closed    = status(Closed)
)

// misuse panics for a Yield called when its body is not running.
func misuse(st State) {
	switch st {
	case Closed:
		panic("gen.Yield: called after the generator finished")
	case Suspended:
		panic("gen.Yield: called while the generator is suspended (from another goroutine?)")
	}
	panic("gen.Yield: called before the generator started")
}

// isZero reports whether v is its type's zero value. It is called only on a
// Created generator, so its reflection cost is paid once.
func isZero[T any](v T) bool {
	return reflect.ValueOf(&v).Elem().IsZero()
}
