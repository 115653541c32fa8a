package corio_test

import (
	"fmt"
	"iter"
	"runtime"
	"testing"

	"github.com/corio-go/corio/gen"
)

// BenchmarkSwitch measures what one resumption costs, side by side with its
// baselines: a raw iter.Pull round trip and a goroutine ping-pong over
// unbuffered channels. Run with: go test -run '^$' -bench Switch .
func BenchmarkSwitch(b *testing.B) {
	b.Run("PullNext", func(b *testing.B) {
		next, stop := iter.Pull(count)
		defer stop()
		b.ReportAllocs()
		for b.Loop() {
			next()
		}
		perSwitch(b, 2)
	})
	b.Run("GenSend", func(b *testing.B) {
		g := gen.New(echo)
		g.Next()
		defer g.Close()
		b.ReportAllocs()
		for b.Loop() {
			g.Send(1)
		}
		perSwitch(b, 2)
	})
	b.Run("GenNext", func(b *testing.B) {
		g := gen.New(counter)
		defer g.Close()
		b.ReportAllocs()
		for b.Loop() {
			g.Next()
		}
		perSwitch(b, 2)
	})
	b.Run("RangePush", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for v := range gen.New(counter).All() {
			n += v
			if !b.Loop() {
				break
			}
		}
	})
	b.Run("RangePull", func(b *testing.B) {
		g := gen.New(counter)
		g.Next() // Suspended: All resumes it with Next
		b.ReportAllocs()
		n := 0
		for v := range g.All() {
			n += v
			if !b.Loop() {
				break
			}
		}
	})
	for _, depth := range []int{0, 1, 10} {
		b.Run(fmt.Sprintf("YieldFromInline/depth=%d", depth), func(b *testing.B) {
			g := nested(depth)
			defer g.Close()
			b.ReportAllocs()
			for b.Loop() {
				g.Next()
			}
			perSwitch(b, 2)
		})
		b.Run(fmt.Sprintf("YieldFromInlinePush/depth=%d", depth), func(b *testing.B) {
			b.ReportAllocs()
			for range nested(depth).All() {
				if !b.Loop() {
					break
				}
			}
		})
	}
	b.Run("GoroutineChan", func(b *testing.B) {
		req, resp := make(chan int), make(chan int)
		go func() {
			for v := range req {
				resp <- v
			}
			close(resp)
		}()
		b.ReportAllocs()
		for b.Loop() {
			req <- 1
			<-resp
		}
		close(req)
		<-resp
		perSwitch(b, 2)
	})
	b.Run("CreateStepsClose/Pull", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			next, stop := iter.Pull(count)
			next()
			next()
			next()
			stop()
		}
	})
	b.Run("CreateStepsClose/Gen", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g := gen.New(counter)
			g.Next()
			g.Next()
			g.Next()
			g.Close()
		}
	})
}

// BenchmarkSuspendedMemory reports the memory a Suspended generator holds (its
// coroutine's stack and its heap objects), against a suspended iter.Pull.
func BenchmarkSuspendedMemory(b *testing.B) {
	const n = 10000
	b.Run("Pull", func(b *testing.B) {
		measureHeld(b, n, func() func() {
			next, stop := iter.Pull(count)
			next()
			return stop
		})
	})
	b.Run("Gen", func(b *testing.B) {
		measureHeld(b, n, func() func() {
			g := gen.New(counter)
			g.Next()
			return func() { g.Close() }
		})
	})
}

// measureHeld creates n suspended coroutines and reports the heap and stack
// memory they hold, per coroutine, as "B/coroutine".
func measureHeld(b *testing.B, n int, create func() (stop func())) {
	stops := make([]func(), n)
	var perCo float64
	for b.Loop() {
		before := held()
		for i := range stops {
			stops[i] = create()
		}
		perCo = float64(held()-before) / float64(n)
		for _, stop := range stops {
			stop()
		}
	}
	b.ReportMetric(perCo, "B/coroutine")
}

func held() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// perSwitch reports ns per coroutine switch for a loop of n switches per op.
func perSwitch(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/switch")
}

func count(yield func(int) bool) {
	for i := 0; yield(i); i++ {
	}
}

func counter(yield gen.Yield[int, int]) (int, error) {
	for i := 0; ; i++ {
		if _, err := yield(i); err != nil {
			return 0, err
		}
	}
}

func echo(yield gen.Yield[int, int]) (int, error) {
	v := 0
	for {
		in, err := yield(v)
		if err != nil {
			return 0, err
		}
		v = in
	}
}

// nested returns a generator that delegates through depth inline YieldFroms to
// counter.
func nested(depth int) *gen.Gen[int, int, int] {
	if depth == 0 {
		return gen.New(counter)
	}
	return gen.New(func(yield gen.Yield[int, int]) (int, error) {
		return gen.YieldFrom(yield, nested(depth-1))
	})
}
