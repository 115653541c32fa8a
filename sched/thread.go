package sched

import (
	"context"
	"runtime"
	"runtime/debug"

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
// fn's context is cancelled when the awaiting task is cancelled, and when Go
// returns. If the task is cancelled while fn runs, Go returns the
// cancellation at once; fn's result is then dropped, and fn must return soon
// after its context is done: Run waits for every fn to return before it
// returns, so that no goroutine is left behind.
//
// While fn runs it keeps the loop alive, so a task waiting for it is not a
// deadlock. A panic in fn comes out of Run as a panic with a *PanicError
// holding the goroutine's stack.
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
	f := NewFutureOn[T](l)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	who := t.Name() + " (" + name + ")"
	l.startThread(bounded, func() {
		release := l.Hold()
		go func() {
			var r T
			var err error
			var p *PanicError
			func() {
				defer func() {
					if v := recover(); v != nil {
						p = &PanicError{Value: v, Task: who, Stack: debug.Stack()}
					}
				}()
				r, err = fn(ctx)
			}()
			if l.CallSoonThreadsafe(func() {
				l.threadDone(bounded)
				if p != nil {
					panic(p)
				}
				if f.Done() {
					return
				}
				if err != nil {
					f.SetError(err)
				} else {
					f.SetResult(r)
				}
			}) != nil && p != nil {
				panic(p) // the loop is gone: crash rather than lose the panic
			}
			release()
		}()
	})
	return f.Await(co)
}

// startThread starts a ToThread or Go call now, or queues a ToThread call
// behind the bound.
func (l *Loop) startThread(bounded bool, start func()) {
	l.threads++
	if !bounded {
		start()
		return
	}
	if l.maxThreads == 0 {
		l.maxThreads = defaultMaxThreads()
	}
	l.bounded++
	if l.bounded > l.maxThreads {
		l.threadQueue = append(l.threadQueue, start)
		return
	}
	start()
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
		next()
	}
}
