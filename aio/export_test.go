package aio

import (
	"flag"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// Buffered returns the bytes the stream holds for its readers: asyncio's
// reader._buffer, which the ported CPython tests inspect. Call it from the
// loop's goroutine once the connection has handed the stream everything.
func Buffered(s *Stream) []byte {
	s.fill()
	return append([]byte{}, s.data()...)
}

// Paused reports whether the stream's reading goroutine waits for the buffer
// to shrink.
func Paused(s *Stream) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

func init() {
	flag.BoolVar(&noPoll, "aio.nopoll", false, "read every stream with a goroutine, as on systems without the loop's poller")
}

// Polled reports whether the loop reads the stream's connection itself.
func Polled(s *Stream) bool { return s.poll != nil }

// PollEvents returns how many events the poller of co's loop has handled, or
// -1 if the loop has none.
func PollEvents(co *coro.Co) int {
	if p := pollerOf(sched.LoopOf(co)); p != nil {
		return p.handled
	}
	return -1
}
