package gen_test

// A reference model of gen.Gen[int, int, int] for FuzzGen. It is written from
// the contract in API.md (the state table and the rules under it), not from
// gen's code, and it works another way: the body runs on a goroutine of its
// own that talks to the caller over two channels, as generators were written
// in Go before iter.Pull. Misuse of Yield and re-entrant calls from the body are
// not modelled; the fuzzer makes neither.

import (
	"errors"
	"fmt"
	"iter"
	"runtime"
	"testing"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
)

// refGen is the reference generator. Its fields other than closing and ignored
// belong to the caller's side; closing is written by the caller before it sends
// on resume, and ignored by the body before it sends on events, so each side
// reads them after the channel operation that publishes them.
type refGen struct {
	body func(yield func(int) (int, error)) (int, error)
	st   gen.State

	resume chan refIn    // caller to body: what the pending yield returns
	events chan refEvent // body to caller: how the body stopped running
	done   chan struct{} // closed as the body's goroutine exits

	closing bool // Close delivered ErrGeneratorExit: a yield now is ignoring it
	ignored bool // the body yielded after ErrGeneratorExit

	res int   // the body's return value, once Closed
	err error // Result's error, once Closed
}

type refIn struct {
	v   int
	err error
}

type refEventKind int

const (
	refYielded  refEventKind = iota // the body yielded v
	refReturned                     // the body returned v, err
	refUnwound                      // the body was unwound after ignoring ErrGeneratorExit
	refPanicked                     // the body panicked with p
	refGoexited                     // the body called runtime.Goexit
)

type refEvent struct {
	kind refEventKind
	v    int
	err  error
	p    any
}

// refUnwind is the panic that unwinds a body that yields after ErrGeneratorExit.
type refUnwind struct{}

var (
	errRefNilThrow = errors.New("ref: Throw of a nil error")
	errRefAborted  = errors.New("ref: the body panicked or called runtime.Goexit")
)

func newRef(body func(yield func(int) (int, error)) (int, error)) *refGen {
	if body == nil {
		panic("newRef: nil body")
	}
	return &refGen{body: body, st: gen.Created}
}

func (g *refGen) State() gen.State { return g.st }

func (g *refGen) Next() (int, error) { return g.Send(0) }

func (g *refGen) Send(v int) (int, error) {
	switch g.st {
	case gen.Created:
		if v != 0 {
			return 0, gen.ErrJustStarted
		}
		g.resume = make(chan refIn)
		g.events = make(chan refEvent)
		g.done = make(chan struct{})
		g.st = gen.Running
		go g.run()
		return g.wait()
	case gen.Suspended:
		g.st = gen.Running
		g.resume <- refIn{v: v}
		return g.wait()
	case gen.Running:
		return 0, gen.ErrRunning
	}
	return 0, gen.ErrStopIteration
}

func (g *refGen) Throw(err error) (int, error) {
	if err == nil {
		return 0, errRefNilThrow
	}
	switch g.st {
	case gen.Created:
		g.st = gen.Closed
		return 0, err
	case gen.Suspended:
		g.st = gen.Running
		g.resume <- refIn{err: err}
		return g.wait()
	case gen.Running:
		return 0, gen.ErrRunning
	}
	return 0, err
}

func (g *refGen) Close() error {
	switch g.st {
	case gen.Created:
		g.st = gen.Closed
		return nil
	case gen.Suspended:
		g.closing = true
		g.st = gen.Running
		g.resume <- refIn{err: gen.ErrGeneratorExit}
		if _, err := g.wait(); g.st != gen.Closed {
			panic(fmt.Sprintf("ref: body still %v after Close (%v)", g.st, err))
		}
		return g.err
	case gen.Running:
		return gen.ErrRunning
	}
	return nil
}

func (g *refGen) Result() (int, error) {
	if g.st != gen.Closed {
		return 0, gen.ErrNotFinished
	}
	return g.res, g.err
}

// All resumes the generator with Next for each value; leaving the loop early
// closes it.
func (g *refGen) All() iter.Seq[int] {
	return func(out func(int) bool) {
		switch g.st {
		case gen.Running:
			panic("ref: All of a running generator")
		case gen.Closed:
			return
		}
		defer g.Close()
		for {
			v, err := g.Next()
			if err != nil || !out(v) {
				return
			}
		}
	}
}

// exited returns a channel that is closed once the body's goroutine, if it
// was ever started, is exiting.
func (g *refGen) exited() <-chan struct{} {
	if g.done == nil {
		done := make(chan struct{})
		close(done)
		return done
	}
	return g.done
}

// run is the body's goroutine.
func (g *refGen) run() {
	defer close(g.done)
	returned := false
	defer func() {
		if returned {
			return
		}
		p := recover()
		switch _, unwound := p.(refUnwind); {
		case unwound:
			g.events <- refEvent{kind: refUnwound}
		case p != nil:
			g.events <- refEvent{kind: refPanicked, p: p}
		default:
			g.events <- refEvent{kind: refGoexited}
		}
	}()
	r, err := g.body(g.yield)
	returned = true
	g.events <- refEvent{kind: refReturned, v: r, err: err}
}

// yield is the body's Yield.
func (g *refGen) yield(v int) (int, error) {
	if g.closing {
		g.ignored = true
		panic(refUnwind{})
	}
	g.events <- refEvent{kind: refYielded, v: v}
	in := <-g.resume
	return in.v, in.err
}

// wait waits for the body to stop running and reports the step's outcome; it
// passes a panic or Goexit of the body on to its caller.
func (g *refGen) wait() (int, error) {
	ev := <-g.events
	switch ev.kind {
	case refYielded:
		g.st = gen.Suspended
		return ev.v, nil
	case refReturned:
		g.st, g.res = gen.Closed, ev.v
		switch {
		case g.ignored:
			g.err = gen.ErrIgnoredExit
		case g.closing && (ev.err == nil || errors.Is(ev.err, gen.ErrGeneratorExit)):
			g.err = nil
		case errors.Is(ev.err, gen.ErrStopIteration):
			// PEP 479: the replacement must not match ErrStopIteration.
			g.err = fmt.Errorf("%w (the body returned %v)", gen.ErrStopLeaked, ev.err)
		default:
			g.err = ev.err
		}
	case refUnwound:
		g.st, g.err = gen.Closed, gen.ErrIgnoredExit
	case refPanicked:
		g.st, g.err = gen.Closed, errRefAborted
		panic(ev.p)
	case refGoexited:
		g.st, g.err = gen.Closed, errRefAborted
		runtime.Goexit()
	}
	if g.err == nil {
		return 0, gen.ErrStopIteration
	}
	return 0, g.err
}

// TestReference checks the reference model on its own, against the contract,
// so that FuzzGen compares gen with something known to be right.
func TestReference(t *testing.T) {
	leaktest.Check(t)
	sum := func(yield func(int) (int, error)) (int, error) {
		total := 0
		for {
			n, err := yield(total)
			if err != nil {
				return total, err
			}
			if n < 0 {
				return total, nil
			}
			total += n
		}
	}
	type step struct {
		call string
		v    int
		err  error
		st   gen.State
	}
	// Each case makes calls on a generator of body; want is what each call
	// returned and the state after it.
	tests := []struct {
		name  string
		body  func(yield func(int) (int, error)) (int, error)
		calls []string
		want  []step
		wantR int
		wantE error
	}{
		{"send and return", sum,
			[]string{"Send(3)", "Next()", "Send(3)", "Send(-1)", "Next()"},
			[]step{
				{"Send(3)", 0, gen.ErrJustStarted, gen.Created},
				{"Next()", 0, nil, gen.Suspended},
				{"Send(3)", 3, nil, gen.Suspended},
				{"Send(-1)", 0, gen.ErrStopIteration, gen.Closed},
				{"Next()", 0, gen.ErrStopIteration, gen.Closed},
			}, 3, nil},
		{"throw", sum,
			[]string{"Next()", "Throw(errBoom)"},
			[]step{{"Next()", 0, nil, gen.Suspended}, {"Throw(errBoom)", 0, errBoom, gen.Closed}},
			0, errBoom},
		{"close", sum,
			[]string{"Next()", "Send(2)", "Close()", "Close()"},
			[]step{
				{"Next()", 0, nil, gen.Suspended},
				{"Send(2)", 2, nil, gen.Suspended},
				{"Close()", 0, nil, gen.Closed},
				{"Close()", 0, nil, gen.Closed},
			}, 2, nil},
		{"close before start", sum,
			[]string{"Close()", "Next()"},
			[]step{{"Close()", 0, nil, gen.Closed}, {"Next()", 0, gen.ErrStopIteration, gen.Closed}},
			0, nil},
		{"ignored exit", func(yield func(int) (int, error)) (int, error) {
			yield(1)
			yield(2)
			return 3, nil
		},
			[]string{"Next()", "Close()"},
			[]step{{"Next()", 1, nil, gen.Suspended}, {"Close()", 0, gen.ErrIgnoredExit, gen.Closed}},
			0, gen.ErrIgnoredExit},
		{"stop leaked", func(yield func(int) (int, error)) (int, error) {
			return 4, fmt.Errorf("oops: %w", gen.ErrStopIteration)
		},
			[]string{"Next()"},
			[]step{{"Next()", 0, gen.ErrStopLeaked, gen.Closed}},
			4, gen.ErrStopLeaked},
	}
	for _, tt := range tests {
		g := newRef(tt.body)
		for i, call := range tt.calls {
			var got step
			got.call = call
			switch call {
			case "Next()":
				got.v, got.err = g.Next()
			case "Send(2)":
				got.v, got.err = g.Send(2)
			case "Send(3)":
				got.v, got.err = g.Send(3)
			case "Send(-1)":
				got.v, got.err = g.Send(-1)
			case "Throw(errBoom)":
				got.v, got.err = g.Throw(errBoom)
			case "Close()":
				got.err = g.Close()
			default:
				t.Fatalf("unknown call %s", call)
			}
			got.st = g.State()
			w := tt.want[i]
			if got.v != w.v || !errIs(got.err, w.err) || got.st != w.st {
				t.Errorf("%s: %s = %d, %v, then %v; want %d, %v, then %v", tt.name, call, got.v, got.err, got.st, w.v, w.err, w.st)
			}
		}
		if r, err := g.Result(); r != tt.wantR || !errIs(err, tt.wantE) {
			t.Errorf("%s: Result() = %d, %v; want %d, %v", tt.name, r, err, tt.wantR, tt.wantE)
		}
		g.Close()
	}
	// A panic reaches the caller with the same value.
	g := newRef(func(yield func(int) (int, error)) (int, error) { panic(errBoom) })
	if p := panicValue(func() { g.Next() }); p != errBoom || g.State() != gen.Closed {
		t.Errorf("Next() panicked with %v, then %v; want %v, then closed", p, g.State(), errBoom)
	}
}
