package sched

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/hook"
	"github.com/corio-go/corio/internal/nest"
)

// runner is one entry of the ready queue: a task step, a timer, a callback.
type runner interface{ run() }

// callback adapts a func to runner; a func value fits in an interface without
// an allocation.
type callback func()

func (f callback) run() { f() }

// virtualEpoch is where a virtual clock starts.
var virtualEpoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// Option configures a loop.
type Option func(*Loop)

// VirtualTime makes the loop's clock virtual: it starts at 2000-01-01 00:00:00
// UTC and moves only by jumping to the next timer's deadline when no callback is
// ready. While something outside holds the loop (a Hold, a ToThread call) the
// loop waits for it in real time, as long as the gap to the next timer, before
// jumping: virtual time never runs ahead of a thread that may yet call back.
func VirtualTime() Option {
	return func(l *Loop) { l.virtual = true }
}

// WithContext ties Run or RunOn to ctx: when ctx is done, the main task is
// cancelled (asyncio.run's handling of Ctrl-C), and if it ends cancelled, Run
// returns an error matching both ErrCancelled and context.Cause(ctx). Ctrl-C
// in two lines:
//
//	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
//	defer stop()
//	err := sched.Run(main, sched.WithContext(ctx))
//
// While ctx may still end, it counts as an outside event source that keeps
// the loop alive: a main task that waits only for it is not a deadlock. Every
// task's [coro.Co.Context] carries ctx's values (not its cancellation: a task's
// context ends when the task is cancelled).
func WithContext(ctx context.Context) Option {
	if ctx == nil {
		panic("sched.WithContext: nil context")
	}
	return func(l *Loop) { l.ctx = ctx }
}

// OnUnhandledError sets what the loop does with an error nobody retrieved: a
// task that failed and whose result nobody asked for (Python logs "Task
// exception was never retrieved"), or a task that failed while Run shut down.
// The loop reports them when it closes. The default logs them with log/slog at
// level Error.
func OnUnhandledError(h func(task string, err error)) Option {
	return func(l *Loop) { l.onUnhandled = h }
}

// Loop is an event loop. Create one with [NewLoop] (or let [Run] make one); the
// zero value is not usable. A Loop may not be copied. Only CallSoonThreadsafe,
// Hold and the function Hold returns are safe from other goroutines; everything
// else belongs to the goroutine running the loop and the tasks it runs.
//
// A Loop made by NewLoop must be closed: a Loop dropped without [Loop.Close]
// while tasks are pending keeps one goroutine per pending task forever. Unlike
// a dropped generator, it cannot be collected and closed for you: each
// suspended task's coroutine refers to its loop, and a parked coroutine's
// stack is a root for the garbage collector. (Run closes its loop itself; the
// module's tests check that every NewLoop is closed.)
type Loop struct {
	ready []runner // what the next iteration runs
	spare []runner // the other buffer, reused to avoid allocating per iteration

	timers   timerHeap
	timerSeq uint64

	virtual bool
	start   time.Time     // the clock's origin
	vnow    time.Duration // the virtual clock, since start
	idle    *time.Timer   // the real-time wait for the next timer

	sim        *simulation   // Seed's; nil for asyncio's FIFO order
	jitter     time.Duration // Jitter's, under Seed
	outside    bool          // SeedOutside: ToThread and Go run inline, delivered at a seeded delay
	outsideMax time.Duration

	current   *task    // the task whose step is running, for Dump
	tasks     taskList // live tasks: spawned and not yet done
	failed    []*task  // tasks that failed, to report if never retrieved
	pruneAt   int      // len(failed) at which the retrieved ones are dropped
	running   bool
	closed    bool
	asyncgens map[hook.AsyncGen]uint64 // started, unfinished async generators (asyncio's _asyncgens), by start order
	genSeq    uint64

	ctx         context.Context // WithContext's, or nil
	onUnhandled func(task string, err error)
	trace       *slog.Logger // nil unless the Trace option is given

	threads     int                          // ToThread and Go calls started or queued, not yet back on the loop
	bounded     int                          // of which ToThread calls, held to maxThreads
	threadQueue []starter                    // ToThread calls waiting for the bound
	jobs        chan job                     // to an idle goroutine of the pool (unbuffered)
	stop        chan struct{}                // closed when the loop closes: idle goroutines exit
	leftovers   map[any][]any                // values cancelled Recvs took, by channel
	recvBusy    map[any]*[]*Future[struct{}] // by channel: a cancelled Recv's goroutine still out, and who waits for it
	threadsIdle []*Future[struct{}]          // completed when threads drops to 0
	maxThreads  int

	// Guarded by mu: what other goroutines hand the loop.
	mu          sync.Mutex
	incoming    []runner
	holds       int
	closedSafe  bool
	hasIncoming atomic.Bool
	wake        chan struct{}             // capacity 1: a pending wake-up for the idle loop
	poller      atomic.Pointer[pollerRef] // aio's, once a stream asks for it: the loop waits in it
}

// pollerRef holds a loop's poller, for the atomic pointer other goroutines
// wake it through.
type pollerRef struct{ p hook.Poller }

func init() {
	hook.HoldLoop = func(l any) { l.(*Loop).hold() }
	hook.ReleaseLoop = func(l any) { l.(*Loop).release() }
	hook.InstallPoller = func(loop any, newPoller func() hook.Poller) hook.Poller {
		l := loop.(*Loop)
		if r := l.poller.Load(); r != nil {
			return r.p
		}
		if l.closed {
			return nil
		}
		p := newPoller()
		if p != nil {
			l.poller.Store(&pollerRef{p})
		}
		return p
	}
}

// NewLoop returns a loop that is not running. Close it when done with it
// (defer l.Close()): see [Loop] for why that is not optional.
func NewLoop(opts ...Option) *Loop {
	l := &Loop{wake: make(chan struct{}, 1), jobs: make(chan job), stop: make(chan struct{})}
	for _, o := range opts {
		o(l)
	}
	if l.virtual {
		l.start = virtualEpoch
	} else {
		l.start = time.Now()
	}
	if l.onUnhandled == nil {
		l.onUnhandled = func(task string, err error) {
			slog.Error("sched: task exception was never retrieved", "task", task, "err", err)
		}
	}
	return l
}

// LoopOf returns the loop running the task whose coroutine co belongs to
// (asyncio.get_running_loop), or nil if co is not driven by a sched task.
func LoopOf(co *coro.Co) *Loop {
	if t := taskOf(co); t != nil {
		return t.loop
	}
	return nil
}

// Now returns the loop's clock: real time, or the virtual instant.
func (l *Loop) Now() time.Time { return l.start.Add(l.elapsed()) }

// elapsed is the loop's clock as a duration since its start.
func (l *Loop) elapsed() time.Duration {
	if l.virtual {
		return l.vnow
	}
	return time.Since(l.start)
}

// CallSoon arranges for fn to run in the next iteration of the loop, after the
// callbacks already scheduled: asyncio's call_soon. Call it from the loop's
// goroutine; other goroutines use CallSoonThreadsafe. CallSoon on a closed loop
// panics, as call_soon raises: nothing would ever run fn.
func (l *Loop) CallSoon(fn func()) {
	switch {
	case fn == nil:
		panic("sched.CallSoon: nil func")
	case l.closed:
		panic("sched.CallSoon: " + ErrClosed.Error())
	}
	l.callSoon(callback(fn))
}

// callSoon appends r to the ready queue: the one way anything becomes ready
// (a callback, a task step, a due timer, a done callback), so that the order
// of a run is decided in one place.
func (l *Loop) callSoon(r runner) { l.ready = append(l.ready, r) }

// CallSoonThreadsafe arranges, from any goroutine, for fn to run on the loop
// soon, waking the loop if it is idle: asyncio's call_soon_threadsafe. It
// returns ErrClosed once the loop is closed. A goroutine that will call it later
// should take a Hold first, or the loop may report a deadlock meanwhile.
func (l *Loop) CallSoonThreadsafe(fn func()) error {
	if fn == nil {
		panic("sched.CallSoonThreadsafe: nil func")
	}
	return l.callSoonThreadsafe(callback(fn))
}

// callSoonThreadsafe is CallSoonThreadsafe of a runner: the library's own
// hand-ins, which need no closure.
func (l *Loop) callSoonThreadsafe(r runner) error { return l.handIn(r, false) }

// handIn hands r (unless nil) to the loop and, if release, releases a hold,
// under one lock: how every other goroutine reaches the loop. It wakes the
// loop if the loop must look again: a callback came in, or the last hold
// went (the loop's verdict, can anything still wake it, changes only then).
func (l *Loop) handIn(r runner, release bool) error {
	l.mu.Lock()
	wake := false
	if release {
		l.holds--
		wake = l.holds == 0
	}
	var err error
	switch {
	case r == nil:
	case l.closedSafe:
		err = ErrClosed
	default:
		l.incoming = append(l.incoming, r)
		l.hasIncoming.Store(true)
		wake = true
	}
	l.mu.Unlock()
	if wake {
		l.signal()
	}
	return err
}

// Hold keeps the loop alive, as a referenced libuv handle does, until the
// returned release is called (once; later calls do nothing). Take a Hold before
// handing work to another goroutine that will report back through
// CallSoonThreadsafe, so that the loop waits for it instead of reporting a
// deadlock. Hold and release are safe from any goroutine.
func (l *Loop) Hold() (release func()) {
	l.hold()
	var once sync.Once
	return func() { once.Do(l.release) }
}

// hold and release are Hold without the function: for the library's own
// holds, each released exactly once.
func (l *Loop) hold() {
	l.mu.Lock()
	l.holds++
	l.mu.Unlock()
}

func (l *Loop) release() { l.handIn(nil, true) }

// signal wakes the loop if it waits idle.
func (l *Loop) signal() {
	if r := l.poller.Load(); r != nil {
		r.p.Wake()
		return
	}
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// drain moves the callbacks other goroutines handed in to the ready queue.
func (l *Loop) drain() {
	l.mu.Lock()
	l.drainLocked()
	l.mu.Unlock()
}

func (l *Loop) drainLocked() {
	for _, r := range l.incoming {
		l.callSoon(r)
	}
	clear(l.incoming)
	l.incoming = l.incoming[:0]
	l.hasIncoming.Store(false)
}

// runOnce runs one iteration: asyncio's _run_once. It reports false, having done
// nothing, when nothing can ever happen again: no callback ready, no timer, no
// hold.
func (l *Loop) runOnce() bool {
	if l.hasIncoming.Load() {
		l.drain()
	}
	if len(l.ready) == 0 {
		if !l.await() {
			return false
		}
	} else if r := l.poller.Load(); r != nil && r.p.Busy() {
		// asyncio's _run_once: poll without waiting, so that a loop with
		// work of its own still hears of I/O every iteration.
		r.p.Poll(0)
	}
	l.step()
	return true
}

// step moves the due timers to the ready queue and runs exactly the callbacks
// ready at that point.
func (l *Loop) step() {
	if len(l.timers.h) > 0 {
		now := l.elapsed()
		for t := l.timers.popDue(now); t != nil; t = l.timers.popDue(now) {
			l.callSoon(t)
		}
	}
	batch := l.ready
	l.ready = l.spare[:0]
	if l.sim != nil {
		l.sim.shuffle(batch)
	}
	if l.trace != nil {
		l.event("iteration", "now", l.elapsed(), "ready", len(batch))
	}
	for i, r := range batch {
		batch[i] = nil
		r.run()
	}
	l.spare = batch[:0]
}

// await waits until a callback is ready or a timer is due, and reports false if
// neither can ever happen. The verdict is taken under the lock that guards the
// incoming queue and the holds, after a last look at the queue: a goroutine
// that hands in a callback and then releases its Hold can never slip in
// between the look and the verdict. A loop with a poller arms it before that
// look, so that a wake-up after the look interrupts the poll.
func (l *Loop) await() bool {
	var p hook.Poller
	if r := l.poller.Load(); r != nil {
		p = r.p
	}
	for len(l.ready) == 0 {
		if p != nil {
			p.Arm()
		}
		l.mu.Lock()
		incoming := len(l.incoming) > 0
		if incoming {
			l.drainLocked()
		}
		holds := l.holds
		l.mu.Unlock()
		next, timer := l.timers.next()
		var d time.Duration = -1 // how long to wait: until woken
		switch {
		case incoming:
			return l.disarm(p, true)
		case !timer && holds == 0:
			return l.disarm(p, false)
		case l.virtual && holds == 0:
			l.vnow = max(l.vnow, next)
			return l.disarm(p, true)
		case timer:
			if d = next - l.elapsed(); d <= 0 {
				return l.disarm(p, true)
			}
		}
		if l.sleep(p, d) {
			if l.virtual {
				l.vnow = max(l.vnow, next)
			}
			return true
		}
	}
	return true
}

// disarm disarms p, if the loop has a poller, and returns ok: for await's
// ways out before it sleeps.
func (l *Loop) disarm(p hook.Poller, ok bool) bool {
	if p != nil {
		p.Disarm()
	}
	return ok
}

// sleep waits, for d at most (d < 0: until woken), in the poller if there is
// one, which runs the handlers of ready I/O, or on the wake channel; it moves
// what other goroutines handed in to the ready queue, and reports whether d
// ran out.
func (l *Loop) sleep(p hook.Poller, d time.Duration) (timedOut bool) {
	if p != nil {
		var began time.Time
		if d >= 0 {
			began = time.Now()
		}
		p.Poll(d)
		if l.hasIncoming.Load() {
			l.drain()
		}
		return d >= 0 && time.Since(began) >= d
	}
	if d < 0 {
		// Only another goroutine can end the wait: a plain receive,
		// cheaper than a select, on the path of every hand-in to an
		// idle loop.
		<-l.wake
		l.drain()
		return false
	}
	if l.idle == nil {
		l.idle = time.NewTimer(d)
	} else {
		l.idle.Reset(d)
	}
	select {
	case <-l.wake:
		l.idle.Stop()
		l.drain()
		return false
	case <-l.idle.C:
		return true
	}
}

// enter marks the loop running, or says why it cannot run.
func (l *Loop) enter() error {
	switch {
	case l.closed:
		return ErrClosed
	case l.running:
		return errRunning
	case nest.Inside():
		return errInsideLoop
	}
	l.running = true
	return nil
}

// RunOn runs the loop until c, run as a task on it, has finished, and returns
// c's results: asyncio's loop.run_until_complete. Other tasks stay on the loop
// as they are when c finishes, and go on at the next RunOn. If c waits and
// nothing can ever wake it, RunOn returns an error wrapping [ErrDeadlock] and c
// stays pending. A panic in any task comes out of RunOn as a panic with a
// [*PanicError]; the loop is then closed (every coroutine on it is closed, so
// nothing leaks).
//
// RunOn returns ErrClosed on a closed loop, and an error if the loop is already
// running or if called from inside a coroutine.
func RunOn[T any](l *Loop, c *coro.Coro[T]) (T, error) {
	var zero T
	if c == nil {
		panic("sched.RunOn: nil coroutine")
	}
	if err := l.enter(); err != nil {
		return zero, err
	}
	normal := false
	defer func() {
		l.running = false
		if !normal {
			l.abandon()
		}
	}()
	t := SpawnOn(l, c)
	if l.ctx != nil && l.ctx.Done() != nil {
		defer l.cancelOnDone(&t.task)()
	}
	for t.st != taskDone {
		if !l.runOnce() {
			normal = true
			return zero, l.deadlock(&t.task)
		}
	}
	// asyncio stops the loop from a done callback of the main task, so the
	// iteration after main finishes still runs: callbacks it scheduled (a task
	// it spawned last takes its first step) and timers due by then.
	l.runReady()
	normal = true
	r, err := t.Result()
	if t.cancelled && l.ctx != nil && l.ctx.Err() != nil {
		err = &contextError{err, context.Cause(l.ctx)}
	}
	return r, err
}

// cancelOnDone cancels main once the loop's context is done, holding the loop
// meanwhile; it returns the function that stops watching.
func (l *Loop) cancelOnDone(main *task) (stop func()) {
	release := l.Hold()
	stopWatch := context.AfterFunc(l.ctx, func() {
		l.CallSoonThreadsafe(func() {
			if !main.Done() {
				main.Cancel()
			}
		})
		release()
	})
	return func() {
		stopWatch()
		release()
	}
}

// contextError is the main task's cancellation by WithContext's context: it
// matches both the cancellation and the context's cause.
type contextError struct{ cancel, cause error }

func (e *contextError) Error() string   { return e.cancel.Error() + ": " + e.cause.Error() }
func (e *contextError) Unwrap() []error { return []error{e.cancel, e.cause} }

// runReady runs one iteration without waiting: the due timers, then the
// callbacks ready.
func (l *Loop) runReady() {
	if l.hasIncoming.Load() {
		l.drain()
	}
	if len(l.ready) > 0 || len(l.timers.h) > 0 {
		l.step()
	}
}

// Run runs c as the main task of a new loop and returns its results:
// asyncio.run. When main returns, Run cancels the tasks still pending and lets
// them finish, closes the async generators left unfinished, and closes the loop.
// Run returns an error wrapping [ErrDeadlock] if main waits and nothing can ever
// wake it. A panic in any task comes out of Run as a panic with a [*PanicError].
// Run returns an error if called from inside a coroutine (await c instead).
func Run[T any](c *coro.Coro[T], opts ...Option) (T, error) {
	l := NewLoop(opts...)
	defer l.Close()
	r, err := RunOn(l, c)
	if !l.closed {
		l.shutdown()
	}
	return r, err
}

// shutdown is asyncio.run's ending (Lib/asyncio/runners.py), iteration for
// iteration: cancel the tasks pending when main returned and run the loop until
// they are done (run_until_complete of their gather: one iteration for the
// gather to see the last one finish, one for the loop to stop), report those
// that failed, then shut down async generators and wait for ToThread calls,
// each a run_until_complete of a task of its own. A task created meanwhile runs
// only in those iterations; Close then closes it.
func (l *Loop) shutdown() {
	l.running = true
	normal := false
	defer func() {
		l.running = false
		if !normal {
			l.abandon()
		}
	}()
	if pending := l.tasks.all(); len(pending) > 0 {
		for _, t := range pending {
			t.Cancel()
		}
		left := len(pending)
		gathered := callback(func() { left-- })
		for _, t := range pending {
			t.addRunner(gathered)
		}
		for left > 0 && l.runOnce() {
		}
		l.runReady() // the gather's done callback stops the loop
		for _, t := range pending {
			// Reported whether or not anyone asked, as asyncio.run reports
			// "unhandled exception during asyncio.run() shutdown".
			if t.st == taskDone && !t.cancelled && t.err != nil {
				t.retrieved = true
				l.onUnhandled(t.Name(), fmt.Errorf("during shutdown: %w", t.err))
			}
		}
	}
	l.runUntilComplete("shutdown_asyncgens", len(l.asyncgens) > 0, l.shutdownAsyncGens)
	l.runUntilComplete("shutdown_default_executor", l.threads > 0, func(co *coro.Co) error {
		for l.threads > 0 {
			// ToThread calls still running, whose tasks were cancelled:
			// shutdown_default_executor joins the executor's threads.
			w := NewFutureOn[struct{}](l)
			l.threadsIdle = append(l.threadsIdle, w)
			if _, err := w.Await(co); err != nil {
				return err
			}
		}
		return nil
	})
	normal = true
}

// runUntilComplete is loop.run_until_complete of body run as a task named
// name: it runs the loop until the task is done, then one more iteration, in
// which asyncio's done callback stops the loop. When there is nothing to do the
// task would return at its first step: the loop just runs those two iterations.
func (l *Loop) runUntilComplete(name string, needed bool, body func(co *coro.Co) error) {
	if !needed {
		l.runReady()
		l.runReady()
		return
	}
	t := spawn(l, "sched.Run", name, coro.New(func(co *coro.Co) (struct{}, error) {
		return struct{}{}, body(co)
	}))
	for t.st != taskDone && l.runOnce() {
	}
	l.runReady()
	if _, err := t.Result(); err != nil && !errors.Is(err, context.Canceled) {
		l.onUnhandled(t.Name(), err)
	}
}

// Close closes the loop: the coroutines of tasks still pending are closed (their
// pending awaits return gen.ErrGeneratorExit, their deferred calls run), errors
// nobody retrieved are reported, and later CallSoonThreadsafe calls return
// ErrClosed. Close of a closed loop does nothing; Close of a running loop
// returns an error.
func (l *Loop) Close() error {
	if l.running {
		return errRunning
	}
	if l.closed {
		return nil
	}
	l.abandon()
	return nil
}

// abandon closes every live task's coroutine and the loop itself, after a
// panic or on Close: nothing is left suspended.
func (l *Loop) abandon() {
	l.mu.Lock()
	l.closedSafe = true
	l.mu.Unlock()
	select {
	case <-l.stop:
	default:
		close(l.stop) // idle goroutines of the pool exit
	}
	// The coroutines' deferred calls run now; what they schedule never runs.
	for _, t := range l.tasks.all() {
		t.abandon()
	}
	// No loop can run their cleanup any more: it may not await.
	for _, g := range l.unregisterAsyncGens() {
		g.Close()
	}
	if r := l.poller.Load(); r != nil {
		r.p.Close()
	}
	l.closed = true
	if l.idle != nil {
		l.idle.Stop()
	}
	for _, t := range l.failed {
		if !t.retrieved && !t.cancelled {
			t.retrieved = true
			l.onUnhandled(t.Name(), t.err)
		}
	}
	l.failed = nil
	l.ready, l.spare, l.timers = nil, nil, timerHeap{}
}

// shutdownAsyncGens is asyncio's shutdown_asyncgens: every async generator
// left unfinished is closed by a task of its own, concurrently, and their
// failures are reported.
func (l *Loop) shutdownAsyncGens(co *coro.Co) error {
	if len(l.asyncgens) == 0 {
		return nil
	}
	closers := make([]coro.Awaitable[struct{}], 0, len(l.asyncgens))
	for _, g := range l.unregisterAsyncGens() {
		closers = append(closers, coro.New(func(co *coro.Co) (struct{}, error) {
			return struct{}{}, g.AClose(co)
		}))
	}
	_, errs, err := GatherAll(co, closers...)
	for _, e := range errs {
		if e != nil && !errors.Is(e, context.Canceled) {
			l.onUnhandled("shutdown_asyncgens", fmt.Errorf("closing an async generator: %w", e))
		}
	}
	return err
}

// unregisterAsyncGens forgets and returns the async generators left
// unfinished, in the order they started (asyncio keeps them in a WeakSet, in
// no particular order; a fixed one keeps runs reproducible).
func (l *Loop) unregisterAsyncGens() []hook.AsyncGen {
	gens := make([]hook.AsyncGen, 0, len(l.asyncgens))
	for g := range l.asyncgens {
		gens = append(gens, g)
	}
	slices.SortFunc(gens, func(a, b hook.AsyncGen) int { return cmp.Compare(l.asyncgens[a], l.asyncgens[b]) })
	clear(l.asyncgens)
	return gens
}

// noteFailed keeps a failed task, to report at Close unless its result is
// asked for meanwhile. The ones asked for are dropped whenever the list has
// doubled, so that a loop that runs for days (a server whose handlers fail
// now and then, each failure handled) does not keep every task that ever
// failed.
func (l *Loop) noteFailed(t *task) {
	if len(l.failed) >= l.pruneAt {
		l.failed = slices.DeleteFunc(l.failed, func(t *task) bool { return t.retrieved || t.cancelled })
		l.pruneAt = max(64, 2*len(l.failed))
	}
	l.failed = append(l.failed, t)
}

// deadlock builds the error for a main task that can never finish.
func (l *Loop) deadlock(main *task) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: main task %s waits and nothing can wake it (no callback ready, no timer pending, no hold)", ErrDeadlock, main.Name())
	l.describe(&b, "\n\t")
	return &deadlockError{msg: b.String()}
}

type deadlockError struct{ msg string }

func (e *deadlockError) Error() string { return e.msg }
func (e *deadlockError) Unwrap() error { return ErrDeadlock }
