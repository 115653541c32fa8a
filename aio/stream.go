package aio

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"iter"
	"net"
	"runtime"
	"sync"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// Defaults, as asyncio's.
const (
	// DefaultLimit is a stream's Limit unless set: asyncio's 64 KiB.
	DefaultLimit = 64 << 10
	// DefaultHighWater is a stream's HighWater unless set: asyncio's 64 KiB.
	DefaultHighWater = 64 << 10
	// readChunk is the most one read of a socket takes (asyncio's max_size is
	// 256 KiB; smaller chunks hand the loop data sooner).
	readChunk = 64 << 10
	// pipeChunk is the buffer of the reading goroutine of other connections,
	// which it holds while it waits.
	pipeChunk = 16 << 10
)

// noPoll makes every stream read with a goroutine of its own, as where the
// loop has no poller: the tests of that path set it.
var noPoll bool

// Option configures a Stream.
type Option func(*options)

type options struct {
	limit int
	high  int
}

// Limit sets the longest line ReadLine returns and the longest result of
// ReadUntil, not counting the separator, and with it how far the stream reads
// ahead: reading the connection pauses while more than 2n bytes wait in the
// buffer, and resumes when n or fewer do, or when a read needs more (asyncio's
// limit, default 64 KiB). n < 1 panics.
func Limit(n int) Option {
	if n < 1 {
		panic("aio.Limit: n < 1")
	}
	return func(o *options) { o.limit = n }
}

// HighWater sets how many unwritten bytes Drain lets through: Drain waits while
// more than n bytes wait to be written (asyncio's high-water mark, default 64
// KiB). HighWater(0) makes Drain wait until everything is written. n < 0
// panics.
func HighWater(n int) Option {
	if n < 0 {
		panic("aio.HighWater: n < 0")
	}
	return func(o *options) { o.high = n }
}

// Stream is asyncio's StreamReader and StreamWriter in one, over a connection
// or a pipe (any io.ReadWriteCloser), bound to one loop. Create one with
// [NewStream], [Dial], or let a [Server] or [Start] make it; the zero value is
// not usable, and a Stream may not be copied.
//
// Reads suspend the reading task, never the loop. The connection is read
// ahead of the task, into a buffer, pausing while more than twice the Limit
// waits there: on Linux, a TCP or Unix socket is read by the loop itself,
// which waits for its sockets as uvloop's does (an epoll instance per loop);
// any other connection, and any connection elsewhere, by a goroutine of the
// stream. Writes never suspend: they buffer what the connection does not take
// at once, and a goroutine of the stream writes it out; [Stream.Drain] is
// where a writing task waits for that buffer to shrink.
//
// A Stream is for one reading task and one writing task at a time, and its
// methods for the tasks of its loop: none is safe from another goroutine
// (Write, CloseWrite, Close, Abort and Conn take no co, but belong to the
// loop's goroutine too). A read that would wait while another task waits to
// read the same stream returns ErrConcurrentRead; a read from a task of
// another loop returns an error.
//
// A read that ends early — the task is cancelled, a timeout expires — takes
// nothing from the buffer: what arrived is there for the next read, as in
// asyncio. Reads return what was received before an error or the end: a
// connection reset after "bye\n" gives "bye\n" first, then the error (asyncio
// raises the error at once; a Go reader gets its data first, as with
// io.Reader).
//
// Close, or a failed write, closes the connection and ends the stream's
// goroutines. A Stream that is never closed keeps its connection open, and a
// reading goroutine blocked on it where there is one: close every Stream, as
// every net.Conn. The connection's Close must make a blocked Read return, as
// it does for net.Conn, os.File pipes, io.Pipe and net.Pipe.
type Stream struct {
	loop  *sched.Loop
	rw    io.ReadWriteCloser
	raw   *rawConn // non-nil: a socket the loop writes to directly
	limit int
	high  int
	name  string

	// Owned by the loop's goroutine.
	buf      []byte // received bytes not yet consumed: buf[off:]
	off      int
	eof      bool  // nothing more will arrive: reading the connection stopped
	rerr     error // why it stopped, when not at the end of the stream
	rwait    waitpoint
	drainers []*waitpoint
	closers  []*waitpoint
	closing  bool // Close or Abort was called
	shut     bool // CloseWrite was called
	canRead  bool
	canWrite bool
	onEvent  func()   // s.event, made once
	poll     *epoller // non-nil: the loop reads the socket itself (Linux)
	token    int32    // the stream's slot in poll, or -1
	pollOn   bool     // poll reports the socket readable

	// Guarded by mu: what the stream's goroutines share with the loop.
	mu          sync.Mutex
	resume      sync.Cond // the reading goroutine waits here while paused
	in          []byte    // read from the connection, not yet moved to buf
	loopLen     int       // len(buf)-off as the loop last published it
	ended       bool      // the connection will not be read again
	endErr      error     // and why: nil at the end of the stream
	paused      bool      // reading waits for the buffer to shrink
	readWanted  bool      // a task waits for data: do not pause, post
	out         []byte    // waiting to be written
	spare       []byte    // out's other buffer
	inflight    int       // bytes the writing goroutine is writing
	writing     bool      // the writing goroutine runs
	werr        error     // the first failed write
	drainWanted bool      // a task waits in Drain
	closeWanted bool      // a task waits in WaitClosed
	posted      bool      // an event callback is on its way to the loop
	closeReq    bool      // close once what is buffered is written
	eofReq      bool      // CloseWrite once what is buffered is written
	aborted     bool      // closed at once; unwritten bytes dropped
	connClosed  bool      // rw.Close has been called
	closeErr    error     // what it returned, or the failed write
	running     int       // the stream's goroutines still running
}

// NewStream returns a Stream over rw, bound to the loop of co's task, and
// starts reading rw ahead of the reading task. rw may be any net.Conn, a
// tls.Conn, a pipe; on a *net.TCPConn or *net.UnixConn, writes go straight
// to the socket from the loop when it has room, without a goroutine. The
// Stream owns rw from now on: close the Stream, not rw. NewStream panics if co
// is not driven by a task of a running sched loop.
func NewStream(co *coro.Co, rw io.ReadWriteCloser, opts ...Option) *Stream {
	l := sched.LoopOf(co)
	if l == nil {
		panic("aio.NewStream: " + errNoLoop.Error())
	}
	if rw == nil {
		panic("aio.NewStream: nil connection")
	}
	return newStream(l, rw, true, true, opts)
}

func newStream(l *sched.Loop, rw io.ReadWriteCloser, canRead, canWrite bool, opts []Option) *Stream {
	o := options{limit: DefaultLimit, high: DefaultHighWater}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Stream{loop: l, rw: rw, limit: o.limit, high: o.high, canRead: canRead, canWrite: canWrite}
	s.name = describeConn(rw)
	s.resume.L = &s.mu
	s.onEvent = s.event
	s.rwait = waitpoint{loop: l, what: "Read", of: s.name}
	s.raw = newRawConn(rw)
	s.token = -1
	if s.raw != nil {
		s.raw.deliver = s.deliver
		if canRead && !noPoll {
			if p := pollerOf(l); p != nil && p.add(s) {
				s.poll = p
			}
		}
	}
	if canRead && s.poll == nil {
		s.running++
		go s.readLoop()
	} else if !canRead {
		s.ended = true
		s.eof = true
	}
	return s
}

// describeConn names a connection for deadlock reports and task names: its
// remote address when it has one.
func describeConn(rw io.ReadWriteCloser) string {
	if c, ok := rw.(interface{ RemoteAddr() net.Addr }); ok {
		if a := c.RemoteAddr(); a != nil {
			return a.String()
		}
	}
	return fmt.Sprintf("%T", rw)
}

// String describes the stream: "aio.Stream(127.0.0.1:5000)".
func (s *Stream) String() string { return "aio.Stream(" + s.name + ")" }

// Conn returns the connection the stream wraps (asyncio's get_extra_info):
// for its addresses, TLS state, options. Do not read or write it, nor set
// its deadlines: the stream reads and writes it, and a Read or Write of the
// connection blocked in another goroutine would make the loop's own reads and
// writes of the socket wait for it. Time a read out with sched.WithTimeout,
// which loses no byte.
func (s *Stream) Conn() io.ReadWriteCloser { return s.rw }

// Reading

// readLoop is the reading goroutine: it reads the connection into s.in until
// the end, an error or a close, pausing while the buffer is over twice the
// limit and nobody waits for more.
func (s *Stream) readLoop() {
	var chunk []byte
	if s.raw == nil {
		chunk = make([]byte, pipeChunk)
	}
	for {
		s.mu.Lock()
		for !s.connClosed && s.full() {
			s.paused = true
			s.resume.Wait()
		}
		s.paused = false
		stop := s.connClosed
		s.mu.Unlock()
		var n int
		var err error
		switch {
		case stop:
			err = net.ErrClosed
		case s.raw != nil:
			err = s.raw.read()
		default:
			n, err = s.rw.Read(chunk)
		}
		s.mu.Lock()
		if n > 0 {
			s.in = append(s.in, chunk[:n]...)
		}
		if err != nil {
			s.ended = true
			s.endErr = s.readEndErr(err)
			if s.canWrite {
				s.running--
			} // a read-only pipe counts itself out once it has closed the pipe, below
		}
		if s.unlockAndPost() {
			// The loop's goroutine is now runnable on this P; yield to it
			// rather than read again first. Otherwise the runtime's spinning
			// M steals it while this goroutine is in its next read system
			// call, and the loop resumes on another CPU: about 4 µs more per
			// message at one connection (BenchmarkEcho/conns=1).
			runtime.Gosched()
		}
		if err != nil {
			if !s.canWrite {
				// A read-only pipe has nothing more to give: close it now,
				// as asyncio's read pipe transport does at the end; only
				// then is this goroutine done, for WaitClosed.
				s.closeConn(nil)
				s.countOut()
			}
			return
		}
	}
}

// readEndErr returns, with s.mu held, what reads return at the end of the
// buffered data once reading the connection failed with err.
func (s *Stream) readEndErr(err error) error {
	switch {
	case err == io.EOF || s.closeReq || s.aborted:
		return nil
	case s.werr != nil && s.connClosed:
		return s.werr // the failed write closed the connection
	default:
		return err
	}
}

// resumeReading lets reading the connection go on after a pause, with s.mu
// held, on the loop's goroutine.
func (s *Stream) resumeReading() {
	if s.poll != nil {
		s.paused = false
		s.poll.interest(s, true)
		return
	}
	s.resume.Signal()
}

// full reports, with s.mu held, whether reading the connection pauses: more
// than twice the limit waits in the buffers, and no task waits for more.
func (s *Stream) full() bool { return !s.readWanted && len(s.in)+s.loopLen > 2*s.limit }

// deliver appends bytes the raw reader read to s.in.
func (s *Stream) deliver(p []byte) {
	s.mu.Lock()
	s.in = append(s.in, p...)
	s.mu.Unlock()
}

// post hands the stream's event to the loop: s.event runs there soon.
func (s *Stream) post() { s.loop.CallSoonThreadsafe(s.onEvent) }

// unlockAndPost releases s.mu and posts the stream's event if a waiting task
// must hear about the state: how every change by a goroutine of the stream
// ends. It reports whether it posted.
func (s *Stream) unlockAndPost() bool {
	post := s.wantPost()
	s.mu.Unlock()
	if post {
		s.post()
	}
	return post
}

// countOut notes that a goroutine of the stream has returned.
func (s *Stream) countOut() {
	s.mu.Lock()
	s.running--
	s.unlockAndPost()
}

// wantPost reports, with s.mu held, whether a waiting task must hear about the
// state now, and marks an event as posted. At most one event callback is on
// its way to the loop at a time: one wake-up of the loop per burst of data.
func (s *Stream) wantPost() bool {
	if s.posted {
		return false
	}
	if (s.readWanted && (len(s.in) > 0 || s.ended)) ||
		(s.drainWanted && s.drained()) ||
		(s.closeWanted && s.connClosed && s.running == 0) {
		s.posted = true
		return true
	}
	return false
}

// drained reports, with s.mu held, whether Drain may return.
func (s *Stream) drained() bool {
	return len(s.out)+s.inflight <= s.high || s.werr != nil || s.connClosed
}

// event runs on the loop when a goroutine posted: it wakes the tasks whose
// wait is over.
func (s *Stream) event() {
	s.mu.Lock()
	s.posted = false
	s.unlockAndWake()
}

// unlockAndWake releases s.mu, held on the loop's goroutine, and wakes the
// tasks whose wait is over.
func (s *Stream) unlockAndWake() {
	read := s.readWanted && (len(s.in) > 0 || s.ended)
	if read {
		s.readWanted = false
	}
	drain := s.drainWanted && s.drained()
	if drain {
		s.drainWanted = false
	}
	closed := s.closeWanted && s.connClosed && s.running == 0
	if closed {
		s.closeWanted = false
	}
	s.mu.Unlock()
	if read {
		s.rwait.wake()
	}
	if drain {
		wakeAll(&s.drainers)
	}
	if closed {
		wakeAll(&s.closers)
	}
}

func wakeAll(ws *[]*waitpoint) {
	for i, w := range *ws {
		w.wake()
		(*ws)[i] = nil
	}
	*ws = (*ws)[:0]
}

// fill moves what was read from the connection into the loop's buffer and
// notes the end of the stream.
func (s *Stream) fill() {
	s.mu.Lock()
	if len(s.in) > 0 {
		if s.off == len(s.buf) {
			// Empty: swap the buffers instead of copying.
			s.buf, s.in = s.in, s.buf[:0]
			s.off = 0
		} else {
			if s.off > 0 && s.off >= len(s.buf)/2 {
				s.buf = s.buf[:copy(s.buf, s.buf[s.off:])]
				s.off = 0
			}
			s.buf = append(s.buf, s.in...)
			s.in = s.in[:0]
		}
	}
	s.loopLen = len(s.buf) - s.off
	if s.ended {
		s.eof = true
		s.rerr = s.endErr
	}
	s.mu.Unlock()
}

// data returns the buffered bytes, without copying.
func (s *Stream) data() []byte { return s.buf[s.off:] }

// consume drops n bytes from the front of the buffer and lets a paused reading
// goroutine go on once the buffer is down to the limit.
func (s *Stream) consume(n int) {
	s.off += n
	if s.off == len(s.buf) {
		s.buf = s.buf[:0]
		s.off = 0
	}
	s.mu.Lock()
	s.loopLen = len(s.buf) - s.off
	if s.paused && len(s.in)+s.loopLen <= s.limit {
		s.resumeReading()
	}
	s.mu.Unlock()
}

// waitData suspends the task until more data than fill last saw has arrived,
// or the stream has ended. what names the read for errors and deadlock
// reports.
func (s *Stream) waitData(co *coro.Co, what string) error {
	if s.rwait.waiting() {
		return ErrConcurrentRead
	}
	if l := sched.LoopOf(co); l != s.loop {
		if l == nil {
			return errNoLoop
		}
		return errOtherLoop
	}
	s.mu.Lock()
	if len(s.in) > 0 || s.ended {
		s.mu.Unlock()
		return nil
	}
	s.readWanted = true
	if s.paused {
		// asyncio's _wait_for_data resumes a paused transport: a read that
		// needs more than is buffered (ReadExactly of more than twice the
		// limit) would wait forever otherwise.
		s.resumeReading()
	}
	s.mu.Unlock()
	s.rwait.what = what
	err := s.rwait.await(co)
	if err != nil {
		s.mu.Lock()
		s.readWanted = false
		s.mu.Unlock()
	}
	return err
}

// endErr returns what a read at the end of the buffered data returns.
func (s *Stream) endOfStream() error {
	if s.rerr != nil {
		return s.rerr
	}
	return io.EOF
}

// Read reads up to len(p) bytes into p: asyncio's read(n). It returns as soon
// as at least one byte is buffered, suspending the task until then; at the end
// of the stream it returns 0, io.EOF, and after an error of the connection the
// bytes received before it, then 0 and that error, for every later read. A
// Read of an empty p returns 0, nil at once. Once the stream is closed, Read
// returns what was buffered, then 0, io.EOF. A cancelled Read returns the
// cancellation and reads nothing.
func (s *Stream) Read(co *coro.Co, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		s.fill()
		if d := s.data(); len(d) > 0 {
			n := copy(p, d)
			s.consume(n)
			return n, nil
		}
		if s.eof {
			return 0, s.endOfStream()
		}
		if err := s.waitData(co, "Read"); err != nil {
			return 0, err
		}
	}
}

// ReadUntil reads through the first occurrence of sep and returns the bytes,
// sep included: asyncio's readuntil. If the stream ends first, it returns an
// *IncompleteReadError (matching ErrIncompleteRead) whose Partial holds what was
// buffered, which is consumed; then, at the end, an IncompleteReadError with
// no bytes. If sep is not within the stream's Limit bytes, it returns a
// *LimitOverrunError (matching ErrLimitOverrun) and the bytes stay buffered, to
// be read some other way. After an error of the connection it returns that
// error, leaving the bytes buffered for Read. A cancelled ReadUntil returns the
// cancellation and consumes nothing. An empty sep panics.
func (s *Stream) ReadUntil(co *coro.Co, sep []byte) ([]byte, error) {
	if len(sep) == 0 {
		panic("aio.Stream.ReadUntil: empty separator")
	}
	return s.readUntil(co, sep, "ReadUntil")
}

func (s *Stream) readUntil(co *coro.Co, sep []byte, what string) ([]byte, error) {
	// offset: the buffer before it holds no complete separator.
	offset := 0
	for {
		s.fill()
		d := s.data()
		if len(d)-offset >= len(sep) {
			if i := bytes.Index(d[offset:], sep); i >= 0 {
				end := offset + i
				if end > s.limit {
					return nil, &LimitOverrunError{"separator is found, but chunk is longer than limit", end}
				}
				line := bytes.Clone(d[:end+len(sep)])
				s.consume(len(line))
				return line, nil
			}
			offset = len(d) + 1 - len(sep)
			if offset > s.limit {
				return nil, &LimitOverrunError{"separator is not found, and chunk exceed the limit", offset}
			}
		}
		if s.eof {
			if s.rerr != nil {
				return nil, s.rerr
			}
			partial := bytes.Clone(d)
			s.consume(len(d))
			return nil, &IncompleteReadError{Partial: partial, Expected: -1}
		}
		if err := s.waitData(co, what); err != nil {
			return nil, err
		}
	}
}

// ReadLine reads one line, through '\n' inclusive: asyncio's readline. At the
// end of the stream it returns the last, partial line with a nil error if there
// is one, then nil, io.EOF. A line longer than the stream's Limit is dropped —
// through its '\n' if that is buffered, else everything buffered — and
// ReadLine returns a *LimitOverrunError (matching ErrLimitOverrun), as asyncio's
// readline does (it raises ValueError); use ReadUntil to keep the bytes. After
// an error of the connection it returns that error. A cancelled ReadLine
// returns the cancellation and consumes nothing.
func (s *Stream) ReadLine(co *coro.Co) ([]byte, error) {
	line, err := s.readUntil(co, newline, "ReadLine")
	var inc *IncompleteReadError
	var over *LimitOverrunError
	switch {
	case err == nil:
		return line, nil
	case errors.As(err, &inc):
		if len(inc.Partial) == 0 {
			return nil, io.EOF
		}
		return inc.Partial, nil
	case errors.As(err, &over):
		d := s.data()
		if bytes.HasPrefix(d[over.Consumed:], newline) {
			s.consume(over.Consumed + 1)
		} else {
			s.consume(len(d))
		}
		return nil, over
	}
	return nil, err
}

var newline = []byte{'\n'}

// ReadExactly reads exactly n bytes: asyncio's readexactly. If the stream
// ends first it returns an *IncompleteReadError (matching ErrIncompleteRead)
// with the bytes it got, which are consumed, and Expected n. After an error of
// the connection it returns that error, leaving the bytes buffered for Read. n
// may exceed the Limit. ReadExactly(co, 0) returns an empty slice at once; a
// cancelled ReadExactly returns the cancellation and consumes nothing; n < 0
// panics.
func (s *Stream) ReadExactly(co *coro.Co, n int) ([]byte, error) {
	if n < 0 {
		panic("aio.Stream.ReadExactly: n < 0")
	}
	if n == 0 {
		return []byte{}, nil
	}
	for {
		s.fill()
		d := s.data()
		if len(d) >= n {
			b := bytes.Clone(d[:n])
			s.consume(n)
			return b, nil
		}
		if s.eof {
			if s.rerr != nil {
				return nil, s.rerr
			}
			partial := bytes.Clone(d)
			s.consume(len(d))
			return nil, &IncompleteReadError{Partial: partial, Expected: n}
		}
		if err := s.waitData(co, "ReadExactly"); err != nil {
			return nil, err
		}
	}
}

// ReadAll reads until the end of the stream and returns everything: asyncio's
// read(-1). It returns a nil error at the end (an empty, non-nil slice if
// nothing was left), or the connection's error, leaving the bytes buffered for
// Read. It keeps all it reads in memory, with no limit. A cancelled ReadAll
// returns the cancellation and consumes nothing: the bytes received so far stay
// buffered.
func (s *Stream) ReadAll(co *coro.Co) ([]byte, error) {
	for {
		s.fill()
		if s.eof {
			if s.rerr != nil {
				return nil, s.rerr
			}
			d := s.data()
			b := bytes.Clone(d)
			if b == nil {
				b = []byte{}
			}
			s.consume(len(d))
			return b, nil
		}
		if err := s.waitData(co, "ReadAll"); err != nil {
			return nil, err
		}
	}
}

// Lines returns an iterator over the stream's lines, as ReadLine reads them:
// asyncio's "async for line in reader". It ends at the end of the stream; an
// error (the connection's, a line over the Limit, a cancellation) is yielded
// once, with a nil line, and ends it. Breaking out of the loop leaves the rest
// buffered. The iterator is single-use in the sense that each range reads on
// from where the last one stopped.
func (s *Stream) Lines(co *coro.Co) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		for {
			line, err := s.ReadLine(co)
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(line, nil) {
				return
			}
		}
	}
}

// AtEOF reports whether the stream has ended and every byte was read: asyncio's
// at_eof.
func (s *Stream) AtEOF() bool {
	s.fill()
	return s.eof && len(s.data()) == 0
}

// Writing

// Write buffers p to be written to the connection and returns len(p), nil: it
// never suspends (asyncio's write). What the connection takes at once is
// written at once; the rest is written by a goroutine of the stream, in order.
// Write returns ErrClosed once the stream is closed, ErrWriteAfterEOF after
// CloseWrite, and the error of a failed write once one has failed (the
// connection is then closed). Call Drain to wait for the buffer to shrink: a
// writer that never drains buffers without bound.
func (s *Stream) Write(p []byte) (int, error) {
	switch {
	case s.closing:
		return 0, ErrClosed
	case s.shut:
		return 0, ErrWriteAfterEOF
	case !s.canWrite:
		return 0, errNotWritable
	case len(p) == 0:
		return 0, nil
	}
	s.mu.Lock()
	if err := s.werr; err != nil {
		s.mu.Unlock()
		return 0, err
	}
	if !s.writing && len(s.out) == 0 && s.raw != nil {
		s.mu.Unlock()
		// Nothing is queued, so nothing can be reordered: try the socket
		// directly from the loop, asyncio's first send in write().
		n, err := s.raw.write(p)
		if err != nil {
			s.failWriteOnLoop(err)
			return 0, err
		}
		if n == len(p) {
			return n, nil
		}
		s.mu.Lock()
		s.out = append(s.out, p[n:]...)
	} else {
		s.out = append(s.out, p...)
	}
	s.startWriter()
	s.mu.Unlock()
	return len(p), nil
}

var errNotWritable = errors.New("aio: stream is not writable")

// failWriteOnLoop is failWrite on the loop's goroutine, where the stream's
// closing makes the tasks in WaitClosed keep the loop alive until its
// goroutines have returned.
func (s *Stream) failWriteOnLoop(err error) {
	s.holdClosers()
	s.failWrite(err, true)
}

// failWrite records a failed write and closes the connection, as asyncio's
// transport does on a fatal error. Any goroutine of the stream may call it,
// saying whether it is the loop's.
func (s *Stream) failWrite(err error, onLoop bool) {
	s.mu.Lock()
	if s.werr == nil {
		s.werr = err
	}
	s.mu.Unlock()
	s.closeConnFrom(err, onLoop)
}

// writeLoop is the writing goroutine: it writes what is buffered until the
// buffer is empty, then does the CloseWrite or Close asked for meanwhile.
func (s *Stream) writeLoop() {
	for {
		s.mu.Lock()
		if s.eofReq && len(s.out) == 0 && s.werr == nil && !s.aborted && !s.connClosed {
			// CloseWrite, still as the writing goroutine: a Close meanwhile
			// leaves the connection to it, to close once CloseWrite returned.
			s.eofReq = false
			s.mu.Unlock()
			if err := closeWrite(s.rw); err != nil {
				s.failWrite(err, false)
			}
			continue
		}
		if len(s.out) == 0 || s.werr != nil || s.aborted {
			s.writing = false
			s.out = s.out[:0]
			closeNow := s.closeReq && !s.connClosed
			s.eofReq = false // after a failed write or an Abort: no CloseWrite
			if !closeNow {
				s.running--
			}
			s.unlockAndPost()
			if closeNow {
				s.closeConn(nil)
				s.countOut()
			}
			return
		}
		chunk := s.out
		s.out = s.spare[:0]
		s.inflight = len(chunk)
		s.mu.Unlock()
		_, err := s.rw.Write(chunk)
		s.mu.Lock()
		s.spare = chunk[:0]
		s.inflight = 0
		failed := err != nil && !s.aborted && s.werr == nil
		if failed {
			s.werr = err
		}
		s.unlockAndPost()
		if failed {
			s.closeConn(err)
		}
	}
}

// WriteBufferSize returns how many bytes wait to be written: those Write
// buffered that the connection has not taken yet (asyncio's
// transport.get_write_buffer_size). Bytes in the kernel's socket buffer are
// not counted. It is 0 once the stream is closed and flushed.
func (s *Stream) WriteBufferSize() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.out) + s.inflight
}

// Drain waits until at most HighWater bytes wait to be written: asyncio's
// drain. It returns at once, without suspending, when that is already so. It
// returns the error of a failed write (the connection is then closed), and
// ErrClosed once the stream is closed. Several tasks may wait in Drain at once;
// a cancelled Drain returns the cancellation and leaves the bytes to be
// written.
func (s *Stream) Drain(co *coro.Co) error {
	for {
		if s.closing {
			return ErrClosed
		}
		s.mu.Lock()
		if err := s.werr; err != nil {
			s.mu.Unlock()
			return err
		}
		if s.drained() {
			s.mu.Unlock()
			return nil
		}
		s.drainWanted = true
		s.mu.Unlock()
		if err := s.waitIn(co, &s.drainers, "Drain", true); err != nil {
			return err
		}
	}
}

// waitIn suspends the task, on a new waitpoint in *ws, until an event wakes
// it: the wait of Drain and WaitClosed, which several tasks may share. hold
// says whether the wait keeps the loop alive from the start.
func (s *Stream) waitIn(co *coro.Co, ws *[]*waitpoint, what string, hold bool) error {
	if _, err := loopOf(co, s.loop); err != nil {
		return err
	}
	w := &waitpoint{loop: s.loop, what: what + " " + s.name}
	*ws = append(*ws, w)
	wait := w.awaitNoHold
	if hold {
		wait = w.await
	}
	if err := wait(co); err != nil {
		*ws = removeWaiter(*ws, w)
		return err
	}
	return nil
}

func removeWaiter(ws []*waitpoint, w *waitpoint) []*waitpoint {
	for i, x := range ws {
		if x == w {
			return append(ws[:i], ws[i+1:]...)
		}
	}
	return ws
}

// CloseWrite closes the writing half of the connection once what is buffered
// is written, so that the peer reads the end of the stream while this side can
// still read: asyncio's write_eof. Later writes return ErrWriteAfterEOF. It
// returns ErrNoCloseWrite if the connection has no CloseWrite method (a
// *net.TCPConn, *net.UnixConn and *tls.Conn have one; so do a Process's
// Stdin), ErrClosed once the stream is closed, and nil when called again. Its
// error, when it runs after the buffered bytes, is reported by Drain and
// WaitClosed.
func (s *Stream) CloseWrite() error {
	switch {
	case s.closing:
		return ErrClosed
	case s.shut:
		return nil
	case !canCloseWrite(s.rw):
		return ErrNoCloseWrite
	}
	s.shut = true
	s.mu.Lock()
	if err := s.werr; err != nil {
		s.mu.Unlock()
		return err
	}
	if s.writing {
		s.eofReq = true
		s.mu.Unlock()
		return nil
	}
	if closeMayBlock(s.rw) {
		s.eofReq = true
		s.startWriter()
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	if err := closeWrite(s.rw); err != nil {
		s.failWriteOnLoop(err)
		return err
	}
	return nil
}

// closeMayBlock reports whether closing rw, or its writing half, may block:
// a TLS connection sends its close_notify alert then, and waits (up to a
// deadline of its own) for a peer that may not read. Such closes are done by
// the writing goroutine, never on the loop's goroutine.
func closeMayBlock(rw io.ReadWriteCloser) bool {
	_, ok := rw.(*tls.Conn)
	return ok
}

// startWriter starts the writing goroutine, with s.mu held, if it is not
// running.
func (s *Stream) startWriter() {
	if !s.writing {
		s.writing = true
		s.running++
		s.holdClosers() // the writing goroutine may close the stream now
		go s.writeLoop()
	}
}

type closeWriter interface{ CloseWrite() error }

func canCloseWrite(rw io.ReadWriteCloser) bool {
	_, ok := rw.(closeWriter)
	return ok
}

func closeWrite(rw io.ReadWriteCloser) error { return rw.(closeWriter).CloseWrite() }

// Closing

// holdClosers makes the tasks in WaitClosed keep the loop alive from now on:
// the stream is closing, or a goroutine of it may close it. Loop only.
func (s *Stream) holdClosers() {
	for _, w := range s.closers {
		w.hold()
	}
}

// Close closes the stream: what is buffered is still written, by the stream's
// goroutine, and then the connection closes (asyncio's close). Close never
// suspends; [Stream.WaitClosed] waits for the end. From Close on, Write, Drain
// and CloseWrite return ErrClosed, and reads return what was buffered, then
// io.EOF. Close returns the connection's Close error when it closes at once,
// nil when it closes after a flush (WaitClosed reports that error); Close of a
// closed stream does nothing and returns nil. If the peer never reads, the
// flush never ends: use Abort. A TLS connection is always closed by the
// stream's goroutine (its close_notify may wait for the peer), so Close
// returns nil and WaitClosed reports the error; CloseWrite too.
func (s *Stream) Close() error {
	if s.closing {
		return nil
	}
	s.closing = true
	s.holdClosers()
	s.mu.Lock()
	s.closeReq = true
	if s.writing || closeMayBlock(s.rw) {
		s.startWriter() // it closes the connection once what is buffered is out
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	return s.closeConnFrom(nil, true)
}

// Abort closes the stream at once, dropping what is buffered for writing
// (asyncio's transport.abort). Otherwise it is Close.
func (s *Stream) Abort() error {
	s.closing = true
	s.holdClosers()
	s.mu.Lock()
	s.closeReq = true
	s.aborted = true
	s.out = nil
	if c, ok := s.rw.(*tls.Conn); ok {
		// No close_notify: close the connection under it, at once.
		s.mu.Unlock()
		c.NetConn().Close()
		return s.closeConnFrom(nil, true)
	}
	s.mu.Unlock()
	return s.closeConnFrom(nil, true)
}

// closeConn closes the connection, once, from a goroutine of the stream;
// cause is the failed write that made it close, if any.
func (s *Stream) closeConn(cause error) error { return s.closeConnFrom(cause, false) }

// closeConnFrom is closeConn from the loop's goroutine (onLoop) or another.
func (s *Stream) closeConnFrom(cause error, onLoop bool) error {
	s.mu.Lock()
	if s.connClosed {
		s.mu.Unlock()
		return nil
	}
	s.connClosed = true
	s.resume.Broadcast()
	s.mu.Unlock()
	if s.poll != nil {
		s.poll.forget(s)
	}
	err := s.rw.Close()
	s.mu.Lock()
	if cause != nil {
		s.closeErr = cause
	} else if s.closeErr == nil && s.werr == nil {
		s.closeErr = err
	}
	if s.poll != nil && !s.ended {
		// No reading goroutine sees the close: note the end here.
		s.ended = true
		s.endErr = s.readEndErr(net.ErrClosed)
	}
	s.unlockAndPost()
	if s.poll != nil {
		// Free the slot, which is the loop's.
		if onLoop {
			s.unpoll()
		} else {
			s.loop.CallSoonThreadsafe(s.unpoll)
		}
	}
	return err
}

// dropBuffers lets go of the stream's buffers once it is closed and its
// goroutines have returned; later reads see the end of the stream.
func (s *Stream) dropBuffers() {
	s.mu.Lock()
	s.in, s.out, s.spare = nil, nil, nil
	s.mu.Unlock()
	s.buf, s.off = nil, 0
}

// WaitClosed waits until the stream is closed — by Close, Abort or a failed
// write — and its goroutines have returned: asyncio's wait_closed. It returns
// the error of the flush or of the connection's Close, if any. Before Close is
// called it waits for it; while only a task can close the stream (no Close
// yet, no write in progress that could fail), the wait does not keep the loop
// alive, so that a WaitClosed nobody will end is reported as a deadlock. Any
// number of tasks may wait.
func (s *Stream) WaitClosed(co *coro.Co) error {
	for {
		s.mu.Lock()
		if s.connClosed && s.running == 0 {
			err := s.closeErr
			if err == nil {
				err = s.werr
			}
			s.mu.Unlock()
			return err
		}
		s.closeWanted = true
		// The wait ends without a task's help once the stream is closing
		// (its goroutines return by themselves), or if a goroutine of the
		// stream may close it: the writing one, on a failed write, or a
		// read-only pipe's reading one, at its end. Otherwise only a task
		// can end it, and waiting must not keep the loop alive: a WaitClosed
		// nobody will end is a deadlock, reported, not a hang. startWriter
		// takes the hold if a writing goroutine starts meanwhile.
		hold := s.closing || s.connClosed || s.writing || !s.canWrite
		s.mu.Unlock()
		if err := s.waitIn(co, &s.closers, "WaitClosed", hold); err != nil {
			return err
		}
	}
}

// Dial connects to address on the named network (net.Dial's "tcp", "unix",
// ...) and returns a Stream over the connection: asyncio's open_connection. The
// dial runs on a goroutine of its own, so the loop goes on meanwhile; it keeps
// the loop alive while it runs. Cancelling the task, or a timeout around the
// call (sched.WithTimeout), ends the dial at once: Dial returns the
// cancellation, and a connection made too late is closed.
func Dial(co *coro.Co, network, address string) (*Stream, error) {
	l := sched.LoopOf(co)
	if l == nil {
		return nil, errNoLoop
	}
	c, err := bridge(co, "Dial "+address, func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, address)
	}, closeLate[net.Conn])
	if err != nil {
		return nil, err
	}
	return newStream(l, c, true, true, nil), nil
}
