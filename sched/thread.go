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
// ThreadPoolExecutor default. n < 1 panics.
func MaxThreads(n int) Option {
	if n < 1 {
		panic("sched.MaxThreads: bound below 1")
	}
	return func(l *Loop) { l.maxThreads = n }
}

func defaultMaxThreads() int { return min(32, runtime.GOMAXPROCS(0)+4) }

// ToThread runs fn on a goroutine of its own and suspends the calling task until
// it returns: asyncio.to_thread, for blocking calls that would stall the loop.
// fn's context is the task's: cancelled when the task is cancelled. If the task
// is cancelled while fn runs, ToThread returns ErrCancelled at once, and fn goes
// on until it returns (it should watch its context).
//
// At most MaxThreads functions run at once (by default min(32, GOMAXPROCS+4));
// later calls queue behind them. Do not use ToThread for calls that block
// indefinitely, such as reading a network connection: they would hold slots
// and stall every later call. Run those on goroutines of your own that report
// back with CallSoonThreadsafe under a Hold.
//
// While fn runs it keeps the loop alive, as a pending timer does, so a task
// waiting for it is not a deadlock; Run does not return before every fn has
// returned, so no goroutine is left behind. A panic in fn comes out of Run as a
// panic with a *PanicError holding the goroutine's stack.
func ToThread[T any](co *coro.Co, fn func(ctx context.Context) (T, error)) (T, error) {
	var zero T
	if fn == nil {
		panic("sched.ToThread: nil func")
	}
	t := taskOf(co)
	if t == nil {
		return zero, errNoLoop
	}
	l := t.loop
	f := NewFutureOn[T](l)
	ctx := t.Context()
	name := t.Name()
	l.startThread(func() {
		release := l.Hold()
		go func() {
			var r T
			var err error
			var p *PanicError
			func() {
				defer func() {
					if v := recover(); v != nil {
						p = &PanicError{Value: v, Task: name + " (ToThread)", Stack: debug.Stack()}
					}
				}()
				r, err = fn(ctx)
			}()
			if l.CallSoonThreadsafe(func() {
				l.threadDone()
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

// startThread starts a ToThread call now, or queues it behind the bound.
func (l *Loop) startThread(start func()) {
	if l.maxThreads == 0 {
		l.maxThreads = defaultMaxThreads()
	}
	l.threads++
	if l.threads > l.maxThreads {
		l.threadQueue = append(l.threadQueue, start)
		return
	}
	start()
}

// threadDone runs on the loop when a ToThread function has returned.
func (l *Loop) threadDone() {
	l.threads--
	if l.threads == 0 {
		for _, w := range l.threadsIdle {
			w.SetResult(struct{}{})
		}
		l.threadsIdle = nil
	}
	if len(l.threadQueue) > 0 {
		next := l.threadQueue[0]
		l.threadQueue[0] = nil
		l.threadQueue = l.threadQueue[1:]
		next()
	}
}
