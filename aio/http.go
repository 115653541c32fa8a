package aio

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/hook"
	"github.com/corio-go/corio/sched"
)

// Handler returns a net/http handler that runs each request in a task of l:
// fn is the request's coroutine, free to await (a database call through
// sched.Go, a Stream, a sleep) while the loop serves the other requests. The
// task is named after the request ("GET /path") while it runs fn; tasks are
// reused from one request to the next (a new one would spend much of a short
// request growing its stack), so fn must not keep its co, or the task, once it
// has returned.
//
// net/http still gives each request a goroutine of its own; here that goroutine
// reads the request body (so that fn's reads of r.Body never block the loop:
// limit it with http.MaxBytesHandler), hands the request to the loop and waits
// for fn. fn's writes to w are buffered and sent, status, headers and body, by
// that goroutine when fn returns, so that a slow client never blocks the
// loop; fn cannot stream a response (w is not an http.Flusher). While a
// request is in flight the loop is kept alive.
//
// A returned error becomes a 500 response unless fn has already written a
// header (WriteHeader or Write); either way the request's task ends with the
// error, which the loop reports as a task error nobody retrieved
// (sched.OnUnhandledError), under the request's name. A panic in fn is raised
// again, as a *sched.PanicError with fn's stack, on the request's goroutine,
// where net/http recovers and logs it; http.ErrAbortHandler is raised as
// itself, aborting the response quietly. When the request's context ends (the
// client went away, the server shuts down) fn's task is cancelled, and the
// handler returns at once; a panic after that is reported by the loop.
//
// Shut the http.Server down (Shutdown waits for handlers) before the loop
// finishes: a request handed to a loop that closes before it starts the
// request is answered only when its context ends. Handler panics if l or fn
// is nil. ServeHTTP is safe for concurrent use, as net/http requires.
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
	idle []*worker // on the loop: workers waiting for a request

	mu       sync.Mutex
	inflight int // requests between ServeHTTP and the end of their fn
}

// hold counts a request in; the first holds the loop, until the last is out.
func (h *handler) hold() {
	h.mu.Lock()
	h.inflight++
	if h.inflight == 1 {
		hook.HoldLoop(h.loop)
	}
	h.mu.Unlock()
}

// unhold counts a request out; the last releases the Hold. It runs on the
// loop (or, for a request the loop never took, on the request's goroutine,
// where no callback of it is pending).
func (h *handler) unhold() {
	h.mu.Lock()
	h.inflight--
	if h.inflight == 0 {
		hook.ReleaseLoop(h.loop)
	}
	h.mu.Unlock()
}

// maxIdle is how many idle workers a handler keeps: as many as a busy
// server has requests in flight, so that a server under a few hundred
// concurrent clients does not start a new worker, and grow its stack, for
// every request over the limit (with 128, one in three or so at 200 clients).
// Each idle worker is a parked coroutine with its stack, some kilobytes.
const maxIdle = 1024

// worker is a task that runs requests one after another. A request could be
// a task of its own, but a task's coroutine starts with the runtime's
// smallest stack and grows it, copying, as the handler goes deeper: about
// half of what aio.Handler cost per request (BenchmarkHandler). A worker's
// stack has grown once, for its first request. It belongs to the loop.
type worker struct {
	h    *handler
	task *sched.Task[struct{}]
	x    *exchange // the request it runs
	wake waitpoint // where it waits, idle, for the next
}

// exchange is one request on its way through the loop.
type exchange struct {
	h       *handler
	r       *http.Request
	w       response
	worker  *worker       // on the loop: the worker that runs it
	cancels int           // on the loop: cancellations of the worker for it
	done    chan struct{} // capacity 1: a token when fn has returned
	startFn func()        // x.start, made once

	mu    sync.Mutex // guards gone, and the outcome until done has its token
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
	x := exchanges.Get().(*exchange)
	x.h, x.r = h, r
	// The loop is held while a request is in flight: it must not end, or
	// call it a deadlock, while the request is on its way to it, or while
	// its task waits (the client going away is an event from outside).
	h.hold()
	if err := h.loop.CallSoonThreadsafe(x.startFn); err != nil {
		h.unhold()
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
			x.gone = true // x is the task's now: never recycled
			x.mu.Unlock()
			h.loop.CallSoonThreadsafe(x.cancel)
			return
		}
	}
	defer x.recycle()
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
	h := x.h
	if n := len(h.idle); n > 0 {
		w := h.idle[n-1]
		h.idle[n-1] = nil
		h.idle = h.idle[:n-1]
		w.take(x)
		w.wake.wake()
		return
	}
	w := &worker{h: h}
	w.wake = waitpoint{loop: h.loop, what: "aio.Handler: idle"}
	w.take(x)
	w.task = sched.SpawnOn(h.loop, coro.New(w.run))
	w.task.SetName(x.name())
	w.task.AddDoneCallback(w.ended)
}

// ended runs on the loop once the worker's task is done. A task cancelled
// before its first step (the client left at once, or Run is ending) is closed
// without running: its request is still to be finished, and the loop released.
func (w *worker) ended() {
	if x := w.x; x != nil {
		w.x = nil
		x.finish(sched.ErrCancelled, nil)
	}
}

func (w *worker) take(x *exchange) {
	w.x = x
	x.worker = w
	if w.task != nil {
		w.task.SetName(x.name())
	}
}

func (x *exchange) name() string { return x.r.Method + " " + x.r.URL.Path }

// cancel runs on the loop when the request's context has ended: it cancels
// the worker's task if the worker still runs this request.
func (x *exchange) cancel() {
	if w := x.worker; w != nil && w.x == x {
		x.cancels++
		w.task.Cancel()
	}
}

// run is the worker's task: requests until one fails, the task is cancelled,
// or enough workers are idle.
func (w *worker) run(co *coro.Co) (struct{}, error) {
	t := sched.Current(co)
	for {
		err, cancels := w.x.serve(co)
		w.x = nil
		if !w.settle(t, cancels, err) {
			return struct{}{}, err // nil, or reported by the loop under the request's name
		}
		for w.x == nil {
			if len(w.h.idle) >= maxIdle {
				return struct{}{}, nil
			}
			w.h.idle = append(w.h.idle, w)
			t.SetName("aio.Handler: idle")
			err := w.wake.awaitNoHold(co)
			if err == nil {
				break
			}
			if x := w.x; x != nil {
				// Handed a request as the cancellation came: it was for the
				// request (its client left at once), or Run is ending.
				w.x = nil
				cancels := x.cancels
				x.finish(err, nil)
				if w.settle(t, cancels, err) {
					continue
				}
				return struct{}{}, err
			}
			w.h.idle = slices.DeleteFunc(w.h.idle, func(o *worker) bool { return o == w })
			return struct{}{}, err
		}
	}
}

// settle takes back the cancellations of the worker that were for a
// request's client and reports whether the worker may go on: the request did
// not fail, and the task was not cancelled, neither for the request nor
// otherwise (Run ending). A task once cancelled keeps a cancelled context
// (co.Context()), which the next request's fn would see.
func (w *worker) settle(t sched.TaskInfo, cancels int, err error) bool {
	for range cancels {
		t.Uncancel()
	}
	return err == nil && cancels == 0 && t.Cancelling() == 0
}

// serve runs fn for the request and hands the outcome to ServeHTTP. It
// returns fn's error, or for a panic nobody will raise (ServeHTTP is gone)
// the *sched.PanicError; and how many cancellations of the worker were for
// this request.
func (x *exchange) serve(co *coro.Co) (err error, cancels int) {
	var p *sched.PanicError
	defer func() {
		if v := recover(); v != nil {
			p = &sched.PanicError{Value: v, Task: x.name(), Stack: debug.Stack()}
		}
		cancels = x.cancels
		if x.finish(err, p) && p != nil {
			err = p // nobody to raise it: the loop reports it
		}
	}()
	return x.h.fn(co, &x.w, x.r), 0
}

// finish hands the outcome to ServeHTTP and releases the loop, and reports
// whether ServeHTTP had gone already. After finish, x may be recycled by
// ServeHTTP: the worker must not touch it.
func (x *exchange) finish(err error, p *sched.PanicError) (gone bool) {
	h := x.h
	x.mu.Lock()
	gone = x.gone
	x.err, x.panic = err, p
	if !gone {
		x.done <- struct{}{}
	}
	x.mu.Unlock()
	h.unhold()
	return gone
}

// exchanges recycles exchanges, their header maps and body buffers: most of
// what a request allocates here.
var exchanges = sync.Pool{New: func() any {
	x := &exchange{done: make(chan struct{}, 1), w: response{header: make(http.Header)}}
	x.startFn = x.start
	return x
}}

// recycle hands x back once ServeHTTP has written the response; only an
// exchange whose outcome ServeHTTP received (not gone) comes here, so no
// worker or callback refers to it any more.
func (x *exchange) recycle() {
	x.h, x.r, x.worker, x.cancels = nil, nil, nil, 0
	x.err, x.panic, x.gone = nil, nil, false
	clear(x.w.header)
	x.w.status = 0
	if x.w.body.Cap() > 64<<10 {
		x.w.body = bytes.Buffer{}
	}
	x.w.body.Reset()
	exchanges.Put(x)
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
