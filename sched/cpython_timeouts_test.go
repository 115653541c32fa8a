package sched_test

// Ports of CPython 3.11's Lib/test/test_asyncio/test_timeouts.py.
// "async with asyncio.timeout(d): BODY" is sched.WithTimeout(co, d, BODY);
// TimeoutError is sched.ErrTimeout. WithTimeout has no context-manager object,
// so expired() shows as WithTimeout returning ErrTimeout, and "not expired" is
// checked by sleeping past the deadline afterwards without being cancelled.
// when(), reschedule(), repr() and re-entering have no Go counterpart; see
// conformance/TALLY.md. Scenarios run under VirtualTime (elapsed times are
// exact) except the two where Python blocks the loop with time.sleep, which
// need the real clock.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

var toKeyError = errors.New("KeyError")

// toInTask runs body in a task of its own whose handle body gets, standing in
// for asyncio.current_task(), and returns the task's error.
func toInTask(co *coro.Co, body func(co *coro.Co, self *sched.Task[struct{}]) error) error {
	var self *sched.Task[struct{}]
	self = sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, body(co, self)
	}))
	_, err := self.Await(co)
	return err
}

// toNotExpired checks that the timeout WithTimeout set up is gone: sleeping
// well past its deadline is not cancelled.
func toNotExpired(t *testing.T, co *coro.Co, deadline time.Duration) {
	t.Helper()
	if err := sched.Sleep(co, 2*deadline); err != nil {
		t.Errorf("Sleep after WithTimeout returned %v: the timeout fired after its body ended", err)
	}
}

func toIsTimeout(err error) bool {
	return errors.Is(err, sched.ErrTimeout) && errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled)
}

func TestCPythonTimeoutsBasic(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		err := sched.WithTimeout(co, 10*time.Millisecond, func(co *coro.Co) error {
			return sched.Sleep(co, 10*time.Second)
		})
		if !toIsTimeout(err) {
			t.Errorf("WithTimeout = %v; want ErrTimeout", err)
		}
		if d := wfSince(co, t0); d != 10*time.Millisecond {
			t.Errorf("elapsed %v; want 10ms", d)
		}
		return nil
	})
}

// timeout_at(deadline) is WithTimeout of the time left until the deadline;
// when() has no counterpart, so the test checks the loop's clock at expiry.
func TestCPythonTimeoutsAtBasic(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		deadline := l.Now().Add(10 * time.Millisecond)
		err := sched.WithTimeout(co, deadline.Sub(l.Now()), func(co *coro.Co) error {
			return sched.Sleep(co, 10*time.Second)
		})
		if !toIsTimeout(err) {
			t.Errorf("WithTimeout = %v; want ErrTimeout", err)
		}
		if !l.Now().Equal(deadline) {
			t.Errorf("expired at %v; want %v", l.Now(), deadline)
		}
		return nil
	})
}

// Two timeouts with the same deadline: only the outer one turns the
// cancellation into a timeout; the inner one lets it through.
func TestCPythonTimeoutsNested(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		deadline := l.Now().Add(10 * time.Millisecond)
		var innerErr error
		err := sched.WithTimeout(co, deadline.Sub(l.Now()), func(co *coro.Co) error {
			innerErr = sched.WithTimeout(co, deadline.Sub(l.Now()), func(co *coro.Co) error {
				return sched.Sleep(co, 10*time.Second)
			})
			return innerErr
		})
		if !errors.Is(innerErr, sched.ErrCancelled) || errors.Is(innerErr, sched.ErrTimeout) {
			t.Errorf("inner WithTimeout = %v; want ErrCancelled", innerErr)
		}
		if !toIsTimeout(err) {
			t.Errorf("outer WithTimeout = %v; want ErrTimeout", err)
		}
		return nil
	})
}

func TestCPythonTimeoutsWaiterCancelled(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		cancelled := false
		err := sched.WithTimeout(co, 10*time.Millisecond, func(co *coro.Co) error {
			err := sched.Sleep(co, 10*time.Second)
			cancelled = errors.Is(err, sched.ErrCancelled)
			return err
		})
		if !toIsTimeout(err) {
			t.Errorf("WithTimeout = %v; want ErrTimeout", err)
		}
		if !cancelled {
			t.Errorf("the body did not see a cancellation")
		}
		return nil
	})
}

func TestCPythonTimeoutsNotCalled(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		err := sched.WithTimeout(co, 10*time.Second, func(co *coro.Co) error {
			return sched.Sleep(co, 10*time.Millisecond)
		})
		if err != nil {
			t.Errorf("WithTimeout = %v; want nil", err)
		}
		if d := wfSince(co, t0); d != 10*time.Millisecond {
			t.Errorf("elapsed %v; want 10ms", d)
		}
		toNotExpired(t, co, 10*time.Second)
		return nil
	})
}

func TestCPythonTimeoutsZero(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		err := sched.WithTimeout(co, 0, func(co *coro.Co) error {
			return sched.Sleep(co, 10*time.Second)
		})
		if !toIsTimeout(err) {
			t.Errorf("WithTimeout = %v; want ErrTimeout", err)
		}
		if d := wfSince(co, t0); d != 0 {
			t.Errorf("elapsed %v; want 0", d)
		}
		return nil
	})
}

func TestCPythonTimeoutsZeroSleepZero(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		err := sched.WithTimeout(co, 0, func(co *coro.Co) error {
			return sched.Sleep(co, 0)
		})
		if !toIsTimeout(err) {
			t.Errorf("WithTimeout = %v; want ErrTimeout", err)
		}
		if d := wfSince(co, t0); d != 0 {
			t.Errorf("elapsed %v; want 0", d)
		}
		return nil
	})
}

func TestCPythonTimeoutsInThePastSleepZero(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		t0 := sched.LoopOf(co).Now()
		err := sched.WithTimeout(co, -11*time.Second, func(co *coro.Co) error {
			return sched.Sleep(co, 0)
		})
		if !toIsTimeout(err) {
			t.Errorf("WithTimeout = %v; want ErrTimeout", err)
		}
		if d := wfSince(co, t0); d != 0 {
			t.Errorf("elapsed %v; want 0", d)
		}
		return nil
	})
}

func TestCPythonTimeoutsForeignExceptionPassed(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		err := sched.WithTimeout(co, 10*time.Millisecond, func(co *coro.Co) error {
			return toKeyError
		})
		if err != toKeyError {
			t.Errorf("WithTimeout = %v; want KeyError", err)
		}
		toNotExpired(t, co, 10*time.Millisecond)
		return nil
	})
}

func TestCPythonTimeoutsForeignExceptionOnTimeout(t *testing.T) {
	leaktest.Check(t)
	errZeroDivision := errors.New("ZeroDivisionError")
	wfRun(t, func(co *coro.Co) error {
		crash := func(co *coro.Co) error {
			sched.Sleep(co, time.Second)
			return errZeroDivision // 1/0 in a finally: replaces the cancellation
		}
		err := sched.WithTimeout(co, 10*time.Millisecond, crash)
		if err != errZeroDivision {
			t.Errorf("WithTimeout = %v; want ZeroDivisionError", err)
		}
		return nil
	})
}

func TestCPythonTimeoutsForeignCancelDoesntTimeoutIfNotExpired(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		return toInTask(co, func(co *coro.Co, self *sched.Task[struct{}]) error {
			err := sched.WithTimeout(co, 10*time.Second, func(co *coro.Co) error {
				self.Cancel()
				return sched.Sleep(co, 10*time.Second)
			})
			if !errors.Is(err, sched.ErrCancelled) || errors.Is(err, sched.ErrTimeout) {
				t.Errorf("WithTimeout = %v; want ErrCancelled", err)
			}
			toNotExpired(t, co, 10*time.Second)
			return nil
		})
	})
}

func TestCPythonTimeoutsOuterTaskIsNotCancelled(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		task := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			err := sched.WithTimeout(co, time.Millisecond, func(co *coro.Co) error {
				return sched.Sleep(co, 10*time.Second)
			})
			if !toIsTimeout(err) {
				t.Errorf("WithTimeout = %v; want ErrTimeout", err)
			}
			return struct{}{}, nil
		}))
		if _, err := task.Await(co); err != nil {
			t.Errorf("await task: %v", err)
		}
		if task.Cancelled() || !task.Done() {
			t.Errorf("task Cancelled() %v, Done() %v; want false, true", task.Cancelled(), task.Done())
		}
		return nil
	})
}

// toRunReal is wfRun on the real clock, for the tests that block the loop.
func toRunReal(t *testing.T, body func(co *coro.Co) error) {
	t.Helper()
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, body(co)
	}))
	if err != nil {
		t.Fatal(err)
	}
}

// The loop is busy (time.Sleep blocks it, as Python's time.sleep does) past
// the outer deadline but not the inner one: the outer timeout fires, the inner
// one passes its cancellation through. Real clock: blocking the loop cannot
// move a virtual one.
func TestCPythonTimeoutsNestedConcurrent(t *testing.T) {
	leaktest.Check(t)
	toRunReal(t, func(co *coro.Co) error {
		err := sched.WithTimeout(co, 2*time.Millisecond, func(co *coro.Co) error {
			err := sched.WithTimeout(co, 100*time.Millisecond, func(co *coro.Co) error {
				time.Sleep(10 * time.Millisecond) // crunch some numbers
				return sched.Sleep(co, time.Second)
			})
			if toIsTimeout(err) {
				return nil // the inner assertRaises(TimeoutError) catches it
			}
			return err
		})
		if !toIsTimeout(err) {
			t.Errorf("outer WithTimeout = %v; want ErrTimeout", err)
		}
		return nil
	})
}

// The loop is busy past both deadlines; both timeouts fire in the same
// iteration, the inner first. Only the outer one (the topmost affected)
// raises TimeoutError, as in CPython: the inner sees that the task had a
// cancellation request besides its own and lets the cancellation through.
func TestCPythonTimeoutsNestedLoopBusy(t *testing.T) {
	leaktest.Check(t)
	toRunReal(t, func(co *coro.Co) error {
		l := sched.LoopOf(co)
		t0 := l.Now()
		err := sched.WithTimeout(co, 100*time.Millisecond, func(co *coro.Co) error { // (1)
			err := sched.WithTimeout(co, 10*time.Millisecond, func(co *coro.Co) error { // (2)
				time.Sleep(100 * time.Millisecond) // the loop is busy for a while
				return sched.Sleep(co, time.Second)
			})
			if !toIsTimeout(err) {
				return err // not the inner assertRaises(TimeoutError)'s: it propagates
			}
			return sched.Sleep(co, 10*time.Second) // interrupted by (1)
		})
		if !toIsTimeout(err) {
			t.Errorf("outer WithTimeout = %v; want ErrTimeout", err)
		}
		if d := l.Now().Sub(t0); d < 0 || d > time.Second {
			t.Errorf("elapsed %v; want at most 1s", d)
		}
		return nil
	})
}

func TestCPythonTimeoutsNestedTimeoutInFinally(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		err := sched.WithTimeout(co, 10*time.Millisecond, func(co *coro.Co) error {
			err := sched.Sleep(co, time.Second)
			// finally:
			inner := sched.WithTimeout(co, 10*time.Millisecond, func(co *coro.Co) error {
				return sched.Sleep(co, 10*time.Second)
			})
			if !toIsTimeout(inner) {
				t.Errorf("WithTimeout in the finally = %v; want ErrTimeout", inner)
			}
			return err
		})
		if !toIsTimeout(err) {
			t.Errorf("outer WithTimeout = %v; want ErrTimeout", err)
		}
		return nil
	})
}

// A cancellation request that was caught but not taken back (Cancelling stays
// 1) does not stop a later timeout from being reported as one.
func TestCPythonTimeoutsAfterCancellation(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		return toInTask(co, func(co *coro.Co, self *sched.Task[struct{}]) error {
			self.Cancel()
			if err := sched.Sleep(co, time.Second); !errors.Is(err, sched.ErrCancelled) {
				t.Errorf("Sleep = %v; want ErrCancelled", err)
			}
			// finally:
			err := sched.WithTimeout(co, 0, func(co *coro.Co) error {
				return sched.Sleep(co, time.Second) // some cleanup
			})
			if !toIsTimeout(err) {
				t.Errorf("WithTimeout = %v; want ErrTimeout", err)
			}
			return nil
		})
	})
}

func TestCPythonTimeoutsCancelInTimeoutAfterCancellation(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		return toInTask(co, func(co *coro.Co, self *sched.Task[struct{}]) error {
			self.Cancel()
			if err := sched.Sleep(co, time.Second); !errors.Is(err, sched.ErrCancelled) {
				t.Errorf("Sleep = %v; want ErrCancelled", err)
			}
			// finally:
			err := sched.WithTimeout(co, time.Second, func(co *coro.Co) error {
				self.Cancel()
				return sched.Sleep(co, 2*time.Second) // some cleanup
			})
			if !errors.Is(err, sched.ErrCancelled) || errors.Is(err, sched.ErrTimeout) {
				t.Errorf("WithTimeout = %v; want ErrCancelled", err)
			}
			return nil
		})
	})
}

// Python also checks that the TimeoutError's __cause__ is the CancelledError;
// Go errors have no cause chain (ErrTimeout does not match context.Canceled).
func TestCPythonTimeoutsExceptionCause(t *testing.T) {
	leaktest.Check(t)
	wfRun(t, func(co *coro.Co) error {
		err := sched.WithTimeout(co, 0, func(co *coro.Co) error {
			return sched.Sleep(co, time.Second)
		})
		if !toIsTimeout(err) {
			t.Errorf("WithTimeout = %v; want ErrTimeout", err)
		}
		return nil
	})
}

// await_without_task: a coroutine driven by hand, not by a sched task.
func TestCPythonTimeoutsWithoutTask(t *testing.T) {
	leaktest.Check(t)
	ran := false
	c := coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, sched.WithTimeout(co, 10*time.Millisecond, func(co *coro.Co) error {
			ran = true
			return nil
		})
	})
	if w, err := c.Send(nil); w != nil || err == nil {
		t.Fatalf("Send(nil) = %v, %v; want the coroutine to finish", w, err)
	}
	_, err := c.Result()
	if err == nil || !strings.Contains(err.Error(), "task") {
		t.Errorf("WithTimeout outside a task = %v; want an error that mentions the task", err)
	}
	if ran {
		t.Errorf("the body ran")
	}
}
