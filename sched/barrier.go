package sched

import (
	"errors"
	"fmt"

	"github.com/corio-go/corio/coro"
)

// ErrBrokenBarrier is returned by Barrier.Wait when the barrier is aborted, or
// reset while the task waits in it. Test it with errors.Is. Python:
// asyncio.BrokenBarrierError.
var ErrBrokenBarrier = errors.New("sched: barrier broken")

type barrierState uint8

const (
	barrierFilling barrierState = iota
	barrierDraining
	barrierResetting
	barrierBroken
)

// Barrier makes a fixed number of tasks wait for each other: asyncio.Barrier
// (Python 3.11). Each task's Wait suspends until parties tasks are waiting;
// then all are released together, and the barrier can be used again.
//
// Create one with [NewBarrier]; the zero value is not usable. A Barrier is
// bound to the loop of the first task that waits on it; it must not be copied,
// and is for the loop's goroutine and its tasks only.
type Barrier struct {
	cond    Condition
	parties int
	state   barrierState
	count   int // tasks inside Wait, past the blocking stage
}

// NewBarrier returns a barrier for parties tasks. It panics if parties < 1
// (Python raises ValueError).
func NewBarrier(parties int) *Barrier {
	if parties < 1 {
		panic("sched.NewBarrier: parties must be > 0")
	}
	return &Barrier{parties: parties}
}

// Wait suspends the task until parties tasks wait on the barrier, and returns
// an index unique among them, from 0 to parties-1 (the last to arrive gets
// parties-1 and does not suspend). Tasks arriving while the barrier drains
// (the released tasks are still leaving) or resets wait for that to finish
// first. Wait returns ErrBrokenBarrier if the barrier is broken (Abort) or is
// reset while the task waits in it, and the cancellation error if the task is
// cancelled.
func (b *Barrier) Wait(co *coro.Co) (int, error) {
	if err := b.cond.Acquire(co); err != nil {
		return 0, err
	}
	held := true
	defer func() {
		if held {
			b.cond.Release()
		}
	}()
	// Block while the barrier drains or resets.
	held, err := b.cond.waitFor(co, func() bool {
		return b.state != barrierDraining && b.state != barrierResetting
	})
	if err != nil {
		return 0, err
	}
	if b.state == barrierBroken {
		return 0, fmt.Errorf("%w: aborted", ErrBrokenBarrier)
	}
	index := b.count
	b.count++
	defer func() {
		b.count--
		b.exit()
	}()
	if index+1 == b.parties {
		// The last one in releases the others; arrivals wait for the drain.
		b.state = barrierDraining
		b.cond.notify(b.cond.waiters.n)
		return index, nil
	}
	held, err = b.cond.waitFor(co, func() bool { return b.state != barrierFilling })
	if err != nil {
		return 0, err
	}
	if b.state == barrierBroken || b.state == barrierResetting {
		return 0, fmt.Errorf("%w: abort or reset of barrier", ErrBrokenBarrier)
	}
	return index, nil
}

// exit is run by each task leaving Wait: the last one out ends the draining or
// resetting and wakes the tasks blocked at the entrance.
func (b *Barrier) exit() {
	if b.count == 0 {
		if b.state == barrierResetting || b.state == barrierDraining {
			b.state = barrierFilling
		}
		b.cond.notify(b.cond.waiters.n)
	}
}

// Reset returns the barrier to its initial, filling state: tasks waiting in it
// get ErrBrokenBarrier (new arrivals wait until they have left). Reset of a
// broken barrier repairs it.
//
// Go differs: asyncio's reset and abort are coroutines that take the barrier's
// internal lock first. The barrier never holds that lock across a suspension,
// so Reset and Abort act at once instead, without a task; the only difference
// is that they do not queue behind tasks already woken and about to retake the
// lock.
func (b *Barrier) Reset() {
	if b.count > 0 {
		b.state = barrierResetting
	} else {
		b.state = barrierFilling
	}
	b.cond.notify(b.cond.waiters.n)
}

// Abort breaks the barrier: tasks waiting in it, and every later Wait, get
// ErrBrokenBarrier until Reset. See Reset for how it differs from asyncio.
func (b *Barrier) Abort() {
	b.state = barrierBroken
	b.cond.notify(b.cond.waiters.n)
}

// Parties returns the number of tasks the barrier waits for.
func (b *Barrier) Parties() int { return b.parties }

// NWaiting returns the number of tasks waiting in the barrier while it fills
// (0 while it drains, resets or is broken).
func (b *Barrier) NWaiting() int {
	if b.state == barrierFilling {
		return b.count
	}
	return 0
}

// Broken reports whether the barrier is broken (aborted and not reset).
func (b *Barrier) Broken() bool { return b.state == barrierBroken }

// String describes the barrier's state as asyncio's repr does: "filling,
// waiters:2/5", "draining, waiters:0/5", "resetting, waiters:0/5" or "broken".
func (b *Barrier) String() string {
	name := [...]string{"filling", "draining", "resetting", "broken"}[b.state]
	if b.state == barrierBroken {
		return name
	}
	return fmt.Sprintf("%s, waiters:%d/%d", name, b.NWaiting(), b.parties)
}
