package aio

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"runtime/debug"
	"sync"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// Handler returns a net/http handler that runs each request as a task on l:
// fn is the request's coroutine, free to await (a database call through
// sched.Go, a Stream, a sleep) while the loop serves the other requests.
//
// net/http still gives each request a goroutine of its own; here that goroutine
// reads the request body (so that fn's reads of r.Body never block the loop:
// limit it with http.MaxBytesHandler), hands the request to the loop and waits
// for the task. fn's writes to w are buffered and sent, status, headers and
// body, by that goroutine when fn returns, so that a slow client never blocks
// the loop; fn cannot stream a response (w is not an http.Flusher).
//
// A returned error becomes a 500 response unless fn has already written a
// header (WriteHeader or Write); either way it is also the task's error, which
// the loop reports as a task error nobody retrieved (sched.OnUnhandledError).
// A panic in fn is raised again, as a *sched.PanicError with fn's stack, on
// the request's goroutine, where net/http recovers and logs it; http.ErrAbortHandler
// is raised as itself, aborting the response quietly. When the request's
// context ends (the client went away, the server shuts down) the task is
// cancelled and the handler returns at once.
//
// Shut the http.Server down (Shutdown waits for handlers) before the loop
// finishes: a request handed to a loop that closes before it starts the task
// is answered only when its context ends. Handler panics if l or fn is nil.
func Handler(l *sched.Loop, fn func(co *coro.Co, w http.ResponseWriter, r *http.Request) error) http.Handler {
	if l == nil {
		panic("aio.Handler: nil loop")
	}
	if fn == nil {
		panic("aio.Handler: nil func")
	}
	return &handler{loop: l, fn: fn}
}

type handler struct {
	loop *sched.Loop
	fn   func(co *coro.Co, w http.ResponseWriter, r *http.Request) error
}

// exchange is one request on its way through the loop.
type exchange struct {
	h       *handler
	r       *http.Request
	w       response
	release func()
	task    *sched.Task[struct{}] // the loop's
	done    chan struct{}         // closed when fn has returned

	mu    sync.Mutex // guards gone, and the outcome until done is closed
	gone  bool       // ServeHTTP has returned: the task reports for itself
	err   error
	panic *sched.PanicError
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			status := http.StatusBadRequest
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, http.StatusText(status), status)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	x := &exchange{h: h, r: r, done: make(chan struct{})}
	x.w.header = make(http.Header)
	// Held while the request is in flight: the loop must not end, or call it
	// a deadlock, while the request is on its way to it, or while its task
	// waits (the client going away is an event from outside). Released on the
	// loop, when the task is done.
	x.release = h.loop.Hold()
	if err := h.loop.CallSoonThreadsafe(x.start); err != nil {
		x.release()
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return
	}
	select {
	case <-x.done:
	case <-r.Context().Done():
		x.mu.Lock()
		select {
		case <-x.done:
			x.mu.Unlock()
		default:
			x.gone = true
			x.mu.Unlock()
			h.loop.CallSoonThreadsafe(x.cancel)
			return
		}
	}
	if p := x.panic; p != nil {
		if p.Value == http.ErrAbortHandler {
			panic(http.ErrAbortHandler)
		}
		panic(p)
	}
	dst := w.Header()
	for k, v := range x.w.header {
		dst[k] = v
	}
	if x.err != nil && x.w.status == 0 {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	if x.w.status != 0 {
		w.WriteHeader(x.w.status)
	}
	if x.w.body.Len() > 0 {
		w.Write(x.w.body.Bytes())
	}
}

// start runs on the loop: the request becomes a task.
func (x *exchange) start() {
	x.task = sched.SpawnOn(x.h.loop, coro.New(x.run))
	x.task.SetName(x.r.Method + " " + x.r.URL.Path)
}

// cancel runs on the loop when the request's context has ended.
func (x *exchange) cancel() {
	if x.task != nil {
		x.task.Cancel()
	}
}

// run is the request's task.
func (x *exchange) run(co *coro.Co) (_ struct{}, err error) {
	var p *sched.PanicError
	defer func() {
		if v := recover(); v != nil {
			p = &sched.PanicError{Value: v, Task: x.task.Name(), Stack: debug.Stack()}
		}
		x.mu.Lock()
		gone := x.gone
		x.err, x.panic = err, p
		close(x.done)
		x.mu.Unlock()
		x.release()
		if p != nil && gone {
			err = p // nobody to raise it: the loop reports it
		}
	}()
	err = x.h.fn(co, &x.w, x.r)
	return struct{}{}, err
}

// response is the http.ResponseWriter fn writes to: everything is kept until
// fn returns.
type response struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *response) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(p)
}
