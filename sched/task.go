package sched

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"sync/atomic"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/hook"
	"github.com/corio-go/corio/internal/owner"
)

// taskCounter numbers tasks for their default names, across loops, as asyncio
// does ("Task-1", "Task-2", ...).
var taskCounter atomic.Uint64

type taskState uint8

const (
	taskPending taskState = iota
	taskDone
)

// task is the part of a Task that does not depend on its result type: what the
// loop, the deadlock report and the coroutine's bodies (as its coro.Driver) see.
type task struct {
	loop   *Loop
	self   taskImpl    // the Task itself, as the loop runs and closes it
	waiter coro.Waiter // what the task waits on (asyncio's _fut_waiter)
	id     uint64      // for the default name, Task-<id>
	name   string      // set by SetName
	st     taskState

	cancelled  bool  // finished by cancellation
	mustCancel bool  // throw ErrCancelled at the next step
	retrieved  bool  // its result was asked for
	cancels    int32 // cancellation requests not taken back (Cancelling)
	err        error // the body's error, once done

	cbs        callbacks
	extra      *taskExtra // rarely used parts, made on demand
	gatherMark uint64     // the last Gather that counted this task

	prev, next *task // in loop.tasks while pending
}

// taskImpl is what the loop needs of a Task beyond its non-generic part.
type taskImpl interface {
	runner
	close()
	started() bool // its coroutine has taken a first step
}

// taskExtra holds what few tasks use, so that a suspended task stays small.
type taskExtra struct {
	wake      func() // the task as a done callback for foreign waiters
	ctx       context.Context
	cancelCtx context.CancelFunc
}

func (t *task) ext() *taskExtra {
	if t.extra == nil {
		t.extra = &taskExtra{}
	}
	return t.extra
}

// Task runs a coroutine on a loop: asyncio.Task. It is a Future for the
// coroutine's result, and awaiting it suspends the awaiting task until it is
// done. Create one with [Spawn] or [SpawnOn]; the zero value is not usable. A
// Task belongs to its loop's goroutine, and may not be copied.
type Task[T any] struct {
	task
	c   *coro.Coro[T]
	res T
}

// Spawn runs c as a new task on the loop running co's task
// (asyncio.create_task). The task first runs when the caller next suspends: it
// is scheduled behind the callbacks already ready. Spawn panics if co is not
// driven by a sched task.
func Spawn[T any](co *coro.Co, c *coro.Coro[T]) *Task[T] {
	return spawn(runningTask(co, "sched.Spawn").loop, "sched.Spawn", "", c)
}

// runningTask returns the task co belongs to, and panics, naming fn, unless
// that task's step is the one its loop is running: a Co used outside its body,
// for instance handed to another loop's goroutine, would touch that loop from
// the wrong goroutine.
func runningTask(co *coro.Co, fn string) *task {
	t := taskOf(co)
	switch {
	case t == nil:
		panic(fn + ": " + errNoLoop.Error())
	case t.loop.current != t:
		panic(fn + ": co is not the running task's: a Co is for its own body, on its loop's goroutine")
	}
	return t
}

// SpawnNamed is Spawn with the task's name given: asyncio's
// create_task(coro, name=...). The name is set before the task is traced or
// listed anywhere.
func SpawnNamed[T any](co *coro.Co, name string, c *coro.Coro[T]) *Task[T] {
	return spawn(runningTask(co, "sched.SpawnNamed").loop, "sched.SpawnNamed", name, c)
}

// TaskInfo is a task seen without its result type: what [Current] returns.
// Its methods are those of [Task], documented there; like Task's, they are for
// the loop's goroutine.
type TaskInfo interface {
	Name() string              // "Task-N" unless named: Task.get_name
	SetName(name string)       // Task.set_name
	Done() bool                // whether the task has finished
	Cancelled() bool           // whether it finished by cancellation
	Cancel() bool              // ask it to cancel; false if it is done (see Task.Cancel)
	Cancelling() int           // cancellation requests not taken back (Task.cancelling)
	Uncancel() int             // take one back; how many remain (Task.uncancel)
	AddDoneCallback(fn func()) // fn runs on the loop once the task is done
}

// Current returns the task whose coroutine co belongs to (asyncio's
// current_task), or nil if co is not driven by a sched task.
func Current(co *coro.Co) TaskInfo {
	if t := taskOf(co); t != nil {
		return t
	}
	return nil
}

// SpawnOn runs c as a new task on l, from l's goroutine: from a callback, or
// before RunOn. The task first runs in the loop's next iteration. A coroutine
// that was awaited or driven already, or given to Spawn before, makes a task
// that fails with [coro.ErrReused] (the first task keeps it); on a closed loop
// the task fails with ErrClosed.
func SpawnOn[T any](l *Loop, c *coro.Coro[T]) *Task[T] {
	return spawn(l, "sched.SpawnOn", "", c)
}

// spawn makes the task; fn names the caller for its panics.
func spawn[T any](l *Loop, fn, name string, c *coro.Coro[T]) *Task[T] {
	if c == nil {
		panic(fn + ": nil coroutine")
	}
	t := &Task[T]{c: c}
	t.loop = l
	t.name = name
	if l.sim != nil {
		l.sim.nextID++
		t.id = l.sim.nextID
	} else {
		t.id = taskCounter.Add(1)
	}
	t.self = t
	if l.closed {
		t.finish(ErrClosed)
	} else if err := c.Bind((*driver)(&t.task)); err != nil {
		t.finish(err) // awaited, driven, or another task's already
	} else {
		l.tasks.push(&t.task)
		l.callSoon(t)
		if l.trace != nil {
			l.event("spawn", "task", t.Name())
		}
	}
	return t
}

// run is one step of the task: asyncio's Task.__step, and its __wakeup.
func (t *Task[T]) run() {
	if t.st == taskDone {
		return
	}
	if t.loop.trace != nil {
		t.traceResume()
	}
	t.waiter = nil
	var w coro.Waiter
	var err error
	l := t.loop
	l.current = &t.task
	if t.mustCancel {
		t.mustCancel = false
		w, err = t.c.Throw(ErrCancelled)
	} else {
		w, err = t.c.Send(nil)
	}
	l.current = nil
	if err != nil {
		t.finish(err)
		return
	}
	if w == nil { // a bare yield (Sleep(0)): run again next iteration
		t.loop.callSoon(t)
		if t.loop.trace != nil {
			t.loop.event("yield", "task", t.Name())
		}
		return
	}
	t.waiter = w
	if rw, ok := w.(runnerWaiter); ok {
		rw.addRunner(t)
	} else {
		x := t.ext()
		if x.wake == nil {
			x.wake = t.run
		}
		w.AddDoneCallback(x.wake)
	}
	if t.loop.trace != nil {
		t.loop.event("suspend", "task", t.Name(), "on", describeWaiter(w))
		t.loop.event("callback registered", "task", t.Name(), "on", describeWaiter(w))
	}
	if t.mustCancel && w.Cancel() {
		t.mustCancel = false
	}
}

// traceResume logs a step about to run: a start, or a resumption by what the
// task waited on.
func (t *task) traceResume() {
	switch {
	case t.self.started():
		by := "ready queue"
		if t.waiter != nil {
			by = describeWaiter(t.waiter)
		}
		if t.mustCancel {
			by = "cancellation"
		}
		t.loop.event("resume", "task", t.Name(), "by", by)
	default:
		t.loop.event("start", "task", t.Name())
	}
}

func (t *Task[T]) started() bool { return t.c.State() != gen.Created }

// finish records how the coroutine ended and schedules the done callbacks.
func (t *Task[T]) finish(err error) {
	switch {
	case err == gen.ErrStopIteration && t.mustCancel:
		// Cancelled right before the coroutine returned: asyncio cancels the
		// task rather than taking the result.
		t.mustCancel = false
		t.cancelled = true
		t.err = ErrCancelled
	case err == gen.ErrStopIteration:
		t.res, _ = t.c.Result()
	case errors.Is(err, context.Canceled):
		t.cancelled = true
		t.err = err
	default:
		t.err = err
	}
	t.st = taskDone
	t.waiter = nil
	if t.extra != nil && t.extra.cancelCtx != nil {
		t.extra.cancelCtx()
	}
	if t.prev != nil || t.loop.tasks.head == &t.task {
		t.loop.tasks.remove(&t.task)
	}
	if t.err != nil && !t.cancelled {
		t.retrieved = false // a new failure is reported unless asked for, even if Cancel was called
		t.loop.noteFailed(&t.task)
	}
	if t.loop.trace != nil {
		switch {
		case t.cancelled:
			t.loop.event("done", "task", t.Name(), "cancelled", true)
		case t.err != nil:
			t.loop.event("done", "task", t.Name(), "err", t.err)
		default:
			t.loop.event("done", "task", t.Name(), "result", t.res)
		}
	}
	t.cbs.schedule(t.loop)
}

// close closes the task's coroutine when the loop is abandoned. The task counts
// as running meanwhile: its deferred calls run in its body.
func (t *Task[T]) close() {
	t.loop.current = &t.task
	t.c.Close()
	t.loop.current = nil
	if t.st != taskDone {
		t.finish(ErrClosed)
		t.retrieved = true // closed with its loop, not a failure to report
	}
}

func (t *task) abandon() { t.self.close() }

// Await returns the task's result, suspending the awaiting task until it is
// done. Cancelling the awaiting task while it waits cancels this one too (use
// [Shield] to prevent that). A task awaiting another resumes one loop iteration
// after the other finishes.
func (t *Task[T]) Await(co *coro.Co) (T, error) {
	for t.st != taskDone {
		var zero T
		if cur := taskOf(co); cur != nil {
			if cur.loop != t.loop {
				return zero, errOtherLoop
			}
			if cur == &t.task {
				return zero, errAwaitSelf
			}
		}
		if _, err := co.Suspend(t); err != nil {
			return zero, err
		}
	}
	return t.Result()
}

// Result returns the coroutine's results once the task is done; ErrCancelled if
// it was cancelled; ErrInvalidState while it is pending.
func (t *Task[T]) Result() (T, error) {
	var zero T
	if t.st != taskDone {
		return zero, fmt.Errorf("%w: result of a pending task", ErrInvalidState)
	}
	t.retrieved = true
	if t.cancelled {
		return zero, t.err
	}
	return t.res, t.err
}

// Done reports whether the task has finished.
func (t *task) Done() bool { return t.st == taskDone }

// Cancelled reports whether the task finished by cancellation.
func (t *task) Cancelled() bool { return t.cancelled }

// Name returns the task's name: "Task-N" unless set with SetName.
func (t *task) Name() string {
	if t.name == "" {
		return "Task-" + strconv.FormatUint(t.id, 10)
	}
	return t.name
}

// SetName renames the task.
func (t *task) SetName(name string) { t.name = name }

// AddDoneCallback arranges for fn to run on the loop once the task is done,
// with a future's rules (see [Future.AddDoneCallback]).
func (t *task) AddDoneCallback(fn func()) {
	if fn == nil {
		panic("sched.Task.AddDoneCallback: nil func")
	}
	t.addRunner(callback(fn))
}

func (t *task) addRunner(r runner) { t.cbs.add(t.loop, t.st == taskDone, r) }

// redeliverCancel arranges for a cancellation the task already received, and
// swallowed where it could not be returned (an iterator's end), to be thrown
// again at its next await. It does not count as a new request.
func (t *task) redeliverCancel() {
	if t.st != taskDone {
		t.mustCancel = true
	}
}

// Cancel asks the task to cancel: ErrCancelled is thrown into its coroutine at
// its pending await (if it awaits a future or task, that is cancelled instead,
// and the task sees the cancellation when it wakes). The task may catch it and
// go on. Cancel reports false if the task is done already. The task's context
// (Co.Context) is cancelled at once, and stays cancelled.
//
// A task cancelled before its first step never runs its body, as in asyncio:
// its coroutine is closed unrun, so nothing its body would have done, deferred
// cleanup included, happens. Code that hands a task something to release (a
// connection, a Hold) and may see it cancelled that early releases it in a
// done callback.
func (t *task) Cancel() bool {
	t.retrieved = true // as asyncio: a task one cancels is not reported as unhandled
	if t.st == taskDone {
		return false
	}
	t.cancels++
	if t.extra != nil && t.extra.cancelCtx != nil {
		t.extra.cancelCtx()
	}
	if t.waiter != nil && t.waiter.Cancel() {
		return true
	}
	t.mustCancel = true
	return true
}

// Cancelling returns the number of cancellation requests not yet taken back by
// Uncancel: asyncio's Task.cancelling.
func (t *task) Cancelling() int { return int(t.cancels) }

// Uncancel takes back one cancellation request and returns how many remain:
// asyncio's Task.uncancel, for code that handled a cancellation it asked for
// (as WithTimeout does).
//
// As in Python 3.13, taking back the last request also drops a cancellation
// still waiting to be thrown in at the task's next await.
func (t *task) Uncancel() int {
	if t.cancels > 0 {
		t.cancels--
	}
	if t.cancels == 0 {
		t.mustCancel = false
	}
	return int(t.cancels)
}

// Context returns a context cancelled when the task is cancelled or done; it
// is what Co.Context returns in the task's coroutine. It is made on first use.
func (t *task) Context() context.Context {
	x := t.ext()
	if x.ctx == nil {
		parent := context.Background()
		if t.loop.ctx != nil {
			parent = context.WithoutCancel(t.loop.ctx) // its values, not its end
		}
		x.ctx, x.cancelCtx = context.WithCancel(parent)
		if t.cancels > 0 || t.st == taskDone {
			x.cancelCtx()
		}
	}
	return x.ctx
}

// driver is the task as its coroutine's coro.Driver: a type of its own, so
// that the hooks below are not methods of Task.
type driver task

var (
	_ coro.PanicWrapper = (*driver)(nil)
	_ hook.FirstIter    = (*driver)(nil)
	_ owner.Closer      = (*driver)(nil)
	_ hook.Redeliverer  = (*driver)(nil)
)

// RedeliverCancel throws the task's cancellation again at its next await (see
// hook.Redeliverer).
func (d *driver) RedeliverCancel() { (*task)(d).redeliverCancel() }

// ClosesCoroutines tells coro that the loop closes the task's coroutine itself
// (when the task is done, or the loop closes), so that it needs no finalizer.
func (d *driver) ClosesCoroutines() {}

func (d *driver) Context() context.Context { return (*task)(d).Context() }

// WrapPanic implements coro.PanicWrapper: it records the task and the stack
// where the panic started.
func (d *driver) WrapPanic(v any) any {
	if p, ok := v.(*PanicError); ok {
		return p
	}
	return &PanicError{Value: v, Task: (*task)(d).Name(), Stack: debug.Stack()}
}

// AsyncGenStarted registers an async generator that a task of the loop
// started (asyncio's firstiter hook) and returns the function that unregisters
// it when it finishes.
func (d *driver) AsyncGenStarted(g hook.AsyncGen) (done func()) {
	l := d.loop
	if l.asyncgens == nil {
		l.asyncgens = make(map[hook.AsyncGen]uint64)
	}
	l.genSeq++
	l.asyncgens[g] = l.genSeq
	return func() { delete(l.asyncgens, g) }
}

// String describes the task for deadlock reports.
func (t *task) String() string { return "Task " + t.Name() }

// taskOf returns the sched task driving co, or nil. An async generator's
// coroutine has a driver that delegates to the task stepping it.
func taskOf(co *coro.Co) *task {
	d := co.Driver()
	for {
		switch x := d.(type) {
		case *driver:
			return (*task)(x)
		case hook.Delegator:
			d = x.Delegate()
		default:
			return nil
		}
	}
}

// taskList is an intrusive doubly linked list of the loop's live tasks.
type taskList struct {
	head, tail *task
	n          int
}

func (l *taskList) push(t *task) {
	t.prev, t.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = t
	} else {
		l.head = t
	}
	l.tail = t
	l.n++
}

func (l *taskList) remove(t *task) {
	if t.prev != nil {
		t.prev.next = t.next
	} else {
		l.head = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	} else {
		l.tail = t.prev
	}
	t.prev, t.next = nil, nil
	l.n--
}

func (l *taskList) all() []*task {
	s := make([]*task, 0, l.n)
	for t := l.head; t != nil; t = t.next {
		s = append(s, t)
	}
	return s
}
