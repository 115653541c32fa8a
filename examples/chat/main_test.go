package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corio-go/corio/internal/leaktest"
)

// startServer serves on a free loopback port and returns its address and a
// function that shuts it down and returns serve's error.
func startServer(logw io.Writer) (addr string, stop func() error, err error) {
	return startServerWith(logw, defaults)
}

// testConfig is quicker to lose patience than the default.
var testConfig = config{budget: defaults.budget, patience: 300 * time.Millisecond, drain: time.Second}

func startServerWith(logw io.Writer, cfg config) (addr string, stop func() error, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, logw, cfg) }()
	return ln.Addr().String(), func() error {
		cancel()
		return <-done
	}, nil
}

// peer is a test client.
type peer struct {
	conn net.Conn
	r    *bufio.Reader
}

func dial(addr string) (*peer, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &peer{c, bufio.NewReader(c)}, nil
}

// line reads the next line, waiting at most 5 seconds.
func (p *peer) line() (string, error) {
	p.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	s, err := p.r.ReadString('\n')
	return strings.TrimSuffix(s, "\n"), err
}

func (p *peer) send(s string) error {
	_, err := io.WriteString(p.conn, s+"\n")
	return err
}

func Example() {
	addr, stop, err := startServer(io.Discard)
	if err != nil {
		log.Fatal(err)
	}
	show := func(who string, p *peer) {
		s, err := p.line()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s reads %q\n", who, s)
	}
	ann, _ := dial(addr)
	show("Ann", ann)
	bob, _ := dial(addr)
	show("Bob", bob)
	show("Ann", ann)
	ann.send("hi Bob")
	show("Bob", bob)
	bob.send("hi Ann, bye")
	show("Ann", ann)
	bob.conn.Close()
	show("Ann", ann)
	fmt.Println("serve:", stop())
	show("Ann", ann)
	_, err = ann.line()
	fmt.Println("then:", err)
	ann.conn.Close()
	// Output:
	// Ann reads "* you are guest1"
	// Bob reads "* you are guest2"
	// Ann reads "* guest2 joined"
	// Bob reads "guest1: hi Bob"
	// Ann reads "guest2: hi Ann, bye"
	// Ann reads "* guest2 left"
	// serve: <nil>
	// Ann reads "* server shutting down"
	// then: EOF
}

// expect reads lines from p until want, failing on anything else but lines
// allowed to come in between, which it returns.
func expect(t *testing.T, who string, p *peer, want string, allowed ...string) (extra []string) {
	t.Helper()
	for {
		got, err := p.line()
		if err != nil {
			t.Fatalf("%s: waiting for %q: %v", who, want, err)
		}
		if got == want {
			return extra
		}
		ok := false
		for _, a := range allowed {
			ok = ok || got == a
		}
		if !ok {
			t.Fatalf("%s read %q; want %q", who, got, want)
		}
		extra = append(extra, got)
	}
}

func TestBroadcastAndStalledClient(t *testing.T) {
	leaktest.Check(t)
	var logw strings.Builder // written on the loop; read after stop
	addr, stop, err := startServerWith(&logw, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	var peers []*peer
	for i := 1; i <= 3; i++ {
		p, err := dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		defer p.conn.Close()
		expect(t, fmt.Sprint("guest", i), p, fmt.Sprint("* you are guest", i))
		for j, q := range peers {
			expect(t, fmt.Sprint("guest", j+1), q, fmt.Sprintf("* guest%d joined", i))
		}
		peers = append(peers, p)
	}
	a, b, c := peers[0], peers[1], peers[2]

	// A broadcast reaches everyone else.
	if err := a.send("hello"); err != nil {
		t.Fatal(err)
	}
	expect(t, "guest2", b, "guest1: hello")
	expect(t, "guest3", c, "guest1: hello")

	// guest4 never reads. guest2 talks, one line at a time, and guest1 and
	// guest3 must get every line while guest4's buffers and outbox fill,
	// until its outbox has stayed over the budget for the patience and the
	// server disconnects guest4.
	stalled, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.conn.Close()
	expect(t, "guest1", a, "* guest4 joined")
	expect(t, "guest2", b, "* guest4 joined")
	expect(t, "guest3", c, "* guest4 joined")
	const kicked = "* guest4 was disconnected: too slow"
	pad := strings.Repeat("x", 4000)
	seenA, seenC := false, false
	n := 0
	for ; n < 20000 && !(seenA && seenC && n >= 300); n++ {
		msg := fmt.Sprintf("line %d %s", n, pad)
		if err := b.send(msg); err != nil {
			t.Fatal(err)
		}
		if len(expect(t, "guest1", a, "guest2: "+msg, kicked)) > 0 {
			seenA = true
		}
		if len(expect(t, "guest3", c, "guest2: "+msg, kicked)) > 0 {
			seenC = true
		}
	}
	if !seenA || !seenC {
		t.Fatalf("after %d lines of 4 kB, guest4 (never reading) is still connected", n)
	}
	expect(t, "guest2", b, kicked)
	t.Logf("guest4 disconnected; %d lines delivered to the others meanwhile", n)
	// guest4's connection is closed: after what the kernel buffered, EOF.
	stalled.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, stalled.conn); err != nil && !errors.Is(err, net.ErrClosed) && !strings.Contains(err.Error(), "reset") {
		t.Errorf("guest4 reading after the disconnect: %v", err)
	}

	// Leaving is announced; then shutdown says goodbye and closes.
	a.conn.Close()
	expect(t, "guest2", b, "* guest1 left")
	expect(t, "guest3", c, "* guest1 left")
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	for i, p := range []*peer{b, c} {
		expect(t, fmt.Sprint("guest", i+2), p, "* server shutting down")
		if s, err := p.line(); err != io.EOF {
			t.Errorf("guest%d after shutdown: %q, %v; want EOF", i+2, s, err)
		}
	}
	for _, want := range []string{"guest1 joined", "guest4 disconnected: too slow", "guest1 left"} {
		if !strings.Contains(logw.String(), want) {
			t.Errorf("server log lacks %q:\n%s", want, logw.String())
		}
	}
}

// TestShutdownWithStalledClient shuts down while a client that never reads
// has an outbox the server cannot write out: shutdown waits the drain period
// for it, then drops it.
func TestShutdownWithStalledClient(t *testing.T) {
	leaktest.Check(t)
	addr, stop, err := startServerWith(io.Discard, config{budget: defaults.budget, patience: time.Minute, drain: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	talker, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer talker.conn.Close()
	expect(t, "guest1", talker, "* you are guest1")
	witness, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer witness.conn.Close()
	expect(t, "guest2", witness, "* you are guest2")
	expect(t, "guest1", talker, "* guest2 joined")
	stalled, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.conn.Close()
	expect(t, "guest1", talker, "* guest3 joined")
	expect(t, "guest2", witness, "* guest3 joined")
	pad := strings.Repeat("y", 8000)
	for i := range 60 { // 480 kB: more than the buffers; the patience never runs out
		msg := fmt.Sprint(i, pad)
		if err := talker.send(msg); err != nil {
			t.Fatal(err)
		}
		// The server has broadcast it: to guest3 as well.
		expect(t, "guest2", witness, "guest1: "+msg)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	// The witness got its goodbye; guest3, its outbox dropped, a closed
	// connection after what the kernel had taken.
	expect(t, "guest2", witness, "* server shutting down")
	stalled.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := io.Copy(io.Discard, stalled.conn)
	if err != nil && !strings.Contains(err.Error(), "reset") {
		t.Errorf("guest3 reading after the shutdown: %v", err)
	}
	if n >= 60*8000 {
		t.Errorf("guest3 got all %d bytes; want its outbox dropped", n)
	}
}

// One user pasting 100 lines into a room of 50 readers disconnects nobody:
// every reader gets every line.
func TestPasteToFiftyReaders(t *testing.T) {
	leaktest.Check(t)
	var logw syncWriter
	addr, stop, err := startServerWith(&logw, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	paster, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer paster.conn.Close()
	expect(t, "guest1", paster, "* you are guest1")
	var readers []*peer
	for i := range 50 {
		p, err := dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		defer p.conn.Close()
		name := fmt.Sprint("guest", i+2)
		expect(t, name, p, "* you are "+name)
		readers = append(readers, p)
	}
	// Everyone has seen everyone join: read the announcements away.
	expect(t, "guest1", paster, "* guest51 joined", joined(2, 50)...)
	for i, p := range readers {
		if i+3 <= 51 {
			expect(t, fmt.Sprint("guest", i+2), p, "* guest51 joined", joined(i+3, 50)...)
		}
	}
	var paste strings.Builder
	for i := range 100 {
		fmt.Fprintf(&paste, "pasted line %d: %s\n", i, strings.Repeat("-", 60))
	}
	if _, err := io.WriteString(paster.conn, paste.String()); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, len(readers))
	for i, p := range readers {
		go func() {
			for j := range 100 {
				want := fmt.Sprintf("guest1: pasted line %d: %s", j, strings.Repeat("-", 60))
				got, err := p.line()
				if err != nil || got != want {
					errs <- fmt.Errorf("guest%d line %d: %q, %v; want %q", i+2, j, got, err, want)
					return
				}
			}
			errs <- nil
		}()
	}
	for range readers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if strings.Contains(logw.String(), "too slow") {
		t.Errorf("a reader was disconnected:\n%s", logw.String())
	}
}

// joined lists the join announcements of guests from to to.
func joined(from, to int) []string {
	var s []string
	for i := from; i <= to; i++ {
		s = append(s, fmt.Sprintf("* guest%d joined", i))
	}
	return s
}

// syncWriter is a strings.Builder safe to read while the loop writes to it.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
