package sched

import (
	"context"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/corio-go/corio/coro"
)

// MaxThreads bounds how many ToThread functions run at once on the loop's
// behalf (asyncio's default executor is bounded too); calls beyond the bound
// wait their turn in order. The default is min(32, GOMAXPROCS+4), Python's
// ThreadPoolExecutor default. [Go] has no bound. n < 1 panics.
func MaxThreads(n int) Option {
	if n < 1 {
		panic("sched.MaxThreads: bound below 1")
	}
	return func(l *Loop) { l.maxThreads = n }
}

func defaultMaxThreads() int { return min(32, runtime.GOMAXPROCS(0)+4) }

// ToThread runs fn on a goroutine of its own and suspends the calling task until
// it returns: asyncio.to_thread, for blocking work that would stall the loop,
// such as a CPU-bound computation or a blocking library call. fn's context is
// cancelled when the task is cancelled. If the task is cancelled while fn
// runs, ToThread returns ErrCancelled at once, and fn goes on until it returns
// (it should watch its context).
//
// At most MaxThreads functions run at once (by default min(32, GOMAXPROCS+4)),
// as asyncio's default executor bounds its threads; later calls queue behind
// them, and their time in the queue counts against any timeout around them.
// For waiting on the world — an HTTP call, a database driver, a channel —
// use [Go], which has no bound: a bound there would only serialise the waits
// (a crawler "limited to 20 fetches" by a Semaphore would run 6 at a time).
//
// While fn runs it keeps the loop alive, as a pending timer does, so a task
// waiting for it is not a deadlock; Run does not return before every fn has
// returned, so no goroutine is left behind. A panic in fn comes out of Run as a
// panic with a *PanicError holding the goroutine's stack.
func ToThread[T any](co *coro.Co, fn func(ctx context.Context) (T, error)) (T, error) {
	return offload(co, "sched.ToThread", true, fn)
}

// Go runs fn on a goroutine of its own and suspends the calling task until it
// returns, with no bound on how many run at once: the bridge for waiting on the
// world (an HTTP call, a database driver, a channel, a blocking read). For
// CPU-bound work use [ToThread], whose bound keeps a burst of computations
// from outnumbering the machine's cores.
//
// fn's context is the task's: cancelled when the awaiting task is cancelled.
// If the task is cancelled while fn runs, Go returns the cancellation at once;
// fn's result is then dropped, and fn must return soon after its context is
// done: Run waits for every fn to return before it returns, so that no
// goroutine is left behind.
//
// While fn runs it keeps the loop alive, so a task waiting for it is not a
// deadlock. A panic in fn comes out of Run as a panic with a *PanicError
// holding the goroutine's stack.
//
// A call hands the task's work to another goroutine and the result back to
// the loop: 1–2 µs on an otherwise idle machine, and several times that in a
// busy server (aio's doc gives figures). Work that never blocks, such as a
// lookup in memory, is cheaper done in the task itself.
func Go[T any](co *coro.Co, fn func(ctx context.Context) (T, error)) (T, error) {
	return offload(co, "sched.Go", false, fn)
}

// offload runs fn on a goroutine for the task of co and awaits its result: the
// body of ToThread (bounded) and Go.
func offload[T any](co *coro.Co, name string, bounded bool, fn func(ctx context.Context) (T, error)) (T, error) {
	var zero T
	if fn == nil {
		panic(name + ": nil func")
	}
	t := taskOf(co)
	if t == nil {
		return zero, errNoLoop
	}
	l := t.loop
	c := &offcall[T]{fn: fn, ctx: t.Context(), task: t, name: name, bounded: bounded}
	c.loop = l
	if l.sim != nil && l.outside {
		return c.seeded(co)
	}
	l.startThread(c, bounded)
	return c.Await(co)
}

// offcall is one ToThread or Go call: the future its task awaits, and what
// its goroutine needs. One allocation per call: the goroutine gets it as a
// job, the loop as the callback that delivers the result.
type offcall[T any] struct {
	Future[T]
	fn      func(ctx context.Context) (T, error)
	ctx     context.Context // the task's: cancelled when the task is cancelled
	task    *task
	name    string // "sched.Go" or "sched.ToThread", for a panic's report
	bounded bool
	r       T
	err     error
	p       *PanicError
}

// start hands the call to a goroutine, on the loop. The loop is held until
// the goroutine has handed the result back.
func (c *offcall[T]) start() {
	c.loop.hold()
	c.loop.dispatch(c)
}

// work runs fn, on a goroutine of the pool, and hands the result to the loop
// as it releases the hold, under one lock, so that the loop never sees
// neither.
func (c *offcall[T]) work() {
	func() {
		defer func() {
			if v := recover(); v != nil {
				c.p = &PanicError{Value: v, Stack: debug.Stack()} // the task's name is filled in on the loop
			}
		}()
		c.r, c.err = c.fn(c.ctx)
	}()
	if c.loop.handIn(c, true) != nil && c.p != nil {
		c.p.Task = "(" + c.name + ")"
		panic(c.p) // the loop is gone: crash rather than lose the panic
	}
}

// run delivers the result, on the loop, when fn has returned.
func (c *offcall[T]) run() {
	c.loop.threadDone(c.bounded)
	if c.p != nil {
		c.p.Task = c.task.Name() + " (" + c.name + ")"
		panic(c.p)
	}
	if c.Done() {
		return // the task was cancelled and went on
	}
	if c.err != nil {
		c.SetError(c.err)
	} else {
		c.SetResult(c.r)
	}
}

// starter is a call waiting for a bounded slot.
type starter interface{ start() }

// startThread starts a ToThread or Go call now, or queues a ToThread call
// behind the bound.
func (l *Loop) startThread(c starter, bounded bool) {
	l.threads++
	if !bounded {
		c.start()
		return
	}
	if l.maxThreads == 0 {
		l.maxThreads = defaultMaxThreads()
	}
	l.bounded++
	if l.bounded > l.maxThreads {
		l.threadQueue = append(l.threadQueue, c)
		return
	}
	c.start()
}

// threadDone runs on the loop when a ToThread or Go function has returned.
func (l *Loop) threadDone(bounded bool) {
	l.threads--
	if l.threads == 0 {
		for _, w := range l.threadsIdle {
			w.SetResult(struct{}{})
		}
		l.threadsIdle = nil
	}
	if !bounded {
		return
	}
	l.bounded--
	if len(l.threadQueue) > 0 {
		next := l.threadQueue[0]
		l.threadQueue[0] = nil
		l.threadQueue = l.threadQueue[1:]
		next.start()
	}
}

// job is what a pooled goroutine runs.
type job interface{ work() }

// workerIdle is how long a pooled goroutine waits for another call before it
// exits.
const workerIdle = 2 * time.Second

// dispatch runs j on a goroutine of the loop's pool: an idle one if there is
// one, a new one otherwise. Reusing goroutines spares each call a goroutine's
// start, and a call into a deep library (a database driver) the growing of a
// fresh stack.
func (l *Loop) dispatch(j job) {
	select {
	case l.jobs <- j:
	default:
		go l.worker(j)
	}
}

// worker runs jobs until it has been idle for workerIdle to twice that, or
// the loop closes. Its timer is not reset for every job, which would cost a
// call as much as the rest of the hand-off: it ticks every workerIdle, and
// the worker exits at a tick with no job since the last.
func (l *Loop) worker(j job) {
	idle := time.NewTicker(workerIdle)
	defer idle.Stop()
	busy := false
	for {
		j.work()
		j = nil // keep nothing of the last call while idle
		busy = true
		for j == nil {
			select {
			case j = <-l.jobs:
			case <-idle.C:
				if !busy {
					return
				}
				busy = false
			case <-l.stop:
				return
			}
		}
	}
}

// seeded is the call under Seed and SeedOutside: fn runs now, inline, and its
// result is delivered after a delay drawn from the seed.
func (c *offcall[T]) seeded(co *coro.Co) (T, error) {
	l := c.loop
	func() {
		defer func() {
			if v := recover(); v != nil {
				panic(&PanicError{Value: v, Task: c.task.Name() + " (" + c.name + ")", Stack: debug.Stack()})
			}
		}()
		c.r, c.err = c.fn(c.ctx)
	}()
	l.AfterFunc(l.sim.lateness(l.outsideMax), func() {
		if c.Done() {
			return
		}
		if c.err != nil {
			c.SetError(c.err)
		} else {
			c.SetResult(c.r)
		}
	})
	return c.Await(co)
}
