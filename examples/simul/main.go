// Command simul is the chess master's simultaneous exhibition: one master
// plays ten opponents. The master makes a move in 5 seconds, each opponent
// answers in 55, and a game is 30 such move pairs.
//
// One game after another, each game lasts 30 × (5 + 55) = 1800 s, half an hour,
// and the ten take five hours. All boards at once, the master walks from board
// to board: he moves, and while that opponent thinks he moves on the next
// boards. Each board is a task running the same game function, and the master
// is a shared resource, a sched.Lock: a board waits for him (Acquire), holds him
// for his 5 s move and lets him go (Release), then its opponent thinks without
// him. Nothing here computes the totals with a formula: they are read from the
// loop's clock. The master's busy time is the sum of his moves as scheduled.
//
// Where the difference comes from: the master's own work is the same either way
// (300 moves of 5 s, 25 minutes). One game at a time he also sits through every
// opponent's 55 s of thinking, 300 times; all at once the opponents think at the
// same time, and he waits only when he is back at a board before its opponent
// has answered.
//
// On the real clock every sleep oversleeps a little (timer slack, a busy
// machine: often most of a millisecond), and at the default scale a
// millisecond is two simulated seconds. A game of 60 sleeps each for its
// length, ten games in a row, would add 600 of those delays up: five hours
// would come out as 5h15m. So each board keeps its place in the schedule (when
// its next step should end, counted from the start) and sleeps until then
// (story.Clock.SleepUntil): each wake-up is then late by one delay, never by
// the sum of those before it, and the real-clock totals come out within
// seconds of the exact ones -virtual gives (measured on a busy 2-core VM:
// 5h0m1s and 30m46s; printed rounded to 5 s, the master's move).
//
// Run it with
//
//	go run ./examples/simul            # on the real clock, 1 simulated second = 500µs
//	go run ./examples/simul -virtual   # on a virtual clock: instant, exact times
package main

import (
	"fmt"
	"io"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/sched"
)

// clock is the story's clock (Start is when the exhibition began), with its
// rounding for printing.
type clock struct {
	story.Clock
	exact bool // virtual time: no oversleeping
}

// show rounds a simulated time for printing: to the second on the virtual
// clock, and on the real one to 5 seconds, the master's move, the smallest
// step of the story (each wake-up is late by a second or two of simulated
// time).
func (c *clock) show(d time.Duration) time.Duration {
	if c.exact {
		return d.Round(time.Second)
	}
	return d.Round(masterMove)
}

const (
	boards     = 10
	movePairs  = 30
	masterMove = 5 * time.Second
	theirMove  = 55 * time.Second
)

// master is the shared resource: one board at a time has him.
type master struct {
	sched.Lock
	free time.Duration // when he finished his last move, in the schedule
	busy time.Duration // simulated time spent moving, in the schedule
}

// play is one game at one board, from simulated time start (counted from
// c.Start) on; it returns when, in the schedule, the game ended. Only the
// deadlines come from the schedule: what is printed is read from the clock.
func play(co *coro.Co, c *clock, w io.Writer, m *master, board int, start time.Duration) (end time.Duration, err error) {
	at := start // when this board's next step begins, in the schedule
	for range movePairs {
		if err := m.Acquire(co); err != nil { // wait for the master to come to this board
			return 0, err
		}
		at = max(at, m.free) // he comes as soon as he is free
		at += masterMove
		err := c.SleepUntil(co, at)
		m.busy += masterMove
		m.free = at
		m.Release() // he walks on
		if err != nil {
			return 0, err
		}
		at += theirMove
		if err := c.SleepUntil(co, at); err != nil { // the opponent thinks, alone
			return 0, err
		}
	}
	fmt.Fprintf(w, "board %2d: game over at %v\n", board, c.show(c.Since(co)))
	return at, nil
}

func oneAtATime(co *coro.Co, c *clock, w io.Writer) (total, busy time.Duration, err error) {
	fmt.Fprintln(w, "-- one game after another --")
	c.Start = sched.LoopOf(co).Now()
	m := &master{}
	var at time.Duration
	for b := 1; b <= boards; b++ {
		if at, err = play(co, c, w, m, b, at); err != nil {
			return 0, 0, err
		}
	}
	return c.Since(co), m.busy, nil
}

func allAtOnce(co *coro.Co, c *clock, w io.Writer) (total, busy time.Duration, err error) {
	fmt.Fprintln(w, "-- all boards at once --")
	c.Start = sched.LoopOf(co).Now()
	m := &master{}
	g := sched.NewGroup(co)
	for b := 1; b <= boards; b++ {
		g.Spawn(func(co *coro.Co) error {
			_, err := play(co, c, w, m, b, 0)
			return err
		})
	}
	if err := g.Wait(co); err != nil {
		return 0, 0, err
	}
	return c.Since(co), m.busy, nil
}

func run(w io.Writer, virtual bool, scale float64) error {
	opts, scale := story.Start(w, virtual, scale, time.Second, "second")
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		c := &clock{Clock: story.Clock{Scale: scale}, exact: virtual}
		seq, seqBusy, err := oneAtATime(co, c, w)
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "total %v; the master moved for %v and was idle %v\n", c.show(seq), c.show(seqBusy), c.show(seq-seqBusy))
		sim, simBusy, err := allAtOnce(co, c, w)
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "total %v; the master moved for %v and was idle %v\n", c.show(sim), c.show(simBusy), c.show(sim-simBusy))
		fmt.Fprintf(w, "%v against %v: the master's moves take as long either way; one game at a time he also sits through every opponent's thinking, all at once the opponents think while he moves elsewhere\n",
			c.show(sim), c.show(seq))
		return struct{}{}, nil
	}), opts...)
	return err
}

func main() {
	story.Main(0.0005, "real seconds per simulated second", run)
}
