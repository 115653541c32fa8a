// Fairness shows that a loop is cooperative: a task runs until it awaits, and
// nothing can take the loop away from it in between.
//
// Part 1: a CPU-heavy task (the hog) works in chunks while a heartbeat task
// asks for a turn after each beat. A hog that never awaits starves the
// heartbeat until it has finished; a hog that calls sched.Sleep(co, 0) after
// each chunk (asyncio's sleep(0): "let the others run") lets a beat in between
// chunks.
//
// Part 2: a ticker ticks on a timer while another task makes a blocking call
// (time.Sleep standing in for a blocking read or a C library call). Made
// directly on the loop, the call stalls the whole loop: the ticks come late,
// after it returns. Handed to sched.ToThread, it runs on a goroutine of its own
// while the task awaits it, and the ticks come on time.
//
// Usage:
//
//	go run ./examples/fairness            # real clock: shows how long the heartbeat and ticks waited
//	go run ./examples/fairness -scale 0.2 # the same, 5 times faster
//	go run ./examples/fairness -virtual   # virtual clock: the order of events only
//
// Starvation is about real CPU time, so the default is the real clock. Under
// -virtual, work takes no simulated time and the order of events is exact, but
// a wait is not a duration worth printing; the blocking call still blocks in
// real time.
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/examples/internal/story"
	"github.com/corio-go/corio/sched"
)

// Simulated durations, multiplied by the scale on the real clock.
const (
	chunk  = 100 * time.Millisecond // one chunk of the hog's CPU work
	chunks = 4
	tick   = 50 * time.Millisecond // the ticker's period
	ticks  = 3
	block  = 300 * time.Millisecond // the blocking call
)

type demo struct {
	w       io.Writer
	virtual bool
	scale   float64
	start   time.Time
}

func (d *demo) real(sim time.Duration) time.Duration { return time.Duration(float64(sim) * d.scale) }

// since returns the simulated time since t on co's loop clock.
func (d *demo) since(co *coro.Co, t time.Time) time.Duration {
	return time.Duration(float64(sched.LoopOf(co).Now().Sub(t)) / d.scale).Round(time.Millisecond)
}

// say prints a line; on the real clock, note (if any) is appended in
// parentheses. Under virtual time the notes, which are durations, are left out.
func (d *demo) say(line, note string) {
	if note != "" && !d.virtual {
		line += " (" + note + ")"
	}
	fmt.Fprintln(d.w, line)
}

// burn keeps the CPU busy for about sim of simulated time, without awaiting.
func (d *demo) burn(sim time.Duration) {
	if d.virtual {
		return // virtual time: work takes no time
	}
	end := time.Now().Add(d.real(sim))
	for time.Now().Before(end) {
	}
}

// starve runs the heartbeat against the hog; yield says whether the hog yields
// between chunks.
func (d *demo) starve(co *coro.Co, yield bool) error {
	heartbeat := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
		for beat := 1; beat <= 3; beat++ {
			if beat == 1 {
				d.say("  heartbeat 1", "")
				continue
			}
			asked := sched.LoopOf(co).Now()
			if err := sched.Sleep(co, 0); err != nil { // ask for the next turn
				return struct{}{}, err
			}
			d.say(fmt.Sprintf("  heartbeat %d", beat), fmt.Sprintf("waited %v for its turn", d.since(co, asked)))
		}
		return struct{}{}, nil
	}))
	hog := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
		for i := 1; i <= chunks; i++ {
			d.burn(chunk)
			d.say(fmt.Sprintf("  hog: chunk %d done", i), "")
			if yield {
				if err := sched.Sleep(co, 0); err != nil {
					return struct{}{}, err
				}
			}
		}
		return struct{}{}, nil
	}))
	_, err := sched.Gather(co, coro.Awaitable[struct{}](heartbeat), hog)
	return err
}

// stall runs the ticker against a blocking call; thread says whether the call
// goes through sched.ToThread.
func (d *demo) stall(co *coro.Co, thread bool) error {
	ticker := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
		start := sched.LoopOf(co).Now()
		d.say("  tick 0", "")
		for i := 1; i <= ticks; i++ {
			if err := sched.Sleep(co, d.real(tick)); err != nil {
				return struct{}{}, err
			}
			due := time.Duration(i) * tick
			ran := d.since(co, start)
			d.say(fmt.Sprintf("  tick %d", i), fmt.Sprintf("due +%v, ran +%v: %v late", due, ran, ran-due))
		}
		return struct{}{}, nil
	}))
	blocker := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
		call := func(context.Context) (struct{}, error) {
			time.Sleep(d.real(block)) // blocking, whatever the clock
			return struct{}{}, nil
		}
		if !thread {
			d.say(fmt.Sprintf("  blocker: calls time.Sleep(%v) on the loop", block), "")
			call(nil)
		} else {
			d.say(fmt.Sprintf("  blocker: hands time.Sleep(%v) to sched.ToThread", block), "")
			if _, err := sched.ToThread(co, call); err != nil {
				return struct{}{}, err
			}
		}
		d.say("  blocker: the call returned", "")
		return struct{}{}, nil
	}))
	_, err := sched.Gather(co, coro.Awaitable[struct{}](ticker), blocker)
	return err
}

func run(w io.Writer, virtual bool, scale float64) error {
	var opts []sched.Option
	if virtual {
		fmt.Fprintln(w, "clock: virtual (the order of events, no durations; run without -virtual for real CPU time)")
		opts = append(opts, sched.VirtualTime())
	} else {
		fmt.Fprintf(w, "clock: real, 1 simulated second = %v, since starvation is about real CPU time (use -virtual for the exact order alone)\n",
			story.RealUnit(scale, time.Second))
	}
	d := &demo{w: w, virtual: virtual, scale: scale}
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		steps := []struct {
			title string
			do    func(co *coro.Co) error
		}{
			{"1a. a hog that never yields: the heartbeat starves", func(co *coro.Co) error { return d.starve(co, false) }},
			{"1b. a hog that yields after each chunk (sched.Sleep(co, 0)): the heartbeat gets turns", func(co *coro.Co) error { return d.starve(co, true) }},
			{"2a. a blocking call on the loop: the ticks wait for it", func(co *coro.Co) error { return d.stall(co, false) }},
			{"2b. the blocking call in sched.ToThread: the ticks go on", func(co *coro.Co) error { return d.stall(co, true) }},
		}
		for _, s := range steps {
			fmt.Fprintln(w, s.title)
			if err := s.do(co); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	}), opts...)
	return err
}

func main() {
	story.Main(1, "real time per simulated time (0.5: everything twice as fast)", run)
}
