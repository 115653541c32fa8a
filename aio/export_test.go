package aio

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
