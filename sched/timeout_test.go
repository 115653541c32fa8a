package sched_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

func TestTimeoutReschedule(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	traceRun(t, true, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		t0 := l.Now()
		rel := func(at time.Time) string { return fmt.Sprintf("%.1f", at.Sub(t0).Seconds()) }
		var cm *sched.Timeout
		err := sched.Scope(co, time.Second, func(co *coro.Co, to *sched.Timeout) error {
			cm = to
			tr.add("when %s, expired %s", rel(to.When()), traceBool(to.Expired()))
			to.Reschedule(l.Now().Add(3 * time.Second))
			if err := sched.Sleep(co, 2*time.Second); err != nil {
				return err
			}
			tr.add("at %s: slept 2, when %s", rel(l.Now()), rel(to.When()))
			to.Reschedule(time.Time{})
			if to.When().IsZero() {
				tr.add("when None")
			}
			if err := sched.Sleep(co, 5*time.Second); err != nil {
				return err
			}
			tr.add("at %s: slept 5 with no deadline", rel(l.Now()))
			to.Reschedule(l.Now().Add(-time.Second))
			tr.add("expired %s right after moving the deadline into the past", traceBool(to.Expired()))
			if err := sched.Sleep(co, time.Second); err != nil {
				return err
			}
			tr.add("not reached")
			return nil
		})
		if errors.Is(err, sched.ErrTimeout) {
			tr.add("at %s: TimeoutError, expired %s", rel(l.Now()), traceBool(cm.Expired()))
		}
		if cm.Reschedule(time.Time{}) != nil {
			tr.add("reschedule after the block: RuntimeError")
		}
		err = sched.Scope(co, time.Second, func(co *coro.Co, to *sched.Timeout) error {
			cm = to
			return sched.Sleep(co, 500*time.Millisecond)
		})
		if err != nil {
			return err
		}
		tr.add("at %s: block done in time, expired %s", rel(l.Now()), traceBool(cm.Expired()))
		return nil
	})
	traceCompare(t, "timeout_reschedule", tr)
}

// MoveOnAfter: the deadline passing ends the block without an error and
// reports it; a body that ends in time, or fails, is reported as it is.
func TestMoveOnAfter(t *testing.T) {
	leaktest.Check(t)
	boom := errors.New("boom")
	tgRun(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		t0 := l.Now()
		expired, err := sched.MoveOnAfter(co, time.Second, func(co *coro.Co) error {
			return sched.Sleep(co, time.Hour)
		})
		if !expired || err != nil || l.Now().Sub(t0) != time.Second {
			t.Errorf("MoveOnAfter of a long sleep = %v, %v after %v; want true, nil after 1s", expired, err, l.Now().Sub(t0))
		}
		expired, err = sched.MoveOnAfter(co, time.Second, func(co *coro.Co) error { return sched.Sleep(co, time.Millisecond) })
		if expired || err != nil {
			t.Errorf("MoveOnAfter of a short sleep = %v, %v; want false, nil", expired, err)
		}
		expired, err = sched.MoveOnAfter(co, time.Second, func(co *coro.Co) error { return boom })
		if expired || err != boom {
			t.Errorf("MoveOnAfter of a failing body = %v, %v; want false, %v", expired, err, boom)
		}
		// A cancellation from outside is not the timeout's: it comes out.
		me := sched.Current(co)
		l.AfterFunc(time.Millisecond, func() { me.Cancel() })
		expired, err = sched.MoveOnAfter(co, time.Second, func(co *coro.Co) error { return sched.Sleep(co, time.Hour) })
		if expired || !errors.Is(err, sched.ErrCancelled) {
			t.Errorf("MoveOnAfter cancelled from outside = %v, %v; want false and the cancellation", expired, err)
		}
		me.Uncancel()
		return nil
	})
}

// Group.Start waits until the child calls ready; a child that fails first
// fails Start, not the group; a cancelled starter cancels the child.
func TestGroupStart(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		t0 := l.Now()
		var events []string
		err := sched.WithGroup(co, func(co *coro.Co, g *sched.Group) error {
			err := g.Start(co, func(co *coro.Co, ready func()) error {
				if err := sched.Sleep(co, time.Second); err != nil { // setting up
					return err
				}
				ready()
				events = append(events, "ready")
				return sched.Sleep(co, time.Second)
			})
			events = append(events, fmt.Sprintf("Start returned %v at %v", err, l.Now().Sub(t0)))

			err = g.Start(co, func(co *coro.Co, ready func()) error { return grErrA })
			events = append(events, fmt.Sprintf("failing Start: %v", err))
			err = g.Start(co, func(co *coro.Co, ready func()) error { return nil })
			events = append(events, fmt.Sprintf("Start without ready: %v", err != nil))
			return nil
		})
		events = append(events, fmt.Sprintf("group: %v at %v", err, l.Now().Sub(t0)))
		want := []string{
			"ready", // the child goes on until it next waits; Start returns an iteration later
			"Start returned <nil> at 1s",
			"failing Start: a failed",
			"Start without ready: true",
			"group: <nil> at 2s",
		}
		if fmt.Sprint(events) != fmt.Sprint(want) {
			t.Errorf("events = %q; want %q", events, want)
		}

		var childErr error
		starter := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			return struct{}{}, sched.WithGroup(co, func(co *coro.Co, g *sched.Group) error {
				return g.Start(co, func(co *coro.Co, ready func()) error {
					childErr = sched.Sleep(co, time.Hour)
					return childErr
				})
			})
		}))
		sched.Sleep(co, time.Second)
		starter.Cancel()
		if _, err := starter.Await(co); !errors.Is(err, sched.ErrCancelled) || !errors.Is(childErr, sched.ErrCancelled) {
			t.Errorf("cancelled starter = %v, child = %v; want both cancelled", err, childErr)
		}
		return nil
	})
}

// SleepUntil of deadlines that have passed wakes the tasks in deadline order,
// as if the loop had been on time; Sleep of what is left (<= 0: a yield) wakes
// them in the order they asked.
func TestSleepUntilPassedDeadlines(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		t0 := l.Now()
		var order []string
		var tasks []*sched.Task[struct{}]
		for _, c := range []struct {
			name string
			due  time.Duration
		}{{"B", 2 * time.Second}, {"A", time.Second}} {
			tasks = append(tasks, sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				sched.Sleep(co, 3*time.Second) // both deadlines pass meanwhile
				err := sched.SleepUntil(co, t0.Add(c.due))
				order = append(order, c.name)
				return struct{}{}, err
			})))
		}
		if _, err := sched.Gather(co, coro.Awaitables(tasks)...); err != nil {
			return err
		}
		if fmt.Sprint(order) != "[A B]" {
			t.Errorf("woke in order %v; want [A B] (deadline order)", order)
		}
		return nil
	})
}

// Ports of test_timeouts.py cases that need the Timeout object (Scope).

// timeout(None): a Scope whose deadline is removed at once.
func TestCPythonTimeoutsDisabled(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		var cm *sched.Timeout
		err := sched.Scope(co, time.Second, func(co *coro.Co, to *sched.Timeout) error {
			cm = to
			to.Reschedule(time.Time{})
			return sched.Sleep(co, 10*time.Second)
		})
		if err != nil || cm.Expired() || !cm.When().IsZero() {
			t.Errorf("Scope = %v, Expired %v, When %v; want nil, false, the zero Time", err, cm.Expired(), cm.When())
		}
		return nil
	})
}

func TestCPythonTimeoutsReschedule(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		deadline1 := l.Now().Add(10 * time.Second)
		deadline2 := deadline1.Add(20 * time.Second)
		fut := sched.NewFuture[*sched.Timeout](co)
		task := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			return struct{}{}, sched.Scope(co, deadline1.Sub(l.Now()), func(co *coro.Co, to *sched.Timeout) error {
				fut.SetResult(to)
				return sched.Sleep(co, 50*time.Second)
			})
		}))
		cm, _ := fut.Await(co)
		if !cm.When().Equal(deadline1) {
			t.Errorf("When = %v; want %v", cm.When(), deadline1)
		}
		cm.Reschedule(deadline2)
		if !cm.When().Equal(deadline2) {
			t.Errorf("When after Reschedule = %v; want %v", cm.When(), deadline2)
		}
		cm.Reschedule(time.Time{})
		if !cm.When().IsZero() {
			t.Errorf("When after Reschedule(zero) = %v; want the zero Time", cm.When())
		}
		task.Cancel()
		if _, err := task.Await(co); !errors.Is(err, sched.ErrCancelled) || cm.Expired() {
			t.Errorf("task = %v, Expired %v; want a cancellation, false", err, cm.Expired())
		}
		return nil
	})
}

// Reschedule once the timeout is finished, expired or expiring is an error
// naming the state (Python: RuntimeError).
func TestCPythonTimeoutsRescheduleStates(t *testing.T) {
	leaktest.Check(t)
	tgRun(t, func(co *coro.Co) error {
		var cm *sched.Timeout
		sched.Scope(co, 10*time.Millisecond, func(co *coro.Co, to *sched.Timeout) error { cm = to; return nil })
		if err := cm.Reschedule(time.Time{}); err == nil || !strings.Contains(err.Error(), "finished") {
			t.Errorf("Reschedule of a finished timeout = %v; want an error saying finished", err)
		}
		err := sched.Scope(co, 10*time.Millisecond, func(co *coro.Co, to *sched.Timeout) error {
			cm = to
			return sched.Sleep(co, time.Second)
		})
		if !errors.Is(err, sched.ErrTimeout) {
			t.Errorf("Scope = %v; want a timeout", err)
		}
		if err := cm.Reschedule(time.Time{}); err == nil || !strings.Contains(err.Error(), "expired") {
			t.Errorf("Reschedule of an expired timeout = %v; want an error saying expired", err)
		}
		sched.Scope(co, 10*time.Millisecond, func(co *coro.Co, to *sched.Timeout) error {
			if err := sched.Sleep(co, time.Second); !errors.Is(err, sched.ErrCancelled) {
				t.Errorf("Sleep = %v; want a cancellation", err)
			}
			if err := to.Reschedule(time.Time{}); err == nil || !strings.Contains(err.Error(), "expiring") {
				t.Errorf("Reschedule of an expiring timeout = %v; want an error saying expiring", err)
			}
			return nil
		})
		return nil
	})
}
