package sched

import (
	"fmt"
	"math"
	"time"

	"github.com/corio-go/corio/coro"
)

// Timer is a callback scheduled by [Loop.AfterFunc]. Its methods are for the
// loop's goroutine (its callbacks and tasks).
type Timer struct {
	loop    *Loop
	r       runner        // what runs when it fires
	when    time.Duration // on the loop's clock: time since the loop started
	seq     uint64        // ties between equal deadlines go to the earlier timer
	index   int           // in loop.timers; -1 once out of the heap
	stopped bool
	fired   bool
	never   bool // its deadline lies past the end of the clock
}

// Stop prevents the timer's callback from running and reports whether it did:
// false if the callback has run (or is running) or the timer was stopped
// already. Python: TimerHandle.cancel.
func (t *Timer) Stop() bool {
	if t.stopped || t.fired {
		return false
	}
	t.stopped = true
	if t.index >= 0 {
		t.loop.timers.remove(t.index)
	}
	return true
}

func (t *Timer) run() {
	if t.stopped {
		return
	}
	t.fired = true
	if t.loop.trace != nil {
		t.loop.event("timer fired", "due", t.when, "for", describeWaiter(t.r))
	}
	t.r.run()
}

// AfterFunc arranges for fn to run on the loop once d has passed on the loop's
// clock: asyncio's call_later. The timer is due at Now()+d even for d <= 0, so
// it runs after the callbacks already ready, with due timers in deadline order
// (equal deadlines in the order they were set). Call it from the loop's
// goroutine; other goroutines use [Loop.CallSoonThreadsafe]. A pending timer
// keeps the loop alive, except one whose deadline lies past the end of the
// loop's clock (Now()+d overflows, as with math.MaxInt64): that one never
// fires, and the loop does not wait for it. AfterFunc on a closed loop panics,
// as call_later raises.
func (l *Loop) AfterFunc(d time.Duration, fn func()) *Timer {
	switch {
	case fn == nil:
		panic("sched.AfterFunc: nil func")
	case l.closed:
		panic("sched.AfterFunc: " + ErrClosed.Error())
	}
	t := &Timer{}
	l.startTimer(t, d, callback(fn))
	return t
}

// soonTimer returns a stoppable timer already on the ready queue: asyncio's
// call_soon handle, for a deadline that has passed.
func (l *Loop) soonTimer(r runner) *Timer {
	t := &Timer{loop: l, r: r, index: -1}
	l.callSoon(t)
	return t
}

// never is the deadline of a timer whose delay goes past the end of the
// loop's clock (time.Duration's range): such a timer is never put in the heap,
// so it never fires and does not keep the loop alive.
const never = time.Duration(math.MaxInt64)

// startTimer sets t to run r once d has passed. A deadline past the end of the
// clock saturates to never rather than wrapping round into the past.
func (l *Loop) startTimer(t *Timer, d time.Duration, r runner) {
	l.timerSeq++
	now := l.elapsed()
	if d > never-now {
		*t = Timer{loop: l, r: r, when: never, seq: l.timerSeq, index: -1, never: true}
		return
	}
	*t = Timer{loop: l, r: r, when: now + d, seq: l.timerSeq}
	l.timers.push(t)
	if l.trace != nil {
		l.event("timer set", "due", t.when)
	}
}

// Sleep suspends the calling task for d on its loop's clock: asyncio.sleep. A
// d <= 0 yields to the loop once, letting every other ready task run (Python's
// sleep(0)); under a driver other than sched's it is a bare yield. Sleep returns
// nil, or the error a cancellation throws at it (matching context.Canceled).
func Sleep(co *coro.Co, d time.Duration) error {
	if d <= 0 {
		_, err := co.Suspend(nil)
		return err
	}
	l := LoopOf(co)
	if l == nil {
		return errNoLoop
	}
	s := &sleeper{}
	l.startTimer(&s.t, d, s)
	for s.st == pending {
		if _, err := co.Suspend(s); err != nil {
			s.t.Stop()
			return err
		}
	}
	if s.st == cancelled {
		return ErrCancelled
	}
	return nil
}

// sleeper is what Sleep waits on: asyncio's sleep sets a future's result from a
// call_later; here the timer and the future are one small allocation, since a
// million sleeping tasks hold a million of them.
type sleeper struct {
	t   Timer
	st  futureState
	cbs callbacks
}

// run is the timer firing: the sleep is over.
func (s *sleeper) run() {
	if s.st == pending {
		s.st = finished
		s.cbs.schedule(s.t.loop)
	}
}

func (s *sleeper) AddDoneCallback(fn func()) { s.addRunner(callback(fn)) }

func (s *sleeper) addRunner(r runner) { s.cbs.add(s.t.loop, s.st != pending, r) }

// Cancel ends the sleep by cancellation, as cancelling asyncio's sleep future
// does.
func (s *sleeper) Cancel() bool {
	if s.st != pending {
		return false
	}
	s.st = cancelled
	s.t.Stop()
	s.cbs.schedule(s.t.loop)
	return true
}

// String names the wait for deadlock reports.
func (s *sleeper) String() string {
	if s.t.never {
		return "Sleep (due never)"
	}
	return fmt.Sprintf("Sleep (due at +%v)", s.t.when)
}

// timerHeap is a binary min-heap of timers by (when, seq).
type timerHeap []*Timer

func (h timerHeap) less(i, j int) bool {
	a, b := h[i], h[j]
	return a.when < b.when || a.when == b.when && a.seq < b.seq
}

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) push(t *Timer) {
	t.index = len(*h)
	*h = append(*h, t)
	h.up(t.index)
}

// pop removes and returns the earliest timer.
func (h *timerHeap) pop() *Timer {
	return h.remove(0)
}

func (h *timerHeap) remove(i int) *Timer {
	old := *h
	n := len(old) - 1
	t := old[i]
	if i != n {
		old.swap(i, n)
	}
	old[n] = nil
	*h = old[:n]
	if i != n {
		if !h.down(i) {
			h.up(i)
		}
	}
	t.index = -1
	return t
}

func (h timerHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

func (h timerHeap) down(i0 int) bool {
	i, n := i0, len(h)
	for {
		j := 2*i + 1
		if j >= n || j < 0 {
			break
		}
		if j2 := j + 1; j2 < n && h.less(j2, j) {
			j = j2
		}
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		i = j
	}
	return i > i0
}
