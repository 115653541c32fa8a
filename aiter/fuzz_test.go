package aiter_test

// FuzzAsyncGen runs random programs (internal/stepprog describes them) on an
// async generator, stepped by a task whose body awaits sched.Sleep(0) at
// random points, and on a generator (gen.Gen) running the same body without
// the awaits, and requires the same transcript of every call: PEP 525's async
// generators step as PEP 342's generators do, with ErrStopAsyncIteration where
// generators have ErrStopIteration, and awaits between their steps change
// nothing a caller sees. gen.Gen itself is held to its reference model by
// gen's FuzzGen.

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/aiter"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/internal/stepprog"
	"github.com/corio-go/corio/sched"
)

// asyncTranscript runs the program in on an aiter.Gen.
func asyncTranscript(in []byte) (tr []stepprog.Step, err error) {
	body, driver := stepprog.Decode(in)
	_, err = sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		var deferred int
		a := aiter.New(func(co *coro.Co, yield gen.Yield[int, int]) error {
			pause := func() error { return sched.Sleep(co, 0) }
			return stepprog.Body(body, aiter.ErrStopAsyncIteration, &deferred, pause)(yield)
		})
		tr = stepprog.Run(stepprog.Calls{
			Next:  func() (int, error) { return a.ANext(co) },
			Send:  func(v int) (int, error) { return a.ASend(co, v) },
			Throw: func(err error) (int, error) { return a.AThrow(co, err) },
			Close: func() error { return a.AClose(co) },
			State: a.State,
		}, aiter.ErrStopAsyncIteration, &deferred, driver)
		return struct{}{}, nil
	}), sched.VirtualTime())
	return tr, err
}

var asyncSeeds = []string{
	"",
	"\x01\x00\x00\x00\x00\x00",             // two yields, run out
	"\x02\x10\x20\x02\x00\x01\x09\x00\x00", // awaits around yields; send before start
	"\x00\x08\x00\x02\x0a\x00",             // a thrown error caught, then one returned
	"\x00\x08\x00\x03\x00\x03",             // close: the body yields instead (ignored exit)
	"\x01\x0c\x1c\x00\x12\x00",             // the stop error leaked, after awaits
	"\x00\x04\x00\x03\x02\x04",             // close swallowed; throw after the end
	"\x00\x30\x02\x00\x1a\x00\x03",         // throw GeneratorExit in, awaiting first
	"\x01\x00\x03\x00\x00\x13\x13",         // a body that fails
}

func FuzzAsyncGen(f *testing.F) {
	leaktest.Fuzz(f, asyncSeeds, func(t *testing.T, in []byte) {
		want := stepprog.GenTranscript(in)
		got, err := asyncTranscript(in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			body, driver := stepprog.Decode(in)
			t.Errorf("body % x, driver % x: transcript (-gen +aiter):\n%s", body, driver, diff)
		}
	})
}
