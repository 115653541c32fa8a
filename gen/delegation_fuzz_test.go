package gen_test

// FuzzDelegation runs random programs of nested delegations (YieldFrom, mostly
// of Created generators, which run inline) on a reference and on gen, and
// requires identical transcripts. The reference is the model of
// reference_test.go for the outermost generator and for started ones, and
// refInline, which runs an inline delegation as gen did before levels were
// chained: each level's yield checks that level and calls the next one out. On
// gen each program runs twice: with each delegating body passing its own yield
// to YieldFrom, so that the levels join one chain and a value leaves through
// one call; and with that yield wrapped in a function of the test's, which gen
// cannot recognise, so that every level is a chain of its own. The driver is
// FuzzGen's, on the outermost generator; the transcripts include a trace of
// what YieldFrom returned to each body and how each body ended.
//
// The input bytes are: the number of levels (1 to 4, from the first byte), then
// for each level a body program (a length byte, 1 to 8, then the program), then
// the driver program.
//
// A body program byte b is an instruction the body runs each time it gets
// control (when it starts, and when a yield or a delegation returns). If that
// returned a value, b&15 says what to do; if it returned an error, (b>>4)&7
// does.

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/google/go-cmp/cmp"
)

// What a delegation body does with a value v it received, at instruction pc.
const (
	dOnValYield       = iota // yield v+pc
	dOnValYieldNeg           // yield -v
	dOnValReturn             // return v, nil
	dOnValFail               // return pc, errFail
	dOnValLeak               // return pc, an error wrapping ErrStopIteration
	dOnValDelegate           // YieldFrom a new Created generator of the next level
	dOnValDelegateRun        // YieldFrom a new generator of the next level that has been started
	dOnValYieldParent        // yield 500+pc through the yield of the level that delegated to this one
	dOnValYieldStale         // yield through the yield of this level's last finished delegation
	dOnValPanic              // panic
	dOnValYieldPC            // yield pc
)

// What a delegation body does with an error it received, at instruction pc.
const (
	dOnErrReturn   = iota // return pc, err
	dOnErrWrap            // return pc, an error wrapping err
	dOnErrSwallow         // return pc, nil
	dOnErrFail            // return pc, errFail
	dOnErrYield           // catch it and yield 1000+pc
	dOnErrCarryOn         // catch it and go on as if 0 had been received
	dOnErrDelegate        // catch it and YieldFrom a new Created generator of the next level
	dOnErrPanic           // panic
)

const (
	maxLevels        = 4
	maxDelegateSteps = 24
)

// delegation runs the bodies of one run of a program, on gen or on the
// reference (the model of reference_test.go for the outermost generator and for
// started generators, and refInline below for inline delegation).
type delegation struct {
	progs   [][]byte
	ref     bool        // run on the reference
	wrap    bool        // on gen, pass YieldFrom a wrapped yield
	trace   []string    // what the bodies did, besides yielding
	created int         // bodies made, to name them
	started []generator // the started generators delegated to, closed at the end
}

// body returns a body of the given level. It yields through parent for
// dOnValYieldParent, if parent is not nil, and stores the yield it is handed in
// *handed, if handed is not nil.
func (d *delegation) body(level int, parent gen.Yield[int, int], handed *gen.Yield[int, int]) func(gen.Yield[int, int]) (int, error) {
	d.created++
	name := fmt.Sprintf("L%d#%d", level, d.created)
	prog := d.progs[level]
	return func(yield gen.Yield[int, int]) (r int, err error) {
		if handed != nil {
			*handed = yield
		}
		defer func() {
			d.trace = append(d.trace, fmt.Sprintf("%s deferred: returns %d, %s", name, r, errName(err)))
		}()
		var stale gen.Yield[int, int] // the yield handed to the last inline generator this one delegated to
		delegate := func(started bool) (int, error) {
			if level+1 >= len(d.progs) {
				return yield(-1)
			}
			r, err := d.delegate(level+1, yield, started, &stale)
			d.trace = append(d.trace, fmt.Sprintf("%s: YieldFrom returned %d, %s", name, r, errName(err)))
			return r, err
		}
		in, err := 0, error(nil)
		for pc := 0; pc < maxDelegateSteps; pc++ {
			b := prog[pc%len(prog)]
			if err != nil {
				switch (b >> 4) & 7 {
				case dOnErrReturn:
					return pc, err
				case dOnErrWrap:
					return pc, fmt.Errorf("body: %w", err)
				case dOnErrSwallow:
					return pc, nil
				case dOnErrFail:
					return pc, errFail
				case dOnErrYield:
					in, err = yield(1000 + pc)
				case dOnErrCarryOn:
					in, err = 0, nil
				case dOnErrDelegate:
					in, err = delegate(false)
				case dOnErrPanic:
					panic(fmt.Sprintf("%s panicked at %d on %v", name, pc, errName(err)))
				}
				continue
			}
			switch op := int(b & 15); op {
			case dOnValYield:
				in, err = yield(in + pc)
			case dOnValYieldNeg:
				in, err = yield(-in)
			case dOnValReturn:
				return in, nil
			case dOnValFail:
				return pc, errFail
			case dOnValLeak:
				return pc, fmt.Errorf("body: %w", gen.ErrStopIteration)
			case dOnValDelegate:
				in, err = delegate(false)
			case dOnValDelegateRun:
				in, err = delegate(true)
			case dOnValYieldParent:
				if parent == nil {
					in, err = yield(pc)
				} else {
					in, err = parent(500 + pc)
				}
			case dOnValYieldStale:
				if stale == nil {
					in, err = yield(pc)
				} else {
					in, err = stale(700 + pc)
				}
			case dOnValPanic:
				panic(fmt.Sprintf("%s panicked at %d on %d", name, pc, in))
			default:
				in, err = yield(pc)
			}
		}
		return -1, nil
	}
}

// delegate delegates, with yield, to a new generator of the given level: a
// Created one (inline), or one started first, whose first value goes out
// through yield before the delegation (the forwarding loop). An inline one's
// yield is stored in *stale.
func (d *delegation) delegate(level int, yield gen.Yield[int, int], started bool, stale *gen.Yield[int, int]) (int, error) {
	if !started {
		b := d.body(level, yield, stale)
		if d.ref {
			return refInline(yield, b)
		}
		out := yield
		if d.wrap {
			out = func(v int) (int, error) { return yield(v) }
		}
		return gen.YieldFrom(out, gen.New(b))
	}
	// A started generator runs on a goroutine of its own: its body must not
	// call this body's yield.
	b := d.body(level, nil, nil)
	var sub generator
	if d.ref {
		sub = newRef(func(yield func(int) (int, error)) (int, error) { return b(yield) })
	} else {
		sub = gen.New(b)
	}
	d.started = append(d.started, sub)
	v, err := sub.Next()
	if err != nil {
		return v, err
	}
	if _, err := yield(v); err != nil {
		sub.Close()
		return 0, err
	}
	if d.ref {
		return refForward(yield, sub)
	}
	return gen.YieldFrom(yield, sub.(*G))
}

// refInline runs body as YieldFrom ran a Created generator before levels were
// chained: on the current stack, with a yield of its own that checks the level
// and calls outer. It is gen's inline of then, on local variables.
func refInline(outer func(int) (int, error), body func(gen.Yield[int, int]) (int, error)) (r int, err error) {
	st := gen.Running
	var exited, ignored, returned bool
	var res int
	var serr error
	defer func() {
		if ignored {
			if p := recover(); p != nil {
				if _, ok := p.(refInlineUnwind); !ok {
					panic(p)
				}
			}
			serr = gen.ErrIgnoredExit
		} else if !returned {
			serr = errors.New("aborted")
		}
		st = gen.Closed
		if ignored {
			r, err = res, serr
		}
	}()
	r, err = body(func(v int) (int, error) {
		switch st {
		case gen.Closed:
			panic("gen.Yield: called after the generator finished")
		case gen.Suspended, gen.Created:
			panic("ref: a level's yield called while it is not running")
		}
		if exited {
			ignored = true
			panic(refInlineUnwind{})
		}
		in, err := outer(v)
		if err != nil && errors.Is(err, gen.ErrGeneratorExit) {
			exited = true
		}
		return in, err
	})
	returned, res = true, r
	switch {
	case ignored:
		serr = gen.ErrIgnoredExit
	case exited && (err == nil || errors.Is(err, gen.ErrGeneratorExit)):
		serr = nil
	case err != nil && errors.Is(err, gen.ErrStopIteration):
		serr = fmt.Errorf("%w (%v)", gen.ErrStopLeaked, err)
	default:
		serr = err
	}
	if exited && serr == nil {
		return res, gen.ErrGeneratorExit
	}
	return res, serr
}

// refInlineUnwind is the panic that unwinds an inline body that yields after
// ErrGeneratorExit.
type refInlineUnwind struct{}

// refForward is PEP 380's loop for a started generator, as YieldFrom's.
func refForward(yield func(int) (int, error), sub generator) (int, error) {
	v, err := sub.Next()
	for err == nil {
		in, e := yield(v)
		switch {
		case e == nil:
			v, err = sub.Send(in)
		case errors.Is(e, gen.ErrGeneratorExit):
			if cerr := sub.Close(); cerr != nil {
				return 0, cerr
			}
			return 0, e
		default:
			v, err = sub.Throw(e)
		}
	}
	if err == gen.ErrStopIteration {
		return sub.Result()
	}
	return 0, err
}

// decodeDelegation splits fuzz input into level programs and a driver program.
func decodeDelegation(data []byte) (progs [][]byte, driver []byte) {
	levels := 1
	if len(data) > 0 {
		levels = 1 + int(data[0])%maxLevels
		data = data[1:]
	}
	for range levels {
		n := 1
		if len(data) > 0 {
			n = 1 + int(data[0])%maxBodyLength
			data = data[1:]
		}
		n = min(n, len(data))
		prog := append([]byte(nil), data[:n]...)
		data = data[n:]
		if len(prog) == 0 {
			prog = []byte{dOnValYield}
		}
		progs = append(progs, prog)
	}
	if len(data) > maxDriverOps {
		data = data[:maxDriverOps]
	}
	return progs, data
}

// delegationTranscript runs the program data on gen, with or without wrapped
// yields, or on the reference.
func delegationTranscript(data []byte, ref, wrap bool) (transcript, []string) {
	progs, driver := decodeDelegation(data)
	d := &delegation{progs: progs, ref: ref, wrap: wrap}
	deferred := 0
	b := d.body(0, nil, nil)
	var root generator
	if ref {
		r := newRef(func(yield func(int) (int, error)) (int, error) {
			defer func() { deferred++ }()
			return refInline(yield, b)
		})
		defer func() { <-r.exited() }()
		root = r
	} else {
		root = gen.New(func(yield gen.Yield[int, int]) (int, error) {
			defer func() { deferred++ }()
			return gen.YieldFrom(yield, gen.New(b))
		})
	}
	tr := run(root, &deferred, driver)
	for i := 0; i < len(d.started); i++ { // closing one may start another
		g := d.started[i]
		func() {
			defer func() {
				if p := recover(); p != nil {
					d.trace = append(d.trace, fmt.Sprintf("closing a started generator panicked: %v", p))
				}
			}()
			g.Close()
		}()
		if r, ok := g.(*refGen); ok {
			<-r.exited()
		}
	}
	return tr, d.trace
}

var delegationSeeds = []struct {
	name string
	data []byte
}{
	{"three levels, values", []byte{2, 0, dOnValDelegate, 0, dOnValDelegate, 1, dOnValYield, dOnValYieldNeg,
		driverOp(opNext, 0), driverOp(opSend, 3), driverOp(opNext, 0), driverOp(opResult, 0)}},
	{"close through three levels", []byte{2, 0, dOnValDelegate, 0, dOnValDelegate, 0, dOnValYield,
		driverOp(opNext, 0), driverOp(opClose, 0), driverOp(opResult, 0)}},
	{"close ignored at the bottom", []byte{2, 0, dOnValDelegate, 0, dOnValDelegate, 0, dOnValYield | dOnErrYield<<4,
		driverOp(opNext, 0), driverOp(opClose, 0), driverOp(opResult, 0)}},
	{"close ignored in the middle after the bottom returned", []byte{2, 0, dOnValDelegate, 1, dOnValDelegate | dOnErrYield<<4, dOnValYield, 0, dOnValYield | dOnErrSwallow<<4,
		driverOp(opNext, 0), driverOp(opClose, 0), driverOp(opResult, 0), driverOp(opNext, 0)}},
	{"delegate again after exit", []byte{2, 0, dOnValDelegate, 0, dOnValDelegate | dOnErrDelegate<<4, 0, dOnValYield | dOnErrSwallow<<4,
		driverOp(opNext, 0), driverOp(opThrow, 2), driverOp(opNext, 0), driverOp(opClose, 0), driverOp(opResult, 0)}},
	{"throw through levels", []byte{2, 0, dOnValDelegate, 0, dOnValDelegate | dOnErrYield<<4, 0, dOnValYield,
		driverOp(opNext, 0), driverOp(opThrow, 0), driverOp(opNext, 0), driverOp(opThrow, 1), driverOp(opResult, 0)}},
	{"bottom yields through its parent", []byte{2, 0, dOnValDelegate, 0, dOnValDelegate, 1, dOnValYieldParent, dOnValYield,
		driverOp(opNext, 0), driverOp(opNext, 0), driverOp(opSend, 2), driverOp(opClose, 0)}},
	{"stale yield after a delegation", []byte{1, 1, dOnValDelegate, dOnValYieldStale, 0, dOnValReturn,
		driverOp(opNext, 0), driverOp(opNext, 0), driverOp(opResult, 0)}},
	{"started sub forwarded under a chain", []byte{2, 0, dOnValDelegate, 0, dOnValDelegateRun, 0, dOnValYield,
		driverOp(opNext, 0), driverOp(opNext, 0), driverOp(opClose, 0), driverOp(opResult, 0)}},
	{"push mode through levels", []byte{2, 0, dOnValDelegate, 0, dOnValDelegate, 1, dOnValYield, dOnValReturn,
		driverOp(opAll, 2), driverOp(opResult, 0)}},
	{"push mode to the end", []byte{1, 0, dOnValDelegate, 2, dOnValYield, dOnValYieldPC, dOnValReturn,
		driverOp(opAll, 0), driverOp(opResult, 0)}},
	{"started generators delegated to in a row", []byte("20V0V$00000000")}, // found by fuzzing: a finished level must not join a chain
	{"a started generator panics when closed at the end", []byte("20a0&0x000000")},
	{"panic at the bottom", []byte{2, 0, dOnValDelegate, 0, dOnValDelegate, 1, dOnValYield, dOnValPanic,
		driverOp(opNext, 0), driverOp(opNext, 0), driverOp(opState, 0)}},
}

// delegationDiff runs the program data on the reference and on gen, with and
// without wrapped yields, and describes the differences, if any.
func delegationDiff(data []byte) string {
	ref, refTrace := delegationTranscript(data, true, false)
	diff := ""
	for _, wrap := range []bool{false, true} {
		got, gotTrace := delegationTranscript(data, false, wrap)
		if d := cmp.Diff(ref, got); d != "" {
			diff += fmt.Sprintf("wrapped yields %v: transcript (-reference +gen):\n%s", wrap, d)
		}
		if d := cmp.Diff(refTrace, gotTrace); d != "" {
			diff += fmt.Sprintf("wrapped yields %v: trace (-reference +gen):\n%s", wrap, d)
		}
	}
	return diff
}

// TestDelegationTranscripts runs the seeds as a table, by name.
func TestDelegationTranscripts(t *testing.T) {
	leaktest.Check(t)
	for _, s := range delegationSeeds {
		if diff := delegationDiff(s.data); diff != "" {
			t.Errorf("%s: %s", s.name, diff)
		}
	}
}

func FuzzDelegation(f *testing.F) {
	for _, s := range delegationSeeds {
		f.Add(s.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		base := runtime.NumGoroutine()
		diff := delegationDiff(data)
		if !leaktest.Quiet(base) {
			t.Errorf("goroutines leaked: %d now, %d before", runtime.NumGoroutine(), base)
		}
		if diff != "" {
			progs, driver := decodeDelegation(data)
			t.Errorf("levels %v, driver %v: %s", progs, driver, diff)
		}
	})
}
