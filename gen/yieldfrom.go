package gen

import (
	"errors"
	"reflect"
	"sync/atomic"
)

// YieldFrom delegates to sub as Python's "yield from" does (PEP 380): every value
// sub yields is handed out through yield; what the caller sends or throws goes to
// sub; Close reaches sub first. When sub returns, YieldFrom returns its return
// value and nil; when it fails, its error.
//
// A Created sub runs inline: its body runs on the delegating body's stack with
// the delegating Yield, so a value costs no more switches than a direct yield.
// Inline delegations that nest (a delegated-to body delegating in turn with the
// yield it was given, as recursive generators do) cost one call per value
// whatever their depth (a level may cost a call of its own if another goroutine
// starts delegating inline at the same moment).
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
// outer. The body gets a yield of its own, which notices the ErrGeneratorExit
// that PEP 380 re-raises in the delegator: once sub has received
// ErrGeneratorExit (from Close, or thrown), it is being closed, as Python closes
// the inner generator, and a further yield is an ignored exit: the body is
// unwound.
//
// Delegations nest (a delegated-to body delegates in turn with the yield it was
// given), and a value would go out through one such yield per level, a call
// each. Instead, when outer is the yield inline handed to the level that is
// delegating now, the new level joins that level's chain: its yield calls the
// chain's outer yield directly, and the checks and marks of the levels in
// between are made there, from the chain, rather than by their own yields. A
// value costs one call whatever the depth. Any other outer (a body's own yield,
// a function of the caller's) starts a chain.
func (s *state[Y, S, R]) inline(outer Yield[Y, S]) (r R, err error) {
	s.st = running
	l := &level[Y, S]{st: &s.st, ignored: &s.ignored}
	if p := delegating(outer); p != nil {
		l.parent, l.head, l.outer = p, p.head, p.outer
	} else {
		l.head, l.outer = l, outer
	}
	l.yield = func(v Y) (S, error) {
		if s.st != running || l.head.dirty {
			return l.slowYield(v)
		}
		in, err := l.outer(v)
		if err != nil && isExit(err) {
			l.exit()
		}
		return in, err
	}
	l.self.l = l
	innermost.Store(&l.self)
	defer func() {
		// Back to the parent, which runs on, or to none; never to a level of
		// another goroutine, which may have finished and would be kept.
		var up *inlineHint
		if l.parent != nil {
			up = &l.parent.self
		}
		innermost.CompareAndSwap(&l.self, up)
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
	r, err = s.body(l.yield)
	s.closing = l.exited
	s.ret(r, err)
	if l.exited && s.err == nil {
		return s.res, ErrGeneratorExit
	}
	return s.res, s.err
}

// level is one inline delegation: a sub-generator's body running on the
// delegating body's stack.
type level[Y, S any] struct {
	yield   Yield[Y, S]  // the yield handed to the sub's body
	parent  *level[Y, S] // the level that delegated with its yield, in the same chain; nil for a chain's head
	head    *level[Y, S] // the chain's first level (this one, for a head)
	outer   Yield[Y, S]  // the head's outer yield: where the chain's values go out
	dirty   bool         // head only: a level of the chain has seen ErrGeneratorExit
	exited  bool         // ErrGeneratorExit has passed through this level
	st      *status      // the sub's state...
	ignored *bool        // ...and its flag for a yield after ErrGeneratorExit
	self    inlineHint   // this level, as innermost's value
}

// slowYield is a level's yield when a check may fail: it makes, from the
// innermost level out, the checks each level's own yield would make if each
// called its parent's, then hands v to the chain's outer yield.
func (l *level[Y, S]) slowYield(v Y) (S, error) {
	for j := l; j != nil; j = j.parent {
		if st := *j.st; st != running {
			misuse(State(st))
		}
		if j.exited {
			*j.ignored = true
			panic(unwind{})
		}
	}
	in, err := l.outer(v)
	if err != nil && isExit(err) {
		l.exit()
	}
	return in, err
}

// exit marks ErrGeneratorExit's passing through l and the levels it delegates
// for, as their own yields would have seen it on its way to l's body.
func (l *level[Y, S]) exit() {
	for j := l; j != nil; j = j.parent {
		j.exited = true
	}
	l.head.dirty = true
}

// inlineHint is an inline level, of any type, as innermost holds it.
type inlineHint struct{ l any }

// innermost is the inline level that started last, on any goroutine, or the
// parent it went back to when it finished: a hint, for delegating, which checks
// it. It never holds a level after that level finished.
var innermost atomic.Pointer[inlineHint]

// delegating returns the running inline level that yield was handed to, or nil
// if yield is not the yield of the innermost level. A func value cannot be
// compared with ==, but two reflect.Values of func type are equal when they hold
// the same func value (their data is the closure's address). Only the level's
// yield, set before the level was published, is read before the match: a level
// of another goroutine is never touched.
func delegating[Y, S any](yield Yield[Y, S]) *level[Y, S] {
	h := innermost.Load()
	if h == nil {
		return nil
	}
	p, ok := h.l.(*level[Y, S])
	if !ok || reflect.ValueOf(p.yield) != reflect.ValueOf(yield) || *p.st != running {
		return nil
	}
	return p
}

// isExit reports whether err is, or wraps, ErrGeneratorExit.
func isExit(err error) bool {
	return err == ErrGeneratorExit || errors.Is(err, ErrGeneratorExit)
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
