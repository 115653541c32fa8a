// Package aio gives a [sched] loop I/O of its own: asyncio's streams, servers,
// subprocesses, and net/http handlers whose requests are tasks. Reads suspend
// the reading task, never the loop, and no call of this package blocks the
// loop's goroutine.
//
// # Streams
//
// A [Stream] is asyncio's StreamReader and StreamWriter in one, over any
// io.ReadWriteCloser: a net.Conn, a tls.Conn, a pipe. [Dial] opens one
// (open_connection); [NewStream] wraps a connection you have.
//
//	s, err := aio.Dial(co, "tcp", "127.0.0.1:7000")
//	if err != nil {
//		return err
//	}
//	defer s.Close()
//	s.Write([]byte("hello\n")) // never waits: buffered if need be
//	if err := s.Drain(co); err != nil { // waits while too much is buffered
//		return err
//	}
//	line, err := s.ReadLine(co) // waits for the line; the loop runs others
//
// The reads are asyncio's, edge cases included: [Stream.Read] (read(n)),
// [Stream.ReadLine] (a partial line at the end, then io.EOF),
// [Stream.ReadUntil] (a separator split across reads is found; past the
// Limit, [ErrLimitOverrun] with the bytes left in place), [Stream.ReadExactly]
// (an [*IncompleteReadError] holding the partial bytes at the end),
// [Stream.ReadAll] and [Stream.Lines]. A read that is cancelled, or whose
// timeout expires, takes nothing from the buffer: the next read gets every
// byte. One task reads a stream at a time: a second that would wait gets
// [ErrConcurrentRead].
//
// Flow control is asyncio's both ways: reading the connection pauses while
// more than twice the [Limit] waits unread, so a peer sending faster than the
// task reads is held back by TCP rather than by memory; and [Stream.Drain]
// waits while more than [HighWater] bytes wait to be written, so a peer that
// never reads makes the writer wait rather than the buffer grow.
//
// # Servers
//
// [Listen] is start_server: each connection gets a task, named after the peer,
// running the handler with a Stream; when the handler returns, the server
// closes the stream. [Server.Close] stops accepting, [Server.Wait] waits for
// the handlers. A handler's error or panic is reported, as the loop reports a
// task's error nobody retrieved, and never stops the server.
//
//	sv, err := aio.Listen(co, "tcp", "127.0.0.1:7000", func(co *coro.Co, s *aio.Stream) error {
//		for line, err := range s.Lines(co) {
//			if err != nil {
//				return err
//			}
//			s.Write(line)
//		}
//		return nil
//	})
//
// # Processes
//
// [Start] is create_subprocess_exec over an *exec.Cmd: a [Process] with
// streams on the pipes it made, [Process.Wait], [Process.Communicate] (which
// reads stdout and stderr at once, so neither fills while the other is read),
// [Process.Signal].
//
// # HTTP
//
// [Handler] makes a net/http handler of a coroutine: each request runs in a
// task of the loop, free to await; a returned error is a 500; a client that
// goes away cancels the task.
//
// # Keeping the loop alive, and deadlocks
//
// sched reports a deadlock when a task waits and nothing can wake it. Here a
// task waiting on I/O — a read, a Drain, a process's exit, a request in
// flight, a server accepting connections — holds the loop ([sched.Loop.Hold])
// for as long as it waits, and no longer: a task reading a quiet peer is not
// a deadlock, and a stream nobody waits on does not keep the loop alive (Run
// still reports main waiting on an Event nobody sets). The deadlock report
// names the I/O a task waits on ("waiting on aio: ReadLine 127.0.0.1:7000").
//
// # Goroutines
//
// The loop's own goroutine does the tasks' work. On Linux it also reads the
// TCP and Unix sockets of its streams: when it has nothing to run it waits in
// an epoll instance of its own, which holds those sockets and is itself parked
// in the runtime's network poller, and it reads a socket the moment it is
// readable and wakes the reading task, in the same iteration — uvloop's
// design, with no goroutine per connection. Any other connection (a pipe, a
// TLS connection, any connection on other systems) has a goroutine reading it
// ahead of the task instead, parked in the runtime's poller, holding no
// buffer, while the peer is quiet. A stream has a goroutine writing what the
// connection did not take at once, while there is some; on a *net.TCPConn or
// *net.UnixConn the loop writes to the socket directly when it has room. A
// server has a goroutine accepting; a process, one waiting for its exit. They
// hand their news to the loop with one callback per burst.
//
// Every goroutine of the package ends once what it serves is closed: a closed
// stream, a closed server (a server is also closed when its loop's Run
// finishes), a process that has exited. Close every Stream, as every
// net.Conn: a stream left open keeps its connection, and any reading
// goroutine blocked on it.
//
// # Costs
//
// Measured with BenchmarkEcho and BenchmarkHandler (bench_aio_test.go) on a
// 2-vCPU VM shared with other work, so as ratios of medians within one run: an
// echo server of one task per connection (Read, Write, Drain) serves 1 KiB
// ping-pongs at 0.9 times the messages per second of a goroutine-per-connection
// Go server at one connection and about as many at fifty (0.93–1.06), which is
// 2.7 times uvloop's streams at one connection and 1.55 times at fifty (the
// median of eight runs, which ranged from 1.3 to 1.74). Reading on the loop is
// what it takes: with a reading goroutine per stream, handing each read to the
// loop's goroutine, the same server made 0.53 and 0.8 times the plain one's.
// aio.Handler adds 1.5–2.5 µs and one allocation to a request; the customers
// example (a bbolt lookup through sched.Go) serves about 0.8 times the requests
// per second of a plain net/http handler under wrk at 50 connections, 0.75 at
// 200 (medians of eight runs, which ranged from 0.66 to 0.93): the request's
// goroutine, the loop and sched.Go's goroutine hand each request on four times.
// Under that load a hand-off costs far more than alone: measured as the server's
// CPU time per request at 200 connections (examples/customers/bench.sh prints
// it), the Handler adds 10–17 µs to plain net/http's 46–57 µs, and the
// sched.Go call 10–20 µs more, where BenchmarkHandler and BenchmarkGo, which
// run nothing else, put each at 1–2 µs. So work that never blocks (a lookup in
// memory, a computation of microseconds) is cheaper done on the loop itself;
// sched.Go is for calls that wait.
package aio
