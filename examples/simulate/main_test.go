package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
	"github.com/corio-go/corio/sched/simtest"
)

func Example() {
	search(os.Stdout, false, 500)
	replay(os.Stdout, false, 2)
	// Output:
	// plain loop: sold to [ana ben], 0 left: right
	// seed 2: oversold: 3 seats sold of 2 ([ana ben cho]), -1 left
	// replay: go run ./examples/simulate -seed 2
	// seed 2:
	//    0.0s  ana: paying (seats left: 2)
	//    0.0s  ben: paying (seats left: 2)
	//    1.0s  ana: got a seat
	//    1.0s  cho: paying (seats left: 1)
	//    1.0s  ben: got a seat
	//    2.0s  cho: got a seat
	//    3.0s  dan: sold out
	// sold to [ana ben cho], -1 left: oversold: 3 seats sold of 2 ([ana ben cho]), -1 left
}

// The fixed office is right under every seed.
func TestFixedOffice(t *testing.T) {
	leaktest.Check(t)
	simtest.Explore(t, func(t *testing.T, sim sched.Option) {
		o, err := sale(true, nil, sim)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.check(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestBuggyOffice is the search as a user would write it with simtest. It is
// expected to fail, so it runs only when TestExplorerFindsAndReplays starts it
// in a child process.
func TestBuggyOffice(t *testing.T) {
	if os.Getenv("SIMULATE_CHILD") == "" {
		t.Skip("run by TestExplorerFindsAndReplays")
	}
	simtest.Explore(t, func(t *testing.T, sim sched.Option) {
		o, err := sale(false, nil, sim)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.check(); err != nil {
			t.Fatal(err)
		}
	})
}

// The explorer finds the bug the plain loop hides, stops at the first failing
// seed, and prints a command; that command (run here as the same test binary,
// with the same environment and -run pattern) replays exactly that seed.
func TestExplorerFindsAndReplays(t *testing.T) {
	leaktest.Check(t)
	if o, _ := sale(false, nil); o.check() != nil {
		t.Fatalf("the plain loop oversells: %v", o.check())
	}
	out, err := child(t, "")
	if err == nil {
		t.Fatalf("the search passed; want it to find the oversold seed:\n%s", out)
	}
	m := regexp.MustCompile(`simtest: seed (\d+) failed \(after (\d+) seeds\); replay it with:\n\s*(CORIO_SEED=(\d+) go test -run '(.*)' ./examples/simulate)\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no replay command in the output:\n%s", out)
	}
	if m[1] != "2" || m[2] != "2" || m[4] != "2" || m[5] != "^TestBuggyOffice$" {
		t.Errorf("found seed %s after %s seeds, command %q; want seed 2 after 2 seeds, -run '^TestBuggyOffice$'", m[1], m[2], m[3])
	}
	replayed, err := child(t, m[4])
	if err == nil || !strings.Contains(replayed, "seed=2") || strings.Contains(replayed, "seed=1") ||
		!strings.Contains(replayed, "oversold: 3 seats sold of 2") {
		t.Errorf("the replay command did not fail on seed 2 alone (err %v):\n%s", err, replayed)
	}
}

// child runs TestBuggyOffice in a new process of this test binary, with
// CORIO_SEED set to seed if it is not empty.
func child(t *testing.T, seed string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestBuggyOffice$", "-test.v")
	cmd.Env = append(os.Environ(), "SIMULATE_CHILD=1", "CORIO_SEEDS=", "CORIO_SEED_START=", "CORIO_SEED="+seed)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
