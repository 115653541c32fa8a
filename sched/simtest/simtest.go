// Package simtest runs a test of asyncio-style code under many seeded
// schedules ([sched.Seed]) and, when one fails, prints the one command that
// replays it:
//
//	func TestBoxOffice(t *testing.T) {
//		simtest.Explore(t, func(t *testing.T, sim sched.Option) {
//			if _, err := sched.Run(sellTickets(), sim); err != nil {
//				t.Fatal(err)
//			}
//		})
//	}
//
// Each seed runs as a subtest named "seed=N". Explore stops at the first
// failing seed and reports, for instance:
//
//	simtest: seed 137 failed (after 137 seeds); replay it with:
//	CORIO_SEED=137 go test -run '^TestBoxOffice$' ./examples/simulate
//
// # Choosing seeds
//
// The environment decides which seeds run, so that the same test serves CI, a
// long search and a replay:
//
//   - CORIO_SEED=N runs seed N alone.
//   - CORIO_SEEDS=N runs N seeds (default 100), from CORIO_SEED_START (default 1).
//
// # Fuzzing
//
// With go test -fuzz the seed can be the fuzz input, and the fuzzer keeps a
// failing seed in testdata/fuzz, where go test replays it:
//
//	func FuzzBoxOffice(f *testing.F) {
//		f.Add(uint64(1))
//		f.Fuzz(func(t *testing.T, seed uint64) {
//			if _, err := sched.Run(sellTickets(), sched.Seed(seed)); err != nil {
//				t.Fatal(err)
//			}
//		})
//	}
//
// The fuzzer's coverage guidance sees only which code ran, not which order it
// ran in, so it explores seeds about as a plain range of them does.
package simtest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/sched"
)

// DefaultSeeds is how many seeds Explore runs when CORIO_SEEDS is not set:
// small enough for CI.
const DefaultSeeds = 100

// Option configures Explore.
type Option func(*config)

type config struct {
	jitter time.Duration
}

// Jitter adds [sched.Jitter] with max to every seeded run: timers fire up to
// max late, as real sleeps do.
func Jitter(max time.Duration) Option {
	return func(c *config) { c.jitter = max }
}

// Explore runs body under seeds chosen by the environment (see the package
// doc), each in a subtest "seed=N", handing it the option that seeds the loop:
// pass sim to [sched.Run] or [sched.NewLoop]. It stops at the first seed whose
// subtest fails, and fails t with the command that replays that seed. A
// malformed CORIO_SEED, CORIO_SEEDS or CORIO_SEED_START fails t.
func Explore(t *testing.T, body func(t *testing.T, sim sched.Option), opts ...Option) {
	t.Helper()
	var c config
	for _, o := range opts {
		o(&c)
	}
	seeds, err := seedsFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	for i, seed := range seeds {
		sim := sched.Seed(seed)
		if c.jitter > 0 {
			seedOpt, jitterOpt := sim, sched.Jitter(c.jitter)
			sim = func(l *sched.Loop) { seedOpt(l); jitterOpt(l) }
		}
		if !t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { body(t, sim) }) {
			t.Errorf("simtest: seed %d failed (after %d seeds); replay it with:\n%s", seed, i+1, ReplayCommand(t, seed))
			return
		}
	}
}

// seedsFromEnv returns the seeds the environment asks for.
func seedsFromEnv(getenv func(string) string) ([]uint64, error) {
	num := func(name string, def uint64) (uint64, error) {
		s := getenv(name)
		if s == "" {
			return def, nil
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("simtest: %s=%q: not a number", name, s)
		}
		return n, nil
	}
	if getenv("CORIO_SEED") != "" {
		seed, err := num("CORIO_SEED", 0)
		return []uint64{seed}, err
	}
	n, err := num("CORIO_SEEDS", DefaultSeeds)
	if err != nil {
		return nil, err
	}
	start, err := num("CORIO_SEED_START", 1)
	if err != nil {
		return nil, err
	}
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = start + uint64(i)
	}
	return seeds, nil
}

// ReplayCommand returns the shell command that runs t's test under seed
// alone, from the module's root: CORIO_SEED=N go test -run '^TestX$' ./pkg.
func ReplayCommand(t testing.TB, seed uint64) string {
	var run []string
	for _, part := range strings.Split(t.Name(), "/") {
		if strings.HasPrefix(part, "seed=") {
			break
		}
		run = append(run, "^"+regexp.QuoteMeta(part)+"$")
	}
	return fmt.Sprintf("CORIO_SEED=%d go test -run '%s' %s", seed, strings.Join(run, "/"), packageDir())
}

// packageDir is the test's package as a path from the module's root ("." if
// it cannot tell).
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		if filepath.Dir(dir) == dir {
			return "."
		}
	}
}
