// Package sched is an asyncio-style event loop for [coro] coroutines: tasks,
// futures, timers, sleeping, gathering, waiting, timeouts and cancellation, with
// asyncio's ordering iteration by iteration, plus what asyncio lacks: virtual
// time and deadlock detection.
//
// # Running
//
// [Run] is asyncio.run: it makes a loop, runs a coroutine as its main task,
// cancels what is left when main returns, and closes the loop.
//
//	n, err := sched.Run(coro.New(func(co *coro.Co) (int, error) {
//		t := sched.Spawn(co, coro.New(func(co *coro.Co) (int, error) {
//			return 1, sched.Sleep(co, time.Second)
//		}))
//		return t.Await(co) // resumes one loop iteration after t finishes
//	}), sched.VirtualTime())
//
// # Ordering
//
// Each iteration of the loop first moves the timers that are due to the ready
// queue (by deadline; equal deadlines in the order they were set), then runs
// exactly the callbacks that were ready when it began, first in first out;
// whatever they schedule runs in a later iteration. Completing a future
// schedules its done callbacks; a task awaiting a future or another task is
// such a callback. So traces match asyncio's line for line.
//
// # Time
//
// Under [VirtualTime] the clock starts at a fixed instant and moves only by
// jumping to the next timer when no task can run: a program that sleeps for an
// hour finishes at once and reports exactly an hour. Otherwise the loop follows
// the real monotonic clock, and its idle wait blocks on a channel and a timer,
// so it uses no CPU and works under testing/synctest. (A loop whose task opened
// an aio stream over a socket waits in aio's poller instead, on Linux: see
// package aio.)
//
// # Structured concurrency
//
// [Group] and [WithGroup] are asyncio's TaskGroup; [WithTimeout] and
// [WithDeadline] its timeout and timeout_at; [Map] and [MapUnordered] run a
// function over a sequence with at most so many calls in flight.
//
// # The world outside
//
// A task waits for the world through a goroutine that reports back: [Go] for
// calls that wait (an HTTP request, a database driver), [ToThread] for
// blocking CPU work (it is bounded, as asyncio's executor is), [Recv] for a
// channel, and [Loop.CallSoonThreadsafe] under a [Loop.Hold] for anything
// else. [WithContext] cancels the main task when a context ends (Ctrl-C).
// Package aio builds streams, servers and processes on these.
//
// # A million waits
//
// A task is a coroutine: a goroutine stack (2 KB at least) and about 1.1 KB of
// heap while it is suspended, where a Future is about 100 bytes. A program that
// waits a million times at once, and does nothing between a wait and its
// result but record it, can wait without a task per wait: a Future each,
// completed by a timer or by whatever delivers the result, gathered:
//
//	f := sched.NewFuture[struct{}](co)
//	l.AfterFunc(d, func() { f.SetResult(struct{}{}) })
//	aws = append(aws, f) // then sched.Gather(co, aws...)
//
// On a 2-core VM a million such waits of 0.5 s take about 2.5 CPU seconds
// and 0.5 GB, against about 12.5 and 3.5 GB for a million tasks that each
// Sleep (go run ./bench/million -futures; BenchmarkWaits). A task is what a wait
// needs when code runs between its awaits.
//
// # Deadlocks
//
// The loop is alive while a callback is ready, a timer is pending, or something
// outside holds it (a Hold, which ToThread, Go and Recv take while their
// goroutine runs). When none of these holds and the main coroutine has not
// finished, nothing can ever wake it: where asyncio hangs, Run returns an error
// wrapping [ErrDeadlock] that names every waiting task and what it waits on.
//
// # Goroutines
//
// A loop runs on the goroutine that called Run or RunOn, and its tasks' bodies
// run on their coroutines, one at a time, handing control back and forth with
// that goroutine. Everything here except [Loop.CallSoonThreadsafe], [Loop.Hold]
// and the function Hold returns is for that goroutine and its tasks.
package sched
