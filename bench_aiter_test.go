package corio_test

import (
	"testing"

	"github.com/corio-go/corio/aiter"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
)

// numbers is an async generator that awaits nothing: what remains is the cost
// of the async iteration itself.
func numbers() *aiter.Gen[int, struct{}] {
	return aiter.New(func(co *coro.Co, yield gen.Yield[int, struct{}]) error {
		for i := 0; ; i++ {
			if _, err := yield(i); err != nil {
				return err
			}
		}
	})
}

// BenchmarkAsyncFor: aiter.All over a new async generator (push mode), per
// value; compare RangePush in BenchmarkSwitch.
func BenchmarkAsyncFor(b *testing.B) {
	b.ReportAllocs()
	runMain(b, func(co *coro.Co) error {
		n := 0
		for v, err := range aiter.All(co, numbers()) {
			if err != nil {
				return err
			}
			n += v
			if !b.Loop() {
				break
			}
		}
		return nil
	})
}

// BenchmarkANext: stepping a started async generator (pull mode), per value;
// compare PullNext in BenchmarkSwitch.
func BenchmarkANext(b *testing.B) {
	b.ReportAllocs()
	runMain(b, func(co *coro.Co) error {
		g := numbers()
		g.ANext(co)
		for b.Loop() {
			if _, err := g.ANext(co); err != nil {
				return err
			}
		}
		return g.AClose(co)
	})
}
