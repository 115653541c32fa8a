package sched

import (
	"math/bits"
	"slices"
	"sort"
	"time"
	"unsafe"
)

// timerHeap is the loop's pending timers, earliest deadline first, equal
// deadlines in the order they were set. The zero value is empty and ready.
//
// Up to nearMax timers it is a 4-ary min-heap (h), as the runtime's timer heap
// is: half the depth of a binary heap, and a node's children share cache
// lines. The deadline and the order are kept inline in the heap's array, so
// sifting compares without touching the timers themselves.
//
// Past that a heap no longer fits in the caches: with a million timers each
// pop sifted through ten levels of a 24 MB array, a cache miss or two at each,
// and BenchmarkTimers (random deadlines over an hour) cost 3.3 times as much
// per timer at a million as at a thousand (1,254 ns against 377). So the heap
// then holds only the near timers, those due before lim, and the far ones wait
// in the buckets of a ladder queue (Tang, Goh and Thng, 2005). A rung is an
// array of buckets, each the timers due in one slice of the rung's span, in no
// order; setting a far timer appends it to its bucket, or, past the coarsest
// rung, to top, an unsorted list. When the heap runs dry, the earliest
// non-empty bucket of the finest rung becomes the heap; one of more than
// nearMax timers with different deadlines is first cut into a finer rung of
// its own; when the rungs run out, top becomes a rung. A rung's bucket width
// comes from the spread of the deadlines it is made from, so buckets hold
// about perBucket timers whatever the distribution; equal deadlines cannot be
// split, and a bucket of them becomes the heap as it is (as does any bucket at
// maxRungs deep). A heap overflowing with timers set before lim is spilled:
// into top, keeping its earliest nearKeep, if there is no rung yet (a burst of
// timers set at once), else into a new rung finer than the rest. Each timer is
// thus copied a few times in long sequential runs (top, a rung or two), and
// ordered only in a heap of a few hundred.
//
// Near and far are split by deadline alone, so equal deadlines are never on
// both sides, and the heap orders them by the order set as it orders
// everything. The heap is empty only if the far buckets are empty too: the
// loop looks at len(h) to see whether any timer is pending.
//
// A bucket becoming the heap is sorted by counting, latest first (desc), and
// popped from the end; a timer set before lim turns it back into a heap (a
// sorted array is one). That costs a few passes over the bucket, where
// sifting each timer down a heap cost some sixteen unpredictable comparisons.
// And its timers and their callbacks are read on the way in, in a run of loads
// that do not wait for each other: they fire in deadline order, far from the
// order they lie in memory in, and a cache and TLB miss for each as it fired
// was the larger part of what was left of the difference. Measured on a
// 2-core VM (BenchmarkTimers): per timer at a million, 1.36 times the cost at
// a thousand (median of 3; 1.0 to 1.5 over runs, which this does not change),
// against 3.3 with the heap alone; of the saving, reading the timers ahead is
// some 300 ns per timer, reading their callbacks ahead 100 to 200 (without it,
// 1.8 to 2.2 times), sorting rather than sifting 80.
//
// A timer that is stopped is not taken out at once (that needs its position,
// kept up to date by every swap and copy); it stays, marked, until it reaches
// the top or its bucket becomes the heap, as asyncio's cancelled TimerHandles
// do, and everything is rebuilt without the stopped ones when they are more
// than half of it.
type timerHeap struct {
	h       []timerEntry // the near timers: a 4-ary heap, or if desc sorted latest first
	desc    bool
	stopped int // stopped timers still held, near or far
	nearCap int // len(h) may grow to max(nearMax, nearCap) before a spill: a bucket that became h may be bigger

	// When farN > 0: every timer in h is due before lim, every far one at or
	// after it.
	lim  time.Duration
	farN int    // timers in rungs and top
	rung []rung // finest last; each covers the deadlines up to where its coarser neighbour's current bucket starts

	// Far timers due at or after the coarsest rung's end (all of them, if
	// there is no rung), in chunks of topChunk: a million of them are set
	// without ever copying one.
	top            [][]timerEntry
	topMin, topMax time.Duration
	spare          [][]timerEntry // empty chunks kept for top

	counts []int           // scratch for newRung and sortDesc
	whens  []time.Duration // scratch for spill
	sorted []timerEntry    // scratch for sortDesc
	warm   uintptr         // what refill read, kept so that the reads are not optimized away
}

const (
	nearMax   = 4096 // the most timers kept in the heap alone; 96 KB
	nearKeep  = 256  // how many of them a spill into top leaves in the heap
	perBucket = 256  // timers per bucket aimed at when cutting a rung
	maxBucket = 4096 // buckets per rung at most: their counts fit in L1
	maxRungs  = 16   // past this depth a bucket goes to the heap as it is
	topChunk  = 1024 // timers per chunk of top (24 KB)
	maxSpare  = 4    // empty chunks kept for reuse
)

type timerEntry struct {
	when time.Duration
	seq  uint64 // ties between equal deadlines go to the earlier timer
	t    *Timer
}

func (a *timerEntry) less(b *timerEntry) bool {
	return a.when < b.when || a.when == b.when && a.seq < b.seq
}

// A rung's bucket i holds the deadlines from lo + i<<shift up to the next
// bucket's start; the first bucket runs down to wherever the rung's range
// begins, the last up to end.
type rung struct {
	lo      time.Duration
	shift   uint
	end     time.Duration // exclusive
	cur     int           // the earliest bucket not yet taken
	buckets [][]timerEntry
}

func (r *rung) index(when time.Duration) int {
	if when < r.lo { // never: a rung gets no timer due before lim, past its first bucket's start
		return 0
	}
	i := (uint64(when) - uint64(r.lo)) >> r.shift
	if i >= uint64(len(r.buckets)) {
		return len(r.buckets) - 1
	}
	return int(i)
}

func (r *rung) bucketEnd(i int) time.Duration {
	if i == len(r.buckets)-1 {
		return r.end
	}
	return time.Duration(uint64(r.lo) + uint64(i+1)<<r.shift)
}

// push adds t, set as the seq-th timer.
func (h *timerHeap) push(t *Timer, seq uint64) {
	t.inHeap = true
	e := timerEntry{t.when, seq, t}
	if h.farN > 0 && e.when >= h.lim {
		h.pushFar(e)
		return
	}
	if h.desc {
		h.asHeap()
	}
	h.h = append(h.h, e)
	h.up(len(h.h) - 1)
	if len(h.h) > nearMax && len(h.h) > h.nearCap {
		h.spill()
	}
}

func (h *timerHeap) pushFar(e timerEntry) {
	h.farN++
	for i := len(h.rung) - 1; i >= 0; i-- {
		if r := &h.rung[i]; e.when < r.end {
			j := r.index(e.when)
			r.buckets[j] = append(r.buckets[j], e)
			return
		}
	}
	h.pushTop(e)
}

func (h *timerHeap) pushTop(e timerEntry) {
	n := len(h.top)
	if n == 0 {
		h.topMin, h.topMax = e.when, e.when
	} else {
		h.topMin, h.topMax = min(h.topMin, e.when), max(h.topMax, e.when)
	}
	if n == 0 || len(h.top[n-1]) == topChunk {
		var c []timerEntry
		if k := len(h.spare); k > 0 {
			c, h.spare = h.spare[k-1], h.spare[:k-1]
		} else {
			c = make([]timerEntry, 0, topChunk)
		}
		h.top = append(h.top, c)
		n++
	}
	h.top[n-1] = append(h.top[n-1], e)
}

// emptyTop forgets the timers in top, keeping a few chunks for reuse.
func (h *timerHeap) emptyTop() {
	for i, c := range h.top {
		if len(h.spare) < maxSpare {
			clear(c)
			h.spare = append(h.spare, c[:0])
		}
		h.top[i] = nil
	}
	h.top = h.top[:0]
}

// next returns the deadline of the earliest live timer, dropping stopped ones
// from the top; ok is false if there is none.
func (h *timerHeap) next() (when time.Duration, ok bool) {
	for len(h.h) > 0 {
		i := 0
		if h.desc {
			i = len(h.h) - 1
		}
		if e := &h.h[i]; !e.t.stopped {
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
	last := len(h.h) - 1
	var t *Timer
	if h.desc {
		t = h.h[last].t
		h.h[last] = timerEntry{}
		h.h = h.h[:last]
	} else {
		t = h.h[0].t
		h.h[0] = h.h[last]
		h.h[last] = timerEntry{}
		h.h = h.h[:last]
		if last > 0 {
			h.down(0)
		}
	}
	if last == 0 && h.farN > 0 {
		h.refill()
	}
	t.inHeap = false
	return t
}

// asHeap turns h sorted latest first into a heap: sorted earliest first.
func (h *timerHeap) asHeap() {
	slices.Reverse(h.h)
	h.desc = false
}

// stop notes that a timer held was stopped, and rebuilds everything without
// the stopped ones once they are most of it.
func (h *timerHeap) stop() {
	h.stopped++
	if h.stopped <= 64 || h.stopped <= (len(h.h)+h.farN)/2 {
		return
	}
	if h.desc {
		h.asHeap()
	}
	h.h = dropStopped(h.h)
	h.heapify()
	h.farN = 0
	for i := range h.rung {
		r := &h.rung[i]
		for j := r.cur; j < len(r.buckets); j++ {
			r.buckets[j] = dropStopped(r.buckets[j])
			h.farN += len(r.buckets[j])
		}
	}
	for i, c := range h.top {
		h.top[i] = dropStopped(c)
		h.farN += len(h.top[i])
	}
	h.stopped = 0
	if len(h.h) == 0 || h.farN == 0 {
		h.refill()
	}
}

// dropStopped removes the stopped timers from s in place.
func dropStopped(s []timerEntry) []timerEntry {
	live := s[:0]
	for _, e := range s {
		if e.t.stopped {
			e.t.inHeap = false
		} else {
			live = append(live, e)
		}
	}
	clear(s[len(live):])
	return live
}

// spill makes room in the heap, grown past its bound. With no rung (timers
// set in a burst, before any has fired) it keeps the earliest nearKeep or so
// and moves the rest to top, where setting more is a mere append; else it
// moves the heap into a new finest rung and takes the earliest bucket of that
// back. If the deadlines in the heap are all the same (or the rungs are as
// deep as they go) the bound doubles instead.
func (h *timerHeap) spill() {
	// (h is a heap here: a push made it one.)
	lo, hi := spread(h.h)
	if lo == hi || len(h.rung) == maxRungs {
		h.nearCap = 2 * len(h.h)
		return
	}
	if len(h.rung) == 0 {
		whens := h.whens[:0]
		for i := range h.h {
			whens = append(whens, h.h[i].when)
		}
		slices.Sort(whens)
		// Keep the timers due before cut: nearKeep of them at most, and at
		// least those due at lo.
		cut := whens[nearKeep]
		if cut == lo {
			cut = whens[sort.Search(len(whens), func(i int) bool { return whens[i] > lo })]
		}
		h.whens = whens
		near := h.h[:0]
		for _, e := range h.h {
			if e.when < cut {
				near = append(near, e)
			} else {
				h.pushTop(e)
			}
		}
		clear(h.h[len(near):])
		h.farN += len(h.h) - len(near)
		h.h, h.lim = near, cut
		h.heapify()
		return
	}
	// Timers set before lim are likely to keep coming: room for them.
	h.newRung([][]timerEntry{h.h}, len(h.h), lo, hi, h.lim, uint64(min(len(h.h)/16, maxBucket)))
	h.farN += len(h.h)
	clear(h.h)
	h.h = h.h[:0]
	h.refill()
}

// refill makes the earliest far bucket the heap, which is empty, cutting it
// into a finer rung first if it is too big; and forgets the rungs once the far
// timers are gone.
func (h *timerHeap) refill() {
	for len(h.h) == 0 && h.farN > 0 {
		if len(h.rung) == 0 {
			h.newRung(h.top, h.farN, h.topMin, h.topMax, h.topMax+1, buckets(h.farN))
			h.emptyTop()
			continue
		}
		r := &h.rung[len(h.rung)-1]
		for r.cur < len(r.buckets) && len(r.buckets[r.cur]) == 0 {
			r.buckets[r.cur] = nil
			r.cur++
		}
		if r.cur == len(r.buckets) {
			h.rung[len(h.rung)-1] = rung{}
			h.rung = h.rung[:len(h.rung)-1]
			continue
		}
		b, end := r.buckets[r.cur], r.bucketEnd(r.cur)
		r.buckets[r.cur] = nil
		r.cur++
		if len(b) > nearMax && len(h.rung) < maxRungs {
			if lo, hi := spread(b); lo < hi {
				h.newRung([][]timerEntry{b}, len(b), lo, hi, end, buckets(len(b)))
				clear(b) // b's array may be shared with other buckets still held
				continue
			}
		}
		// Looking at each timer here (and at its callback), in a run of
		// loads that do not wait for each other, brings them into the cache
		// before they fire one by one, in an order unrelated to where they lie
		// in memory: else each is a cache and TLB miss of its own when it
		// fires.
		var w uintptr
		for _, e := range b {
			if e.t.stopped {
				e.t.inHeap = false
				h.stopped--
			} else {
				w += warm(e.t)
				h.h = append(h.h, e)
			}
		}
		h.warm = w
		clear(b)
		h.farN -= len(b)
		h.lim = end
		h.nearCap = 2 * len(b)
		h.sortDesc()
	}
	if h.farN == 0 {
		clear(h.rung)
		h.rung = h.rung[:0]
		h.emptyTop()
	}
}

// sortDesc sorts h latest first, as a bucket that becomes the heap is: by
// counting, into as many slices of the deadlines' spread as there are timers,
// then each slice (a timer or two, mostly) by comparison. Sifting each timer
// down a heap costs some 16 unpredictable comparisons; this, a few passes
// over the timers.
func (h *timerHeap) sortDesc() {
	a := h.h
	h.desc = true
	if len(a) < 2 {
		return
	}
	lo, hi := spread(a)
	span := uint64(hi) - uint64(lo) + 1 // hi < never: no overflow
	n := min(uint64(len(a)), span)
	shift := uint(bits.Len64((span - 1) / n))
	n = (span-1)>>shift + 1
	slot := func(when time.Duration) uint64 { return n - 1 - (uint64(when)-uint64(lo))>>shift }
	counts := slices.Grow(h.counts[:0], int(n)+1)[:n+1]
	clear(counts)
	for i := range a {
		counts[slot(a[i].when)+1]++
	}
	for i := 1; i <= int(n); i++ {
		counts[i] += counts[i-1]
	}
	b := slices.Grow(h.sorted[:0], len(a))[:len(a)]
	for i := range a {
		j := slot(a[i].when)
		b[counts[j]] = a[i]
		counts[j]++
	}
	start := 0
	for _, end := range counts[:n] {
		if s := b[start:end]; len(s) > 16 {
			slices.SortFunc(s, func(x, y timerEntry) int {
				if y.less(&x) {
					return -1
				}
				return 1
			})
		} else {
			for i := 1; i < len(s); i++ {
				for j := i; j > 0 && s[j-1].less(&s[j]); j-- {
					s[j-1], s[j] = s[j], s[j-1]
				}
			}
		}
		start = end
	}
	clear(a)
	h.h, h.sorted, h.counts = b, a[:0], counts
}

// warm reads the word a callback's closure starts with (its code), which
// calling the callback reads first. A func value is a pointer to its closure,
// whose first word is its code (Go's internal ABI; reflect.Value.Pointer reads
// it the same way, but through enough code to keep the reads from
// overlapping, which is their point: measured, reflect saved nothing). The
// read is of memory the func value points to, so it is safe whatever the
// layout; only its benefit depends on it.
func warm(t *Timer) uintptr {
	if f, ok := t.r.(callback); ok && f != nil {
		return **(**uintptr)(unsafe.Pointer(&f))
	}
	return 0
}

// spread returns the earliest and latest deadlines in s, which is not empty.
func spread(s []timerEntry) (lo, hi time.Duration) {
	lo, hi = s[0].when, s[0].when
	for i := range s {
		lo, hi = min(lo, s[i].when), max(hi, s[i].when)
	}
	return lo, hi
}

// newRung adds a finest rung holding the timers in src, size of them, whose
// deadlines run from lo to hi (both included), for the deadlines before end.
// It cuts lo..hi into at most n buckets of a power-of-two width and sorts the
// timers into them by counting: one array for all, each bucket a slice of it
// with no room to grow in place, so that a timer set later moves only its own
// bucket.
func (h *timerHeap) newRung(src [][]timerEntry, size int, lo, hi, end time.Duration, n uint64) {
	span := uint64(hi) - uint64(lo) + 1 // hi < never: no overflow
	n = min(n, span)
	width := (span-1)/n + 1
	shift := uint(bits.Len64(width - 1))
	n = (span-1)>>shift + 1
	r := rung{lo: lo, shift: shift, end: end, buckets: make([][]timerEntry, n)}

	counts := slices.Grow(h.counts[:0], int(n)+1)[:n+1]
	clear(counts)
	for _, s := range src {
		for i := range s {
			counts[r.index(s[i].when)+1]++
		}
	}
	for i := 1; i <= int(n); i++ {
		counts[i] += counts[i-1]
	}
	all := make([]timerEntry, size)
	for _, s := range src {
		for i := range s {
			j := r.index(s[i].when)
			all[counts[j]] = s[i]
			counts[j]++
		}
	}
	start := 0
	for i := range r.buckets {
		if end := counts[i]; end > start {
			r.buckets[i] = all[start:end:end]
			start = end
		}
	}
	h.counts = counts
	h.rung = append(h.rung, r)
}

// buckets is how many buckets to cut n timers into.
func buckets(n int) uint64 { return uint64(min(max(n/perBucket, 1), maxBucket)) }

func (h *timerHeap) heapify() {
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
