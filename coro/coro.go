// Package coro is await as yield: coroutines in the style of Python's async def
// (PEP 492), with [gen]'s generator protocol, on the coroutines behind
// [iter.Pull], driven by an event loop such as
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
	"iter"
	"runtime"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/hook/coroswitch"
	"github.com/corio-go/corio/internal/nest"
	"github.com/corio-go/corio/internal/owner"
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
	c      *core // the coroutine it suspends; nil if none (an escaped Co)
	driver Driver
}

// Suspend yields w to the coroutine's driver and returns when the driver
// resumes it: with the value the driver sends (sched sends nil) and a nil error,
// or with the error the driver throws (sched throws cancellation errors). After
// the driver closes the coroutine it returns [gen.ErrGeneratorExit]: return it.
// This is the primitive awaitables are built on; a body rarely calls it itself.
//
// Suspend panics when co belongs to no running coroutine, which happens only
// if a Co escapes its body.
func (co *Co) Suspend(w Waiter) (any, error) {
	// Its slow paths are out of line. It cannot be inlined (the call of the
	// switch nearly fills the inliner's budget of 80 on its own), so aiter's
	// value yields spell it out on the coroutine's switch instead: each frame
	// between the body and the coroutine switch costs a mispredicted return.
	// The coroutine marks itself Running when it wakes (coroswitch.Switch's
	// invariants), whoever resumed it.
	c := co.c
	if c == nil || c.St != gen.Running || c.Closing {
		return co.suspendSlow(w)
	}
	c.St = gen.Suspended
	if !c.Yield(w) {
		stopped()
	}
	c.St = gen.Running
	in := c.In
	c.In = nil // retain nothing the driver sent
	if t, ok := in.(coroswitch.Thrown); ok {
		return nil, t.Err
	}
	return in, nil
}

// suspendSlow is Suspend when it cannot switch: after ErrGeneratorExit (a
// suspension then ignores it: the body is unwound), or on a Co that belongs to
// no running coroutine.
//
//go:noinline
func (co *Co) suspendSlow(w Waiter) (any, error) {
	c := co.c
	if c == nil || c.St != gen.Running || c.Yield == nil {
		panic("coro.Co.Suspend: the coroutine is not running (a Co used outside its body?)")
	}
	c.Ignored = true
	panic(unwind{})
}

// stopped panics: only iter.Pull's stop makes its yield return false, and
// nothing calls it.
//
//go:noinline
func stopped() { panic("coro.Co.Suspend: internal error: coroutine stopped while suspended") }

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
// gen.ErrGeneratorExit and its deferred calls run. (A driver that closes
// every coroutine it drives, as sched's loop does, spares its coroutines that
// finalizer.)
type Coro[T any] struct {
	// Until it is driven, a coroutine object is this struct alone, so that
	// awaiting a new one inline allocates nothing when it does not escape.
	body   func(co *Co) (T, error) // until it runs, inline or driven
	driver Driver                  // bound by Bind, for the coroutine's Co
	res    T                       // the results of an inline run
	err    error
	st     gen.State // while s is nil: Created, Running (inline) or Closed
	bound  bool      // Bind has claimed it
	s      *state[T] // the driven coroutine, from the first Send; never refers to the Coro
	fin    *finBox   // carries the finalizer, if the driver does not close the coroutine itself
}

// finBox carries a coroutine's finalizer, and is referenced only by its Coro:
// when the Coro is dropped, so is the box. A finalizer walks a list of the
// finalizers of the objects sharing the object's span: on a small object up
// to 1,024 of them, about 1.3 µs per SetFinalizer on a 2-core VM; on a
// 64-byte one, a third of that. Coroutines of a driver that closes them
// (sched's tasks) need no box at all.
type finBox struct {
	s interface{ collect() }
	_ [48]byte
}

// state is a driven coroutine's machinery: its body, its results, and the
// core its coroutine runs on. The coroutine refers to it, never to the Coro,
// so that a dropped Coro can be collected.
type state[T any] struct {
	core
	body func(co *Co) (T, error)
	res  T // the body's return value, once Closed
}

// core is what a driven coroutine's goroutine refers to: the switch between
// the driver and the body, and the body's Co. It does not depend on T, so
// that Co and the run loop are not generic.
type core struct {
	// The iter.Pull coroutine, what a suspension returns (a value sent, or a
	// coroswitch.Thrown), the state, whether ErrGeneratorExit was delivered:
	// shared with a driver that steps the coroutine itself (aiter). Its
	// flags Ignored and Done are coro's alone.
	coroswitch.Switch[Waiter]
	co  Co
	err error // the body's error (after PEP 479 and Close's rules), once Closed
}

// unwind is the panic that unwinds a body which suspended after
// ErrGeneratorExit; run recovers it.
type unwind struct{}

// init marks the coroutines' stacks for internal/nest with the name of the
// frame that runs every body, read off a real one: state.run is generic, and
// each shape of T has an entry of its own.
func init() {
	probe := &state[struct{}]{}
	probe.co.c = &probe.core
	probe.body = func(*Co) (struct{}, error) {
		pc := make([]uintptr, 1)
		runtime.Callers(2, pc)
		f, _ := runtime.CallersFrames(pc).Next()
		nest.MarkFunction(f.Function)
		return struct{}{}, nil
	}
	probe.run(func(Waiter) bool { return true })
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
	case gen.Closed:
		return zero, ErrReused
	case gen.Suspended:
		if c.bound {
			return zero, ErrReused
		}
		return c.delegate(co)
	}
	if c.bound {
		return zero, ErrReused
	}
	c.st = gen.Running
	defer c.closeInline()
	r, err := c.body(co)
	c.res, c.err = r, leak(err)
	return c.res, c.err
}

func (c *Coro[T]) closeInline() { c.st = gen.Closed; c.body = nil }

// leak applies PEP 479: an error matching gen.ErrStopIteration must not end a
// coroutine as if it had returned.
func leak(err error) error {
	if err != nil && errors.Is(err, gen.ErrStopIteration) {
		return fmt.Errorf("%w (%v)", gen.ErrStopLeaked, err)
	}
	return err
}

// delegate resumes a coroutine started by hand until it finishes, passing its
// suspensions to co's driver and the driver's answers back: PEP 380's
// "yield from" of a started generator, which resumes it first.
func (c *Coro[T]) delegate(co *Co) (T, error) {
	w, err := c.Send(nil)
	for err == nil {
		in, e := co.Suspend(w)
		switch {
		case e == nil:
			w, err = c.Send(in)
		case errors.Is(e, gen.ErrGeneratorExit):
			// Close reaches the inner coroutine first, then the delegator.
			if cerr := c.Close(); cerr != nil {
				var zero T
				return zero, cerr
			}
			var zero T
			return zero, e
		default:
			w, err = c.Throw(e)
		}
	}
	if err == gen.ErrStopIteration {
		return c.Result()
	}
	var zero T
	return zero, err
}

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

// Send resumes the coroutine, as [gen.Gen.Send] does: a new coroutine runs to its
// first suspension. It returns the Waiter the coroutine suspended on (nil for a
// bare yield) and a nil error; or [gen.ErrStopIteration] when the body has
// returned (Result holds its value), or the body's error. On a coroutine that
// has finished (or was awaited inline) Send returns [ErrReused], as Python's
// coro.send does; on one that is running, [gen.ErrRunning].
func (c *Coro[T]) Send(v any) (Waiter, error) {
	// The hot path of every task step: one frame, this one, between the
	// driver and the coroutine switch (each frame there costs a mispredicted
	// return). The coroutine marks itself Running as it wakes.
	if s := c.s; s != nil && s.St == gen.Suspended {
		s.In = v
		if w, ok := s.Next(); ok {
			return w, nil
		}
		return nil, s.end()
	}
	return c.sendSlow(v)
}

// sendSlow is Send on a coroutine that is not Suspended.
func (c *Coro[T]) sendSlow(v any) (Waiter, error) {
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
	return c.resume()
}

// start creates the coroutine that runs the body.
func (c *Coro[T]) start() {
	s := &state[T]{body: c.body}
	s.St = gen.Running // it runs from here on; later, it marks itself Running as it wakes
	s.co.c = &s.core
	s.co.driver = c.driver
	c.s, c.body = s, nil
	s.Next, _ = iter.Pull(s.run)
	if st, ok := s.co.driver.(coroswitch.Stepper[Waiter]); ok {
		st.Started(&s.Switch)
	}
	if _, ok := s.co.driver.(owner.Closer); !ok {
		// Closes the coroutine if the Coro is dropped while suspended. The
		// coroutine never refers to c or the box.
		c.fin = &finBox{s: s}
		runtime.SetFinalizer(c.fin, (*finBox).collect)
	}
}

// run is the coroutine's function, handed to iter.Pull: it runs the body and
// records its results. Its frame marks the coroutine's stack (internal/nest),
// so that an event loop started from the body can tell that it would block
// this coroutine's driver. Every way out of the body (return, panic, Goexit,
// the unwind after an ignored ErrGeneratorExit) ends run, so the coroutine
// always exits with the body. It is the only frame between iter.Pull's and
// the body's: a million suspended tasks are a million stacks for the
// collector to walk, frame by frame.
//
//go:noinline
func (s *state[T]) run(yf func(Waiter) bool) {
	s.Yield = yf
	defer s.finish()
	r, err := s.body(&s.co)
	s.Done = true
	s.res = r
	switch {
	case s.Closing && (err == nil || errors.Is(err, gen.ErrGeneratorExit)):
		s.err = nil
	default:
		s.err = leak(err)
	}
}

// resume switches to the body and reports how the step ended.
func (c *Coro[T]) resume() (Waiter, error) {
	s := c.s
	if w, ok := s.Next(); ok {
		return w, nil
	}
	return nil, s.end()
}

// end is the error a resuming call returns once the body has finished.
func (s *state[T]) end() error {
	if s.err != nil {
		return s.err
	}
	return gen.ErrStopIteration
}

// finish runs as the body's frame unwinds, however it ends. A panic other
// than the unwind goes on to the driver, through the driver's PanicWrapper,
// called here, in the panicking frame, so that its stack shows where the
// panic started.
func (c *core) finish() {
	c.St = gen.Closed
	c.Yield = nil
	c.In = nil
	if c.Done {
		return
	}
	p := recover()
	switch {
	case c.Ignored && p == (unwind{}):
		c.err = gen.ErrIgnoredExit
	case p != nil:
		c.err = errAborted
		if w, ok := c.co.driver.(PanicWrapper); ok {
			p = w.WrapPanic(p)
		}
		panic(p)
	default:
		c.err = errAborted // runtime.Goexit: it goes on to the driver's goroutine
	}
}

var errAborted = errors.New("coro: coroutine body panicked or called runtime.Goexit")

// Throw resumes the coroutine with err at its pending suspension, as
// [gen.Gen.Throw] does: this is how a driver delivers cancellation. A coroutine
// that has not started is closed without running and Throw returns err; one
// that has finished gives [ErrReused].
func (c *Coro[T]) Throw(err error) (Waiter, error) {
	if err == nil {
		return nil, errNilThrow
	}
	switch c.State() {
	case gen.Suspended:
		c.s.In = coroswitch.Thrown{Err: err}
		return c.resume()
	case gen.Closed:
		return nil, ErrReused
	case gen.Running:
		return nil, gen.ErrRunning
	}
	c.st = gen.Closed
	c.body = nil
	return nil, err
}

// Close closes the coroutine, as [gen.Gen.Close] does: its pending suspension
// returns [gen.ErrGeneratorExit]. Close of a coroutine that has not started, or
// has finished, does nothing and returns nil; of one that runs inline,
// [gen.ErrRunning].
func (c *Coro[T]) Close() error {
	switch c.State() {
	case gen.Suspended:
		if c.fin != nil {
			runtime.SetFinalizer(c.fin, nil)
			c.fin = nil
		}
		return c.s.close()
	case gen.Created:
		c.st = gen.Closed
		c.body = nil
	case gen.Running:
		return gen.ErrRunning
	}
	return nil
}

// close delivers ErrGeneratorExit to the pending suspension.
func (s *state[T]) close() error {
	s.In = coroswitch.Thrown{Err: gen.ErrGeneratorExit}
	s.Closing = true
	if _, ok := s.Next(); ok {
		panic("coro.Coro.Close: internal error: suspended after close")
	}
	return s.err
}

// collect is the finalizer of a dropped Coro's box.
func (b *finBox) collect() { b.s.collect() }

// collect closes a dropped coroutine if it is Suspended, on a goroutine of its
// own, not on the runtime's finalizer goroutine.
func (s *state[T]) collect() {
	if s.St == gen.Suspended {
		go s.close()
	}
}

// Result returns the body's results once the coroutine has finished, whether
// it was driven or awaited inline, as [gen.Gen.Result] does;
// [gen.ErrNotFinished] before.
func (c *Coro[T]) Result() (T, error) {
	if c.State() != gen.Closed {
		var zero T
		return zero, gen.ErrNotFinished
	}
	if s := c.s; s != nil {
		return s.res, s.err
	}
	return c.res, c.err
}

// State reports the coroutine's state: Created until it is driven or awaited,
// Running while its body runs (driven or inline), Suspended while a driver has
// it suspended, Closed once it has finished.
func (c *Coro[T]) State() gen.State {
	if s := c.s; s != nil {
		return s.St
	}
	return c.st
}

// Awaitables converts a slice of some awaitable type — tasks, futures,
// coroutine objects — to a slice of Awaitable, for functions that take
// ...Awaitable[T], such as sched.Gather: Go does not convert []*Task[T] to
// []Awaitable[T] by itself.
//
//	results, err := sched.Gather(co, coro.Awaitables(tasks)...)
func Awaitables[A Awaitable[T], T any](s []A) []Awaitable[T] {
	aws := make([]Awaitable[T], len(s))
	for i, a := range s {
		aws[i] = a
	}
	return aws
}
