// Package owner declares how a coroutine driver tells coro that it closes
// every coroutine it drives itself (sched's loop closes its tasks when it
// closes), so that coro need not set a finalizer to close one that is
// dropped: a finalizer costs about a microsecond per coroutine and takes a
// process-wide lock.
package owner

// Closer is implemented by such a driver.
type Closer interface {
	ClosesCoroutines()
}
