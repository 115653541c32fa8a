package aio_test

// FuzzStreamReads drives a Stream's reads with random programs, over a TCP
// connection a goroutine writes random data into in random chunks, and checks
// every result against the data written. Each byte comes out once and in
// order, except those a ReadLine over the Limit drops (through the '\n' it
// found, or all it had buffered); and every result has the shape its method's
// doc promises. The chunks and the interleaving of the writer with the reads
// change what is buffered at each read, and so how much a Read returns and
// where a Limit overrun shows: what is checked holds whatever they are.
//
// The input is a program:
//   - in[0] picks the Limit, 1 to 64 bytes;
//   - in[1] picks ReadUntil's separator: 1 to 3 bytes of "ab\n";
//   - in[2] is the number k of reads that follow;
//   - in[3:3+k] are the reads: b%5 picks Read (into b>>3+1 bytes), ReadLine,
//     ReadUntil, ReadExactly(b>>3) or ReadAll;
//   - the rest is the data: b%4 picks 'a', 'b', '\n' or 'a', and b&0x80 ends
//     a chunk after it.
//
// After the program, a ReadAll takes the rest, and reads at the end must
// report the end.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// streamProgram is a decoded input.
type streamProgram struct {
	limit  int
	sep    []byte
	reads  []byte
	data   []byte
	chunks [][]byte
}

func decodeStreamProgram(in []byte) streamProgram {
	at := func(i int) byte {
		if i < len(in) {
			return in[i]
		}
		return 0
	}
	p := streamProgram{limit: 1 + int(at(0)%64)}
	alphabet := []byte("ab\n")
	for i := range 1 + int(at(1)%3) {
		p.sep = append(p.sep, alphabet[(int(at(1))>>(2+2*i))%3])
	}
	k := int(at(2))
	rest := in[min(3, len(in)):]
	k = min(k, len(rest))
	p.reads, rest = rest[:k], rest[k:]
	start := 0
	for _, b := range rest {
		p.data = append(p.data, "ab\na"[b%4])
		if b&0x80 != 0 {
			p.chunks = append(p.chunks, p.data[start:])
			start = len(p.data)
		}
	}
	if start < len(p.data) {
		p.chunks = append(p.chunks, p.data[start:])
	}
	return p
}

// streamChecker follows a program's reads through the data: pos is how much
// of it the reads have taken (or dropped).
type streamChecker struct {
	p   streamProgram
	pos int
}

func (c *streamChecker) rest() []byte { return c.p.data[c.pos:] }

// read runs read number i (op b) on s and checks its result.
func (c *streamChecker) read(co *coro.Co, s *aio.Stream, i int, b byte) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("read %d (byte %#x) at %d of %d: %s", i, b, c.pos, len(c.p.data), fmt.Sprintf(format, args...))
	}
	arg := int(b >> 3)
	switch b % 5 {
	case 0:
		buf := make([]byte, arg+1)
		n, err := s.Read(co, buf)
		switch {
		case err == nil && n >= 1 && n <= len(buf) && bytes.HasPrefix(c.rest(), buf[:n]):
			c.pos += n
		case err == io.EOF && n == 0 && len(c.rest()) == 0:
		default:
			return fail("Read(%d bytes) = %d, %v: %q", len(buf), n, err, buf[:n])
		}
	case 1:
		line, err := s.ReadLine(co)
		var over *aio.LimitOverrunError
		switch {
		case err == nil:
			i := bytes.IndexByte(line, '\n')
			complete := i == len(line)-1 && i <= c.p.limit
			last := i < 0 && len(line) == len(c.rest())
			if len(line) == 0 || !bytes.HasPrefix(c.rest(), line) || !complete && !last {
				return fail("ReadLine = %q, nil (limit %d)", line, c.p.limit)
			}
			c.pos += len(line)
		case err == io.EOF:
			if line != nil || len(c.rest()) != 0 {
				return fail("ReadLine = %q, EOF before the end", line)
			}
		case errors.As(err, &over):
			if err := c.overrun(over, []byte("\n")); err != nil {
				return fail("ReadLine: %v", err)
			}
			// The line is dropped: through the '\n' found, or all that
			// was buffered (over.Consumed bytes, none of them '\n').
			c.pos += over.Consumed
			if strings.Contains(over.Msg, "is found") {
				c.pos++
			}
		default:
			return fail("ReadLine: %v", err)
		}
	case 2:
		got, err := s.ReadUntil(co, c.p.sep)
		var over *aio.LimitOverrunError
		var inc *aio.IncompleteReadError
		switch {
		case err == nil:
			end := len(got) - len(c.p.sep)
			if end < 0 || bytes.Index(c.rest(), c.p.sep) != end || !bytes.HasPrefix(c.rest(), got) || end > c.p.limit {
				return fail("ReadUntil(%q) = %q, nil (limit %d)", c.p.sep, got, c.p.limit)
			}
			c.pos += len(got)
		case errors.As(err, &over):
			if err := c.overrun(over, c.p.sep); err != nil {
				return fail("ReadUntil(%q): %v", c.p.sep, err)
			}
		case errors.As(err, &inc):
			if inc.Expected != -1 || !bytes.Equal(inc.Partial, c.rest()) || bytes.Contains(inc.Partial, c.p.sep) {
				return fail("ReadUntil(%q): %v, partial %q", c.p.sep, err, inc.Partial)
			}
			c.pos = len(c.p.data)
		default:
			return fail("ReadUntil(%q): %v", c.p.sep, err)
		}
	case 3:
		got, err := s.ReadExactly(co, arg)
		var inc *aio.IncompleteReadError
		switch {
		case err == nil && len(got) == arg && bytes.HasPrefix(c.rest(), got) && got != nil:
			c.pos += arg
		case errors.As(err, &inc) && inc.Expected == arg && len(inc.Partial) < arg && bytes.Equal(inc.Partial, c.rest()):
			c.pos = len(c.p.data)
		default:
			return fail("ReadExactly(%d) = %q, %v", arg, got, err)
		}
	case 4:
		if err := c.readAll(co, s); err != nil {
			return fail("%v", err)
		}
	}
	return nil
}

// overrun checks a LimitOverrunError of a search for sep from c.pos.
func (c *streamChecker) overrun(over *aio.LimitOverrunError, sep []byte) error {
	first := bytes.Index(c.rest(), sep)
	switch {
	case over.Consumed <= c.p.limit:
		return fmt.Errorf("%v at %d, within the limit %d", over, over.Consumed, c.p.limit)
	case strings.Contains(over.Msg, "is found"):
		if first != over.Consumed {
			return fmt.Errorf("%v at %d; the separator is at %d", over, over.Consumed, first)
		}
	default:
		// The buffer held over.Consumed+len(sep)-1 bytes, with no separator.
		held := over.Consumed + len(sep) - 1
		if held > len(c.rest()) || bytes.Contains(c.rest()[:held], sep) {
			return fmt.Errorf("%v at %d, but %q follows", over, over.Consumed, c.rest())
		}
	}
	return nil
}

func (c *streamChecker) readAll(co *coro.Co, s *aio.Stream) error {
	got, err := s.ReadAll(co)
	if err != nil || got == nil || !bytes.Equal(got, c.rest()) {
		return fmt.Errorf("ReadAll = %q, %v; want %q", got, err, c.rest())
	}
	c.pos = len(c.p.data)
	return nil
}

// runStreamProgram runs p and returns the first result that breaks a rule.
func runStreamProgram(p streamProgram) error {
	var failed error
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		a, b, err := connPair(co)
		if err != nil {
			return struct{}{}, err
		}
		s := aio.NewStream(co, a, aio.Limit(p.limit))
		defer s.Close()
		wrote := make(chan struct{})
		go func() {
			defer close(wrote)
			defer b.Close()
			for _, chunk := range p.chunks {
				if _, err := b.Write(chunk); err != nil {
					return
				}
				runtime.Gosched()
			}
		}()
		c := &streamChecker{p: p}
		for i, op := range p.reads {
			if failed = c.read(co, s, i, op); failed != nil {
				return struct{}{}, nil
			}
		}
		if failed = c.readAll(co, s); failed != nil {
			return struct{}{}, nil
		}
		if line, err := s.ReadLine(co); line != nil || err != io.EOF {
			failed = fmt.Errorf("ReadLine at the end = %q, %v", line, err)
		} else if n, err := s.Read(co, make([]byte, 1)); n != 0 || err != io.EOF {
			failed = fmt.Errorf("Read at the end = %d, %v", n, err)
		}
		<-wrote // the data is all read: the writer is done or about to be
		return struct{}{}, nil
	}))
	if err != nil {
		return err
	}
	return failed
}

var streamSeeds = []string{
	"",
	"\x10\x00\x04\x01\x01\x01\x01line one\x8aline two\n\x00",
	"\x02\x00\x03\x01\x01\x01aaaaaaaa\x82bb\x82",
	"\x04\x05\x04\x02\x02\x0a\x04ab\x80ab\x81a\x82b\x80aaaaaaaaaa",
	"\x3f\x19\x06\x00\x08\x10\x03\x0b\x13abcabc\x82abab\x81\x82",
	"\x01\x00\x05\x02\x01\x02\x01\x02aaaa\x82aaa\x82a",
	// Limit 1, separator "a", data "bbbbb\nbbba": ReadUntil and ReadLine
	// both run over the limit.
	"\x00\x00\x04\x02\x01\x02\x00\x01\x01\x01\x01\x01\x02\x01\x01\x01\x80",
}

func FuzzStreamReads(f *testing.F) {
	leaktest.Fuzz(f, streamSeeds, func(t *testing.T, in []byte) {
		p := decodeStreamProgram(in)
		if err := runStreamProgram(p); err != nil {
			t.Errorf("limit %d, separator %q, reads % x, data %q in %d chunks: %v", p.limit, p.sep, p.reads, p.data, len(p.chunks), err)
		}
	})
}

// FuzzStreamWrites drives a Stream's writing half with random programs of
// Write, Drain and CloseWrite, over a TCP connection or over net.Pipe (which
// takes nothing until the peer reads, so that Drain waits), while a goroutine
// reads the peer's end in small pieces; then it closes the stream and waits
// for it. The peer must receive every byte written before CloseWrite, once
// and in order; Drain must return only once at most HighWater bytes wait;
// Write after CloseWrite must return ErrWriteAfterEOF.
//
// The input: in[0] picks the connection (bit 0: a pipe) and the HighWater (0
// to 127 bytes, in[0]>>1); in[1] the size of the peer's reads (1 to 64
// bytes); each later byte b is a call: b%4 picks Write (of b>>2+1 bytes),
// Drain, Write then Drain, or CloseWrite.
func FuzzStreamWrites(f *testing.F) {
	seeds := []string{
		"",
		"\x00\x08\x00\x04\x01\x08\x02\x03\x00",
		"\x01\x00\xfc\xfc\x01\xfc\x02\x02",
		"\x03\x3f\x7c\x01\x7e\x03\x00\x01",
		"\x41\x01\xfe\xfe\xfe\x01\x03",
	}
	leaktest.Fuzz(f, seeds, func(t *testing.T, in []byte) {
		if err := runWriteProgram(in); err != nil {
			t.Errorf("program % x: %v", in, err)
		}
	})
}

func runWriteProgram(in []byte) error {
	at := func(i int) byte {
		if i < len(in) {
			return in[i]
		}
		return 0
	}
	pipe, highWater, readSize := at(0)&1 != 0, int(at(0)>>1), 1+int(at(1)%64)
	calls := in[min(2, len(in)):]
	var failed error
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		var a, b net.Conn
		if pipe {
			a, b = net.Pipe()
		} else {
			ta, tb, err := connPair(co)
			if err != nil {
				return struct{}{}, err
			}
			a, b = ta, tb
		}
		s := aio.NewStream(co, a, aio.HighWater(highWater))
		received := make(chan []byte, 1)
		go func() {
			defer b.Close()
			var got []byte
			buf := make([]byte, readSize)
			for {
				n, err := b.Read(buf)
				got = append(got, buf[:n]...)
				if err != nil {
					received <- got
					return
				}
				runtime.Gosched()
			}
		}()
		var sent []byte
		eof := false // CloseWrite has succeeded
		failed = func() error {
			for i, c := range calls {
				fail := func(format string, args ...any) error {
					return fmt.Errorf("call %d (%#x), %d bytes sent: %s", i, c, len(sent), fmt.Sprintf(format, args...))
				}
				if c%4 != 1 && c%4 != 3 { // a Write
					p := make([]byte, int(c>>2)+1)
					for j := range p {
						p[j] = byte(len(sent) + j)
					}
					n, err := s.Write(p)
					switch {
					case eof && (n != 0 || err != aio.ErrWriteAfterEOF):
						return fail("Write after CloseWrite = %d, %v", n, err)
					case !eof && (n != len(p) || err != nil):
						return fail("Write(%d bytes) = %d, %v", len(p), n, err)
					case !eof:
						sent = append(sent, p...)
					}
				}
				if c%4 == 1 || c%4 == 2 { // a Drain
					if err := s.Drain(co); err != nil {
						return fail("Drain = %v", err)
					}
					if n := s.WriteBufferSize(); n > highWater {
						return fail("Drain returned with %d bytes waiting; HighWater %d", n, highWater)
					}
				}
				if c%4 == 3 {
					err := s.CloseWrite()
					switch {
					case pipe && err != aio.ErrNoCloseWrite:
						return fail("CloseWrite on a pipe = %v", err)
					case !pipe && err != nil:
						return fail("CloseWrite = %v", err)
					}
					eof = eof || !pipe
				}
			}
			return nil
		}()
		if err := s.Close(); err != nil && failed == nil {
			failed = fmt.Errorf("Close = %v", err)
		}
		if err := s.WaitClosed(co); err != nil && failed == nil {
			failed = fmt.Errorf("WaitClosed = %v", err)
		}
		got, _, err := sched.Recv(co, received)
		if err != nil {
			return struct{}{}, err
		}
		if failed == nil && !bytes.Equal(got, sent) {
			failed = fmt.Errorf("the peer received %d bytes; want the %d sent, identical", len(got), len(sent))
		}
		return struct{}{}, nil
	}))
	if err != nil {
		return err
	}
	return failed
}
