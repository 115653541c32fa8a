// Package leaktest checks that a test leaves no goroutine behind: generators,
// coroutines and loops all run on goroutines, and a leak shows up as one more.
package leaktest

import (
	"flag"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Check records the number of goroutines now and, when the test ends, fails it
// if more remain after collecting garbage (which closes dropped generators) and
// waiting up to five seconds for them to exit. Tests that use Check must not
// call t.Parallel: the count is the whole process's.
func Check(t testing.TB) {
	t.Helper()
	base := runtime.NumGoroutine()
	t.Cleanup(func() {
		t.Helper()
		if n := Settle(base, 5*time.Second); n > base {
			t.Errorf("goroutines leaked: %d now, %d at start\n%s", n, base, stacks())
		}
	})
}

// Settle collects garbage and waits until at most base goroutines run, or until
// the timeout passes. It returns the last count it saw.
func Settle(base int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for delay := time.Millisecond; ; delay *= 2 {
		runtime.GC()
		n := runtime.NumGoroutine()
		if n <= base || time.Now().After(deadline) {
			return n
		}
		time.Sleep(min(delay, 100*time.Millisecond))
	}
}

// Fuzz is a fuzz test that leaves no goroutine behind: it adds the seeds and
// runs check on every input, failing it if goroutines remain after. While
// fuzzing, the coordinator starts goroutines of its own, so the check of the
// whole run (Check) is for the seeds only; each input is checked on its own.
func Fuzz(f *testing.F, seeds []string, check func(t *testing.T, in []byte)) {
	if flag.Lookup("test.fuzz").Value.String() == "" {
		Check(f)
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		base := runtime.NumGoroutine()
		check(t, in)
		if !Quiet(base) {
			if n := Settle(base, 5*time.Second); n > base {
				t.Errorf("goroutines leaked: %d now, %d before", n, base)
			}
		}
	})
}

// Quiet waits up to a second, without collecting garbage, until at most base
// goroutines run, and reports whether they did: cheap enough to run after
// every fuzz input, where Settle's collections would cost more than the input
// (a dropped generator needs one to be closed; a goroutine that is merely
// exiting does not).
func Quiet(base int) bool {
	deadline := time.Now().Add(time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Microsecond)
	}
	return true
}

func stacks() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.TrimSpace(string(buf))
}
