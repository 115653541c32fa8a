package gen_test

import (
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
)

// waitFor collects garbage until done reports true or ten seconds pass, and
// reports whether it did.
func waitFor(done func() bool) bool {
	deadline := time.Now().Add(10 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			return false
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	return true
}

// exitCounter counts a body's deferred calls, and those that saw ErrGeneratorExit
// come out of the pending yield.
type exitCounter struct{ deferred, sawExit atomic.Int64 }

// body returns a generator body that yields forever and reports to c when it
// ends.
func (c *exitCounter) body() func(gen.Yield[int, int]) (int, error) {
	return func(yield gen.Yield[int, int]) (int, error) {
		var err error
		defer func() {
			if errors.Is(err, gen.ErrGeneratorExit) {
				c.sawExit.Add(1)
			}
			c.deferred.Add(1)
		}()
		for i := 0; ; i++ {
			if _, err = yield(i); err != nil {
				return i, err
			}
		}
	}
}

// TestDroppedGenerators: generators dropped while Suspended are closed by the
// runtime: each pending yield returns ErrGeneratorExit, each body's deferred
// calls run, and every goroutine exits.
func TestDroppedGenerators(t *testing.T) {
	leaktest.Check(t)
	const n = 5000
	var c exitCounter
	suspend := func() {
		for range n {
			g := gen.New(c.body())
			if v, err := g.Next(); v != 0 || err != nil {
				t.Fatalf("Next() = %d, %v; want 0, <nil>", v, err)
			}
			if v, err := g.Send(1); v != 1 || err != nil {
				t.Fatalf("Send(1) = %d, %v; want 1, <nil>", v, err)
			}
		}
	}
	suspend()
	if !waitFor(func() bool { return c.deferred.Load() == n }) {
		t.Fatalf("%d of %d dropped generators were closed", c.deferred.Load(), n)
	}
	if got := c.sawExit.Load(); got != n {
		t.Errorf("%d of %d pending yields returned ErrGeneratorExit", got, n)
	}
}

// TestDroppedDelegatingGenerator: a generator dropped while suspended inside
// YieldFrom is closed, and closes the generator it delegates to.
func TestDroppedDelegatingGenerator(t *testing.T) {
	tests := []struct {
		name  string
		start bool // start sub before delegating to it (YieldFrom's forwarding loop), or run it inline
	}{
		{"Suspended sub", true},
		{"Created sub, inline", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			var outer, inner exitCounter
			var innerFirst atomic.Bool
			// drop makes both generators, suspends the outer one inside
			// YieldFrom and forgets both.
			drop := func() {
				sub := gen.New(inner.body())
				if tt.start {
					sub.Next()
				}
				var err error
				g := gen.New(func(yield gen.Yield[int, int]) (int, error) {
					defer func() {
						if errors.Is(err, gen.ErrGeneratorExit) {
							outer.sawExit.Add(1)
						}
						// Close reaches sub first, not sub's own cleanup later.
						if inner.deferred.Load() == 1 {
							innerFirst.Store(true)
						}
						outer.deferred.Add(1)
					}()
					var r int
					r, err = gen.YieldFrom(yield, sub)
					return r, err
				})
				for i := range 3 {
					want := i
					if tt.start {
						want++ // sub yielded 0 to its own Next
					}
					if v, err := g.Next(); v != want || err != nil {
						t.Fatalf("Next() = %d, %v; want %d, <nil>", v, err, want)
					}
				}
			}
			drop()
			if !waitFor(func() bool { return outer.deferred.Load() == 1 && inner.deferred.Load() == 1 }) {
				t.Fatalf("deferred calls ran: outer %d, inner %d; want 1, 1", outer.deferred.Load(), inner.deferred.Load())
			}
			if o, i := outer.sawExit.Load(), inner.sawExit.Load(); o != 1 || i != 1 {
				t.Errorf("saw ErrGeneratorExit: outer %d, inner %d; want 1, 1", o, i)
			}
			if !innerFirst.Load() {
				t.Error("sub was not closed before the delegating body's deferred calls ran")
			}
		})
	}
}

// TestDroppedWhileRunning: a generator whose last use is the call that resumes
// it must not be finalized while its body runs (it would then be Running, left
// alone, and never closed once it suspends). The body collects garbage while the
// caller's call is in progress; the generator must still be closed after it is
// dropped.
func TestDroppedWhileRunning(t *testing.T) {
	tests := []struct {
		name string
		last func(g *G) // the last use of g
	}{
		{"Next", func(g *G) { g.Next() }},
		{"Send", func(g *G) { g.Send(1) }},
		{"Throw", func(g *G) { g.Throw(errBoom) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaktest.Check(t)
			var deferred atomic.Int64
			drop := func() {
				g := gen.New(func(yield gen.Yield[int, int]) (int, error) {
					defer deferred.Add(1)
					for i := 0; ; i++ {
						if i == 1 {
							// Give a finalizer of g every chance to run now.
							for range 3 {
								runtime.GC()
								time.Sleep(time.Millisecond)
							}
						}
						if _, err := yield(i); errors.Is(err, gen.ErrGeneratorExit) {
							return i, err
						}
					}
				})
				g.Next()
				tt.last(g)
			}
			drop()
			if !waitFor(func() bool { return deferred.Load() == 1 }) {
				t.Fatal("a generator dropped by the call that resumed it was never closed")
			}
		})
	}
}

// TestFinalizerBookkeepingRace: generators that start, live through
// collections (which give them a finalizer after the fact) and finish or are
// dropped, on several goroutines while collections run, are each closed once:
// every body's deferred calls run exactly once and no goroutine is left. Run it
// with -race: a started generator's finalizer is set by the runtime's finalizer
// goroutine while its own goroutine may be finishing it.
func TestFinalizerBookkeepingRace(t *testing.T) {
	leaktest.Check(t)
	const workers, perWorker = 4, 300
	var c exitCounter
	done := make(chan struct{})
	stopGC := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stopGC:
				return
			default:
				runtime.GC()
				time.Sleep(100 * time.Microsecond)
			}
		}
	}()
	finished := make(chan struct{}, workers)
	for w := range workers {
		go func() {
			defer func() { finished <- struct{}{} }()
			for i := range perWorker {
				g := gen.New(c.body())
				g.Next()
				if i%7 == 0 {
					runtime.Gosched() // let a collection and a sweep happen while it is Suspended
				}
				switch (i + w) % 3 {
				case 0:
					g.Close()
				case 1:
					g.Throw(errBoom) // the body returns it: finished by the resuming call
				default:
					// dropped Suspended: closed by its finalizer
				}
			}
		}()
	}
	for range workers {
		<-finished
	}
	close(stopGC)
	<-done
	if !waitFor(func() bool { return c.deferred.Load() == workers*perWorker }) {
		t.Fatalf("%d of %d bodies finished", c.deferred.Load(), workers*perWorker)
	}
	// Give a finalizer that would run twice, or late, the chance to.
	for range 3 {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if got := c.deferred.Load(); got != workers*perWorker {
		t.Errorf("bodies' deferred calls ran %d times; want %d", got, workers*perWorker)
	}
}
