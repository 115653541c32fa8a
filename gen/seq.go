package gen

import "iter"

// All returns an iterator over the values the generator yields. The return value
// and error are in [Gen.Result] once the loop has ended: a body that fails ends
// the loop as one that returns does, so check Result when it matters.
//
// On a Created generator the body runs on the ranging goroutine's stack, with no
// coroutine (push mode); inside the loop the generator is Running, so Next, Send,
// Throw and Close on it return [ErrRunning]. Each yield returns (zero, nil), since
// a range loop sends nothing. On a Suspended generator All resumes it with Next
// for each value (pull mode). A Closed generator yields nothing.
//
// Leaving the loop early (break, return, goto) closes the generator before the
// loop statement ends, as [Gen.Close] does: the body's pending yield returns
// [ErrGeneratorExit] and its deferred calls run; Close's result is Result's
// error. A panic (or runtime.Goexit) in the loop body ends the generator too: in
// push mode it unwinds through the body's frames, whose deferred calls run, since
// the body called the loop body; in pull mode the generator is closed as by a
// break before the panic goes on. Because in push mode the loop body runs inside
// the generator body's frames, a body that recovers panics also catches the
// loop body's; Go then panics with its range-over-func runtime error, as it does
// for any iterator function that recovers. Ranging over a generator that is
// Running (from its own body or loop) panics, since no error could be returned.
func (g *Gen[Y, S, R]) All() iter.Seq[Y] {
	return func(out func(Y) bool) {
		switch s := g.s; s.st {
		case created:
			s.push(out)
		case suspended:
			defer g.Close()
			for {
				v, err := g.Next()
				if err != nil || !out(v) {
					return
				}
			}
		case running:
			panic("gen.Gen.All: generator already executing")
		}
	}
}

// push runs the body on the caller's stack, feeding values straight to out.
func (s *state[Y, S, R]) push(out func(Y) bool) {
	s.st = running
	defer s.finish()
	r, err := s.body(func(v Y) (S, error) {
		var zero S
		if s.st != running {
			misuse(State(s.st))
		}
		if s.closing {
			s.ignored = true
			panic(unwind{})
		}
		if !out(v) {
			s.closing = true
			return zero, ErrGeneratorExit
		}
		return zero, nil
	})
	s.ret(r, err)
}

// FromSeq returns a generator that yields the values of seq. A Throw or Close
// ends the range over seq (so seq's own cleanup runs) and the generator returns
// the thrown error, or finishes normally after Close. Ranging over the result
// with [Gen.All] before it starts costs about what ranging over seq does.
func FromSeq[Y any](seq iter.Seq[Y]) *Gen[Y, struct{}, struct{}] {
	if seq == nil {
		panic("gen.FromSeq: nil sequence")
	}
	return New(func(yield Yield[Y, struct{}]) (struct{}, error) {
		for v := range seq {
			if _, err := yield(v); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
}
