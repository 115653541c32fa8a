//go:build !unix

package aio

import "io"

// rawConn is the direct socket access of Unix systems; elsewhere every stream
// uses a reading and a writing goroutine.
type rawConn struct{ deliver func(p []byte) }

func newRawConn(io.ReadWriteCloser) *rawConn   { return nil }
func (r *rawConn) read() error                 { panic("unreachable") }
func (r *rawConn) write(p []byte) (int, error) { panic("unreachable") }
