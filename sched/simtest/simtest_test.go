package simtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

func TestSeedsFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
		err  bool
	}{
		{nil, fmt.Sprint(seq(1, DefaultSeeds)), false},
		{map[string]string{"CORIO_SEED": "1234"}, "[1234]", false},
		{map[string]string{"CORIO_SEED": "7", "CORIO_SEEDS": "5"}, "[7]", false},
		{map[string]string{"CORIO_SEEDS": "3", "CORIO_SEED_START": "10"}, "[10 11 12]", false},
		{map[string]string{"CORIO_SEEDS": "0"}, "[]", false},
		{map[string]string{"CORIO_SEED": "x"}, "", true},
		{map[string]string{"CORIO_SEEDS": "-1"}, "", true},
	} {
		seeds, err := seedsFromEnv(func(k string) string { return tc.env[k] })
		if (err != nil) != tc.err || !tc.err && fmt.Sprint(seeds) != tc.want {
			t.Errorf("seedsFromEnv(%v) = %v, %v; want %s (error: %v)", tc.env, seeds, err, tc.want, tc.err)
		}
	}
}

func seq(a, n uint64) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = a + uint64(i)
	}
	return s
}

func TestReplayCommand(t *testing.T) {
	want := "CORIO_SEED=42 go test -run '^TestReplayCommand$' ./sched/simtest"
	if got := ReplayCommand(t, 42); got != want {
		t.Errorf("ReplayCommand = %q; want %q", got, want)
	}
	t.Run("sub.test/seed=9", func(t *testing.T) {
		want := `CORIO_SEED=9 go test -run '^TestReplayCommand$/^sub\.test$' ./sched/simtest`
		if got := ReplayCommand(t, 9); got != want {
			t.Errorf("ReplayCommand = %q; want %q", got, want)
		}
	})
}

// planted runs a program with a bug of depth d: in each of d rounds, two tasks
// wake at the same instant, and FIFO always runs the first one first (its
// timer was set first); the bug fires only if every round runs them the other
// way round. It reports whether the bug fired.
func planted(d int, sim sched.Option) bool {
	reversed := 0
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		for round := range d {
			first := true
			at := time.Duration(round+1) * time.Second
			for who := range 2 {
				sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
					sched.Sleep(co, at-sched.LoopOf(co).Now().Sub(epoch))
					if first && who == 1 {
						reversed++
					}
					first = false
					return struct{}{}, nil
				}))
			}
			// Other tasks ready in the same iteration, as noise.
			for range 3 {
				sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
					return struct{}{}, sched.Sleep(co, at-sched.LoopOf(co).Now().Sub(epoch))
				}))
			}
		}
		return struct{}{}, sched.Sleep(co, time.Duration(d+1)*time.Second)
	}), sim, sched.VirtualTime())
	return reversed == d
}

var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// How often uniform shuffling finds bugs that need d orderings: the chance is
// 2^-d per seed, with noise in every iteration, so a bug of depth 3 is found
// within a few dozen seeds. (FIFO, the plain loop, never finds any.) This is
// why simtest has no PCT strategy: PCT (Burckhardt et al., 2010) gives a
// thread scheduler, which otherwise rarely preempts at the right point, a
// chance of at least 1/(n k^(d-1)); a loop that redraws the order of every
// iteration independently already does better for orderings within an
// iteration. What shuffling cannot do is delay a task past other iterations:
// that takes time, which Jitter varies.
func TestPlantedDepth(t *testing.T) {
	leaktest.Check(t)
	const seeds = 400
	for d := 1; d <= 3; d++ {
		if planted(d, func(*sched.Loop) {}) {
			t.Fatalf("depth %d: the plain loop found the bug", d)
		}
		found := 0
		for seed := uint64(1); seed <= seeds; seed++ {
			if planted(d, sched.Seed(seed)) {
				found++
			}
		}
		want := seeds >> d
		t.Logf("depth %d: found by %d of %d seeds (expected about %d)", d, found, seeds, want)
		if found < want/2 || found > want*2 {
			t.Errorf("depth %d: found by %d of %d seeds; want about %d", d, found, seeds, want)
		}
	}
}
