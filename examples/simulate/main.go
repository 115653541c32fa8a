// Command simulate shows seeded simulation at work: a box office with an
// ordering bug that the plain event loop never shows, found by running the
// same sale under many seeds (sched.Seed) and replayed from the one seed
// that shows it.
//
// The office sells the last seats of a concert. A buyer checks that a seat is
// left, pays (the card payment is an await: one second), then takes the seat:
// a check and an act with an await between them. On the plain loop, with the
// buyers below, every payment finishes in the iteration before the next
// buyer looks (asyncio's FIFO order: the payment's timer was set first), so
// the sale always comes out right. But nothing in asyncio promises that order
// to code that happens to be ready at the same instant, and a seeded loop
// draws it: in some runs a buyer looks while another's payment has finished
// but not yet taken its seat, and the office sells more seats than it has.
//
// Run it:
//
//	go run ./examples/simulate            // the plain loop, then seeds 1..500
//	go run ./examples/simulate -seed 3    // replay one seed, with the sale's log
//	go run ./examples/simulate -fixed     // the fixed office: no seed oversells
//
// The fix reserves the seat before awaiting the payment and gives it back if
// the payment fails. examples/simulate/main_test.go runs the same search with
// package sched/simtest, which prints the command that replays a failing
// seed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

var errSoldOut = errors.New("sold out")

// office sells seats.
type office struct {
	seats int      // seats left
	sold  []string // who got one, in order
	fixed bool     // reserve before paying
	log   io.Writer
}

// buy sells one seat to who: check, pay, take.
func (o *office) buy(co *coro.Co, who string) error {
	if o.seats <= 0 {
		o.say(co, "%s: sold out", who)
		return errSoldOut
	}
	if o.fixed {
		o.seats-- // reserve it now: no await between the check and the act
	}
	o.say(co, "%s: paying (seats left: %d)", who, o.seats)
	if err := pay(co); err != nil {
		if o.fixed {
			o.seats++
		}
		return err
	}
	if !o.fixed {
		o.seats-- // BUG: the check above may be stale by now
	}
	o.sold = append(o.sold, who)
	o.say(co, "%s: got a seat", who)
	return nil
}

func (o *office) say(co *coro.Co, format string, args ...any) {
	if o.log != nil {
		at := sched.LoopOf(co).Now().Sub(epoch)
		fmt.Fprintf(o.log, "  %4.1fs  %s\n", at.Seconds(), fmt.Sprintf(format, args...))
	}
}

var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) // where virtual clocks start

// pay is the card payment.
func pay(co *coro.Co) error { return sched.Sleep(co, time.Second) }

// A buyer arrives at a time and buys.
type buyer struct {
	name string
	at   time.Duration
}

// The sale: two seats, four buyers. Ana and Ben pay at once; Cho has browsed
// for a second and looks exactly as their payments go through; Dan comes
// later.
var (
	seats  = 2
	buyers = []buyer{
		{"ana", 0}, {"ben", 0}, {"cho", time.Second}, {"dan", 3 * time.Second},
	}
)

// sale runs the sale on a loop with opts and returns the office as it ends.
func sale(fixed bool, log io.Writer, opts ...sched.Option) (*office, error) {
	o := &office{seats: seats, fixed: fixed, log: log}
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, sched.WithGroup(co, func(co *coro.Co, g *sched.Group) error {
			for _, b := range buyers {
				g.Spawn(func(co *coro.Co) error {
					if b.at > 0 { // browsing
						if err := sched.Sleep(co, b.at); err != nil {
							return err
						}
					}
					if err := o.buy(co, b.name); err != nil && err != errSoldOut {
						return err
					}
					return nil
				})
			}
			return nil
		})
	}), append(opts, sched.VirtualTime())...)
	return o, err
}

// check reports what is wrong with the office after a sale.
func (o *office) check() error {
	if len(o.sold) > seats || o.seats < 0 {
		return fmt.Errorf("oversold: %d seats sold of %d (%v), %d left", len(o.sold), seats, o.sold, o.seats)
	}
	return nil
}

// search runs the sale on the plain loop, then under seeds 1..n until one
// oversells, and prints what it finds.
func search(w io.Writer, fixed bool, n uint64) error {
	o, err := sale(fixed, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "plain loop: sold to %v, %d left: %v\n", o.sold, o.seats, verdict(o.check()))
	for seed := uint64(1); seed <= n; seed++ {
		o, err := sale(fixed, nil, sched.Seed(seed))
		if err != nil {
			return err
		}
		if err := o.check(); err != nil {
			fmt.Fprintf(w, "seed %d: %v\n", seed, err)
			fmt.Fprintf(w, "replay: go run ./examples/simulate -seed %d\n", seed)
			return nil
		}
	}
	fmt.Fprintf(w, "seeds 1..%d: every sale right\n", n)
	return nil
}

func verdict(err error) string {
	if err != nil {
		return err.Error()
	}
	return "right"
}

// replay runs the sale under one seed and prints its log.
func replay(w io.Writer, fixed bool, seed uint64) error {
	fmt.Fprintf(w, "seed %d:\n", seed)
	o, err := sale(fixed, w, sched.Seed(seed))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "sold to %v, %d left: %v\n", o.sold, o.seats, verdict(o.check()))
	return nil
}

func main() {
	seed := flag.Uint64("seed", 0, "replay the sale under this seed, with its log")
	fixed := flag.Bool("fixed", false, "run the fixed office")
	n := flag.Uint64("seeds", 500, "how many seeds to search")
	flag.Parse()
	var err error
	if *seed != 0 {
		err = replay(os.Stdout, *fixed, *seed)
	} else {
		err = search(os.Stdout, *fixed, *n)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "simulate:", err)
		os.Exit(1)
	}
}
