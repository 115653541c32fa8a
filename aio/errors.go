package aio

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// Errors of the package. Test them with errors.Is.
var (
	// ErrIncompleteRead is matched by the *IncompleteReadError that
	// ReadExactly and ReadUntil return when the stream ends first. Python:
	// asyncio.IncompleteReadError.
	ErrIncompleteRead = errors.New("aio: incomplete read")
	// ErrLimitOverrun is matched by the *LimitOverrunError that ReadUntil and
	// ReadLine return when the data before the separator is longer than the
	// stream's Limit. Python: asyncio.LimitOverrunError (ReadUntil) and the
	// ValueError readline raises.
	ErrLimitOverrun = errors.New("aio: limit overrun")
	// ErrClosed is returned by Write, Drain and CloseWrite once the stream is
	// closed. It matches net.ErrClosed.
	ErrClosed error = &closedError{}
	// ErrConcurrentRead is returned by a read that would wait for data while
	// another task is already waiting to read the same stream: the bytes could
	// not be given to both. Python: RuntimeError "... called while another
	// coroutine is already waiting for incoming data".
	ErrConcurrentRead = errors.New("aio: another task is already waiting to read this stream")
	// ErrWriteAfterEOF is returned by Write after CloseWrite. Python:
	// RuntimeError "Cannot call write() after write_eof()".
	ErrWriteAfterEOF = errors.New("aio: write after CloseWrite")
	// ErrNoCloseWrite is returned by CloseWrite on a connection that cannot
	// close only its writing half (it has no CloseWrite method). Python:
	// can_write_eof() is False.
	ErrNoCloseWrite = errors.New("aio: the connection cannot close its writing half")
)

var (
	errNoLoop    = errors.New("aio: not called from a task of a running loop")
	errOtherLoop = errors.New("aio: used from a task of another loop than the one it is bound to")
	errNoStdin   = errors.New("aio: Communicate with input, but the process's stdin is not a pipe")
)

type closedError struct{}

func (*closedError) Error() string        { return "aio: stream is closed" }
func (*closedError) Is(target error) bool { return target == net.ErrClosed }

// IncompleteReadError is what ReadExactly and ReadUntil return when the stream
// ends before the read is complete: Partial holds the bytes read, which are no
// longer buffered, and Expected the number asked for (-1 for ReadUntil, which
// has none). It matches ErrIncompleteRead. Python: asyncio.IncompleteReadError.
type IncompleteReadError struct {
	Partial  []byte
	Expected int
}

func (e *IncompleteReadError) Error() string {
	expected := "undefined"
	if e.Expected >= 0 {
		expected = strconv.Itoa(e.Expected)
	}
	return fmt.Sprintf("aio: %d bytes read on a total of %s expected bytes", len(e.Partial), expected)
}

// Is reports whether target is ErrIncompleteRead.
func (e *IncompleteReadError) Is(target error) bool { return target == ErrIncompleteRead }

// LimitOverrunError is what ReadUntil and ReadLine return when the separator is
// not within the stream's Limit: Consumed is how many bytes from the start of
// the buffer are known to be part of the overlong chunk (asyncio's consumed).
// It matches ErrLimitOverrun. Python: asyncio.LimitOverrunError.
type LimitOverrunError struct {
	Msg      string
	Consumed int
}

func (e *LimitOverrunError) Error() string { return "aio: " + e.Msg }

// Is reports whether target is ErrLimitOverrun.
func (e *LimitOverrunError) Is(target error) bool { return target == ErrLimitOverrun }
