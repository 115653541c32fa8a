// Command generators walks through the building blocks under async/await, in
// the order a Python course teaches them:
//
//  1. Callbacks: a function that calls you back for each value (squares and
//     cubes of [2, 3, 5]). The producer is in charge; you only react.
//  2. A generator (gen.New): a body that yields "something" and "other thing"
//     and is ranged over with All. Now the consumer is in charge, and the body
//     keeps its place between values.
//  3. Send, Throw and Close on a running total: values go into the generator
//     too, an error can be thrown in at its pending yield, and Close ends it
//     (its yield returns gen.ErrGeneratorExit). This two-way channel is what
//     a coroutine is made of.
//  4. Delegation with gen.YieldFrom (Python's "yield from"): a generator hands
//     out everything a sub-generator yields and gets its return value.
//  5. An async generator (aiter.New) that sleeps between values, consumed
//     with aiter.All (Python's "async for") inside sched.Run: yield and await
//     in one body.
//
// Run it with
//
//	go run ./examples/generators            # on the real clock, 1 simulated second = 500ms
//	go run ./examples/generators -virtual   # on a virtual clock: instant, exact times
package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/corio-go/corio/aiter"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/sched"
)

// each calls fn with every number: the callback style.
func each(nums []int, fn func(n int)) {
	for _, n := range nums {
		fn(n)
	}
}

func callbacks(w io.Writer) {
	fmt.Fprintln(w, "-- 1. callbacks --")
	nums := []int{2, 3, 5}
	each(nums, func(n int) { fmt.Fprintf(w, "square of %d is %d\n", n, n*n) })
	each(nums, func(n int) { fmt.Fprintf(w, "cube of %d is %d\n", n, n*n*n) })
}

func generator(w io.Writer) {
	fmt.Fprintln(w, "-- 2. a generator, ranged with All --")
	g := gen.New(func(yield gen.Yield[string, struct{}]) (struct{}, error) {
		fmt.Fprintln(w, "body: starts")
		if _, err := yield("something"); err != nil {
			return struct{}{}, err
		}
		fmt.Fprintln(w, "body: resumed after the first yield")
		if _, err := yield("other thing"); err != nil {
			return struct{}{}, err
		}
		fmt.Fprintln(w, "body: returns")
		return struct{}{}, nil
	})
	fmt.Fprintf(w, "made the generator: it is %s, nothing has run\n", g.State())
	for v := range g.All() {
		fmt.Fprintf(w, "got %q\n", v)
	}
	fmt.Fprintf(w, "after the loop it is %s\n", g.State())
}

// errReset is thrown into the running total to reset it.
var errReset = errors.New("reset")

func runningTotal(w io.Writer) {
	fmt.Fprintln(w, "-- 3. Send, Throw and Close on a running total --")
	g := gen.New(func(yield gen.Yield[int, int]) (int, error) {
		total := 0
		for {
			n, err := yield(total)
			switch {
			case errors.Is(err, errReset):
				fmt.Fprintf(w, "body: caught %q at its yield, total %d -> 0\n", err, total)
				total = 0
			case errors.Is(err, gen.ErrGeneratorExit):
				fmt.Fprintf(w, "body: closing with total %d\n", total)
				return total, nil
			case err != nil:
				return total, err
			default:
				total += n
			}
		}
	})
	_, err := g.Send(5)
	fmt.Fprintf(w, "Send(5) before it started: ErrJustStarted is %v (start it with Next)\n", errors.Is(err, gen.ErrJustStarted))
	v, err := g.Next()
	fmt.Fprintf(w, "Next() = %d, %v\n", v, err)
	for _, n := range []int{5, 10, 20} {
		v, err = g.Send(n)
		fmt.Fprintf(w, "Send(%d) = %d, %v\n", n, v, err)
	}
	v, err = g.Throw(errReset)
	fmt.Fprintf(w, "Throw(reset) = %d, %v\n", v, err)
	v, err = g.Send(7)
	fmt.Fprintf(w, "Send(7) = %d, %v\n", v, err)
	err = g.Close()
	fmt.Fprintf(w, "Close() = %v; now %s\n", err, g.State())
	_, err = g.Send(1)
	fmt.Fprintf(w, "Send(1) after Close: ErrStopIteration is %v\n", errors.Is(err, gen.ErrStopIteration))
}

// count yields 1..n and returns their sum.
func count(n int) *gen.Gen[int, struct{}, int] {
	return gen.New(func(yield gen.Yield[int, struct{}]) (int, error) {
		sum := 0
		for i := 1; i <= n; i++ {
			if _, err := yield(i); err != nil {
				return sum, err
			}
			sum += i
		}
		return sum, nil
	})
}

func delegation(w io.Writer) error {
	fmt.Fprintln(w, "-- 4. delegation with YieldFrom --")
	outer := gen.New(func(yield gen.Yield[int, struct{}]) (string, error) {
		if _, err := yield(0); err != nil {
			return "", err
		}
		sum, err := gen.YieldFrom(yield, count(3)) // 1, 2, 3 pass straight through
		if err != nil {
			return "", err
		}
		fmt.Fprintf(w, "outer: count(3) returned %d\n", sum)
		if _, err := yield(100 + sum); err != nil {
			return "", err
		}
		return "outer done", nil
	})
	for v := range outer.All() {
		fmt.Fprintf(w, "got %d\n", v)
	}
	r, err := outer.Result()
	fmt.Fprintf(w, "outer returned %q, %v\n", r, err)
	return err
}

func asyncGenerator(w io.Writer, opts []sched.Option, scale float64) error {
	fmt.Fprintln(w, "-- 5. an async generator, consumed with aiter.All under sched.Run --")
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		c := story.NewClock(co, scale)
		ticks := aiter.New(func(co *coro.Co, yield gen.Yield[string, struct{}]) error {
			for i := 1; i <= 3; i++ {
				if err := c.Sleep(co, time.Second); err != nil { // an await...
					return err
				}
				if _, err := yield(fmt.Sprintf("tick %d", i)); err != nil { // ...and a yield
					return err
				}
			}
			return nil
		})
		for v, err := range aiter.All(co, ticks) {
			if err != nil {
				return struct{}{}, err
			}
			fmt.Fprintf(w, "[%.1f s] got %q\n", c.Since(co).Seconds(), v)
		}
		fmt.Fprintf(w, "[%.1f s] the async generator is %s\n", c.Since(co).Seconds(), ticks.State())
		return struct{}{}, nil
	}), opts...)
	return err
}

func run(w io.Writer, virtual bool, scale float64) error {
	opts, scale := story.Start(w, virtual, scale, time.Second, "second")
	callbacks(w)
	generator(w)
	runningTotal(w)
	if err := delegation(w); err != nil {
		return err
	}
	return asyncGenerator(w, opts, scale)
}

func main() {
	story.Main(0.5, "real seconds per simulated second", run)
}
