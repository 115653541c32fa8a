package aiter_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/aiter"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// A consumer of Merge that is cancelled ends with its cancellation, even when
// the sources handle the cancellation of their own awaits and go on (as
// MapLimit does, and as a cancelled gather raises CancelledError whatever its
// children return).
func TestMergeConsumerCancelledSourcesRecover(t *testing.T) {
	leaktest.Check(t)
	stubborn := func(k int) aiter.Iterator[int] {
		return aiter.New(func(co *coro.Co, yield gen.Yield[int, struct{}]) error {
			for i := 0; i < 5; i++ {
				v := 10*k + i
				if err := sched.Sleep(co, time.Duration(2+k)*time.Second); err != nil {
					v = -1 // handled: go on with a fallback value
				}
				if _, err := yield(v); err != nil {
					return err
				}
			}
			return nil
		})
	}
	var got []timed
	run(t, func(co *coro.Co) error {
		consumer := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			got = drain(co, aiter.Merge(stubborn(0), stubborn(1)), 0)
			return struct{}{}, nil
		}))
		sched.Sleep(co, 5*time.Second)
		consumer.Cancel()
		_, err := consumer.Await(co)
		return err
	})
	want := []timed{{0, "", 2 * time.Second}, {10, "", 3 * time.Second}, {1, "", 4 * time.Second}, {0, sched.ErrCancelled.Error(), 5 * time.Second}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pairs (-want +got):\n%s", diff)
	}
}
