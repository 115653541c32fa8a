package sched

import (
	"context"
	"errors"
	"iter"
	"slices"

	"github.com/corio-go/corio/coro"
)

// This file uses only sched's exported API (Spawn, Task, Future), so that it
// stays out of the way of the loop's internals.

// Map runs f on each value of src, each call a task of its own, with at most
// limit calls in flight, and ranges over the results in src's order: asyncio's
// "gather with a concurrency limit" (a Semaphore around each awaitable), as a
// stream. Each pair is f's result and error for one value, in src's order; an
// error ends nothing, the next pair follows. limit <= 0 means no limit.
//
// Map holds at most limit values at a time, in flight or finished and waiting
// for their turn, as the futures library's buffered streams do: a slow call
// holds back the results after it, and with them the start of new calls, so
// memory stays bounded however far ahead the others run. [MapUnordered] hands
// results out as they finish, and keeps limit calls busy.
//
// src is ranged on the calling task, lazily: value i+limit is drawn only once
// result i has been handed out. src may await on co between values (a
// [Queue.All], an async source); results that finish meanwhile wait until the
// range next has control. The tasks start when the calling task next
// suspends, as [Spawn]'s do.
//
// Leaving the loop early (break, return) cancels the calls in flight and
// waits for them to finish before the range statement ends, as a TaskGroup's
// exit does; their results are dropped, errors included. A cancellation of
// the calling task during that wait is not lost: it is thrown again at the
// task's next await. If the calling task is cancelled while the range waits
// for a result, the calls in flight are cancelled and waited for too, and the
// loop gets one last pair: the zero value and the cancellation error. A panic
// in the loop body cancels the calls in flight without waiting. A panic in f
// comes out of Run as any task's does.
//
// Range the result on co's task. Each range is a run of its own, ranging src
// again: the result is re-iterable if src is. Map panics if src or f is nil;
// ranging it panics if co is not driven by a sched task.
func Map[T, U any](co *coro.Co, src iter.Seq[T], limit int, f func(co *coro.Co, v T) (U, error)) iter.Seq2[U, error] {
	if src == nil {
		panic("sched.Map: nil sequence")
	}
	if f == nil {
		panic("sched.Map: nil func")
	}
	return func(yield func(U, error) bool) {
		m := newMapping("sched.Map", co, limit, f, true)
		m.run(src, yield)
	}
}

// MapUnordered is [Map] with the results handed out as the calls finish,
// rather than in src's order: asyncio's as_completed over tasks started under
// a Semaphore. At most limit calls are in flight (limit <= 0: no limit), and a
// new one starts as soon as one has finished and its result has been handed
// out. Results that finish together come in the order they finished. Breaking
// out, cancellation and panics are as for Map.
func MapUnordered[T, U any](co *coro.Co, src iter.Seq[T], limit int, f func(co *coro.Co, v T) (U, error)) iter.Seq2[U, error] {
	if src == nil {
		panic("sched.MapUnordered: nil sequence")
	}
	if f == nil {
		panic("sched.MapUnordered: nil func")
	}
	return func(yield func(U, error) bool) {
		m := newMapping("sched.MapUnordered", co, limit, f, false)
		m.run(src, yield)
	}
}

// mapping is one range over Map or MapUnordered. Everything in it belongs to
// the calling task's loop goroutine: the done callbacks run there too.
type mapping[T, U any] struct {
	co      *coro.Co
	f       func(co *coro.Co, v T) (U, error)
	limit   int
	ordered bool

	// tasks are those not handed out yet, in spawn order. Ordered, it is the
	// window: its head is the next result due. Unordered, it holds done tasks
	// too, dropped lazily; finished has the done ones in the order their done
	// callbacks ran.
	tasks    []*Task[U]
	finished []*Task[U]
	live     int               // spawned tasks whose done callbacks have not run
	wake     *Future[struct{}] // what the range waits on, while it waits
	err      error             // the calling task's cancellation, once seen
	yield    func(U, error) bool
	broke    bool // the consumer left the loop
}

func newMapping[T, U any](name string, co *coro.Co, limit int, f func(*coro.Co, T) (U, error), ordered bool) *mapping[T, U] {
	if co == nil || LoopOf(co) == nil {
		panic(name + ": not ranged on a task of a running loop")
	}
	return &mapping[T, U]{co: co, f: f, limit: limit, ordered: ordered}
}

// run is the range: it hands results to yield until src and the calls are
// done, the consumer stops, or the calling task is cancelled.
func (m *mapping[T, U]) run(src iter.Seq[T], yield func(U, error) bool) {
	m.yield = yield
	finished := false // the range ended without a panic or Goexit
	defer func() {
		if !finished {
			m.cancel() // unwinding: no waiting while a panic is on its way
		}
	}()
	// Room is made before the next value is drawn, so that value i+limit is
	// drawn only once result i is out: nothing is drawn that a break would
	// waste.
	if m.room() {
		for v := range src {
			m.spawn(v)
			if !m.handOut(false) || !m.room() {
				break
			}
		}
	}
	if !m.broke && m.err == nil {
		m.handOut(true)
	}
	m.stop()
	finished = true
	switch {
	case m.broke && m.err != nil:
		// Cancelled while waiting for the calls after a break: the loop has
		// no pair left to carry it, so it is thrown again at the task's next
		// await (as Queue.All does), without counting as a second request.
		if t := Current(m.co); t != nil && !t.Done() {
			t.Uncancel()
			t.Cancel()
		}
	case m.err != nil:
		var zero U
		yield(zero, m.err)
	}
}

// hand gives one result to the consumer and reports whether it wants more.
func (m *mapping[T, U]) hand(t *Task[U]) bool {
	if !m.yield(t.Result()) {
		m.broke = true
		return false
	}
	return true
}

// spawn starts f(v) as a task.
func (m *mapping[T, U]) spawn(v T) {
	f := m.f
	t := Spawn(m.co, coro.New(func(co *coro.Co) (U, error) { return f(co, v) }))
	m.live++
	if !m.ordered && len(m.tasks) > 2*m.live+16 {
		m.tasks = slices.DeleteFunc(m.tasks, (*Task[U]).Done)
	}
	m.tasks = append(m.tasks, t)
	t.AddDoneCallback(func() { m.done(t) })
}

// done is a task's done callback.
func (m *mapping[T, U]) done(t *Task[U]) {
	m.live--
	if !m.ordered {
		m.finished = append(m.finished, t)
	}
	if w := m.wake; w != nil && !w.Done() {
		w.SetResult(struct{}{})
	}
}

// wait suspends the range until a task's done callback has run. It reports
// false, with m.err set, if the calling task is cancelled meanwhile.
func (m *mapping[T, U]) wait() bool {
	m.wake = NewFuture[struct{}](m.co)
	_, err := m.wake.Await(m.co)
	m.wake = nil
	if err != nil {
		m.err = err
		return false
	}
	return true
}

// room hands out results, waiting as needed, until another call may start. It
// reports whether the range goes on.
func (m *mapping[T, U]) room() bool {
	if m.limit <= 0 {
		return true
	}
	if m.ordered {
		for len(m.tasks) >= m.limit {
			if !m.handOutHead() {
				return false
			}
		}
		return true
	}
	for m.live >= m.limit {
		if len(m.finished) == 0 && !m.wait() {
			return false
		}
		if !m.handOut(false) {
			return false
		}
	}
	return true
}

// handOutHead waits for the head of the window and hands its result out.
func (m *mapping[T, U]) handOutHead() bool {
	t := m.tasks[0]
	for !t.Done() {
		if !m.wait() {
			return false
		}
	}
	m.tasks[0] = nil
	m.tasks = m.tasks[1:]
	return m.hand(t)
}

// handOut hands out the results that are due, waiting for them if all is true
// (to the last), or only those ready now.
func (m *mapping[T, U]) handOut(all bool) bool {
	if m.ordered {
		for len(m.tasks) > 0 && (all || m.tasks[0].Done()) {
			if !m.handOutHead() {
				return false
			}
		}
		return true
	}
	for len(m.finished) > 0 || (all && m.live > 0) {
		if len(m.finished) == 0 {
			if !m.wait() {
				return false
			}
			continue
		}
		t := m.finished[0]
		m.finished[0] = nil
		m.finished = m.finished[1:]
		if !m.hand(t) {
			return false
		}
	}
	return true
}

// cancel cancels the calls in flight, in the order they started.
func (m *mapping[T, U]) cancel() {
	for _, t := range m.tasks {
		if !t.Done() {
			t.Cancel()
		}
	}
}

// stop cancels the calls in flight and waits until every task is done, as a
// TaskGroup's exit does, through further cancellations of the calling task
// (the first is kept in m.err). The results nobody will see are marked
// retrieved, so that the loop does not report their errors as unhandled.
func (m *mapping[T, U]) stop() {
	m.cancel()
	for m.live > 0 {
		m.wake = NewFuture[struct{}](m.co)
		_, err := m.wake.Await(m.co)
		m.wake = nil
		if err != nil && !errors.Is(err, context.Canceled) {
			break // the loop is closing the calling task: it closes the others too
		}
		if err != nil && m.err == nil {
			m.err = err
		}
	}
	for _, t := range slices.Concat(m.tasks, m.finished) {
		if t.Done() {
			t.Result()
		}
	}
	m.tasks, m.finished = nil, nil
}
