package sched

import (
	"context"
	"errors"
	"fmt"
)

// sentinel is an error that also matches a context error, so that
// errors.Is(err, context.Canceled) holds for every cancellation and
// errors.Is(err, context.DeadlineExceeded) for every timeout.
type sentinel struct {
	msg string
	is  error
}

func (e *sentinel) Error() string        { return e.msg }
func (e *sentinel) Is(target error) bool { return target == e.is }

// Errors returned by the loop and its primitives. Test them with errors.Is.
var (
	// ErrCancelled is the error a cancelled task sees at its pending await, and
	// what awaiting a cancelled task or future returns. It matches
	// context.Canceled. Python: asyncio.CancelledError.
	ErrCancelled error = &sentinel{"sched: cancelled", context.Canceled}
	// ErrTimeout is returned by WaitFor and WithTimeout when the time runs out.
	// It matches context.DeadlineExceeded. Python: TimeoutError.
	ErrTimeout error = &sentinel{"sched: timeout", context.DeadlineExceeded}
	// ErrInvalidState is returned by SetResult or SetError on a future that is
	// done, and by Result of a future or task that is not. Python:
	// asyncio.InvalidStateError.
	ErrInvalidState = errors.New("sched: invalid state")
	// ErrQueueFull is returned by Queue.PutNowait on a full queue.
	ErrQueueFull = errors.New("sched: queue full")
	// ErrQueueEmpty is returned by Queue.GetNowait on an empty queue.
	ErrQueueEmpty = errors.New("sched: queue empty")
	// ErrQueueShutdown is returned by a queue's operations after Shutdown.
	ErrQueueShutdown = errors.New("sched: queue shut down")
	// ErrClosed is returned by operations on a closed loop.
	ErrClosed = errors.New("sched: loop is closed")
	// ErrDeadlock is wrapped by the error Run and RunOn return when the main
	// coroutine waits and nothing can ever wake it: no callback is ready, no
	// timer is pending, and nothing outside holds the loop. The error's message
	// names every waiting task and what it waits on.
	ErrDeadlock = errors.New("sched: deadlock")
)

var (
	errRunning    = errors.New("sched: loop is already running")
	errInsideLoop = errors.New("sched: Run called from inside a coroutine: await the coroutine instead")
	errNoLoop     = errors.New("sched: not called from a task of a running loop")
	errOtherLoop  = errors.New("sched: awaited a future or task of another loop")
	errAwaitSelf  = errors.New("sched: a task cannot await itself")
	errNilError   = errors.New("sched: SetError of a nil error")
	errEmptyWait  = errors.New("sched: Wait of no tasks")
	errNoTask     = errors.New("sched: WithTimeout outside a task")
	errNotStarted = errors.New("sched: Group.Start: the task returned without calling ready")
)

// PanicError is the value Run and RunOn panic with when a task panics: the
// original panic value, the task's name and the stack of the task's coroutine
// where the panic started.
type PanicError struct {
	Value any    // what the task panicked with
	Task  string // the task's name
	Stack []byte // the panicking coroutine's stack, from runtime/debug.Stack
}

func (p *PanicError) Error() string {
	return fmt.Sprintf("sched: panic in task %s: %v\n\n%s", p.Task, p.Value, p.Stack)
}

// Unwrap returns the panic value when it is an error, so errors.Is and errors.As
// see through a PanicError.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}
