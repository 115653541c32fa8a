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

// BenchmarkTimerHeapChurn: a steady state of n pending timers due over the
// next second, as a server's timeouts are: per op the clock moves on by
// 1s/n, the timers due are popped, one timer is set for a random time within
// the next second and one more is set and at once stopped (a timeout that
// was not needed).
func BenchmarkTimerHeapChurn(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			var h timerHeap
			var seq uint64
			set := func(when time.Duration) *Timer {
				seq++
				t := &Timer{when: when}
				h.push(t, seq)
				return t
			}
			for range n {
				set(time.Duration(r.Int64N(int64(time.Second))))
			}
			step := time.Second / time.Duration(n)
			now := time.Duration(0)
			for b.Loop() {
				now += step
				for t := h.popDue(now); t != nil; t = h.popDue(now) {
				}
				set(now + time.Duration(r.Int64N(int64(time.Second))))
				t := set(now + time.Second)
				t.stopped = true
				h.stop()
			}
		})
	}
}
