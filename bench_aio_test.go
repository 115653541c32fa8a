package corio_test

// Benchmarks of package aio against their baselines, in one run:
//
//   - BenchmarkEcho: an echo server, 1 KiB ping-pong over loopback, driven by
//     one Go client (a goroutine per connection: write 1 KiB, read it back).
//     Servers: corio (aio.Listen, one task per connection: Read, Write, Drain)
//     and plain Go (a goroutine per connection: Read, Write); with
//     CORIO_ECHO_PYTHON set to a python3 with uvloop, also asyncio and uvloop
//     streams and protocols (bench/python/echo_bench.py). msg/s is the figure.
//
// customers (examples/customers, a nested module) has its own benchmark
// against a plain net/http handler; see examples/README.md.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

const echoMsg = 1024

// echoServer is a running server: its address and how to stop it.
type echoServer struct {
	addr string
	stop func()
}

// corioEcho serves on a loop of its own, on a goroutine of its own.
func corioEcho(b *testing.B) echoServer {
	b.Helper()
	addrs := make(chan string, 1)
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
			sv, err := aio.Listen(co, "tcp", "127.0.0.1:0", func(co *coro.Co, s *aio.Stream) error {
				buf := make([]byte, 4096)
				for {
					n, err := s.Read(co, buf)
					if err != nil {
						return nil
					}
					s.Write(buf[:n])
					if err := s.Drain(co); err != nil {
						return nil
					}
				}
			})
			if err != nil {
				return struct{}{}, err
			}
			addrs <- sv.Addr().String()
			if _, _, err := sched.Recv(co, stop); err != nil {
				return struct{}{}, err
			}
			sv.Close()
			return struct{}{}, sv.Wait(co)
		}))
		done <- err
	}()
	select {
	case addr := <-addrs:
		return echoServer{addr, func() {
			close(stop)
			if err := <-done; err != nil {
				b.Error(err)
			}
		}}
	case err := <-done:
		b.Fatal(err)
	}
	return echoServer{}
}

// plainEcho is the baseline: a goroutine per connection.
func plainEcho(b *testing.B) echoServer {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				buf := make([]byte, 4096)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			})
		}
	})
	return echoServer{ln.Addr().String(), func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	}}
}

// pythonEcho starts bench/python/echo_bench.py as a server.
func pythonEcho(python, loop, api string) func(b *testing.B) echoServer {
	return func(b *testing.B) echoServer {
		b.Helper()
		cmd := exec.Command(python, "bench/python/echo_bench.py", "server", "--loop", loop, "--api", api)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			b.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			b.Fatalf("%s: %v", python, err)
		}
		port := strings.TrimSpace(strings.TrimPrefix(line, "listening on"))
		return echoServer{"127.0.0.1:" + port, func() {
			stdin.Close()
			cmd.Wait()
		}}
	}
}

// echoClient sends n messages over conns connections, each a 1 KiB write and
// its echo read back, and returns when all are answered.
func echoClient(b *testing.B, addr string, conns, n int) {
	b.Helper()
	cs := make([]net.Conn, conns)
	for i := range cs {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		cs[i] = c
	}
	// Warm each connection up: the server's handler is running.
	msg := []byte(strings.Repeat("x", echoMsg))
	for _, c := range cs {
		if err := pingPong(c, msg, make([]byte, echoMsg)); err != nil {
			b.Fatal(err)
		}
	}
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	var failed atomic.Value
	b.ResetTimer()
	for _, c := range cs {
		wg.Go(func() {
			buf := make([]byte, echoMsg)
			for left.Add(-1) >= 0 {
				if err := pingPong(c, msg, buf); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
}

func pingPong(c net.Conn, msg, buf []byte) error {
	if _, err := c.Write(msg); err != nil {
		return err
	}
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	if buf[0] != msg[0] {
		return errors.New("echo: wrong bytes")
	}
	return nil
}

// BenchmarkEcho: see the file comment. The targets, as ratios of one
// run: corio >= 0.7 x plain Go at 1 and at 50 connections, and >= 1.5 x
// uvloop streams at 50.
func BenchmarkEcho(b *testing.B) {
	type server struct {
		name  string
		start func(b *testing.B) echoServer
	}
	servers := []server{{"corio", corioEcho}, {"plain", plainEcho}}
	if py := os.Getenv("CORIO_ECHO_PYTHON"); py != "" {
		for _, loop := range []string{"uvloop", "asyncio"} {
			for _, api := range []string{"streams", "protocol"} {
				servers = append(servers, server{loop + "-" + api, pythonEcho(py, loop, api)})
			}
		}
	}
	for _, conns := range []int{1, 50} {
		for _, sv := range servers {
			b.Run(fmt.Sprintf("conns=%d/%s", conns, sv.name), func(b *testing.B) {
				s := sv.start(b)
				defer s.stop()
				b.ReportAllocs()
				echoClient(b, s.addr, conns, b.N)
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
				b.ReportMetric(0, "ns/op")

			})
		}
	}
}

// BenchmarkHandler: the cost aio.Handler adds to a request, without the
// network: ServeHTTP called directly by 50 goroutines at once, with a handler
// that writes a small JSON body; plain is the same handler as an
// http.HandlerFunc. The request's task reads nothing slow; see
// examples/customers for the whole server against net/http.
func BenchmarkHandler(b *testing.B) {
	body := []byte(`{"id":42,"name":"Tomislav Knežević"}` + "\n")
	write := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { write(w) })
	runHandler := func(b *testing.B, h func(l *sched.Loop) http.Handler) {
		stop := make(chan struct{})
		ready := make(chan http.Handler)
		done := make(chan error)
		go func() {
			_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
				ready <- h(sched.LoopOf(co))
				_, _, err := sched.Recv(co, stop)
				return struct{}{}, err
			}))
			done <- err
		}()
		handler := <-ready
		req := httptest.NewRequest("GET", "/?customer_id=42", nil)
		b.ReportAllocs()
		b.SetParallelism(25) // 50 goroutines on 2 CPUs
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				w := httptest.NewRecorder()
				handler.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Errorf("status %d", w.Code)
				}
			}
		})
		b.StopTimer()
		close(stop)
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	b.Run("plain", func(b *testing.B) {
		runHandler(b, func(*sched.Loop) http.Handler { return plain })
	})
	b.Run("corio", func(b *testing.B) {
		runHandler(b, func(l *sched.Loop) http.Handler {
			return aio.Handler(l, func(co *coro.Co, w http.ResponseWriter, r *http.Request) error {
				write(w)
				return nil
			})
		})
	})
	b.Run("corio+Go", func(b *testing.B) {
		runHandler(b, func(l *sched.Loop) http.Handler {
			return aio.Handler(l, func(co *coro.Co, w http.ResponseWriter, r *http.Request) error {
				if _, err := sched.Go(co, func(context.Context) (int, error) { return 42, nil }); err != nil {
					return err
				}
				write(w)
				return nil
			})
		})
	})
}
