package difftest_test

import (
	"strings"
	"testing"

	"github.com/corio-go/corio/conformance/difftest"
	"github.com/google/go-cmp/cmp"
)

func TestCompare(t *testing.T) {
	lines := func(s ...string) []string { return s }
	tests := []struct {
		name    string
		py, g   difftest.Result
		exclude string
		want    int
	}{
		{"equal", difftest.Result{Lines: lines("a", "b")}, difftest.Result{Lines: lines("a", "b")}, "", -1},
		{"differ", difftest.Result{Lines: lines("a", "b")}, difftest.Result{Lines: lines("a", "c")}, "", 1},
		{"go longer", difftest.Result{Lines: lines("a")}, difftest.Result{Lines: lines("a", "c")}, "", 1},
		{"deadlock prefix", difftest.Result{Lines: lines("a", "t=0 DEADLOCK"), Dead: true}, difftest.Result{Lines: lines("a", "x", "t=0 DEADLOCK"), Dead: true}, "", -1},
		{"deadlock not reported", difftest.Result{Lines: lines("a", "t=0 DEADLOCK"), Dead: true}, difftest.Result{Lines: lines("a", "x")}, "", 1},
		{"deadlock prefix differs", difftest.Result{Lines: lines("a", "t=0 DEADLOCK"), Dead: true}, difftest.Result{Lines: lines("b", "t=0 DEADLOCK"), Dead: true}, "", 0},
		{"shutdown hung", difftest.Result{Lines: lines("a", "t=0 DEADLOCK in shutdown"), DeadShutdown: true}, difftest.Result{Lines: lines("a", "b", "t=0 main: result 1")}, "", -1},
		{"shutdown excluded", difftest.Result{Lines: lines("a", "b", "t=0 main: result 1"), MainEnd: 1}, difftest.Result{Lines: lines("a", "c", "d", "t=5 main: result 1"), MainEnd: 1}, "shutdown", -1},
		{"shutdown excluded, outcome differs", difftest.Result{Lines: lines("a", "b", "t=0 main: result 1"), MainEnd: 1}, difftest.Result{Lines: lines("a", "t=5 main: result 2"), MainEnd: 1}, "shutdown", 2},
		{"shutdown excluded, before main's end", difftest.Result{Lines: lines("a", "t=0 main: result 1"), MainEnd: 1}, difftest.Result{Lines: lines("b", "t=0 main: result 1"), MainEnd: 1}, "shutdown", 0},
	}
	for _, tt := range tests {
		ex, _ := difftest.ParseFeatures(tt.exclude)
		if got := difftest.Compare(tt.py, tt.g, ex); got != tt.want {
			t.Errorf("%s: Compare = %d; want %d", tt.name, got, tt.want)
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		a, b := difftest.Python(difftest.Generate(seed, nil)), difftest.Python(difftest.Generate(seed, nil))
		if a != b {
			t.Fatalf("seed %d: two programs from one seed differ:\n%s", seed, cmp.Diff(a, b))
		}
	}
	if difftest.Python(difftest.Generate(1, nil)) == difftest.Python(difftest.Generate(2, nil)) {
		t.Errorf("seeds 1 and 2 give the same program")
	}
}

func TestGenerateExcludes(t *testing.T) {
	ex, bad := difftest.ParseFeatures("group,queue,huge,timeout, try")
	if len(bad) > 0 {
		t.Fatalf("ParseFeatures: unknown %v", bad)
	}
	for seed := uint64(1); seed <= 300; seed++ {
		src := difftest.Python(difftest.Generate(seed, ex))
		for _, s := range []string{"TG()", "].put(", "].get(", "922337203685477580", "asyncio.timeout(", "try:\n"} {
			if strings.Contains(src, s) {
				t.Fatalf("seed %d, with %v excluded, uses %q:\n%s", seed, ex, s, src)
			}
		}
	}
	if _, bad := difftest.ParseFeatures("group,nosuch"); !cmp.Equal(bad, []string{"nosuch"}) {
		t.Errorf("ParseFeatures(group,nosuch) unknown = %v; want [nosuch]", bad)
	}
}

// TestMinimize shrinks a program against a predicate that needs two kinds of
// statement, and checks that just those are left.
func TestMinimize(t *testing.T) {
	has := func(p *difftest.Prog, op difftest.Op) bool {
		return strings.Contains(difftest.GoPseudo(p), map[difftest.Op]string{
			difftest.OpCancelSelf: "sched.Current(co).Cancel()",
			difftest.OpGather:     "sched.Gather",
		}[op])
	}
	var p *difftest.Prog
	for seed := uint64(1); ; seed++ {
		p = difftest.Generate(seed, nil)
		if has(p, difftest.OpCancelSelf) && has(p, difftest.OpGather) && difftest.Size(p) > 20 {
			break
		}
	}
	m := difftest.Minimize(p, func(q *difftest.Prog) bool { return has(q, difftest.OpCancelSelf) && has(q, difftest.OpGather) })
	if !has(m, difftest.OpCancelSelf) || !has(m, difftest.OpGather) {
		t.Fatalf("seed %d: the minimised program lost what the predicate needs:\n%s", p.Seed, difftest.GoPseudo(m))
	}
	// A self-cancel sits in a function, reached by a spawn or an argument:
	// a handful of statements at most.
	if n := difftest.Size(m); n > 6 {
		t.Errorf("seed %d: minimised from %d to %d statements; want at most 6:\n%s", p.Seed, difftest.Size(p), n, difftest.GoPseudo(m))
	}
	if difftest.Size(p) <= difftest.Size(m) {
		t.Errorf("seed %d: Minimize changed the original program", p.Seed)
	}
}
