// Chat is a TCP chat server on one loop: every line a client sends goes to
// every other client.
//
// # How it is built
//
// aio.Serve runs a task per connection, with an aio.Stream over it. The task
// reads the client's lines (Stream.Lines: the task waits, the loop does not)
// and broadcasts each: a Stream.Write to every other client, which never
// waits — what a client's socket does not take at once stays in its stream's
// write buffer (its outbox) and goes out as the client reads. Everything —
// the set of clients, broadcasting, joining and leaving — runs on the loop,
// so it needs no lock, and there is no goroutine of our own.
//
// # A slow reader does not stall the rest
//
// A client that stops reading stops emptying its outbox. A burst is fine: one
// user pasting a hundred lines into a room of fifty puts a few kilobytes in
// each outbox, and they drain at once. What the server will not keep is a
// client whose outbox stays over a byte budget (the stream's HighWater, 64
// KiB, on top of what the kernel buffers) for longer than a patience (two
// seconds): a watcher task per client waits for the outbox to go over
// budget, then gives Stream.Drain that long to bring it back; if it cannot,
// the server DISCONNECTS the client and tells the others ("* guest4 was
// disconnected: too slow"). It does not drop lines instead: a client silently
// missing part of the conversation is worse than one told, by a closed
// connection, that it fell behind. The server also shrinks each connection's
// kernel send buffer, so a stalled reader is noticed after about a hundred
// kilobytes rather than megabytes.
//
// # Protocol
//
// Lines of text. A new client is told "* you are guestN"; the others see
// "* guestN joined", then "guestN: <line>" for each line it sends, and
// "* guestN left" when it goes. On shutdown everyone gets "* server shutting
// down" before the connection closes.
//
// Usage:
//
//	go run ./examples/chat                       # serves on 127.0.0.1:9000
//	go run ./examples/chat -addr 127.0.0.1:9001
//	nc 127.0.0.1 9000                            # in two or more terminals
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

const (
	sendBuffer = 32 << 10 // the kernel send buffer of each connection, in bytes
	maxClients = 256      // connections beyond this are refused
)

// config is what the room tolerates.
type config struct {
	budget   int           // bytes an outbox may hold (the stream's HighWater: Drain's threshold)
	patience time.Duration // how long an outbox may stay over the budget
	drain    time.Duration // how long shutdown waits for outboxes to empty
}

var defaults = config{budget: aio.DefaultHighWater, patience: 2 * time.Second, drain: time.Second}

// client is one connection. It belongs to the loop's goroutine.
type client struct {
	name string
	s    *aio.Stream
	over sched.Event // set while its outbox is over the budget
	gone bool        // removed from the room
}

// hub is the room. It belongs to the loop's goroutine.
type hub struct {
	cfg     config
	log     io.Writer
	clients []*client // in the order they joined, for broadcasting
	seq     int       // for guest names
	closing bool
}

// handle is the task of one connection.
func (h *hub) handle(co *coro.Co, s *aio.Stream) error {
	if h.closing || len(h.clients) >= maxClients {
		return nil // the server closes the connection
	}
	if tc, ok := s.Conn().(*net.TCPConn); ok {
		tc.SetWriteBuffer(sendBuffer)
	}
	h.seq++
	c := &client{name: fmt.Sprintf("guest%d", h.seq), s: s}
	fmt.Fprintf(h.log, "%s joined from %s\n", c.name, s.Conn().(net.Conn).RemoteAddr())
	h.broadcast(nil, "* "+c.name+" joined")
	h.clients = append(h.clients, c)
	h.send(c, "* you are "+c.name)
	watcher := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, h.watch(co, c)
	}))
	defer watcher.Cancel()
	for line, err := range s.Lines(co) {
		if err != nil {
			break // a reset, a line over the stream's limit, a cancellation
		}
		if !c.gone {
			h.broadcast(c, c.name+": "+strings.TrimRight(string(line), "\r\n"))
		}
	}
	h.leave(c)
	return nil // the server closes the stream once its outbox is written
}

// watch disconnects c once its outbox has stayed over the budget for longer
// than the patience.
func (h *hub) watch(co *coro.Co, c *client) error {
	for {
		if err := c.over.Wait(co); err != nil {
			return err
		}
		err := sched.WithTimeout(co, h.cfg.patience, func(co *coro.Co) error {
			return c.s.Drain(co) // until the outbox is back within HighWater
		})
		switch {
		case errors.Is(err, sched.ErrTimeout):
			h.kick(c)
			return nil
		case err != nil:
			return nil // closed, or a write failed: the reader sees it too
		}
		c.over.Clear()
	}
}

// send queues a line for c, starting its watcher when the outbox goes over
// the budget.
func (h *hub) send(c *client, line string) {
	c.s.Write([]byte(line + "\n"))
	if c.s.WriteBufferSize() > h.cfg.budget {
		c.over.Set()
	}
}

// broadcast sends line to every client but from.
func (h *hub) broadcast(from *client, line string) {
	for _, c := range h.clients {
		if c != from {
			h.send(c, line)
		}
	}
}

// kick disconnects a client that fell too far behind: its outbox is dropped.
func (h *hub) kick(c *client) {
	if c.gone {
		return
	}
	h.remove(c)
	c.s.Abort() // its reading task sees the end and returns
	fmt.Fprintf(h.log, "%s disconnected: too slow\n", c.name)
	h.broadcast(nil, "* "+c.name+" was disconnected: too slow")
}

// leave removes a client whose connection ended.
func (h *hub) leave(c *client) {
	if c.gone {
		return
	}
	h.remove(c)
	fmt.Fprintf(h.log, "%s left\n", c.name)
	h.broadcast(nil, "* "+c.name+" left")
}

func (h *hub) remove(c *client) {
	c.gone = true
	for i, o := range h.clients {
		if o == c {
			h.clients = append(h.clients[:i], h.clients[i+1:]...)
			break
		}
	}
}

// shutdown stops accepting, says goodbye, lets the outboxes drain for a
// while, drops what is left, and waits for every connection's task.
func (h *hub) shutdown(co *coro.Co, sv *aio.Server) error {
	h.closing = true
	sv.Close()
	clients := h.clients
	for _, c := range clients {
		h.send(c, "* server shutting down")
		c.gone = true
		c.s.Close() // written out, then closed; its reading task sees the end
	}
	h.clients = nil
	err := sched.WithTimeout(co, h.cfg.drain, func(co *coro.Co) error {
		for _, c := range clients {
			// A failed flush (the client reset) is no reason to stop.
			if err := c.s.WaitClosed(co); errors.Is(err, context.Canceled) {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, sched.ErrTimeout) {
		for _, c := range clients {
			c.s.Abort() // a client that stopped reading
		}
	} else if err != nil {
		return err
	}
	return sv.Wait(co)
}

// serve runs the chat on ln until ctx is cancelled, logging joins and leaves
// to logw, then shuts down: it returns once every connection is closed and
// every task has returned.
func serve(ctx context.Context, ln net.Listener, logw io.Writer, cfg config) error {
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		h := &hub{cfg: cfg, log: logw}
		sv := aio.Serve(co, ln, h.handle)
		// Until ctx ends, or the server stops by itself (accept failed).
		stopped := sched.Spawn(co, coro.New(func(co *coro.Co) (error, error) { return sv.Wait(co), nil }))
		cancelled := sched.Spawn(co, coro.New(func(co *coro.Co) (error, error) {
			_, _, err := sched.Recv(co, ctx.Done())
			return nil, err
		}))
		both := []*sched.Task[error]{stopped, cancelled}
		if _, _, err := sched.Wait(co, both, sched.FirstCompleted, 0); err != nil {
			return struct{}{}, err
		}
		cancelled.Cancel()
		var acceptErr error
		if stopped.Done() {
			acceptErr, _ = stopped.Result()
			acceptErr = fmt.Errorf("accept: %w", acceptErr)
		}
		return struct{}{}, errors.Join(acceptErr, h.shutdown(co, sv))
	}))
	return err
}

func main() {
	addr := flag.String("addr", "127.0.0.1:9000", "address to serve on")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	fmt.Printf("chat on %s (try: nc %s %s); Ctrl-C stops\n", ln.Addr(), host, port)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, ln, os.Stdout, defaults); err != nil {
		log.Fatal(err)
	}
}
