package sched

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The heap against a sorted list: random pushes (many equal deadlines), stops
// (enough to rebuild the heap several times) and pops come out in (deadline,
// order set) order, stopped timers never.
func TestTimerHeapAgainstSorted(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 0))
		var h timerHeap
		type ref struct {
			when time.Duration
			seq  uint64
			t    *Timer
		}
		var live []ref
		var seq uint64
		now := time.Duration(0)
		for step := 0; step < 5000; step++ {
			switch op := r.IntN(10); {
			case op < 5:
				seq++
				tm := &Timer{when: now + time.Duration(r.IntN(50))}
				h.push(tm, seq)
				live = append(live, ref{tm.when, seq, tm})
			case op < 8 && len(live) > 0:
				i := r.IntN(len(live))
				live[i].t.stopped = true
				if live[i].t.inHeap {
					h.stop()
				}
				live = slices.Delete(live, i, i+1)
			default:
				now += time.Duration(r.IntN(20))
				slices.SortFunc(live, func(a, b ref) int {
					return cmp.Or(cmp.Compare(a.when, b.when), cmp.Compare(a.seq, b.seq))
				})
				for tm := h.popDue(now); tm != nil; tm = h.popDue(now) {
					if len(live) == 0 || live[0].t != tm {
						t.Fatalf("seed %d step %d: popped the timer due at %v; want the one due at %v", seed, step, tm.when, live[0].when)
					}
					live = live[1:]
				}
				if len(live) > 0 && live[0].when <= now {
					t.Fatalf("seed %d step %d: a timer due at %v was not popped at %v", seed, step, live[0].when, now)
				}
			}
			if h.stopped > len(h.h)+h.farN {
				t.Fatalf("seed %d: %d stopped timers in a heap of %d", seed, h.stopped, len(h.h))
			}
		}
	}
}
