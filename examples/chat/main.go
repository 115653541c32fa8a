// Chat is a TCP chat server on one loop: every line a client sends goes to
// every other client.
//
// # How it is built
//
// Each connection gets:
//
//   - a reader: a goroutine blocked in conn.Read, since a read may wait
//     forever. It hands each line to the loop with Loop.CallSoonThreadsafe,
//     holding the loop (Loop.Hold) while it runs so that the loop waits for
//     it instead of reporting a deadlock.
//   - an outbox: a bounded sched.Queue of lines to send it.
//   - a writer: a task on the loop ranging over its outbox and writing each
//     line through sched.ToThread, so that a write that blocks (a client not
//     reading, its socket buffers full) blocks neither the loop nor the other
//     writers.
//
// Everything else — the set of clients, broadcasting, joining and leaving —
// runs on the loop, so it needs no lock.
//
// # A slow reader does not stall the rest
//
// Broadcasting puts a line in each other client's outbox with PutNowait,
// which never waits. A client that stops reading stops draining its outbox;
// when the outbox is full (outboxSize lines behind, on top of what the
// kernel buffers) the server DISCONNECTS that client and tells the others
// ("* guest4 was disconnected: too slow"). It does not drop lines instead:
// a client silently missing part of the conversation is worse than one told,
// by a closed connection, that it fell behind. The server also shrinks each
// connection's kernel send buffer, so a stalled reader is noticed after about
// a hundred kilobytes rather than megabytes.
//
// One client flooding the room faster than another reads can get the reader
// disconnected by the same rule; a real server would also rate-limit senders.
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
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

const (
	outboxSize  = 64          // lines a client may fall behind before it is disconnected
	sendBuffer  = 32 << 10    // the kernel send buffer of each connection, in bytes
	maxLine     = 64 << 10    // the longest line a client may send
	maxClients  = 256         // connections beyond this are refused
	drainPeriod = time.Second // how long shutdown waits for outboxes to drain
)

// client is one connection. Its fields belong to the loop's goroutine, except
// conn, which the reader goroutine and ToThread calls use too (net.Conn is
// safe for that).
type client struct {
	name   string
	conn   net.Conn
	outbox *sched.Queue[string]
	writer *sched.Task[struct{}]
}

// hub is the room: the clients, and what shutdown waits for. It belongs to the
// loop's goroutine.
type hub struct {
	loop    *sched.Loop
	log     io.Writer
	clients map[*client]bool
	order   []*client // the clients in the order they joined, for broadcasting
	seq     int       // for guest names
	closing bool

	readers     int                     // reader goroutines still running
	readersGone *sched.Future[struct{}] // set when readers drops to 0 during shutdown
	writers     map[*client]*sched.Task[struct{}]
}

// join runs on the loop for each accepted connection.
func (h *hub) join(conn net.Conn) {
	if h.closing || len(h.clients) >= maxClients {
		conn.Close()
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetWriteBuffer(sendBuffer)
	}
	h.seq++
	c := &client{name: fmt.Sprintf("guest%d", h.seq), conn: conn, outbox: sched.NewQueue[string](outboxSize)}
	fmt.Fprintf(h.log, "%s joined from %s\n", c.name, conn.RemoteAddr())
	h.broadcast(nil, "* "+c.name+" joined")
	h.clients[c] = true
	h.order = append(h.order, c)
	c.outbox.PutNowait("* you are " + c.name)
	c.writer = sched.SpawnOn(h.loop, coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, h.write(co, c)
	}))
	h.writers[c] = c.writer
	c.writer.AddDoneCallback(func() { delete(h.writers, c) })
	h.readers++
	release := h.loop.Hold()
	go h.read(c, release)
}

// read is the reader goroutine: it hands lines to the loop until the
// connection ends.
func (h *hub) read(c *client, release func()) {
	defer release()
	sc := bufio.NewScanner(c.conn)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	for sc.Scan() {
		line := sc.Text()
		if h.loop.CallSoonThreadsafe(func() { h.say(c, line) }) != nil {
			break
		}
	}
	h.loop.CallSoonThreadsafe(func() {
		h.leave(c, "left")
		h.readers--
		if h.readers == 0 && h.readersGone != nil {
			h.readersGone.SetResult(struct{}{})
		}
	})
}

// write is the writer task: it sends the outbox's lines until the outbox is
// shut down, then closes the connection (which ends the reader too).
func (h *hub) write(co *coro.Co, c *client) error {
	defer c.conn.Close()
	for line := range c.outbox.All(co) {
		_, err := sched.ToThread(co, func(context.Context) (int, error) {
			return io.WriteString(c.conn, line+"\n")
		})
		if err != nil {
			h.leave(c, "left")
			return nil
		}
	}
	return nil
}

// say broadcasts a line from c.
func (h *hub) say(c *client, line string) {
	if h.clients[c] {
		h.broadcast(c, c.name+": "+line)
	}
}

// broadcast puts line in the outbox of every client but from, disconnecting
// those whose outbox is full.
func (h *hub) broadcast(from *client, line string) {
	var slow []*client
	for _, c := range h.order {
		if c == from {
			continue
		}
		if err := c.outbox.PutNowait(line); errors.Is(err, sched.ErrQueueFull) {
			slow = append(slow, c)
		}
	}
	for _, c := range slow {
		if h.clients[c] {
			h.remove(c)
			c.outbox.Shutdown(true) // drop what it did not read
			c.conn.Close()          // ends a write stuck on it, and its reader
			fmt.Fprintf(h.log, "%s disconnected: too slow\n", c.name)
			h.broadcast(nil, "* "+c.name+" was disconnected: too slow")
		}
	}
}

// leave removes c, letting its writer send what its outbox holds first.
func (h *hub) leave(c *client, why string) {
	if !h.clients[c] {
		return
	}
	h.remove(c)
	c.outbox.Shutdown(false)
	fmt.Fprintf(h.log, "%s %s\n", c.name, why)
	h.broadcast(nil, "* "+c.name+" "+why)
}

func (h *hub) remove(c *client) {
	delete(h.clients, c)
	for i, o := range h.order {
		if o == c {
			h.order = append(h.order[:i], h.order[i+1:]...)
			break
		}
	}
}

// shutdown says goodbye, lets the outboxes drain for a while, closes what is
// left, and waits for every writer task and reader goroutine to end.
func (h *hub) shutdown(co *coro.Co) error {
	h.closing = true
	for _, c := range h.order {
		c.outbox.PutNowait("* server shutting down")
		c.outbox.Shutdown(false)
	}
	h.clients, h.order = map[*client]bool{}, nil
	var writers []*sched.Task[struct{}]
	for _, t := range h.writers {
		writers = append(writers, t)
	}
	if len(writers) > 0 {
		_, pending, err := sched.Wait(co, writers, sched.AllCompleted, drainPeriod)
		if err != nil {
			return err
		}
		for c, t := range h.writers {
			if !t.Done() {
				c.conn.Close() // a client that stopped reading: its write fails
			}
		}
		if len(pending) > 0 {
			if _, _, err := sched.Wait(co, pending, sched.AllCompleted, 0); err != nil {
				return err
			}
		}
	}
	if h.readers > 0 {
		h.readersGone = sched.NewFuture[struct{}](co)
		if _, err := h.readersGone.Await(co); err != nil {
			return err
		}
	}
	return nil
}

// serve runs the chat on ln until ctx is cancelled, logging joins and leaves
// to logw, then shuts down: it returns once every connection is closed and
// every goroutine it started has exited.
func serve(ctx context.Context, ln net.Listener, logw io.Writer) error {
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		l := sched.LoopOf(co)
		release := l.Hold() // the loop waits for connections
		defer release()
		h := &hub{loop: l, log: logw, clients: map[*client]bool{}, writers: map[*client]*sched.Task[struct{}]{}}

		stop := sched.NewFuture[error](co)
		accepted := make(chan error, 1)
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					accepted <- err
					return
				}
				if l.CallSoonThreadsafe(func() { h.join(conn) }) != nil {
					conn.Close()
				}
			}
		}()
		go func() {
			var err error
			select {
			case <-ctx.Done():
			case err = <-accepted:
				accepted <- err
			}
			l.CallSoonThreadsafe(func() { stop.SetResult(err) })
		}()
		acceptErr, err := stop.Await(co)
		if err != nil {
			return struct{}{}, err
		}
		ln.Close()
		// Wait for the accept goroutine to end. A connection it handed in
		// just before has joined by the time this returns: its callback was
		// queued first.
		if _, err := sched.ToThread(co, func(context.Context) (error, error) { return <-accepted, nil }); err != nil {
			return struct{}{}, err
		}
		if ctx.Err() == nil {
			err = fmt.Errorf("accept: %w", acceptErr)
		}
		return struct{}{}, errors.Join(err, h.shutdown(co))
	}), sched.MaxThreads(maxClients+1)) // a write per client, and the accept: none waits behind a stuck write
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
	if err := serve(ctx, ln, os.Stdout); err != nil {
		log.Fatal(err)
	}
}
