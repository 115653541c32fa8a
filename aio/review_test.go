package aio_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// A second reader that comes while the first has been woken by data but has
// not yet run is a concurrent reader too: it gets ErrConcurrentRead, and the
// first reader still gets its line. (It used to take over the first reader's
// wait: one of the two was never woken, and could not even be cancelled.)
func TestConcurrentReaderWhileFirstIsWoken(t *testing.T) {
	withFeed(t, nil, func(co *coro.Co, c *feedConn, s *aio.Stream) error {
		first := sched.Spawn(co, coro.New(func(co *coro.Co) ([]byte, error) { return s.ReadLine(co) }))
		sched.Sleep(co, 0) // first waits for a line
		c.feed("abc")
		// On the loop's goroutine: until the reading goroutine has taken
		// "abc" and handed the loop its event, which then runs after this
		// task's next step; the step after that comes before the first
		// reader's, which the event woke.
		c.idle()
		sched.Sleep(co, 0)
		sched.Sleep(co, 0)
		err := sched.WithTimeout(co, time.Second, func(co *coro.Co) error {
			b, err := s.ReadLine(co)
			if err == nil {
				t.Errorf("second ReadLine = %q; want ErrConcurrentRead", b)
			}
			return err
		})
		if !errors.Is(err, aio.ErrConcurrentRead) {
			t.Errorf("second ReadLine while the first is woken = %v; want ErrConcurrentRead", err)
		}
		c.feed("def\n")
		if b, err := first.Await(co); string(b) != "abcdef\n" || err != nil {
			t.Errorf("first reader = %q, %v; want abcdef\\n", b, err)
		}
		return nil
	})
}

// A read right after cancelling the task that waited to read, before that
// task has resumed, is still a concurrent read, as in asyncio (RuntimeError:
// the cancelled reader's waiter is not cleared until it runs); and the
// cancelled reader does end with the cancellation.
func TestConcurrentReaderWhileFirstIsCancelled(t *testing.T) {
	withFeed(t, nil, func(co *coro.Co, c *feedConn, s *aio.Stream) error {
		first := sched.Spawn(co, coro.New(func(co *coro.Co) ([]byte, error) { return s.ReadLine(co) }))
		sched.Sleep(co, 0) // first waits for a line
		first.Cancel()
		err := sched.WithTimeout(co, time.Second, func(co *coro.Co) error {
			b, err := s.ReadLine(co)
			if err == nil {
				t.Errorf("ReadLine = %q; want ErrConcurrentRead", b)
			}
			return err
		})
		if !errors.Is(err, aio.ErrConcurrentRead) {
			t.Errorf("ReadLine right after cancelling the reader = %v; want ErrConcurrentRead", err)
		}
		if b, err := first.Await(co); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled reader = %q, %v; want its cancellation", b, err)
		}
		c.feed("line\n")
		if b, err := s.ReadLine(co); string(b) != "line\n" || err != nil {
			t.Errorf("ReadLine once the cancelled reader is gone = %q, %v", b, err)
		}
		return nil
	})
}

// orderConn records what the stream does to it, in order. Its writes wait for
// writeGate; its CloseWrite says so on inCloseWrite, then waits for
// releaseCloseWrite; its reads wait for Close.
type orderConn struct {
	writeGate         chan struct{}
	inCloseWrite      chan struct{}
	releaseCloseWrite chan struct{}
	closedCh          chan struct{}

	mu     sync.Mutex
	ops    []string
	closed bool
}

func newOrderConn() *orderConn {
	return &orderConn{
		writeGate:         make(chan struct{}),
		inCloseWrite:      make(chan struct{}),
		releaseCloseWrite: make(chan struct{}),
		closedCh:          make(chan struct{}),
	}
}

func (c *orderConn) log(op string) {
	c.mu.Lock()
	c.ops = append(c.ops, op)
	c.mu.Unlock()
}

func (c *orderConn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func (c *orderConn) Read(p []byte) (int, error) {
	<-c.closedCh
	return 0, net.ErrClosed
}

func (c *orderConn) Write(p []byte) (int, error) {
	<-c.writeGate
	if c.isClosed() {
		return 0, net.ErrClosed
	}
	c.log("write " + string(p))
	return len(p), nil
}

func (c *orderConn) CloseWrite() error {
	close(c.inCloseWrite)
	<-c.releaseCloseWrite
	if c.isClosed() {
		c.log("CloseWrite after Close")
		return net.ErrClosed
	}
	c.log("CloseWrite")
	return nil
}

func (c *orderConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return net.ErrClosed
	}
	c.closed = true
	c.ops = append(c.ops, "Close")
	close(c.closedCh)
	return nil
}

// CloseWrite after buffered bytes, then Close while the writing goroutine is
// in the connection's CloseWrite: the connection closes after its CloseWrite
// returned, and WaitClosed waits for that. (Close used to close the
// connection under the running CloseWrite, which then failed, and WaitClosed
// could return while the goroutine was still in it.)
func TestCloseDuringFlushedCloseWrite(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		c := newOrderConn()
		s := aio.NewStream(co, c)
		if _, err := s.Write([]byte("x")); err != nil {
			return err
		}
		if err := s.CloseWrite(); err != nil {
			t.Errorf("CloseWrite = %v", err)
		}
		close(c.writeGate)
		if _, _, err := sched.Recv(co, c.inCloseWrite); err != nil {
			return err
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close = %v", err)
		}
		if c.isClosed() {
			t.Errorf("Close closed the connection while its CloseWrite ran")
		}
		close(c.releaseCloseWrite)
		if err := s.WaitClosed(co); err != nil {
			t.Errorf("WaitClosed = %v; want nil", err)
		}
		c.mu.Lock()
		ops := c.ops
		c.mu.Unlock()
		if diff := cmp.Diff([]string{"write x", "CloseWrite", "Close"}, ops); diff != "" {
			t.Errorf("what the connection saw (-want +got):\n%s", diff)
		}
		return nil
	})
}

// handListener is a listener whose Accept returns the connections handed to
// it on conns, and announces each call on calls.
type handListener struct {
	conns  chan net.Conn
	calls  chan struct{}
	closed chan struct{}
	once   sync.Once
}

func newHandListener() *handListener {
	return &handListener{conns: make(chan net.Conn, 1), calls: make(chan struct{}, 10), closed: make(chan struct{})}
}

func (l *handListener) Accept() (net.Conn, error) {
	l.calls <- struct{}{}
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *handListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *handListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// A connection accepted as Run ends gets a handler task that is cancelled
// before its first step, so the handler never runs: the server still closes
// the connection. (Its stream used to be left open: the connection, and the
// stream's reading goroutine blocked on it, leaked.)
func TestServerHandlerCancelledBeforeStart(t *testing.T) {
	leaktest.Check(t)
	a, b := net.Pipe()
	defer b.Close()
	ran := false
	run(t, func(co *coro.Co) error {
		ln := newHandListener()
		aio.Serve(co, ln, func(co *coro.Co, s *aio.Stream) error {
			ran = true
			return nil
		})
		ln.conns <- a
		// On the loop's goroutine: until the accepting goroutine has handed
		// the connection to the loop and waits for the next. The loop starts
		// its handler after main has returned; Run's shutdown cancels it.
		<-ln.calls
		<-ln.calls
		return nil
	})
	if ran {
		t.Log("the handler ran") // not the case this test is about, but no failure
	}
	b.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := b.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the peer's read after Run = %d, %v; want io.EOF: the server closed the connection", n, err)
	}
}

// A request whose client is gone before the loop has started it: ServeHTTP
// hands the loop the request and its cancellation together, the new worker
// task is cancelled before its first step and never runs. The handler must
// still let go of the loop: a main task waiting for an Event nobody sets is a
// deadlock. (The Hold taken for the request used to be kept forever: the loop
// never reported the deadlock, nor any later one.)
func TestHandlerClientGoneBeforeStart(t *testing.T) {
	leaktest.Check(t)
	l := sched.NewLoop()
	defer l.Close()
	var never sched.Event
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		// Bounds the test: with the Hold kept, nothing else ends the wait.
		defer close(stopped)
		select {
		case <-stop:
		case <-time.After(5 * time.Second):
			l.CallSoonThreadsafe(never.Set)
		}
	}()
	ran := false
	h := aio.Handler(l, func(co *coro.Co, w http.ResponseWriter, r *http.Request) error {
		ran = true
		return nil
	})
	_, err := sched.RunOn(l, coro.New(func(co *coro.Co) (struct{}, error) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		// On the loop's goroutine: ServeHTTP returns at once, the request's
		// context being done, having handed the loop both the request and
		// its cancellation.
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil).WithContext(ctx))
		return struct{}{}, never.Wait(co)
	}))
	close(stop)
	<-stopped
	if !errors.Is(err, sched.ErrDeadlock) {
		t.Errorf("RunOn = %v; want a deadlock: the request is over", err)
	}
	if ran {
		t.Log("fn ran") // not the case this test is about, but no failure
	}
}

// A worker task cancelled for one request (its client left) does not carry
// the cancellation into the next: fn sees neither a cancelled co.Context()
// nor a cancellation request pending. (A reused worker's co.Context() used to
// stay cancelled for every later request once one request's fn had asked for
// it: a task's context, once cancelled, stays so.)
func TestHandlerNoStaleCancellation(t *testing.T) {
	leaktest.Check(t)
	started := make(chan struct{}, 1)
	var cancelled sched.Event
	fn := func(co *coro.Co, w http.ResponseWriter, r *http.Request) error {
		if r.URL.Path == "/hang" {
			ctx := co.Context() // as fn would, to hand it to a call
			started <- struct{}{}
			var never sched.Event
			err := never.Wait(co)
			if errors.Is(err, context.Canceled) && ctx.Err() != nil {
				cancelled.Set()
			}
			return err
		}
		if err := sched.Sleep(co, time.Millisecond); err != nil {
			return err
		}
		fmt.Fprintf(w, "ctx %v, cancelling %d", co.Context().Err(), sched.Current(co).Cancelling())
		return nil
	}
	serveHTTP(t, fn, func(co *coro.Co, url string) error {
		for round := range 3 {
			if _, err := leaveHanging(co, url+"/hang", started, &cancelled); err != nil {
				return err
			}
			for i := range 3 {
				r, err := get(co, "GET", url+"/", "")
				if want := "ctx <nil>, cancelling 0"; r.body != want || err != nil {
					t.Errorf("round %d request %d after a client left: %+v, %v; want %q", round, i, r, err, want)
				}
			}
		}
		return nil
	})
}

// A Communicate that is cancelled (here by a timeout) leaves the child's pipes
// open, as asyncio's does: the child goes on writing, and a later Communicate
// gets what it wrote. (The cancelled reads used to close stdout and stderr, so
// the child's next write failed: a Go child died of SIGPIPE.)
func TestCommunicateCancelledLeavesPipesOpen(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, helper("signal"))
		if err != nil {
			return err
		}
		if line, err := p.Stdout.ReadLine(co); string(line) != "ready\n" || err != nil {
			p.Kill()
			p.Wait(co)
			return fmt.Errorf("child's first line = %q, %v", line, err)
		}
		err = sched.WithTimeout(co, 50*time.Millisecond, func(co *coro.Co) error {
			_, _, err := p.Communicate(co, nil)
			return err
		})
		if !errors.Is(err, sched.ErrTimeout) {
			t.Errorf("Communicate with a child waiting for a signal, under a timeout = %v", err)
		}
		if err := p.Signal(syscall.SIGHUP); err != nil {
			return err
		}
		stdout, stderr, err := p.Communicate(co, nil)
		if string(stdout) != "got hangup\n" || len(stderr) != 0 || err != nil {
			code, _ := p.ExitCode()
			t.Errorf("Communicate after the signal = %q, %q, %v (exit %d); want \"got hangup\\n\", \"\", nil", stdout, stderr, err, code)
		}
		return nil
	})
}

// A connection accepted after RunOn has returned, its hand-over waiting for
// the loop's next run, is closed when the loop is closed instead. (The
// hand-over was dropped with the loop, and the connection never closed.)
func TestServerConnectionAcceptedBeforeLoopClose(t *testing.T) {
	leaktest.Check(t)
	a, b := net.Pipe()
	defer b.Close()
	ln := newHandListener()
	l := sched.NewLoop()
	if _, err := sched.RunOn(l, coro.New(func(co *coro.Co) (struct{}, error) {
		aio.Serve(co, ln, func(co *coro.Co, s *aio.Stream) error { return nil })
		return struct{}{}, nil
	})); err != nil {
		t.Fatal(err)
	}
	<-ln.calls // the accepting goroutine runs
	ln.conns <- a
	<-ln.calls // and has handed a over to the loop, which does not run
	l.Close()
	b.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := b.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the peer's read after Close = %d, %v; want io.EOF: the connection closed", n, err)
	}
}

// A server started as Run ends, whose own task is cancelled before its first
// step, is closed all the same: the listener closes and the accepting
// goroutine ends. (The task's coroutine closed unrun used to leave both.)
func TestServerCancelledBeforeStart(t *testing.T) {
	leaktest.Check(t)
	ln := newHandListener()
	run(t, func(co *coro.Co) error {
		// The task runs in the iteration after main returns; the server's
		// task it starts is cancelled by Run's shutdown before it runs.
		sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			aio.Serve(co, ln, func(co *coro.Co, s *aio.Stream) error { return nil })
			return struct{}{}, nil
		}))
		return nil
	})
	select {
	case <-ln.closed:
	case <-time.After(5 * time.Second):
		t.Errorf("the listener is still open after Run")
		ln.Close() // for the leak check
	}
}

// A TLS stream's CloseWrite and Close send close_notify, which may wait for
// the peer: they are done by the stream's writing goroutine, never on the
// loop's. The half-close still reaches the peer in order, and WaitClosed
// sees the end.
func TestTLSCloseWriteAndCloseOffLoop(t *testing.T) {
	leaktest.Check(t)
	srv := httptest.NewUnstartedServer(nil)
	srv.StartTLS()
	cfg := srv.TLS.Clone()
	srv.Close()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err.Error()
			return
		}
		defer c.Close()
		b, err := io.ReadAll(c) // until the client's close_notify
		if err != nil {
			served <- err.Error()
			return
		}
		c.Write([]byte("got " + string(b)))
		served <- "ok"
	}()
	run(t, func(co *coro.Co) error {
		s, err := dialTLS(co, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		s.Write([]byte("hello"))
		if err := s.CloseWrite(); err != nil {
			return err
		}
		rest, err := s.ReadAll(co)
		if string(rest) != "got hello" || err != nil {
			t.Errorf("ReadAll = %q, %v; want \"got hello\", nil", rest, err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close = %v; want nil (a TLS close runs off the loop)", err)
		}
		s.WaitClosed(co)
		return nil
	})
	if got := <-served; got != "ok" {
		t.Errorf("server: %s", got)
	}
}
