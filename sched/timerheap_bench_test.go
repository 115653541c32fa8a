package sched

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkTimerHeap: the loop's use of the timer structure alone, as
// BenchmarkTimers drives it: n timers with random deadlines over an hour set at
// once, then popped as the virtual clock jumps to each next deadline.
func BenchmarkTimerHeap(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			timers := make([]*Timer, n)
			for i := range timers {
				timers[i] = &Timer{when: time.Duration(r.Int64N(int64(time.Hour)))}
			}
			for b.Loop() {
				var h timerHeap
				for i, t := range timers {
					h.push(t, uint64(i+1))
				}
				popped := 0
				for len(h.h) > 0 {
					now, _ := h.next()
					for t := h.popDue(now); t != nil; t = h.popDue(now) {
						popped++
					}
				}
				if popped != n {
					b.Fatalf("%d of %d popped", popped, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/timer")
		})
	}
}
