package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

func Example() {
	if err := run(os.Stdout, 40, 5, 500*time.Millisecond); err != nil {
		fmt.Println(err)
	}
	// Output:
	// crawled 39 paths, at most 5 requests in flight (peak 5), 500ms timeout each
	// 200: 34 pages, 3569 bytes
	// 404: /page/13
	// timed out: /page/7 /page/17 /page/27 /page/37
}

// The semaphore is the only bound: the peak reaches the limit when the crawl
// has that many pages to fetch at once (never more), and every reachable page
// is fetched once.
func TestLimits(t *testing.T) {
	leaktest.Check(t)
	const n = 80
	addr, stop, err := startSite(n)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for _, limit := range []int{1, 3, 10, 50} {
		rep, err := sched.Run(coro.New(func(co *coro.Co) (*report, error) {
			return crawl(co, addr, limit, 500*time.Millisecond)
		}))
		if err != nil {
			t.Fatal(err)
		}
		if rep.peak > limit || (limit <= 10 && rep.peak != limit) {
			t.Errorf("limit %d: peak %d in flight", limit, rep.peak)
		}
		want := reachable(site{n})
		if got := len(rep.fetched) + len(rep.failed); got != len(want) {
			t.Errorf("limit %d: %d paths crawled; want %d", limit, got, len(want))
		}
		for path, err := range rep.failed {
			if !strings.Contains(err.Error(), "timeout") {
				t.Errorf("limit %d: %s failed: %v", limit, path, err)
			}
		}
	}
}

// reachable lists the paths a crawl of s visits: those linked from a page
// that answers in time.
func reachable(s site) map[string]bool {
	seen := map[string]bool{"/": true}
	queue := []int{0}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		if s.slow(i) || s.missing(i) {
			continue
		}
		for _, j := range s.links(i) {
			p := fmt.Sprintf("/page/%d", j)
			if !seen[p] {
				seen[p] = true
				queue = append(queue, j)
			}
		}
	}
	return seen
}
