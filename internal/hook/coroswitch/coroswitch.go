// Package coroswitch is the switch of a coro coroutine, the part of its state
// that coro shares with aiter: an async generator's value yields and ANext's
// common step switch through it directly, with no frame of coro's between
// the generator's code and iter.Pull's (each frame there costs a mispredicted
// return on every switch). coro embeds a Switch in every driven coroutine and
// hands it to a driver that asks for it ([Stepper]); everything else goes
// through coro's API.
package coroswitch

import "github.com/corio-go/corio/gen"

// Switch is a coroutine's half of iter.Pull and the state coro keeps about it.
// Its invariants, kept by every user:
//   - St is Suspended exactly while the body waits in Yield; In is nil then.
//   - A driver resumes a Suspended coroutine by storing what the suspension
//     is to return in In (nil, a value, or a Thrown) and calling Next. The
//     coroutine sets St to Running itself when Yield returns, so a driver
//     that sends nil (In is nil already) has nothing to store.
//   - A suspension that finds Closing set yields nothing: the body is
//     unwound (an ignored GeneratorExit).
type Switch[W any] struct {
	Next    func() (W, bool) // iter.Pull's next; nil until the coroutine starts
	Yield   func(W) bool     // iter.Pull's yield, while the body runs
	In      any              // what the pending suspension returns: a value sent, or a Thrown
	St      gen.State        // Running, Suspended, Closed (coro keeps Created itself)
	Closing bool             // ErrGeneratorExit was delivered: a further suspension ignores it

	// coro's own flags, which no one else touches: here so that they share
	// the padding after Closing, and a coroutine stays in its size class.
	Ignored bool // the body suspended after ErrGeneratorExit
	Done    bool // the body returned (rather than panicking or unwinding)
}

// Thrown is an error thrown at a suspension, told apart from a value sent:
// one field instead of two keeps a suspended coroutine in a smaller size
// class, and only a throw (rare: a cancellation) pays for the boxing.
type Thrown struct{ Err error }

// Stepper is implemented by a driver that steps some suspensions of the
// coroutine it is bound to itself (aiter's pull mode): coro calls Started
// with the coroutine's Switch when it starts, before the body runs. A driver
// bound to several coroutines is told of each.
type Stepper[W any] interface {
	Started(sw *Switch[W])
}
