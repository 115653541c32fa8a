package coro_test

// The contract of package coro, black-box: coroutine objects awaited inline,
// reuse and re-entrancy errors, the generator protocol a hand-written driver
// uses (Send, Throw, Close, Result, State), Bind and Context, panics and
// runtime.Goexit, and a complete driver in ten lines.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/google/go-cmp/cmp"
)

var (
	errBoom  = errors.New("boom")  // what tests throw in
	errOther = errors.New("other") // what bodies fail with
)

// step is the smallest useful coro.Waiter: an event that a driver completes.
// AddDoneCallback only records the callback; whoever completes the step calls
// the callbacks (see drive).
type step struct {
	name string
	cbs  []func()
	done bool
}

func (s *step) AddDoneCallback(fn func()) { s.cbs = append(s.cbs, fn) }
func (s *step) Cancel() bool              { return false }
func (s *step) String() string            { return s.name }

// Await suspends the awaiting coroutine on s until s is done, and returns its
// name: what a future's Await looks like.
func (s *step) Await(co *coro.Co) (string, error) {
	for !s.done {
		if _, err := co.Suspend(s); err != nil {
			return "", err
		}
	}
	return s.name, nil
}

// drive is a complete driver: it resumes c until it finishes, and completes
// every step c suspends on at once (a real driver would wait for the event).
func drive[T any](c *coro.Coro[T], woke *[]string) (T, error) {
	for {
		w, err := c.Send(nil)
		if err != nil {
			if errors.Is(err, gen.ErrStopIteration) {
				return c.Result()
			}
			return *new(T), err
		}
		s := w.(*step)
		s.AddDoneCallback(func() { *woke = append(*woke, s.name) })
		s.done = true
		for _, fn := range s.cbs {
			fn()
		}
	}
}

func TestHandDriver(t *testing.T) {
	leaktest.Check(t)
	// fetch is an async function: calling it is awaiting it.
	fetch := func(co *coro.Co, name string) (string, error) {
		return (&step{name: name}).Await(co)
	}
	c := coro.New(func(co *coro.Co) (string, error) {
		a, err := fetch(co, "a")
		if err != nil {
			return "", err
		}
		b, err := coro.New(func(co *coro.Co) (string, error) { return fetch(co, "b") }).Await(co)
		if err != nil {
			return "", err
		}
		return a + b, nil
	})
	var woke []string
	got, err := drive(c, &woke)
	if got != "ab" || err != nil {
		t.Errorf("drive(c) = %q, %v; want \"ab\", nil", got, err)
	}
	if diff := cmp.Diff([]string{"a", "b"}, woke); diff != "" {
		t.Errorf("steps completed (-want +got):\n%s", diff)
	}
	if st := c.State(); st != gen.Closed {
		t.Errorf("State() = %v; want closed", st)
	}
}

func ExampleCoro_Send() {
	ready := &step{name: "ready"}
	c := coro.New(func(co *coro.Co) (string, error) {
		if _, err := ready.Await(co); err != nil { // suspends on ready
			return "", err
		}
		v, err := co.Suspend(nil) // a bare suspension: receives what the driver sends
		if err != nil {
			return "", err
		}
		return fmt.Sprint("got ", v), nil
	})
	w, err := c.Send(nil) // runs the body to its first suspension
	fmt.Println(w, err)
	ready.done = true
	w, err = c.Send(nil)
	fmt.Println(w, err)
	_, err = c.Send("hello")
	fmt.Println(err)
	fmt.Println(c.Result())
	// Output:
	// ready <nil>
	// <nil> <nil>
	// gen: stop iteration
	// got hello <nil>
}

// panicValue calls f and returns what it panicked with, or nil.
func panicValue(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// goexits calls f on a goroutine of its own and reports whether it called
// runtime.Goexit (rather than returning or panicking).
func goexits(f func()) bool {
	exit := make(chan bool)
	go func() {
		clean := false
		defer func() { exit <- recover() == nil && !clean }()
		f()
		clean = true
	}()
	return <-exit
}

func TestNewNilBody(t *testing.T) {
	p := panicValue(func() { coro.New[int](nil) })
	if p != "coro.New: nil body" {
		t.Errorf("New(nil) panicked with %#v; want \"coro.New: nil body\"", p)
	}
}

func TestAwaitRunsInline(t *testing.T) {
	leaktest.Check(t)
	var outerCo, innerCo *coro.Co
	var innerState gen.State
	var inner *coro.Coro[int]
	inner = coro.New(func(co *coro.Co) (int, error) {
		innerCo = co
		innerState = inner.State()
		return 42, nil
	})
	outer := coro.New(func(co *coro.Co) (int, error) {
		outerCo = co
		return inner.Await(co)
	})
	// No suspension: the first Send runs both bodies to the end.
	if w, err := outer.Send(nil); w != nil || !errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("Send(nil) = %v, %v; want nil, ErrStopIteration", w, err)
	}
	if got, err := outer.Result(); got != 42 || err != nil {
		t.Errorf("Result() = %d, %v; want 42, nil", got, err)
	}
	if innerCo != outerCo {
		t.Errorf("inner body got Co %p; want the awaiting body's %p", innerCo, outerCo)
	}
	if innerState != gen.Running {
		t.Errorf("State() inside the inline body = %v; want running", innerState)
	}
	if st := inner.State(); st != gen.Closed {
		t.Errorf("State() after Await = %v; want closed", st)
	}
}

func TestAwaitReused(t *testing.T) {
	for _, tc := range []struct {
		name string
		use  func(c *coro.Coro[int]) // what is done to c before it is awaited
	}{
		{"awaited", func(c *coro.Coro[int]) {
			coro.New(func(co *coro.Co) (int, error) { return c.Await(co) }).Send(nil)
		}},
		{"closed before it started", func(c *coro.Coro[int]) { c.Close() }},
		{"thrown into before it started", func(c *coro.Coro[int]) { c.Throw(errBoom) }},
		{"driven to the end", func(c *coro.Coro[int]) { c.Send(nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Check(t)
			runs := 0
			c := coro.New(func(co *coro.Co) (int, error) { runs++; return 1, nil })
			tc.use(c)
			before := runs
			outer := coro.New(func(co *coro.Co) (int, error) { return c.Await(co) })
			if _, err := outer.Send(nil); !errors.Is(err, coro.ErrReused) {
				t.Errorf("Send(nil) of the awaiter = _, %v; want ErrReused", err)
			}
			if runs != before {
				t.Errorf("the body ran again")
			}
		})
	}
}

func TestAwaitRunning(t *testing.T) {
	leaktest.Check(t)
	var c *coro.Coro[int]
	var selfErr error
	c = coro.New(func(co *coro.Co) (int, error) {
		_, selfErr = c.Await(co)
		return 1, nil
	})
	outer := coro.New(func(co *coro.Co) (int, error) { return c.Await(co) })
	if _, err := outer.Send(nil); !errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("Send(nil) = _, %v; want ErrStopIteration", err)
	}
	if !errors.Is(selfErr, gen.ErrRunning) {
		t.Errorf("Await of itself while awaited inline = _, %v; want ErrRunning", selfErr)
	}
}

// TestAwaitRunningDriven is TestAwaitRunning with the coroutine driven by hand
// rather than awaited inline: Await's doc says awaiting a running coroutine
// returns gen.ErrRunning, and Python raises ValueError "coroutine already
// executing" either way.
func TestAwaitRunningDriven(t *testing.T) {
	leaktest.Check(t)
	var c *coro.Coro[int]
	var selfErr error
	c = coro.New(func(co *coro.Co) (int, error) {
		_, selfErr = c.Await(co)
		return 1, nil
	})
	if _, err := c.Send(nil); !errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("Send(nil) = _, %v; want ErrStopIteration", err)
	}
	if !errors.Is(selfErr, gen.ErrRunning) {
		t.Errorf("Await of itself while driven = _, %v; want ErrRunning", selfErr)
	}
}

// TestProtocolWhileInline calls the generator protocol on a coroutine from its
// own body while it is awaited inline: as for a driven one (and for gen), each
// call is re-entrant and returns gen.ErrRunning, and the coroutine stays
// Running.
func TestProtocolWhileInline(t *testing.T) {
	leaktest.Check(t)
	type call struct {
		Name string
		Err  string
	}
	for _, driven := range []bool{false, true} {
		t.Run(fmt.Sprintf("driven=%v", driven), func(t *testing.T) {
			var c *coro.Coro[int]
			var got []call
			c = coro.New(func(co *coro.Co) (int, error) {
				record := func(name string, err error) {
					got = append(got, call{name, fmt.Sprint(err)})
				}
				_, err := c.Send(nil)
				record("Send", err)
				_, err = c.Throw(errBoom)
				record("Throw", err)
				record("Close", c.Close())
				got = append(got, call{"State", c.State().String()})
				return 1, nil
			})
			if driven {
				c.Send(nil)
			} else {
				coro.New(func(co *coro.Co) (int, error) { return c.Await(co) }).Send(nil)
			}
			running := gen.ErrRunning.Error()
			want := []call{{"Send", running}, {"Throw", running}, {"Close", running}, {"State", "running"}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("calls from the body (-want +got):\n%s", diff)
			}
			if st := c.State(); st != gen.Closed {
				t.Errorf("State() after the body returned = %v; want closed", st)
			}
		})
	}
}

// TestAwaitAfterResult: Result on a Created coroutine reports ErrNotFinished
// and changes nothing (as gen's does), so the coroutine can still be awaited.
func TestAwaitAfterResult(t *testing.T) {
	leaktest.Check(t)
	for _, tc := range []struct {
		name string
		use  func(c *coro.Coro[int]) error
	}{
		{"Result", func(c *coro.Coro[int]) error { _, err := c.Result(); return err }},
		{"Send(non-nil)", func(c *coro.Coro[int]) error { _, err := c.Send(1); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := coro.New(func(co *coro.Co) (int, error) { return 7, nil })
			err := tc.use(c)
			if err == nil {
				t.Fatalf("%s on a created coroutine = nil error; want one", tc.name)
			}
			if st := c.State(); st != gen.Created {
				t.Fatalf("State() after %s = %v; want created", tc.name, st)
			}
			outer := coro.New(func(co *coro.Co) (int, error) { return c.Await(co) })
			outer.Send(nil)
			if got, err := outer.Result(); got != 7 || err != nil {
				t.Errorf("Await after %s = %d, %v; want 7, nil", tc.name, got, err)
			}
		})
	}
}

// TestResultAfterAwait: once awaited inline, the coroutine has finished, and
// Result reports what its body returned, as gen's Result does for a
// sub-generator YieldFrom ran inline.
func TestResultAfterAwait(t *testing.T) {
	leaktest.Check(t)
	for _, tc := range []struct {
		name    string
		res     int
		err     error
		wantErr error
	}{
		{"returned", 7, nil, nil},
		{"failed", 8, errOther, errOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := coro.New(func(co *coro.Co) (int, error) { return tc.res, tc.err })
			coro.New(func(co *coro.Co) (int, error) { return c.Await(co) }).Send(nil)
			if got, err := c.Result(); got != tc.res || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Errorf("Result() = %d, %v; want %d, %v", got, err, tc.res, tc.wantErr)
			}
		})
	}
}

func TestHandDriving(t *testing.T) {
	leaktest.Check(t)
	w1, w2 := &step{name: "w1"}, &step{name: "w2"}
	var trace []string
	var c *coro.Coro[string]
	c = coro.New(func(co *coro.Co) (string, error) {
		trace = append(trace, "state "+c.State().String())
		v, err := co.Suspend(w1)
		trace = append(trace, fmt.Sprintf("resumed %v, %v", v, err))
		v, err = co.Suspend(w2)
		trace = append(trace, fmt.Sprintf("resumed %v, %v", v, err))
		if err != nil {
			v, err = co.Suspend(nil)
			trace = append(trace, fmt.Sprintf("resumed %v, %v", v, err))
		}
		return fmt.Sprint("done ", v), err
	})
	if st := c.State(); st != gen.Created {
		t.Errorf("State() = %v; want created", st)
	}
	if _, err := c.Result(); !errors.Is(err, gen.ErrNotFinished) {
		t.Errorf("Result() before the start = _, %v; want ErrNotFinished", err)
	}
	if w, err := c.Send(nil); w != coro.Waiter(w1) || err != nil {
		t.Fatalf("Send(nil) = %v, %v; want w1, nil", w, err)
	}
	if st := c.State(); st != gen.Suspended {
		t.Errorf("State() = %v; want suspended", st)
	}
	if _, err := c.Result(); !errors.Is(err, gen.ErrNotFinished) {
		t.Errorf("Result() while suspended = _, %v; want ErrNotFinished", err)
	}
	if w, err := c.Send("x"); w != coro.Waiter(w2) || err != nil {
		t.Fatalf("Send(\"x\") = %v, %v; want w2, nil", w, err)
	}
	// The body handles the thrown error and suspends again: Throw returns where.
	if w, err := c.Throw(errBoom); w != nil || err != nil {
		t.Fatalf("Throw(errBoom) = %v, %v; want nil, nil", w, err)
	}
	if w, err := c.Send("y"); w != nil || !errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("Send(\"y\") = %v, %v; want nil, ErrStopIteration", w, err)
	}
	if got, err := c.Result(); got != "done y" || err != nil {
		t.Errorf("Result() = %q, %v; want \"done y\", nil", got, err)
	}
	if st := c.State(); st != gen.Closed {
		t.Errorf("State() = %v; want closed", st)
	}
	want := []string{"state running", "resumed x, <nil>", "resumed <nil>, boom", "resumed y, <nil>"}
	if diff := cmp.Diff(want, trace); diff != "" {
		t.Errorf("body trace (-want +got):\n%s", diff)
	}
	// After the end, as Python's coro.send and coro.throw: "cannot reuse".
	if w, err := c.Send(nil); w != nil || !errors.Is(err, coro.ErrReused) {
		t.Errorf("Send(nil) after the end = %v, %v; want nil, ErrReused", w, err)
	}
	if _, err := c.Throw(errOther); !errors.Is(err, coro.ErrReused) {
		t.Errorf("Throw(errOther) after the end = _, %v; want ErrReused", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close() after the end = %v; want nil", err)
	}
}

func TestHandDrivingThrowUncaught(t *testing.T) {
	leaktest.Check(t)
	c := coro.New(func(co *coro.Co) (int, error) {
		if _, err := co.Suspend(nil); err != nil {
			return 3, fmt.Errorf("wrapped: %w", err)
		}
		return 0, nil
	})
	c.Send(nil)
	if w, err := c.Throw(errBoom); w != nil || !errors.Is(err, errBoom) {
		t.Fatalf("Throw(errBoom) = %v, %v; want nil, an error wrapping errBoom", w, err)
	}
	if got, err := c.Result(); got != 3 || !errors.Is(err, errBoom) {
		t.Errorf("Result() = %d, %v; want 3, an error wrapping errBoom", got, err)
	}
}

func TestHandDrivingClose(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ret     func(err error) error // what the body returns, given what Suspend returned
		want    error                 // what Close returns
		wantRes error                 // Result's error
	}{
		{"returns the exit", func(err error) error { return err }, nil, nil},
		{"returns nil", func(err error) error { return nil }, nil, nil},
		{"wraps the exit", func(err error) error { return fmt.Errorf("cleanup: %w", err) }, nil, nil},
		{"fails", func(err error) error { return errOther }, errOther, errOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Check(t)
			var got error
			deferred := false
			c := coro.New(func(co *coro.Co) (int, error) {
				defer func() { deferred = true }()
				_, got = co.Suspend(nil)
				return 5, tc.ret(got)
			})
			c.Send(nil)
			if err := c.Close(); err != tc.want {
				t.Errorf("Close() = %v; want %v", err, tc.want)
			}
			if !errors.Is(got, gen.ErrGeneratorExit) {
				t.Errorf("the pending Suspend returned %v; want ErrGeneratorExit", got)
			}
			if !deferred {
				t.Errorf("the body's deferred call did not run")
			}
			if r, err := c.Result(); r != 5 || err != tc.wantRes {
				t.Errorf("Result() = %d, %v; want 5, %v", r, err, tc.wantRes)
			}
			if st := c.State(); st != gen.Closed {
				t.Errorf("State() = %v; want closed", st)
			}
		})
	}
}

func TestHandDrivingCloseIgnored(t *testing.T) {
	leaktest.Check(t)
	deferred := false
	c := coro.New(func(co *coro.Co) (int, error) {
		defer func() { deferred = true }()
		co.Suspend(nil)
		co.Suspend(nil) // ignores the exit: unwound
		return 0, nil
	})
	c.Send(nil)
	if err := c.Close(); !errors.Is(err, gen.ErrIgnoredExit) {
		t.Errorf("Close() = %v; want ErrIgnoredExit", err)
	}
	if !deferred || c.State() != gen.Closed {
		t.Errorf("deferred ran: %v, State() = %v; want true, closed", deferred, c.State())
	}
}

func TestCreated(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func(c *coro.Coro[int]) error
		want error
	}{
		{"Close", func(c *coro.Coro[int]) error { return c.Close() }, nil},
		{"Throw", func(c *coro.Coro[int]) error { _, err := c.Throw(errBoom); return err }, errBoom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Check(t)
			ran := false
			c := coro.New(func(co *coro.Co) (int, error) { ran = true; return 1, nil })
			if err := tc.call(c); err != tc.want {
				t.Errorf("%s() = %v; want %v", tc.name, err, tc.want)
			}
			if ran || c.State() != gen.Closed {
				t.Errorf("body ran: %v, State() = %v; want false, closed", ran, c.State())
			}
			if r, err := c.Result(); r != 0 || err != nil {
				t.Errorf("Result() = %d, %v; want 0, nil", r, err)
			}
			if _, err := c.Send(nil); !errors.Is(err, coro.ErrReused) {
				t.Errorf("Send(nil) = _, %v; want ErrReused", err)
			}
		})
	}
}

func TestSendNonNilToCreated(t *testing.T) {
	leaktest.Check(t)
	c := coro.New(func(co *coro.Co) (int, error) { return 1, nil })
	if _, err := c.Send("spam"); !errors.Is(err, gen.ErrJustStarted) {
		t.Errorf("Send(\"spam\") = _, %v; want ErrJustStarted", err)
	}
	if st := c.State(); st != gen.Created {
		t.Errorf("State() = %v; want created", st)
	}
	if _, err := c.Send(nil); !errors.Is(err, gen.ErrStopIteration) {
		t.Errorf("Send(nil) = _, %v; want ErrStopIteration", err)
	}
}

func TestSendAfterInlineAwait(t *testing.T) {
	leaktest.Check(t)
	c := coro.New(func(co *coro.Co) (int, error) { return 1, nil })
	coro.New(func(co *coro.Co) (int, error) { return c.Await(co) }).Send(nil)
	if w, err := c.Send(nil); w != nil || !errors.Is(err, coro.ErrReused) {
		t.Errorf("Send(nil) = %v, %v; want nil, ErrReused", w, err)
	}
	if st := c.State(); st != gen.Closed {
		t.Errorf("State() = %v; want closed", st)
	}
}

// TestAwaitForwards: awaiting a coroutine that was started by hand and is
// Suspended resumes it through the awaiting coroutine, as yield from does:
// what it suspends on goes out, what is sent and thrown goes in.
func TestAwaitForwards(t *testing.T) {
	leaktest.Check(t)
	w1, w2, w3 := &step{name: "w1"}, &step{name: "w2"}, &step{name: "w3"}
	var got []string
	inner := coro.New(func(co *coro.Co) (int, error) {
		for _, w := range []*step{w1, w2, w3} {
			v, err := co.Suspend(w)
			got = append(got, fmt.Sprintf("%v %v", v, err))
		}
		return 9, nil
	})
	if w, err := inner.Send(nil); w != coro.Waiter(w1) || err != nil {
		t.Fatalf("inner.Send(nil) = %v, %v; want w1, nil", w, err)
	}
	outer := coro.New(func(co *coro.Co) (int, error) {
		n, err := inner.Await(co)
		return n + 1, err
	})
	// Starting the awaiter resumes inner's pending Suspend with nil.
	if w, err := outer.Send(nil); w != coro.Waiter(w2) || err != nil {
		t.Fatalf("outer.Send(nil) = %v, %v; want w2, nil", w, err)
	}
	if st := inner.State(); st != gen.Suspended {
		t.Errorf("inner.State() = %v; want suspended", st)
	}
	if w, err := outer.Throw(errBoom); w != coro.Waiter(w3) || err != nil {
		t.Fatalf("outer.Throw(errBoom) = %v, %v; want w3, nil", w, err)
	}
	if w, err := outer.Send("x"); w != nil || !errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("outer.Send(\"x\") = %v, %v; want nil, ErrStopIteration", w, err)
	}
	if r, err := outer.Result(); r != 10 || err != nil {
		t.Errorf("outer.Result() = %d, %v; want 10, nil", r, err)
	}
	if diff := cmp.Diff([]string{"<nil> <nil>", "<nil> boom", "x <nil>"}, got); diff != "" {
		t.Errorf("what inner's Suspend returned (-want +got):\n%s", diff)
	}
}

func TestAwaitForwardsClose(t *testing.T) {
	leaktest.Check(t)
	var got error
	inner := coro.New(func(co *coro.Co) (int, error) {
		co.Suspend(nil)
		_, got = co.Suspend(nil)
		return 0, got
	})
	inner.Send(nil)
	outer := coro.New(func(co *coro.Co) (int, error) { return inner.Await(co) })
	outer.Send(nil)
	if err := outer.Close(); err != nil {
		t.Errorf("outer.Close() = %v; want nil", err)
	}
	if !errors.Is(got, gen.ErrGeneratorExit) || inner.State() != gen.Closed {
		t.Errorf("inner saw %v, State() = %v; want ErrGeneratorExit, closed", got, inner.State())
	}
}

// ctxDriver is a coro.Driver with a context of its own.
type ctxDriver struct{ ctx context.Context }

func (d *ctxDriver) Context() context.Context { return d.ctx }

type ctxKey struct{}

func TestContext(t *testing.T) {
	leaktest.Check(t)
	t.Run("no driver", func(t *testing.T) {
		var got context.Context
		var drv coro.Driver
		coro.New(func(co *coro.Co) (int, error) {
			got, drv = co.Context(), co.Driver()
			return 0, nil
		}).Send(nil)
		if got != context.Background() || drv != nil {
			t.Errorf("Context(), Driver() = %v, %v; want context.Background(), nil", got, drv)
		}
	})
	t.Run("bound", func(t *testing.T) {
		d := &ctxDriver{ctx: context.WithValue(context.Background(), ctxKey{}, "mine")}
		var got, inlineGot context.Context
		var drv coro.Driver
		c := coro.New(func(co *coro.Co) (int, error) {
			got, drv = co.Context(), co.Driver()
			// An awaited coroutine runs with the awaiter's Co, so its driver's context.
			return coro.New(func(co *coro.Co) (int, error) {
				inlineGot = co.Context()
				return 0, nil
			}).Await(co)
		})
		c.Bind(d)
		c.Send(nil)
		if got != d.ctx || inlineGot != d.ctx || drv != coro.Driver(d) {
			t.Errorf("Context() = %v, inline %v, Driver() = %v; want the driver's %v", got, inlineGot, drv, d.ctx)
		}
	})
}

func TestBindAfterStartOrBind(t *testing.T) {
	d := &ctxDriver{ctx: context.Background()}
	for _, tc := range []struct {
		name  string
		start func(t *testing.T, c *coro.Coro[int])
	}{
		{"suspended", func(t *testing.T, c *coro.Coro[int]) { c.Send(nil) }},
		{"finished", func(t *testing.T, c *coro.Coro[int]) { c.Send(nil); c.Send(nil) }},
		{"awaited", func(t *testing.T, c *coro.Coro[int]) {
			outer := coro.New(func(co *coro.Co) (int, error) { return c.Await(co) })
			outer.Send(nil)
			t.Cleanup(func() { outer.Close() })
		}},
		{"closed", func(t *testing.T, c *coro.Coro[int]) { c.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Check(t)
			c := coro.New(func(co *coro.Co) (int, error) {
				_, err := co.Suspend(nil)
				return 0, err
			})
			defer c.Close()
			tc.start(t, c)
			if err := c.Bind(d); !errors.Is(err, coro.ErrReused) {
				t.Errorf("Bind after the coroutine %s = %v; want ErrReused", tc.name, err)
			}
		})
	}
	t.Run("running", func(t *testing.T) {
		leaktest.Check(t)
		var err error
		var c *coro.Coro[int]
		c = coro.New(func(co *coro.Co) (int, error) {
			err = c.Bind(d)
			return 0, nil
		})
		c.Send(nil)
		if !errors.Is(err, coro.ErrReused) {
			t.Errorf("Bind from the coroutine's own body = %v; want ErrReused", err)
		}
	})
	t.Run("bound", func(t *testing.T) {
		c := coro.New(func(co *coro.Co) (int, error) { return 1, nil })
		if err := c.Bind(d); err != nil {
			t.Fatalf("first Bind = %v; want nil", err)
		}
		if err := c.Bind(d); !errors.Is(err, coro.ErrReused) {
			t.Errorf("second Bind = %v; want ErrReused", err)
		}
	})
}

// wrapDriver implements coro.PanicWrapper: it records the stack it is called
// on and wraps the panic value.
type wrapDriver struct {
	stack []byte
}

type wrapped struct{ v any }

func (d *wrapDriver) Context() context.Context { return context.Background() }
func (d *wrapDriver) WrapPanic(v any) any {
	d.stack = debug.Stack()
	return wrapped{v}
}

// panickingBody is a body with a name to find on a stack.
func panickingBody(co *coro.Co) (int, error) {
	panic("boom")
}

func TestPanicWrapper(t *testing.T) {
	for _, tc := range []struct {
		name string
		body func(co *coro.Co) (int, error)
	}{
		{"direct", panickingBody},
		{"awaited", func(co *coro.Co) (int, error) { return coro.New(panickingBody).Await(co) }},
		{"after a suspension", func(co *coro.Co) (int, error) {
			if _, err := co.Suspend(nil); err != nil {
				return 0, err
			}
			return panickingBody(co)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Check(t)
			d := &wrapDriver{}
			c := coro.New(tc.body)
			c.Bind(d)
			p := panicValue(func() {
				for {
					if _, err := c.Send(nil); err != nil {
						return
					}
				}
			})
			if p != (wrapped{"boom"}) {
				t.Errorf("Send panicked with %#v; want wrapped{\"boom\"}", p)
			}
			if !strings.Contains(string(d.stack), "coro_test.panickingBody") {
				t.Errorf("WrapPanic's stack does not show the panicking body:\n%s", d.stack)
			}
			if st := c.State(); st != gen.Closed {
				t.Errorf("State() = %v; want closed", st)
			}
		})
	}
}

func TestPanicPassesThrough(t *testing.T) {
	errPanic := errors.New("panic value")
	for _, tc := range []struct {
		name   string
		driver coro.Driver // bound if non-nil; not a PanicWrapper
		inline bool        // panic in a coroutine awaited inline
	}{
		{"no driver", nil, false},
		{"driver without WrapPanic", &ctxDriver{ctx: context.Background()}, false},
		{"awaited", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Check(t)
			inner := coro.New(func(co *coro.Co) (int, error) { panic(errPanic) })
			c := coro.New(func(co *coro.Co) (int, error) {
				if tc.inline {
					return inner.Await(co)
				}
				panic(errPanic)
			})
			if tc.driver != nil {
				c.Bind(tc.driver)
			}
			if p := panicValue(func() { c.Send(nil) }); p != errPanic {
				t.Errorf("Send(nil) panicked with %#v; want the body's value", p)
			}
			if st := c.State(); st != gen.Closed {
				t.Errorf("State() = %v; want closed", st)
			}
			if tc.inline && inner.State() != gen.Closed {
				t.Errorf("awaited State() = %v; want closed", inner.State())
			}
		})
	}
}

func TestGoexitPassesThrough(t *testing.T) {
	for _, resume := range []string{"Send", "Throw", "Close"} {
		t.Run(resume, func(t *testing.T) {
			leaktest.Check(t)
			c := coro.New(func(co *coro.Co) (int, error) {
				if resume != "Send" {
					co.Suspend(nil)
				}
				runtime.Goexit()
				return 0, nil
			})
			if resume != "Send" {
				c.Send(nil)
			}
			call := map[string]func(){
				"Send":  func() { c.Send(nil) },
				"Throw": func() { c.Throw(errBoom) },
				"Close": func() { c.Close() },
			}[resume]
			if !goexits(call) {
				t.Errorf("%s did not Goexit", resume)
			}
			if st := c.State(); st != gen.Closed {
				t.Errorf("State() = %v; want closed", st)
			}
		})
	}
}

// TestDroppedSuspendedIsClosed: as gen closes a Suspended generator that
// becomes unreachable, and CPython closes a dropped coroutine, a Suspended
// coroutine that is dropped is closed (its deferred calls run, its goroutine
// exits). leaktest's check collects garbage before counting.
func TestDroppedSuspendedIsClosed(t *testing.T) {
	leaktest.Check(t)
	closed := make(chan struct{})
	func() {
		c := coro.New(func(co *coro.Co) (int, error) {
			defer close(closed)
			_, err := co.Suspend(nil)
			return 0, err
		})
		c.Send(nil)
	}()
	for deadline := time.Now().Add(2 * time.Second); ; {
		runtime.GC()
		select {
		case <-closed:
			return
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the dropped coroutine was not closed: its deferred call did not run")
		}
	}
}
