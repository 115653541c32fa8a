package sched

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
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
				t.Fatalf("seed %d: %d stopped timers in a heap of %d", seed, h.stopped, len(h.h)+h.farN)
			}
		}
	}
}

// heapDriver sets, stops and pops timers on a loop's timerHeap as the loop
// does (stops through Timer.Stop, popped timers run later unless stopped
// first), and checks every answer against a reference that could hardly be
// wrong: every timer set and not yet popped, sorted by (deadline, order set),
// the stopped ones skipped. After every operation it checks the structure's
// invariants too.
type heapDriver struct {
	l       *Loop
	seq     uint64
	pending []heapRef // set and not popped, in no order unless sorted
	sorted  bool
	set     []*Timer // every timer set, for stopping at random
	ready   []*Timer // popped, to run
	ran     int      // callbacks run
	now     time.Duration
}

type ranCounter int

func (c *ranCounter) run() { *c++ }

type heapRef struct {
	when time.Duration
	seq  uint64
	t    *Timer
}

func newHeapDriver() *heapDriver { return &heapDriver{l: &Loop{}} }

func (d *heapDriver) push(when time.Duration) {
	d.seq++
	t := &Timer{loop: d.l, when: when, r: callback(func() { d.ran++ })}
	if d.seq%4 == 0 {
		t.r = (*ranCounter)(&d.ran) // a runner that is not a callback
	}
	d.l.timers.push(t, d.seq)
	d.pending = append(d.pending, heapRef{when, d.seq, t})
	d.sorted = false
	d.set = append(d.set, t)
}

// want returns the earliest live timer of the reference, dropping the
// stopped ones before it.
func (d *heapDriver) want() (heapRef, bool) {
	if !d.sorted {
		d.pending = slices.DeleteFunc(d.pending, func(r heapRef) bool { return r.t.stopped })
		slices.SortFunc(d.pending, func(a, b heapRef) int {
			return cmp.Or(cmp.Compare(a.when, b.when), cmp.Compare(a.seq, b.seq))
		})
		d.sorted = true
	}
	for len(d.pending) > 0 && d.pending[0].t.stopped {
		d.pending = d.pending[1:]
	}
	if len(d.pending) == 0 {
		return heapRef{}, false
	}
	return d.pending[0], true
}

func (d *heapDriver) next() error {
	when, ok := d.l.timers.next()
	w, wok := d.want()
	if ok != wok || ok && when != w.when {
		return fmt.Errorf("next() = %v, %v; want %v, %v", when, ok, w.when, wok)
	}
	return nil
}

// popDue pops what is due by now, and moves the clock to now unless that
// is back in time or the end of time.
func (d *heapDriver) popDue(now time.Duration) error {
	if now < never {
		d.now = max(d.now, now)
	}
	for {
		got := d.l.timers.popDue(now)
		w, ok := d.want()
		if !ok || w.when > now {
			if got != nil {
				return fmt.Errorf("popDue(%v) = the timer due at %v set %v; want none (next due %v)", now, got.when, d.seqOf(got), w.when)
			}
			return nil
		}
		if got != w.t {
			if got == nil {
				return fmt.Errorf("popDue(%v) = nil; want the timer due at %v set %d", now, w.when, w.seq)
			}
			return fmt.Errorf("popDue(%v) = the timer due at %v set %d; want the one due at %v set %d", now, got.when, d.seqOf(got), w.when, w.seq)
		}
		if got.inHeap {
			return fmt.Errorf("popDue(%v) returned a timer still marked inHeap", now)
		}
		d.pending = d.pending[1:]
		d.ready = append(d.ready, got)
	}
}

func (d *heapDriver) seqOf(t *Timer) uint64 {
	for _, r := range d.pending {
		if r.t == t {
			return r.seq
		}
	}
	return 0
}

// run runs the popped timers, as the loop's next step would, and checks that
// their callbacks ran unless they were stopped.
func (d *heapDriver) run() error {
	want := d.ran
	for _, t := range d.ready {
		if !t.stopped {
			want++
		}
		t.run()
	}
	d.ready = d.ready[:0]
	if d.ran != want {
		return fmt.Errorf("%d callbacks ran; want %d", d.ran, want)
	}
	return nil
}

func (d *heapDriver) stop(i int) {
	t := d.set[i]
	t.Stop()
	d.set[i] = d.set[len(d.set)-1]
	d.set = d.set[:len(d.set)-1]
}

// check verifies what the timer structure promises itself: the heap order;
// the heap empty only if everything is; everything held set and not fired
// (and, if dedup, held once); the counts right; the near timers before lim and the far ones
// at or after it, each rung's timers in the bucket their deadline names,
// finer rungs before coarser ones and top after them all.
func (h *timerHeap) check(dedup bool) error {
	for i := 1; i < len(h.h); i++ {
		if h.desc && h.h[i-1].less(&h.h[i]) {
			return fmt.Errorf("descending order broken at %d", i)
		}
		if !h.desc && h.h[i].less(&h.h[(i-1)/4]) {
			return fmt.Errorf("heap order broken at %d", i)
		}
	}
	if len(h.h) == 0 && h.farN > 0 {
		return fmt.Errorf("heap empty with %d far timers", h.farN)
	}
	var seen map[*Timer]bool
	if dedup {
		seen = map[*Timer]bool{}
	}
	stopped := 0
	entry := func(e timerEntry, where string) error {
		switch {
		case seen[e.t]:
			return fmt.Errorf("a timer held twice (%s)", where)
		case !e.t.inHeap:
			return fmt.Errorf("a timer held (%s) not marked inHeap", where)
		case e.t.fired:
			return fmt.Errorf("a fired timer held (%s)", where)
		case e.t.when != e.when:
			return fmt.Errorf("entry due %v for a timer due %v (%s)", e.when, e.t.when, where)
		}
		if dedup {
			seen[e.t] = true
		}
		if e.t.stopped {
			stopped++
		}
		return nil
	}
	for _, e := range h.h {
		if err := entry(e, "near"); err != nil {
			return err
		}
		if h.farN > 0 && e.when >= h.lim {
			return fmt.Errorf("near timer due %v at or after lim %v", e.when, h.lim)
		}
	}
	far := 0
	for i := range h.rung {
		r := &h.rung[i]
		for j, b := range r.buckets {
			if j < r.cur && len(b) > 0 {
				return fmt.Errorf("rung %d: bucket %d taken but holds %d", i, j, len(b))
			}
			for _, e := range b {
				if err := entry(e, fmt.Sprintf("rung %d bucket %d", i, j)); err != nil {
					return err
				}
				far++
				switch {
				case e.when < h.lim:
					return fmt.Errorf("rung %d: timer due %v before lim %v", i, e.when, h.lim)
				case e.when >= r.end:
					return fmt.Errorf("rung %d: timer due %v at or after its end %v", i, e.when, r.end)
				case r.index(e.when) != j:
					return fmt.Errorf("rung %d: timer due %v in bucket %d, not %d", i, e.when, j, r.index(e.when))
				case i+1 < len(h.rung) && e.when < h.rung[i+1].end:
					return fmt.Errorf("rung %d: timer due %v before the end %v of the finer rung", i, e.when, h.rung[i+1].end)
				}
			}
		}
	}
	for _, c := range h.top {
		for _, e := range c {
			if err := entry(e, "top"); err != nil {
				return err
			}
			far++
			switch {
			case e.when < h.lim:
				return fmt.Errorf("top: timer due %v before lim %v", e.when, h.lim)
			case len(h.rung) > 0 && e.when < h.rung[0].end:
				return fmt.Errorf("top: timer due %v before the end %v of the coarsest rung", e.when, h.rung[0].end)
			case e.when < h.topMin || e.when > h.topMax:
				return fmt.Errorf("top: timer due %v outside %v..%v", e.when, h.topMin, h.topMax)
			}
		}
	}
	if far != h.farN {
		return fmt.Errorf("%d far timers counted as %d", far, h.farN)
	}
	if stopped != h.stopped {
		return fmt.Errorf("%d stopped timers held counted as %d", stopped, h.stopped)
	}
	return nil
}

// setAfter sets a timer d after the driver's clock, as Loop.startTimer does: a
// deadline past the end of the clock is never set.
func (d *heapDriver) setAfter(delay time.Duration) {
	if delay > never-d.now {
		return
	}
	d.push(d.now + delay)
}

// delay makes delays of several kinds: to equal deadlines, past ones, far
// ones, ones at the ends of time.Duration's range, to one fixed instant.
func (d *heapDriver) delay(r *rand.Rand, kind int) time.Duration {
	switch kind {
	case 0: // many equal deadlines
		return time.Duration(r.IntN(8))
	case 1: // spread over an hour
		return time.Duration(r.Int64N(int64(time.Hour)))
	case 2: // in the past
		return -time.Duration(r.Int64N(int64(time.Hour)))
	case 3: // one instant
		return time.Second
	case 4: // just before the end of the clock (never - 1 is the latest a timer is set for)
		return never - 1 - d.now - time.Duration(r.IntN(1000))
	case 5: // at the start of time.Duration's range
		return math.MinInt64 + time.Duration(r.IntN(1000))
	case 6: // anywhere (the clock's end too)
		return time.Duration(r.Int64N(math.MaxInt64)) - time.Duration(r.Int64N(math.MaxInt64)) - time.Duration(r.IntN(2))
	default: // a cluster far off, with a few strays
		if r.IntN(100) == 0 {
			return time.Duration(r.Int64N(int64(1000 * time.Hour)))
		}
		return time.Hour + time.Duration(r.IntN(1000))*time.Microsecond
	}
}

const deadlineKinds = 8

// The structure against the reference, at random: bursts of up to 12,000
// timers of one kind of deadline or of several, stops of a few or of most,
// pops at each next deadline, a little later or of everything.
func TestTimerHeapDifferential(t *testing.T) {
	seeds, rounds := 12, 60
	if testing.Short() {
		seeds, rounds = 4, 40
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		if err := runHeapDriver(seed, rounds); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

func runHeapDriver(seed uint64, rounds int) error {
	r := rand.New(rand.NewPCG(seed, 0x7173))
	d := newHeapDriver()
	for round := range rounds {
		var err error
		switch op := r.IntN(10); {
		case op < 3: // a burst
			n := 1 + r.IntN(12_000)
			if r.IntN(3) == 0 {
				n = 1 + r.IntN(100)
			}
			kind, mixed := r.IntN(deadlineKinds), r.IntN(4) == 0
			for range n {
				if mixed {
					kind = r.IntN(deadlineKinds)
				}
				d.setAfter(d.delay(r, kind))
			}
		case op < 5 && len(d.set) > 0: // stops
			n := 1 + r.IntN(len(d.set))
			if r.IntN(2) == 0 {
				n = 1 + r.IntN(min(len(d.set), 50))
			}
			for range n {
				d.stop(r.IntN(len(d.set)))
			}
		case op < 6:
			err = d.next()
		case op < 9: // pop what is due at the next deadline, or a little later
			when, ok := d.l.timers.next()
			if !ok {
				continue
			}
			if r.IntN(2) == 0 && when < never-time.Hour {
				when += time.Duration(r.Int64N(int64(time.Hour)))
			}
			// Pop in slices, setting timers in between as callbacks would.
			err = d.popDue(when)
			for i := 0; err == nil && i < r.IntN(5); i++ {
				d.setAfter(d.delay(r, r.IntN(deadlineKinds)))
				err = d.popDue(when)
			}
			// Some popped timers are stopped before they run.
			for i := 0; i < len(d.ready) && r.IntN(4) == 0; i++ {
				d.ready[r.IntN(len(d.ready))].Stop()
			}
			if err == nil {
				err = d.run()
			}
		default: // everything
			if err = d.popDue(never); err == nil {
				err = d.run()
			}
		}
		if err == nil {
			err = d.l.timers.check(round%5 == 0)
		}
		if err != nil {
			return fmt.Errorf("round %d: %v", round, err)
		}
	}
	// Drain: everything left comes out in order.
	if err := d.popDue(never); err != nil {
		return fmt.Errorf("drain: %v", err)
	}
	if _, ok := d.l.timers.next(); ok || len(d.l.timers.h) > 0 || d.l.timers.farN > 0 {
		return fmt.Errorf("after the drain: %d near, %d far", len(d.l.timers.h), d.l.timers.farN)
	}
	return nil
}

// FuzzTimerHeap runs programs of the heapDriver's operations: each op is a
// byte (its low 3 bits the operation) followed by its operands.
func FuzzTimerHeap(f *testing.F) {
	f.Add([]byte{0, 0x10, 0x20, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{0, 0x11, 0x00, 3, 0x40, 0, 0x12, 0x00, 1, 6, 2, 0x80, 4, 7, 3, 0x10})
	f.Add([]byte{0, 0x20, 0x00, 6, 3, 0x7f, 5, 0, 0x01, 0x00, 4, 2, 0xff, 4, 5, 7})
	f.Fuzz(func(t *testing.T, prog []byte) {
		d := newHeapDriver()
		r := rand.New(rand.NewPCG(uint64(len(prog)), 1))
		for len(prog) > 0 {
			op := prog[0]
			prog = prog[1:]
			arg := func() int {
				if len(prog) == 0 {
					return 0
				}
				b := prog[0]
				prog = prog[1:]
				return int(b)
			}
			var err error
			switch op & 7 {
			case 0: // a burst: count (2 bytes, to 8,191), kind
				var buf [2]byte
				buf[0], buf[1] = byte(arg()), byte(arg())
				n := int(binary.BigEndian.Uint16(buf[:]) & 0x1fff)
				kind := arg() % deadlineKinds
				for range n {
					d.setAfter(d.delay(r, kind))
				}
			case 1: // one timer: kind
				d.setAfter(d.delay(r, arg()%deadlineKinds))
			case 2: // stop some: count
				for n := arg(); n > 0 && len(d.set) > 0; n-- {
					d.stop(r.IntN(len(d.set)))
				}
			case 3: // stop all but 1 in n: n
				n := arg() + 1
				for i := len(d.set) - 1; i >= 0; i-- {
					if i%n != 0 {
						d.stop(i)
					}
				}
			case 4:
				err = d.next()
			case 5: // pop at the next deadline
				if when, ok := d.l.timers.next(); ok {
					if err = d.popDue(when); err == nil {
						err = d.run()
					}
				}
			case 6: // pop at now + arg seconds
				if err = d.popDue(d.now + min(time.Duration(arg())*time.Second, never-1-d.now)); err == nil {
					err = d.run()
				}
			default:
				if err = d.popDue(never); err == nil {
					err = d.run()
				}
			}
			if err == nil {
				err = d.l.timers.check(true)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Deadlines clustered at every scale (a pile at one instant and one timer at
// each power of 16 past it, behind a spread of others) make every bucket taken
// too big to be the heap and yet spread, so that rungs are cut finer and
// finer; the pile then becomes the heap as it is. The order stays the
// reference's.
func TestTimerHeapFinerRungs(t *testing.T) {
	d := newHeapDriver()
	const base = 2_000_000_000_000
	for i := range nearMax + 1 {
		d.setAfter(1_000_000_000_000 + time.Duration(i))
	}
	for range nearMax + 1 {
		d.setAfter(base)
	}
	for k := range 16 {
		d.setAfter(base + 1<<(4*k))
	}
	deepest := 0
	for i := 0; ; i++ {
		when, ok := d.l.timers.next()
		if !ok {
			break
		}
		if err := d.popDue(when); err != nil {
			t.Fatal(err)
		}
		if err := d.run(); err != nil {
			t.Fatal(err)
		}
		deepest = max(deepest, len(d.l.timers.rung))
		if i%100 == 0 {
			if err := d.l.timers.check(false); err != nil {
				t.Fatal(err)
			}
		}
	}
	if deepest <= 8 {
		t.Errorf("rungs at most %d deep; want more than 8", deepest)
	}
}

// Heaps overflowing again and again with timers due before lim, each further
// back, would make a new rung each; past maxRungs the heap grows instead.
// And at that depth a bucket too big for the heap becomes the heap all the
// same. The order stays the reference's.
func TestTimerHeapMaxRungs(t *testing.T) {
	d := newHeapDriver()
	h := &d.l.timers
	for i := range 2 * (nearMax + 1) {
		d.setAfter(time.Duration(i) * time.Second)
	}
	for len(h.rung) == 0 {
		when, _ := h.next()
		if err := d.popDue(when); err != nil {
			t.Fatal(err)
		}
	}
	for round := 0; len(h.rung) < maxRungs; round++ {
		if round == maxRungs {
			t.Fatalf("%d rungs after %d spills", len(h.rung), round)
		}
		lim := h.lim
		for i := range nearMax + 1 {
			d.push(lim - 1 - time.Duration(i)<<20)
		}
		if err := h.check(true); err != nil {
			t.Fatal(err)
		}
	}
	n := len(h.h)
	lim := h.lim
	for i := range nearMax + 1 {
		d.push(lim - 1 - time.Duration(i)<<20)
	}
	if len(h.rung) != maxRungs || len(h.h) != n+nearMax+1 {
		t.Fatalf("at the deepest, a spill made %d rungs and a heap of %d; want %d and %d", len(h.rung), len(h.h), maxRungs, n+nearMax+1)
	}
	// Fill the finest rung's next bucket.
	r := &h.rung[len(h.rung)-1]
	start := h.lim
	for i := range nearMax + 1 {
		d.push(start + time.Duration(i)%(r.bucketEnd(r.cur)-start))
	}
	if len(r.buckets[r.cur]) <= nearMax {
		t.Fatalf("the next bucket holds %d", len(r.buckets[r.cur]))
	}
	biggest := 0
	for {
		when, ok := h.next()
		if !ok {
			break
		}
		if len(h.rung) == maxRungs {
			biggest = max(biggest, len(h.h))
		}
		if err := d.popDue(when); err != nil {
			t.Fatal(err)
		}
		if err := d.run(); err != nil {
			t.Fatal(err)
		}
	}
	if biggest <= nearMax {
		t.Errorf("at the deepest, the heap held %d at most; want the bucket of more than %d", biggest, nearMax)
	}
	if err := h.check(true); err != nil {
		t.Fatal(err)
	}
}
