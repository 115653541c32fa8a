// Travel shows two tasks taking turns on one loop: Stippy and Ozzy set off
// together, Stippy first, for Zadar and Split.
//
// Stippy is spawned first, so Stippy runs first: up to the first await (the
// drive), where the task suspends and the loop turns to the next ready task,
// Ozzy, who runs up to the flight. Nothing else is ready, so the loop waits for
// the earliest timer. Ozzy's journey is shorter, so Ozzy arrives in Split
// before Stippy reaches Zadar, although Stippy left first: tasks finish in the
// order their waits end, not in the order they started. Both arrive after the
// longer journey, not after the two added up.
//
// Usage:
//
//	go run ./examples/travel            # real clock, compressed: 1 simulated hour = 1s
//	go run ./examples/travel -virtual   # virtual clock: instant, exact times
//	go run ./examples/travel -scale 0.01
//
// Times are read from the loop's clock (sched.LoopOf(co).Now()) and shown in
// simulated hours and minutes.
package main

import (
	"fmt"
	"io"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/sched"
)

// traveller is one journey.
type traveller struct {
	name, to, how string
	takes         time.Duration // simulated
}

var travellers = []traveller{
	{"Stippy", "Zadar", "on the road", 3 * time.Hour},
	{"Ozzy", "Split", "on the plane", time.Hour + 50*time.Minute},
}

// clock is the story's clock, which converts between simulated time and the
// loop's clock (a simulated duration d takes d*Scale), and prints to w.
type clock struct {
	*story.Clock
	w io.Writer
}

// logf prints a line stamped with the simulated time as h:mm.
func (c *clock) logf(co *coro.Co, format string, args ...any) {
	elapsed := c.Since(co)
	fmt.Fprintf(c.w, "%s  %s\n", hm(elapsed), fmt.Sprintf(format, args...))
}

// hm formats d, rounded to the minute, as h:mm.
func hm(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	return fmt.Sprintf("%d:%02d", m/60, m%60)
}

// journey is one traveller's task.
func journey(co *coro.Co, c *clock, t traveller) error {
	c.logf(co, "%s sets off for %s", t.name, t.to)
	c.logf(co, "%s is %s (awaits %s of travel): the loop turns to the next ready task", t.name, t.how, hm(t.takes))
	if err := c.Sleep(co, t.takes); err != nil {
		return err
	}
	c.logf(co, "%s arrives in %s", t.name, t.to)
	return nil
}

func run(w io.Writer, virtual bool, scale float64) error {
	opts, scale := story.Start(w, virtual, scale, time.Hour, "hour")
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		c := &clock{story.NewClock(co, scale), w}
		var tasks []coro.Awaitable[struct{}]
		var total, longest time.Duration
		for _, t := range travellers { // Stippy is spawned first, so runs first
			total += t.takes
			longest = max(longest, t.takes)
			tasks = append(tasks, sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				return struct{}{}, journey(co, c, t)
			})))
		}
		if _, err := sched.Gather(co, tasks...); err != nil {
			return struct{}{}, err
		}
		c.logf(co, "both have arrived after %s, the longer journey, not after %s: the journeys overlapped", hm(longest), hm(total))
		return struct{}{}, nil
	}), opts...)
	return err
}

func main() {
	story.Main(1.0/3600, "real time per simulated time (1/3600: a simulated hour takes 1s)", run)
}
