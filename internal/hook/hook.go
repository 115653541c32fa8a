// Package hook declares the interfaces between sched's task driver and aiter's
// async generators: the hooks asyncio keeps in sys.set_asyncgen_hooks and in
// a task's coroutine, which users of either package never call. Both packages
// assert at compile time that they implement or use them, so the two sides
// cannot drift.
//
// Its subpackage coroswitch is the state of a coroutine's switch that coro
// shares with aiter, so that an async generator's common step takes no frame
// of coro's.
package hook

import (
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
