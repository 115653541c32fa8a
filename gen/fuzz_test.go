package gen_test

// FuzzGen runs random programs against gen and against the reference model of
// reference_test.go and requires identical transcripts.
//
// The input bytes are a program: the first byte gives the length of the body
// program (1 to 8 bytes), which follows; the rest is the driver program.
//
// A body program byte b is an instruction the body runs each time it gets
// control (when it starts, and whenever a yield returns). If the yield returned
// a value, b&7 says what to do with it; if it returned an error, (b>>3)&7 does;
// b>>6 is a small constant k. A body runs at most maxBodySteps instructions,
// then returns.
//
// A driver program byte b is a call: b&7 picks it, b>>3 is its argument.

import (
	"errors"
	"flag"
	"fmt"
	"iter"
	"runtime"
	"testing"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/google/go-cmp/cmp"
)

// What a body does with a value v it received, at instruction pc.
const (
	onValYield     = iota // yield v+pc+k
	onValYieldNeg         // yield -v
	onValYieldK           // yield k
	onValYieldPC          // yield pc
	onValReturn           // return v, nil
	onValFail             // return pc, errFail
	onValLeak             // return pc, an error wrapping ErrStopIteration
	onValPanicIfK3        // panic if k == 3, else yield 100+v
)

// What a body does with an error err it received, at instruction pc.
const (
	onErrReturn  = iota // return pc, err
	onErrWrap           // return pc, an error wrapping err
	onErrSwallow        // return pc, nil
	onErrFail           // return pc, errFail
	onErrLeak           // return pc, an error wrapping ErrStopIteration
	onErrYield          // catch it and yield 1000+pc (after ErrGeneratorExit: ignore it)
	onErrCarryOn        // catch it and go on as if 0 had been received, without yielding
	onErrPanic          // panic
)

// The driver's calls.
const (
	opNext     = iota // Next()
	opSend            // Send(arg)
	opThrow           // Throw(thrown[arg%len(thrown)])
	opThrowNil        // Throw(nil)
	opClose           // Close()
	opResult          // Result()
	opState           // State()
	opAll             // range over All(), breaking after arg%4 values (0: no break)
)

const (
	maxBodySteps  = 40
	maxDriverOps  = 64
	maxBodyLength = 8
)

var (
	errFail    = errors.New("body failure")
	errThrown0 = errors.New("thrown 0")
	errThrown1 = errors.New("thrown 1")
	errExitish = fmt.Errorf("wrapped: %w", gen.ErrGeneratorExit)
	thrown     = []error{errThrown0, errThrown1, gen.ErrGeneratorExit, gen.ErrStopIteration, errExitish}
)

// knownErrors are the errors a transcript names an error after: every one it
// matches with errors.Is.
var knownErrors = []struct {
	name string
	err  error
}{
	{"StopIteration", gen.ErrStopIteration},
	{"GeneratorExit", gen.ErrGeneratorExit},
	{"Running", gen.ErrRunning},
	{"JustStarted", gen.ErrJustStarted},
	{"IgnoredExit", gen.ErrIgnoredExit},
	{"StopLeaked", gen.ErrStopLeaked},
	{"NotFinished", gen.ErrNotFinished},
	{"fail", errFail},
	{"thrown0", errThrown0},
	{"thrown1", errThrown1},
}

// errName names err by the known errors it matches: "<nil>", "other", or the
// names joined by "+".
func errName(err error) string {
	if err == nil {
		return "<nil>"
	}
	name := ""
	for _, k := range knownErrors {
		if errors.Is(err, k.err) {
			if name != "" {
				name += "+"
			}
			name += k.name
		}
	}
	if name == "" {
		return "other"
	}
	return name
}

// bodyOp, driverOp and program build inputs for the seed corpus.
func bodyOp(onVal, onErr, k int) byte { return byte(onVal | onErr<<3 | k<<6) }
func driverOp(op, arg int) byte       { return byte(op | arg<<3) }

func program(body []byte, driver ...byte) []byte {
	return append(append([]byte{byte(len(body) - 1)}, body...), driver...)
}

// decode splits fuzz input into a body program and a driver program.
func decode(data []byte) (body, driver []byte) {
	if len(data) == 0 {
		return []byte{bodyOp(onValYield, onErrReturn, 0)}, nil
	}
	n := 1 + int(data[0])%maxBodyLength
	data = data[1:]
	n = min(n, len(data))
	body, driver = data[:n], data[n:]
	if len(body) == 0 {
		body = []byte{bodyOp(onValYield, onErrReturn, 0)}
	}
	if len(driver) > maxDriverOps {
		driver = driver[:maxDriverOps]
	}
	return body, driver
}

// scriptBody returns a body that runs prog and counts its deferred calls in
// *deferred.
func scriptBody(prog []byte, deferred *int) func(yield func(int) (int, error)) (int, error) {
	return func(yield func(int) (int, error)) (int, error) {
		defer func() { *deferred++ }()
		in, err := 0, error(nil) // starting counts as receiving 0
		for pc := 0; pc < maxBodySteps; pc++ {
			b := prog[pc%len(prog)]
			k := int(b >> 6)
			if err != nil {
				switch (b >> 3) & 7 {
				case onErrReturn:
					return pc, err
				case onErrWrap:
					return pc, fmt.Errorf("body: %w", err)
				case onErrSwallow:
					return pc, nil
				case onErrFail:
					return pc, errFail
				case onErrLeak:
					return pc, fmt.Errorf("body: %w", gen.ErrStopIteration)
				case onErrYield:
					in, err = yield(1000 + pc)
				case onErrCarryOn:
					in, err = 0, nil
				case onErrPanic:
					panic(fmt.Sprintf("body panicked at %d on %v", pc, errName(err)))
				}
				continue
			}
			switch b & 7 {
			case onValYield:
				in, err = yield(in + pc + k)
			case onValYieldNeg:
				in, err = yield(-in)
			case onValYieldK:
				in, err = yield(k)
			case onValYieldPC:
				in, err = yield(pc)
			case onValReturn:
				return in, nil
			case onValFail:
				return pc, errFail
			case onValLeak:
				return pc, fmt.Errorf("body: %w", gen.ErrStopIteration)
			case onValPanicIfK3:
				if k == 3 {
					panic(fmt.Sprintf("body panicked at %d on %d", pc, in))
				}
				in, err = yield(100 + in)
			}
		}
		return -1, nil
	}
}

// generator is what gen.Gen and the reference have in common.
type generator interface {
	Next() (int, error)
	Send(v int) (int, error)
	Throw(err error) (int, error)
	Close() error
	Result() (int, error)
	State() gen.State
	All() iter.Seq[int]
}

// A transcript records each call of a driver program.
type transcript []call

type call struct {
	Call     string
	V        int
	Err      string // errName of the error returned
	Values   []int  // what All yielded
	Panic    string // what the call panicked with
	State    string // State() after the call
	Deferred int    // how often the body's deferred call had run after the call
}

// run runs driver against g, whose body counts its deferred calls in
// *deferred, then closes g.
func run(g generator, deferred *int, driver []byte) transcript {
	var tr transcript
	do := func(name string, f func(c *call) (int, error)) {
		c := call{Call: name}
		func() {
			defer func() {
				if p := recover(); p != nil {
					c.Panic = fmt.Sprint(p)
				}
			}()
			v, err := f(&c)
			c.V, c.Err = v, errName(err)
		}()
		c.State = g.State().String()
		c.Deferred = *deferred
		tr = append(tr, c)
	}
	for _, b := range driver {
		arg := int(b >> 3)
		switch b & 7 {
		case opNext:
			do("Next()", func(*call) (int, error) { return g.Next() })
		case opSend:
			do(fmt.Sprintf("Send(%d)", arg), func(*call) (int, error) { return g.Send(arg) })
		case opThrow:
			e := thrown[arg%len(thrown)]
			do(fmt.Sprintf("Throw(%v)", e), func(*call) (int, error) { return g.Throw(e) })
		case opThrowNil:
			do("Throw(nil)", func(*call) (int, error) { return g.Throw(nil) })
		case opClose:
			do("Close()", func(*call) (int, error) { return 0, g.Close() })
		case opResult:
			do("Result()", func(*call) (int, error) { return g.Result() })
		case opState:
			do("State()", func(*call) (int, error) { return int(g.State()), nil })
		case opAll:
			n := arg % 4
			do(fmt.Sprintf("All() break after %d", n), func(c *call) (int, error) {
				for v := range g.All() {
					c.Values = append(c.Values, v)
					if len(c.Values) == n {
						break
					}
				}
				return 0, nil
			})
		}
	}
	do("final Close()", func(*call) (int, error) { return 0, g.Close() })
	do("final Result()", func(*call) (int, error) { return g.Result() })
	return tr
}

// transcripts runs the program data against gen and the reference. Both have
// finished when it returns: the reference's goroutine is exiting.
func transcripts(data []byte) (ref, got transcript) {
	body, driver := decode(data)
	var refDeferred, genDeferred int
	r := newRef(scriptBody(body, &refDeferred))
	ref = run(r, &refDeferred, driver)
	<-r.exited()
	b := scriptBody(body, &genDeferred)
	g := gen.New(func(yield gen.Yield[int, int]) (int, error) { return b(yield) })
	got = run(g, &genDeferred, driver)
	return ref, got
}

// seeds are the fuzz corpus's seeds, named.
var seeds = []struct {
	name string
	data []byte
}{
	{"next to the end", program(
		[]byte{bodyOp(onValYield, onErrReturn, 1), bodyOp(onValYield, onErrReturn, 0), bodyOp(onValReturn, onErrReturn, 0)},
		driverOp(opNext, 0), driverOp(opNext, 0), driverOp(opNext, 0), driverOp(opNext, 0), driverOp(opResult, 0))},
	{"send before and after start", program(
		[]byte{bodyOp(onValYield, onErrReturn, 0)},
		driverOp(opSend, 5), driverOp(opSend, 0), driverOp(opSend, 7), driverOp(opSend, 9), driverOp(opState, 0))},
	{"throw caught and rethrown", program(
		[]byte{bodyOp(onValYield, onErrYield, 0), bodyOp(onValYield, onErrReturn, 0)},
		driverOp(opNext, 0), driverOp(opThrow, 0), driverOp(opThrow, 1), driverOp(opResult, 0), driverOp(opThrow, 0))},
	{"throw before start", program(
		[]byte{bodyOp(onValYield, onErrReturn, 0)},
		driverOp(opThrow, 0), driverOp(opNext, 0), driverOp(opResult, 0))},
	{"close returns nil", program(
		[]byte{bodyOp(onValYield, onErrReturn, 0)},
		driverOp(opNext, 0), driverOp(opClose, 0), driverOp(opClose, 0), driverOp(opResult, 0))},
	{"close wrapped exit", program(
		[]byte{bodyOp(onValYield, onErrWrap, 0)},
		driverOp(opNext, 0), driverOp(opClose, 0), driverOp(opResult, 0))},
	{"close fails", program(
		[]byte{bodyOp(onValYield, onErrFail, 0)},
		driverOp(opNext, 0), driverOp(opClose, 0), driverOp(opResult, 0))},
	{"close ignored", program(
		[]byte{bodyOp(onValYield, onErrYield, 0)},
		driverOp(opNext, 0), driverOp(opClose, 0), driverOp(opResult, 0), driverOp(opNext, 0))},
	{"stop leaked", program(
		[]byte{bodyOp(onValYield, onErrLeak, 0), bodyOp(onValLeak, onErrReturn, 0)},
		driverOp(opNext, 0), driverOp(opNext, 0), driverOp(opResult, 0))},
	{"throw StopIteration", program(
		[]byte{bodyOp(onValYield, onErrReturn, 0)},
		driverOp(opNext, 0), driverOp(opThrow, 3), driverOp(opResult, 0))},
	{"throw GeneratorExit caught", program(
		[]byte{bodyOp(onValYield, onErrYield, 0)},
		driverOp(opNext, 0), driverOp(opThrow, 2), driverOp(opThrow, 4), driverOp(opClose, 0))},
	{"throw nil", program(
		[]byte{bodyOp(onValYield, onErrReturn, 0)},
		driverOp(opThrowNil, 0), driverOp(opNext, 0), driverOp(opThrowNil, 0), driverOp(opClose, 0), driverOp(opThrowNil, 0))},
	{"panic in next", program(
		[]byte{bodyOp(onValYield, onErrReturn, 0), bodyOp(onValPanicIfK3, onErrReturn, 3)},
		driverOp(opNext, 0), driverOp(opNext, 0), driverOp(opNext, 0), driverOp(opResult, 0))},
	{"panic in close", program(
		[]byte{bodyOp(onValYield, onErrPanic, 0)},
		driverOp(opNext, 0), driverOp(opClose, 0), driverOp(opClose, 0))},
	{"push-mode all", program(
		[]byte{bodyOp(onValYield, onErrReturn, 0), bodyOp(onValYieldK, onErrReturn, 2), bodyOp(onValReturn, onErrReturn, 0)},
		driverOp(opAll, 0), driverOp(opResult, 0))},
	{"push-mode break ignored", program(
		[]byte{bodyOp(onValYield, onErrYield, 0)},
		driverOp(opAll, 2), driverOp(opResult, 0))},
	{"pull-mode break", program(
		[]byte{bodyOp(onValYieldPC, onErrCarryOn, 0), bodyOp(onValYieldNeg, onErrFail, 0)},
		driverOp(opNext, 0), driverOp(opAll, 3), driverOp(opResult, 0), driverOp(opAll, 0))},
	{"returns at once", program(
		[]byte{bodyOp(onValFail, onErrReturn, 0)},
		driverOp(opNext, 0), driverOp(opResult, 0), driverOp(opAll, 0))},
}

// TestTranscripts runs the seeds as a table, by name.
func TestTranscripts(t *testing.T) {
	leaktest.Check(t)
	for _, s := range seeds {
		ref, got := transcripts(s.data)
		if diff := cmp.Diff(ref, got); diff != "" {
			t.Errorf("%s: transcript (-reference +gen):\n%s", s.name, diff)
		}
	}
}

func FuzzGen(f *testing.F) {
	// While fuzzing, the coordinator starts goroutines of its own (signal
	// handling) after this point, so the whole-run check is for the seeds
	// only; each input is checked below.
	if flag.Lookup("test.fuzz").Value.String() == "" {
		leaktest.Check(f)
	}
	for _, s := range seeds {
		f.Add(s.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		base := runtime.NumGoroutine()
		ref, got := transcripts(data)
		if !leaktest.Quiet(base) {
			t.Errorf("goroutines leaked: %d now, %d before", runtime.NumGoroutine(), base)
		}
		if diff := cmp.Diff(ref, got); diff != "" {
			body, driver := decode(data)
			t.Errorf("body %v, driver %v: transcript (-reference +gen):\n%s", body, driver, diff)
		}
	})
}
