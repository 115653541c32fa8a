//go:build linux

package aio_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// pollOn reports whether this run reads sockets on the loop (it does unless
// the tests run with -aio.nopoll).
func pollOn() bool { return flag.Lookup("aio.nopoll").Value.String() == "false" }

// tcpPair returns a Stream over one end of a loopback TCP connection and the
// other end, plain.
func tcpPair(t *testing.T, co *coro.Co) (*aio.Stream, net.Conn) {
	t.Helper()
	a, b, err := connPair(co)
	if err != nil {
		t.Fatal(err)
	}
	return aio.NewStream(co, a), b
}

// On Linux the loop reads TCP sockets itself; pipes, and anything that is not
// a socket, keep a reading goroutine.
func TestPolledStreams(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		s, peer := tcpPair(t, co)
		defer peer.Close()
		defer s.Close()
		if got := aio.Polled(s); got != pollOn() {
			t.Errorf("TCP stream polled = %v; want %v", got, pollOn())
		}
		a, b := net.Pipe()
		defer b.Close()
		p := aio.NewStream(co, a)
		defer p.Close()
		if aio.Polled(p) {
			t.Error("net.Pipe stream polled; want a reading goroutine")
		}
		// The polled stream works both ways.
		if _, err := peer.Write([]byte("ping\n")); err != nil {
			return err
		}
		line, err := s.ReadLine(co)
		if err != nil || string(line) != "ping\n" {
			t.Errorf("ReadLine = %q, %v", line, err)
		}
		s.Write([]byte("pong\n"))
		buf := make([]byte, 5)
		if _, err := io.ReadFull(peer, buf); err != nil || string(buf) != "pong\n" {
			t.Errorf("peer read %q, %v", buf, err)
		}
		return nil
	})
}

// A socket whose descriptor was duplicated (Conn().File()) outlives the
// stream's Close in the kernel: the stream must take it out of the loop's
// epoll set itself, or its unread bytes are reported to the loop for ever.
func TestPollDupedSocketClosed(t *testing.T) {
	leaktest.Check(t)
	if !pollOn() {
		t.Skip("the loop polls no socket with -aio.nopoll")
	}
	run(t, func(co *coro.Co) error {
		s, peer := tcpPair(t, co)
		defer peer.Close()
		f, err := s.Conn().(*net.TCPConn).File()
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := peer.Write([]byte("unread")); err != nil {
			return err
		}
		if err := sched.Sleep(co, 20*time.Millisecond); err != nil { // the loop reads it ahead
			return err
		}
		s.Close()
		if _, err := peer.Write([]byte(" and more")); err != nil {
			return err
		}
		before := aio.PollEvents(co)
		if err := sched.Sleep(co, 30*time.Millisecond); err != nil {
			return err
		}
		if n := aio.PollEvents(co) - before; n > 2 {
			t.Errorf("%d poll events in 30ms after Close; want the closed socket out of the set", n)
		}
		return nil
	})
}

// A loop waiting in its poller, with nothing readable, still hears of
// callbacks from other goroutines, of Go's goroutines returning, and of its
// timers.
func TestPollerWakes(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		s, peer := tcpPair(t, co)
		defer peer.Close()
		defer s.Close()
		for i := range 20 {
			v, err := sched.Go(co, func(context.Context) (int, error) {
				time.Sleep(time.Millisecond)
				return i, nil
			})
			if err != nil || v != i {
				t.Fatalf("Go = %d, %v; want %d", v, err, i)
			}
			l := sched.LoopOf(co)
			f := sched.NewFuture[int](co)
			go func() {
				time.Sleep(time.Millisecond)
				l.CallSoonThreadsafe(func() { f.SetResult(i) })
			}()
			release := l.Hold()
			v, err = f.Await(co)
			release()
			if err != nil || v != i {
				t.Fatalf("CallSoonThreadsafe: %d, %v; want %d", v, err, i)
			}
			start := time.Now()
			if err := sched.Sleep(co, 2*time.Millisecond); err != nil {
				return err
			}
			if d := time.Since(start); d < 2*time.Millisecond {
				t.Fatalf("Sleep(2ms) returned after %v", d)
			}
		}
		// And a read that a timeout ends gives its bytes to the next read.
		err := sched.WithTimeout(co, 5*time.Millisecond, func(co *coro.Co) error {
			_, err := s.ReadLine(co)
			return err
		})
		if err == nil {
			t.Fatal("ReadLine with nothing sent returned before the timeout")
		}
		peer.Write([]byte("late\n"))
		line, err := s.ReadLine(co)
		if err != nil || string(line) != "late\n" {
			t.Errorf("ReadLine after the timeout = %q, %v", line, err)
		}
		return nil
	})
}

// A stream left open when the loop ends can still be closed afterwards, from
// any goroutine; the poller's descriptors close with the loop.
func TestPollStreamOutlivesLoop(t *testing.T) {
	leaktest.Check(t)
	fds := openFDs(t)
	var s *aio.Stream
	var peer net.Conn
	run(t, func(co *coro.Co) error {
		s, peer = tcpPair(t, co)
		peer.Write([]byte("x"))
		_, err := s.ReadExactly(co, 1)
		return err
	})
	if err := s.Close(); err != nil {
		t.Errorf("Close after the loop ended: %v", err)
	}
	peer.Close()
	if n := openFDs(t); n > fds {
		t.Errorf("%d descriptors open after; %d before", n, fds)
	}
}

// Loops on several goroutines at once each poll their own sockets: each runs
// an echo server and clients, and when all are done no descriptor (socket,
// epoll, eventfd) and no goroutine is left.
func TestPollManyLoops(t *testing.T) {
	leaktest.Check(t)
	fds := openFDs(t)
	const loops, clients, msgs = 6, 4, 50
	errs := make(chan error, loops)
	for range loops {
		go func() {
			_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
				sv, err := aio.Listen(co, "tcp", "127.0.0.1:0", func(co *coro.Co, s *aio.Stream) error {
					for line, err := range s.Lines(co) {
						if err != nil {
							return err
						}
						s.Write(line)
					}
					return nil
				})
				if err != nil {
					return struct{}{}, err
				}
				defer sv.Close()
				g := sched.NewGroup(co)
				for c := range clients {
					g.Spawn(func(co *coro.Co) error {
						s, err := aio.Dial(co, "tcp", sv.Addr().String())
						if err != nil {
							return err
						}
						defer s.Close()
						for i := range msgs {
							want := fmt.Sprintf("client %d message %d\n", c, i)
							s.Write([]byte(want))
							got, err := s.ReadLine(co)
							if err != nil {
								return err
							}
							if string(got) != want {
								return fmt.Errorf("echo %q; want %q", got, want)
							}
						}
						return nil
					})
				}
				return struct{}{}, g.Wait(co)
			}))
			errs <- err
		}()
	}
	for range loops {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for openFDs(t) > fds && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := openFDs(t); n > fds {
		t.Errorf("%d descriptors open after; %d before", n, fds)
	}
}
