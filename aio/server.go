package aio

import (
	"context"
	"errors"
	"net"
	"runtime/debug"
	"sync"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/sched"
)

// Server accepts connections and runs a handler task for each: asyncio's
// Server, as start_server makes it. Create one with [Listen] or [Serve]; the
// zero value is not usable, and a Server may not be copied. Its methods are
// for the tasks of its loop.
//
// The server itself is a task of the loop, named "aio.Server ADDR": it keeps
// the loop alive while it accepts, and waits for its handlers once closed.
// Being a task, it is cancelled with the others when [sched.Run]'s main task
// returns, which closes the server and cancels its handlers: a forgotten
// server leaves no goroutine behind.
type Server struct {
	loop    *sched.Loop
	ln      net.Listener
	handle  func(co *coro.Co, s *Stream) error
	task    *sched.Task[struct{}] // the server's own task: what Wait awaits
	wait    waitpoint             // where that task waits for a change
	closed  bool                  // Close was called, or accepting failed
	stopped bool                  // the accepting goroutine has returned
	err     error                 // why accepting stopped, if not Close
	conns   map[*sched.Task[struct{}]]*Stream
	accept  func() // sv.accepted, made once

	mu       sync.Mutex // guards what the accepting goroutine hands over
	pending  []net.Conn
	posted   bool
	done     bool  // the accepting goroutine has returned
	finalErr error // and why
}

// Listen listens on address (net.Listen's networks and addresses) and serves
// every connection with handle, each in a task of its own on co's loop:
// asyncio's start_server. See [Serve].
func Listen(co *coro.Co, network, address string, handle func(co *coro.Co, s *Stream) error) (*Server, error) {
	if handle == nil {
		panic("aio.Listen: nil handler")
	}
	if sched.LoopOf(co) == nil {
		return nil, errNoLoop
	}
	ln, err := bridge(co, "Listen "+address, func(ctx context.Context) (net.Listener, error) {
		var lc net.ListenConfig
		return lc.Listen(ctx, network, address)
	}, closeLate[net.Listener])
	if err != nil {
		return nil, err
	}
	return Serve(co, ln, handle), nil
}

// Serve accepts connections on ln and serves each with handle, in a task of
// its own on co's loop, named after the peer's address ("127.0.0.1:51234"),
// with a [Stream] over the connection (default options). The server owns ln:
// Close closes it.
//
// When handle returns, the server closes its stream (what was written is
// flushed, then the connection closes); a handle that is cancelled has its
// connection aborted. A handler that returns an error, or panics, does not stop
// the server: the error — for a panic a *sched.PanicError with the value and
// the handler's stack — becomes the handler task's error, which the loop
// reports as a task error nobody retrieved (sched.OnUnhandledError) unless
// something awaits it.
//
// A temporary accept error (too many open files) is retried after a pause, as
// net/http does; any other stops the server, and [Server.Wait] returns it.
// Serve panics if co is not driven by a task of a running loop, or handle is
// nil.
func Serve(co *coro.Co, ln net.Listener, handle func(co *coro.Co, s *Stream) error) *Server {
	l := sched.LoopOf(co)
	if l == nil {
		panic("aio.Serve: " + errNoLoop.Error())
	}
	if handle == nil {
		panic("aio.Serve: nil handler")
	}
	sv := &Server{loop: l, ln: ln, handle: handle, conns: map[*sched.Task[struct{}]]*Stream{}}
	sv.accept = sv.accepted
	sv.wait = waitpoint{loop: l, what: "Server " + ln.Addr().String()}
	sv.task = sched.SpawnOn(l, coro.New(sv.run))
	sv.task.SetName("aio.Server " + ln.Addr().String())
	sv.task.AddDoneCallback(func() {
		if !sv.closed {
			// Cancelled before its first step, run never ran (a task's
			// coroutine cancelled before it starts is closed unrun).
			sv.Close()
		}
	})
	go sv.acceptLoop()
	return sv
}

// Addr returns the address the server listens on.
func (sv *Server) Addr() net.Addr { return sv.ln.Addr() }

// Close stops accepting connections and closes the listener; handlers already
// running go on, and [Server.Wait] waits for them. Close returns the listener's
// Close error; Close of a closed server does nothing and returns nil.
func (sv *Server) Close() error {
	if sv.closed {
		return nil
	}
	sv.closed = true
	err := sv.ln.Close()
	sv.wait.wake()
	return err
}

// Wait waits until the server is closed and every handler has returned, and
// returns nil, or the accept error that stopped the server. Cancelling the
// task that waits closes the server and cancels the handlers; Wait then
// returns the cancellation once they have all returned. Any number of tasks
// may wait.
func (sv *Server) Wait(co *coro.Co) error {
	if _, err := loopOf(co, sv.loop); err != nil {
		return err
	}
	_, err := sv.task.Await(co)
	return err
}

// Serving reports whether the server accepts connections: it is not closed.
func (sv *Server) Serving() bool { return !sv.closed }

// run is the server's task: it waits until the server is closed, its accepting
// goroutine gone and every handler returned. Cancelled, or closed with the loop,
// it closes the server and cancels the handlers, then waits for them.
func (sv *Server) run(co *coro.Co) (struct{}, error) {
	var cancelErr error
	for !sv.stopped || len(sv.conns) > 0 {
		err := sv.awaitChange(co)
		switch {
		case err == nil:
		case errors.Is(err, gen.ErrGeneratorExit):
			// The loop is closing and can run nothing more: close what we can.
			sv.Close()
			sv.dropPending()
			for _, s := range sv.conns {
				s.Abort()
			}
			return struct{}{}, err
		default:
			cancelErr = err
			sv.Close()
			for t := range sv.conns {
				t.Cancel()
			}
		}
	}
	if cancelErr != nil {
		return struct{}{}, cancelErr
	}
	return struct{}{}, sv.err
}

// dropPending closes the connections handed over to a loop that is closing,
// whose callback to take them will never run, and lets the accepting
// goroutine post again: it then finds the loop closed, and closes any
// connection it accepts later itself.
func (sv *Server) dropPending() {
	sv.mu.Lock()
	for _, c := range sv.pending {
		c.Close()
	}
	sv.pending = nil
	sv.posted = false
	sv.mu.Unlock()
}

// awaitChange waits for the next change of the server's state. It holds the
// loop while the accepting goroutine may still hand something over (a
// listening server keeps the loop alive); waiting only for handlers, it does
// not, so that handlers stuck on something no one will do are still a
// deadlock that the loop reports.
func (sv *Server) awaitChange(co *coro.Co) error {
	if sv.stopped {
		return sv.wait.awaitNoHold(co)
	}
	return sv.wait.await(co)
}

// acceptLoop is the accepting goroutine. It hands connections to the loop in
// batches: one callback, one wake-up of the loop, for all that arrived since
// the last one ran.
func (sv *Server) acceptLoop() {
	var delay time.Duration
	for {
		c, err := sv.ln.Accept()
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Temporary() && !errors.Is(err, net.ErrClosed) { //nolint:staticcheck // net/http's test too
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			sv.mu.Lock()
			sv.done, sv.finalErr = true, err
			post := !sv.posted
			sv.posted = true
			sv.mu.Unlock()
			if post {
				sv.loop.CallSoonThreadsafe(sv.accept)
			}
			return
		}
		delay = 0
		sv.mu.Lock()
		sv.pending = append(sv.pending, c)
		post := !sv.posted
		sv.posted = true
		sv.mu.Unlock()
		if post && sv.loop.CallSoonThreadsafe(sv.accept) != nil {
			// The loop is gone: nobody will serve.
			sv.ln.Close()
			sv.mu.Lock()
			for _, c := range sv.pending {
				c.Close()
			}
			sv.pending = nil
			sv.mu.Unlock()
		}
	}
}

// accepted runs on the loop: it starts a handler for each connection handed
// over, and notes the end of the accepting goroutine.
func (sv *Server) accepted() {
	sv.mu.Lock()
	conns := sv.pending
	sv.pending = nil
	sv.posted = false
	done, err := sv.done, sv.finalErr
	sv.mu.Unlock()
	for _, c := range conns {
		if sv.closed {
			c.Close() // accepted just before Close
			continue
		}
		sv.start(c)
	}
	if done && !sv.stopped {
		sv.stopped = true
		if !sv.closed {
			sv.closed = true
			sv.err = err
			sv.ln.Close()
		}
	}
	sv.wait.wake()
}

// start runs the handler for c in a task of its own.
func (sv *Server) start(c net.Conn) {
	s := newStream(sv.loop, c, true, true, nil)
	var t *sched.Task[struct{}]
	t = sched.SpawnOn(sv.loop, coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, sv.serve(co, s)
	}))
	t.SetName(s.name)
	sv.conns[t] = s
	t.AddDoneCallback(func() {
		delete(sv.conns, t)
		if !s.closing {
			// Cancelled before its first step, serve never ran: a task's
			// coroutine cancelled before it starts is closed unrun.
			s.Abort()
		}
		sv.wait.wake()
	})
}

// serve is a handler task's body: the handler, then the closing of its stream.
func (sv *Server) serve(co *coro.Co, s *Stream) (err error) {
	defer func() {
		if v := recover(); v != nil {
			s.Abort()
			name := ""
			if t := sched.Current(co); t != nil {
				name = t.Name()
			}
			err = &sched.PanicError{Value: v, Task: name, Stack: debug.Stack()}
		}
	}()
	err = sv.handle(co, s)
	if interrupted(err) {
		s.Abort()
		return err
	}
	s.Close()
	// A failed flush is the peer's doing, not the handler's: not reported.
	if werr := s.WaitClosed(co); interrupted(werr) {
		s.Abort()
		if err == nil {
			err = werr
		}
	} else {
		// Nobody reads this stream again; the loop may keep the task a
		// while (a failed one until the loop closes): not its buffers.
		s.dropBuffers()
	}
	return err
}

// interrupted reports whether err is a cancellation, or the loop closing the
// task.
func interrupted(err error) bool {
	return err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, gen.ErrGeneratorExit))
}
