package aio_test

// Trace tests: testdata/NAME.py plays a scenario on asyncio and prints what
// happens; testdata/NAME.out is python3's output, committed beside it. The Go
// test of the same name plays it on aio and must print the same lines.
// Regenerate an .out with: python3 testdata/NAME.py > testdata/NAME.out

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/internal/tracetest"
	"github.com/corio-go/corio/sched"
)

type traceLog []string

func (tr *traceLog) add(format string, args ...any) { *tr = append(*tr, fmt.Sprintf(format, args...)) }

func traceCompare(t *testing.T, name string, got traceLog) {
	t.Helper()
	tracetest.Compare(t, name, got)
}

// py renders bytes as Python's repr does for printable ASCII: b'...'.
func py(b []byte) string {
	var sb strings.Builder
	sb.WriteString("b'")
	for _, c := range b {
		switch {
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\'' || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, `\x%02x`, c)
		}
	}
	sb.WriteString("'")
	return sb.String()
}

// connPair returns the two ends of a loopback TCP connection.
func connPair(co *coro.Co) (*net.TCPConn, *net.TCPConn, error) {
	type pair struct{ a, b *net.TCPConn }
	p, err := sched.ToThread(co, func(context.Context) (pair, error) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return pair{}, err
		}
		defer ln.Close()
		a, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return pair{}, err
		}
		b, err := ln.Accept()
		if err != nil {
			a.Close()
			return pair{}, err
		}
		return pair{a.(*net.TCPConn), b.(*net.TCPConn)}, nil
	})
	return p.a, p.b, err
}

func TestTraceStreamEdges(t *testing.T) {
	leaktest.Check(t)
	var tr traceLog
	run(t, func(co *coro.Co) error {
		a, b, err := connPair(co)
		if err != nil {
			return err
		}
		defer b.Close()
		s := aio.NewStream(co, a, aio.Limit(8))
		send := func(data string) {
			b.Write([]byte(data))
			sched.Sleep(co, 10*time.Millisecond)
		}

		send("abcXY")
		t1 := sched.Spawn(co, coro.New(func(co *coro.Co) ([]byte, error) { return s.ReadUntil(co, []byte("XYZ")) }))
		sched.Sleep(co, 10*time.Millisecond)
		send("Zrest")
		line, err := t1.Await(co)
		tr.add("readuntil split: %s", py(line))

		t2 := sched.Spawn(co, coro.New(func(co *coro.Co) ([]byte, error) { return s.ReadExactly(co, 10) }))
		sched.Sleep(co, 10*time.Millisecond)
		t2.Cancel()
		if _, err := t2.Await(co); errors.Is(err, context.Canceled) {
			tr.add("readexactly cancelled")
		}
		send("12345")
		p := make([]byte, 100)
		n, _ := s.Read(co, p)
		tr.add("read after cancel: %s", py(p[:n]))

		if err := sched.WithTimeout(co, 10*time.Millisecond, func(co *coro.Co) error {
			_, err := s.ReadLine(co)
			return err
		}); errors.Is(err, sched.ErrTimeout) {
			tr.add("readline timed out")
		}
		send("line\n")
		line, _ = s.ReadLine(co)
		tr.add("readline: %s", py(line))

		send("0123456789X")
		var over *aio.LimitOverrunError
		if _, err := s.ReadUntil(co, []byte("X")); errors.As(err, &over) {
			tr.add("readuntil overrun, consumed %d", over.Consumed)
		}
		line, _ = s.ReadExactly(co, 11)
		tr.add("then readexactly: %s", py(line))

		send("0123456789\nok\n")
		if _, err := s.ReadLine(co); errors.As(err, &over) {
			tr.add("readline over the limit: %s", strings.ToUpper(over.Msg[:1])+over.Msg[1:])
		}
		line, _ = s.ReadLine(co)
		tr.add("next line: %s", py(line))

		send("tail")
		b.CloseWrite()
		line, _ = s.ReadLine(co)
		tr.add("partial line: %s", py(line))
		line, err = s.ReadLine(co)
		if err == nil {
			return fmt.Errorf("ReadLine at the end = %q, nil", line)
		}
		tr.add("then: %s", py(line)) // io.EOF where asyncio returns b''
		var inc *aio.IncompleteReadError
		if _, err := s.ReadExactly(co, 3); errors.As(err, &inc) {
			tr.add("readexactly at eof: %s %d", py(inc.Partial), inc.Expected)
		}
		if _, err := s.ReadUntil(co, []byte("\n")); errors.As(err, &inc) && inc.Expected == -1 {
			tr.add("readuntil at eof: %s None", py(inc.Partial))
		}
		n, err = s.Read(co, p)
		tr.add("read at eof: %s", py(p[:n])) // with io.EOF
		tr.add("at_eof: %s", pyBool(s.AtEOF()))

		s.Write([]byte("bye"))
		if err := s.Drain(co); err != nil {
			return err
		}
		s.CloseWrite()
		got, err := sched.ToThread(co, func(context.Context) ([2]string, error) {
			b.SetReadDeadline(time.Now().Add(5 * time.Second))
			var got [2]string
			for i := range got {
				n, _ := b.Read(p)
				got[i] = py(p[:n])
			}
			return got, nil
		})
		tr.add("peer got: %s %s", got[0], got[1])
		s.Close()
		if err := s.WaitClosed(co); err != nil {
			return err
		}
		_, werr := s.Write([]byte("x"))
		tr.add("closed: %s", pyBool(errors.Is(werr, aio.ErrClosed)))
		return nil
	})
	traceCompare(t, "stream_edges", tr)
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
