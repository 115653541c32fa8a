package aio_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// serveHTTP runs body on a loop with an httptest server whose handler is
// aio.Handler(loop, fn); the server is shut down off the loop afterwards.
func serveHTTP(t *testing.T, fn func(co *coro.Co, w http.ResponseWriter, r *http.Request) error, body func(co *coro.Co, url string) error, opts ...sched.Option) (serverLog string) {
	t.Helper()
	var logBuf syncBuffer
	run(t, func(co *coro.Co) error {
		srv := httptest.NewUnstartedServer(aio.Handler(sched.LoopOf(co), fn))
		srv.Config.ErrorLog = log.New(&logBuf, "", 0)
		srv.Start()
		err := body(co, srv.URL)
		// Close waits for the handlers, which need the loop: off the loop.
		sched.Go(co, func(context.Context) (struct{}, error) {
			srv.CloseClientConnections()
			srv.Close()
			http.DefaultClient.CloseIdleConnections()
			return struct{}{}, nil
		})
		return err
	}, opts...)
	return logBuf.String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

type reply struct {
	status int
	ctype  string
	body   string
}

// get makes a request off the loop.
func get(co *coro.Co, method, url, body string) (reply, error) {
	return sched.Go(co, func(ctx context.Context) (reply, error) {
		req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
		if err != nil {
			return reply{}, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return reply{}, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return reply{resp.StatusCode, resp.Header.Get("Content-Type"), string(b)}, err
	})
}

func TestHandlerRequests(t *testing.T) {
	leaktest.Check(t)
	var unhandled []string
	fn := func(co *coro.Co, w http.ResponseWriter, r *http.Request) error {
		switch r.URL.Path {
		case "/ok":
			if err := sched.Sleep(co, 0); err != nil {
				return err
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
		case "/fail":
			w.Header().Set("X-Ignored", "no") // kept: net/http's Error keeps headers
			return errors.New("database down")
		case "/fail-after-header":
			w.WriteHeader(http.StatusTeapot)
			io.WriteString(w, "short and stout")
			return errors.New("after the header")
		case "/echo":
			b, err := io.ReadAll(r.Body) // read by the goroutine already: never blocks the loop
			if err != nil {
				return err
			}
			w.Write(bytes.ToUpper(b))
		case "/nothing":
		}
		return nil
	}
	serveHTTP(t, fn, func(co *coro.Co, url string) error {
		tests := []struct {
			method, path, body string
			want               reply
		}{
			{"GET", "/ok", "", reply{200, "application/json", `{"path":"/ok"}`}},
			{"GET", "/fail", "", reply{500, "text/plain; charset=utf-8", "Internal Server Error\n"}},
			{"GET", "/fail-after-header", "", reply{418, "text/plain; charset=utf-8", "short and stout"}},
			{"POST", "/echo", "shout", reply{200, "text/plain; charset=utf-8", "SHOUT"}},
			{"GET", "/nothing", "", reply{200, "", ""}},
		}
		for _, tt := range tests {
			got, err := get(co, tt.method, url+tt.path, tt.body)
			if err != nil {
				return err
			}
			if got != tt.want {
				t.Errorf("%s %s = %+v; want %+v", tt.method, tt.path, got, tt.want)
			}
		}
		return nil
	}, sched.OnUnhandledError(func(task string, err error) { unhandled = append(unhandled, task+": "+err.Error()) }))
	want := []string{"GET /fail: database down", "GET /fail-after-header: after the header"}
	if strings.Join(unhandled, "|") != strings.Join(want, "|") {
		t.Errorf("reported %q; want %q", unhandled, want)
	}
}

// Requests run as tasks of one loop, concurrently: fifty of them meet at a
// barrier no request could pass alone.
func TestHandlerConcurrent(t *testing.T) {
	leaktest.Check(t)
	const n = 50
	barrier := sched.NewBarrier(n)
	fn := func(co *coro.Co, w http.ResponseWriter, r *http.Request) error {
		i, err := barrier.Wait(co)
		fmt.Fprint(w, i >= 0)
		return err
	}
	serveHTTP(t, fn, func(co *coro.Co, url string) error {
		var all []coro.Awaitable[reply]
		for range n {
			all = append(all, coro.New(func(co *coro.Co) (reply, error) { return get(co, "GET", url, "") }))
		}
		replies, err := sched.Gather(co, all...)
		for _, r := range replies {
			if r.body != "true" {
				t.Errorf("reply %+v", r)
			}
		}
		return err
	})
}

// A client that goes away cancels the request's task.
func TestHandlerClientGone(t *testing.T) {
	leaktest.Check(t)
	started := make(chan struct{})
	var cancelled sched.Event
	fn := func(co *coro.Co, w http.ResponseWriter, r *http.Request) error {
		close(started)
		var never sched.Event
		err := never.Wait(co)
		if errors.Is(err, context.Canceled) {
			cancelled.Set()
		}
		return err
	}
	serveHTTP(t, fn, func(co *coro.Co, url string) error {
		client, err := leaveHanging(co, url, started, &cancelled)
		if err != nil {
			return err
		}
		if !errors.Is(client, context.Canceled) {
			t.Errorf("client: %v; want its cancellation", client)
		}
		return nil
	})
}

// A panic in fn reaches net/http, which logs it with fn's stack; the server
// goes on. http.ErrAbortHandler aborts quietly.
func TestHandlerPanic(t *testing.T) {
	leaktest.Check(t)
	fn := func(co *coro.Co, w http.ResponseWriter, r *http.Request) error {
		switch r.URL.Path {
		case "/panic":
			panic("fn panicked")
		case "/abort":
			panic(http.ErrAbortHandler)
		}
		io.WriteString(w, "fine")
		return nil
	}
	logged := serveHTTP(t, fn, func(co *coro.Co, url string) error {
		for _, path := range []string{"/panic", "/abort"} {
			if r, err := get(co, "GET", url+path, ""); err == nil {
				t.Errorf("GET %s = %+v; want the connection dropped", path, r)
			}
		}
		if r, err := get(co, "GET", url+"/", ""); r.body != "fine" || err != nil {
			t.Errorf("GET / after the panics = %+v, %v", r, err)
		}
		return nil
	})
	if !strings.Contains(logged, "fn panicked") || !strings.Contains(logged, "http_test.go") {
		t.Errorf("server log = %q; want the panic with fn's stack", logged)
	}
	if strings.Count(logged, "panic serving") != 1 {
		t.Errorf("server log = %q; want one panic logged (ErrAbortHandler is quiet)", logged)
	}
}

func TestHandlerClosedLoop(t *testing.T) {
	leaktest.Check(t)
	l := sched.NewLoop()
	l.Close()
	h := aio.Handler(l, func(co *coro.Co, w http.ResponseWriter, r *http.Request) error { return nil })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status on a closed loop = %d; want 503", rec.Code)
	}
}

// Requests reuse the handler's worker tasks: a cancellation meant for one
// request (its client left) never reaches the next, a failing request ends
// its worker (the loop reports the error) and the next request gets another,
// and idle workers end with Run.
func TestHandlerWorkers(t *testing.T) {
	leaktest.Check(t)
	var reported []string
	var cancelled sched.Event
	started := make(chan struct{}, 1)
	fn := func(co *coro.Co, w http.ResponseWriter, r *http.Request) error {
		switch r.URL.Path {
		case "/hang":
			started <- struct{}{}
			var never sched.Event
			err := never.Wait(co)
			if errors.Is(err, context.Canceled) {
				cancelled.Set()
			}
			return err
		case "/fail":
			return errors.New("failed")
		}
		// Every other request awaits: a stale cancellation would surface here.
		if err := sched.Sleep(co, time.Millisecond); err != nil {
			return err
		}
		io.WriteString(w, "ok")
		return nil
	}
	serveHTTP(t, fn, func(co *coro.Co, url string) error {
		for round := range 3 {
			if _, err := leaveHanging(co, url+"/hang", started, &cancelled); err != nil {
				return err
			}
			for i := range 5 {
				r, err := get(co, "GET", url+"/", "")
				if r.body != "ok" || err != nil {
					t.Errorf("round %d request %d after a client left: %+v, %v", round, i, r, err)
				}
			}
			var dump strings.Builder
			sched.LoopOf(co).Dump(&dump)
			if !strings.Contains(dump.String(), "aio.Handler: idle") {
				t.Errorf("no idle worker:\n%s", dump.String())
			}
			if r, err := get(co, "GET", url+"/fail", ""); r.status != 500 || err != nil {
				t.Errorf("GET /fail = %+v, %v; want 500", r, err)
			}
		}
		return nil
	}, sched.OnUnhandledError(func(task string, err error) { reported = append(reported, task+": "+err.Error()) }))
	want := "GET /fail: failed"
	if len(reported) != 3 || reported[0] != want || reported[2] != want {
		t.Errorf("reported %q; want %q three times", reported, want)
	}
}

// leaveHanging requests url from a client that goes away once the handler has
// started (a token on started), and waits until the handler has seen its
// task cancelled (cancelled set) and the client has given up. It returns the
// client's error, and the error of its own waits, if any.
func leaveHanging(co *coro.Co, url string, started <-chan struct{}, cancelled *sched.Event) (client, err error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	result := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		result <- err
	}()
	if _, _, err := sched.Recv(co, started); err != nil {
		return nil, err
	}
	cancel()
	if err := cancelled.Wait(co); err != nil {
		return nil, err
	}
	cancelled.Clear()
	client, _, err = sched.Recv(co, result)
	return client, err
}
