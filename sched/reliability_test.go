package sched_test

// Regression tests of the reliability issue: each class of disagreement with
// CPython that the random-program tester (conformance/difftest) or a stress run
// found, played against a committed python3 trace where Python defines it.

import (
	"errors"
	"fmt"
	"time"

	"testing"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// since formats the loop's time since t0 as the scripts do (%.1f seconds).
func since(co *coro.Co, t0 time.Time) string {
	return fmt.Sprintf("%.1f", sched.LoopOf(co).Now().Sub(t0).Seconds())
}

func TestGroupExit(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	case1 := func(co *coro.Co) error {
		child := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			if err := sched.Sleep(co, time.Second); err != nil {
				tr.add("  child: caught the cancellation, returns 1")
				return 1, nil
			}
			return 0, nil
		}))
		sched.Sleep(co, 0)
		err := sched.WithTimeout(co, 0, func(co *coro.Co) error {
			g := sched.NewGroup(co)
			r, err := child.Await(co)
			if err != nil {
				return g.Exit(co, err)
			}
			tr.add("  await gave %d", r)
			if err := g.Wait(co); err != nil {
				return err
			}
			tr.add("  group exited ok")
			return nil
		})
		if err != nil {
			tr.add("  raised %v", err)
		} else {
			tr.add("  timeout exited ok")
		}
		tr.add("  cancelling %d", sched.Current(co).Cancelling())
		return nil
	}
	case2 := func(co *coro.Co) error {
		g := sched.NewGroup(co)
		sched.Current(co).Cancel()
		if err := g.Wait(co); err != nil {
			tr.add("  group raised %v", err)
		} else {
			tr.add("  group exited ok")
		}
		for i := range 2 {
			if err := sched.Sleep(co, 0); err != nil {
				tr.add("  sleep %d cancelled", i)
				sched.Current(co).Uncancel()
			} else {
				tr.add("  sleep %d ok", i)
			}
		}
		return nil
	}
	case3 := func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		me := sched.Current(co)
		sched.LoopOf(co).AfterFunc(100*time.Millisecond, func() { me.Cancel() })
		g := sched.NewGroup(co)
		g.Spawn(func(co *coro.Co) error {
			if err := sched.Sleep(co, time.Second); err != nil {
				return err
			}
			tr.add("  child done at %s", since(co, t0))
			return nil
		})
		if err := sched.Sleep(co, 500*time.Millisecond); errors.Is(err, sched.ErrCancelled) {
			tr.add("  body caught the cancellation at %s", since(co, t0))
		}
		if err := g.Wait(co); err != nil {
			tr.add("  group raised %v", err)
		} else {
			tr.add("  group exited ok at %s", since(co, t0))
		}
		me.Uncancel()
		return nil
	}
	traceRun(t, true, func(co *coro.Co) error {
		for i, c := range []func(co *coro.Co) error{case1, case2, case3} {
			tr.add("== case%d", i+1)
			if err := c(co); err != nil {
				return err
			}
		}
		return nil
	})
	traceCompare(t, "group_exit", tr)
}

func TestRunShutdown(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	n := 0
	looper := coro.New(func(co *coro.Co) (struct{}, error) {
		for {
			tr.add("looper: iteration %d", n)
			n++
			if err := sched.Sleep(co, 0); err != nil {
				return struct{}{}, err
			}
		}
	})
	sleeper := coro.New(func(co *coro.Co) (struct{}, error) {
		tr.add("sleeper: sleeps 1 s")
		if err := sched.Sleep(co, time.Second); err != nil {
			return struct{}{}, err
		}
		tr.add("sleeper: not reached")
		return struct{}{}, nil
	})
	traceRun(t, true, func(co *coro.Co) error {
		sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			err := sched.Sleep(co, 10*time.Second)
			if err != nil {
				tr.add("child: cancelled, spawns two tasks")
				sched.Spawn(co, looper)
				sched.Spawn(co, sleeper)
			}
			return struct{}{}, err
		}))
		sched.Sleep(co, 0)
		tr.add("main: returns")
		return nil
	})
	tr.add("run returned")
	traceCompare(t, "run_shutdown", tr)
}

// Closing a loop closes its pending tasks; that is not a failure anyone
// should hear about.
func TestCloseReportsNoPendingTask(t *testing.T) {
	leaktest.Check(t)
	var reported []string
	l := sched.NewLoop(sched.VirtualTime(), sched.OnUnhandledError(func(task string, err error) {
		reported = append(reported, task+": "+err.Error())
	}))
	_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (struct{}, error) {
		for range 1000 {
			sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				return struct{}{}, sched.Sleep(co, time.Hour)
			}))
		}
		return struct{}{}, sched.Sleep(co, 0)
	}))
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if len(reported) > 0 {
		t.Errorf("Close reported %d errors, the first %q; want none", len(reported), reported[0])
	}
}
