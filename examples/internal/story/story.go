// Package story holds what the examples share to tell a story in simulated
// time: a clock that scales simulated durations down to the loop's clock and
// back, the first line each example prints to say which clock it runs on, and
// the -virtual and -scale flags.
package story

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// Clock tells a story in simulated time: sleeps are scaled down for the real
// clock, and the loop's clock is scaled back up for printing. On a virtual
// clock use Scale 1: virtual time needs no compression.
type Clock struct {
	Scale float64   // real time per simulated time (0.5: a simulated second takes 500ms)
	Start time.Time // the loop's clock when the story began
}

// NewClock returns a Clock with the given scale that starts now, on the
// clock of co's loop.
func NewClock(co *coro.Co, scale float64) *Clock {
	return &Clock{Scale: scale, Start: sched.LoopOf(co).Now()}
}

// Real returns the time on the loop's clock that simulated duration d takes.
func (c *Clock) Real(d time.Duration) time.Duration {
	return time.Duration(float64(d) * c.Scale)
}

// Simulated returns the simulated duration that d on the loop's clock stands
// for: the inverse of Real.
func (c *Clock) Simulated(d time.Duration) time.Duration {
	return time.Duration(float64(d) / c.Scale)
}

// Sleep suspends co for simulated duration d (sched.Sleep for c.Real(d)).
func (c *Clock) Sleep(co *coro.Co, d time.Duration) error {
	return sched.Sleep(co, c.Real(d))
}

// Since returns the simulated time elapsed since c.Start on the clock of co's
// loop, unrounded: on a busy machine the real clock oversleeps a little, so
// examples round it to their own unit for printing.
func (c *Clock) Since(co *coro.Co) time.Duration {
	return c.Simulated(sched.LoopOf(co).Now().Sub(c.Start))
}

// Header prints the first line of an example's output: on a virtual clock
// that times are instant and exact, otherwise the real duration of one
// simulated unit (named name, such as "second") at this scale.
func Header(w io.Writer, virtual bool, scale float64, unit time.Duration, name string) {
	if virtual {
		fmt.Fprintln(w, "clock: virtual (instant, exact times)")
		return
	}
	ScaleLine(w, scale, unit, name)
}

// ScaleLine prints the line saying how long one simulated unit (named name)
// takes on the real clock at this scale, and that -virtual gives instant
// exact times. Header prints it on the real clock; examples that word their
// virtual-clock line differently call it themselves.
func ScaleLine(w io.Writer, scale float64, unit time.Duration, name string) {
	d := time.Duration(float64(unit) * scale).Round(time.Microsecond)
	fmt.Fprintf(w, "scale: 1 simulated %s = %v (use -virtual for instant exact times)\n", name, d)
}

// Flags defines the -virtual flag and the -scale flag (with the given
// default and usage text), parses the command line, and returns their values.
func Flags(defaultScale float64, usage string) (virtual bool, scale float64) {
	v := flag.Bool("virtual", false, "run on a virtual clock: instant, with exact times")
	s := flag.Float64("scale", defaultScale, usage)
	flag.Parse()
	return *v, *s
}
