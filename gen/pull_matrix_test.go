package gen_test

// The edge-case matrix of Go's iter/pull_test.go, ported to gen: calls after the
// end, repeated Close, Close before the first Next, panic and runtime.Goexit
// during each resuming call and during Close, re-entrancy, misuse panics, the
// contract's state table, and All in both of its modes.

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/google/go-cmp/cmp"
)

// G is the generator type most tests use: yields, sends and returns ints.
type G = gen.Gen[int, int, int]

var (
	errBoom  = errors.New("boom")  // what tests throw in
	errOther = errors.New("other") // what bodies fail with
	// anyError in a want column accepts any non-nil error.
	anyError = errors.New("any non-nil error")
)

// errIs reports whether got is what want describes: nil, anyError, or an error
// that got matches with errors.Is. A got that matches ErrStopLeaked must not
// also match ErrStopIteration (PEP 479).
func errIs(got, want error) bool {
	switch {
	case want == nil:
		return got == nil
	case want == anyError:
		return got != nil
	case errors.Is(got, gen.ErrStopLeaked) && errors.Is(got, gen.ErrStopIteration):
		return false
	}
	return errors.Is(got, want)
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

// stableNumGoroutine is iter/pull_test.go's: NumGoroutine once the count has
// stayed the same for 100 Gosched calls in a row with GOMAXPROCS=1.
func stableNumGoroutine() int {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	c := 0
	ng := runtime.NumGoroutine()
	for range 1000 {
		nng := runtime.NumGoroutine()
		if nng == ng {
			c++
		} else {
			c = 0
			ng = nng
		}
		if c >= 100 {
			return ng
		}
		runtime.Gosched()
	}
	panic("failed to stabilize NumGoroutine after 1000 iterations")
}

// count returns a generator that yields 0..n-1 and returns n. It records in
// *exit the error its pending yield returned, if any, and counts its deferred
// calls in *deferred.
func count(n int, exit *error, deferred *int) *G {
	return gen.New(func(yield gen.Yield[int, int]) (int, error) {
		defer func() { *deferred++ }()
		for i := range n {
			if _, err := yield(i); err != nil {
				*exit = err
				return i, err
			}
		}
		return n, nil
	})
}

func TestStateString(t *testing.T) {
	tests := []struct {
		s    gen.State
		want string
	}{
		{gen.Created, "created"},
		{gen.Suspended, "suspended"},
		{gen.Running, "running"},
		{gen.Closed, "closed"},
		{gen.State(4), "gen.State(4)"},
		{gen.State(-1), "gen.State(-1)"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("State(%d).String() = %q; want %q", int(tt.s), got, tt.want)
		}
	}
}

func TestNilArgumentsPanic(t *testing.T) {
	leaktest.Check(t)
	yield := gen.Yield[int, int](func(int) (int, error) { return 0, nil })
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"New(nil)", func() { gen.New[int, int, int](nil) }, "gen.New: nil body"},
		{"FromSeq(nil)", func() { gen.FromSeq[int](nil) }, "gen.FromSeq: nil sequence"},
		{"YieldFrom(nil, g)", func() { gen.YieldFrom(nil, count(1, new(error), new(int))) }, "gen.YieldFrom: nil yield"},
		{"YieldFrom(yield, nil)", func() { gen.YieldFrom[int, int, int](yield, nil) }, "gen.YieldFrom: nil generator"},
	}
	for _, tt := range tests {
		if got := panicValue(tt.f); got != tt.want {
			t.Errorf("%s panicked with %#v; want %q", tt.name, got, tt.want)
		}
	}
}

// TestGoroutines is TestPull: a generator holds one goroutine from its first
// Next until it ends, and none before, after, or in push mode.
func TestGoroutines(t *testing.T) {
	for end := 0; end <= 3; end++ {
		t.Run(fmt.Sprint(end), func(t *testing.T) {
			leaktest.Check(t)
			ng := stableNumGoroutine()
			wantNG := func(want int) {
				t.Helper()
				if xg := runtime.NumGoroutine() - ng; xg != want {
					t.Errorf("have %d extra goroutines, want %d", xg, want)
				}
			}
			g := count(3, new(error), new(int))
			wantNG(0)
			for i := range end {
				if v, err := g.Next(); v != i || err != nil {
					t.Fatalf("Next() = %d, %v; want %d, <nil>", v, err, i)
				}
				wantNG(1)
			}
			if err := g.Close(); err != nil {
				t.Fatalf("Close() = %v; want <nil>", err)
			}
			wantNG(0)
			for range 2 {
				if v, err := g.Next(); v != 0 || err != gen.ErrStopIteration {
					t.Fatalf("Next() = %d, %v; want 0, %v", v, err, gen.ErrStopIteration)
				}
				wantNG(0)
			}
			for range 3 {
				if err := g.Close(); err != nil {
					t.Fatalf("Close() = %v; want <nil>", err)
				}
			}
			wantNG(0)

			push := count(3, new(error), new(int))
			for v := range push.All() {
				if v == end {
					break
				}
				wantNG(0)
			}
			wantNG(0)
		})
	}
}

// TestCallsAfterEnd drives a generator to Closed in every way there is, then
// checks that every call on it is answered without running the body again.
func TestCallsAfterEnd(t *testing.T) {
	type ending struct {
		name string
		// end returns a Closed generator and counters of its body's runs and
		// deferred calls.
		end          func(t *testing.T) (g *G, entered, deferred *int)
		wantDeferred int
		wantR        int
		wantErr      error // Result's error
	}
	// body returns a generator whose body runs step at each yield and counts
	// its runs and deferred calls.
	body := func(step func(yield gen.Yield[int, int]) (int, error)) (*G, *int, *int) {
		var entered, deferred int
		return gen.New(func(yield gen.Yield[int, int]) (int, error) {
			entered++
			defer func() { deferred++ }()
			return step(yield)
		}), &entered, &deferred
	}
	echo := func(yield gen.Yield[int, int]) (int, error) {
		for i := 1; ; i++ {
			if _, err := yield(i); err != nil {
				return 5, err
			}
		}
	}
	endings := []ending{
		{"returned", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(func(yield gen.Yield[int, int]) (int, error) {
				yield(1)
				return 7, nil
			})
			g.Next()
			if v, err := g.Next(); v != 0 || err != gen.ErrStopIteration {
				t.Fatalf("Next() = %d, %v; want 0, %v", v, err, gen.ErrStopIteration)
			}
			return g, e, d
		}, 1, 7, nil},
		{"failed", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(func(yield gen.Yield[int, int]) (int, error) {
				yield(1)
				return 7, errOther
			})
			g.Next()
			if v, err := g.Next(); v != 0 || err != errOther {
				t.Fatalf("Next() = %d, %v; want 0, %v", v, err, errOther)
			}
			return g, e, d
		}, 1, 7, errOther},
		{"closed before start", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(echo)
			if err := g.Close(); err != nil {
				t.Fatalf("Close() = %v; want <nil>", err)
			}
			return g, e, d
		}, 0, 0, nil},
		{"closed while suspended", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(echo)
			g.Next()
			if err := g.Close(); err != nil {
				t.Fatalf("Close() = %v; want <nil>", err)
			}
			return g, e, d
		}, 1, 5, nil},
		{"thrown into before start", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(echo)
			if v, err := g.Throw(errBoom); v != 0 || err != errBoom {
				t.Fatalf("Throw(errBoom) = %d, %v; want 0, %v", v, err, errBoom)
			}
			return g, e, d
		}, 0, 0, nil},
		{"thrown into while suspended", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(echo)
			g.Next()
			if v, err := g.Throw(errBoom); v != 0 || err != errBoom {
				t.Fatalf("Throw(errBoom) = %d, %v; want 0, %v", v, err, errBoom)
			}
			return g, e, d
		}, 1, 5, errBoom},
		{"ignored exit", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(func(yield gen.Yield[int, int]) (int, error) {
				yield(1)
				yield(2)
				return 7, nil
			})
			g.Next()
			if err := g.Close(); err != gen.ErrIgnoredExit {
				t.Fatalf("Close() = %v; want %v", err, gen.ErrIgnoredExit)
			}
			return g, e, d
		}, 1, 0, gen.ErrIgnoredExit},
		{"panicked in Next", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(func(yield gen.Yield[int, int]) (int, error) { panic(errBoom) })
			if p := panicValue(func() { g.Next() }); p != errBoom {
				t.Fatalf("Next() panicked with %v; want %v", p, errBoom)
			}
			return g, e, d
		}, 1, 0, anyError},
		{"panicked in Close", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(func(yield gen.Yield[int, int]) (int, error) {
				yield(1)
				panic(errBoom)
			})
			g.Next()
			if p := panicValue(func() { g.Close() }); p != errBoom {
				t.Fatalf("Close() panicked with %v; want %v", p, errBoom)
			}
			return g, e, d
		}, 1, 0, anyError},
		{"Goexit in Next", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(func(yield gen.Yield[int, int]) (int, error) { runtime.Goexit(); return 0, nil })
			if !goexits(func() { g.Next() }) {
				t.Fatal("Next() did not Goexit")
			}
			return g, e, d
		}, 1, 0, anyError},
		{"Goexit in Close", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(func(yield gen.Yield[int, int]) (int, error) {
				yield(1)
				runtime.Goexit()
				return 0, nil
			})
			g.Next()
			if !goexits(func() { g.Close() }) {
				t.Fatal("Close() did not Goexit")
			}
			return g, e, d
		}, 1, 0, anyError},
		{"push-mode range to the end", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(func(yield gen.Yield[int, int]) (int, error) {
				yield(1)
				return 7, nil
			})
			for range g.All() {
			}
			return g, e, d
		}, 1, 7, nil},
		{"push-mode break", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(echo)
			for range g.All() {
				break
			}
			return g, e, d
		}, 1, 5, nil},
		{"pull-mode break", func(t *testing.T) (*G, *int, *int) {
			g, e, d := body(echo)
			g.Next()
			for range g.All() {
				break
			}
			return g, e, d
		}, 1, 5, nil},
	}
	for _, tt := range endings {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			g, entered, deferred := tt.end(t)
			if st := g.State(); st != gen.Closed {
				t.Fatalf("State() = %v; want closed", st)
			}
			r0, err0 := g.Result()
			if r0 != tt.wantR || !errIs(err0, tt.wantErr) {
				t.Errorf("Result() = %d, %v; want %d, %v", r0, err0, tt.wantR, tt.wantErr)
			}
			ran := *entered
			for range 2 {
				if v, err := g.Next(); v != 0 || err != gen.ErrStopIteration {
					t.Errorf("Next() = %d, %v; want 0, %v", v, err, gen.ErrStopIteration)
				}
				if v, err := g.Send(5); v != 0 || err != gen.ErrStopIteration {
					t.Errorf("Send(5) = %d, %v; want 0, %v", v, err, gen.ErrStopIteration)
				}
				if v, err := g.Throw(errBoom); v != 0 || err != errBoom {
					t.Errorf("Throw(errBoom) = %d, %v; want 0, %v", v, err, errBoom)
				}
				if v, err := g.Throw(nil); v != 0 || err == nil {
					t.Errorf("Throw(nil) = %d, %v; want 0, an error", v, err)
				}
				if err := g.Close(); err != nil {
					t.Errorf("Close() = %v; want <nil>", err)
				}
				for v := range g.All() {
					t.Errorf("All() yielded %d; want nothing", v)
				}
				if r, err := g.Result(); r != r0 || err != err0 {
					t.Errorf("Result() = %d, %v; want %d, %v as before", r, err, r0, err0)
				}
				if st := g.State(); st != gen.Closed {
					t.Errorf("State() = %v; want closed", st)
				}
			}
			if *entered != ran {
				t.Errorf("the body ran %d times after the end", *entered-ran)
			}
			if *deferred != tt.wantDeferred {
				t.Errorf("deferred calls ran %d times; want %d", *deferred, tt.wantDeferred)
			}
		})
	}
}

// TestCloseBeforeFirstNext is TestPullImmediateStop: the body never runs and no
// goroutine is started.
func TestCloseBeforeFirstNext(t *testing.T) {
	leaktest.Check(t)
	ng := stableNumGoroutine()
	g := gen.New(func(yield gen.Yield[int, int]) (int, error) { panic("the body ran") })
	for range 3 {
		if err := g.Close(); err != nil {
			t.Fatalf("Close() = %v; want <nil>", err)
		}
	}
	if v, err := g.Next(); v != 0 || err != gen.ErrStopIteration {
		t.Fatalf("Next() = %d, %v; want 0, %v", v, err, gen.ErrStopIteration)
	}
	if r, err := g.Result(); r != 0 || err != nil {
		t.Fatalf("Result() = %d, %v; want 0, <nil>", r, err)
	}
	if xg := runtime.NumGoroutine() - ng; xg != 0 {
		t.Errorf("have %d extra goroutines, want 0", xg)
	}
}

// TestPanicAndGoexit is TestPullPanic and TestPullGoexit: a panic or Goexit in
// the body, during any call that runs it, reaches that call's caller unchanged;
// the generator ends Closed and the body's deferred calls have run.
func TestPanicAndGoexit(t *testing.T) {
	// during says which call meets the panic: the body panics when it is
	// started, or when its first yield returns a value, an error or
	// ErrGeneratorExit.
	calls := []struct {
		name  string
		first bool // the panic comes before the first yield
		call  func(g *G)
	}{
		{"Next", true, func(g *G) { g.Next() }},
		{"Send", false, func(g *G) { g.Send(5) }},
		{"Throw", false, func(g *G) { g.Throw(errBoom) }},
		{"Close", false, func(g *G) { g.Close() }},
		{"All push", true, func(g *G) {
			for range g.All() {
			}
		}},
		{"All pull", false, func(g *G) {
			for range g.All() {
			}
		}},
	}
	for _, c := range calls {
		for _, goexit := range []bool{false, true} {
			name := c.name + "/panic"
			if goexit {
				name = c.name + "/Goexit"
			}
			t.Run(name, func(t *testing.T) {
				leaktest.Check(t)
				deferred := 0
				g := gen.New(func(yield gen.Yield[int, int]) (int, error) {
					defer func() { deferred++ }()
					if !c.first {
						yield(1)
					}
					if goexit {
						runtime.Goexit()
					}
					panic(errBoom)
				})
				if !c.first {
					g.Next()
				}
				if goexit {
					if !goexits(func() { c.call(g) }) {
						t.Fatalf("%s did not Goexit", c.name)
					}
				} else if p := panicValue(func() { c.call(g) }); p != errBoom {
					t.Fatalf("%s panicked with %#v; want %v", c.name, p, errBoom)
				}
				if st := g.State(); st != gen.Closed {
					t.Errorf("State() = %v; want closed", st)
				}
				if deferred != 1 {
					t.Errorf("deferred calls ran %d times; want 1", deferred)
				}
				if v, err := g.Next(); v != 0 || err != gen.ErrStopIteration {
					t.Errorf("Next() = %d, %v; want 0, %v", v, err, gen.ErrStopIteration)
				}
				if err := g.Close(); err != nil {
					t.Errorf("Close() = %v; want <nil>", err)
				}
				if _, err := g.Result(); err == nil || errors.Is(err, gen.ErrStopIteration) {
					t.Errorf("Result() error = %v; want an error that is not %v", err, gen.ErrStopIteration)
				}
			})
		}
	}
}

// TestPanicInLoopBody: a panic or Goexit in the body of a range loop over All
// ends the generator and goes on unchanged, even past a generator body that
// recovers panics. In pull mode the generator is closed as by a break: its
// pending yield returns ErrGeneratorExit. In push mode the panic unwinds through
// the generator body, which called the loop body: the yield never returns, but
// the deferred calls run.
func TestPanicInLoopBody(t *testing.T) {
	for _, mode := range []string{"push", "pull"} {
		for _, how := range []string{"panic", "Goexit", "panic past a recover"} {
			t.Run(mode+"/"+how, func(t *testing.T) {
				leaktest.Check(t)
				var exit error
				deferred := 0
				g := gen.New(func(yield gen.Yield[int, int]) (r int, err error) {
					defer func() { deferred++ }()
					if how == "panic past a recover" {
						// A body that turns its own panics into errors.
						defer func() {
							if p := recover(); p != nil {
								err = fmt.Errorf("recovered: %v", p)
							}
						}()
					}
					for i := range 10 {
						if _, err := yield(i); err != nil {
							exit = err
							return i, err
						}
					}
					return 10, nil
				})
				if mode == "pull" {
					g.Next()
				}
				loop := func() {
					for range g.All() {
						if how == "Goexit" {
							runtime.Goexit()
						}
						panic(errBoom)
					}
				}
				if how == "Goexit" {
					if !goexits(loop) {
						t.Fatal("the loop did not Goexit")
					}
				} else if p := panicValue(loop); mode == "push" && how == "panic past a recover" {
					// In push mode the loop body runs inside the generator body's
					// frames, so a body that recovers catches the loop body's
					// panic; Go's range-over-func rules then panic with a runtime
					// error, as for any iterator that recovers (documented on All).
					if !strings.Contains(fmt.Sprint(p), "range function recovered a loop body panic") {
						t.Errorf("the loop panicked with %#v; want Go's range-function runtime error", p)
					}
				} else if p != errBoom {
					t.Errorf("the loop panicked with %#v; want %v", p, errBoom)
				}
				if st := g.State(); st != gen.Closed {
					t.Errorf("State() = %v; want closed", st)
				}
				if deferred != 1 {
					t.Errorf("deferred calls ran %d times; want 1", deferred)
				}
				wantExit := gen.ErrGeneratorExit
				if mode == "push" {
					wantExit = nil
				}
				if exit != wantExit {
					t.Errorf("the pending yield returned %v; want %v", exit, wantExit)
				}
			})
		}
	}
}

// TestReentrancy is TestPullDoubleNext: a generator's own body, or the body of
// a push-mode range loop over it, cannot resume or close it.
func TestReentrancy(t *testing.T) {
	calls := []struct {
		name string
		call func(g *G) (int, error)
		want error
	}{
		{"Next()", func(g *G) (int, error) { return g.Next() }, gen.ErrRunning},
		{"Send(0)", func(g *G) (int, error) { return g.Send(0) }, gen.ErrRunning},
		{"Send(5)", func(g *G) (int, error) { return g.Send(5) }, gen.ErrRunning},
		{"Throw(errBoom)", func(g *G) (int, error) { return g.Throw(errBoom) }, gen.ErrRunning},
		{"Close()", func(g *G) (int, error) { return 0, g.Close() }, gen.ErrRunning},
		{"Result()", func(g *G) (int, error) { return g.Result() }, gen.ErrNotFinished},
	}
	for _, mode := range []string{"body", "push loop"} {
		for _, c := range calls {
			t.Run(mode+"/"+c.name, func(t *testing.T) {
				leaktest.Check(t)
				var (
					g    *G
					v    int
					err  error
					st   gen.State
					exit error
				)
				g = gen.New(func(yield gen.Yield[int, int]) (int, error) {
					if mode == "body" {
						v, err = c.call(g)
						st = g.State()
					}
					for i := 1; i <= 2; i++ {
						if _, e := yield(i); e != nil {
							exit = e
							return 0, e
						}
					}
					return 3, nil
				})
				var got []int
				if mode == "body" {
					for {
						y, e := g.Next()
						if e != nil {
							break
						}
						got = append(got, y)
					}
				} else {
					for y := range g.All() {
						if len(got) == 0 {
							v, err = c.call(g)
							st = g.State()
						}
						got = append(got, y)
					}
				}
				if v != 0 || err != c.want {
					t.Errorf("%s = %d, %v; want 0, %v", c.name, v, err, c.want)
				}
				if st != gen.Running {
					t.Errorf("State() after %s = %v; want running", c.name, st)
				}
				if exit != nil {
					t.Errorf("the body's yield returned %v; want no error", exit)
				}
				// The generator went on as if nothing had happened.
				if diff := cmp.Diff([]int{1, 2}, got); diff != "" {
					t.Errorf("values (-want +got):\n%s", diff)
				}
				if r, err := g.Result(); r != 3 || err != nil {
					t.Errorf("Result() = %d, %v; want 3, <nil>", r, err)
				}
			})
		}
	}
	t.Run("All from the body", func(t *testing.T) {
		leaktest.Check(t)
		var g *G
		g = gen.New(func(yield gen.Yield[int, int]) (int, error) {
			for range g.All() {
			}
			return 0, nil
		})
		if p := panicValue(func() { g.Next() }); p == nil {
			t.Error("All() of a running generator did not panic")
		}
		if st := g.State(); st != gen.Closed {
			t.Errorf("State() = %v; want closed", st)
		}
	})
}

// TestThrowNil: Throw(nil) returns an error and changes nothing, in every state.
func TestThrowNil(t *testing.T) {
	leaktest.Check(t)
	states := []struct {
		name  string
		setup func(g *G)
		want  gen.State
	}{
		{"created", func(g *G) {}, gen.Created},
		{"suspended", func(g *G) { g.Next() }, gen.Suspended},
		{"closed", func(g *G) {
			for range 4 {
				g.Next()
			}
		}, gen.Closed},
	}
	for _, s := range states {
		var exit error
		deferred := 0
		g := count(3, &exit, &deferred)
		s.setup(g)
		if v, err := g.Throw(nil); v != 0 || err == nil {
			t.Errorf("%s: Throw(nil) = %d, %v; want 0, an error", s.name, v, err)
		} else if errors.Is(err, gen.ErrStopIteration) || errors.Is(err, gen.ErrRunning) {
			t.Errorf("%s: Throw(nil) = %v; want an error saying the error is nil", s.name, err)
		}
		if st := g.State(); st != s.want {
			t.Errorf("%s: State() after Throw(nil) = %v; want %v", s.name, st, s.want)
		}
		if exit != nil {
			t.Errorf("%s: the body's yield returned %v; want nothing", s.name, exit)
		}
		g.Close()
	}
	// From the body itself, while Running.
	var g *G
	var err error
	var st gen.State
	g = gen.New(func(yield gen.Yield[int, int]) (int, error) {
		_, err = g.Throw(nil)
		st = g.State()
		return 0, nil
	})
	g.Next()
	if err == nil || st != gen.Running {
		t.Errorf("running: Throw(nil) = %v, then State() = %v; want an error, running", err, st)
	}
}

// TestSendNonZeroBeforeStart: Send of a non-zero value to a Created generator
// fails and leaves it Created, for any type of sent value.
func TestSendNonZeroBeforeStart(t *testing.T) {
	leaktest.Check(t)
	type pair struct{ a, b int }
	tests := []struct {
		name string
		// send makes a generator of S, sends it a non-zero value, then a zero
		// one; it returns both errors, the state between, and what the body's
		// first yield returned.
		send func() (err1 error, st gen.State, err2 error, got any)
	}{
		{"int", func() (error, gen.State, error, any) { return sendTwice(5, 0) }},
		{"string", func() (error, gen.State, error, any) { return sendTwice("x", "") }},
		{"*int", func() (error, gen.State, error, any) { return sendTwice(new(int), nil) }},
		{"struct", func() (error, gen.State, error, any) { return sendTwice(pair{0, 1}, pair{}) }},
		{"error", func() (error, gen.State, error, any) { return sendTwice[error](errBoom, nil) }},
	}
	for _, tt := range tests {
		err1, st, err2, got := tt.send()
		if err1 != gen.ErrJustStarted || st != gen.Created {
			t.Errorf("%s: Send(non-zero) = %v, then State() = %v; want %v, created", tt.name, err1, st, gen.ErrJustStarted)
		}
		if err2 != nil {
			t.Errorf("%s: Send(zero) = %v; want <nil>", tt.name, err2)
		}
		if got != "ran" {
			t.Errorf("%s: the body saw %v; want it to run once, from Send(zero)", tt.name, got)
		}
	}
}

func sendTwice[S any](nonZero, zero S) (error, gen.State, error, any) {
	runs := 0
	g := gen.New(func(yield gen.Yield[int, S]) (int, error) {
		runs++
		_, err := yield(1)
		return 0, err
	})
	defer g.Close()
	_, err1 := g.Send(nonZero)
	st := g.State()
	_, err2 := g.Send(zero)
	var got any = "ran"
	if runs != 1 {
		got = fmt.Sprintf("%d runs", runs)
	}
	return err1, st, err2, got
}

// TestYieldMisuse is TestPullDoubleYield: a Yield called when its body is not
// running panics with a message that says so.
func TestYieldMisuse(t *testing.T) {
	tests := []struct {
		name string
		// misuse returns a function that calls a Yield at the wrong time, and
		// a cleanup.
		misuse func() (call func(), cleanup func())
		want   string // in the panic message
	}{
		{"after return", func() (func(), func()) {
			var saved gen.Yield[int, int]
			g := gen.New(func(yield gen.Yield[int, int]) (int, error) {
				saved = yield
				return 0, nil
			})
			g.Next()
			return func() { saved(1) }, func() {}
		}, "after the generator finished"},
		{"after Close", func() (func(), func()) {
			var saved gen.Yield[int, int]
			g := gen.New(func(yield gen.Yield[int, int]) (int, error) {
				saved = yield
				_, err := yield(0)
				return 0, err
			})
			g.Next()
			g.Close()
			return func() { saved(1) }, func() {}
		}, "after the generator finished"},
		{"after push-mode range", func() (func(), func()) {
			var saved gen.Yield[int, int]
			g := gen.New(func(yield gen.Yield[int, int]) (int, error) {
				saved = yield
				yield(0)
				return 0, nil
			})
			for range g.All() {
			}
			return func() { saved(1) }, func() {}
		}, "after the generator finished"},
		{"after inline YieldFrom", func() (func(), func()) {
			var saved gen.Yield[int, int]
			sub := gen.New(func(yield gen.Yield[int, int]) (int, error) {
				saved = yield
				return 0, nil
			})
			g := gen.New(func(yield gen.Yield[int, int]) (int, error) {
				gen.YieldFrom(yield, sub)
				_, err := yield(0)
				return 0, err
			})
			g.Next()
			return func() { saved(1) }, func() { g.Close() }
		}, "after the generator finished"},
		{"while suspended", func() (func(), func()) {
			var saved gen.Yield[int, int]
			g := gen.New(func(yield gen.Yield[int, int]) (int, error) {
				saved = yield
				_, err := yield(0)
				return 0, err
			})
			g.Next()
			return func() { saved(1) }, func() { g.Close() }
		}, "while the generator is suspended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			call, cleanup := tt.misuse()
			defer cleanup()
			p := panicValue(call)
			msg, _ := p.(string)
			if !strings.HasPrefix(msg, "gen.Yield: called") || !strings.Contains(msg, tt.want) {
				t.Errorf("yield panicked with %#v; want a message with %q", p, tt.want)
			}
		})
	}
}

// Bodies for TestStateTable: each yields 1, then answers a sent v with 10+v
// (and returns (7, nil) for v == -1); they differ in what they do with an error.
var tableBodies = map[string]func(yield gen.Yield[int, int]) (int, error){
	// echo returns the error it receives.
	"echo": func(yield gen.Yield[int, int]) (int, error) {
		return tableBody(yield, func(err error) (int, error) { return 99, err })
	},
	// wrap returns the error it receives, wrapped.
	"wrap": func(yield gen.Yield[int, int]) (int, error) {
		return tableBody(yield, func(err error) (int, error) { return 99, fmt.Errorf("wrap: %w", err) })
	},
	// catch returns normally.
	"catch": func(yield gen.Yield[int, int]) (int, error) {
		return tableBody(yield, func(error) (int, error) { return 98, nil })
	},
	// fail returns errOther.
	"fail": func(yield gen.Yield[int, int]) (int, error) {
		return tableBody(yield, func(error) (int, error) { return 97, errOther })
	},
	// leak returns an error wrapping ErrStopIteration (PEP 479).
	"leak": func(yield gen.Yield[int, int]) (int, error) {
		return tableBody(yield, func(error) (int, error) { return 96, fmt.Errorf("leak: %w", gen.ErrStopIteration) })
	},
	// ignore yields 2 and then returns.
	"ignore": func(yield gen.Yield[int, int]) (int, error) {
		return tableBody(yield, func(error) (int, error) { yield(2); return 95, nil })
	},
}

func tableBody(yield gen.Yield[int, int], onErr func(error) (int, error)) (int, error) {
	v := 1
	for {
		in, err := yield(v)
		switch {
		case err != nil:
			return onErr(err)
		case in == -1:
			return 7, nil
		}
		v = 10 + in
	}
}

// TestStateTable checks the table of API.md, and the rules under it, row by row:
// a generator in a state, a call, the call's results, the state after it, and
// what Result reports then.
func TestStateTable(t *testing.T) {
	type call struct {
		name string
		do   func(g *G) (int, error)
	}
	var (
		next     = call{"Next()", func(g *G) (int, error) { return g.Next() }}
		send0    = call{"Send(0)", func(g *G) (int, error) { return g.Send(0) }}
		send5    = call{"Send(5)", func(g *G) (int, error) { return g.Send(5) }}
		sendEnd  = call{"Send(-1)", func(g *G) (int, error) { return g.Send(-1) }}
		throw    = call{"Throw(errBoom)", func(g *G) (int, error) { return g.Throw(errBoom) }}
		throwGE  = call{"Throw(ErrGeneratorExit)", func(g *G) (int, error) { return g.Throw(gen.ErrGeneratorExit) }}
		throwNil = call{"Throw(nil)", func(g *G) (int, error) { return g.Throw(nil) }}
		closeG   = call{"Close()", func(g *G) (int, error) { return 0, g.Close() }}
		result   = call{"Result()", func(g *G) (int, error) { return g.Result() }}
		state    = call{"State()", func(g *G) (int, error) { return int(g.State()), nil }}
	)
	c, s, r, x := gen.Created, gen.Suspended, gen.Running, gen.Closed
	// A Result column of this marker means Result is not checked (Running).
	const notChecked = -1000
	tests := []struct {
		from    gen.State
		body    string
		call    call
		wantV   int
		wantErr error
		wantSt  gen.State
		wantR   int   // Result() afterwards
		wantRE  error // its error
	}{
		// Created.
		{c, "echo", next, 1, nil, s, 0, gen.ErrNotFinished},
		{c, "echo", send0, 1, nil, s, 0, gen.ErrNotFinished},
		{c, "echo", send5, 0, gen.ErrJustStarted, c, 0, gen.ErrNotFinished},
		{c, "echo", throw, 0, errBoom, x, 0, nil},
		{c, "echo", throwNil, 0, anyError, c, 0, gen.ErrNotFinished},
		{c, "echo", closeG, 0, nil, x, 0, nil},
		{c, "echo", result, 0, gen.ErrNotFinished, c, 0, gen.ErrNotFinished},
		{c, "echo", state, int(c), nil, c, 0, gen.ErrNotFinished},
		// Suspended at the first yield.
		{s, "echo", next, 10, nil, s, 0, gen.ErrNotFinished},
		{s, "echo", send0, 10, nil, s, 0, gen.ErrNotFinished},
		{s, "echo", send5, 15, nil, s, 0, gen.ErrNotFinished},
		{s, "echo", sendEnd, 0, gen.ErrStopIteration, x, 7, nil},
		{s, "echo", throw, 0, errBoom, x, 99, errBoom},
		{s, "echo", throwGE, 0, gen.ErrGeneratorExit, x, 99, gen.ErrGeneratorExit},
		{s, "catch", throw, 0, gen.ErrStopIteration, x, 98, nil},
		{s, "fail", throw, 0, errOther, x, 97, errOther},
		{s, "leak", throw, 0, gen.ErrStopLeaked, x, 96, gen.ErrStopLeaked},
		{s, "ignore", throw, 2, nil, s, 0, gen.ErrNotFinished},
		{s, "ignore", throwGE, 2, nil, s, 0, gen.ErrNotFinished},
		{s, "echo", throwNil, 0, anyError, s, 0, gen.ErrNotFinished},
		{s, "echo", closeG, 0, nil, x, 99, nil},
		{s, "wrap", closeG, 0, nil, x, 99, nil},
		{s, "catch", closeG, 0, nil, x, 98, nil},
		{s, "fail", closeG, 0, errOther, x, 97, errOther},
		{s, "leak", closeG, 0, gen.ErrStopLeaked, x, 96, gen.ErrStopLeaked},
		{s, "ignore", closeG, 0, gen.ErrIgnoredExit, x, 0, gen.ErrIgnoredExit},
		{s, "echo", result, 0, gen.ErrNotFinished, s, 0, gen.ErrNotFinished},
		{s, "echo", state, int(s), nil, s, 0, gen.ErrNotFinished},
		// Running: the body calls on its own generator.
		{r, "echo", next, 0, gen.ErrRunning, r, notChecked, nil},
		{r, "echo", send0, 0, gen.ErrRunning, r, notChecked, nil},
		{r, "echo", send5, 0, gen.ErrRunning, r, notChecked, nil},
		{r, "echo", throw, 0, gen.ErrRunning, r, notChecked, nil},
		{r, "echo", throwNil, 0, anyError, r, notChecked, nil},
		{r, "echo", closeG, 0, gen.ErrRunning, r, notChecked, nil},
		{r, "echo", result, 0, gen.ErrNotFinished, r, notChecked, nil},
		{r, "echo", state, int(r), nil, r, notChecked, nil},
		// Closed after returning (7, nil).
		{x, "echo", next, 0, gen.ErrStopIteration, x, 7, nil},
		{x, "echo", send0, 0, gen.ErrStopIteration, x, 7, nil},
		{x, "echo", send5, 0, gen.ErrStopIteration, x, 7, nil},
		{x, "echo", throw, 0, errBoom, x, 7, nil},
		{x, "echo", throwNil, 0, anyError, x, 7, nil},
		{x, "echo", closeG, 0, nil, x, 7, nil},
		{x, "echo", result, 7, nil, x, 7, nil},
		{x, "echo", state, int(x), nil, x, 7, nil},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%v/%s/%s", tt.from, tt.body, tt.call.name)
		t.Run(name, func(t *testing.T) {
			leaktest.Check(t)
			var (
				g   *G
				v   int
				err error
				st  gen.State
			)
			body := tableBodies[tt.body]
			if tt.from == gen.Running {
				g = gen.New(func(yield gen.Yield[int, int]) (int, error) {
					v, err = tt.call.do(g)
					st = g.State()
					return 0, nil
				})
				g.Next()
			} else {
				g = gen.New(body)
				switch tt.from {
				case gen.Suspended:
					g.Next()
				case gen.Closed:
					g.Next()
					g.Send(-1)
				}
				if got := g.State(); got != tt.from {
					t.Fatalf("setup: State() = %v; want %v", got, tt.from)
				}
				v, err = tt.call.do(g)
				st = g.State()
			}
			defer g.Close()
			if v != tt.wantV || !errIs(err, tt.wantErr) {
				t.Errorf("%s = %d, %v; want %d, %v", tt.call.name, v, err, tt.wantV, tt.wantErr)
			}
			if st != tt.wantSt {
				t.Errorf("State() after %s = %v; want %v", tt.call.name, st, tt.wantSt)
			}
			if tt.wantR == notChecked {
				return
			}
			if r, err := g.Result(); r != tt.wantR || !errIs(err, tt.wantRE) {
				t.Errorf("Result() after %s = %d, %v; want %d, %v", tt.call.name, r, err, tt.wantR, tt.wantRE)
			}
		})
	}
}

// TestAll covers ranging: push mode on a Created generator, pull mode on a
// Suspended one, nothing from a Closed one; what break does in each mode; and a
// body that yields after the break.
func TestAll(t *testing.T) {
	type trace struct {
		Values []int
		Events []string // in order: "yield=<what the pending yield returned>", "defer", "loop ended"
		State  gen.State
		R      int
		Err    string
	}
	// body yields 0..4, records what each yield returns and its deferred call;
	// with ignore, it yields again after an error.
	newGen := func(events *[]string, ignore bool) *G {
		return gen.New(func(yield gen.Yield[int, int]) (int, error) {
			defer func() { *events = append(*events, "defer") }()
			for i := range 5 {
				in, err := yield(i)
				*events = append(*events, fmt.Sprintf("yield=%d,%v", in, err))
				if err != nil {
					if ignore {
						yield(-1)
					}
					return i, err
				}
			}
			return 5, nil
		})
	}
	tests := []struct {
		name   string
		start  int // Next calls before the loop: 0 for push mode, 1 for pull mode, 6 for Closed
		stop   int // break at this value; -1: range to the end
		ignore bool
		want   trace
	}{
		{"push to the end", 0, -1, false, trace{
			Values: []int{0, 1, 2, 3, 4},
			Events: []string{"yield=0,<nil>", "yield=0,<nil>", "yield=0,<nil>", "yield=0,<nil>", "yield=0,<nil>", "defer", "loop ended"},
			State:  gen.Closed, R: 5, Err: "<nil>",
		}},
		{"push break", 0, 1, false, trace{
			Values: []int{0, 1},
			Events: []string{"yield=0,<nil>", "yield=0,gen: generator exit", "defer", "loop ended"},
			State:  gen.Closed, R: 1, Err: "<nil>",
		}},
		{"push break, body ignores the exit", 0, 1, true, trace{
			Values: []int{0, 1},
			Events: []string{"yield=0,<nil>", "yield=0,gen: generator exit", "defer", "loop ended"},
			State:  gen.Closed, R: 0, Err: gen.ErrIgnoredExit.Error(),
		}},
		{"pull to the end", 1, -1, false, trace{
			Values: []int{1, 2, 3, 4},
			Events: []string{"yield=0,<nil>", "yield=0,<nil>", "yield=0,<nil>", "yield=0,<nil>", "yield=0,<nil>", "defer", "loop ended"},
			State:  gen.Closed, R: 5, Err: "<nil>",
		}},
		{"pull break", 1, 2, false, trace{
			Values: []int{1, 2},
			Events: []string{"yield=0,<nil>", "yield=0,<nil>", "yield=0,gen: generator exit", "defer", "loop ended"},
			State:  gen.Closed, R: 2, Err: "<nil>",
		}},
		{"pull break, body ignores the exit", 1, 2, true, trace{
			Values: []int{1, 2},
			Events: []string{"yield=0,<nil>", "yield=0,<nil>", "yield=0,gen: generator exit", "defer", "loop ended"},
			State:  gen.Closed, R: 0, Err: gen.ErrIgnoredExit.Error(),
		}},
		{"closed", 6, -1, false, trace{
			Events: []string{"yield=0,<nil>", "yield=0,<nil>", "yield=0,<nil>", "yield=0,<nil>", "yield=0,<nil>", "defer", "loop ended"},
			State:  gen.Closed, R: 5, Err: "<nil>",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			var got trace
			g := newGen(&got.Events, tt.ignore)
			for range tt.start {
				g.Next()
			}
			for v := range g.All() {
				got.Values = append(got.Values, v)
				if v == tt.stop {
					break
				}
			}
			got.Events = append(got.Events, "loop ended")
			got.State = g.State()
			r, err := g.Result()
			got.R, got.Err = r, fmt.Sprint(err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ranging (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAllPushModeIsRunning: inside a push-mode loop the generator is Running
// and no coroutine exists.
func TestAllPushModeIsRunning(t *testing.T) {
	leaktest.Check(t)
	ng := stableNumGoroutine()
	g := count(3, new(error), new(int))
	for range g.All() {
		if st := g.State(); st != gen.Running {
			t.Errorf("State() in the loop = %v; want running", st)
		}
		if xg := runtime.NumGoroutine() - ng; xg != 0 {
			t.Errorf("have %d extra goroutines in the loop, want 0", xg)
		}
	}
	if r, err := g.Result(); r != 3 || err != nil {
		t.Errorf("Result() = %d, %v; want 3, <nil>", r, err)
	}
}
