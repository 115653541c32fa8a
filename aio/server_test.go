package aio_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// echo is the echo server's handler: every line back, until the end.
func echo(co *coro.Co, s *aio.Stream) error {
	for line, err := range s.Lines(co) {
		if err != nil {
			return err
		}
		s.Write(line)
		if err := s.Drain(co); err != nil {
			return err
		}
	}
	return nil
}

// Each connection is a task named after the peer; many clients at once get
// their own lines back.
func TestServerEchoManyClients(t *testing.T) {
	leaktest.Check(t)
	var names sync.Map
	run(t, func(co *coro.Co) error {
		sv, err := aio.Listen(co, "tcp", "127.0.0.1:0", func(co *coro.Co, s *aio.Stream) error {
			names.Store(sched.Current(co).Name(), s.Conn().(net.Conn).RemoteAddr().String())
			return echo(co, s)
		})
		if err != nil {
			return err
		}
		g := sched.NewGroup(co)
		for i := range 50 {
			g.Spawn(func(co *coro.Co) error {
				c, err := aio.Dial(co, "tcp", sv.Addr().String())
				if err != nil {
					return err
				}
				defer c.Close()
				for j := range 20 {
					msg := fmt.Sprintf("client %d line %d\n", i, j)
					c.Write([]byte(msg))
					if line, err := c.ReadLine(co); string(line) != msg || err != nil {
						return fmt.Errorf("client %d got %q, %v; want %q", i, line, err, msg)
					}
				}
				return nil
			})
		}
		if err := g.Wait(co); err != nil {
			return err
		}
		sv.Close()
		return sv.Wait(co)
	})
	n := 0
	names.Range(func(k, v any) bool {
		n++
		if k != v {
			t.Errorf("handler task named %q for peer %q", k, v)
		}
		return true
	})
	if n != 50 {
		t.Errorf("%d handler tasks; want 50", n)
	}
}

// Close stops accepting; a running handler goes on; Wait returns once it
// has returned.
func TestServerCloseLetsHandlersFinish(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		sv, err := aio.Listen(co, "tcp", "127.0.0.1:0", echo)
		if err != nil {
			return err
		}
		addr := sv.Addr().String()
		c, err := aio.Dial(co, "tcp", addr)
		if err != nil {
			return err
		}
		c.Write([]byte("before\n"))
		if line, err := c.ReadLine(co); string(line) != "before\n" || err != nil {
			t.Errorf("echo = %q, %v", line, err)
		}
		if err := sv.Close(); err != nil {
			t.Errorf("Close = %v", err)
		}
		if sv.Serving() {
			t.Errorf("Serving after Close = true")
		}
		if c2, err := aio.Dial(co, "tcp", addr); err == nil {
			c2.Close()
			t.Errorf("Dial after Close succeeded")
		}
		waiter := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) { return struct{}{}, sv.Wait(co) }))
		sched.Sleep(co, 10*time.Millisecond)
		if waiter.Done() {
			t.Errorf("Wait returned while a handler runs")
		}
		c.Write([]byte("after close\n"))
		if line, err := c.ReadLine(co); string(line) != "after close\n" || err != nil {
			t.Errorf("echo after Close = %q, %v", line, err)
		}
		c.Close()
		_, err = waiter.Await(co)
		return err
	})
}

// Cancelling the task in Wait closes the server and cancels the handlers;
// their connections are closed.
func TestServerWaitCancelled(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		var cancelled atomic.Int32
		sv, err := aio.Listen(co, "tcp", "127.0.0.1:0", func(co *coro.Co, s *aio.Stream) error {
			_, err := s.ReadLine(co) // the client never sends
			if errors.Is(err, context.Canceled) {
				cancelled.Add(1)
			}
			return err
		})
		if err != nil {
			return err
		}
		var clients []*aio.Stream
		for range 3 {
			c, err := aio.Dial(co, "tcp", sv.Addr().String())
			if err != nil {
				return err
			}
			defer c.Close()
			clients = append(clients, c)
		}
		sched.Sleep(co, 10*time.Millisecond) // the handlers start
		waiter := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) { return struct{}{}, sv.Wait(co) }))
		sched.Sleep(co, 0)
		waiter.Cancel()
		if _, err := waiter.Await(co); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Wait = %v; want a cancellation", err)
		}
		if n := cancelled.Load(); n != 3 {
			t.Errorf("%d handlers saw the cancellation; want 3", n)
		}
		if sv.Serving() {
			t.Errorf("Serving after a cancelled Wait = true")
		}
		for i, c := range clients {
			if b, err := c.ReadAll(co); len(b) != 0 || (err != nil && !isReset(err)) {
				t.Errorf("client %d after the cancel: %q, %v; want the end", i, b, err)
			}
		}
		// Wait again: the same outcome, at once.
		if err := sv.Wait(co); !errors.Is(err, context.Canceled) {
			t.Errorf("Wait after = %v", err)
		}
		return nil
	})
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "reset") || errors.Is(err, io.EOF))
}

// A handler's panic is reported with its stack, as a *sched.PanicError, and
// the server goes on.
func TestServerHandlerPanic(t *testing.T) {
	leaktest.Check(t)
	var mu sync.Mutex
	var reports []error
	run(t, func(co *coro.Co) error {
		sv, err := aio.Listen(co, "tcp", "127.0.0.1:0", func(co *coro.Co, s *aio.Stream) error {
			line, err := s.ReadLine(co)
			if string(line) == "panic\n" {
				panic("handler panicked")
			}
			s.Write(line)
			return err
		})
		if err != nil {
			return err
		}
		for _, msg := range []string{"panic\n", "fine\n"} {
			c, err := aio.Dial(co, "tcp", sv.Addr().String())
			if err != nil {
				return err
			}
			c.Write([]byte(msg))
			b, _ := c.ReadAll(co)
			if msg == "fine\n" && string(b) != msg {
				t.Errorf("after a panic, the server answered %q; want %q", b, msg)
			}
			c.Close()
		}
		sv.Close()
		return sv.Wait(co)
	}, sched.OnUnhandledError(func(task string, err error) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, err)
	}))
	var p *sched.PanicError
	if len(reports) != 1 || !errors.As(reports[0], &p) || p.Value != "handler panicked" || !strings.Contains(string(p.Stack), "server_test.go") {
		t.Errorf("reports = %v; want one *sched.PanicError with the handler's stack", reports)
	}
}

// The main task returning while the server is open: Run's shutdown cancels
// the server's task, which closes it. Nothing is left behind.
func TestServerForgotten(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		sv, err := aio.Listen(co, "tcp", "127.0.0.1:0", echo)
		if err != nil {
			return err
		}
		c, err := aio.Dial(co, "tcp", sv.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		c.Write([]byte("x\n"))
		c.ReadLine(co)
		return nil // with the server open and a handler in a read
	})
	// A loop closed under a running server (RunOn, then Close).
	l := sched.NewLoop()
	if _, err := sched.RunOn(l, coro.New(func(co *coro.Co) (struct{}, error) {
		sv, err := aio.Listen(co, "tcp", "127.0.0.1:0", echo)
		if err != nil {
			return struct{}{}, err
		}
		c, err := aio.Dial(co, "tcp", sv.Addr().String())
		if err != nil {
			return struct{}{}, err
		}
		c.Write([]byte("x\n"))
		c.ReadLine(co)
		c.Close()
		return struct{}{}, nil
	})); err != nil {
		t.Fatal(err)
	}
	l.Close()
}

// failingListener fails its second Accept with a permanent error.
type failingListener struct {
	net.Listener
	n atomic.Int32
}

var errAcceptBroke = errors.New("accept broke")

func (l *failingListener) Accept() (net.Conn, error) {
	if l.n.Add(1) > 1 {
		return nil, errAcceptBroke
	}
	return l.Listener.Accept()
}

func TestServerAcceptError(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		sv := aio.Serve(co, &failingListener{Listener: ln}, echo)
		c, err := aio.Dial(co, "tcp", sv.Addr().String())
		if err != nil {
			return err
		}
		c.Write([]byte("hello\n"))
		if line, err := c.ReadLine(co); string(line) != "hello\n" || err != nil {
			t.Errorf("echo = %q, %v", line, err)
		}
		c.Close()
		if err := sv.Wait(co); !errors.Is(err, errAcceptBroke) {
			t.Errorf("Wait = %v; want the accept error", err)
		}
		return nil
	}, sched.OnUnhandledError(func(string, error) {}))
}

// openFDs counts this process's open file descriptors (Linux).
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// Ten thousand connections opened and closed by a client that resets half of
// them in the middle of a line leave no goroutine, no descriptor and no task
// behind.
func TestServerManyConnectionsResetHalf(t *testing.T) {
	leaktest.Check(t)
	total := 10000
	if testing.Short() {
		total = 1000
	}
	seed := testSeed(t)
	fds := openFDs(t)
	var handled atomic.Int64
	run(t, func(co *coro.Co) error {
		sv, err := aio.Listen(co, "tcp", "127.0.0.1:0", func(co *coro.Co, s *aio.Stream) error {
			defer handled.Add(1)
			return echo(co, s)
		})
		if err != nil {
			return err
		}
		// The client runs on goroutines of its own, 50 connections at a time.
		done := make(chan error, 1)
		go func() {
			rng := rand.New(rand.NewPCG(seed, 1))
			resets := make([]bool, total)
			for i := range resets {
				resets[i] = rng.IntN(2) == 0
			}
			var wg sync.WaitGroup
			sem := make(chan struct{}, 50)
			var firstErr atomic.Value
			for i := range total {
				sem <- struct{}{}
				wg.Go(func() {
					defer func() { <-sem }()
					if err := client(sv.Addr().String(), i, resets[i]); err != nil {
						firstErr.CompareAndSwap(nil, err)
					}
				})
			}
			wg.Wait()
			err, _ := firstErr.Load().(error)
			done <- err
		}()
		err, _, rerr := sched.Recv(co, done)
		if rerr != nil {
			return rerr
		}
		if err != nil {
			t.Errorf("seed %d: %v", seed, err)
		}
		// Every handler has returned, or returns shortly: the server closes
		// and waits for them.
		sv.Close()
		if err := sv.Wait(co); err != nil {
			return err
		}
		var dump strings.Builder
		sched.LoopOf(co).Dump(&dump)
		if lines := strings.Count(dump.String(), "\n"); lines != 1 {
			t.Errorf("tasks left on the loop:\n%s", dump.String())
		}
		return nil
	}, sched.OnUnhandledError(func(string, error) {})) // resets are handler errors
	if n := handled.Load(); n != int64(total) {
		t.Errorf("%d handlers ran; want %d", n, total)
	}
	// Descriptors close as the goroutines that hold them return.
	leaktest.Settle(0, 0)
	deadline := time.Now().Add(5 * time.Second)
	for openFDs(t) > fds && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := openFDs(t); n > fds {
		t.Errorf("%d descriptors open; %d at the start", n, fds)
	}
}

// client is one connection of TestServerManyConnectionsResetHalf: a line and
// its echo, then half a line, then a close, or a reset.
func client(addr string, i int, reset bool) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	msg := fmt.Sprintf("hello %d\n", i)
	if _, err := c.Write([]byte(msg)); err != nil {
		return err
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != msg {
		return fmt.Errorf("connection %d: echo %q, %v", i, buf, err)
	}
	c.Write([]byte("half a li"))
	if reset {
		c.(*net.TCPConn).SetLinger(0)
	}
	return nil
}
