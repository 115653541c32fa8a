package difftest_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/conformance/difftest"
	"github.com/corio-go/corio/internal/leaktest"
)

var (
	flagSeeds    = flag.Int("seeds", 0, "TestLive: run this many seeds, from -from, against python3")
	flagFrom     = flag.Uint64("from", 1, "TestLive: the first seed of -seeds")
	flagSeed     = flag.Uint64("seed", 0, "TestLive: run this one seed against python3 and report it in full")
	flagExclude  = flag.String("exclude", "", "TestLive: comma-separated features not to generate (see difftest.FeatureNames)")
	flagMinimize = flag.Int("minimize", 8, "TestLive: minimise at most this many mismatches")
	flagStats    = flag.Bool("stats", false, "TestLive: tally what CPython's traces show (coverage of the generator)")
	flagUpdate   = flag.Bool("update", false, "TestCI: regenerate "+goldenFile+" by running the CI seeds on python3")
)

// The CI seed set: programs 1..ciSeeds with every feature, whose CPython
// traces are committed in goldenFile, so that TestCI needs no python3.
const (
	ciSeeds    = 300
	goldenFile = "testdata/golden.txt"
)

// knownFailing lists CI seeds on which sched disagrees with CPython today, with
// the mismatch class (see the report in README.md). TestCI skips them, and
// fails once one of them agrees, so that the list only shrinks: remove a seed
// when the bug behind it is fixed.
var knownFailing = map[uint64]string{}

func replay(seed uint64, exclude string) string {
	cmd := fmt.Sprintf("go test ./conformance/difftest -run TestLive -seed %d", seed)
	if exclude != "" {
		cmd += " -exclude " + exclude
	}
	return cmd
}

// interpret runs the program on sched, turning a panic into a trace line.
func interpret(p *difftest.Prog) (r difftest.Result) {
	defer func() {
		if v := recover(); v != nil {
			r.Lines = append(r.Lines, fmt.Sprintf("PANIC %v", v))
		}
	}()
	return difftest.Interpret(p)
}

func srcHash(src string) string {
	h := sha256.Sum256([]byte(src))
	return hex.EncodeToString(h[:6])
}

type golden struct {
	hash string
	res  difftest.Result
}

func readGolden(t *testing.T) map[uint64]golden {
	f, err := os.Open(goldenFile)
	if err != nil {
		t.Fatalf("%v (regenerate with: go test ./conformance/difftest -run TestCI -update, which needs python3)", err)
	}
	defer f.Close()
	gs := map[uint64]golden{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "=== seed ") {
			continue
		}
		// === seed S src=HASH mainend=N dead=0|1 lines=N
		var seed uint64
		var hash string
		var mainEnd, dead, n int
		if _, err := fmt.Sscanf(line, "=== seed %d src=%s mainend=%d dead=%d lines=%d", &seed, &hash, &mainEnd, &dead, &n); err != nil {
			t.Fatalf("%s: bad header %q: %v", goldenFile, line, err)
		}
		g := golden{hash: hash, res: difftest.Result{MainEnd: mainEnd, Dead: dead == 1, DeadShutdown: dead == 2}}
		for range n {
			sc.Scan()
			g.res.Lines = append(g.res.Lines, sc.Text())
		}
		gs[seed] = g
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return gs
}

func writeGolden(t *testing.T) {
	py, err := difftest.StartPython()
	if err != nil {
		t.Fatalf("-update needs python3: %v", err)
	}
	defer py.Close()
	var progs []*difftest.Prog
	for seed := uint64(1); seed <= ciSeeds; seed++ {
		progs = append(progs, difftest.Generate(seed, nil))
	}
	res, err := py.Run(progs)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# CPython's traces of difftest's CI seeds 1..%d (driver.py on %s).\n", ciSeeds, pythonVersion())
	b.WriteString("# Regenerate: go test ./conformance/difftest -run TestCI -update\n")
	for i, p := range progs {
		r := res[i]
		dead := 0
		if r.Dead {
			dead = 1
		} else if r.DeadShutdown {
			dead = 2
		}
		fmt.Fprintf(&b, "=== seed %d src=%s mainend=%d dead=%d lines=%d\n", p.Seed, srcHash(difftest.Python(p)), r.MainEnd, dead, len(r.Lines))
		for _, l := range r.Lines {
			b.WriteString(l + "\n")
		}
	}
	if err := os.WriteFile(goldenFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", goldenFile)
}

func pythonVersion() string {
	out, err := exec.Command("python3", "--version").Output()
	if err != nil {
		return "python3"
	}
	return strings.TrimSpace(string(out))
}

// TestCI runs the CI seeds on sched and compares each trace with CPython's,
// committed in goldenFile.
func TestCI(t *testing.T) {
	leaktest.Check(t)
	if *flagUpdate {
		writeGolden(t)
	}
	gs := readGolden(t)
	start := time.Now()
	agree := 0
	for seed := uint64(1); seed <= ciSeeds; seed++ {
		p := difftest.Generate(seed, nil)
		g, ok := gs[seed]
		if !ok {
			t.Fatalf("seed %d missing from %s: regenerate it with -update", seed, goldenFile)
		}
		if h := srcHash(difftest.Python(p)); h != g.hash {
			t.Fatalf("seed %d: the generator no longer makes the program %s was made from (src %s, now %s): regenerate it with go test ./conformance/difftest -run TestCI -update", seed, goldenFile, g.hash, h)
		}
		r := interpret(p)
		diff := difftest.Compare(g.res, r, nil)
		reason, known := knownFailing[seed]
		switch {
		case diff < 0 && known:
			t.Errorf("seed %d agrees with CPython now: remove it from knownFailing (%s)", seed, reason)
		case diff < 0:
			agree++
		case known:
			t.Logf("seed %d: known failing: %s", seed, reason)
		default:
			t.Errorf("seed %d: sched disagrees with CPython at trace line %d; replay: %s\n%s", seed, diff+1, replay(seed, ""), difftest.Report(p, g.res, r, diff))
		}
	}
	t.Logf("%d of %d CI seeds agree with CPython, %d known failing, in %v", agree, ciSeeds, len(knownFailing), time.Since(start).Round(time.Millisecond))
}

// TestLive runs seeds on sched and on python3 side by side: -seeds N from
// -from, or the one -seed S. Mismatches are minimised and reported.
func TestLive(t *testing.T) {
	if *flagSeeds == 0 && *flagSeed == 0 {
		t.Skip("no -seeds or -seed given")
	}
	ex, bad := difftest.ParseFeatures(*flagExclude)
	if len(bad) > 0 {
		t.Fatalf("-exclude: unknown features %v; known: %v", bad, difftest.FeatureNames)
	}
	py, err := difftest.StartPython()
	if errors.Is(err, exec.ErrNotFound) {
		t.Skip("python3 not found: TestLive compares with CPython live")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer py.Close()
	leaktest.Check(t)
	first, n := *flagFrom, uint64(*flagSeeds)
	if *flagSeed != 0 {
		first, n = *flagSeed, 1
	}
	start := time.Now()
	var fails []uint64
	dead := 0
	tally := map[string]int{}
	lines := 0
	const batch = 250
	for b := first; b < first+n; b += batch {
		var progs []*difftest.Prog
		for seed := b; seed < min(b+batch, first+n); seed++ {
			progs = append(progs, difftest.Generate(seed, ex))
		}
		// CPython runs the batch while Go interprets it.
		type pyOut struct {
			res []difftest.Result
			err error
		}
		ch := make(chan pyOut, 1)
		go func() {
			res, err := py.Run(progs)
			ch <- pyOut{res, err}
		}()
		gres := make([]difftest.Result, len(progs))
		for i, p := range progs {
			gres[i] = interpret(p)
		}
		out := <-ch
		if out.err != nil {
			t.Fatal(out.err)
		}
		for i, p := range progs {
			if out.res[i].Dead || out.res[i].DeadShutdown {
				dead++
			}
			if *flagStats {
				lines += len(out.res[i].Lines)
				for _, l := range out.res[i].Lines {
					tally[statKey(l)]++
				}
			}
			if d := difftest.Compare(out.res[i], gres[i], ex); d >= 0 || n == 1 {
				if d >= 0 {
					fails = append(fails, p.Seed)
				}
				if n == 1 {
					t.Logf("seed %d:\n%s", p.Seed, difftest.Report(p, out.res[i], gres[i], d))
				}
			}
		}
	}
	el := time.Since(start)
	t.Logf("%d programs in %v (%.0f/s), %d ended in deadlock (compared as a prefix), %d mismatches", n, el.Round(time.Millisecond), float64(n)/el.Seconds(), dead, len(fails))
	for i, seed := range fails {
		if i >= *flagMinimize {
			t.Errorf("seed %d: mismatch (not minimised); replay: %s", seed, replay(seed, *flagExclude))
			continue
		}
		p := difftest.Generate(seed, ex)
		fails := func(q *difftest.Prog) bool {
			res, err := py.Run([]*difftest.Prog{q})
			if err != nil {
				t.Fatal(err)
			}
			return difftest.Compare(res[0], interpret(q), ex) >= 0
		}
		m := difftest.Minimize(p, fails)
		res, _ := py.Run([]*difftest.Prog{m})
		g := interpret(m)
		d := difftest.Compare(res[0], g, ex)
		t.Errorf("seed %d: mismatch; minimised from %d to %d statements; replay: %s\n%s", seed, difftest.Size(p), difftest.Size(m), replay(seed, *flagExclude), difftest.Report(m, res[0], g, d))
	}
	if *flagStats {
		keys := make([]string, 0, len(tally))
		for k := range tally {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "%7d %s\n", tally[k], k)
		}
		t.Logf("%d trace lines (%.1f a program); kinds:\n%s", lines, float64(lines)/float64(n), b.String())
	}
	if len(fails) > 0 {
		t.Logf("mismatching seeds: %s", seedList(fails))
	}
}

// statKey classifies a trace line: "t=3 f2: s5 caught Cancelled" is
// "caught Cancelled"; numbers are dropped.
func statKey(l string) string {
	f := strings.Fields(l)
	if len(f) > 1 {
		f = f[1:]
	}
	if len(f) > 1 && strings.HasSuffix(f[0], ":") {
		f = f[1:]
	}
	if len(f) > 0 && len(f[0]) > 1 && f[0][0] == 's' && f[0][1] >= '0' && f[0][1] <= '9' {
		f = f[1:]
	}
	var k []string
	for _, w := range f {
		if _, err := strconv.Atoi(strings.Trim(w, "[],")); err == nil {
			w = "N"
		}
		k = append(k, w)
	}
	s := strings.Join(k, " ")
	if strings.HasPrefix(s, "gather [") || strings.HasPrefix(s, "wait done") {
		if strings.ContainsAny(s, "ECT") && strings.HasPrefix(s, "gather") {
			return "gather [with errors]"
		}
		return strings.Fields(s)[0]
	}
	return s
}

func seedList(s []uint64) string {
	var b []string
	for _, x := range s {
		b = append(b, strconv.FormatUint(x, 10))
	}
	return strings.Join(b, " ")
}
