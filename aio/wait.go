package aio

import (
	"context"
	"io"
	"runtime/debug"
	"sync"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/hook"
	"github.com/corio-go/corio/sched"
)

// waitpoint is where one task waits, on the loop, for something a goroutine of
// this package does: data read, bytes written, a connection accepted, a process
// exited. It is a coro.Waiter with a future's rules — waking it schedules the
// task's step, never runs it — and it keeps the loop alive (a Hold) only while
// the task waits, so that a task reading a quiet peer is not a deadlock while a
// stream nobody waits on does not pin the loop. A waitpoint is reused for every
// wait of its owner: no allocation per wait. Its fields belong to the loop's
// goroutine.
type waitpoint struct {
	loop *sched.Loop
	what string // for deadlock reports: "Read 127.0.0.1:80"
	of   string // appended to what, when set: the stream's name
	st   uint8
	held bool   // the loop is held while the task waits
	cb   func() // the waiting task's wake-up, registered by the loop
}

const (
	wpIdle uint8 = iota
	wpWaiting
	wpWoken
	wpCancelled
)

// await suspends the calling task until w is woken. It returns nil when woken,
// sched.ErrCancelled when the task was cancelled while it waited, or the error
// the loop throws in (a cancellation, gen.ErrGeneratorExit when the loop
// closes).
func (w *waitpoint) await(co *coro.Co) error {
	w.takeHold()
	return w.suspend(co)
}

// awaitNoHold is await without holding the loop: for waits that only the
// loop's own tasks can end.
func (w *waitpoint) awaitNoHold(co *coro.Co) error { return w.suspend(co) }

// hold makes a wait begun with awaitNoHold keep the loop alive from now on:
// a goroutine has become able to end it.
func (w *waitpoint) hold() {
	if w.st == wpWaiting {
		w.takeHold()
	}
}

func (w *waitpoint) suspend(co *coro.Co) error {
	w.st = wpWaiting
	for w.st == wpWaiting {
		if _, err := co.Suspend(w); err != nil {
			w.st = wpIdle
			w.cb = nil
			w.unhold()
			return err
		}
	}
	cancelled := w.st == wpCancelled
	w.st = wpIdle
	if cancelled {
		return sched.ErrCancelled
	}
	return nil
}

// waiting reports whether a task waits on w, or was woken or cancelled and
// has not resumed yet: until it has, another task that suspended on w would
// take over its wait, and one of the two would never be woken.
func (w *waitpoint) waiting() bool { return w.st != wpIdle }

// wake ends the wait, if there is one: the task resumes in a later iteration.
func (w *waitpoint) wake() {
	if w.st == wpWaiting {
		w.st = wpWoken
		w.fire()
	}
}

func (w *waitpoint) fire() {
	w.unhold()
	if cb := w.cb; cb != nil {
		w.cb = nil
		w.loop.CallSoon(cb)
	}
}

func (w *waitpoint) takeHold() {
	if !w.held {
		w.held = true
		hook.HoldLoop(w.loop)
	}
}

func (w *waitpoint) unhold() {
	if w.held {
		w.held = false
		hook.ReleaseLoop(w.loop)
	}
}

// AddDoneCallback implements coro.Waiter.
func (w *waitpoint) AddDoneCallback(fn func()) {
	if w.st != wpWaiting {
		w.loop.CallSoon(fn)
		return
	}
	w.cb = fn
}

// Cancel implements coro.Waiter: the task's Cancel ends the wait, and await
// returns sched.ErrCancelled.
func (w *waitpoint) Cancel() bool {
	if w.st != wpWaiting {
		return false
	}
	w.st = wpCancelled
	w.fire()
	return true
}

// String describes the wait for the loop's deadlock reports and Dump.
func (w *waitpoint) String() string {
	if w.of != "" {
		return "aio: " + w.what + " " + w.of
	}
	return "aio: " + w.what
}

// loopOf returns the loop of co's task, or an error.
func loopOf(co *coro.Co, bound *sched.Loop) (*sched.Loop, error) {
	l := sched.LoopOf(co)
	switch {
	case l == nil:
		return nil, errNoLoop
	case bound != nil && l != bound:
		return nil, errOtherLoop
	}
	return l, nil
}

// outcome is a goroutine's result handed to the loop by bridge.
type outcome[T any] struct {
	v   T
	err error
	p   *sched.PanicError
}

// bridge runs fn on a goroutine of its own and suspends the task until it
// returns: what sched.ToThread does, without ToThread's bound (these calls wait
// on the network or a process, not the CPU). fn's context is cancelled when the
// task is cancelled; the task then gets sched.ErrCancelled at once, and orphan
// (if not nil) receives fn's result on the goroutine once fn returns, to clean
// up (close a connection dialled too late). The loop is held while fn runs and
// released on the loop, after the result is there, so that the loop can never
// see the hold gone before the result. A panic in fn comes out of the loop as a
// panic with a *sched.PanicError.
func bridge[T any](co *coro.Co, what string, fn func(ctx context.Context) (T, error), orphan func(T, error)) (T, error) {
	var zero T
	l, err := loopOf(co, nil)
	if err != nil {
		return zero, err
	}
	// Not the task's context: that one stays cancelled once any cancellation
	// reached the task, even one it caught (a timeout it handled).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &waitpoint{loop: l, what: what}
	var (
		mu       sync.Mutex
		res      outcome[T]
		finished bool
		gone     bool // the task stopped waiting
	)
	release := l.Hold()
	go func() {
		var r outcome[T]
		func() {
			defer func() {
				if v := recover(); v != nil {
					r.p = &sched.PanicError{Value: v, Task: what, Stack: debug.Stack()}
				}
			}()
			r.v, r.err = fn(ctx)
		}()
		mu.Lock()
		res, finished = r, true
		abandoned := gone
		mu.Unlock()
		if abandoned && r.p == nil {
			release()
			if orphan != nil {
				orphan(r.v, r.err)
			}
			return
		}
		err := l.CallSoonThreadsafe(func() {
			release()
			if r.p != nil {
				panic(r.p)
			}
			w.wake()
		})
		if err != nil {
			release()
			if r.p != nil {
				panic(r.p) // the loop is gone: crash rather than lose the panic
			}
			if orphan != nil && abandoned {
				orphan(r.v, r.err)
			}
		}
	}()
	for {
		mu.Lock()
		done := finished
		mu.Unlock()
		if done {
			break
		}
		if err := w.await(co); err != nil {
			mu.Lock()
			gone = true
			done := finished
			mu.Unlock()
			if done && orphan != nil && res.p == nil {
				// The result came in between: nobody else will clean it up.
				orphan(res.v, res.err)
			}
			return zero, err
		}
	}
	if res.p != nil {
		panic(res.p)
	}
	return res.v, res.err
}

// closeLate is bridge's orphan for a call that opens a connection or a
// listener: one opened after the task stopped waiting is closed.
func closeLate[T io.Closer](c T, _ error) {
	if any(c) != nil {
		c.Close()
	}
}
