// Package coro is await as yield: coroutines in the style of Python's async def
// (PEP 492), built on [gen] generators and driven by an event loop such as
// [github.com/corio-go/corio/sched], or by hand.
//
// # Coroutines and awaiting
//
// An async function is a Go function that takes a [*Co] first and returns a
// value and an error. Calling it is awaiting it: it runs on the caller's
// coroutine, like Python's "await f()". [New] turns such a body into a coroutine
// object, a [Coro], that can be awaited once or run as a task:
//
//	func addNumbers(co *coro.Co, a, b int) (int, error) {
//		if err := sched.Sleep(co, time.Second); err != nil { // suspends the task
//			return 0, err
//		}
//		return a + b, nil
//	}
//
//	c := coro.New(func(co *coro.Co) (int, error) { return addNumbers(co, 2, 10) })
//	n, err := sched.Run(c)
//
// Anything with a method Await(co *Co) (T, error) is an [Awaitable]: coroutine
// objects, sched's futures and tasks. Awaiting a coroutine object runs its body
// inline (Python's "yield from"), with no trip through the loop.
//
// # Drivers
//
// When an awaited thing is not ready, the coroutine suspends by yielding a
// [Waiter] (a future, a task) to whoever drives it, which resumes it once the
// Waiter is done: [Co.Suspend] is that yield. A Coro exposes the generator
// protocol — [Coro.Send], [Coro.Throw], [Coro.Close], [Coro.Result],
// [Coro.State] — so any code can be a driver, as Python code can call
// coro.send(None). A driver may bind a [Driver] value to a coroutine before it
// starts ([Coro.Bind]); the coroutine's bodies see it through [Co.Driver], and
// [Co.Context] asks it for their context.
//
// A driver in ten lines, running a coroutine whose waits all complete at once
// (sched's loop is the real one):
//
//	for {
//		w, err := c.Send(nil)
//		if err != nil {
//			break // gen.ErrStopIteration: c.Result() has the value
//		}
//		if w != nil {
//			w.AddDoneCallback(func() {})
//		}
//	}
package coro

import (
	"context"
	"errors"
	"fmt"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/nest"
)

// Awaitable is anything a coroutine can await: Await suspends the coroutine
// (through co) until the value is ready, and returns it.
type Awaitable[T any] interface {
	Await(co *Co) (T, error)
}

// Waiter is what a suspended coroutine waits for, as its driver sees it: the
// value a coroutine yields through [Co.Suspend]. sched's futures and tasks are
// Waiters. A nil Waiter means "nothing: resume me soon" (Python's bare yield,
// what asyncio.sleep(0) does).
type Waiter interface {
	// AddDoneCallback arranges for fn to be called once, when the wait is over.
	AddDoneCallback(fn func())
	// Cancel asks the Waiter to end the wait by cancellation, and reports
	// whether it did (false if it was already done).
	Cancel() bool
}

// Driver is the value a driver binds to a coroutine with [Coro.Bind], so that
// the coroutine's bodies can reach it ([Co.Driver]).
type Driver interface {
	// Context is what Co.Context returns in the coroutine's bodies.
	Context() context.Context
}

// PanicWrapper is implemented by a Driver that wants a say in panics. When a
// body of a coroutine bound to it panics, WrapPanic is called in the panicking
// frame (so runtime/debug.Stack still shows where the panic started) and the
// panic goes on with what it returns. sched uses it to attach the task's stack.
type PanicWrapper interface {
	WrapPanic(v any) any
}

// ErrReused is returned by awaiting a coroutine object that was already awaited
// or is run by a driver. Python: RuntimeError "cannot reuse already awaited
// coroutine".
var ErrReused = errors.New("coro: cannot reuse already awaited coroutine")

var errNilThrow = errors.New("coro: Throw of a nil error")

// Co is a running coroutine's handle, passed to every body: what awaiting
// suspends through. A body must use the Co it was given, on the goroutine that
// gave it, and not keep it after it returns. The zero value is not usable; Co is
// never copied.
type Co struct {
	yield  gen.Yield[Waiter, any] // nil while no generator runs the body
	driver Driver
}

// Suspend yields w to the coroutine's driver and returns when the driver
// resumes it: with the value the driver sends (sched sends nil) and a nil error,
// or with the error the driver throws (sched throws cancellation errors). After
// the driver closes the coroutine it returns [gen.ErrGeneratorExit]: return it.
// This is the primitive awaitables are built on; a body rarely calls it itself.
//
// Suspend panics when co belongs to a coroutine with no driver, which happens
// only if a Co escapes its body.
func (co *Co) Suspend(w Waiter) (any, error) {
	return co.yield(w)
}

// Driver returns the Driver bound to the coroutine (nil if none).
func (co *Co) Driver() Driver { return co.driver }

// Context returns the context of the coroutine's driver: under sched, a context
// cancelled when the task is cancelled. Without a driver it is
// context.Background().
func (co *Co) Context() context.Context {
	if co.driver == nil {
		return context.Background()
	}
	return co.driver.Context()
}

// Coro is a coroutine object: a body not yet run, which is awaited once
// ([Coro.Await]), run as a task by a driver, or driven by hand with the
// generator protocol. Create one with [New]; the zero value is not usable, and a
// Coro is not safe for concurrent use.
//
// A Coro that is dropped while a driver has it suspended is closed by the
// runtime, as a [gen.Gen] is: its pending suspension returns
// gen.ErrGeneratorExit and its deferred calls run.
type Coro[T any] struct {
	body   func(co *Co) (T, error)
	driver Driver                   // bound by Bind, for the generator's Co
	bound  bool                     // Bind has claimed it
	g      *gen.Gen[Waiter, any, T] // the generator, once driven; nil while unused or inline
	st     gen.State                // while g is nil: Created, Running (inline) or Closed
	res    T                        // the inline run's results
	err    error
}

// driven is what a driven coroutine's generator body refers to: never the Coro
// itself, which holds the generator, or a dropped Coro could never be collected
// and closed.
type driven[T any] struct {
	co   Co
	body func(co *Co) (T, error)
}

// New returns a coroutine object that runs body when awaited or driven. New
// panics if body is nil.
func New[T any](body func(co *Co) (T, error)) *Coro[T] {
	if body == nil {
		panic("coro.New: nil body")
	}
	return &Coro[T]{body: body}
}

// Await runs the coroutine's body inline on the awaiting coroutine, with co, and
// returns its results: no generator, no switch, no trip through a loop (Python's
// "await coro" of a new coroutine). A body error matching gen.ErrStopIteration
// is replaced by one matching [gen.ErrStopLeaked] (PEP 479). A coroutine that
// has been started by hand and is Suspended is resumed through co until it
// finishes, as "yield from" does.
//
// Awaiting a coroutine that has finished, or one a driver has claimed (bound
// with Bind, as a task does when it is spawned), returns [ErrReused]; awaiting
// one that is running returns [gen.ErrRunning].
func (c *Coro[T]) Await(co *Co) (T, error) {
	var zero T
	switch c.State() {
	case gen.Running:
		return zero, gen.ErrRunning
	case gen.Created:
		if c.g == nil && !c.bound {
			c.st = gen.Running
			defer c.closeInline()
			r, err := c.body(co)
			if err != nil && errors.Is(err, gen.ErrStopIteration) {
				err = fmt.Errorf("%w (%v)", gen.ErrStopLeaked, err)
			}
			c.res, c.err = r, err
			return r, err
		}
	case gen.Suspended:
		if !c.bound {
			return gen.YieldFrom(co.yield, c.g)
		}
	}
	return zero, ErrReused
}

func (c *Coro[T]) closeInline() { c.st = gen.Closed }

// Bind binds d to the coroutine, for its bodies to reach through [Co.Driver] and
// [Co.Context], and claims it: awaiting it is then an error. It must be called
// before the first Send, by the driver that will run the coroutine. Bind
// returns [ErrReused], binding nothing, if the coroutine has started, was
// awaited, or is bound already: one coroutine object makes one task.
func (c *Coro[T]) Bind(d Driver) error {
	if c.bound || c.State() != gen.Created {
		return ErrReused
	}
	c.driver, c.bound = d, true
	return nil
}

// start creates the generator that drives the body.
func (c *Coro[T]) start() {
	d := &driven[T]{co: Co{driver: c.driver}, body: c.body}
	c.g = gen.New(d.run)
}

// run is the generator body: it gives the coroutine's body its Co. nest.Body
// marks the coroutine's stack, so that an event loop started from the body can
// tell it would block the driver (sched.Run refuses to); it costs one call per
// coroutine, nothing per switch.
func (d *driven[T]) run(yield gen.Yield[Waiter, any]) (r T, err error) {
	d.co.yield = yield
	if w, ok := d.co.driver.(PanicWrapper); ok {
		defer func() {
			if p := recover(); p != nil {
				panic(w.WrapPanic(p))
			}
		}()
	}
	nest.Body(func() { r, err = d.body(&d.co) })
	return r, err
}

// Send resumes the coroutine, as [gen.Gen.Send] does: a new coroutine runs to its
// first suspension. It returns the Waiter the coroutine suspended on (nil for a
// bare yield) and a nil error; or [gen.ErrStopIteration] when the body has
// returned (Result holds its value), or the body's error. On a coroutine that
// has finished (or was awaited inline) Send returns [ErrReused], as Python's
// coro.send does; on one that is running, [gen.ErrRunning].
func (c *Coro[T]) Send(v any) (Waiter, error) {
	if g := c.g; g != nil && g.State() != gen.Closed {
		return g.Send(v)
	}
	switch c.State() {
	case gen.Closed:
		return nil, ErrReused
	case gen.Running:
		return nil, gen.ErrRunning
	}
	if v != nil {
		return nil, gen.ErrJustStarted
	}
	c.start()
	return c.g.Send(nil)
}

// Throw resumes the coroutine with err at its pending suspension, as
// [gen.Gen.Throw] does: this is how a driver delivers cancellation. A coroutine
// that has not started is closed without running and Throw returns err; one
// that has finished gives [ErrReused].
func (c *Coro[T]) Throw(err error) (Waiter, error) {
	if err == nil {
		return nil, errNilThrow
	}
	if g := c.g; g != nil && g.State() != gen.Closed {
		return g.Throw(err)
	}
	switch c.State() {
	case gen.Closed:
		return nil, ErrReused
	case gen.Running:
		return nil, gen.ErrRunning
	}
	c.st = gen.Closed
	return nil, err
}

// Close closes the coroutine, as [gen.Gen.Close] does: its pending suspension
// returns [gen.ErrGeneratorExit]. Close of a coroutine that has not started, or
// has finished, does nothing and returns nil; of one that runs inline,
// [gen.ErrRunning].
func (c *Coro[T]) Close() error {
	if c.g != nil {
		return c.g.Close()
	}
	switch c.st {
	case gen.Created:
		c.st = gen.Closed
	case gen.Running:
		return gen.ErrRunning
	}
	return nil
}

// Result returns the body's results once the coroutine has finished, whether
// it was driven or awaited inline, as [gen.Gen.Result] does;
// [gen.ErrNotFinished] before.
func (c *Coro[T]) Result() (T, error) {
	if c.g != nil {
		return c.g.Result()
	}
	if c.st != gen.Closed {
		var zero T
		return zero, gen.ErrNotFinished
	}
	return c.res, c.err
}

// State reports the coroutine's state: Created until it is driven or awaited,
// Running while its body runs (driven or inline), Suspended while a driver has
// it suspended, Closed once it has finished.
func (c *Coro[T]) State() gen.State {
	if c.g == nil {
		return c.st
	}
	return c.g.State()
}
