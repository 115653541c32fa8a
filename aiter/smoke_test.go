package aiter_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/aiter"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

func ticker(name string, n int, d time.Duration, log *[]string) *aiter.Gen[string, struct{}] {
	return aiter.New(func(co *coro.Co, yield gen.Yield[string, struct{}]) error {
		defer func() { *log = append(*log, name+" closed") }()
		for i := range n {
			if err := sched.Sleep(co, d); err != nil {
				return err
			}
			if _, err := yield(fmt.Sprintf("%s%d", name, i)); err != nil {
				return err
			}
		}
		return nil
	})
}

func run(t *testing.T, body func(co *coro.Co) error) {
	t.Helper()
	if _, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, body(co)
	}), sched.VirtualTime()); err != nil {
		t.Fatal(err)
	}
}

func TestSmokePushPullMerge(t *testing.T) {
	leaktest.Check(t)
	var log []string
	run(t, func(co *coro.Co) error {
		for v, err := range aiter.All(co, ticker("a", 3, time.Second, &log)) {
			if err != nil {
				return err
			}
			log = append(log, v)
		}
		g := ticker("b", 5, time.Second, &log)
		v, err := g.ANext(co)
		log = append(log, v)
		if err != nil {
			return err
		}
		if err := g.AClose(co); err != nil {
			return err
		}
		if _, err := g.ANext(co); !errors.Is(err, aiter.ErrStopAsyncIteration) {
			return fmt.Errorf("ANext after AClose: %v", err)
		}
		m := aiter.Merge[string](ticker("x", 3, 2*time.Second, &log), ticker("y", 2, 3*time.Second, &log))
		for v, err := range aiter.All(co, m) {
			if err != nil {
				return err
			}
			log = append(log, v)
		}
		for v, err := range aiter.All(co, aiter.Take[string](ticker("z", 10, time.Second, &log), 2)) {
			if err != nil {
				return err
			}
			log = append(log, v)
		}
		return nil
	})
	want := "a0 a1 a2 a_closed b0 b_closed x0 y0 x1 y1 y_closed x2 x_closed z0 z1 z_closed"
	got := strings.ReplaceAll(strings.Join(log, " "), " closed", "_closed")
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	_ = slices.Values[[]int]
}

func TestSmokeShutdownClosesAsyncGens(t *testing.T) {
	leaktest.Check(t)
	var log []string
	run(t, func(co *coro.Co) error {
		g := ticker("s", 10, time.Second, &log)
		v, err := g.ANext(co)
		log = append(log, v)
		return err
	})
	if got := strings.Join(log, " "); got != "s0 s closed" {
		t.Fatalf("got %q", got)
	}
}
