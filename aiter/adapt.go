package aiter

import (
	"errors"
	"iter"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
)

// FromSeq returns an async generator that yields the values of seq, awaiting
// nothing. Ranged over with [All] before it starts, it costs about what ranging
// over seq does.
func FromSeq[T any](seq iter.Seq[T]) *Gen[T, struct{}] {
	if seq == nil {
		panic("aiter.FromSeq: nil sequence")
	}
	return New(func(co *coro.Co, yield gen.Yield[T, struct{}]) error {
		for v := range seq {
			if _, err := yield(v); err != nil {
				return err
			}
		}
		return nil
	})
}

// Map returns an async generator that yields f of each value of it; f may
// await. It stops at the first error, from it or from f, and returns it.
// Closing the result closes it (if it can be closed).
func Map[T, U any](it Iterator[T], f func(co *coro.Co, v T) (U, error)) *Gen[U, struct{}] {
	if it == nil || f == nil {
		panic("aiter.Map: nil iterator or func")
	}
	return New(func(co *coro.Co, yield gen.Yield[U, struct{}]) error {
		for v, err := range All(co, it) {
			if err != nil {
				return err
			}
			u, err := f(co, v)
			if err != nil {
				return err
			}
			if _, err := yield(u); err != nil {
				return err
			}
		}
		return nil
	})
}

// Filter returns an async generator that yields the values of it for which
// keep reports true; keep may await. It stops at the first error.
func Filter[T any](it Iterator[T], keep func(co *coro.Co, v T) (bool, error)) *Gen[T, struct{}] {
	if it == nil || keep == nil {
		panic("aiter.Filter: nil iterator or func")
	}
	return New(func(co *coro.Co, yield gen.Yield[T, struct{}]) error {
		for v, err := range All(co, it) {
			if err != nil {
				return err
			}
			ok, err := keep(co, v)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if _, err := yield(v); err != nil {
				return err
			}
		}
		return nil
	})
}

// Take returns an async generator that yields the first n values of it and
// then closes it. n <= 0 yields nothing and leaves it untouched.
func Take[T any](it Iterator[T], n int) *Gen[T, struct{}] {
	if it == nil {
		panic("aiter.Take: nil iterator")
	}
	return New(func(co *coro.Co, yield gen.Yield[T, struct{}]) error {
		if n <= 0 {
			return nil
		}
		i := 0
		for v, err := range All(co, it) {
			if err != nil {
				return err
			}
			if _, err := yield(v); err != nil {
				return err
			}
			if i++; i == n {
				break // closes it
			}
		}
		return nil
	})
}

// Merge returns an async generator that consumes every iterator concurrently
// and yields their values in the order they arrive (fan-in). Each source is
// stepped on a coroutine of its own, bound to the consuming task's driver, and
// holds at most one value until it is consumed. The first error of a source
// ends the merge: the other sources are closed and Merge returns the error.
// Closing the merge (or breaking out of a range over it) closes every source;
// a source's cleanup may await.
func Merge[T any](its ...Iterator[T]) *Gen[T, struct{}] {
	for _, it := range its {
		if it == nil {
			panic("aiter.Merge: nil iterator")
		}
	}
	return New(func(co *coro.Co, yield gen.Yield[T, struct{}]) error {
		m := &merger[T]{}
		for _, it := range its {
			s := &source[T]{m: m}
			s.c = coro.New(func(sco *coro.Co) (struct{}, error) {
				for {
					v, err := it.ANext(sco)
					if err == ErrStopAsyncIteration {
						return struct{}{}, nil
					}
					if err != nil {
						return struct{}{}, err
					}
					s.mark.v = v
					if _, err := sco.Suspend(&s.mark); err != nil {
						// Closed while holding a value: the source is suspended
						// at its own yield, and is closed here (its cleanup
						// may await, through this coroutine).
						if c, ok := it.(interface{ AClose(*coro.Co) error }); ok {
							if cerr := c.AClose(sco); cerr != nil {
								return struct{}{}, cerr
							}
						}
						return struct{}{}, err
					}
				}
			})
			s.c.Bind(co.Driver())
			m.sources = append(m.sources, s)
			m.ready = append(m.ready, s)
		}
		err := m.run(co, yield)
		if cerr := m.closeAll(co); err == nil {
			err = cerr
		}
		return err
	})
}

// source is one iterator of a Merge, with the coroutine that steps it.
type source[T any] struct {
	m    *merger[T]
	c    *coro.Coro[struct{}]
	mark valueMark[T]
	in   error // what to throw in at the next step
	w    coro.Waiter
	done bool
	exit bool // GeneratorExit was thrown in: never again
}

// merger drives the sources of a Merge: a small driver of its own, whose
// consumer waits on it as one Waiter.
type merger[T any] struct {
	sources []*source[T]
	ready   []*source[T] // to step next
	bare    []*source[T] // made a bare yield: step after the consumer yields once
	values  []*source[T] // hold a value for the consumer, in arrival order
	wake    func()       // the consumer's done callback while it waits on the merger
}

// step resumes s once and files it by what it did next.
func (m *merger[T]) step(s *source[T]) error {
	var w coro.Waiter
	var err error
	if s.in != nil {
		w, err = s.c.Throw(s.in)
		s.in = nil
	} else {
		w, err = s.c.Send(nil)
	}
	switch {
	case err == gen.ErrStopIteration:
		s.done = true
	case err != nil:
		s.done = true
		return err
	case w == coro.Waiter(&s.mark):
		m.values = append(m.values, s)
	case w == nil:
		m.bare = append(m.bare, s)
	default:
		s.w = w
		w.AddDoneCallback(func() { m.woken(s) })
	}
	return nil
}

// woken is a source's await completing: it is ready to step, and the consumer,
// if it waits on the merger, is woken.
func (m *merger[T]) woken(s *source[T]) {
	s.w = nil
	m.ready = append(m.ready, s)
	if wake := m.wake; wake != nil {
		m.wake = nil
		wake()
	}
}

func (m *merger[T]) live() bool {
	for _, s := range m.sources {
		if !s.done {
			return true
		}
	}
	return false
}

// run steps the sources and hands their values to yield until all are done or
// one fails.
func (m *merger[T]) run(co *coro.Co, yield gen.Yield[T, struct{}]) error {
	for {
		for len(m.ready) > 0 {
			s := m.ready[0]
			m.ready = m.ready[1:]
			if err := m.step(s); err != nil {
				return err
			}
		}
		if len(m.values) > 0 {
			s := m.values[0]
			m.values = m.values[1:]
			v := s.mark.v
			s.mark.v = *new(T)
			m.ready = append(m.ready, s)
			if _, err := yield(v); err != nil {
				return err
			}
			continue
		}
		if !m.live() {
			return nil
		}
		if err := m.wait(co); err != nil {
			// Cancellation of the consumer: the sources see it at their awaits.
			for _, s := range m.sources {
				if !s.done && s.w == nil {
					s.in = err
				}
			}
			return err
		}
	}
}

// wait suspends the consumer until a source can be stepped.
func (m *merger[T]) wait(co *coro.Co) error {
	if len(m.bare) > 0 {
		_, err := co.Suspend(nil)
		m.ready = append(m.ready, m.bare...)
		m.bare = m.bare[:0]
		return err
	}
	for len(m.ready) == 0 {
		if _, err := co.Suspend(m); err != nil {
			m.wake = nil
			return err
		}
	}
	return nil
}

// AddDoneCallback and Cancel make the merger the Waiter its consumer waits on.
func (m *merger[T]) AddDoneCallback(fn func()) {
	if len(m.ready) > 0 {
		fn()
		return
	}
	m.wake = fn
}

// Cancel cancels every pending await of the sources, so that the consumer
// wakes, and reports false: the merge's wait did not end by cancellation, so
// the consumer's driver throws the cancellation in when it wakes, and the
// merge ends with it (closing its sources) even if every source handles the
// cancellation of its own await and goes on.
func (m *merger[T]) Cancel() bool {
	for _, s := range m.sources {
		if s.w != nil {
			s.w.Cancel()
		}
	}
	return false
}

func (m *merger[T]) String() string { return "aiter.Merge" }

// closeAll closes every source that has not finished: GeneratorExit at its
// pending suspension, then it is stepped (its cleanup may await) until done.
func (m *merger[T]) closeAll(co *coro.Co) error {
	var errs []error
	m.values, m.bare = nil, nil
	for _, s := range m.sources {
		if !s.done && s.w == nil {
			s.in, s.exit = gen.ErrGeneratorExit, true
			m.ready = append(m.ready, s)
		}
	}
	for _, s := range m.sources {
		if !s.done && s.w != nil {
			s.w.Cancel()
		}
	}
	for m.live() {
		for len(m.ready) > 0 {
			s := m.ready[0]
			m.ready = m.ready[1:]
			if s.done {
				continue
			}
			if !s.exit { // its pending await was cancelled: it closes from there
				s.in, s.exit = gen.ErrGeneratorExit, true
			}
			if err := m.step(s); err != nil && !errors.Is(err, gen.ErrGeneratorExit) {
				errs = append(errs, err)
			}
		}
		for _, s := range m.values { // a value after GeneratorExit: it ignored it
			s.c.Close()
			s.done = true
		}
		m.values = nil
		if m.live() {
			if err := m.wait(co); err != nil {
				for _, s := range m.sources {
					s.c.Close()
					s.done = true
				}
			}
		}
	}
	return errors.Join(errs...)
}
