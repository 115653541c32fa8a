package coro_test

// FuzzCoroutine runs random programs (internal/stepprog describes them) on a
// coroutine object, driven by hand through Send, Throw and Close with the body
// suspending through co.Suspend, and on a generator (gen.Gen) running the same
// body, and requires the same transcript of every call, but for one rule of
// CPython's: a finished coroutine cannot be resumed (Send and Throw return
// ErrReused, "cannot reuse already awaited coroutine") where a finished
// generator reports its end again (ErrStopIteration, or the thrown error).
// gen.Gen itself is held to its reference model by gen's FuzzGen.

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/internal/stepprog"
)

// coroTranscript runs the program in on a coro.Coro. The driver's send of 0
// is a send of nil (Python's None), as gen.Gen's send of the zero value is.
func coroTranscript(in []byte) []stepprog.Step {
	body, driver := stepprog.Decode(in)
	var deferred int
	b := stepprog.Body(body, gen.ErrStopIteration, &deferred, nil)
	c := coro.New(func(co *coro.Co) (int, error) {
		return 0, b(func(v int) (int, error) {
			in, err := co.Suspend(yielded{v})
			if in == nil {
				return 0, err
			}
			return in.(int), err
		})
	})
	value := func(w coro.Waiter, err error) (int, error) {
		if y, ok := w.(yielded); ok {
			return y.v.(int), err
		}
		return 0, err
	}
	return stepprog.Run(stepprog.Calls{
		Next: func() (int, error) { return value(c.Send(nil)) },
		Send: func(v int) (int, error) {
			if v == 0 {
				return value(c.Send(nil))
			}
			return value(c.Send(v))
		},
		Throw: func(err error) (int, error) { return value(c.Throw(err)) },
		Close: c.Close,
		State: c.State,
	}, gen.ErrStopIteration, &deferred, driver)
}

// finishedAlike rewrites what a send or a throw returned on a finished
// machine (the state before it was Closed) as "finished", for gen's
// transcript and the coroutine's alike.
func finishedAlike(tr []stepprog.Step) []stepprog.Step {
	out := append([]stepprog.Step(nil), tr...)
	for i := 1; i < len(out); i++ {
		if out[i-1].State != gen.Closed.String() {
			continue
		}
		if c := out[i].Call; c == "next" || strings.HasPrefix(c, "send ") || strings.HasPrefix(c, "throw ") {
			out[i].Err = "finished"
		}
	}
	return out
}

var coroSeeds = []string{
	"",
	"\x01\x00\x00\x00\x00\x00",         // two yields, run out, then a send
	"\x00\x00\x09\x01\x00",             // send before start, then None
	"\x00\x08\x00\x02\x0a\x00",         // a thrown error caught, then one returned
	"\x00\x08\x00\x03\x00\x03",         // close: the body yields instead (ignored exit)
	"\x01\x0c\x0c\x00\x12\x00",         // the stop error leaked
	"\x00\x04\x00\x03\x02\x04\x00",     // close swallowed; throw and send after the end
	"\x00\x00\x02\x1a\x00\x03",         // throw before start, then resumed
	"\x01\x00\x03\x00\x00\x13\x13\x0b", // a body that fails
}

func FuzzCoroutine(f *testing.F) {
	leaktest.Fuzz(f, coroSeeds, func(t *testing.T, in []byte) {
		want := finishedAlike(stepprog.GenTranscript(in))
		got := coroTranscript(in)
		reused := stepprog.ErrName(coro.ErrReused)
		for i, s := range finishedAlike(got) {
			if s.Err == "finished" && got[i].Err != reused {
				t.Errorf("call %d, %s on a finished coroutine: %s; want %s", i, s.Call, got[i].Err, reused)
			}
		}
		if diff := cmp.Diff(want, finishedAlike(got)); diff != "" {
			body, driver := stepprog.Decode(in)
			t.Errorf("body % x, driver % x: transcript (-gen +coro):\n%s", body, driver, diff)
		}
	})
}
