package sched

import (
	"math/bits"
	"math/rand/v2"
	"time"

	"github.com/corio-go/corio/coro"
)

// Seed makes the loop a simulation: the same program under the same seed runs
// the same way, trace for trace, on any machine, and different seeds explore
// different orders of the things asyncio leaves open. Seed implies
// [VirtualTime]. Under Seed:
//
//   - Each iteration runs the callbacks that were ready when it began — task
//     steps, done callbacks, due timers — in an order drawn from the seed
//     instead of first in, first out; so equal timer deadlines fire in an
//     order drawn from the seed too.
//   - Every other guarantee stands: a done callback never runs synchronously,
//     a task never runs two steps in one iteration, a callback scheduled by
//     another runs in a later iteration, and a timer never fires early.
//   - Tasks are numbered per loop ("Task-1" is the loop's first), so their
//     default names do not depend on what ran before in the process.
//   - [Jitter] makes timers late by amounts drawn from the seed, and [Buggify]
//     draws from it too.
//
// Outside events are not under the seed: what a [ToThread], [Go] or [Recv]
// goroutine or a [Loop.CallSoonThreadsafe] caller hands in arrives when the
// real world delivers it, so a program that uses them is reproducible only as
// far as they are ([SeedOutside] brings ToThread and Go under the seed, with
// limits). The seeded order is a pure function of the seed and the
// sequence of ready callbacks (math/rand/v2's PCG, which the Go project
// specifies, and sched's own reduction of its output), so it is the same on
// every platform and Go release.
//
// The sched/simtest package runs a test under many seeds and prints the
// command that replays a failing one.
func Seed(seed uint64) Option {
	return func(l *Loop) {
		l.virtual = true
		l.sim = &simulation{rng: rand.NewPCG(seed, simStream)}
	}
}

// simStream is the PCG stream sched draws from: a constant, so that a seed
// means the same run everywhere.
const simStream = 0x636f72696f53494d // "corioSIM"

// Jitter makes every timer of a seeded loop fire up to max late, by an amount
// drawn from the seed: a real sleep oversleeps, and code that assumes it does
// not is wrong. Timers never fire early. Without [Seed], Jitter does nothing.
// A negative max panics.
func Jitter(max time.Duration) Option {
	if max < 0 {
		panic("sched.Jitter: negative duration")
	}
	return func(l *Loop) { l.jitter = max }
}

// SeedOutside puts ToThread and Go under the seed too: with [Seed], each call
// runs its function at once, on the calling task's goroutine, which blocks the
// loop while it runs, and delivers the result after a virtual delay drawn from
// the seed, up to max. A run then no longer depends on how long the functions
// take in real time, nor on when their goroutines are scheduled.
//
// The price is the limits of doing the work inline: a function that waits for
// the loop (a CallSoonThreadsafe round trip, a channel that a task feeds)
// deadlocks, and two calls never overlap in real time. Their context is
// cancelled if the task is cancelled before the result is delivered, as for
// ToThread. Recv and CallSoonThreadsafe stay outside the seed. Without Seed,
// SeedOutside does nothing. A negative max panics.
func SeedOutside(max time.Duration) Option {
	if max < 0 {
		panic("sched.SeedOutside: negative duration")
	}
	return func(l *Loop) { l.outside, l.outsideMax = true, max }
}

// Buggify reports, under [Seed], true with probability p, drawn from the
// seed: FoundationDB's BUGGIFY, for injecting faults at the places code
// chooses (a dropped message, a slow reply, a failed write) so that a
// simulation explores them. Without Seed, or outside a sched task, it is
// always false, and costs a type switch and a branch, with no allocation: it
// can stay in production code.
//
//	if sched.Buggify(co, 0.05) {
//		return errors.New("injected: connection reset")
//	}
func Buggify(co *coro.Co, p float64) bool {
	t := taskOf(co)
	if t == nil || t.loop.sim == nil || p <= 0 {
		return false
	}
	// 53 bits, as a float64 in [0, 1) holds them.
	return float64(t.loop.sim.rng.Uint64()>>11)/(1<<53) < p
}

// simulation is a seeded loop's source of choices.
type simulation struct {
	rng    *rand.PCG
	nextID uint64 // the loop's own task numbering
}

// uintn returns a number in [0, n) drawn from the seed, unbiased (Lemire's
// multiply-and-reject), with only the PCG's specified output as input.
func (s *simulation) uintn(n uint64) uint64 {
	hi, lo := bits.Mul64(s.rng.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(s.rng.Uint64(), n)
		}
	}
	return hi
}

// shuffle puts an iteration's callbacks in an order drawn from the seed
// (Fisher-Yates).
func (s *simulation) shuffle(batch []runner) {
	for i := len(batch) - 1; i > 0; i-- {
		j := s.uintn(uint64(i + 1))
		batch[i], batch[j] = batch[j], batch[i]
	}
}

// lateness is how late Jitter makes a timer.
func (s *simulation) lateness(max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return time.Duration(s.uintn(uint64(max) + 1))
}
