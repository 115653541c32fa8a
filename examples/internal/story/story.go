// Package story holds what the examples share to tell a story in simulated
// time: a clock that scales simulated durations down to the loop's clock and
// back, the first line each example prints to say which clock it runs on, the
// -virtual and -scale flags, and the main function built on them. Package
// storytest checks a story told on the real clock against the virtual one.
package story

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// SleepUntil suspends co until simulated time at (counted from c.Start) on
// the clock of co's loop: sched.Sleep for what is left until then, which is
// a yield to the loop if that time has passed. On the real clock every sleep
// wakes a little late (timer slack, a busy machine); a story of many short
// sleeps that each sleep for a duration adds those delays up, while one that
// sleeps until deadlines counted from its start is late by one delay at most.
// On a virtual clock the two are the same.
func (c *Clock) SleepUntil(co *coro.Co, at time.Duration) error {
	deadline := c.Start.Add(c.Real(at))
	return sched.Sleep(co, deadline.Sub(sched.LoopOf(co).Now()))
}

// Since returns the simulated time elapsed since c.Start on the clock of co's
// loop, unrounded: on a busy machine the real clock oversleeps a little, so
// examples round it to their own unit for printing.
func (c *Clock) Since(co *coro.Co) time.Duration {
	return c.Simulated(sched.LoopOf(co).Now().Sub(c.Start))
}

// Header prints the first line of an example's output, which says which clock
// it runs on: on a virtual clock that times are instant and exact, otherwise
// the real duration of one simulated unit (named name, such as "second") at
// this scale.
func Header(w io.Writer, virtual bool, scale float64, unit time.Duration, name string) {
	if virtual {
		fmt.Fprintln(w, "clock: virtual (instant, exact times)")
		return
	}
	fmt.Fprintf(w, "clock: real, 1 simulated %s = %v (use -virtual for instant exact times)\n", name, RealUnit(scale, unit))
}

// RealUnit returns the real time one simulated unit takes at this scale,
// rounded for printing.
func RealUnit(scale float64, unit time.Duration) time.Duration {
	return time.Duration(float64(unit) * scale).Round(time.Microsecond)
}

// Start prints the first line of an example's output (Header) and returns
// what to tell the story with: the options for its loop (sched.VirtualTime on
// a virtual clock, none on the real one) and the scale (1 on a virtual clock,
// which needs no compression; scale otherwise).
func Start(w io.Writer, virtual bool, scale float64, unit time.Duration, name string) ([]sched.Option, float64) {
	Header(w, virtual, scale, unit, name)
	if virtual {
		return []sched.Option{sched.VirtualTime()}, 1
	}
	return nil, scale
}

// Flags defines the -virtual flag and the -scale flag (with the given
// default and usage text), parses the command line, and returns their values.
func Flags(defaultScale float64, usage string) (virtual bool, scale float64) {
	v := flag.Bool("virtual", false, "run on a virtual clock: instant, with exact times")
	s := flag.Float64("scale", defaultScale, usage)
	flag.Parse()
	return *v, *s
}

// Main is an example's main function: it parses the flags (Flags), tells the
// story on standard output with run, and if run fails, or -scale is not
// positive, prints the error after the command's name and exits with status 1.
func Main(defaultScale float64, usage string, run func(w io.Writer, virtual bool, scale float64) error) {
	virtual, scale := Flags(defaultScale, usage)
	err := fmt.Errorf("-scale %v: must be positive", scale)
	if scale > 0 {
		err = run(os.Stdout, virtual, scale)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Base(os.Args[0]), err)
		os.Exit(1)
	}
}
