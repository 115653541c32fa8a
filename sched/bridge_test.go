package sched_test

// Tests of the bridges to the world outside the loop: Go, Recv, WithContext
// and WithDeadline.

import (
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// Go has no bound: 50 calls that can only finish together all run at once,
// even with MaxThreads(2) (ToThread's bound), which would never let them.
func TestGoHasNoBound(t *testing.T) {
	leaktest.Check(t)
	const n = 50
	var wg sync.WaitGroup
	wg.Add(n)
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	res, err := sched.Run(coro.New(func(co *coro.Co) ([]int, error) {
		var aws []coro.Awaitable[int]
		for i := range n {
			aws = append(aws, coro.New(func(co *coro.Co) (int, error) {
				return sched.Go(co, func(ctx context.Context) (int, error) {
					wg.Done()
					<-all
					return i, nil
				})
			}))
		}
		return sched.Gather(co, aws...)
	}), sched.MaxThreads(2))
	if err != nil || len(res) != n || res[n-1] != n-1 {
		t.Fatalf("Run = %v, %v; want 0..%d", res, err, n-1)
	}
}

// Cancelling the task awaiting Go ends the await at once and cancels fn's
// context; Run waits for fn to return.
func TestGoCancel(t *testing.T) {
	leaktest.Check(t)
	returned := make(chan struct{})
	var fnErr error
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		started := sched.NewFuture[struct{}](co)
		l := sched.LoopOf(co)
		task := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
			return sched.Go(co, func(ctx context.Context) (int, error) {
				l.CallSoonThreadsafe(func() { started.SetResult(struct{}{}) })
				<-ctx.Done()
				fnErr = ctx.Err()
				close(returned)
				return 1, nil
			})
		}))
		started.Await(co)
		task.Cancel()
		if _, err := task.Await(co); !errors.Is(err, context.Canceled) {
			t.Errorf("await of the cancelled task = %v; want a cancellation", err)
		}
		return struct{}{}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-returned:
	default:
		t.Errorf("Run returned before fn did")
	}
	if !errors.Is(fnErr, context.Canceled) {
		t.Errorf("fn's context ended with %v; want context.Canceled", fnErr)
	}
}

// A panic in Go's fn comes out of Run as a *PanicError.
func TestGoPanic(t *testing.T) {
	leaktest.Check(t)
	p := panicOf(func() {
		sched.Run(coro.New(func(co *coro.Co) (int, error) {
			return sched.Go(co, func(context.Context) (int, error) { panic("boom") })
		}))
	})
	pe, ok := p.(*sched.PanicError)
	if !ok || pe.Value != "boom" {
		t.Fatalf("Run panicked with %v; want a *PanicError of boom", p)
	}
}

func TestRecv(t *testing.T) {
	leaktest.Check(t)
	type got struct {
		V  int
		OK bool
	}
	ch := make(chan int, 1)
	var gots []got
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		ch <- 1 // ready: no suspension
		v, ok, err := sched.Recv(co, ch)
		if err != nil {
			return struct{}{}, err
		}
		gots = append(gots, got{v, ok})
		go func() { time.Sleep(time.Millisecond); ch <- 2; close(ch) }()
		for range 2 {
			v, ok, err := sched.Recv(co, ch) // waits: a goroutine keeps the loop alive
			if err != nil {
				return struct{}{}, err
			}
			gots = append(gots, got{v, ok})
		}
		return struct{}{}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]got{{1, true}, {2, true}, {0, false}}, gots); diff != "" {
		t.Errorf("received (-want +got):\n%s", diff)
	}
}

var recvSeed = flag.Uint64("sched.recvseed", 0, "seed of TestRecvCancelledLosesNothing's producer (0: one from the clock)")

// Receives cut short by timeouts, over and over, while a producer sends: every
// value comes out once, in order.
func TestRecvCancelledLosesNothing(t *testing.T) {
	leaktest.Check(t)
	seed := *recvSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay: go test -run '^%s$' ./sched -args -sched.recvseed %d)", seed, t.Name(), seed)
	const n = 2000
	ch := make(chan int)
	go func() {
		r := rand.New(rand.NewPCG(seed, 0))
		for i := range n {
			if r.IntN(8) == 0 {
				time.Sleep(time.Duration(r.IntN(50)) * time.Microsecond)
			}
			ch <- i
		}
	}()
	var gots []int
	timeouts := 0
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		for len(gots) < n {
			err := sched.WithTimeout(co, 20*time.Microsecond, func(co *coro.Co) error {
				v, _, err := sched.Recv(co, ch)
				if err == nil {
					gots = append(gots, v)
				}
				return err
			})
			if errors.Is(err, sched.ErrTimeout) {
				timeouts++
			} else if err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	}))
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	for i, v := range gots {
		if v != i {
			t.Fatalf("seed %d: value %d is %d; want %d (%d timeouts)", seed, i, v, i, timeouts)
		}
	}
	t.Logf("%d values, %d receives cut short", n, timeouts)
}

// A Recv on a nil channel waits until cancelled, and is not a deadlock while
// it does (a goroutine waits on it): under WithDeadline it times out.
func TestRecvNilChannelAndWithDeadline(t *testing.T) {
	leaktest.Check(t)
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		l := sched.LoopOf(co)
		deadline := l.Now().Add(time.Millisecond)
		err := sched.WithDeadline(co, deadline, func(co *coro.Co) error {
			_, _, err := sched.Recv(co, (<-chan int)(nil))
			return err
		})
		if !errors.Is(err, sched.ErrTimeout) || l.Now().Before(deadline) {
			t.Errorf("WithDeadline = %v at %v; want a timeout at or after %v", err, l.Now(), deadline)
		}
		// A deadline already past expires at the next iteration.
		err = sched.WithDeadline(co, l.Now().Add(-time.Hour), func(co *coro.Co) error { return sched.Sleep(co, time.Hour) })
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("WithDeadline in the past = %v; want a timeout", err)
		}
		return struct{}{}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
}

// WithContext: the context ending cancels the main task, and Run's error
// matches both the cancellation and the context's cause. While the context may
// still end, a main task waiting only for it is not a deadlock.
func TestWithContext(t *testing.T) {
	leaktest.Check(t)
	cause := errors.New("interrupted")
	ctx, cancel := context.WithCancelCause(context.WithValue(context.Background(), ctxKey{}, "v"))
	var value any
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		value = co.Context().Value(ctxKey{})
		go func() { time.Sleep(time.Millisecond); cancel(cause) }()
		var e sched.Event
		return struct{}{}, e.Wait(co) // nothing sets it: only the context ends this
	}), sched.WithContext(ctx))
	if !errors.Is(err, sched.ErrCancelled) || !errors.Is(err, cause) {
		t.Errorf("Run = %v; want a cancellation matching %v", err, cause)
	}
	if value != "v" {
		t.Errorf("the task's context carries %v; want the value of WithContext's", value)
	}

	// A main task that catches the cancellation and returns normally: Run
	// returns its result.
	ctx, cancel2 := context.WithCancel(context.Background())
	cancel2()
	n, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
		if err := sched.Sleep(co, time.Hour); err != nil {
			return 7, nil
		}
		return 0, nil
	}), sched.WithContext(ctx), sched.VirtualTime())
	if n != 7 || err != nil {
		t.Errorf("Run with a main that catches the cancellation = %d, %v; want 7, nil", n, err)
	}
}

type ctxKey struct{}
