// Package hook declares the interfaces between sched's task driver and aiter's
// async generators: the hooks asyncio keeps in sys.set_asyncgen_hooks and in
// a task's coroutine, which users of either package never call. Both packages
// assert at compile time that they implement or use them, so the two sides
// cannot drift.
//
// Poller is the other seam: aio's epoll, which a loop waits in once a stream
// asks for it, so that sched runs on every system and aio's Linux poller
// plugs in without sched knowing of it.
//
// Its subpackage coroswitch is the state of a coroutine's switch that coro
// shares with aiter, so that an async generator's common step takes no frame
// of coro's.
package hook

import (
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
)

// AsyncGen is what a loop needs of an async generator to shut it down.
type AsyncGen interface {
	AClose(co *coro.Co) error // close it, letting its cleanup await
	Close() error             // close it with no loop: its cleanup cannot await
	State() gen.State
}

// FirstIter is implemented by a driver that tracks the async generators its
// coroutines start (asyncio's firstiter hook): sched's task driver. aiter calls
// AsyncGenStarted when a generator is first stepped, and done when it finishes.
type FirstIter interface {
	AsyncGenStarted(g AsyncGen) (done func())
}

// Delegator is implemented by a driver that stands in for another: an async
// generator's coroutine is bound once, to a driver of aiter's that delegates to
// whichever task is stepping the generator now. sched follows Delegate to find
// the task.
type Delegator interface {
	coro.Driver
	Delegate() coro.Driver
}

// Redeliverer is implemented by a driver that can throw a cancellation its
// task has already received, and that the code receiving it could not return
// (a range loop that has ended: break closed an async generator whose cleanup
// was cancelled), again at the task's next await: sched's task driver.
type Redeliverer interface {
	RedeliverCancel()
}

// Poller is an I/O poller a loop waits in instead of sleeping, so that it
// hears of ready sockets itself, without a goroutine per socket handing them
// over: aio's epoll on Linux. A loop has at most one, installed by
// InstallPoller on the loop's goroutine and closed with the loop.
type Poller interface {
	// Poll waits for I/O up to timeout (a negative timeout: until Wake; zero:
	// not at all) and runs the handlers of what is ready, on the loop's
	// goroutine. The loop calls Arm first when it will block, then looks at
	// its queues one last time: from Arm on, Wake interrupts the next Poll.
	// Poll disarms; so does Disarm, when the loop will not poll after all.
	Poll(timeout time.Duration)
	Arm()
	Disarm()
	// Wake makes a Poll the loop armed for return soon; safe from any
	// goroutine, cheap when the loop is not armed.
	Wake()
	// Busy reports whether anything is registered for the loop to poll
	// between steps while it has work of its own.
	Busy() bool
	Close()
}

// InstallPoller returns the poller of loop (a *sched.Loop), installing the
// one newPoller makes if it has none; it returns nil if the loop is closed,
// or if newPoller returns nil (the system refused one), in which case the
// next call tries again. sched sets it; aio calls it, on the loop's goroutine.
var InstallPoller func(loop any, newPoller func() Poller) Poller

// HoldLoop and ReleaseLoop are (*sched.Loop).Hold and its release without
// the release func, which Hold allocates: for aio's waits, one per message.
// Each HoldLoop is matched by exactly one ReleaseLoop. sched sets them.
var HoldLoop, ReleaseLoop func(loop any)
