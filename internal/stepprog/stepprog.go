// Package stepprog runs random programs on generator-like state machines (a
// body that yields and a driver that resumes it), for the differential fuzz
// tests of aiter and coro against gen: the same program on two of them must
// give the same transcript.
//
// A program is bytes: in[0]%8+1 is the length n of the body's program,
// in[1:1+n]; the rest is the driver's, one call a byte (at most 64).
//
// A body byte b is what the body does each time it gets control (at its start
// and whenever its yield returns); it cycles through its program, for at most
// MaxSteps steps. With a value v: b&3 picks yield v+pc, yield pc, return nil,
// or return ErrFail. With an error: (b>>2)&3 picks return it, return nil,
// yield 1000+pc (catch it), or return an error wrapping the stop error (PEP
// 479's leak). If b&0x10, a body that can await does so first; if b&0x20, it
// awaits again after a yield that returned a value.
//
// A driver byte b: b%5 picks next, send(b>>3), throw of one of four errors
// (Thrown0, Thrown1, gen.ErrGeneratorExit, the stop error), close, or state. A
// final close ends every program.
package stepprog

import (
	"errors"
	"fmt"

	"github.com/corio-go/corio/gen"
)

// MaxSteps bounds how many instructions a body runs.
const MaxSteps = 30

// The errors a program's bodies return and its drivers throw.
var (
	ErrFail = errors.New("body failure")
	Thrown0 = errors.New("thrown 0")
	Thrown1 = errors.New("thrown 1")
)

// Step is one transcript entry: a call and what it returned, the state after
// it, and how often the body's deferred call had run by then.
type Step struct {
	Call     string
	V        int
	Err      string
	State    string
	Deferred int
}

// ErrName names an error for a transcript: the stop errors alike as "Stop",
// gen's misuse errors and the program's own by their messages, anything else
// as "other: " and its message.
func ErrName(err error, stops ...error) string {
	if err == nil {
		return "nil"
	}
	if errors.Is(err, gen.ErrStopLeaked) {
		return "StopLeaked"
	}
	for _, s := range stops {
		if errors.Is(err, s) {
			return "Stop"
		}
	}
	for _, k := range []error{gen.ErrGeneratorExit, gen.ErrRunning, gen.ErrJustStarted, gen.ErrIgnoredExit, ErrFail, Thrown0, Thrown1} {
		if errors.Is(err, k) {
			return k.Error()
		}
	}
	return "other: " + err.Error()
}

// Decode splits a program into the body's and the driver's.
func Decode(in []byte) (body, driver []byte) {
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

// Body returns the body's program as a function of its yield: stop is the
// machine's stop error, deferred counts the body's deferred call, and pause,
// if not nil, awaits.
func Body(prog []byte, stop error, deferred *int, pause func() error) func(yield func(int) (int, error)) error {
	return func(yield func(int) (int, error)) error {
		defer func() { *deferred++ }()
		in, err := 0, error(nil)
		for pc := range MaxSteps {
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
					return ErrFail
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

// Calls are a machine's calls, as the driver makes them.
type Calls struct {
	Next  func() (int, error)
	Send  func(v int) (int, error)
	Throw func(err error) (int, error)
	Close func() error
	State func() gen.State
}

// Run runs the driver's program on c and returns the transcript: stop is the
// machine's stop error, deferred its body's count of deferred calls.
func Run(c Calls, stop error, deferred *int, driver []byte) []Step {
	var tr []Step
	thrown := []error{Thrown0, Thrown1, gen.ErrGeneratorExit, stop}
	do := func(name string, f func() (int, error)) {
		v, err := f()
		tr = append(tr, Step{name, v, ErrName(err, stop), c.State().String(), *deferred})
	}
	for _, b := range driver {
		arg := int(b >> 3)
		switch b % 5 {
		case 0:
			do("next", c.Next)
		case 1:
			do(fmt.Sprintf("send %d", arg), func() (int, error) { return c.Send(arg) })
		case 2:
			e := thrown[arg%len(thrown)]
			do("throw "+ErrName(e, stop), func() (int, error) { return c.Throw(e) })
		case 3:
			do("close", func() (int, error) { return 0, c.Close() })
		case 4:
			do("state", func() (int, error) { return int(c.State()), nil })
		}
	}
	do("final close", func() (int, error) { return 0, c.Close() })
	return tr
}

// GenTranscript runs the program on a gen.Gen: the transcript the others must
// give.
func GenTranscript(in []byte) []Step {
	body, driver := Decode(in)
	var deferred int
	b := Body(body, gen.ErrStopIteration, &deferred, nil)
	g := gen.New(func(yield gen.Yield[int, int]) (int, error) { return 0, b(yield) })
	return Run(Calls{g.Next, g.Send, g.Throw, g.Close, g.State}, gen.ErrStopIteration, &deferred, driver)
}
