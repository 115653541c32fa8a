package corio_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// runMain runs body as the main task of a virtual-time loop, failing b on error.
func runMain(b *testing.B, body func(co *coro.Co) error) {
	b.Helper()
	if _, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, body(co)
	}), sched.VirtualTime()); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTaskSwitch: 100 tasks take turns with Sleep(co, 0), asyncio's
// sleep(0) round robin; ns/switch is the time per task step.
func BenchmarkTaskSwitch(b *testing.B) {
	const tasks = 100
	b.ReportAllocs()
	runMain(b, func(co *coro.Co) error {
		var all []coro.Awaitable[struct{}]
		for range tasks {
			all = append(all, sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				for range b.N {
					if err := sched.Sleep(co, 0); err != nil {
						return struct{}{}, err
					}
				}
				return struct{}{}, nil
			})))
		}
		b.ResetTimer()
		_, err := sched.Gather(co, all...)
		b.StopTimer()
		return err
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tasks), "ns/switch")
}

// BenchmarkAwaitInline: awaiting a new coroutine object runs its body inline.
func BenchmarkAwaitInline(b *testing.B) {
	b.ReportAllocs()
	body := func(co *coro.Co) (int, error) { return 1, nil }
	runMain(b, func(co *coro.Co) error {
		n := 0
		for b.Loop() {
			v, _ := coro.New(body).Await(co)
			n += v
		}
		return nil
	})
}

// BenchmarkAwaitAsyncFunc: calling an async function is awaiting it.
func BenchmarkAwaitAsyncFunc(b *testing.B) {
	b.ReportAllocs()
	runMain(b, func(co *coro.Co) error {
		n := 0
		for b.Loop() {
			v, _ := addOne(co, n)
			n = v
		}
		return nil
	})
}

//go:noinline
func addOne(co *coro.Co, n int) (int, error) { return n + 1, nil }

// BenchmarkSpawnAwait: spawn a trivial task and await it to completion.
func BenchmarkSpawnAwait(b *testing.B) {
	b.ReportAllocs()
	body := func(co *coro.Co) (int, error) { return 1, nil }
	runMain(b, func(co *coro.Co) error {
		for b.Loop() {
			if _, err := sched.Spawn(co, coro.New(body)).Await(co); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkGather10000: gather 10,000 tasks that each sleep once; per task.
func BenchmarkGather10000(b *testing.B) {
	const n = 10000
	b.ReportAllocs()
	body := func(co *coro.Co) (int, error) { return 1, sched.Sleep(co, time.Millisecond) }
	runMain(b, func(co *coro.Co) error {
		for b.Loop() {
			aws := make([]coro.Awaitable[int], n)
			for i := range aws {
				aws[i] = coro.New(body)
			}
			if _, err := sched.Gather(co, aws...); err != nil {
				return err
			}
		}
		return nil
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/task")
}

// BenchmarkSuspendedTask reports the memory one task sleeping in Sleep holds:
// its coroutine's stack and every heap object, as B/task.
func BenchmarkSuspendedTask(b *testing.B) {
	const n = 10000
	var perTask float64
	runMain(b, func(co *coro.Co) error {
		for b.Loop() {
			before := held()
			tasks := make([]*sched.Task[struct{}], n)
			for i := range tasks {
				tasks[i] = sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
					return struct{}{}, sched.Sleep(co, time.Hour)
				}))
			}
			sched.Sleep(co, 0) // every task starts and suspends in Sleep
			perTask = float64(held()-before) / n
			for _, t := range tasks {
				t.Cancel()
			}
			for _, t := range tasks {
				t.Await(co)
			}
		}
		return nil
	})
	b.ReportMetric(perTask, "B/task")
}

// BenchmarkTimers: n timers with random deadlines set, then all fired, on a
// virtual clock; ns/timer should not grow with n (the heap keeps deadlines
// inline, so sifting does not chase pointers).
func BenchmarkTimers(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			r := rand.New(rand.NewPCG(1, 2))
			deadlines := make([]time.Duration, n)
			for i := range deadlines {
				deadlines[i] = time.Duration(r.Int64N(int64(time.Hour)))
			}
			for b.Loop() {
				fired := 0
				runMain(b, func(co *coro.Co) error {
					l := sched.LoopOf(co)
					for _, d := range deadlines {
						l.AfterFunc(d, func() { fired++ })
					}
					return sched.Sleep(co, 2*time.Hour)
				})
				if fired != n {
					b.Fatalf("%d of %d timers fired", fired, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/timer")
		})
	}
}

// BenchmarkSpawnAwaitLoops: spawn+await on one loop, and the same work split
// between two loops on two goroutines (GOMAXPROCS 2 or more). With nothing
// shared per task between loops (no process-wide lock: sched's tasks need no
// finalizer), two loops do nearly twice the work: compare ns/op.
func BenchmarkSpawnAwaitLoops(b *testing.B) {
	body := func(co *coro.Co) (int, error) { return 1, nil }
	for _, loops := range []int{1, 2} {
		b.Run(fmt.Sprintf("loops=%d", loops), func(b *testing.B) {
			b.ReportAllocs()
			var wg sync.WaitGroup
			per := b.N / loops
			b.ResetTimer()
			for range loops {
				wg.Add(1)
				go func() {
					defer wg.Done()
					runMain(b, func(co *coro.Co) error {
						for range per {
							if _, err := sched.Spawn(co, coro.New(body)).Await(co); err != nil {
								return err
							}
						}
						return nil
					})
				}()
			}
			wg.Wait()
		})
	}
}

// BenchmarkWaits: 10,000 waits of one second on a virtual clock, gathered, as
// tasks that each Sleep (a coroutine each) and as the stackless alternative
// sched's doc describes (a Future each, completed by AfterFunc). ns/wait and
// B/wait are per wait.
func BenchmarkWaits(b *testing.B) {
	const n = 10_000
	for _, kind := range []string{"tasks", "futures"} {
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				runMain(b, func(co *coro.Co) error {
					aws := make([]coro.Awaitable[struct{}], n)
					l := sched.LoopOf(co)
					for i := range aws {
						if kind == "tasks" {
							aws[i] = sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
								return struct{}{}, sched.Sleep(co, time.Second)
							}))
							continue
						}
						f := sched.NewFuture[struct{}](co)
						l.AfterFunc(time.Second, func() { f.SetResult(struct{}{}) })
						aws[i] = f
					}
					_, err := sched.Gather(co, aws...)
					return err
				})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/wait")
		})
	}
}

// BenchmarkGo: a task awaits sched.Go of a function that returns at once;
// one task, and 50 tasks at a time. ns/op is per call.
func BenchmarkGo(b *testing.B) {
	fn := func(context.Context) (int, error) { return 1, nil }
	for _, tasks := range []int{1, 50} {
		b.Run(fmt.Sprintf("tasks=%d", tasks), func(b *testing.B) {
			b.ReportAllocs()
			per := b.N/tasks + 1
			if _, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
				var aws []coro.Awaitable[struct{}]
				for range tasks {
					aws = append(aws, coro.New(func(co *coro.Co) (struct{}, error) {
						for range per {
							if _, err := sched.Go(co, fn); err != nil {
								return struct{}{}, err
							}
						}
						return struct{}{}, nil
					}))
				}
				_, err := sched.Gather(co, aws...)
				return struct{}{}, err
			})); err != nil {
				b.Fatal(err)
			}
		})
	}
}
