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
// loop's clock, and so is the master's busy time.
//
// Where the difference comes from: the master's own work is the same either way
// (300 moves of 5 s, 25 minutes). One game at a time he also sits through every
// opponent's 55 s of thinking, 300 times; all at once the opponents think at the
// same time, and he waits only when he is back at a board before its opponent
// has answered.
//
// On the real clock every sleep oversleeps a little (timer slack, a busy
// machine: often most of a millisecond), and at the default scale a
// millisecond is two simulated seconds. With 600 sleeps in a row, the
// real-clock totals come out several percent long; -virtual gives the exact
// figures, and the same story.
//
// Run it with
//
//	go run ./examples/simul            # on the real clock, 1 simulated second = 500µs
//	go run ./examples/simul -virtual   # on a virtual clock: instant, exact times
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// clock tells the story in simulated time: sleeps are scaled down for the real
// clock, and the loop's clock is scaled back up for printing.
type clock struct {
	scale float64   // real duration of one simulated second, in seconds
	exact bool      // virtual time: no oversleeping
	start time.Time // the loop's clock when the exhibition began
}

func (c *clock) sleep(co *coro.Co, d time.Duration) error {
	return sched.Sleep(co, time.Duration(float64(d)*c.scale))
}

// now returns the simulated time since the exhibition began.
func (c *clock) now(co *coro.Co) time.Duration {
	return time.Duration(float64(sched.LoopOf(co).Now().Sub(c.start)) / c.scale)
}

// show rounds a simulated time for printing: to the second on the virtual
// clock, to the minute on the real one.
func (c *clock) show(d time.Duration) time.Duration {
	if c.exact {
		return d.Round(time.Second)
	}
	return d.Round(time.Minute)
}

func header(w io.Writer, virtual bool, scale float64, unit time.Duration, name string) {
	if virtual {
		fmt.Fprintln(w, "clock: virtual (instant, exact times)")
		return
	}
	d := time.Duration(float64(unit) * scale).Round(time.Microsecond)
	fmt.Fprintf(w, "scale: 1 simulated %s = %v (use -virtual for instant exact times)\n", name, d)
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
	busy time.Duration // simulated time spent moving
}

// play is one game at one board.
func play(co *coro.Co, c *clock, w io.Writer, m *master, board int) error {
	for range movePairs {
		if err := m.Acquire(co); err != nil { // wait for the master to come to this board
			return err
		}
		began := c.now(co)
		err := c.sleep(co, masterMove)
		m.busy += c.now(co) - began
		m.Release() // he walks on
		if err != nil {
			return err
		}
		if err := c.sleep(co, theirMove); err != nil { // the opponent thinks, alone
			return err
		}
	}
	fmt.Fprintf(w, "board %2d: game over at %v\n", board, c.show(c.now(co)))
	return nil
}

func oneAtATime(co *coro.Co, c *clock, w io.Writer) (total, busy time.Duration, err error) {
	fmt.Fprintln(w, "-- one game after another --")
	c.start = sched.LoopOf(co).Now()
	m := &master{}
	for b := 1; b <= boards; b++ {
		if err := play(co, c, w, m, b); err != nil {
			return 0, 0, err
		}
	}
	return c.now(co), m.busy, nil
}

func allAtOnce(co *coro.Co, c *clock, w io.Writer) (total, busy time.Duration, err error) {
	fmt.Fprintln(w, "-- all boards at once --")
	c.start = sched.LoopOf(co).Now()
	m := &master{}
	g := sched.NewGroup(co)
	for b := 1; b <= boards; b++ {
		g.Spawn(func(co *coro.Co) error { return play(co, c, w, m, b) })
	}
	if err := g.Wait(co); err != nil {
		return 0, 0, err
	}
	return c.now(co), m.busy, nil
}

func run(w io.Writer, virtual bool, scale float64) error {
	header(w, virtual, scale, time.Second, "second")
	var opts []sched.Option
	if virtual {
		opts = append(opts, sched.VirtualTime())
		scale = 1 // virtual time needs no compression
	}
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		c := &clock{scale: scale, exact: virtual}
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
	virtual := flag.Bool("virtual", false, "run on a virtual clock: instant, with exact times")
	scale := flag.Float64("scale", 0.0005, "real seconds per simulated second")
	flag.Parse()
	if err := run(os.Stdout, *virtual, *scale); err != nil {
		fmt.Fprintln(os.Stderr, "simul:", err)
		os.Exit(1)
	}
}
