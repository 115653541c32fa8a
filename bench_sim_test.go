package corio_test

import (
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// BenchmarkSeeded runs one program — 100 tasks taking turns with Sleep(0),
// and 100 tasks sleeping random-looking durations — on a virtual-time loop,
// plain and under Seed (and Seed with Jitter): what a seeded run costs over
// the unseeded one. ns/step is the time per task step.
func BenchmarkSeeded(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts []sched.Option
	}{
		{"plain", []sched.Option{sched.VirtualTime()}},
		{"seed", []sched.Option{sched.Seed(1)}},
		{"seed+jitter", []sched.Option{sched.Seed(1), sched.Jitter(time.Millisecond)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			const tasks = 100
			steps := 0
			for b.Loop() {
				_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
					var all []coro.Awaitable[struct{}]
					for i := range tasks {
						all = append(all, coro.New(func(co *coro.Co) (struct{}, error) {
							for j := range 20 {
								d := time.Duration(0)
								if i%2 == 1 {
									d = time.Duration((i*7+j*13)%50) * time.Millisecond
								}
								if err := sched.Sleep(co, d); err != nil {
									return struct{}{}, err
								}
							}
							return struct{}{}, nil
						}))
					}
					_, err := sched.Gather(co, all...)
					return struct{}{}, err
				}), bc.opts...)
				if err != nil {
					b.Fatal(err)
				}
				steps += tasks * 21
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
		})
	}
}
