package sched

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/corio-go/corio/coro"
)

// Timeout is a deadline on a block of code that the block can read and move
// while it runs: asyncio.Timeout, as [Scope] hands it to its body. When the
// deadline passes, the task running the block is cancelled, and the block's
// cancellation comes out of Scope as a timeout. A Timeout belongs to the loop's
// goroutine; the zero value is not usable.
type Timeout struct {
	t          *task
	h          *Timer // the pending expiry; nil without a deadline
	when       time.Time
	state      timeoutState
	cancelling int // the task's Cancelling() on entry
}

type timeoutState uint8

const (
	timeoutEntered timeoutState = iota
	timeoutExpiring
	timeoutExpired
	timeoutExited
)

var timeoutStates = [...]string{"active", "expiring", "expired", "finished"}

// When returns the deadline, or the zero Time if there is none.
func (to *Timeout) When() time.Time { return to.when }

// Expired reports whether the deadline has passed and cancelled the block.
func (to *Timeout) Expired() bool {
	return to.state == timeoutExpiring || to.state == timeoutExpired
}

// Reschedule moves the deadline to when, on the loop's clock (the zero Time
// removes it): asyncio's Timeout.reschedule. A deadline already past expires at
// the next iteration. Reschedule returns an error once the timeout has expired
// or its block has ended.
func (to *Timeout) Reschedule(when time.Time) error {
	if to.state != timeoutEntered {
		return fmt.Errorf("sched: Reschedule of a timeout that is %s", timeoutStates[to.state])
	}
	to.when = when
	if to.h != nil {
		to.h.Stop()
		to.h = nil
	}
	if when.IsZero() {
		return nil
	}
	l := to.t.loop
	if d := when.Sub(l.Now()); d > 0 {
		to.h = l.AfterFunc(d, to.expire)
	} else {
		to.h = l.soonTimer(callback(to.expire)) // asyncio's call_soon once the deadline has passed
	}
	return nil
}

// expire is the deadline passing.
func (to *Timeout) expire() {
	to.t.Cancel()
	to.state = timeoutExpiring
}

// exit ends the block, which returned err.
func (to *Timeout) exit(err error) error {
	if to.h != nil {
		to.h.Stop()
		to.h = nil
	}
	if to.state != timeoutExpiring {
		to.state = timeoutExited
		return err
	}
	to.state = timeoutExpired
	if to.t.Uncancel() <= to.cancelling && errors.Is(err, context.Canceled) {
		return ErrTimeout
	}
	return err
}

// Scope runs body (inline, on the calling task) with a deadline d from now
// that body can read, move and test through t: asyncio's
// "async with asyncio.timeout(d) as t". When the deadline passes, the task is
// cancelled; if body then returns a cancellation error, Scope returns an error
// matching ErrTimeout instead (and the cancellation it caused is taken back
// with Uncancel). A cancellation from elsewhere still comes out as a
// cancellation. A d <= 0 expires at the next iteration. Scope must be called
// from a sched task.
func Scope(co *coro.Co, d time.Duration, body func(co *coro.Co, t *Timeout) error) error {
	t := taskOf(co)
	if t == nil {
		return errNoTask
	}
	if body == nil {
		panic("sched.Scope: nil body")
	}
	to := &Timeout{t: t, cancelling: t.Cancelling()}
	to.Reschedule(t.loop.Now().Add(d))
	return to.exit(body(co, to))
}

// WithTimeout runs body (inline, on the calling task) with a deadline d from
// now: asyncio.timeout. When the deadline passes, the task is cancelled; if body
// then returns a cancellation error, WithTimeout returns an error matching
// ErrTimeout instead (and the cancellation it caused is taken back with
// Uncancel). A cancellation from elsewhere still comes out as a cancellation. A
// d <= 0 expires at the next iteration. WithTimeout must be called from a sched
// task. [Scope] is the same with a deadline body can move.
func WithTimeout(co *coro.Co, d time.Duration, body func(co *coro.Co) error) error {
	if body == nil {
		panic("sched.WithTimeout: nil body")
	}
	return Scope(co, d, func(co *coro.Co, _ *Timeout) error { return body(co) })
}

// WithDeadline is WithTimeout with an absolute deadline on the loop's clock
// ([Loop.Now]): asyncio.timeout_at. A deadline already past expires at the next
// iteration; one so far ahead that the clock cannot reach it never expires.
func WithDeadline(co *coro.Co, deadline time.Time, body func(co *coro.Co) error) error {
	l := LoopOf(co)
	if l == nil {
		return errNoTask
	}
	return WithTimeout(co, deadline.Sub(l.Now()), body)
}

// MoveOnAfter runs body with a deadline d from now, as WithTimeout does, but
// the deadline passing ends the block without an error: Trio's move_on_after.
// It reports whether the deadline passed (and cut body short), and body's
// error otherwise: the timeout itself is not an error.
func MoveOnAfter(co *coro.Co, d time.Duration, body func(co *coro.Co) error) (expired bool, err error) {
	if body == nil {
		panic("sched.MoveOnAfter: nil body")
	}
	err = Scope(co, d, func(co *coro.Co, t *Timeout) error {
		err := body(co)
		expired = t.Expired()
		return err
	})
	if expired && errors.Is(err, ErrTimeout) {
		return true, nil
	}
	return expired, err
}
