package gen

import "errors"

// YieldFrom delegates to sub as Python's "yield from" does (PEP 380): every value
// sub yields is handed out through yield; what the caller sends or throws goes to
// sub; Close reaches sub first. When sub returns, YieldFrom returns its return
// value and nil; when it fails, its error.
//
// A Created sub runs inline: its body runs on the delegating body's stack with
// the delegating Yield, so a value costs no more switches than a direct yield.
// While it runs inline sub reports Running, and calls on it return [ErrRunning]
// (Python would let a caller resume a delegated-to generator directly; an inline
// body has no coroutine of its own to resume). A Suspended sub runs on its own
// coroutine, driven by the PEP 380 forwarding loop. A Closed sub yields nothing
// and YieldFrom returns the zero value and nil, as Python's yield from an
// exhausted generator returns None; a Running sub gives [ErrRunning].
//
// When the delegating generator is closed while sub is pending, sub receives
// [ErrGeneratorExit] first; if sub then returns without an error, YieldFrom
// returns ErrGeneratorExit, so the delegating body unwinds as Python's does.
//
// YieldFrom panics if yield or sub is nil.
func YieldFrom[Y, S, R any](yield Yield[Y, S], sub *Gen[Y, S, R]) (R, error) {
	if yield == nil {
		panic("gen.YieldFrom: nil yield")
	}
	if sub == nil {
		panic("gen.YieldFrom: nil generator")
	}
	var zero R
	switch s := sub.s; s.st {
	case created:
		return s.inline(yield)
	case suspended:
		return forward(yield, sub)
	case running:
		return zero, ErrRunning
	}
	return zero, nil
}

// inline runs a Created generator's body on the current stack, yielding through
// outer. The wrapper around outer costs one call per value and level; it is what
// notices the ErrGeneratorExit that PEP 380 re-raises in the delegator. Once sub
// has received ErrGeneratorExit (from Close, or thrown), it is being closed, as
// Python closes the inner generator: a further yield is an ignored exit, and the
// body is unwound.
func (s *state[Y, S, R]) inline(outer Yield[Y, S]) (r R, err error) {
	s.st = running
	exited := false
	defer func() {
		if s.ignored {
			// recover works only here, in the deferred function itself.
			if p := recover(); p != nil && !isUnwind(p) {
				panic(p)
			}
		}
		s.finish()
		if s.ignored {
			r, err = s.res, s.err
		}
	}()
	r, err = s.body(func(v Y) (S, error) {
		if s.st != running {
			misuse(State(s.st))
		}
		if exited {
			s.ignored = true
			panic(unwind{})
		}
		in, err := outer(v)
		if err != nil && errors.Is(err, ErrGeneratorExit) {
			exited = true
		}
		return in, err
	})
	s.closing = exited
	s.ret(r, err)
	if exited && s.err == nil {
		return s.res, ErrGeneratorExit
	}
	return s.res, s.err
}

// forward is the PEP 380 loop for a sub-generator that is already Suspended.
func forward[Y, S, R any](yield Yield[Y, S], sub *Gen[Y, S, R]) (R, error) {
	var zero R
	v, err := sub.Next()
	for err == nil {
		in, e := yield(v)
		switch {
		case e == nil:
			v, err = sub.Send(in)
		case errors.Is(e, ErrGeneratorExit):
			if cerr := sub.Close(); cerr != nil {
				return zero, cerr
			}
			return zero, e
		default:
			v, err = sub.Throw(e)
		}
	}
	if err == ErrStopIteration {
		return sub.Result()
	}
	return zero, err
}
