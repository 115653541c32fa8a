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
	inHeap  bool          // in loop.timers (a stopped one stays until the timers drop it: see timerHeap)
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
	if t.inHeap {
		t.loop.timers.stop()
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
	t := &Timer{loop: l, r: r}
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
		*t = Timer{loop: l, r: r, when: never, never: true}
		return
	}
	if l.sim != nil && l.jitter > 0 {
		d += l.sim.lateness(l.jitter) // never early: only ever later
		if d > never-now {
			d = never - now - 1
		}
	}
	*t = Timer{loop: l, r: r, when: now + d}
	l.timers.push(t, l.timerSeq)
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
	// The wait is here rather than in a helper SleepUntil could share: a
	// million sleeping tasks are a million suspended stacks, and every frame
	// on them is one more for the collector to walk.
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

// SleepUntil suspends the calling task until the loop's clock reaches t:
// Trio's sleep_until. Unlike Sleep(co, t.Sub(l.Now())), a deadline that has
// already passed still goes through the loop's timers, so tasks whose
// deadlines have passed wake in deadline order, as if the loop had been on
// time: a schedule of absolute deadlines keeps its order on a busy machine,
// and its error does not add up over many sleeps. It returns nil, or the error
// a cancellation throws at it.
func SleepUntil(co *coro.Co, t time.Time) error {
	l := LoopOf(co)
	if l == nil {
		return errNoLoop
	}
	if d := t.Sub(l.Now()); d > 0 {
		return Sleep(co, d)
	}
	f := NewFutureOn[struct{}](l)
	h := l.AfterFunc(t.Sub(l.Now()), func() { f.SetResult(struct{}{}) }) // due in the past
	_, err := f.Await(co)
	h.Stop()
	return err
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
