package sched_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

func TestSmokeSleepers(t *testing.T) {
	leaktest.Check(t)
	var out []string
	var elapsed time.Duration
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		l := sched.LoopOf(co)
		start := l.Now()
		var tasks []coro.Awaitable[int]
		for _, n := range []int{2, 1, 3} {
			tasks = append(tasks, sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
				if err := sched.Sleep(co, time.Duration(n)*time.Second); err != nil {
					return 0, err
				}
				out = append(out, fmt.Sprintf("Running Task %d", n))
				return n, nil
			})))
		}
		res, err := sched.Gather(co, tasks...)
		out = append(out, fmt.Sprint(res))
		elapsed = l.Now().Sub(start)
		return struct{}{}, err
	}), sched.VirtualTime())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(out, "|"); got != "Running Task 1|Running Task 2|Running Task 3|[2 1 3]" || elapsed != 3*time.Second {
		t.Fatalf("got %q in %v", got, elapsed)
	}
}

func TestSmokeCancelAndDeadlock(t *testing.T) {
	leaktest.Check(t)
	_, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		child := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			err := sched.Sleep(co, time.Hour)
			return 0, err
		}))
		sched.Sleep(co, 0)
		child.Cancel()
		_, err := child.Await(co)
		if !errors.Is(err, sched.ErrCancelled) || !child.Cancelled() {
			return 0, fmt.Errorf("child: %v", err)
		}
		f := sched.NewFuture[int](co)
		return f.Await(co) // nothing will ever set it
	}), sched.VirtualTime())
	if !errors.Is(err, sched.ErrDeadlock) {
		t.Fatalf("err = %v; want deadlock", err)
	}
	t.Log(err)
}

func TestSmokePanic(t *testing.T) {
	leaktest.Check(t)
	defer func() {
		p := recover()
		pe, ok := p.(*sched.PanicError)
		if !ok || pe.Value != "boom" || !strings.Contains(string(pe.Stack), "smoke_test.go") {
			t.Fatalf("recovered %#v", p)
		}
	}()
	sched.Run(coro.New(func(co *coro.Co) (int, error) {
		sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			panic("boom")
		}))
		return 0, sched.Sleep(co, time.Second)
	}))
}
