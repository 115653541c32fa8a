// Package aiter provides async iterators and async generators (PEP 525): a body
// that awaits between the values it yields, consumed with "async for" ([All]) or
// stepped with ANext, ASend, AThrow and AClose.
//
// # An async generator
//
//	ticks := aiter.New(func(co *coro.Co, yield gen.Yield[int, struct{}]) error {
//		for i := range 3 {
//			if err := sched.Sleep(co, time.Second); err != nil { // awaits suspend the consumer
//				return err
//			}
//			if _, err := yield(i); err != nil { // hands i to the consumer
//				return err
//			}
//		}
//		return nil
//	})
//	for v, err := range aiter.All(co, ticks) { ... }
//
// The end of an async iteration is [ErrStopAsyncIteration]. [All] over a new
// generator runs its body on the consuming task's own stack (push mode): its
// awaits suspend the consuming task directly and each yield calls the loop body,
// with no coroutine of its own. Stepping a generator with ANext (pull mode) runs
// its body on a coroutine, and forwards every await of the body to the task that
// called ANext, as Python's asend() awaitable does.
//
// Misuse reuses [gen]'s errors: [gen.ErrRunning] for a step while another is
// still in progress ("asynchronous generator is already running"),
// [gen.ErrJustStarted], [gen.ErrIgnoredExit] for a body that yields after
// GeneratorExit, [gen.ErrStopLeaked] for a body that returns an error wrapping
// ErrStopAsyncIteration.
//
// An async generator started in pull mode under sched registers with its loop
// (asyncio's firstiter hook), so that sched.Run closes it if it is left
// unfinished when main returns.
package aiter

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/hook"
	"github.com/corio-go/corio/internal/hook/coroswitch"
)

// ErrStopAsyncIteration is the end of an async iteration: what ANext returns
// once an async generator's body has returned. Python: StopAsyncIteration.
var ErrStopAsyncIteration = errors.New("aiter: stop async iteration")

// Iterator is an async iterator: ANext awaits the next value, and returns
// ErrStopAsyncIteration at the end.
type Iterator[T any] interface {
	ANext(co *coro.Co) (T, error)
}

// unwind unwinds a body that yielded a value after GeneratorExit; the body's
// runner recovers it.
type unwind struct{}

// valueMark is what the body's generator yields to hand out a value, told
// apart from the Waiters of its awaits by identity. It is a Waiter only so that
// it can travel through the same generator.
type valueMark[Y any] struct{ v Y }

func (*valueMark[Y]) AddDoneCallback(func()) {}
func (*valueMark[Y]) Cancel() bool           { return false }

var _ hook.AsyncGen = (*Gen[int, int])(nil)

// Gen is an async generator: a body that awaits (through the co it is given)
// and yields values of type Y, receiving values of type S at each yield. Create
// one with [New]; the zero value is not usable. A Gen is not safe for concurrent
// use; it may be stepped by different tasks one after another, and the body's
// awaits then belong to the task stepping it.
//
// A Gen dropped while suspended is closed by the runtime, as a [gen.Gen] is;
// its cleanup cannot await then.
type Gen[Y, S any] struct {
	p    *pullState[Y, S]     // what the body's coroutine refers to
	g    *coro.Coro[struct{}] // pull mode's coroutine; nil until then
	done func()               // unregisters from the loop
	st   gen.State            // Created, Running (a step in progress), Suspended, Closed
}

// pullState is what an async generator's body and coroutine refer to: never
// the Gen, which holds the coroutine, or a dropped Gen could never be collected
// and its coroutine closed. It is also the coroutine's driver: bound once, it
// delegates to the driver of the task stepping the generator now, so that the
// body's awaits belong to that task, as Python's do.
type pullState[Y, S any] struct {
	body    func(co *coro.Co, yield gen.Yield[Y, S]) error
	sw      *coroswitch.Switch[coro.Waiter] // the coroutine's switch, once it has started
	cur     coro.Driver                     // the driver of the task stepping the generator now
	mark    valueMark[Y]
	closing bool // GeneratorExit was delivered: a value yield is ignoring it
	ignored bool
}

var (
	_ hook.Delegator                  = (*pullState[int, int])(nil)
	_ coro.PanicWrapper               = (*pullState[int, int])(nil)
	_ coroswitch.Stepper[coro.Waiter] = (*pullState[int, int])(nil)
)

// Started keeps the switch of the generator's coroutine, the first one bound
// to p to start: coroutines that the body binds to its own driver (Merge's
// sources) start later, while it runs.
func (p *pullState[Y, S]) Started(sw *coroswitch.Switch[coro.Waiter]) {
	if p.sw == nil {
		p.sw = sw
	}
}

// Delegate returns the driver of the task stepping the generator.
func (p *pullState[Y, S]) Delegate() coro.Driver { return p.cur }

// Context is the stepping task's.
func (p *pullState[Y, S]) Context() context.Context {
	if p.cur == nil {
		return context.Background()
	}
	return p.cur.Context()
}

// WrapPanic lets the stepping task's driver record a panic of the body, as it
// does for its own coroutine's.
func (p *pullState[Y, S]) WrapPanic(v any) any {
	if w, ok := p.cur.(coro.PanicWrapper); ok {
		return w.WrapPanic(v)
	}
	return v
}

// New returns an async generator that runs body when first iterated. body's co
// is the consuming task's (in push mode) or one that forwards to it (in pull
// mode); yield hands a value to the consumer. New panics if body is nil.
func New[Y, S any](body func(co *coro.Co, yield gen.Yield[Y, S]) error) *Gen[Y, S] {
	if body == nil {
		panic("aiter.New: nil body")
	}
	return &Gen[Y, S]{p: &pullState[Y, S]{body: body}}
}

// State reports the generator's state: Running while a step (or the push-mode
// range) is in progress, including while its body awaits.
func (g *Gen[Y, S]) State() gen.State {
	g.settle()
	return g.st
}

// ANext awaits the next value: asend(None). It returns ErrStopAsyncIteration
// once the body has returned, and the body's error if it failed.
func (g *Gen[Y, S]) ANext(co *coro.Co) (Y, error) {
	// The common step, a value handed out with no await in between, is
	// iter.Pull's next and one check: no frame between this one and the
	// switch, and one (the body's yield) on the other side; each frame there
	// costs a mispredicted return. The coroutine is suspended at a value
	// yield, so its switch's In is nil already, and the yield marks it
	// Running when it wakes.
	p := g.p
	if g.st != gen.Suspended || p.closing {
		return g.step(co, nil, nil)
	}
	p.cur = co.Driver()
	g.st = gen.Running
	w, ok := p.sw.Next() // a panic leaves st Running: State and step look at the coroutine
	if m, isMark := w.(*valueMark[Y]); isMark && m == &p.mark {
		g.st = gen.Suspended
		v := m.v
		var zero Y
		m.v = zero
		return v, nil
	}
	return g.nextSlow(co, w, ok)
}

// nextSlow is ANext's step when the body awaited (ok, w) or finished.
func (g *Gen[Y, S]) nextSlow(co *coro.Co, w coro.Waiter, ok bool) (Y, error) {
	var err error
	if !ok {
		if _, err = g.g.Result(); err == nil {
			err = gen.ErrStopIteration
		}
	}
	return g.finishStep(co, w, err)
}

// ASend resumes the generator with v at its pending yield and awaits the next
// value: PEP 525's asend. ASend of a non-zero v to a generator that has not
// started returns gen.ErrJustStarted.
func (g *Gen[Y, S]) ASend(co *coro.Co, v S) (Y, error) {
	if g.st == gen.Created {
		if !isZero(v) {
			var y Y
			return y, gen.ErrJustStarted
		}
		return g.step(co, nil, nil)
	}
	return g.step(co, v, nil)
}

// AThrow throws err in at the pending yield and awaits what the body does next:
// the next value if it handles err, its error if it returns one. On a generator
// that has not started, the body never runs and AThrow returns err; after the
// end AThrow returns err (as CPython 3.12 does). AThrow(nil) is an error.
func (g *Gen[Y, S]) AThrow(co *coro.Co, err error) (Y, error) {
	var zero Y
	if err == nil {
		return zero, errors.New("aiter: AThrow of a nil error")
	}
	switch g.st {
	case gen.Created:
		g.finish()
		return zero, err
	case gen.Closed:
		return zero, err
	}
	return g.step(co, nil, err)
}

// AClose closes the generator: GeneratorExit is delivered at its pending yield,
// and the body may await while it cleans up. AClose returns nil if the body
// returns nil or an error wrapping gen.ErrGeneratorExit, the body's error
// otherwise, and gen.ErrIgnoredExit if it yields a value instead (its deferred
// calls run as it is unwound). AClose of a generator that has not started or
// has finished does nothing and returns nil; of one that is running (a step in
// progress), gen.ErrRunning.
func (g *Gen[Y, S]) AClose(co *coro.Co) error {
	if suspended, err := g.beginClose(); !suspended {
		return err
	}
	_, err := g.step(co, nil, gen.ErrGeneratorExit)
	switch {
	case err == ErrStopAsyncIteration, errors.Is(err, gen.ErrGeneratorExit):
		return nil
	}
	return err
}

// Close closes the generator without a loop: GeneratorExit is delivered at its
// pending yield as with AClose, but its cleanup cannot await (an await there is
// an ignored exit: the body is unwound and Close returns gen.ErrIgnoredExit).
// sched uses it for async generators left on a loop that can no longer run;
// prefer AClose.
func (g *Gen[Y, S]) Close() error {
	if suspended, err := g.beginClose(); !suspended {
		return err
	}
	err := g.g.Close()
	g.finish()
	return err
}

// beginClose is what AClose and Close share: a generator that has not started
// is closed at once, a finished one needs nothing, a running one cannot be
// closed; a suspended one is marked closing and needs GeneratorExit delivered.
func (g *Gen[Y, S]) beginClose() (suspended bool, err error) {
	g.settle()
	switch g.st {
	case gen.Created:
		g.finish()
		return false, nil
	case gen.Closed:
		return false, nil
	case gen.Running:
		return false, gen.ErrRunning
	}
	g.p.closing = true
	return true, nil
}

// step resumes the body with a value or an error and forwards its awaits to co
// until it yields a value or finishes.
func (g *Gen[Y, S]) step(co *coro.Co, send any, throw error) (Y, error) {
	var zero Y
	g.settle()
	switch g.st {
	case gen.Running:
		return zero, gen.ErrRunning
	case gen.Closed:
		return zero, ErrStopAsyncIteration
	case gen.Created:
		g.start(co)
	}
	g.p.cur = co.Driver()
	g.st = gen.Running
	var w coro.Waiter
	var err error
	if throw != nil {
		w, err = g.g.Throw(throw)
	} else {
		w, err = g.g.Send(send)
	}
	return g.finishStep(co, w, err)
}

// finishStep goes on with a step whose coroutine suspended on w (or ended with
// err): it forwards the body's awaits to co until the body yields a value or
// finishes.
func (g *Gen[Y, S]) finishStep(co *coro.Co, w coro.Waiter, err error) (Y, error) {
	var zero Y
	p := g.p
	normal := false
	defer func() {
		if !normal { // a panic went through: the generator is over, as gen's is
			g.finish()
		}
	}()
	for err == nil {
		if w == coro.Waiter(&p.mark) {
			g.st = gen.Suspended
			v := p.mark.v
			p.mark.v = zero
			normal = true
			return v, nil
		}
		// An await of the body: the calling task waits for it.
		in, e := co.Suspend(w)
		if e != nil {
			w, err = g.g.Throw(e)
		} else {
			w, err = g.g.Send(in)
		}
	}
	normal = true
	g.finish()
	if err == gen.ErrStopIteration {
		return zero, ErrStopAsyncIteration
	}
	return zero, err
}

// settle finishes a generator whose body panicked during ANext's fast path,
// which leaves it Running with its coroutine closed.
func (g *Gen[Y, S]) settle() {
	if g.st == gen.Running && g.g != nil && g.g.State() == gen.Closed {
		g.finish()
	}
}

// start makes the pull-mode coroutine: a coroutine whose suspensions are
// either the body's awaits (Waiters) or its values (the mark), bound to p.
func (g *Gen[Y, S]) start(co *coro.Co) {
	g.g = coro.New(g.p.run)
	g.g.Bind(g.p)
	if r, ok := co.Driver().(hook.FirstIter); ok {
		g.done = r.AsyncGenStarted(g)
	}
}

// run is the pull-mode coroutine's body. coro runs it as any coroutine's:
// a panic goes through p's WrapPanic, and the stack carries coro's mark.
func (p *pullState[Y, S]) run(co *coro.Co) (_ struct{}, err error) {
	defer func() {
		if p.ignored {
			if r := recover(); r != nil && r != (unwind{}) {
				panic(r)
			}
			err = gen.ErrIgnoredExit
		}
	}()
	sw := p.sw
	if sw == nil { // Started was not called: nothing else steps the coroutine
		panic("aiter: internal error: no switch for the coroutine")
	}
	// The body's yield in pull mode: coro's Co.Suspend spelled out on the
	// coroutine's switch, so that a value yield is one frame, this one, above
	// iter.Pull's (Suspend cannot be inlined: one call nearly fills the
	// inliner's budget).
	yield := func(v Y) (S, error) {
		var zero S
		if sw.St != gen.Running {
			// Co.Suspend's misuse, with its words: a yield called after the
			// body has ended, or from another coroutine while it awaits.
			panic("coro.Co.Suspend: the coroutine is not running (a Co used outside its body?)")
		}
		if p.closing || sw.Closing {
			// A value after GeneratorExit: the body is unwound, its deferred
			// calls run.
			p.ignored = true
			panic(unwind{})
		}
		p.mark.v = v
		sw.St = gen.Suspended
		if !sw.Yield(&p.mark) {
			panic("aiter: internal error: coroutine stopped while suspended")
		}
		sw.St = gen.Running
		in := sw.In
		if in == nil {
			return zero, nil
		}
		sw.In = nil // retain nothing the driver sent
		if t, ok := in.(coroswitch.Thrown); ok {
			return zero, t.Err
		}
		return in.(S), nil
	}
	return struct{}{}, check(p.body(co, yield))
}

func (g *Gen[Y, S]) finish() {
	g.st = gen.Closed
	g.p.body = nil
	if g.done != nil {
		g.done()
		g.done = nil
	}
}

// check applies PEP 479 to async generators: an error wrapping
// ErrStopAsyncIteration or gen.ErrStopIteration must not end an iteration
// silently (Python: "async generator raised StopAsyncIteration/StopIteration").
func check(err error) error {
	if err != nil && (errors.Is(err, ErrStopAsyncIteration) || errors.Is(err, gen.ErrStopIteration)) {
		return fmt.Errorf("%w (%v)", gen.ErrStopLeaked, err)
	}
	return err
}

// All ranges over an async iterator: Python's "async for". Each pair is a value
// and a nil error; a failure ends the loop with one last pair, the zero value and
// the error; ErrStopAsyncIteration ends it quietly. The iteration runs on the
// ranging task: the iterator's awaits suspend it.
//
// Over a [Gen] that has not started, the body runs on the ranging task's stack
// (push mode): no coroutine, no switch per value. Breaking out of the loop
// closes a Gen before the loop statement ends (GeneratorExit at its pending
// yield; its cleanup may await); any other Iterator with a method
// AClose(*coro.Co) error is closed the same way. The range has ended by then,
// so an error of that cleanup is dropped, except a cancellation of the ranging
// task: that one is thrown again at the task's next await, so that it is not
// lost.
func All[T any](co *coro.Co, it Iterator[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if p, ok := it.(pusher[T]); ok && p.push(co, yield) {
			return
		}
		for {
			v, err := it.ANext(co)
			if err == ErrStopAsyncIteration {
				return
			}
			if err != nil {
				yield(v, err)
				return
			}
			if !yield(v, nil) {
				if c, ok := it.(interface{ AClose(*coro.Co) error }); ok {
					redeliverCancel(co, c.AClose(co))
				}
				return
			}
		}
	}
}

// redeliverCancel hands a cancellation that a closing generator's cleanup
// received back to the consuming task, to be thrown again at its next await:
// the range has ended, so it cannot be returned, and dropping it would lose
// it. Other errors of a cleanup after a break are dropped (documented on All).
func redeliverCancel(co *coro.Co, err error) {
	if err == nil || !errors.Is(err, context.Canceled) {
		return
	}
	for d := co.Driver(); d != nil; {
		switch x := d.(type) {
		case hook.Redeliverer:
			x.RedeliverCancel()
			return
		case hook.Delegator:
			d = x.Delegate()
		default:
			return
		}
	}
}

// pusher is implemented by Gen: push runs a Created generator in push mode and
// reports false for any other.
type pusher[T any] interface {
	push(co *coro.Co, yield func(T, error) bool) bool
}

func (g *Gen[Y, S]) push(co *coro.Co, out func(Y, error) bool) bool {
	if g.st != gen.Created {
		return false
	}
	g.st = gen.Running
	p := g.p
	broke := false
	defer g.finish() // however the range ends, a panic included
	err := p.runPush(co, func(v Y) (S, error) {
		var zero S
		if p.closing {
			p.ignored = true
			panic(unwind{})
		}
		if !out(v, nil) {
			p.closing, broke = true, true
			return zero, gen.ErrGeneratorExit
		}
		return zero, nil
	})
	if broke {
		redeliverCancel(co, err)
		return true
	}
	if err == nil {
		return true
	}
	g.finish()
	out(*new(Y), err)
	return true
}

// runPush runs the body on the caller's stack, recovering the unwind of a body
// that ignored GeneratorExit.
func (p *pullState[Y, S]) runPush(co *coro.Co, yield gen.Yield[Y, S]) (err error) {
	defer func() {
		if p.ignored {
			if r := recover(); r != nil && r != (unwind{}) {
				panic(r)
			}
			err = gen.ErrIgnoredExit
		}
	}()
	err = check(p.body(co, yield))
	if p.closing && errors.Is(err, gen.ErrGeneratorExit) {
		err = nil
	}
	return err
}

// isZero reports whether v is its type's zero value, for types == cannot compare.
func isZero[T any](v T) bool {
	return reflect.ValueOf(&v).Elem().IsZero()
}
