package aiter_test

import (
	"errors"
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

// Breaking out of async for closes the generator, whose cleanup awaits; a
// cancellation of the ranging task during that cleanup is not lost: it comes
// out at the task's next await (push mode and pull mode).
func TestBreakCleanupCancellationNotLost(t *testing.T) {
	leaktest.Check(t)
	for _, pull := range []bool{false, true} {
		var after error
		run(t, func(co *coro.Co) error {
			consumer := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				g := aiter.New(func(co *coro.Co, yield gen.Yield[int, struct{}]) error {
					for i := 0; ; i++ {
						if _, err := yield(i); err != nil {
							// Cleanup that awaits, as "finally: await sleep(1)",
							// cancelled meanwhile: the cancellation leaves the body.
							if cerr := sched.Sleep(co, time.Second); cerr != nil {
								return cerr
							}
							return err
						}
					}
				})
				if pull {
					g.ANext(co) // started: All steps it in pull mode
				}
				for range aiter.All(co, g) {
					break
				}
				after = sched.Sleep(co, 0)
				return struct{}{}, nil
			}))
			sched.Sleep(co, 500*time.Millisecond)
			consumer.Cancel()
			_, err := consumer.Await(co)
			return err
		})
		if !errors.Is(after, sched.ErrCancelled) {
			t.Errorf("pull=%v: the await after the loop = %v; want the cancellation", pull, after)
		}
	}
}
