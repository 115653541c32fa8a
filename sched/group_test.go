package sched_test

// Focused tests of sched.Group beyond the CPython port
// (cpython_taskgroups_test.go): how failures are joined, what counts as a
// failure, cancellation from outside, misuse, nesting, and the parent task's
// cancellation count afterwards.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

var (
	grErrA = errors.New("a failed")
	grErrB = errors.New("b failed")
	grErrC = errors.New("c failed")
)

// Several children fail in the same loop iteration: every failure is in the
// errors.Join Wait returns, in the order the tasks finished; the one child
// still sleeping is cancelled and is not a member.
func TestGroupJoinsSeveralFailures(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		var sleeperErr error
		g := sched.NewGroup(co)
		g.Spawn(tgCrashAfter(time.Second, grErrB))
		g.Spawn(tgCrashAfter(time.Second, grErrA))
		g.Spawn(func(co *coro.Co) error { sleeperErr = sched.Sleep(co, time.Hour); return sleeperErr })
		g.Spawn(tgCrashAfter(time.Second, grErrC))
		err := g.Wait(co)
		if diff := cmp.Diff([]error{grErrB, grErrA, grErrC}, tgMembers(err), cmp.Comparer(func(x, y error) bool { return x == y })); diff != "" {
			t.Errorf("Wait's members (-want +got):\n%s", diff)
		}
		for _, e := range []error{grErrA, grErrB, grErrC} {
			if !errors.Is(err, e) {
				t.Errorf("errors.Is(Wait's error, %v) = false", e)
			}
		}
		if errors.Is(err, context.Canceled) {
			t.Errorf("Wait's error %v matches context.Canceled: a sibling's cancellation is not a failure", err)
		}
		if !tgIsCancel(sleeperErr) {
			t.Errorf("the sleeping child ended with %v; want a cancellation", sleeperErr)
		}
		if want := "b failed\na failed\nc failed"; err.Error() != want {
			t.Errorf("Wait's message %q; want %q", err.Error(), want)
		}
		return nil
	})
}

// Children that are cancelled, or that return a cancellation themselves, are
// not failures: a group where nothing else happens returns nil.
func TestGroupSiblingCancellationsAreNotFailures(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		inner := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return 1, sched.Sleep(co, time.Hour)
		}))
		g := sched.NewGroup(co)
		g.Spawn(func(co *coro.Co) error { _, err := inner.Await(co); return err })
		g.Spawn(func(co *coro.Co) error { return sched.ErrCancelled })
		g.Spawn(func(co *coro.Co) error { return sched.Sleep(co, time.Second) })
		sched.Sleep(co, 0)
		inner.Cancel()
		if err := g.Wait(co); err != nil {
			t.Errorf("Wait = %v; want nil", err)
		}
		// With a failure as well, the cancellations stay out of the join.
		g = sched.NewGroup(co)
		g.Spawn(func(co *coro.Co) error { return sched.ErrCancelled })
		g.Spawn(tgCrashAfter(time.Millisecond, grErrA))
		g.Spawn(func(co *coro.Co) error { return sched.Sleep(co, time.Hour) })
		err := g.Wait(co)
		if m := tgMembers(err); len(m) != 1 || m[0] != grErrA {
			t.Errorf("Wait = %v; want a join of exactly %v", err, grErrA)
		}
		return nil
	})
}

// Cancelling the task that made the group cancels the group's tasks, whether
// the cancellation reaches the body's await or Wait itself; Wait returns the
// cancellation.
func TestGroupCancelledParentCancelsGroup(t *testing.T) {
	for _, inBody := range []bool{true, false} {
		name := "during Wait"
		if inBody {
			name = "during the body"
		}
		t.Run(name, func(t *testing.T) {
			leaktest.Check(t)
			tgRun(t, func(co *coro.Co) error {
				var childErrs [2]error
				var bodyErr, waitErr error
				r := tgSpawn(co, func(co *coro.Co) error {
					g := sched.NewGroup(co)
					for i := range childErrs {
						g.Spawn(func(co *coro.Co) error { childErrs[i] = sched.Sleep(co, time.Hour); return childErrs[i] })
					}
					if inBody {
						bodyErr = sched.Sleep(co, time.Hour)
					}
					waitErr = g.Exit(co, bodyErr) // nil unless the body's Sleep was cancelled
					return waitErr
				})
				sched.Sleep(co, time.Second)
				r.Cancel()
				_, err := r.Await(co)
				if !tgIsCancel(err) || !tgIsCancel(waitErr) || !r.Cancelled() {
					t.Errorf("Wait = %v, the task = %v (Cancelled %v); want cancellations", waitErr, err, r.Cancelled())
				}
				if inBody && !tgIsCancel(bodyErr) {
					t.Errorf("the body's Sleep = %v; want a cancellation", bodyErr)
				}
				for i, e := range childErrs {
					if !tgIsCancel(e) {
						t.Errorf("child %d ended with %v; want a cancellation", i, e)
					}
				}
				return nil
			})
		})
	}
}

// A cancellation from outside and a child's failure: the failure wins.
func TestGroupFailureWinsOverCancellation(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		r := tgSpawn(co, func(co *coro.Co) error {
			g := sched.NewGroup(co)
			g.Spawn(tgFailInFinally(time.Hour, grErrA)) // fails when it is cancelled
			return g.Wait(co)
		})
		sched.Sleep(co, time.Second)
		r.Cancel()
		_, err := r.Await(co)
		if m := tgMembers(err); len(m) != 1 || m[0] != grErrA || errors.Is(err, context.Canceled) {
			t.Errorf("task = %v; want a join of exactly %v", err, grErrA)
		}
		return nil
	})
}

// Spawn after Wait has returned panics, with and without failures; so does
// Spawn of a nil func.
func TestGroupSpawnAfterWaitPanics(t *testing.T) {
	leaktest.Check(t)
	mustPanic := func(t *testing.T, what, want string, f func()) {
		t.Helper()
		defer func() {
			t.Helper()
			if s, _ := recover().(string); !strings.Contains(s, want) {
				t.Errorf("%s panicked with %q; want a message with %q", what, s, want)
			}
		}()
		f()
		t.Errorf("%s did not panic", what)
	}
	tgRun(t, func(co *coro.Co) error {
		g := sched.NewGroup(co)
		g.Spawn(func(co *coro.Co) error { return sched.Sleep(co, time.Second) })
		if err := g.Wait(co); err != nil {
			t.Errorf("Wait = %v", err)
		}
		mustPanic(t, "Spawn after Wait", "finished", func() { g.Spawn(func(*coro.Co) error { return nil }) })

		g = sched.NewGroup(co)
		g.Spawn(func(*coro.Co) error { return grErrA })
		g.Wait(co)
		mustPanic(t, "Spawn after a failed Wait", "finished", func() { g.Spawn(func(*coro.Co) error { return nil }) })

		g = sched.NewGroup(co)
		mustPanic(t, "Spawn(nil)", "nil", func() { g.Spawn(nil) })
		return g.Wait(co)
	})
}

// Nested groups: a cancellation from outside reaches the innermost tasks, and
// each Wait returns it.
func TestGroupNestedCancellation(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		var leaf, innerWait, outerWait error
		r := tgSpawn(co, func(co *coro.Co) error {
			outer := sched.NewGroup(co)
			outer.Spawn(func(co *coro.Co) error {
				inner := sched.NewGroup(co)
				inner.Spawn(func(co *coro.Co) error { leaf = sched.Sleep(co, time.Hour); return leaf })
				innerWait = inner.Wait(co)
				return innerWait
			})
			outerWait = outer.Wait(co)
			return outerWait
		})
		sched.Sleep(co, time.Second)
		r.Cancel()
		_, err := r.Await(co)
		for what, e := range map[string]error{"the leaf": leaf, "the inner Wait": innerWait, "the outer Wait": outerWait, "the task": err} {
			if !tgIsCancel(e) {
				t.Errorf("%s ended with %v; want a cancellation", what, e)
			}
		}
		return nil
	})
}

// Nested groups: an inner group's failure is the inner Wait's error; a body
// that handles it goes on, and the outer group's other task runs to its end.
// Python 3.11 and later agree (python3 prints "outer child done" for this
// scenario).
func TestGroupNestedFailureHandled(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		var self *sched.Task[struct{}]
		self = tgSpawn(co, func(co *coro.Co) error {
			var slow int
			outer := sched.NewGroup(co)
			outer.Spawn(tgSleepThen(time.Second, 1, &slow))
			inner := sched.NewGroup(co)
			inner.Spawn(func(*coro.Co) error { return grErrA })
			if err := inner.Wait(co); tgMembers(err) == nil || !errors.Is(err, grErrA) {
				t.Errorf("inner Wait = %v; want a join of %v", err, grErrA)
			}
			if err := outer.Wait(co); err != nil {
				t.Errorf("outer Wait = %v; want nil: the inner failure was handled", err)
			}
			if slow != 1 {
				t.Errorf("the outer group's task did not finish")
			}
			return nil
		})
		_, err := self.Await(co)
		return err
	})
}

// A child fails while the parent waits in Wait: the group cancels the parent
// (interrupting Wait) and must take that cancellation back, leaving the
// parent's cancellation count as it was. CPython 3.11 leaves it at 1 (its
// __aexit__ calls uncancel() only before waiting); 3.13 fixed it (gh-116720),
// and the contract follows the fix.
func TestGroupChildFailsDuringWaitRestoresCancelling(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		var self *sched.Task[struct{}]
		self = tgSpawn(co, func(co *coro.Co) error {
			g := sched.NewGroup(co)
			g.Spawn(tgCrashAfter(time.Second, grErrA))
			if err := g.Wait(co); !errors.Is(err, grErrA) {
				t.Errorf("Wait = %v; want %v", err, grErrA)
			}
			if n := self.Cancelling(); n != 0 {
				t.Errorf("Cancelling() after Wait = %d; want 0", n)
			}
			if err := sched.Sleep(co, time.Second); err != nil {
				t.Errorf("Sleep after the group = %v; want nil", err)
			}
			return nil
		})
		_, err := self.Await(co)
		return err
	})
}

// A failure during the body (before Wait): the body's await returns
// ErrCancelled, Wait takes the group's cancellation back, and the task goes on
// with no cancellation pending.
func TestGroupChildFailsDuringBodyRestoresCancelling(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		var self *sched.Task[struct{}]
		self = tgSpawn(co, func(co *coro.Co) error {
			g := sched.NewGroup(co)
			g.Spawn(tgCrashAfter(time.Second, grErrA))
			if err := sched.Sleep(co, time.Hour); !tgIsCancel(err) {
				t.Errorf("the body's Sleep = %v; want a cancellation", err)
			}
			if err := g.Wait(co); !errors.Is(err, grErrA) {
				t.Errorf("Wait = %v; want %v", err, grErrA)
			}
			if n := self.Cancelling(); n != 0 {
				t.Errorf("Cancelling() after Wait = %d; want 0", n)
			}
			if err := sched.Sleep(co, time.Second); err != nil {
				t.Errorf("Sleep after the group = %v; want nil", err)
			}
			return nil
		})
		_, err := self.Await(co)
		return err
	})
}

// When a child fails, the group cancels its other tasks in the order they were
// spawned, so traces are the same run after run. CPython cancels them in the
// iteration order of its task set, which is arbitrary (hash order; creation
// order for the two siblings of testdata/taskgroup_child_fails.py); like the
// tie between equal timer deadlines, sched closes it.
func TestGroupAbortCancelsInSpawnOrder(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		var order []int
		g := sched.NewGroup(co)
		sibling := func(i int) func(co *coro.Co) error {
			return func(co *coro.Co) error {
				err := sched.Sleep(co, time.Hour)
				order = append(order, i)
				return err
			}
		}
		for i := range 10 {
			g.Spawn(sibling(i))
		}
		g.Spawn(tgCrashAfter(time.Second, grErrA))
		for i := 10; i < 20; i++ {
			g.Spawn(sibling(i))
		}
		if err := g.Wait(co); !errors.Is(err, grErrA) {
			t.Errorf("Wait = %v; want %v", err, grErrA)
		}
		want := make([]int, 20)
		for i := range want {
			want[i] = i
		}
		if diff := cmp.Diff(want, order); diff != "" {
			t.Errorf("order of cancellation (-want +got):\n%s", diff)
		}
		return nil
	})
}

// Group.Cancel (Python 3.15's TaskGroup.cancel) cancels the group's tasks and
// the body's pending await; their cancellations are not failures, so Wait
// returns nil, and the cancellation of the task that made the group is taken
// back. Spawn panics afterwards.
func TestGroupCancel(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		var errs [2]error
		g := sched.NewGroup(co)
		for i := range errs {
			g.Spawn(func(co *coro.Co) error { errs[i] = sched.Sleep(co, time.Hour); return errs[i] })
		}
		sched.Sleep(co, time.Second)
		g.Cancel()
		g.Cancel() // a second call does nothing more
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Spawn after Cancel did not panic")
				}
			}()
			g.Spawn(func(*coro.Co) error { return nil })
		}()
		if err := g.Wait(co); err != nil {
			t.Errorf("Wait after Cancel = %v; want nil", err)
		}
		for i, e := range errs {
			if !tgIsCancel(e) {
				t.Errorf("task %d ended with %v; want a cancellation", i, e)
			}
		}
		if n := sched.Current(co).Cancelling(); n != 0 {
			t.Errorf("Cancelling() = %d; want 0", n)
		}
		return sched.Sleep(co, time.Second)
	})
}

// WithGroup ends the group with the body's error: a failing body cancels the
// group's tasks and its error comes last in the join; a body that ends
// normally waits for them.
func TestWithGroup(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		var childErr error
		err := sched.WithGroup(co, func(co *coro.Co, g *sched.Group) error {
			g.Spawn(func(co *coro.Co) error { childErr = sched.Sleep(co, time.Hour); return childErr })
			g.Spawn(tgCrashAfter(time.Second, grErrA))
			if err := sched.Sleep(co, 2*time.Second); err != nil {
				return err // cancelled by the group when the second child fails
			}
			return grErrB
		})
		if m := tgMembers(err); len(m) != 1 || m[0] != grErrA {
			t.Errorf("WithGroup = %v; want a join of exactly %v", err, grErrA)
		}
		if !tgIsCancel(childErr) {
			t.Errorf("the sleeping child ended with %v; want a cancellation", childErr)
		}

		var done bool
		err = sched.WithGroup(co, func(co *coro.Co, g *sched.Group) error {
			g.Spawn(func(co *coro.Co) error { childErr = sched.Sleep(co, time.Hour); return childErr })
			g.Spawn(func(co *coro.Co) error { done = true; return nil })
			return grErrB
		})
		if m := tgMembers(err); len(m) != 1 || m[0] != grErrB {
			t.Errorf("WithGroup = %v; want a join of exactly %v", err, grErrB)
		}
		if !tgIsCancel(childErr) || done {
			t.Errorf("children: %v, second ran %v; want a cancellation, and the second never started", childErr, done)
		}

		t0 := sched.LoopOf(co).Now()
		err = sched.WithGroup(co, func(co *coro.Co, g *sched.Group) error {
			g.Spawn(func(co *coro.Co) error { return sched.Sleep(co, time.Hour) })
			return nil
		})
		if err != nil || sched.LoopOf(co).Now().Sub(t0) != time.Hour {
			t.Errorf("WithGroup = %v after %v; want nil after 1h", err, sched.LoopOf(co).Now().Sub(t0))
		}
		return nil
	})
}
