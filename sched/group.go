package sched

import (
	"context"
	"errors"
	"slices"

	"github.com/corio-go/corio/coro"
)

// Group is a task group: asyncio.TaskGroup. Tasks spawned into it run
// concurrently, and the group ends when every one of them has finished. The
// first failure cancels every other task of the group and the task that made
// the group, so the code between NewGroup and the end of the group is
// interrupted at its pending await, as the body of "async with TaskGroup()" is.
// The group's error is errors.Join of every failure; cancellations of the
// group's tasks are not failures.
//
// [WithGroup] is "async with TaskGroup() as g: body": the body's error is what
// leaves the block.
//
//	err := sched.WithGroup(co, func(co *coro.Co, g *sched.Group) error {
//		g.Spawn(func(co *coro.Co) error { return fetch(co, a) })
//		g.Spawn(func(co *coro.Co) error { return fetch(co, b) })
//		return nil
//	})
//
// The same group without a closure is NewGroup, then [Group.Wait] when the code
// in between ends normally, or [Group.Exit] with its error when it fails:
//
//	g := sched.NewGroup(co)
//	g.Spawn(...)
//	if err := step(co); err != nil {
//		return g.Exit(co, err) // cancels the group's tasks, waits for them
//	}
//	return g.Wait(co)
//
// The semantics are CPython 3.15's (Lib/asyncio/taskgroups.py), which fix
// 3.11's: the cancellation the group sends its parent is taken back when the
// group ends (3.13, gh-116720), [Group.Cancel] ends a group without an error
// (3.15), and a cancellation that is not the group's own is never dropped
// (gh-155433).
//
// Create a Group with [NewGroup] or [WithGroup]; the zero value is not usable.
// A Group belongs to its task's loop goroutine and may not be copied.
type Group struct {
	loop   *Loop
	parent *task

	tasks           []*Task[struct{}] // in spawn order; done ones are dropped lazily
	live            int               // tasks not yet done
	errs            []error
	exiting         bool
	aborting        bool
	parentCancelled bool // the group cancelled its parent, once
	onCompleted     *Future[struct{}]
}

// NewGroup returns a group whose tasks run on the loop of co's task, which
// becomes the group's parent: "async with TaskGroup() as g" entering. It panics
// if co is not driven by a sched task. End the group with [Group.Wait] or
// [Group.Exit].
func NewGroup(co *coro.Co) *Group {
	t := runningTask(co, "sched.NewGroup")
	return &Group{loop: t.loop, parent: t}
}

// WithGroup runs body with a new group and ends the group with body's error, as
// "async with TaskGroup() as g: body" does: it is NewGroup, body, then
// [Group.Exit] with what body returned.
func WithGroup(co *coro.Co, body func(co *coro.Co, g *Group) error) error {
	if body == nil {
		panic("sched.WithGroup: nil body")
	}
	g := NewGroup(co)
	return g.Exit(co, body(co, g))
}

// Spawn runs fn as a new task of the group. It panics if the group has
// finished (Wait or Exit has returned) or is shutting down after a failure or
// Cancel, as asyncio's create_task on such a group raises.
func (g *Group) Spawn(fn func(co *coro.Co) error) {
	switch {
	case fn == nil:
		panic("sched.Group.Spawn: nil func")
	case g.exiting && g.live == 0:
		panic("sched.Group.Spawn: the group has finished")
	case g.aborting:
		panic("sched.Group.Spawn: the group is shutting down")
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

// Cancel cancels the group: every task of the group that is not done, and the
// parent task's code between NewGroup and the group's end (its pending await
// returns a cancellation), as Python 3.15's TaskGroup.cancel does. The group
// then ends without an error: Wait or Exit, given that cancellation, returns
// nil, unless a task failed. Cancel of a group that is finished, or already
// cancelled or failing, does nothing. Spawn panics afterwards.
func (g *Group) Cancel() {
	if g.exiting && g.live == 0 || g.aborting {
		return
	}
	g.abort()
	if !g.parentCancelled {
		g.parentCancelled = true
		g.parent.Cancel()
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

// Wait ends the group when the code between NewGroup and Wait has ended
// normally: it waits until every task of the group has finished and returns
// errors.Join of their failures (nil if none failed). It is Exit(co, nil).
func (g *Group) Wait(co *coro.Co) error { return g.Exit(co, nil) }

// Exit ends the group when the code between NewGroup and Exit ended with
// bodyErr (nil: normally), as leaving "async with" with that exception runs the
// group's __aexit__:
//   - A non-nil bodyErr cancels the group's tasks that are not done.
//   - Exit waits until every task of the group has finished. If the parent task
//     is cancelled meanwhile, the group's tasks are cancelled and the wait goes
//     on.
//   - The cancellation the group sent its parent (after a failure, or by
//     Cancel) is taken back.
//   - If any task failed, or bodyErr is not a cancellation, Exit returns
//     errors.Join of the failures followed by bodyErr. Otherwise it returns a
//     cancellation when bodyErr was one or the parent was cancelled while Exit
//     waited, unless that cancellation was the group's own; else nil.
func (g *Group) Exit(co *coro.Co, bodyErr error) error {
	g.exiting = true
	var propagate, pending error
	bodyCancelled := bodyErr != nil && errors.Is(bodyErr, context.Canceled)
	if bodyCancelled {
		propagate = bodyErr
	}
	if bodyErr != nil && !g.aborting {
		g.abort()
	}
	for g.live > 0 {
		if g.onCompleted == nil {
			g.onCompleted = NewFutureOn[struct{}](g.loop)
		}
		if _, err := g.onCompleted.Await(co); err != nil {
			pending = err
			if !g.aborting {
				propagate = err
				g.abort()
			}
		}
		g.onCompleted = nil
	}
	if g.parentCancelled {
		if g.parent.Uncancel() == 0 {
			propagate = nil
		} else if propagate == nil {
			propagate = pending // the cancellation left is not the group's
		}
	}
	if propagate != nil && len(g.errs) == 0 {
		return propagate
	}
	errs := g.errs
	if bodyErr != nil && !bodyCancelled {
		errs = append(errs, bodyErr)
	}
	if len(errs) == 0 {
		return nil
	}
	if g.parent.Cancelling() > 0 {
		// A cancellation from outside the group is pending: re-arm it, as
		// asyncio does by uncancel then cancel, keeping the count.
		g.parent.Uncancel()
		g.parent.Cancel()
	}
	return errors.Join(errs...)
}
