// Command chores is a Saturday of chores, done one after another and then
// concurrently, to show what concurrency is for: waiting on several things at
// once, not doing several things at once.
//
// The chores, in simulated minutes:
//
//	washer      35   a machine: runs on its own once started
//	dryer       50   a machine; the laundry goes in when the washer is done
//	dishwasher  55   a machine
//	vacuuming   25   needs you the whole time
//	cooking     40   needs you the whole time
//
// One after another they take 35+50+55+25+40 = 205 minutes. Concurrently, the
// machines are tasks that start at once and sleep while they run, and you (the
// main task) vacuum and then cook while they do: hands-on chores still happen
// one after another, since there is one of you. The day ends when the longest
// chain does, the laundry's 35+50 = 85 minutes. Both schedules and totals come
// from the loop's clock. (Moving the laundry to the dryer takes you a moment;
// we count it as none.)
//
// Run it with
//
//	go run ./examples/chores            # on the real clock, 1 simulated minute = 30ms
//	go run ./examples/chores -virtual   # on a virtual clock: instant, exact times
package main

import (
	"fmt"
	"io"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/sched"
)

// clock is the story's clock (Start is when the day began), read in minutes.
type clock struct{ story.Clock }

// minutes returns the simulated minutes since the day began on the loop's
// clock, rounded: on a busy machine the real clock oversleeps a little.
func (c *clock) minutes(co *coro.Co) int {
	return int(c.Since(co).Minutes() + 0.5)
}

type chore struct {
	name  string
	d     time.Duration
	hands bool // needs you the whole time
}

var (
	washer     = chore{"washer", 35 * time.Minute, false}
	dryer      = chore{"dryer", 50 * time.Minute, false}
	dishwasher = chore{"dishwasher", 55 * time.Minute, false}
	vacuuming  = chore{"vacuuming", 25 * time.Minute, true}
	cooking    = chore{"cooking", 40 * time.Minute, true}
)

// do runs one chore and prints its start and end when it is over.
func (c *clock) do(co *coro.Co, w io.Writer, ch chore) error {
	start := c.minutes(co)
	if err := c.Sleep(co, ch.d); err != nil {
		return err
	}
	who := "machine"
	if ch.hands {
		who = "you"
	}
	fmt.Fprintf(w, "%3d → %3d min  %-10s (%s)\n", start, c.minutes(co), ch.name, who)
	return nil
}

func sequential(co *coro.Co, c *clock, w io.Writer) (int, error) {
	fmt.Fprintln(w, "-- one after another --")
	c.Start = sched.LoopOf(co).Now()
	for _, ch := range []chore{washer, dryer, dishwasher, vacuuming, cooking} {
		if err := c.do(co, w, ch); err != nil {
			return 0, err
		}
	}
	total := c.minutes(co)
	fmt.Fprintf(w, "total %d min\n", total)
	return total, nil
}

func concurrent(co *coro.Co, c *clock, w io.Writer) (int, error) {
	fmt.Fprintln(w, "-- concurrently: the machines run while you vacuum and cook --")
	c.Start = sched.LoopOf(co).Now()
	machines := sched.NewGroup(co)
	machines.Spawn(func(co *coro.Co) error {
		if err := c.do(co, w, washer); err != nil {
			return err
		}
		return c.do(co, w, dryer)
	})
	machines.Spawn(func(co *coro.Co) error { return c.do(co, w, dishwasher) })
	// You, meanwhile: the machines' tasks start as soon as you first wait.
	for _, ch := range []chore{vacuuming, cooking} {
		if err := c.do(co, w, ch); err != nil {
			return 0, err
		}
	}
	if err := machines.Wait(co); err != nil {
		return 0, err
	}
	total := c.minutes(co)
	fmt.Fprintf(w, "total %d min\n", total)
	return total, nil
}

func run(w io.Writer, virtual bool, scale float64) error {
	opts, scale := story.Start(w, virtual, scale, time.Minute, "minute")
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		c := &clock{story.Clock{Scale: scale}}
		one, err := sequential(co, c, w)
		if err != nil {
			return struct{}{}, err
		}
		both, err := concurrent(co, c, w)
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "one after another %d min, concurrently %d min: the day lasts as long as its longest chain (washer, then dryer), not the sum\n", one, both)
		return struct{}{}, nil
	}), opts...)
	return err
}

func main() {
	story.Main(0.0005, "real seconds per simulated second", run)
}
