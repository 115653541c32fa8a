package sched

import "time"

// timerHeap is the loop's pending timers: a 4-ary min-heap by deadline, equal
// deadlines in the order they were set (4-ary, as the runtime's timer heap:
// half the depth of a binary heap, and a node's children share cache lines). The deadline and the order are kept
// inline in the heap's array, so that sifting compares without touching the
// timers themselves: with a million timers, following a pointer per
// comparison was a cache miss each (1,215 ns per timer against 420 ns at
// 100,000). For the same reason a timer that is stopped is not taken out at
// once (that needs its position, kept up to date by every swap); it stays,
// marked, until it reaches the top, as asyncio's cancelled TimerHandles do, and
// the heap is rebuilt without them when they are more than half of it.
type timerHeap struct {
	h       []timerEntry
	stopped int // stopped timers still in h
}

type timerEntry struct {
	when time.Duration
	seq  uint64 // ties between equal deadlines go to the earlier timer
	t    *Timer
}

func (a *timerEntry) less(b *timerEntry) bool {
	return a.when < b.when || a.when == b.when && a.seq < b.seq
}

// push adds t, set as the seq-th timer.
func (h *timerHeap) push(t *Timer, seq uint64) {
	t.inHeap = true
	h.h = append(h.h, timerEntry{t.when, seq, t})
	h.up(len(h.h) - 1)
}

// next returns the deadline of the earliest live timer, dropping stopped ones
// from the top; ok is false if there is none.
func (h *timerHeap) next() (when time.Duration, ok bool) {
	for len(h.h) > 0 {
		if e := &h.h[0]; !e.t.stopped {
			return e.when, true
		}
		h.pop()
		h.stopped--
	}
	return 0, false
}

// popDue removes and returns the earliest live timer if it is due by now.
func (h *timerHeap) popDue(now time.Duration) *Timer {
	if when, ok := h.next(); !ok || when > now {
		return nil
	}
	return h.pop()
}

// pop removes and returns the top timer.
func (h *timerHeap) pop() *Timer {
	t := h.h[0].t
	last := len(h.h) - 1
	h.h[0] = h.h[last]
	h.h[last] = timerEntry{}
	h.h = h.h[:last]
	if last > 0 {
		h.down(0)
	}
	t.inHeap = false
	return t
}

// stop notes that a timer in the heap was stopped, and rebuilds the heap
// without the stopped ones once they are most of it.
func (h *timerHeap) stop() {
	h.stopped++
	if h.stopped <= 64 || h.stopped <= len(h.h)/2 {
		return
	}
	live := h.h[:0]
	for _, e := range h.h {
		if e.t.stopped {
			e.t.inHeap = false
		} else {
			live = append(live, e)
		}
	}
	clear(h.h[len(live):])
	h.h, h.stopped = live, 0
	for i := (len(h.h) - 2) / 4; i >= 0; i-- {
		h.down(i)
	}
}

func (h *timerHeap) up(j int) {
	a := h.h
	for j > 0 {
		i := (j - 1) / 4
		if !a[j].less(&a[i]) {
			break
		}
		a[i], a[j] = a[j], a[i]
		j = i
	}
}

func (h *timerHeap) down(i int) {
	a := h.h
	n := len(a)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for k := c + 1; k < c+4 && k < n; k++ {
			if a[k].less(&a[m]) {
				m = k
			}
		}
		if !a[m].less(&a[i]) {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
}
