package gen_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/google/go-cmp/cmp"
)

// walk returns a generator that yields the numbers lo..hi-1 in order by
// delegating, inline, to one for each half, as a recursive generator walks a
// tree. A leaf returns 1 plus what was sent to its yield; a level returns the
// sum of its halves'. Each level logs how it ended to log (which only the
// goroutine running the walk writes).
func walk(lo, hi int, log *[]string) *gen.Gen[int, int, int] {
	return gen.New(func(yield gen.Yield[int, int]) (n int, err error) {
		defer func() { *log = append(*log, fmt.Sprintf("[%d,%d) %s", lo, hi, errName(err))) }()
		if hi-lo == 1 {
			in, err := yield(lo)
			return 1 + in, err
		}
		mid := (lo + hi) / 2
		a, err := gen.YieldFrom(yield, walk(lo, mid, log))
		if err != nil {
			return a, err
		}
		b, err := gen.YieldFrom(yield, walk(mid, hi, log))
		return a + b, err
	})
}

// TestDelegationOnManyGoroutines: generators that delegate recursively run on
// several goroutines at once, so that their levels start and end interleaved;
// each yields its values in order, returns the right sum and ends every level,
// also when closed halfway. Run it with -race: the levels of one goroutine must
// not read those of another.
func TestDelegationOnManyGoroutines(t *testing.T) {
	leaktest.Check(t)
	const workers, rounds, n = 4, 50, 16
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				var log []string
				g := walk(0, n, &log)
				stopAt := n
				if (w+r)%2 == 1 {
					stopAt = (w + r) % n // close halfway
				}
				var got []int
				for i := 0; i < stopAt; i++ {
					v, err := g.Send(boolInt(i > 0)) // every value after the first sends 1
					if err != nil {
						errs <- fmt.Errorf("worker %d round %d: Send: %v", w, r, err)
						return
					}
					got = append(got, v)
				}
				var want []int
				for i := range stopAt {
					want = append(want, i)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					errs <- fmt.Errorf("worker %d round %d: values (-want +got):\n%s", w, r, diff)
					return
				}
				if stopAt == n {
					if _, err := g.Send(1); !errors.Is(err, gen.ErrStopIteration) {
						errs <- fmt.Errorf("worker %d round %d: last Send: %v, want ErrStopIteration", w, r, err)
						return
					}
					if res, err := g.Result(); res != 2*n || err != nil {
						// Each leaf's yield was resumed by a Send(1).
						errs <- fmt.Errorf("worker %d round %d: Result() = %d, %v; want %d, <nil>", w, r, res, err, 2*n)
						return
					}
				} else if err := g.Close(); err != nil {
					errs <- fmt.Errorf("worker %d round %d: Close: %v", w, r, err)
					return
				}
				// Every level that started has ended: 2*leaves-1 levels in a
				// full walk; when closed, those started so far.
				if stopAt == n && len(log) != 2*n-1 {
					errs <- fmt.Errorf("worker %d round %d: %d levels ended, want %d:\n%v", w, r, len(log), 2*n-1, log)
					return
				}
				// A level ends normally, or, when closed, with ErrGeneratorExit.
				for _, l := range log {
					if !strings.HasSuffix(l, " <nil>") && (stopAt == n || !strings.HasSuffix(l, " GeneratorExit")) {
						errs <- fmt.Errorf("worker %d round %d: level ended %q", w, r, l)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
