package sched_test

// Trace tests: each testdata/NAME.py is an asyncio scenario that prints the
// order in which things happen (never times); testdata/NAME.out is python3's
// output, committed beside it. The Go test of the same name plays the scenario
// on sched under VirtualTime and must print the same lines; the sleep-ordering
// scenarios run a second time on the real clock, scaled down, and must print
// them too. Regenerate an .out with: python3 testdata/NAME.py > testdata/NAME.out

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/internal/tracetest"
	"github.com/corio-go/corio/sched"
)

// traceLog collects the lines a scenario prints.
type traceLog []string

func (tr *traceLog) add(format string, args ...any) { *tr = append(*tr, fmt.Sprintf(format, args...)) }

// traceCompare compares the lines with testdata/NAME.out.
func traceCompare(t *testing.T, name string, got traceLog) {
	t.Helper()
	tracetest.Compare(t, name, got)
}

// traceRun runs main as the main task of a loop, under virtual time or on
// the real clock, and fails the test if it returns an error.
func traceRun(t *testing.T, virtual bool, main func(co *coro.Co) error) {
	t.Helper()
	var opts []sched.Option
	if virtual {
		opts = append(opts, sched.VirtualTime())
	}
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, main(co)
	}), opts...)
	if err != nil {
		t.Fatal(err)
	}
}

// traceBool prints b as Python prints a bool.
func traceBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// traceExc is a Python exception raised by a scenario: its class and message.
type traceExc struct{ class, msg string }

func (e *traceExc) Error() string { return e.msg }

// traceShow prints a result or an exception as the scripts' show() does.
func traceShow(r string, err error) string {
	var e *traceExc
	if errors.As(err, &e) {
		return fmt.Sprintf("%s(%s)", e.class, e.msg)
	}
	if err != nil {
		return fmt.Sprintf("<unexpected error %v>", err)
	}
	return r
}

func TestTraceCallSoonFIFO(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	children := map[string]int{"a": 2, "b": 2, "c": 1, "a.1": 1, "b.1": 1, "b.2": 1}
	traceRun(t, true, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		woken := sched.NewFuture[struct{}](co)
		last := sched.NewFuture[struct{}](co)
		var cb func(name string)
		cb = func(name string) {
			tr.add("callback %s", name)
			if name == "b.1" {
				tr.add("  b.1 completes the future main awaits")
				woken.SetResult(struct{}{})
			}
			if name == "b.2.1" {
				last.SetResult(struct{}{})
			}
			for i := range children[name] {
				child := fmt.Sprintf("%s.%d", name, i+1)
				l.CallSoon(func() { cb(child) })
			}
		}
		for _, name := range []string{"a", "b", "c"} {
			l.CallSoon(func() { cb(name) })
		}
		tr.add("main: scheduled a, b, c; awaits the future")
		if _, err := woken.Await(co); err != nil {
			return err
		}
		tr.add("main: resumed")
		if _, err := last.Await(co); err != nil {
			return err
		}
		tr.add("main: done")
		return nil
	})
	traceCompare(t, "call_soon_fifo", tr)
}

func TestTraceTimers(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	traceRun(t, true, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		finished := sched.NewFuture[struct{}](co)
		var cb func(name string)
		later := func(d time.Duration, name string) { l.AfterFunc(d, func() { cb(name) }) }
		soon := func(name string) { l.CallSoon(func() { cb(name) }) }
		cb = func(name string) {
			tr.add("callback %s", name)
			switch name {
			case "zero":
				later(0, "later(0) from zero")
				soon("soon from zero")
			case "0.1 first":
				later(50*time.Millisecond, "later(0.05) from 0.1 first")
			case "0.3":
				finished.SetResult(struct{}{})
			}
		}
		later(300*time.Millisecond, "0.3")
		later(100*time.Millisecond, "0.1 first")
		soon("soon 1")
		later(100*time.Millisecond, "0.1 second")
		later(0, "zero")
		later(-time.Second, "negative")
		later(200*time.Millisecond, "0.2")
		soon("soon 2")
		tr.add("main: scheduled everything")
		if _, err := finished.Await(co); err != nil {
			return err
		}
		tr.add("main: done")
		return nil
	})
	traceCompare(t, "timers", tr)
}

// traceSleepers plays sleepers.py with a second of the script lasting unit.
func traceSleepers(t *testing.T, virtual bool, unit time.Duration) traceLog {
	var tr traceLog
	traceRun(t, virtual, func(co *coro.Co) error {
		var tasks []coro.Awaitable[int]
		for _, n := range []int{2, 1, 3} {
			tasks = append(tasks, sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
				tr.add("task %d: sleeps %ds", n, n)
				if err := sched.Sleep(co, time.Duration(n)*unit); err != nil {
					return 0, err
				}
				tr.add("task %d: wakes", n)
				return n, nil
			})))
		}
		tr.add("main: gathers")
		res, err := sched.Gather(co, tasks...)
		if err != nil {
			return err
		}
		tr.add("main: results [%d, %d, %d]", res[0], res[1], res[2])
		return nil
	})
	return tr
}

func TestTraceSleepers(t *testing.T) {
	leaktest.Check(t)
	traceCompare(t, "sleepers", traceSleepers(t, true, time.Second))
	t.Run("real clock", func(t *testing.T) {
		traceCompare(t, "sleepers", traceSleepers(t, false, 10*time.Millisecond))
	})
}

func traceRoundRobin(t *testing.T, virtual bool) traceLog {
	var tr traceLog
	traceRun(t, virtual, func(co *coro.Co) error {
		var tasks []coro.Awaitable[string]
		for _, name := range []string{"a", "b", "c"} {
			tasks = append(tasks, sched.Spawn(co, coro.New(func(co *coro.Co) (string, error) {
				for i := range 3 {
					tr.add("%s round %d", name, i)
					if err := sched.Sleep(co, 0); err != nil {
						return "", err
					}
				}
				tr.add("%s done", name)
				return name, nil
			})))
		}
		tr.add("main: gathers")
		res, err := sched.Gather(co, tasks...)
		if err != nil {
			return err
		}
		tr.add("main: results ['%s']", strings.Join(res, "', '"))
		return nil
	})
	return tr
}

func TestTraceRoundRobin(t *testing.T) {
	leaktest.Check(t)
	traceCompare(t, "round_robin", traceRoundRobin(t, true))
	t.Run("real clock", func(t *testing.T) {
		traceCompare(t, "round_robin", traceRoundRobin(t, false))
	})
}

func TestTraceGatherOrder(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	child := func(name string, delay time.Duration, fail bool) *coro.Coro[string] {
		return coro.New(func(co *coro.Co) (string, error) {
			if err := sched.Sleep(co, delay); err != nil {
				return "", err
			}
			if fail {
				tr.add("  %s fails", name)
				return "", &traceExc{"ValueError", name + " failed"}
			}
			tr.add("  %s finishes", name)
			return name, nil
		})
	}
	traceRun(t, true, func(co *coro.Co) error {
		tr.add("== finish order differs from argument order")
		res, err := sched.Gather(co, child("a", 3*time.Second, false), child("b", time.Second, false), child("c", 2*time.Second, false))
		if err != nil {
			return err
		}
		tr.add("results: %s", strings.Join(res, ", "))

		tr.add("== return_exceptions=True")
		res, errs, err := sched.GatherAll(co, child("a", 3*time.Second, false), child("b", time.Second, true), child("c", 2*time.Second, false))
		if err != nil {
			return err
		}
		shown := make([]string, len(res))
		for i := range res {
			shown[i] = traceShow(res[i], errs[i])
		}
		tr.add("results: %s", strings.Join(shown, ", "))

		tr.add("== the first failure propagates; the others go on")
		slow := sched.Spawn(co, child("slow", 2*time.Second, false))
		if _, err := sched.Gather(co, slow, child("bad", time.Second, true)); err != nil {
			tr.add("gather raised %s", traceShow("", err))
		}
		tr.add("slow done: %s", traceBool(slow.Done()))
		r, err := slow.Await(co)
		if err != nil {
			return err
		}
		tr.add("slow result: %s", r)
		return nil
	})
	traceCompare(t, "gather_order", tr)
}

func TestTraceWaitModes(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	delays := map[string]time.Duration{"a": time.Second, "b": 2 * time.Second, "c": 3 * time.Second, "x": 1500 * time.Millisecond}
	traceRun(t, true, func(co *coro.Co) error {
		spawn := func(names string) []*sched.Task[string] {
			var tasks []*sched.Task[string]
			for _, r := range names {
				name := string(r)
				task := sched.Spawn(co, coro.New(func(co *coro.Co) (string, error) {
					if err := sched.Sleep(co, delays[name]); err != nil {
						return "", err
					}
					if name == "x" {
						tr.add("  %s fails", name)
						return "", &traceExc{"ValueError", name}
					}
					tr.add("  %s finishes", name)
					return name, nil
				}))
				task.SetName(name)
				tasks = append(tasks, task)
			}
			return tasks
		}
		names := func(tasks []*sched.Task[string]) string {
			var s []string
			for _, t := range tasks {
				s = append(s, t.Name())
			}
			if len(s) == 0 {
				return "-"
			}
			slices.Sort(s)
			return strings.Join(s, " ")
		}
		scenario := func(title string, tasks []*sched.Task[string], when sched.ReturnWhen, timeout time.Duration) error {
			tr.add("== %s", title)
			done, pending, err := sched.Wait(co, tasks, when, timeout)
			if err != nil {
				return err
			}
			tr.add("done: %s; pending: %s", names(done), names(pending))
			for _, t := range tasks {
				if !t.Done() || t.Cancelled() {
					continue
				}
				if _, err := t.Result(); err != nil {
					var e *traceExc
					if errors.As(err, &e) {
						tr.add("%s raised %s", t.Name(), e.class)
					} else {
						tr.add("%s raised <unexpected error %v>", t.Name(), err)
					}
				}
			}
			if len(pending) > 0 {
				if _, _, err := sched.Wait(co, pending, sched.AllCompleted, 0); err != nil {
					return err
				}
				for _, t := range pending {
					t.Result() // retrieved
				}
			}
			return nil
		}
		steps := []struct {
			title   string
			names   string
			when    sched.ReturnWhen
			timeout time.Duration
		}{
			{"ALL_COMPLETED", "abc", sched.AllCompleted, 0},
			{"FIRST_COMPLETED", "cba", sched.FirstCompleted, 0},
			{"FIRST_EXCEPTION with a failure", "abxc", sched.FirstException, 0},
			{"FIRST_EXCEPTION without one", "ab", sched.FirstException, 0},
			{"timeout 2.5 s", "abc", sched.AllCompleted, 2500 * time.Millisecond},
			{"timeout after everything", "ab", sched.AllCompleted, 5 * time.Second},
		}
		for _, s := range steps {
			if err := scenario(s.title, spawn(s.names), s.when, s.timeout); err != nil {
				return err
			}
		}
		return nil
	})
	traceCompare(t, "wait_modes", tr)
}

func TestTraceWaitForTimeout(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	worker := func(delay time.Duration) *coro.Coro[string] {
		return coro.New(func(co *coro.Co) (string, error) {
			tr.add("  worker: starts")
			err := sched.Sleep(co, delay)
			if errors.Is(err, sched.ErrCancelled) {
				tr.add("  worker: cancelled, cleaning up")
				if err := sched.Sleep(co, 0); err != nil {
					tr.add("  worker: finally")
					return "", err
				}
				tr.add("  worker: cleanup done")
			}
			tr.add("  worker: finally")
			if err != nil {
				return "", err
			}
			tr.add("  worker: returns")
			return "result", nil
		})
	}
	traceRun(t, true, func(co *coro.Co) error {
		tr.add("== times out")
		if _, err := sched.WaitFor(co, worker(10*time.Second), time.Second); errors.Is(err, sched.ErrTimeout) {
			tr.add("main: TimeoutError")
		} else {
			return fmt.Errorf("WaitFor error = %v; want ErrTimeout", err)
		}

		tr.add("== in time")
		r, err := sched.WaitFor(co, worker(time.Second), 10*time.Second)
		if err != nil {
			return err
		}
		tr.add("main: got %s", r)
		return nil
	})
	traceCompare(t, "wait_for_timeout", tr)
}

func TestTraceCancelSleep(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	catcher := coro.New(func(co *coro.Co) (int, error) {
		tr.add("  catcher: sleeps")
		if err := sched.Sleep(co, 10*time.Second); errors.Is(err, sched.ErrCancelled) {
			tr.add("  catcher: caught CancelledError")
		} else if err != nil {
			return 0, err
		}
		tr.add("  catcher: goes on")
		if err := sched.Sleep(co, 0); err != nil {
			return 0, err
		}
		tr.add("  catcher: returns 7")
		return 7, nil
	})
	quitter := coro.New(func(co *coro.Co) (int, error) {
		tr.add("  quitter: sleeps")
		err := sched.Sleep(co, 10*time.Second)
		tr.add("  quitter: finally")
		if err != nil {
			return 0, err
		}
		tr.add("  quitter: not reached")
		return 0, nil
	})
	traceRun(t, true, func(co *coro.Co) error {
		tr.add("== caught")
		task := sched.Spawn(co, catcher)
		if err := sched.Sleep(co, 0); err != nil {
			return err
		}
		tr.add("main: cancel() -> %s", traceBool(task.Cancel()))
		r, err := task.Await(co)
		if err != nil {
			return err
		}
		tr.add("main: result %d, cancelled %s", r, traceBool(task.Cancelled()))

		tr.add("== uncaught")
		task = sched.Spawn(co, quitter)
		if err := sched.Sleep(co, 0); err != nil {
			return err
		}
		tr.add("main: cancel() -> %s", traceBool(task.Cancel()))
		if _, err := task.Await(co); errors.Is(err, sched.ErrCancelled) {
			tr.add("main: CancelledError")
		} else {
			return fmt.Errorf("await quitter = %v; want ErrCancelled", err)
		}
		tr.add("main: cancelled %s, cancel() again -> %s", traceBool(task.Cancelled()), traceBool(task.Cancel()))
		return nil
	})
	traceCompare(t, "cancel_sleep", tr)
}

func TestTraceShield(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	traceRun(t, true, func(co *coro.Co) error {
		inner := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			tr.add("  inner: starts")
			if err := sched.Sleep(co, time.Second); err != nil {
				return 0, err
			}
			tr.add("  inner: completes")
			return 42, nil
		}))
		outer := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			tr.add("  outer: awaits shield(inner)")
			r, err := sched.Shield(co, inner)
			if errors.Is(err, sched.ErrCancelled) {
				tr.add("  outer: CancelledError")
			}
			return r, err
		}))
		if err := sched.Sleep(co, 0); err != nil {
			return err
		}
		tr.add("main: cancel outer -> %s", traceBool(outer.Cancel()))
		if _, err := outer.Await(co); errors.Is(err, sched.ErrCancelled) {
			tr.add("main: outer cancelled")
		} else {
			return fmt.Errorf("await outer = %v; want ErrCancelled", err)
		}
		tr.add("main: inner done %s, cancelled %s", traceBool(inner.Done()), traceBool(inner.Cancelled()))
		r, err := inner.Await(co)
		if err != nil {
			return err
		}
		tr.add("main: inner result %d", r)
		return nil
	})
	traceCompare(t, "shield", tr)
}

func TestTraceAwaitTask(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	child := func(name string) *coro.Coro[string] {
		return coro.New(func(co *coro.Co) (string, error) {
			tr.add("  %s: starts", name)
			if err := sched.Sleep(co, 0); err != nil {
				return "", err
			}
			tr.add("  %s: returns", name)
			return name, nil
		})
	}
	traceRun(t, true, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		n, stop := 0, false
		var tick func()
		tick = func() {
			if stop {
				return
			}
			n++
			tr.add("-- iteration %d", n)
			l.CallSoon(tick)
		}
		l.CallSoon(tick)

		tr.add("== await a task")
		task := sched.Spawn(co, child("task"))
		tr.add("main: created the task, awaits it")
		r, err := task.Await(co)
		if err != nil {
			return err
		}
		tr.add("main: got %s", r)

		tr.add("== await a coroutine")
		if r, err = child("coroutine").Await(co); err != nil {
			return err
		}
		tr.add("main: got %s", r)

		tr.add("== await a done future")
		f := sched.NewFuture[string](co)
		f.SetResult("done")
		if r, err = f.Await(co); err != nil {
			return err
		}
		tr.add("main: got %s", r)

		tr.add("== a new task waits for its creator to suspend")
		task = sched.Spawn(co, child("late"))
		tr.add("main: created the task, sleep(0)")
		if err := sched.Sleep(co, 0); err != nil {
			return err
		}
		tr.add("main: back")
		if _, err := task.Await(co); err != nil {
			return err
		}
		stop = true
		tr.add("main: done")
		return nil
	})
	traceCompare(t, "await_task", tr)
}
