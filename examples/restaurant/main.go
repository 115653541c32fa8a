// Restaurant shows what an event loop is by the oldest analogy there is: one
// waiter serving many tables.
//
// The waiter is the loop and each table is a task. The waiter walks up to a
// table; a table that knows what it wants orders at once, and a table that
// needs time to choose gets an order sheet while the waiter moves on to the
// next one (the task awaits sched.Sleep and hands the loop back). When a table
// is ready, or the kitchen has cooked its dish, it is the waiter's turn to come
// back. Nobody waits for a table that is still reading the menu, so four tables
// are served in the time of the slowest one, not in the sum of them all.
//
// Usage:
//
//	go run ./examples/restaurant            # real clock, compressed: 1 simulated minute = 200ms
//	go run ./examples/restaurant -virtual   # virtual clock: instant, exact times
//	go run ./examples/restaurant -scale 0.01
//
// Times are read from the loop's clock (sched.LoopOf(co).Now()) and shown in
// simulated minutes.
package main

import (
	"fmt"
	"io"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/sched"
)

// table is one party: how long it needs to choose, and what it orders.
type table struct {
	n     int
	think time.Duration // time to choose, in simulated minutes
	dish  string
	cook  time.Duration // time the kitchen needs for the dish
}

var tables = []table{
	{1, 0, "pizza", 10 * time.Minute},
	{2, 5 * time.Minute, "salad", 3 * time.Minute},
	{3, 0, "soup", 2 * time.Minute},
	{4, 7 * time.Minute, "pasta", 6 * time.Minute},
}

// clock is the story's clock, which converts between simulated time and the
// loop's clock (a simulated duration d takes d*Scale), and prints to w.
type clock struct {
	*story.Clock
	w io.Writer
}

// logf prints a line stamped with the simulated time, in whole minutes.
func (c *clock) logf(co *coro.Co, format string, args ...any) {
	elapsed := c.Since(co)
	fmt.Fprintf(c.w, "%2d min  %s\n", elapsed.Round(time.Minute)/time.Minute, fmt.Sprintf(format, args...))
}

// serve is one table's evening, as a task.
func serve(co *coro.Co, c *clock, t table) error {
	if t.think > 0 {
		c.logf(co, "table %d needs %v to choose: gets an order sheet, the waiter moves on", t.n, minutes(t.think))
		if err := c.Sleep(co, t.think); err != nil {
			return err
		}
		c.logf(co, "table %d is ready: the waiter comes back and takes the order (%s)", t.n, t.dish)
	} else {
		c.logf(co, "table %d knows what it wants: the waiter takes the order (%s)", t.n, t.dish)
	}
	if err := c.Sleep(co, t.cook); err != nil { // the kitchen cooks; the waiter is free
		return err
	}
	c.logf(co, "table %d is served %s", t.n, t.dish)
	return nil
}

// minutes prints a duration in minutes.
func minutes(d time.Duration) string { return fmt.Sprintf("%d min", d/time.Minute) }

func run(w io.Writer, virtual bool, scale float64) error {
	opts, scale := story.Start(w, virtual, scale, time.Minute, "minute")
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		c := &clock{story.NewClock(co, scale), w}
		g := sched.NewGroup(co)
		var alone time.Duration // the evening if the waiter stood by each table
		for _, t := range tables {
			alone += t.think + t.cook
			g.Spawn(func(co *coro.Co) error { return serve(co, c, t) })
		}
		if err := g.Wait(co); err != nil {
			return struct{}{}, err
		}
		c.logf(co, "all %d tables served; a waiter who stood by each table until it was served would need %s", len(tables), minutes(alone))
		return struct{}{}, nil
	}), opts...)
	return err
}

func main() {
	story.Main(0.2/60, "real time per simulated time (1/300: a simulated minute takes 200ms)", run)
}
