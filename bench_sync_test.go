package corio_test

// Benchmarks of sched's synchronisation primitives and queues. Their asyncio
// counterparts, with the same names and units, are in
// bench/python/sync_bench.py.

import (
	"testing"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// syncMain runs body as the main task of a virtual-time loop, failing b on
// error.
func syncMain(b *testing.B, body func(co *coro.Co) error) {
	b.Helper()
	if _, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, body(co)
	}), sched.VirtualTime()); err != nil {
		b.Fatal(err)
	}
}

// syncTask spawns fn as a task.
func syncTask(co *coro.Co, fn func(co *coro.Co) error) *sched.Task[struct{}] {
	return sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, fn(co)
	}))
}

// BenchmarkQueueHandoff: a producer task Puts b.N items, a consumer task Gets
// them; per item. On an unbounded queue Put never waits, so the producer
// yields to the loop (Sleep(co, 0)) every 1,024 items to let the consumer
// drain them, which keeps the queue small; on a queue of size 1 every item
// costs both tasks a suspension and a wake-up.
func BenchmarkQueueHandoff(b *testing.B) {
	for _, bc := range []struct {
		name    string
		maxsize int
	}{{"unbounded", 0}, {"size1", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			syncMain(b, func(co *coro.Co) error {
				q := sched.NewQueue[int](bc.maxsize)
				b.ResetTimer()
				producer := syncTask(co, func(co *coro.Co) error {
					for i := range b.N {
						if err := q.Put(co, i); err != nil {
							return err
						}
						if i%1024 == 1023 && bc.maxsize == 0 {
							if err := sched.Sleep(co, 0); err != nil {
								return err
							}
						}
					}
					return nil
				})
				consumer := syncTask(co, func(co *coro.Co) error {
					for range b.N {
						if _, err := q.Get(co); err != nil {
							return err
						}
					}
					return nil
				})
				if _, err := producer.Await(co); err != nil {
					return err
				}
				_, err := consumer.Await(co)
				b.StopTimer()
				return err
			})
		})
	}
}

// BenchmarkLock: Acquire and Release, per pair. Uncontended: one task, the
// lock always free. Contended: 10 tasks each hold the lock across a
// Sleep(co, 0), so every Acquire but the first waits for a hand-off.
func BenchmarkLock(b *testing.B) {
	b.Run("uncontended", func(b *testing.B) {
		b.ReportAllocs()
		syncMain(b, func(co *coro.Co) error {
			var l sched.Lock
			for b.Loop() {
				if err := l.Acquire(co); err != nil {
					return err
				}
				l.Release()
			}
			return nil
		})
	})
	b.Run("contended10", func(b *testing.B) {
		const tasks = 10
		b.ReportAllocs()
		syncMain(b, func(co *coro.Co) error {
			var l sched.Lock
			b.ResetTimer()
			var all []coro.Awaitable[struct{}]
			for i := range tasks {
				n := b.N / tasks
				if i < b.N%tasks {
					n++
				}
				all = append(all, syncTask(co, func(co *coro.Co) error {
					for range n {
						if err := l.Acquire(co); err != nil {
							return err
						}
						if err := sched.Sleep(co, 0); err != nil {
							return err
						}
						l.Release()
					}
					return nil
				}))
			}
			_, err := sched.Gather(co, all...)
			b.StopTimer()
			return err
		})
	})
}

// BenchmarkEventWake: Set wakes 1,000 tasks waiting on an Event, each of which
// resumes and waits on the next round's Event; ns/waiter is the time per task
// woken (the Set, the wake-up, the task's step and its next Wait).
func BenchmarkEventWake(b *testing.B) {
	const waiters = 1000
	b.ReportAllocs()
	syncMain(b, func(co *coro.Co) error {
		rounds := make([]sched.Event, b.N)
		var back sched.Event
		woken := 0
		var all []coro.Awaitable[struct{}]
		for range waiters {
			all = append(all, syncTask(co, func(co *coro.Co) error {
				for r := range rounds {
					if err := rounds[r].Wait(co); err != nil {
						return err
					}
					if woken++; woken == waiters {
						woken = 0
						back.Set()
					}
				}
				return nil
			}))
		}
		if err := sched.Sleep(co, 0); err != nil { // every waiter waits on round 0
			return err
		}
		b.ResetTimer()
		for r := range rounds {
			back.Clear()
			rounds[r].Set()
			if err := back.Wait(co); err != nil {
				return err
			}
		}
		b.StopTimer()
		_, err := sched.Gather(co, all...)
		return err
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*waiters), "ns/waiter")
}
