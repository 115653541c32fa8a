package sched

import (
	"errors"
	"slices"

	"github.com/corio-go/corio/coro"
)

// Group is a task group: asyncio.TaskGroup. Tasks spawned into it run
// concurrently; [Group.Wait] waits for all of them. The first failure cancels
// every other task of the group and the task that made the group (so the body
// between NewGroup and Wait is interrupted at its pending await, as the body of
// "async with TaskGroup()" is), and Wait returns errors.Join of every failure.
// Cancellations of the group's tasks are not failures. Cancelling the task that
// made the group cancels the group's tasks; Wait then returns the cancellation.
//
//	g := sched.NewGroup(co)
//	g.Spawn(func(co *coro.Co) error { return fetch(co, a) })
//	g.Spawn(func(co *coro.Co) error { return fetch(co, b) })
//	err := g.Wait(co)
//
// If the code between NewGroup and Wait fails, call [Group.Cancel] before Wait,
// as "async with" cancels the group when its body raises.
//
// Create a Group with [NewGroup]; the zero value is not usable. A Group belongs
// to its task's loop goroutine and may not be copied.
type Group struct {
	loop   *Loop
	parent *task
	start  int // the parent's Cancelling() when the group was made

	tasks           []*Task[struct{}] // in spawn order; done ones are dropped lazily
	live            int               // tasks not yet done
	errs            []error
	exiting         bool
	aborting        bool
	parentCancelled bool // the group cancelled its parent, once
	onCompleted     *Future[struct{}]
}

// NewGroup returns a group whose tasks run on the loop of co's task, which
// becomes the group's parent. It panics if co is not driven by a sched task.
func NewGroup(co *coro.Co) *Group {
	t := taskOf(co)
	if t == nil {
		panic("sched.NewGroup: " + errNoLoop.Error())
	}
	return &Group{loop: t.loop, parent: t, start: t.Cancelling()}
}

// Spawn runs fn as a new task of the group. It panics if the group has
// finished (Wait has returned) or is shutting down after a failure, as
// asyncio's create_task on such a group raises.
func (g *Group) Spawn(fn func(co *coro.Co) error) {
	switch {
	case fn == nil:
		panic("sched: Group.Spawn of a nil func")
	case g.exiting && g.live == 0:
		panic("sched: Group.Spawn on a finished group")
	case g.aborting:
		panic("sched: Group.Spawn on a group that is shutting down")
	}
	t := SpawnOn(g.loop, coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, fn(co)
	}))
	if len(g.tasks) > 2*g.live+16 { // drop the done ones, keeping the order
		g.tasks = slices.DeleteFunc(g.tasks, (*Task[struct{}]).Done)
	}
	g.tasks = append(g.tasks, t)
	g.live++
	t.AddDoneCallback(func() { g.taskDone(t) })
}

// taskDone is asyncio's TaskGroup._on_task_done.
func (g *Group) taskDone(t *Task[struct{}]) {
	g.live--
	if g.onCompleted != nil && g.live == 0 && !g.onCompleted.Done() {
		g.onCompleted.SetResult(struct{}{})
	}
	if t.cancelled {
		return
	}
	_, err := t.Result()
	if err == nil {
		return
	}
	g.errs = append(g.errs, err)
	if g.parent.st == taskDone {
		g.loop.onUnhandled(t.Name(), err)
		return
	}
	if !g.aborting && !g.parentCancelled {
		g.abort()
		g.parentCancelled = true
		g.parent.Cancel()
	}
}

// Cancel cancels every task of the group that is not done, as asyncio's
// TaskGroup does when the body of "async with" raises: call it when the code
// between NewGroup and Wait fails, then Wait for the tasks to finish. Their
// cancellations are not failures. Spawn panics afterwards.
func (g *Group) Cancel() {
	if !g.aborting {
		g.abort()
	}
}

func (g *Group) abort() {
	g.aborting = true
	for _, t := range g.tasks { // in spawn order, so traces are deterministic
		if !t.Done() {
			t.Cancel()
		}
	}
}

// Wait waits until every task of the group has finished and returns
// errors.Join of their failures (nil if none failed): asyncio's
// TaskGroup.__aexit__. If the group cancelled its parent because a task failed,
// Wait takes that cancellation back. If the parent is cancelled from elsewhere
// (before or during Wait), the group's tasks are cancelled and Wait returns the
// cancellation, unless some task failed.
func (g *Group) Wait(co *coro.Co) error {
	g.exiting = true
	var propagate error
	// A cancellation of the parent that the group did not ask for, before Wait:
	// the body was interrupted by it ("async with" exiting with CancelledError).
	own := 0
	if g.parentCancelled {
		own = 1
	}
	if g.parent.Cancelling() > g.start+own {
		propagate = ErrCancelled
		if !g.aborting {
			g.abort()
		}
	}
	for g.live > 0 {
		if g.onCompleted == nil {
			g.onCompleted = NewFutureOn[struct{}](g.loop)
		}
		if _, err := g.onCompleted.Await(co); err != nil && !g.aborting {
			propagate = err
			g.abort()
		}
		g.onCompleted = nil
	}
	// The cancellation the group asked for is taken back after the wait, as
	// Python 3.13 does (gh-116720): a child may fail while Wait waits.
	if g.parentCancelled && g.parent.Uncancel() == 0 {
		propagate = nil
	}
	if propagate != nil && len(g.errs) == 0 {
		return propagate
	}
	return errors.Join(g.errs...)
}
