package sched

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync/atomic"
	"time"

	"github.com/corio-go/corio/coro"
)

// future is what the combinators need of a task or a future.
type future[T any] interface {
	coro.Awaitable[T]
	addRunner(r runner)
	Done() bool
	Cancelled() bool
	Result() (T, error)
	AddDoneCallback(fn func())
	Cancel() bool
}

// ensureFuture is asyncio.ensure_future: tasks and futures as they are,
// anything else run as a new task on l.
// fn names the caller for the panic of a nil awaitable.
func ensureFuture[T any](l *Loop, fn string, aw coro.Awaitable[T]) future[T] {
	switch a := aw.(type) {
	case *Task[T]:
		return a
	case *Future[T]:
		return a
	case *coro.Coro[T]:
		return SpawnOn(l, a)
	case nil:
		panic(fn + ": nil awaitable")
	}
	return SpawnOn(l, coro.New(aw.Await))
}

// gatherMarks numbers Gather calls, so that a task given twice to one Gather is
// recognised by a mark on the task instead of a map entry per child. Loops run
// on goroutines of their own, hence atomic.
var gatherMarks atomic.Uint64

// Gather runs the awaitables concurrently (coroutines become tasks) and returns
// their results in argument order: asyncio.gather. The first failure — an error,
// or a child's cancellation — is returned as soon as it happens; the other
// children go on running. Cancelling the task that waits in Gather cancels every
// child that is not done. Gather of nothing returns an empty slice at once.
func Gather[T any](co *coro.Co, aws ...coro.Awaitable[T]) ([]T, error) {
	g, err := gather(co, aws, false)
	if err != nil || g == nil {
		return []T{}, err
	}
	if err := g.await(co); err != nil {
		return nil, err
	}
	return g.results, nil
}

// GatherAll is Gather with return_exceptions=True: it waits for every child and
// returns every result and every error, each in argument order (a child's error
// is at its index in errs; its result is the zero value). err is non-nil only
// when the waiting task itself was cancelled.
func GatherAll[T any](co *coro.Co, aws ...coro.Awaitable[T]) (results []T, errs []error, err error) {
	g, err := gather(co, aws, true)
	if err != nil || g == nil {
		return []T{}, []error{}, err
	}
	if err := g.await(co); err != nil {
		return nil, nil, err
	}
	return g.results, g.errs, nil
}

// gathering is asyncio's _GatheringFuture: the future Gather waits on, whose
// cancellation cancels the children.
type gathering[T any] struct {
	outer           Future[struct{}]
	children        []future[T]
	nfuts, nfin     int
	returnErrs      bool
	cancelRequested bool
	results         []T
	errs            []error
}

func gather[T any](co *coro.Co, aws []coro.Awaitable[T], returnErrs bool) (*gathering[T], error) {
	if len(aws) == 0 {
		return nil, nil
	}
	l := LoopOf(co)
	if l == nil {
		return nil, errNoLoop
	}
	g := &gathering[T]{returnErrs: returnErrs, children: make([]future[T], 0, len(aws))}
	g.outer.loop = l
	mark := gatherMarks.Add(1)
	var seen map[any]future[T] // futures and coroutines given twice; rare
	for _, aw := range aws {
		var f future[T]
		switch a := aw.(type) {
		case *Task[T]:
			if a.loop != l {
				return nil, errOtherLoop
			}
			if a.gatherMark == mark {
				g.children = append(g.children, a)
				continue
			}
			a.gatherMark = mark
			f = a
		case *Future[T], *coro.Coro[T]:
			if fu, ok := a.(*Future[T]); ok && fu.loop != l {
				return nil, errOtherLoop
			}
			if f = seen[a]; f != nil {
				g.children = append(g.children, f)
				continue
			}
			f = ensureFuture(l, "sched.Gather", aw)
			if seen == nil {
				seen = map[any]future[T]{}
			}
			seen[a] = f
		default:
			f = ensureFuture(l, "sched.Gather", aw)
		}
		g.nfuts++
		g.children = append(g.children, f)
		f.addRunner(&gatherChild[T]{g, f})
	}
	return g, nil
}

// gatherChild is a child's done callback.
type gatherChild[T any] struct {
	g *gathering[T]
	f future[T]
}

func (c *gatherChild[T]) run() { c.g.childDone(c.f) }

// childDone is asyncio's gather _done_callback.
func (g *gathering[T]) childDone(f future[T]) {
	g.nfin++
	if g.outer.Done() {
		if !f.Cancelled() {
			f.Result() // retrieved: it is not reported as unhandled
		}
		return
	}
	if !g.returnErrs {
		if _, err := f.Result(); err != nil {
			g.outer.SetError(err)
			return
		}
	}
	if g.nfin < g.nfuts {
		return
	}
	g.results = make([]T, len(g.children))
	if g.returnErrs {
		g.errs = make([]error, len(g.children))
	}
	for i, c := range g.children {
		r, err := c.Result()
		g.results[i] = r
		if g.returnErrs {
			g.errs[i] = err
		}
	}
	if g.cancelRequested {
		g.outer.SetError(ErrCancelled)
	} else {
		g.outer.SetResult(struct{}{})
	}
}

func (g *gathering[T]) await(co *coro.Co) error {
	for !g.outer.Done() {
		if _, err := co.Suspend(g); err != nil {
			return err
		}
	}
	_, err := g.outer.Result()
	return err
}

func (g *gathering[T]) AddDoneCallback(fn func()) { g.outer.AddDoneCallback(fn) }

// Cancel cancels every child not done, as _GatheringFuture.cancel does.
func (g *gathering[T]) Cancel() bool {
	if g.outer.Done() {
		return false
	}
	ret := false
	for _, c := range g.children {
		if c.Cancel() {
			ret = true
		}
	}
	if ret {
		g.cancelRequested = true
	}
	return ret
}

func (g *gathering[T]) String() string {
	return fmt.Sprintf("Gather (%d of %d done)", g.nfin, g.nfuts)
}

// ReturnWhen says when Wait returns.
type ReturnWhen int

const (
	AllCompleted   ReturnWhen = iota // when every task is done
	FirstCompleted                   // when any task is done
	FirstException                   // when any task fails, or every task is done
)

func (r ReturnWhen) String() string {
	switch r {
	case AllCompleted:
		return "AllCompleted"
	case FirstCompleted:
		return "FirstCompleted"
	case FirstException:
		return "FirstException"
	}
	return fmt.Sprintf("ReturnWhen(%d)", int(r))
}

// Wait waits for tasks as when says, or until timeout passes (timeout <= 0: no
// timeout), and returns them split into done and pending, each in the order
// given: asyncio.wait. It does not cancel anything: on timeout it just returns.
// err is non-nil only if the waiting task is cancelled (the tasks go on), for
// an empty list, or outside a loop. A task given twice is waited for once and
// listed once.
func Wait[T any](co *coro.Co, tasks []*Task[T], when ReturnWhen, timeout time.Duration) (done, pending []*Task[T], err error) {
	if len(tasks) == 0 {
		return nil, nil, errEmptyWait
	}
	if when < AllCompleted || when > FirstException {
		return nil, nil, fmt.Errorf("sched: Wait with an invalid ReturnWhen %v", when)
	}
	l := LoopOf(co)
	if l == nil {
		return nil, nil, errNoLoop
	}
	uniq := make([]*Task[T], 0, len(tasks))
	seen := make(map[*Task[T]]bool, len(tasks))
	for _, t := range tasks {
		if t.loop != l {
			return nil, nil, errOtherLoop
		}
		if !seen[t] {
			seen[t] = true
			uniq = append(uniq, t)
		}
	}
	w := NewFutureOn[struct{}](l)
	release := func() {
		if !w.Done() {
			w.SetResult(struct{}{})
		}
	}
	var th *Timer
	if timeout > 0 {
		th = l.AfterFunc(timeout, release)
	}
	counter, active := len(uniq), true
	for _, t := range uniq {
		t.AddDoneCallback(func() {
			if !active {
				return // asyncio removes the callback when wait returns
			}
			counter--
			if counter <= 0 || when == FirstCompleted ||
				when == FirstException && !t.cancelled && t.err != nil {
				if th != nil {
					th.Stop()
				}
				release()
			}
		})
	}
	_, err = w.Await(co)
	active = false
	if th != nil {
		th.Stop()
	}
	for _, t := range uniq {
		if t.Done() {
			done = append(done, t)
		} else {
			pending = append(pending, t)
		}
	}
	return done, pending, err
}

// WaitFor awaits aw with a timeout: asyncio.wait_for, as Python 3.12 has it (on
// top of WithTimeout, so a cancellation of the waiting task is never swallowed).
// When the time runs out, aw is cancelled, WaitFor waits for the cancellation to
// finish and returns an error matching ErrTimeout. A timeout <= 0 has already
// expired: a done aw gives its result, anything else is cancelled.
func WaitFor[T any](co *coro.Co, aw coro.Awaitable[T], timeout time.Duration) (T, error) {
	var zero T
	if timeout <= 0 {
		l := LoopOf(co)
		if l == nil {
			return zero, errNoLoop
		}
		f := ensureFuture(l, "sched.WaitFor", aw)
		if f.Done() {
			return f.Result()
		}
		if err := cancelAndWait(co, l, f); err != nil {
			return zero, err
		}
		r, err := f.Result()
		if f.Cancelled() {
			return zero, ErrTimeout
		}
		return r, err
	}
	var r T
	err := WithTimeout(co, timeout, func(co *coro.Co) error {
		var err error
		r, err = aw.Await(co)
		return err
	})
	if err != nil {
		return zero, err
	}
	return r, nil
}

// cancelAndWait cancels f and waits until it is done: asyncio's _cancel_and_wait.
func cancelAndWait[T any](co *coro.Co, l *Loop, f future[T]) error {
	w := NewFutureOn[struct{}](l)
	f.AddDoneCallback(func() {
		if !w.Done() {
			w.SetResult(struct{}{})
		}
	})
	f.Cancel()
	_, err := w.Await(co)
	return err
}

// WithTimeout runs body (inline, on the calling task) with a deadline d from
// now: asyncio.timeout. When the deadline passes, the task is cancelled; if body
// then returns a cancellation error, WithTimeout returns an error matching
// ErrTimeout instead (and the cancellation it caused is taken back with
// Uncancel). A cancellation from elsewhere still comes out as a cancellation. A
// d <= 0 expires at the next iteration. WithTimeout must be called from a sched
// task.
func WithTimeout(co *coro.Co, d time.Duration, body func(co *coro.Co) error) error {
	t := taskOf(co)
	if t == nil {
		return errNoTask
	}
	l := t.loop
	cancelling := t.Cancelling()
	expiring := false
	onTimeout := func() {
		t.Cancel()
		expiring = true
	}
	var h *Timer
	if d <= 0 {
		h = l.soonTimer(callback(onTimeout)) // asyncio's call_soon once the deadline has passed
	} else {
		h = l.AfterFunc(d, onTimeout)
	}
	err := body(co)
	h.Stop()
	if expiring && t.Uncancel() <= cancelling && errors.Is(err, context.Canceled) {
		return ErrTimeout
	}
	return err
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

// Shield awaits aw while protecting it from cancellation: asyncio.shield. If the
// waiting task is cancelled, Shield returns ErrCancelled at once but aw (run as
// a task if it is a coroutine) goes on. If aw itself is cancelled, Shield
// returns ErrCancelled too.
func Shield[T any](co *coro.Co, aw coro.Awaitable[T]) (T, error) {
	l := LoopOf(co)
	if l == nil {
		var zero T
		return zero, errNoLoop
	}
	inner := ensureFuture(l, "sched.Shield", aw)
	if inner.Done() {
		return inner.Result()
	}
	outer := NewFutureOn[T](l)
	inner.AddDoneCallback(func() {
		if outer.Cancelled() {
			if !inner.Cancelled() {
				inner.Result() // retrieved
			}
			return
		}
		if inner.Cancelled() {
			outer.Cancel()
			return
		}
		if r, err := inner.Result(); err != nil {
			outer.SetError(err)
		} else {
			outer.SetResult(r)
		}
	})
	return outer.Await(co)
}

// AsCompleted ranges over the tasks' results in the order they finish:
// asyncio.as_completed. Each iteration suspends the ranging task until the next
// task is done (or not at all if one is done already). If the ranging task is
// cancelled meanwhile, the loop gets one last pair: the zero value and the
// cancellation error. Breaking out of the loop leaves the tasks running.
func AsCompleted[T any](co *coro.Co, tasks []*Task[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		l := LoopOf(co)
		if l == nil {
			yield(zero, errNoLoop)
			return
		}
		uniq := make([]*Task[T], 0, len(tasks))
		seen := make(map[*Task[T]]bool, len(tasks))
		for _, t := range tasks {
			if !seen[t] {
				seen[t] = true
				uniq = append(uniq, t)
			}
		}
		var finished []*Task[T]
		var w *Future[struct{}]
		active := true
		defer func() { active = false }()
		for _, t := range uniq {
			t.AddDoneCallback(func() {
				if !active {
					return
				}
				finished = append(finished, t)
				if w != nil && !w.Done() {
					w.SetResult(struct{}{})
				}
			})
		}
		for range uniq {
			for len(finished) == 0 {
				w = NewFutureOn[struct{}](l)
				if _, err := w.Await(co); err != nil {
					yield(zero, err)
					return
				}
			}
			t := finished[0]
			finished = finished[1:]
			if !yield(t.Result()) {
				return
			}
		}
	}
}
