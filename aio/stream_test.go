package aio_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// Every kind of read, cancelled while it waits, takes no byte: the next read
// gets everything, in order.
func TestCancelledReadLosesNothing(t *testing.T) {
	reads := map[string]func(co *coro.Co, s *aio.Stream) ([]byte, error){
		"Read": func(co *coro.Co, s *aio.Stream) ([]byte, error) {
			p := make([]byte, 100)
			n, err := s.Read(co, p)
			return p[:n], err
		},
		"ReadLine":    func(co *coro.Co, s *aio.Stream) ([]byte, error) { return s.ReadLine(co) },
		"ReadUntil":   func(co *coro.Co, s *aio.Stream) ([]byte, error) { return s.ReadUntil(co, []byte("END")) },
		"ReadExactly": func(co *coro.Co, s *aio.Stream) ([]byte, error) { return s.ReadExactly(co, 50) },
		"ReadAll":     func(co *coro.Co, s *aio.Stream) ([]byte, error) { return s.ReadAll(co) },
	}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			withFeed(t, nil, func(co *coro.Co, c *feedConn, s *aio.Stream) error {
				// Cancelled with nothing there, then with part of what it
				// needs there; by Cancel and by a timeout.
				task := sched.Spawn(co, coro.New(func(co *coro.Co) ([]byte, error) { return read(co, s) }))
				sched.Sleep(co, 0)
				task.Cancel()
				if b, err := task.Await(co); !errors.Is(err, context.Canceled) {
					t.Fatalf("cancelled %s = %q, %v; want a cancellation", name, b, err)
				}
				c.feed("part one, ")
				c.idle()
				err := sched.WithTimeout(co, time.Millisecond, func(co *coro.Co) error {
					_, err := read(co, s)
					return err
				})
				if name == "Read" {
					// Read returns as soon as there is a byte: no timeout.
					if err != nil {
						t.Fatalf("Read with data = %v", err)
					}
					c.feed("part one, ")
					c.idle()
				} else if !errors.Is(err, sched.ErrTimeout) {
					t.Fatalf("%s under a timeout = %v; want ErrTimeout", name, err)
				}
				if got := string(aio.Buffered(s)); got != "part one, " {
					t.Fatalf("buffer after the cancelled reads = %q; want everything fed", got)
				}
				c.feed("part two\n", strings.Repeat("x", 40), "END")
				c.feedEOF()
				c.idle()
				all, err := s.ReadAll(co)
				want := "part one, part two\n" + strings.Repeat("x", 40) + "END"
				if string(all) != want || err != nil {
					t.Errorf("ReadAll after the cancelled reads = %q, %v; want %q", all, err, want)
				}
				return nil
			})
		})
	}
}

// Random reads under random timeouts, against a peer writing random chunks
// over TCP: every byte arrives once, in order.
func TestRandomTimeoutsLoseNothing(t *testing.T) {
	leaktest.Check(t)
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 0))
	var want bytes.Buffer
	var chunks []string
	for i := range 300 {
		line := fmt.Sprintf("line %d %s\n", i, strings.Repeat("y", rng.IntN(200)))
		want.WriteString(line)
		chunks = append(chunks, line)
	}
	delays := make([]time.Duration, len(chunks))
	for i := range delays {
		delays[i] = time.Duration(rng.IntN(300)) * time.Microsecond
	}
	timeouts := make([]time.Duration, 2000)
	for i := range timeouts {
		timeouts[i] = time.Duration(rng.IntN(400)) * time.Microsecond
	}
	var got bytes.Buffer
	run(t, func(co *coro.Co) error {
		a, b, err := connPair(co)
		if err != nil {
			return err
		}
		s := aio.NewStream(co, a, aio.Limit(256))
		defer s.Close()
		go func() {
			defer b.Close()
			for i, d := range delays {
				// Split each line somewhere, so that separators straddle writes.
				line := chunks[i]
				cut := len(line) / 2
				b.Write([]byte(line[:cut]))
				time.Sleep(d)
				b.Write([]byte(line[cut:]))
			}
		}()
		for i := 0; ; i++ {
			var line []byte
			err := sched.WithTimeout(co, timeouts[i%len(timeouts)], func(co *coro.Co) error {
				var err error
				switch i % 3 {
				case 0:
					line, err = s.ReadLine(co)
				case 1:
					line, err = s.ReadUntil(co, []byte("\n"))
				case 2:
					line, err = s.ReadExactly(co, 7)
				}
				return err
			})
			var inc *aio.IncompleteReadError
			switch {
			case err == nil:
				got.Write(line)
			case errors.Is(err, sched.ErrTimeout):
			case errors.As(err, &inc):
				got.Write(inc.Partial)
				return nil
			case err == io.EOF:
				return nil
			default:
				return err
			}
		}
	})
	if got.String() != want.String() {
		t.Errorf("seed %d: read %d bytes; want %d, identical", seed, got.Len(), want.Len())
	}
}

func TestConcurrentReader(t *testing.T) {
	withFeed(t, nil, func(co *coro.Co, c *feedConn, s *aio.Stream) error {
		first := sched.Spawn(co, coro.New(func(co *coro.Co) ([]byte, error) { return s.ReadLine(co) }))
		sched.Sleep(co, 0)
		if b, err := s.ReadLine(co); !errors.Is(err, aio.ErrConcurrentRead) {
			t.Errorf("second ReadLine while one waits = %q, %v; want ErrConcurrentRead", b, err)
		}
		c.feed("one\ntwo\n")
		if b, err := first.Await(co); string(b) != "one\n" || err != nil {
			t.Errorf("first reader = %q, %v; want one\\n", b, err)
		}
		// A read that need not wait is no conflict (asyncio only refuses a
		// second waiter).
		if b, err := s.ReadLine(co); string(b) != "two\n" || err != nil {
			t.Errorf("next ReadLine = %q, %v; want two\\n", b, err)
		}
		return nil
	})
}

// flood returns a Stream with the given Limit over a TCP connection whose peer
// has written it total bytes, or as many as it could until the kernel's
// buffers were full too (300 ms at the most): then the peer is blocked, not
// the stream's memory growing. after runs on the writing goroutine once it
// stops. It returns the stream, the peer and how many bytes were written.
func flood(co *coro.Co, limit, total int, after func(peer *net.TCPConn)) (*aio.Stream, *net.TCPConn, int, error) {
	a, b, err := connPair(co)
	if err != nil {
		return nil, nil, 0, err
	}
	s := aio.NewStream(co, a, aio.Limit(limit))
	sent := make(chan int, 1)
	go func() {
		b.SetWriteDeadline(time.Now().Add(300 * time.Millisecond))
		n, _ := b.Write(make([]byte, total))
		after(b)
		sent <- n
	}()
	n, _, err := sched.Recv(co, sent)
	if err != nil {
		s.Close()
		b.Close()
		return nil, nil, 0, err
	}
	return s, b, n, nil
}

// Reading pauses with more than twice the limit buffered, and resumes at the
// limit, or when a read needs more.
func TestReadBackpressure(t *testing.T) {
	leaktest.Check(t)
	const limit = 1000
	const total = 8 << 20
	run(t, func(co *coro.Co) error {
		s, b, n, err := flood(co, limit, total, func(*net.TCPConn) {})
		if err != nil {
			return err
		}
		defer b.Close()
		defer s.Close()
		if n >= total {
			t.Fatalf("the peer wrote all %d bytes to a stream nobody reads", n)
		}
		got := len(aio.Buffered(s))
		if got <= 2*limit || got > 2*limit+64<<10 || !aio.Paused(s) {
			t.Errorf("buffered %d bytes (paused %v); want just over twice the limit, %d, and paused", got, aio.Paused(s), 2*limit)
		}
		// ReadExactly of far more than the limit resumes reading as it needs.
		if b, err := s.ReadExactly(co, n); len(b) != n || err != nil {
			t.Errorf("ReadExactly(%d) = %d bytes, %v", n, len(b), err)
		}
		return nil
	})
}

// A peer that never reads makes Drain wait, not memory grow: the stream holds
// at most HighWater plus one write.
func TestDrainBackpressure(t *testing.T) {
	leaktest.Check(t)
	const high = 64 << 10
	run(t, func(co *coro.Co) error {
		a, b, err := connPair(co)
		if err != nil {
			return err
		}
		defer b.Close()
		s := aio.NewStream(co, a, aio.HighWater(high))
		chunk := make([]byte, 16<<10)
		written := 0
		err = sched.WithTimeout(co, 300*time.Millisecond, func(co *coro.Co) error {
			for {
				if _, err := s.Write(chunk); err != nil {
					return err
				}
				written += len(chunk)
				if err := s.Drain(co); err != nil {
					return err
				}
			}
		})
		if !errors.Is(err, sched.ErrTimeout) {
			t.Errorf("writing to a peer that never reads ended with %v; want Drain to wait until the timeout", err)
		}
		if pending := s.WriteBufferSize(); pending > high+len(chunk) {
			t.Errorf("%d bytes wait to be written; want at most HighWater+one write, %d", pending, high+len(chunk))
		}
		t.Logf("%d bytes written before Drain waited (kernel buffers included)", written)
		// The peer reads everything; Close flushes, then closes.
		drained := make(chan int64, 1)
		go func() {
			n, _ := io.Copy(io.Discard, b)
			drained <- n
		}()
		s.Close()
		if err := s.WaitClosed(co); err != nil {
			return err
		}
		n, _, err := sched.Recv(co, drained)
		if int(n) != written {
			t.Errorf("the peer read %d bytes; want all %d written", n, written)
		}
		return err
	})
}

func TestWriteAfterCloseAndCloseWrite(t *testing.T) {
	withFeed(t, nil, func(co *coro.Co, c *feedConn, s *aio.Stream) error {
		s.Write([]byte("a"))
		if err := s.CloseWrite(); err != nil {
			t.Errorf("CloseWrite = %v", err)
		}
		if err := s.CloseWrite(); err != nil {
			t.Errorf("second CloseWrite = %v; want nil", err)
		}
		if n, err := s.Write([]byte("b")); n != 0 || !errors.Is(err, aio.ErrWriteAfterEOF) {
			t.Errorf("Write after CloseWrite = %d, %v; want ErrWriteAfterEOF", n, err)
		}
		// Reading goes on after CloseWrite.
		c.feed("reply\n")
		if b, err := s.ReadLine(co); string(b) != "reply\n" || err != nil {
			t.Errorf("ReadLine after CloseWrite = %q, %v", b, err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close = %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close = %v; want nil", err)
		}
		if err := s.WaitClosed(co); err != nil {
			t.Errorf("WaitClosed = %v", err)
		}
		if got, eof := c.written(), c.sawCloseWrite(); got != "a" || !eof {
			t.Errorf("connection got %q (CloseWrite %v); want a, then CloseWrite", got, eof)
		}
		for _, err := range []error{
			func() error { _, err := s.Write([]byte("x")); return err }(),
			s.Drain(co), s.CloseWrite(),
		} {
			if !errors.Is(err, aio.ErrClosed) || !errors.Is(err, net.ErrClosed) {
				t.Errorf("after Close: %v; want ErrClosed", err)
			}
		}
		// Reads after Close: what was buffered, then the end.
		if b, err := s.ReadAll(co); len(b) != 0 || err != nil {
			t.Errorf("ReadAll after Close = %q, %v; want empty, nil", b, err)
		}
		if n, err := s.Read(co, make([]byte, 1)); n != 0 || err != io.EOF {
			t.Errorf("Read after Close = %d, %v; want 0, EOF", n, err)
		}
		return nil
	})
	withFeed(t, nil, func(co *coro.Co, c *feedConn, s *aio.Stream) error {
		s2 := aio.NewStream(co, noCloseWrite{newFeedConn()})
		defer s2.Close()
		if err := s2.CloseWrite(); !errors.Is(err, aio.ErrNoCloseWrite) {
			t.Errorf("CloseWrite without a CloseWrite method = %v; want ErrNoCloseWrite", err)
		}
		return nil
	})
}

// Close after writes that wait for a slow peer: everything arrives, then the
// end. Abort drops what waits.
func TestCloseFlushesAbortDrops(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		for _, abort := range []bool{false, true} {
			a, b, err := connPair(co)
			if err != nil {
				return err
			}
			s := aio.NewStream(co, a)
			big := bytes.Repeat([]byte("z"), 4<<20) // more than the kernel buffers
			s.Write(big)
			if abort {
				s.Abort()
			} else {
				s.Close()
			}
			n, _, err := sched.Recv(co, readAllAsync(b))
			if err != nil {
				return err
			}
			if abort && n >= len(big) || !abort && n != len(big) {
				t.Errorf("abort %v: the peer read %d bytes of %d", abort, n, len(big))
			}
			s.WaitClosed(co) // an abort's reset may be reported
			b.Close()
		}
		return nil
	})
}

func readAllAsync(c net.Conn) <-chan int {
	ch := make(chan int, 1)
	go func() {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, _ := io.Copy(io.Discard, c)
		ch <- int(n)
	}()
	return ch
}

// A peer that resets the connection after half a line: the half line is read,
// then the reset.
func TestResetMidLine(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		a, b, err := connPair(co)
		if err != nil {
			return err
		}
		s := aio.NewStream(co, a)
		defer s.Close()
		b.Write([]byte("half a li"))
		b.SetLinger(0)
		b.Close()
		_, err = s.ReadLine(co)
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("ReadLine = %v; want a reset", err)
		}
		p := make([]byte, 100)
		n, err := s.Read(co, p)
		if string(p[:n]) != "half a li" || err != nil {
			t.Errorf("Read = %q, %v; want the half line first", p[:n], err)
		}
		if _, err := s.Read(co, p); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("Read then = %v; want the reset", err)
		}
		return nil
	})
}

func TestLines(t *testing.T) {
	withFeed(t, nil, func(co *coro.Co, c *feedConn, s *aio.Stream) error {
		c.feed("a\nb\nc")
		c.feedEOF()
		var got []string
		for line, err := range s.Lines(co) {
			if err != nil {
				t.Errorf("Lines: %v", err)
			}
			got = append(got, string(line))
		}
		if diff := cmp.Diff([]string{"a\n", "b\n", "c"}, got); diff != "" {
			t.Errorf("Lines (-want +got):\n%s", diff)
		}
		return nil
	})
	withFeed(t, []aio.Option{aio.Limit(2)}, func(co *coro.Co, c *feedConn, s *aio.Stream) error {
		c.feed("a\nlong line\nb\n")
		n := 0
		for line, err := range s.Lines(co) {
			n++
			switch n {
			case 1:
				if string(line) != "a\n" || err != nil {
					t.Errorf("first = %q, %v", line, err)
				}
			case 2:
				if line != nil || !errors.Is(err, aio.ErrLimitOverrun) {
					t.Errorf("second = %q, %v; want ErrLimitOverrun", line, err)
				}
			default:
				t.Errorf("Lines went on after an error: %q, %v", line, err)
			}
		}
		// Breaking out leaves the rest.
		for line := range s.Lines(co) {
			if string(line) != "b\n" {
				t.Errorf("next range = %q; want b\\n", line)
			}
			break
		}
		return nil
	})
}

// The stream keeps the loop alive only while a task waits on it: a task
// reading a quiet peer is not a deadlock, an idle stream does not hide one,
// and the report names what waits.
func TestDeadlockAndHolds(t *testing.T) {
	leaktest.Check(t)
	var ev sched.Event
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		c := newFeedConn()
		s := aio.NewStream(co, c)
		defer s.Close()
		return struct{}{}, ev.Wait(co) // nobody sets it; the stream is idle
	}))
	if !errors.Is(err, sched.ErrDeadlock) {
		t.Errorf("waiting on an Event beside an idle stream: %v; want ErrDeadlock", err)
	}
	run(t, func(co *coro.Co) error {
		c := newFeedConn()
		s := aio.NewStream(co, c)
		defer s.Close()
		reader := sched.Spawn(co, coro.New(func(co *coro.Co) ([]byte, error) { return s.ReadLine(co) }))
		sched.Sleep(co, 0)
		var dump strings.Builder
		sched.LoopOf(co).Dump(&dump)
		if !strings.Contains(dump.String(), "waiting on aio: ReadLine *aio_test.feedConn") {
			t.Errorf("Dump = %q; want the reader waiting on aio: ReadLine", dump.String())
		}
		go func() {
			time.Sleep(20 * time.Millisecond)
			c.feed("late\n")
		}()
		// The main task waits for the reader; only the feed can end it.
		b, err := reader.Await(co)
		if string(b) != "late\n" {
			t.Errorf("ReadLine = %q, %v; want late\\n", b, err)
		}
		return err
	})
}

func TestOtherLoop(t *testing.T) {
	leaktest.Check(t)
	var s *aio.Stream
	c := newFeedConn()
	run(t, func(co *coro.Co) error {
		s = aio.NewStream(co, c)
		return nil
	})
	run(t, func(co *coro.Co) error {
		if _, err := s.ReadLine(co); err == nil || !strings.Contains(err.Error(), "another loop") {
			t.Errorf("ReadLine from another loop = %v; want an error", err)
		}
		return nil
	})
	s.Close()
}

// net.Pipe has neither CloseWrite nor a socket: every write goes through the
// writing goroutine, and a write waits for the peer's read.
func TestPipeEcho(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		a, b := net.Pipe()
		go func() {
			io.Copy(b, b)
			b.Close()
		}()
		s := aio.NewStream(co, a, aio.HighWater(0))
		for i := range 100 {
			msg := fmt.Sprintf("message %d\n", i)
			s.Write([]byte(msg))
			if err := s.Drain(co); err != nil {
				return err
			}
			if line, err := s.ReadLine(co); string(line) != msg || err != nil {
				t.Fatalf("echo %d = %q, %v", i, line, err)
			}
		}
		s.Close()
		return s.WaitClosed(co)
	})
}

func TestWaitClosedWaiters(t *testing.T) {
	withFeed(t, nil, func(co *coro.Co, c *feedConn, s *aio.Stream) error {
		var waiters []coro.Awaitable[struct{}]
		for range 3 {
			waiters = append(waiters, sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				return struct{}{}, s.WaitClosed(co)
			})))
		}
		sched.Sleep(co, 0)
		if c.isClosed() {
			t.Fatalf("closed before Close")
		}
		s.Write([]byte("last words"))
		s.Close()
		if _, err := sched.Gather(co, waiters...); err != nil {
			return err
		}
		if !c.isClosed() || c.written() != "last words" {
			t.Errorf("after WaitClosed: closed %v, written %q", c.isClosed(), c.written())
		}
		return nil
	})
}

// Dial's cancellation ends the dial at once.
func TestDialCancelled(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		// A listener whose backlog is never accepted still completes
		// connects, so dial an address that does not answer instead: a
		// timeout of zero expires before any dial can finish.
		err := sched.WithTimeout(co, 0, func(co *coro.Co) error {
			s, err := aio.Dial(co, "tcp", "127.0.0.1:1")
			if err == nil {
				s.Close()
			}
			return err
		})
		if !errors.Is(err, sched.ErrTimeout) {
			t.Errorf("Dial under an expired timeout = %v; want ErrTimeout", err)
		}
		if _, err := aio.Dial(co, "tcp", "127.0.0.1:1"); err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("Dial of a closed port = %v; want connection refused", err)
		}
		return nil
	})
}

// failConn's writes wait for gate to close, then fail.
type failConn struct {
	*feedConn
	gate chan struct{}
}

var errBroken = errors.New("broken pipe, in a test")

func (c *failConn) Write(p []byte) (int, error) {
	<-c.gate
	return 0, errBroken
}

// WaitClosed keeps the loop alive only while a goroutine of the stream can
// close it. With none running, a WaitClosed that no task will end is a
// deadlock, reported (it used to hang). A writing goroutine started while a
// task waits can end the wait, by a failed write: that wait keeps the loop
// alive from then on.
func TestWaitClosedWithoutClose(t *testing.T) {
	leaktest.Check(t)
	done := make(chan error, 1)
	go func() {
		_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
			s := aio.NewStream(co, newFeedConn())
			defer s.Close()
			return struct{}{}, s.WaitClosed(co)
		}))
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, sched.ErrDeadlock) || !strings.Contains(err.Error(), "WaitClosed") {
			t.Errorf("WaitClosed with nothing to close the stream: %v; want ErrDeadlock naming WaitClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WaitClosed with nothing to close the stream hangs; want ErrDeadlock")
	}

	run(t, func(co *coro.Co) error {
		c := &failConn{newFeedConn(), make(chan struct{})}
		s := aio.NewStream(co, c)
		waiter := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			return struct{}{}, s.WaitClosed(co)
		}))
		sched.Sleep(co, 0)   // the waiter waits; nothing can close the stream yet
		s.Write([]byte("x")) // not a socket: the writing goroutine writes it
		go func() {
			time.Sleep(10 * time.Millisecond)
			close(c.gate)
		}()
		if _, err := waiter.Await(co); !errors.Is(err, errBroken) {
			t.Errorf("WaitClosed after a failed write = %v; want %v", err, errBroken)
		}
		return nil
	})
}

// slowCloseConn's reads, once they fail (the connection closed), return only
// when gate closes: the reading goroutine outlives Close for a while.
type slowCloseConn struct {
	*feedConn
	gate chan struct{}
}

func (c *slowCloseConn) Read(p []byte) (int, error) {
	n, err := c.feedConn.Read(p)
	if err != nil {
		<-c.gate
	}
	return n, err
}

// A WaitClosed that began before Close keeps the loop alive from Close on,
// until the stream's goroutines have returned.
func TestWaitClosedBeforeClose(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		c := &slowCloseConn{newFeedConn(), make(chan struct{})}
		s := aio.NewStream(co, c)
		waiter := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
			return struct{}{}, s.WaitClosed(co)
		}))
		sched.Sleep(co, 0)
		s.Close() // at once: no writing goroutine; the reading one lingers
		go func() {
			time.Sleep(10 * time.Millisecond)
			close(c.gate)
		}()
		_, err := waiter.Await(co)
		return err
	})
}

// A paused stream whose peer resets the connection stays paused: the reset
// does not make the stream read on past its limit. Once read, the buffered
// bytes come first, then the reset.
func TestPausedStreamPeerResets(t *testing.T) {
	leaktest.Check(t)
	const limit = 1000
	run(t, func(co *coro.Co) error {
		s, _, n, err := flood(co, limit, 8<<20, func(b *net.TCPConn) {
			b.SetLinger(0)
			b.Close() // a reset, with bytes still unread on this side
		})
		if err != nil {
			return err
		}
		defer s.Close()
		if err := sched.Sleep(co, 20*time.Millisecond); err != nil { // the reset arrives
			return err
		}
		if got := len(aio.Buffered(s)); got > 2*limit+64<<10 {
			t.Errorf("buffered %d bytes after the peer's reset; want at most twice the limit and one read, %d", got, 2*limit+64<<10)
		}
		read := 0
		buf := make([]byte, 64<<10)
		for {
			m, err := s.Read(co, buf)
			read += m
			if err != nil {
				if read > n || err == io.EOF {
					t.Errorf("read %d of %d bytes, then %v; want at most all of them, then the reset", read, n, err)
				}
				return nil
			}
		}
	})
}
