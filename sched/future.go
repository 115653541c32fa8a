package sched

import (
	"fmt"

	"github.com/corio-go/corio/coro"
)

// futureState is where a future or task is in its life.
type futureState uint8

const (
	pending futureState = iota
	finished
	cancelled
)

// callbacks holds the done callbacks of a future, a task or a sleep, in
// registration order; the first is kept apart, since most have exactly one
// (the task awaiting them). They are runners, so that a task can register
// itself with no closure.
type callbacks struct {
	first runner
	more  []runner
}

// add registers r, or schedules it at once if done: a done callback never runs
// synchronously, even when added to what is done already.
func (c *callbacks) add(l *Loop, done bool, r runner) {
	if done {
		l.callSoon(r)
		return
	}
	if c.first == nil {
		c.first = r
		return
	}
	c.more = append(c.more, r)
}

// schedule hands every callback to the loop, in order, and forgets them.
func (c *callbacks) schedule(l *Loop) {
	if c.first != nil {
		l.callSoon(c.first)
		c.first = nil
	}
	for i, r := range c.more {
		l.callSoon(r)
		c.more[i] = nil
	}
	c.more = nil
}

// runnerWaiter is implemented by sched's own waiters: a task waiting on one
// registers itself, with no closure (see Task.run).
type runnerWaiter interface {
	addRunner(r runner)
}

// Future is a result that will be set later, by a callback or another task:
// asyncio.Future. Awaiting a pending future suspends the task until it is done;
// awaiting a done one returns at once. Create one with [NewFuture]; the zero
// value is not usable. A Future belongs to its loop's goroutine, and may not be
// copied.
type Future[T any] struct {
	loop      *Loop
	st        futureState
	res       T
	err       error
	cbs       callbacks
	retrieved bool
}

// NewFuture returns a pending future on the loop running co's task
// (loop.create_future). It panics if co is not driven by a sched task.
func NewFuture[T any](co *coro.Co) *Future[T] {
	return NewFutureOn[T](runningTask(co, "sched.NewFuture").loop)
}

// NewFutureOn returns a pending future on l, for callbacks that have no task.
func NewFutureOn[T any](l *Loop) *Future[T] {
	return &Future[T]{loop: l}
}

// Done reports whether the future has a result, an error, or was cancelled.
func (f *Future[T]) Done() bool { return f.st != pending }

// Cancelled reports whether the future was cancelled.
func (f *Future[T]) Cancelled() bool { return f.st == cancelled }

// SetResult completes the future with v, scheduling its done callbacks. It
// returns ErrInvalidState if the future is done already, and an error matching
// ErrClosed, leaving the future pending, if its loop is closed (no callback
// could run).
func (f *Future[T]) SetResult(v T) error {
	switch {
	case f.st != pending:
		return fmt.Errorf("%w: SetResult of a future that is done", ErrInvalidState)
	case f.loop.closed:
		return fmt.Errorf("sched.Future.SetResult: %w", ErrClosed)
	}
	f.res = v
	f.complete(finished)
	return nil
}

// SetError completes the future with err, scheduling its done callbacks. It
// returns ErrInvalidState if the future is done already, an error matching
// ErrClosed if its loop is closed, and an error for a nil err.
func (f *Future[T]) SetError(err error) error {
	switch {
	case err == nil:
		return errNilError
	case f.st != pending:
		return fmt.Errorf("%w: SetError of a future that is done", ErrInvalidState)
	case f.loop.closed:
		return fmt.Errorf("sched.Future.SetError: %w", ErrClosed)
	}
	f.err = err
	f.complete(finished)
	return nil
}

// Cancel cancels a pending future, scheduling its done callbacks, and reports
// whether it did (false if the future was done already).
func (f *Future[T]) Cancel() bool {
	if f.st != pending {
		return false
	}
	f.complete(cancelled)
	return true
}

func (f *Future[T]) complete(st futureState) {
	f.st = st
	f.cbs.schedule(f.loop)
}

// Result returns the future's value and error once it is done; ErrCancelled if
// it was cancelled; ErrInvalidState while it is pending.
func (f *Future[T]) Result() (T, error) {
	var zero T
	switch f.st {
	case pending:
		return zero, fmt.Errorf("%w: result of a pending future", ErrInvalidState)
	case cancelled:
		f.retrieved = true
		return zero, ErrCancelled
	}
	f.retrieved = true
	return f.res, f.err
}

// AddDoneCallback arranges for fn to run on the loop once the future is done.
// Callbacks never run synchronously: completing the future schedules them, in
// the order they were added, and one added to a future that is done already is
// scheduled at once.
func (f *Future[T]) AddDoneCallback(fn func()) {
	if fn == nil {
		panic("sched.Future.AddDoneCallback: nil func")
	}
	f.addRunner(callback(fn))
}

func (f *Future[T]) addRunner(r runner) { f.cbs.add(f.loop, f.st != pending, r) }

// Await returns the future's result, suspending the task until it is done if
// it is pending (a done future does not suspend at all). Cancelling the task
// while it waits cancels the future. Awaiting a future of another loop is an
// error.
func (f *Future[T]) Await(co *coro.Co) (T, error) {
	for f.st == pending {
		if t := taskOf(co); t != nil && t.loop != f.loop {
			var zero T
			return zero, errOtherLoop
		}
		if _, err := co.Suspend(f); err != nil {
			var zero T
			return zero, err
		}
	}
	return f.Result()
}

// String describes the future for deadlock reports.
func (f *Future[T]) String() string {
	return fmt.Sprintf("Future[%T] (%s)", f.res, f.state())
}

func (f *Future[T]) state() string {
	switch f.st {
	case pending:
		return "pending"
	case cancelled:
		return "cancelled"
	}
	return "done"
}
