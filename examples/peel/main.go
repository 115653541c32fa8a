// Command peel peels the event loop off a coroutine to show that await is
// yield.
//
// A coroutine object (coro.New) is a generator underneath. When its body
// awaits something that is not ready, it yields a coro.Waiter to whoever
// drives it and is suspended there; the driver resumes it with Send(nil) once
// the Waiter says it is done (through the callback the driver gave its
// AddDoneCallback). Here the Waiter is an alarm of our own: "wake me in d
// seconds". Its String method is what the driver prints.
//
// First we drive the coroutine by hand: Send(nil), look at the alarm it
// yields, register a done callback, wait the alarm's time, ring it, Send(nil)
// again, until Send returns gen.ErrStopIteration and Result holds the value.
//
// Then the same body runs as the main task of sched.Run, with the loop's
// trace printed (sched.Trace): the loop does exactly what our hand driver did.
// It starts the task with Send(nil), gets the alarm ("suspend on ..."),
// registers its done callback, sets a timer that rings it ("timer fired"), and
// resumes the task ("resume by ..."). The only difference is that the alarm
// asks the loop for that timer: asyncio.sleep is a future completed by a
// call_later in the same way.
//
// Run it with
//
//	go run ./examples/peel            # on the real clock, 1 simulated second = 200ms
//	go run ./examples/peel -virtual   # on a virtual clock: instant, exact times
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/sched"
)

// alarm is the Waiter the coroutine yields to its driver: "wake me in d". It
// implements coro.Waiter (AddDoneCallback and Cancel) and fmt.Stringer.
type alarm struct {
	what      string
	d         time.Duration // simulated
	done      bool
	cancelled bool
	callbacks []func()
}

func (a *alarm) String() string { return fmt.Sprintf("alarm %q in %v", a.what, a.d) }

// AddDoneCallback arranges for fn to be called when the alarm rings: how the
// driver learns that the coroutine can go on.
func (a *alarm) AddDoneCallback(fn func()) {
	if a.done {
		fn()
		return
	}
	a.callbacks = append(a.callbacks, fn)
}

// ring ends the wait and calls the done callbacks.
func (a *alarm) ring() {
	if a.done {
		return
	}
	a.done = true
	for _, fn := range a.callbacks {
		fn()
	}
	a.callbacks = nil
}

// Cancel ends the wait by cancellation (a cancelled task's loop calls it).
func (a *alarm) Cancel() bool {
	if a.done {
		return false
	}
	a.cancelled = true
	a.ring()
	return true
}

// wait is the awaitable: it suspends the coroutine on a new alarm until the
// alarm rings. Under sched the loop's timer rings it (scaled to the real
// clock); under any other driver, the driver does.
func wait(co *coro.Co, scale float64, what string, d time.Duration) error {
	a := &alarm{what: what, d: d}
	if l := sched.LoopOf(co); l != nil {
		l.AfterFunc(time.Duration(float64(d)*scale), a.ring)
	}
	for !a.done {
		if _, err := co.Suspend(a); err != nil { // await is yield: hand a to the driver
			return err
		}
	}
	if a.cancelled {
		return sched.ErrCancelled
	}
	return nil
}

// makeTea is the coroutine body both drivers run; say prints with the
// driver's clock.
func makeTea(co *coro.Co, scale float64, say func(string)) (string, error) {
	say("body: kettle on")
	if err := wait(co, scale, "kettle boils", 3*time.Second); err != nil {
		return "", err
	}
	say("body: water boiled, tea in")
	if err := wait(co, scale, "tea steeped", 2*time.Second); err != nil {
		return "", err
	}
	say("body: tea ready")
	return "a cup of tea", nil
}

// byHand drives the coroutine with its own clock: a counter under virtual
// time, time.Sleep otherwise.
func byHand(w io.Writer, virtual bool, scale float64) error {
	fmt.Fprintln(w, "-- driven by hand --")
	var now time.Duration // simulated, for virtual time
	start := time.Now()
	elapsed := func() float64 {
		if virtual {
			return now.Seconds()
		}
		return time.Since(start).Seconds() / scale
	}
	say := func(msg string) { fmt.Fprintf(w, "[%.1f s] %s\n", elapsed(), msg) }

	c := coro.New(func(co *coro.Co) (string, error) { return makeTea(co, scale, say) })
	fmt.Fprintf(w, "driver: made the coroutine; it is %s\n", c.State())
	for {
		fmt.Fprintln(w, "driver: Send(nil)")
		wt, err := c.Send(nil)
		if errors.Is(err, gen.ErrStopIteration) {
			r, err := c.Result()
			fmt.Fprintf(w, "driver: Send returned ErrStopIteration; Result() = %q, %v\n", r, err)
			return err
		}
		if err != nil {
			return err
		}
		a, ok := wt.(*alarm)
		if !ok {
			return fmt.Errorf("driver: the coroutine yielded %T, not an alarm", wt)
		}
		fmt.Fprintf(w, "driver: it yielded %v; it is %s\n", a, c.State())
		ready := false
		a.AddDoneCallback(func() { ready = true })
		fmt.Fprintf(w, "driver: registered a done callback; waiting %v, then ringing the alarm\n", a.d)
		if virtual {
			now += a.d
		} else {
			time.Sleep(time.Duration(float64(a.d) * scale))
		}
		a.ring()
		if !ready {
			return errors.New("driver: the alarm rang without calling back")
		}
	}
}

// traceHandler prints the loop's trace events without task names (they count
// tasks across the whole process) or timer deadlines (they are real times).
type traceHandler struct{ w io.Writer }

func (h traceHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h traceHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h traceHandler) WithGroup(string) slog.Handler            { return h }

func (h traceHandler) Handle(_ context.Context, r slog.Record) error {
	line := "loop: " + r.Message
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "on", "by", "result":
			line += fmt.Sprintf(" %s %v", a.Key, a.Value)
		}
		return true
	})
	fmt.Fprintln(h.w, line)
	return nil
}

func byLoop(w io.Writer, opts []sched.Option, scale float64) error {
	fmt.Fprintln(w, "-- the same body, driven by the loop (sched.Run) --")
	opts = append(opts, sched.Trace(traceHandler{w}))
	r, err := sched.Run(coro.New(func(co *coro.Co) (string, error) {
		c := story.NewClock(co, scale)
		say := func(msg string) { fmt.Fprintf(w, "[%.1f s] %s\n", c.Since(co).Seconds(), msg) }
		return makeTea(co, scale, say)
	}), opts...)
	fmt.Fprintf(w, "sched.Run returned %q, %v\n", r, err)
	return err
}

func run(w io.Writer, virtual bool, scale float64) error {
	opts, scale := story.Start(w, virtual, scale, time.Second, "second")
	if err := byHand(w, virtual, scale); err != nil {
		return err
	}
	return byLoop(w, opts, scale)
}

func main() {
	story.Main(0.2, "real seconds per simulated second", run)
}
