//go:build unix

package aio

import (
	"io"
	"net"
	"os"
	"sync"
	"syscall"
)

// rawConn reads and writes a socket with system calls of its own, through
// syscall.RawConn: the loop writes without a goroutine when the socket has
// room (a non-blocking write that returns EAGAIN instead of parking), and the
// reading goroutine waits for the socket to be readable holding no buffer, so
// that ten thousand idle connections cost ten thousand parked goroutines and
// no read buffers.
type rawConn struct {
	rc syscall.RawConn

	// The loop's write, passed to and from writeFn through fields so that a
	// write allocates nothing.
	wp      []byte
	wn      int
	werr    error
	writeFn func(fd uintptr) bool

	// The reading goroutine's read.
	deliver func(p []byte) // hands what was read to the stream
	rerr    error
	readFn  func(fd uintptr) bool

	// The loop's reads, when it polls the socket itself (Linux).
	nbuf  []byte
	nn    int
	nerr  error
	nowFn func(fd uintptr) bool
}

func newRawConn(rw io.ReadWriteCloser) *rawConn {
	var sc syscall.Conn
	switch c := rw.(type) {
	case *net.TCPConn:
		sc = c
	case *net.UnixConn:
		sc = c
	default:
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	r := &rawConn{rc: rc}
	r.writeFn = r.doWrite
	r.readFn = r.doRead
	return r
}

// readBufs are the buffers of reads in progress: one is taken only once the
// socket is readable, and handed back as soon as its bytes are delivered.
var readBufs = sync.Pool{New: func() any {
	b := make([]byte, readChunk)
	return &b
}}

// read waits until the socket is readable, reads it once and delivers what it
// read. It returns io.EOF at the end of the stream, or the error.
func (r *rawConn) read() error {
	r.rerr = nil
	if err := r.rc.Read(r.readFn); err != nil {
		return err
	}
	return r.rerr
}

func (r *rawConn) doRead(fd uintptr) bool {
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	for {
		n, err := syscall.Read(int(fd), *bp)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return false // park until readable
		case err != nil:
			r.rerr = os.NewSyscallError("read", err)
		case n == 0:
			r.rerr = io.EOF
		default:
			r.deliver((*bp)[:n])
		}
		return true
	}
}

// write writes as much of p as the socket takes now, without waiting, and
// returns how much that was.
func (r *rawConn) write(p []byte) (int, error) {
	r.wp, r.wn, r.werr = p, 0, nil
	err := r.rc.Write(r.writeFn)
	n, werr := r.wn, r.werr
	r.wp, r.werr = nil, nil
	if err != nil {
		return n, err
	}
	return n, werr
}

func (r *rawConn) doWrite(fd uintptr) bool {
	for r.wn < len(r.wp) {
		n, err := syscall.Write(int(fd), r.wp[r.wn:])
		if n > 0 {
			r.wn += n
		}
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return true // full: the rest goes to the writing goroutine
		case err != nil:
			r.werr = os.NewSyscallError("write", err)
			return true
		case n <= 0:
			return true
		}
	}
	return true
}
