package gen_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
)

// AllErr hands a body's failure to the loop as the last pair, in push mode
// (Created) and in pull mode (Suspended); a normal return adds no pair; a
// break closes the generator and adds none; a Closed generator yields nothing.
func TestAllErr(t *testing.T) {
	errBody := errors.New("body failed")
	type pair struct {
		V   int
		Err string
	}
	newGen := func(n int, fail error, cleaned *bool) *gen.Gen[int, struct{}, string] {
		return gen.New(func(yield gen.Yield[int, struct{}]) (string, error) {
			defer func() { *cleaned = true }()
			for i := range n {
				if _, err := yield(i); err != nil {
					return "closed", err
				}
			}
			return "returned", fail
		})
	}
	run := func(g *gen.Gen[int, struct{}, string], stopAfter int) []pair {
		got := []pair{}
		for v, err := range g.AllErr() {
			e := ""
			if err != nil {
				e = err.Error()
			}
			got = append(got, pair{v, e})
			if len(got) == stopAfter {
				break
			}
		}
		return got
	}
	for _, c := range []struct {
		name      string
		n         int
		fail      error
		step      bool // Next once first: pull mode
		stopAfter int
		want      []pair
		wantRes   string
		wantErr   error
	}{
		{"push, fails", 2, errBody, false, 0, []pair{{0, ""}, {1, ""}, {0, "body failed"}}, "returned", errBody},
		{"push, returns", 2, nil, false, 0, []pair{{0, ""}, {1, ""}}, "returned", nil},
		{"push, fails at once", 0, errBody, false, 0, []pair{{0, "body failed"}}, "returned", errBody},
		{"push, break", 5, errBody, false, 2, []pair{{0, ""}, {1, ""}}, "closed", nil},
		{"pull, fails", 3, errBody, true, 0, []pair{{1, ""}, {2, ""}, {0, "body failed"}}, "returned", errBody},
		{"pull, returns", 3, nil, true, 0, []pair{{1, ""}, {2, ""}}, "returned", nil},
		{"pull, break", 5, errBody, true, 1, []pair{{1, ""}}, "closed", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			leaktest.Check(t)
			cleaned := false
			g := newGen(c.n, c.fail, &cleaned)
			if c.step {
				if v, err := g.Next(); v != 0 || err != nil {
					t.Fatalf("Next() = %d, %v; want 0, nil", v, err)
				}
			}
			if diff := cmp.Diff(c.want, run(g, c.stopAfter)); diff != "" {
				t.Errorf("pairs (-want +got):\n%s", diff)
			}
			if !cleaned || g.State() != gen.Closed {
				t.Errorf("after the loop: cleaned %v, state %v; want true, closed", cleaned, g.State())
			}
			if r, err := g.Result(); r != c.wantRes || err != c.wantErr {
				t.Errorf("Result() = %q, %v; want %q, %v", r, err, c.wantRes, c.wantErr)
			}
			if diff := cmp.Diff([]pair{}, run(g, 0)); diff != "" {
				t.Errorf("ranging the Closed generator again (-want +got):\n%s", diff)
			}
		})
	}
}
