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
	"testing"
	"time"

	"github.com/corio-go/corio/internal/leaktest"
)

// startServer serves on a free loopback port and returns its address and a
// function that shuts it down and returns serve's error.
func startServer(logw io.Writer) (addr string, stop func() error, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, logw) }()
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
	addr, stop, err := startServer(&logw)
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
	// until the server disconnects guest4.
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
	for ; n < 5000 && !(seenA && seenC && n >= 300); n++ {
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
// has a write stuck on it.
func TestShutdownWithStalledClient(t *testing.T) {
	leaktest.Check(t)
	addr, stop, err := startServer(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	talker, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer talker.conn.Close()
	expect(t, "guest1", talker, "* you are guest1")
	stalled, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.conn.Close()
	expect(t, "guest1", talker, "* guest2 joined")
	pad := strings.Repeat("y", 8000)
	for range outboxSize - 4 { // 480 kB: more than the buffers, fewer lines than the outbox
		if err := talker.send(pad); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if d := time.Since(start); d > drainPeriod+2*time.Second {
		t.Errorf("shutdown took %v", d)
	} else {
		t.Logf("shutdown took %v", d)
	}
}
