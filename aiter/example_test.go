package aiter_test

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/corio-go/corio/aiter"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/sched"
)

// ticks returns an async generator that sleeps interval before each of its
// n values.
func ticks(n int, interval time.Duration) *aiter.Gen[int, struct{}] {
	return aiter.New(func(co *coro.Co, yield gen.Yield[int, struct{}]) error {
		for i := 1; i <= n; i++ {
			if err := sched.Sleep(co, interval); err != nil {
				return err
			}
			if _, err := yield(i); err != nil {
				return err
			}
		}
		return nil
	})
}

// All is "async for": it ranges over an async iterator on the ranging task,
// whose awaits suspend that task. Here an async generator sleeps a second
// before each value; breaking out of the loop closes it, and its cleanup runs.
func ExampleAll() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		start := sched.LoopOf(co).Now()
		ticker := aiter.New(func(co *coro.Co, yield gen.Yield[string, struct{}]) error {
			defer fmt.Println("ticker: cleaned up")
			for i := 1; ; i++ {
				if err := sched.Sleep(co, time.Second); err != nil { // an await...
					return err
				}
				if _, err := yield(fmt.Sprint("tick ", i)); err != nil { // ...and a yield
					return err
				}
			}
		})
		for v, err := range aiter.All(co, ticker) {
			if err != nil {
				return struct{}{}, err
			}
			fmt.Println(sched.LoopOf(co).Now().Sub(start), v)
			if v == "tick 3" {
				break
			}
		}
		fmt.Println(ticker.State())
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// 1s tick 1
	// 2s tick 2
	// 3s tick 3
	// ticker: cleaned up
	// closed
}

// An async generator stepped by hand: ANext awaits the next value, and
// reports aiter.ErrStopAsyncIteration once the body has returned.
func ExampleGen_ANext() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		g := ticks(2, time.Second)
		for {
			v, err := g.ANext(co)
			if errors.Is(err, aiter.ErrStopAsyncIteration) {
				fmt.Println("end")
				return struct{}{}, nil
			}
			if err != nil {
				return struct{}{}, err
			}
			fmt.Println(v)
		}
	}), sched.VirtualTime())
	// Output:
	// 1
	// 2
	// end
}

// ASend resumes an async generator with a value at its pending yield: here a
// running average that awaits (a sleep standing in for I/O) between values.
func ExampleGen_ASend() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		avg := aiter.New(func(co *coro.Co, yield gen.Yield[float64, float64]) error {
			var sum, n float64
			for {
				v, err := yield(sum / max(n, 1))
				if err != nil {
					return err
				}
				if err := sched.Sleep(co, time.Millisecond); err != nil {
					return err
				}
				sum, n = sum+v, n+1
			}
		})
		defer avg.AClose(co)
		avg.ANext(co) // start it: runs to the first yield
		for _, v := range []float64{10, 20, 60} {
			a, err := avg.ASend(co, v)
			fmt.Println(a, err)
		}
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// 10 <nil>
	// 15 <nil>
	// 30 <nil>
}

// Merge consumes several async iterators at once and yields their values in
// the order they arrive.
func ExampleMerge() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		start := sched.LoopOf(co).Now()
		fast := aiter.Map(ticks(3, 2*time.Second), func(co *coro.Co, i int) (string, error) {
			return fmt.Sprint("fast ", i), nil
		})
		slow := aiter.Map(ticks(2, 5*time.Second), func(co *coro.Co, i int) (string, error) {
			return fmt.Sprint("slow ", i), nil
		})
		for v, err := range aiter.All(co, aiter.Merge(fast, slow)) {
			if err != nil {
				return struct{}{}, err
			}
			fmt.Println(sched.LoopOf(co).Now().Sub(start), v)
		}
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// 2s fast 1
	// 4s fast 2
	// 5s slow 1
	// 6s fast 3
	// 10s slow 2
}

// FromSeq, Filter, Map and Take make a pipeline of async iterators; the
// functions given to Filter and Map may await.
func ExampleMap() {
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		nums := aiter.FromSeq(slices.Values([]int{1, 2, 3, 4, 5, 6, 7, 8}))
		odd := aiter.Filter(nums, func(co *coro.Co, n int) (bool, error) { return n%2 == 1, nil })
		squares := aiter.Map(odd, func(co *coro.Co, n int) (int, error) {
			return n * n, sched.Sleep(co, time.Second) // as if looked up somewhere
		})
		for v, err := range aiter.All(co, aiter.Take(squares, 3)) {
			fmt.Println(v, err)
		}
		return struct{}{}, nil
	}), sched.VirtualTime())
	// Output:
	// 1 <nil>
	// 9 <nil>
	// 25 <nil>
}
