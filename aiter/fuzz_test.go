package aiter_test

// FuzzAsyncGen runs random programs on an async generator (aiter.Gen, stepped
// by a task whose body awaits sched.Sleep(0) at random points) and on a
// generator (gen.Gen) running the same body without the awaits, and requires
// the same transcript of every call: PEP 525's async generators step as PEP
// 342's generators do, with ErrStopAsyncIteration where generators have
// ErrStopIteration, and awaits between their steps change nothing a caller
// sees. gen.Gen itself is held to its reference model by gen's FuzzGen.
//
// The input is a program: in[0]%8+1 is the length n of the body's program,
// in[1:1+n]; the rest is the driver's, one call a byte.
//
// A body byte b is what the body does each time it gets control (at its start
// and whenever its yield returns); it cycles through its program, for at most
// maxAsyncSteps steps. With a value v: b&3 picks yield v+pc, yield pc, return
// nil, or return errFail. With an error: (b>>2)&3 picks return it, return nil,
// yield 1000+pc (catch it), or return an error wrapping the stop error
// (ErrStopIteration or ErrStopAsyncIteration, which is PEP 479's leak). If
// b&0x10, the async body awaits Sleep(0) first; if b&0x20, it awaits again
// once it has done so, before its next yield returns control.
//
// A driver byte b: b%5 picks ANext/Next, ASend/Send(b>>3), AThrow/Throw of one
// of four errors (two plain ones, GeneratorExit, the stop error), AClose/Close
// or State. A final close ends every program.

import (
	"errors"
	"flag"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/aiter"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

const maxAsyncSteps = 30

var (
	errAsyncFail = errors.New("body failure")
	errAsync0    = errors.New("thrown 0")
	errAsync1    = errors.New("thrown 1")
)

// asyncStep is one transcript entry: a call and what it returned, the state
// after it, and how often the body's deferred call had run by then.
type asyncStep struct {
	Call     string
	V        int
	Err      string
	State    string
	Deferred int
}

// stepErrName names an error for a transcript, the two stop errors alike.
func stepErrName(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, gen.ErrStopLeaked):
		return "StopLeaked"
	case errors.Is(err, gen.ErrStopIteration), errors.Is(err, aiter.ErrStopAsyncIteration):
		return "Stop"
	}
	for _, k := range []error{gen.ErrGeneratorExit, gen.ErrRunning, gen.ErrJustStarted, gen.ErrIgnoredExit, errAsyncFail, errAsync0, errAsync1} {
		if errors.Is(err, k) {
			return k.Error()
		}
	}
	return "other: " + err.Error()
}

// asyncBody is the body's program for either kind of generator: stop is the
// kind's stop error, and pause, if not nil, awaits.
func asyncBody(prog []byte, stop error, deferred *int, pause func() error) func(yield gen.Yield[int, int]) error {
	return func(yield gen.Yield[int, int]) error {
		defer func() { *deferred++ }()
		in, err := 0, error(nil)
		for pc := range maxAsyncSteps {
			b := prog[pc%len(prog)]
			if pause != nil && b&0x10 != 0 {
				if perr := pause(); perr != nil {
					return perr
				}
			}
			if err != nil {
				switch (b >> 2) & 3 {
				case 0:
					return err
				case 1:
					return nil
				case 2:
					in, err = yield(1000 + pc)
				case 3:
					return fmt.Errorf("body: %w", stop)
				}
			} else {
				switch b & 3 {
				case 0:
					in, err = yield(in + pc)
				case 1:
					in, err = yield(pc)
				case 2:
					return nil
				case 3:
					return errAsyncFail
				}
			}
			if pause != nil && b&0x20 != 0 && err == nil {
				if perr := pause(); perr != nil {
					return perr
				}
			}
		}
		return nil
	}
}

// asyncCalls is a driver: each call is run on either kind of generator.
type asyncCalls struct {
	next  func() (int, error)
	send  func(v int) (int, error)
	throw func(err error) (int, error)
	close func() error
	state func() gen.State
}

func runAsyncDriver(g asyncCalls, stop error, deferred *int, driver []byte) []asyncStep {
	var tr []asyncStep
	thrown := []error{errAsync0, errAsync1, gen.ErrGeneratorExit, stop}
	do := func(name string, f func() (int, error)) {
		v, err := f()
		tr = append(tr, asyncStep{name, v, stepErrName(err), g.state().String(), *deferred})
	}
	for _, b := range driver {
		arg := int(b >> 3)
		switch b % 5 {
		case 0:
			do("next", g.next)
		case 1:
			do(fmt.Sprintf("send %d", arg), func() (int, error) { return g.send(arg) })
		case 2:
			e := thrown[arg%len(thrown)]
			do(fmt.Sprintf("throw %s", stepErrName(e)), func() (int, error) { return g.throw(e) })
		case 3:
			do("close", func() (int, error) { return 0, g.close() })
		case 4:
			do("state", func() (int, error) { return int(g.state()), nil })
		}
	}
	do("final close", func() (int, error) { return 0, g.close() })
	return tr
}

func decodeAsync(in []byte) (body, driver []byte) {
	if len(in) == 0 {
		return []byte{0}, nil
	}
	n := min(1+int(in[0])%8, len(in)-1)
	body, driver = in[1:1+n], in[1+n:]
	if len(body) == 0 {
		body = []byte{0}
	}
	return body, driver[:min(len(driver), 64)]
}

// asyncTranscripts runs the program in on gen.Gen and on aiter.Gen.
func asyncTranscripts(in []byte) (want, got []asyncStep, err error) {
	body, driver := decodeAsync(in)
	var genDeferred int
	gb := asyncBody(body, gen.ErrStopIteration, &genDeferred, nil)
	g := gen.New(func(yield gen.Yield[int, int]) (int, error) { return 0, gb(yield) })
	want = runAsyncDriver(asyncCalls{g.Next, g.Send, g.Throw, g.Close, g.State}, gen.ErrStopIteration, &genDeferred, driver)

	_, err = sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		var deferred int
		a := aiter.New(func(co *coro.Co, yield gen.Yield[int, int]) error {
			return asyncBody(body, aiter.ErrStopAsyncIteration, &deferred, func() error { return sched.Sleep(co, 0) })(yield)
		})
		got = runAsyncDriver(asyncCalls{
			next:  func() (int, error) { return a.ANext(co) },
			send:  func(v int) (int, error) { return a.ASend(co, v) },
			throw: func(err error) (int, error) { return a.AThrow(co, err) },
			close: func() error { return a.AClose(co) },
			state: a.State,
		}, aiter.ErrStopAsyncIteration, &deferred, driver)
		return struct{}{}, nil
	}), sched.VirtualTime())
	return want, got, err
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
	// As in gen's FuzzGen: while fuzzing, the coordinator starts goroutines
	// of its own, so the whole-run check is for the seeds only.
	if flag.Lookup("test.fuzz").Value.String() == "" {
		leaktest.Check(f)
	}
	for _, s := range asyncSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		base := runtime.NumGoroutine()
		want, got, err := asyncTranscripts(in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			body, driver := decodeAsync(in)
			t.Errorf("body % x, driver % x: transcript (-gen +aiter):\n%s", body, driver, diff)
		}
		if n := leaktest.Settle(base, 5*time.Second); n > base {
			t.Errorf("goroutines leaked: %d now, %d before", n, base)
		}
	})
}
