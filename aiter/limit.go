package aiter

import (
	"errors"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
)

// MapLimit returns an async generator that yields f of each value of it, in
// the order of the values, with up to limit calls of f in progress at once
// (limit <= 0: no limit, and it is drawn as fast as it gives values): [Map]
// with concurrency, asyncio's "gather with a concurrency limit"
// over an async source. f may await. The first error, from it or from a call
// (when its result comes due), ends the generator, which returns it.
//
// aiter cannot spawn tasks, so the calls are not tasks: each runs on a
// coroutine of its own bound to the consumer's driver, as [Merge]'s sources
// do, and is stepped by the consumer while it waits in MapLimit for the next
// result, and between the values it draws from it. A call whose await
// completes while the consumer is elsewhere (in its loop body, awaiting
// something else, or awaiting the next value of it) goes on when the consumer
// next has control in MapLimit; a call that waits on the world (a
// timer, a thread, a socket) does so concurrently all the same. When calls
// must run on their own, whatever the consumer does, make them tasks:
// sched.Map ranges over the same results with each call a task.
//
// MapLimit holds at most limit values, in progress or finished and waiting for
// their turn; value i+limit is drawn from it once result i has been handed
// out. Closing the generator (or breaking out of a range over it, or its
// failure) closes the calls in progress — GeneratorExit at their pending
// awaits; their cleanup may await — and then it (if it can be closed).
// MapLimit panics if it or f is nil.
func MapLimit[T, U any](it Iterator[T], limit int, f func(co *coro.Co, v T) (U, error)) *Gen[U, struct{}] {
	if it == nil || f == nil {
		panic("aiter.MapLimit: nil iterator or func")
	}
	return New(func(co *coro.Co, yield gen.Yield[U, struct{}]) error {
		p := &pool[U]{}
		finished := false
		defer func() {
			if !finished {
				// A panic (from a call, say) is on its way, or the unwind of
				// a Close without a loop (the cleanup below awaited): no
				// awaiting. The calls and the source are closed as they are.
				p.abandon()
				if c, ok := it.(interface{ Close() error }); ok {
					c.Close()
				}
			}
		}()
		err := p.run(co, limit, yield, func(co *coro.Co) (*coro.Coro[U], error) {
			v, err := it.ANext(co)
			if err != nil {
				if errors.Is(err, gen.ErrGeneratorExit) {
					p.closing = true
				}
				return nil, err
			}
			return coro.New(func(co *coro.Co) (U, error) { return f(co, v) }), nil
		})
		if errors.Is(err, ErrStopAsyncIteration) {
			err = nil
		}
		if !p.closing {
			if cerr := p.closeAll(co); err == nil {
				err = cerr
			}
		}
		if p.closing {
			// The consumer is being closed without a loop: neither the calls
			// nor the source can await in their cleanup.
			p.abandon()
			if c, ok := it.(interface{ Close() error }); ok {
				c.Close()
			}
		} else if c, ok := it.(interface{ AClose(*coro.Co) error }); ok {
			if cerr := c.AClose(co); err == nil {
				err = cerr
			}
		}
		finished = true
		return err
	})
}

// call is one call of MapLimit's f, on a coroutine that the pool steps.
type call[U any] struct {
	c    *coro.Coro[U]
	w    coro.Waiter // what it waits on, while it waits
	in   error       // what to throw in at its next step
	exit bool        // GeneratorExit was thrown in: never again
	done bool
}

// pool is a small driver for the calls, whose consumer waits on it as one
// Waiter: it is woken when a call's wait is over. Everything in it belongs to
// the consumer's loop goroutine, where done callbacks run.
type pool[U any] struct {
	window []*call[U] // not handed out yet, in the source's order
	ready  []*call[U] // to step
	bare   []*call[U] // made a bare yield: to step after the consumer yields once
	wake   func()     // the consumer's done callback while it waits on the pool
	// closing is set once a suspension of the consumer returned
	// GeneratorExit: its coroutine is being closed, and may not suspend again.
	closing bool
}

// suspend suspends the consumer on w, noting whether it is being closed.
func (p *pool[U]) suspend(co *coro.Co, w coro.Waiter) error {
	_, err := co.Suspend(w)
	if err != nil && errors.Is(err, gen.ErrGeneratorExit) {
		p.closing = true
	}
	return err
}

// abandon closes the calls still in progress at once: GeneratorExit at their
// pending awaits, and their cleanup cannot await.
func (p *pool[U]) abandon() {
	for _, k := range p.window {
		if k != nil && !k.done {
			k.done = true
			k.c.Close()
		}
	}
	p.window = nil
}

// run draws from next, starts the calls and hands out their results in order,
// until the source ends (next returns ErrStopAsyncIteration), a call fails, or
// the consumer stops.
func (p *pool[U]) run(co *coro.Co, limit int, yield gen.Yield[U, struct{}], next func(co *coro.Co) (*coro.Coro[U], error)) error {
	srcDone := false
	for {
		for !srcDone && (limit <= 0 || len(p.window) < limit) {
			c, err := next(co)
			if errors.Is(err, ErrStopAsyncIteration) {
				srcDone = true
				break
			}
			if err != nil {
				return err
			}
			c.Bind(co.Driver())
			k := &call[U]{c: c}
			p.window = append(p.window, k)
			p.step(k) // to its first await
			// Calls go on and results already due go out between draws, so
			// that a source that awaits does not hold them until the window
			// is full.
			p.stepReady()
			if err := p.handOutDone(yield); err != nil {
				return err
			}
		}
		if len(p.window) == 0 {
			return nil
		}
		head := p.window[0]
		for !head.done {
			if err := p.wait(co); err != nil {
				return err
			}
		}
		if err := p.handOut(yield); err != nil {
			return err
		}
	}
}

// handOutDone hands out the results at the head of the window that are done.
func (p *pool[U]) handOutDone(yield gen.Yield[U, struct{}]) error {
	for len(p.window) > 0 && p.window[0].done {
		if err := p.handOut(yield); err != nil {
			return err
		}
	}
	return nil
}

// handOut yields the head's result, or returns its error.
func (p *pool[U]) handOut(yield gen.Yield[U, struct{}]) error {
	head := p.window[0]
	p.window[0] = nil
	p.window = p.window[1:]
	u, err := head.c.Result()
	if err != nil {
		return err
	}
	_, err = yield(u)
	return err
}

// step resumes k once, and files it by what it did next.
func (p *pool[U]) step(k *call[U]) {
	var w coro.Waiter
	var err error
	if k.in != nil {
		w, err = k.c.Throw(k.in)
		k.in = nil
	} else {
		w, err = k.c.Send(nil)
	}
	switch {
	case err != nil: // returned (gen.ErrStopIteration) or failed: Result has it
		k.done = true
	case w == nil:
		p.bare = append(p.bare, k)
	default:
		k.w = w
		w.AddDoneCallback(func() { p.woken(k) })
	}
}

// woken is a call's await completing: it is ready to step, and the consumer,
// if it waits on the pool, is woken.
func (p *pool[U]) woken(k *call[U]) {
	k.w = nil
	p.ready = append(p.ready, k)
	if wake := p.wake; wake != nil {
		p.wake = nil
		wake()
	}
}

// wait steps the calls that are ready, and if none was, suspends the
// consumer until one is: once, to let the loop run, for calls that made a bare
// yield; on the pool otherwise. It returns the consumer's cancellation.
func (p *pool[U]) wait(co *coro.Co) error {
	if len(p.ready) > 0 {
		p.stepReady()
		return nil
	}
	if len(p.bare) > 0 {
		err := p.suspend(co, nil)
		p.ready = append(p.ready, p.bare...)
		p.bare = p.bare[:0]
		return err
	}
	err := p.suspend(co, p)
	p.wake = nil
	return err
}

// stepReady steps the calls whose awaits are over.
func (p *pool[U]) stepReady() {
	ready := p.ready
	p.ready = nil
	for _, k := range ready {
		if !k.done {
			p.step(k)
		}
	}
}

// AddDoneCallback and Cancel make the pool the Waiter its consumer waits on.
func (p *pool[U]) AddDoneCallback(fn func()) {
	if len(p.ready) > 0 {
		fn()
		return
	}
	p.wake = fn
}

// Cancel cancels the pending awaits of the calls, so that the consumer wakes,
// and reports false: the pool's wait did not end by cancellation, so the
// consumer's driver throws the cancellation in when it wakes, and MapLimit
// ends with it even if every call handles its own (a cancelled gather raises
// CancelledError whatever its children return).
func (p *pool[U]) Cancel() bool {
	for _, k := range p.window {
		if k.w != nil {
			k.w.Cancel()
		}
	}
	return false
}

func (p *pool[U]) String() string { return "aiter.MapLimit" }

// closeAll closes the calls still in progress: GeneratorExit at the pending
// await of each, then each is stepped (its cleanup may await) until done.
// Errors other than GeneratorExit are joined.
func (p *pool[U]) closeAll(co *coro.Co) error {
	var errs []error
	live := func() bool {
		for _, k := range p.window {
			if !k.done {
				return true
			}
		}
		return false
	}
	p.ready, p.bare = p.ready[:0], p.bare[:0]
	for _, k := range p.window {
		switch {
		case k.done:
		case k.w != nil:
			k.w.Cancel() // it wakes, and gets GeneratorExit when stepped
		default:
			k.in, k.exit = gen.ErrGeneratorExit, true
			p.ready = append(p.ready, k)
		}
	}
	for live() {
		ready := p.ready
		p.ready = nil
		for _, k := range ready {
			if k.done {
				continue
			}
			if !k.exit {
				k.in, k.exit = gen.ErrGeneratorExit, true
			}
			p.step(k)
			if k.done {
				if _, err := k.c.Result(); err != nil && !errors.Is(err, gen.ErrGeneratorExit) {
					errs = append(errs, err)
				}
			}
		}
		if !live() || len(p.ready) > 0 {
			continue
		}
		var err error
		if len(p.bare) > 0 { // a cleanup that yields to the loop
			err = p.suspend(co, nil)
			p.ready = append(p.ready, p.bare...)
			p.bare = p.bare[:0]
		} else {
			err = p.suspend(co, p)
			p.wake = nil
		}
		if err != nil {
			// The consumer cannot wait any longer: close the rest as they
			// are, their cleanup unable to await.
			p.abandon()
			return errors.Join(errs...)
		}
	}
	p.window = nil
	return errors.Join(errs...)
}
