package aio_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

var seedFlag = flag.Uint64("aio.seed", 0, "seed for the randomized tests (0: one from the clock); each logs the seed it used")

// testSeed returns the seed of a randomized test: -aio.seed if given, else
// one from the clock. It logs the seed and how to replay it, so that a
// failure can be run again.
func testSeed(t *testing.T) uint64 {
	t.Helper()
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay: go test -run '^%s$' ./aio -args -aio.seed %d)", seed, t.Name(), seed)
	return seed
}

// run runs body as the main task of a new loop and fails t if it returns an
// error.
func run(t *testing.T, body func(co *coro.Co) error, opts ...sched.Option) {
	t.Helper()
	if _, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, body(co)
	}), opts...); err != nil {
		t.Fatal(err)
	}
}

// feedConn is an in-memory connection whose reads the test feeds: asyncio's
// feed_data, feed_eof and set_exception, from outside the stream. A Read
// returns everything fed so far (up to len(p)), as a socket would; writes are
// collected, and can be made to block.
type feedConn struct {
	mu       sync.Mutex
	cond     sync.Cond
	pending  []byte
	eof      bool
	err      error
	closed   bool
	blocked  bool // a Read waits for data
	finished bool // a Read returned the end or an error
	out      bytes.Buffer
	wgate    chan struct{} // if not nil, each Write waits for a receive from it... or its close
	eofSent  bool          // CloseWrite was called
	stream   *aio.Stream   // the stream reading it, for idle
}

func newFeedConn() *feedConn {
	c := &feedConn{}
	c.cond.L = &c.mu
	return c
}

// feed appends the chunks at once: the stream's next read of the connection
// gets them all.
func (c *feedConn) feed(chunks ...string) {
	c.mu.Lock()
	for _, s := range chunks {
		c.pending = append(c.pending, s...)
	}
	c.cond.Broadcast()
	c.mu.Unlock()
}

func (c *feedConn) feedEOF() {
	c.mu.Lock()
	c.eof = true
	c.cond.Broadcast()
	c.mu.Unlock()
}

func (c *feedConn) setError(err error) {
	c.mu.Lock()
	c.err = err
	c.cond.Broadcast()
	c.mu.Unlock()
}

// idle waits until the stream has taken everything fed and waits for more
// (or has seen the end, or pauses with its buffer full and takes no more): then the stream's
// buffer holds all of it.
func (c *feedConn) idle() {
	for {
		c.mu.Lock()
		done := len(c.pending) == 0 && (c.blocked || c.finished || c.closed)
		s := c.stream
		c.mu.Unlock()
		if done || (s != nil && aio.Paused(s)) {
			return
		}
		time.Sleep(50 * time.Microsecond)
	}
}

func (c *feedConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.pending) == 0 && !c.eof && c.err == nil && !c.closed {
		c.blocked = true
		c.cond.Broadcast()
		c.cond.Wait()
	}
	c.blocked = false
	switch {
	case c.closed:
		c.finished = true
		c.cond.Broadcast()
		return 0, net.ErrClosed
	case len(c.pending) > 0:
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		c.cond.Broadcast()
		return n, nil
	case c.err != nil:
		c.finished = true
		c.cond.Broadcast()
		return 0, c.err
	}
	c.finished = true
	c.cond.Broadcast()
	return 0, io.EOF
}

func (c *feedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	gate := c.wgate
	c.mu.Unlock()
	if gate != nil {
		<-gate
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	if c.eofSent {
		return 0, errors.New("feedConn: write after CloseWrite")
	}
	return c.out.Write(p)
}

func (c *feedConn) CloseWrite() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.eofSent = true
	return nil
}

func (c *feedConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return net.ErrClosed
	}
	c.closed = true
	c.cond.Broadcast()
	return nil
}

func (c *feedConn) written() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

func (c *feedConn) sawCloseWrite() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.eofSent
}

func (c *feedConn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// noCloseWrite hides a connection's CloseWrite.
type noCloseWrite struct{ io.ReadWriteCloser }
