package difftest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/sched"
)

// Result is what one side made of a program: its trace, and where in it main's
// body ended (what follows is asyncio.run's shutdown, and main's outcome).
type Result struct {
	Lines   []string
	MainEnd int  // len(Lines) when main's body returned or raised; -1 if it never did
	Dead    bool // main deadlocked (asyncio hangs, sched reports it): only a prefix is compared
	// DeadShutdown is CPython's only: asyncio.run's shutdown hung (a cancelled
	// task waits for what will never come; sched ends the shutdown there).
	DeadShutdown bool
}

// The errors a program raises, as Python sees them.

// EError is "E(n)", the program's own exception.
type EError struct{ N int64 }

func (e *EError) Error() string { return "E" + strconv.FormatInt(e.N, 10) }

// GroupError is a TaskGroup's ExceptionGroup. It does not unwrap: like an
// ExceptionGroup, it is not a cancellation or a timeout even if it holds one.
type GroupError struct{ Errs []error }

func (e *GroupError) Error() string { return render(e) }

// pyError is an exception with no Go counterpart but a name: RuntimeError for
// TaskGroup.create_task on a finished or shutting-down group, ValueError for a
// task_done too many.
type pyError string

func (e pyError) Error() string { return string(e) }

func isCancel(err error) bool {
	switch err.(type) {
	case *GroupError, *EError:
		return false
	}
	return errors.Is(err, context.Canceled)
}

func isGenExit(err error) bool { return errors.Is(err, gen.ErrGeneratorExit) }

// render is driver.py's R for an error.
func render(err error) string {
	switch e := err.(type) {
	case *EError:
		return e.Error()
	case *GroupError:
		var s []string
		for _, x := range e.Errs {
			s = append(s, render(x))
		}
		return "EG[" + strings.Join(s, ",") + "]"
	case pyError:
		return string(e)
	}
	switch {
	case isCancel(err):
		return "Cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return "Timeout"
	case errors.Is(err, sched.ErrQueueEmpty):
		return "QueueEmpty"
	case errors.Is(err, sched.ErrQueueFull):
		return "QueueFull"
	case errors.Is(err, sched.ErrQueueShutdown):
		return "QueueShutDown"
	case errors.Is(err, sched.ErrBrokenBarrier):
		return "BrokenBarrier"
	}
	return "?" + err.Error()
}

func catches(c Catch, err error) bool {
	if isGenExit(err) {
		return false
	}
	switch c {
	case CatchCancel:
		return isCancel(err)
	case CatchException:
		return !isCancel(err)
	case CatchTimeout:
		_, group := err.(*GroupError)
		return !group && errors.Is(err, context.DeadlineExceeded)
	}
	return true
}

// interp runs one program on sched.
type interp struct {
	p     *Prog
	loop  *sched.Loop
	res   Result
	dying bool // a coroutine was closed: the loop is being abandoned

	tasks    map[int]*sched.Task[int]
	queues   []*sched.Queue[int]
	locks    []*sched.Lock
	events   []*sched.Event
	sems     []*sched.Semaphore
	conds    []*sched.Condition
	barriers []*sched.Barrier
	groups   map[groupKey][]*sched.Group
}

// Interpret runs p on sched.Run with a virtual clock and returns its trace.
func Interpret(p *Prog) Result {
	in := &interp{p: p, tasks: map[int]*sched.Task[int]{}}
	in.res.MainEnd = -1
	for _, q := range p.Queues {
		switch q.Kind {
		case FIFO:
			in.queues = append(in.queues, sched.NewQueue[int](q.Maxsize))
		case LIFO:
			in.queues = append(in.queues, sched.NewLifoQueue[int](q.Maxsize))
		default:
			in.queues = append(in.queues, sched.NewPriorityQueue(q.Maxsize, func(a, b int) bool { return a < b }))
		}
	}
	for range p.Locks {
		in.locks = append(in.locks, &sched.Lock{})
	}
	for range p.Events {
		in.events = append(in.events, &sched.Event{})
	}
	for _, n := range p.Sems {
		in.sems = append(in.sems, sched.NewSemaphore(n))
	}
	for range p.Conds {
		in.conds = append(in.conds, sched.NewCondition(nil))
	}
	for _, n := range p.Barriers {
		in.barriers = append(in.barriers, sched.NewBarrier(n))
	}
	main := coro.New(func(co *coro.Co) (int, error) {
		in.loop = sched.LoopOf(co)
		v, err := in.call(co, p.Main)
		in.res.MainEnd = len(in.res.Lines)
		return v, err
	})
	v, err := sched.Run(main, sched.VirtualTime(), sched.OnUnhandledError(in.unhandled))
	in.dying = false
	switch {
	case errors.Is(err, sched.ErrDeadlock):
		in.res.Dead = true
		in.raw("DEADLOCK")
	case err != nil:
		in.raw("main: raised " + render(err))
	default:
		in.raw("main: result " + strconv.Itoa(v))
	}
	return in.res
}

// unhandled logs asyncio.run's "unhandled exception during asyncio.run()
// shutdown"; the other reports (never-retrieved exceptions) depend on Python's
// garbage collector, so neither side logs them.
func (in *interp) unhandled(task string, err error) {
	const prefix = "during shutdown: "
	if !strings.HasPrefix(err.Error(), prefix) {
		return
	}
	if u := errors.Unwrap(err); u != nil {
		err = u
	}
	if len(task) < 2 || task[0] != 't' {
		task = "?"
	}
	in.raw(fmt.Sprintf("shutdown-error %s %s", task, render(err)))
}

func (in *interp) now() int64 {
	if in.loop == nil {
		return 0
	}
	return int64(in.loop.Now().Sub(time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)))
}

func (in *interp) raw(s string) {
	in.res.Lines = append(in.res.Lines, fmt.Sprintf("t=%d %s", in.now(), s))
}

func (in *interp) log(fn, msg string) {
	if in.dying {
		return
	}
	in.raw(fn + ": " + msg)
}

// call runs f's body inline on co: awaiting the coroutine f().
func (in *interp) call(co *coro.Co, f *Fn) (int, error) {
	name := fnName(f)
	in.log(name, "start")
	if f.ID == 0 && in.p.Watchdog > 0 {
		me := sched.Current(co)
		sched.SpawnNamed(co, "watchdog", coro.New(func(co *coro.Co) (int, error) {
			if err := sched.Sleep(co, time.Duration(in.p.Watchdog)); err != nil {
				return 0, err
			}
			in.log("watchdog", "cancel main "+pyBool(me.Cancel()))
			return 0, nil
		}))
	}
	ret, v, err := in.block(co, name, f.Body)
	if err != nil {
		return 0, err
	}
	if !ret {
		// Every generated function ends in return or raise; one shrunk by the
		// minimiser may not, and falls off its end as Python's returns None.
		return -1, nil
	}
	return v, nil
}

func (in *interp) coro(f *Fn) *coro.Coro[int] {
	return coro.New(func(co *coro.Co) (int, error) { return in.call(co, f) })
}

// block runs statements; ret reports a return statement, with its value.
func (in *interp) block(co *coro.Co, fn string, b []*Stmt) (ret bool, v int, err error) {
	for _, s := range b {
		if ret, v, err = in.stmt(co, fn, s); ret || err != nil {
			if isGenExit(err) {
				in.dying = true
			}
			return ret, v, err
		}
	}
	return false, 0, nil
}

func (in *interp) task(k int) (*sched.Task[int], bool) {
	t, ok := in.tasks[k]
	return t, ok
}

// awaitables returns the arguments that exist (A(...) in Python drops tasks not
// spawned yet).
func (in *interp) awaitables(as []Arg) []coro.Awaitable[int] {
	var aws []coro.Awaitable[int]
	for _, a := range as {
		if a.Fn != nil {
			aws = append(aws, in.coro(a.Fn))
		} else if t, ok := in.task(a.Task); ok {
			aws = append(aws, t)
		}
	}
	return aws
}

func (in *interp) taskArgs(as []Arg) []*sched.Task[int] {
	var ts []*sched.Task[int]
	for _, a := range as {
		if t, ok := in.task(a.Task); ok {
			ts = append(ts, t)
		}
	}
	return ts
}

func renderInts(vs []string) string { return "[" + strings.Join(vs, ", ") + "]" }

// renderTasks is driver.py's WR half: task names sorted by index.
func renderTasks(ts []*sched.Task[int]) string {
	var ns []int
	for _, t := range ts {
		n, _ := strconv.Atoi(strings.TrimPrefix(t.Name(), "t"))
		ns = append(ns, n)
	}
	slices.Sort(ns)
	var s []string
	for _, n := range ns {
		s = append(s, "t"+strconv.Itoa(n))
	}
	return "[" + strings.Join(s, ",") + "]"
}

var whens = [...]sched.ReturnWhen{sched.AllCompleted, sched.FirstCompleted, sched.FirstException}

func (in *interp) stmt(co *coro.Co, fn string, s *Stmt) (ret bool, v int, err error) {
	sid := "s" + strconv.Itoa(s.ID)
	log := func(format string, args ...any) { in.log(fn, sid+fmt.Sprintf(format, args...)) }
	switch s.Op {
	case OpLog:
		log("")
	case OpSleep:
		if err := sched.Sleep(co, time.Duration(s.N)); err != nil {
			return false, 0, err
		}
		log(" slept")
	case OpSpawn:
		in.tasks[s.K] = sched.SpawnNamed(co, "t"+strconv.Itoa(s.K), in.coro(s.Fn))
	case OpAwait:
		t, ok := in.task(s.K)
		if !ok {
			log(" none")
			break
		}
		r, err := t.Await(co)
		if err != nil {
			return false, 0, err
		}
		log(" await %d", r)
	case OpCancel:
		t, ok := in.task(s.K)
		if !ok {
			log(" none")
			break
		}
		log(" cancel %s", pyBool(t.Cancel()))
	case OpCancelSelf:
		sched.Current(co).Cancel()
		log(" selfcancel")
	case OpUncancel:
		log(" uncancel %d", sched.Current(co).Uncancel())
	case OpCancelling:
		log(" cancelling %d", sched.Current(co).Cancelling())
	case OpReturn:
		return true, int(s.N), nil
	case OpRaise:
		return false, 0, &EError{s.N}
	case OpTry:
		return in.try(co, fn, s)
	case OpGather:
		aws := in.awaitables(s.Args)
		var out []string
		if s.Flag {
			rs, errs, err := sched.GatherAll(co, aws...)
			if err != nil {
				return false, 0, err
			}
			for i := range rs {
				if errs[i] != nil {
					out = append(out, render(errs[i]))
				} else {
					out = append(out, strconv.Itoa(rs[i]))
				}
			}
		} else {
			rs, err := sched.Gather(co, aws...)
			if err != nil {
				return false, 0, err
			}
			for _, r := range rs {
				out = append(out, strconv.Itoa(r))
			}
		}
		log(" gather %s", renderInts(out))
	case OpWait:
		ts := in.taskArgs(s.Args)
		if len(ts) == 0 {
			log(" wait empty")
			break
		}
		done, pending, err := sched.Wait(co, ts, whens[s.When], time.Duration(max(s.N, 0)))
		if err != nil {
			return false, 0, err
		}
		log(" wait done=%s pending=%s", renderTasks(done), renderTasks(pending))
	case OpWaitFor, OpShield:
		aws := in.awaitables(s.Args)
		if len(aws) == 0 {
			log(" none")
			break
		}
		var r int
		var err error
		what := " shield"
		if s.Op == OpShield {
			r, err = sched.Shield(co, aws[0])
		} else {
			what = " waitfor"
			r, err = sched.WaitFor(co, aws[0], time.Duration(s.N))
		}
		if err != nil {
			return false, 0, err
		}
		log("%s %d", what, r)
	case OpTimeout:
		var ret bool
		var v int
		err := sched.WithTimeout(co, time.Duration(s.N), func(co *coro.Co) error {
			var err error
			ret, v, err = in.block(co, fn, s.Body)
			return err
		})
		if err != nil || ret {
			return ret, v, err
		}
		log(" timeout ok")
	case OpAsCompleted:
		for r, err := range sched.AsCompleted(co, in.taskArgs(s.Args)) {
			if err != nil && (isCancel(err) || isGenExit(err)) {
				return false, 0, err
			}
			if err != nil {
				log(" asc %s", render(err))
			} else {
				log(" asc %d", r)
			}
		}
	case OpGroup:
		return in.group(co, fn, s)
	case OpGSpawn:
		return false, 0, in.gspawn(co, s)
	case OpQPut:
		if err := in.queues[s.K].Put(co, int(s.N)); err != nil {
			return false, 0, err
		}
		log(" put")
	case OpQGet:
		r, err := in.queues[s.K].Get(co)
		if err != nil {
			return false, 0, err
		}
		log(" get %d", r)
	case OpQPutNowait:
		if err := in.queues[s.K].PutNowait(int(s.N)); err != nil {
			return false, 0, err
		}
		log(" putnw")
	case OpQGetNowait:
		r, err := in.queues[s.K].GetNowait()
		if err != nil {
			return false, 0, err
		}
		log(" getnw %d", r)
	case OpQTaskDone:
		if err := in.queues[s.K].TaskDone(); err != nil {
			return false, 0, pyError("ValueError")
		}
		log(" taskdone")
	case OpQJoin:
		if err := in.queues[s.K].Join(co); err != nil {
			return false, 0, err
		}
		log(" joined")
	case OpQShutdown:
		in.queues[s.K].Shutdown(s.Flag)
		log(" shutdown")
	case OpLock, OpSem, OpCond:
		var acquire func(*coro.Co) error
		var release func()
		switch s.Op {
		case OpLock:
			acquire, release = in.locks[s.K].Acquire, in.locks[s.K].Release
		case OpSem:
			acquire, release = in.sems[s.K].Acquire, in.sems[s.K].Release
		default:
			acquire, release = in.conds[s.K].Acquire, in.conds[s.K].Release
		}
		if err := acquire(co); err != nil {
			return false, 0, err
		}
		log(" acquired")
		ret, v, err := in.block(co, fn, s.Body)
		if !isGenExit(err) {
			release()
		}
		return ret, v, err
	case OpEvSet:
		in.events[s.K].Set()
		log(" set")
	case OpEvClear:
		in.events[s.K].Clear()
		log(" clear")
	case OpEvWait:
		if err := in.events[s.K].Wait(co); err != nil {
			return false, 0, err
		}
		log(" evwait")
	case OpSemRelease:
		in.sems[s.K].Release()
		log(" released")
	case OpCondWait:
		if err := in.conds[s.K].Wait(co); err != nil {
			return false, 0, err
		}
		log(" cwait")
	case OpCondNotify:
		in.conds[s.K].Notify(int(s.N))
		log(" notify")
	case OpCondNotifyAll:
		in.conds[s.K].NotifyAll()
		log(" notifyall")
	case OpBarrier:
		i, err := in.barriers[s.K].Wait(co)
		if err != nil {
			return false, 0, err
		}
		log(" barrier %d", i)
	case OpBarrierAbort:
		in.barriers[s.K].Abort()
		log(" abort")
	case OpRepeat:
		for range s.N {
			if ret, v, err := in.block(co, fn, s.Body); ret || err != nil {
				return ret, v, err
			}
		}
	default:
		panic("difftest: cannot interpret " + s.Op.String())
	}
	return false, 0, nil
}

// try is Python's try/except/finally.
func (in *interp) try(co *coro.Co, fn string, s *Stmt) (ret bool, v int, err error) {
	ret, v, err = in.block(co, fn, s.Body)
	if isGenExit(err) {
		return ret, v, err
	}
	if err != nil && hasExcept(s) && catches(s.Catch, err) {
		in.log(fn, fmt.Sprintf("s%d caught %s", s.ID, render(err)))
		caught := err
		ret, v, err = in.block(co, fn, s.Handler)
		if err == nil && !ret && s.Flag {
			err = caught
		}
	}
	if s.Finally != nil && !isGenExit(err) {
		in.log(fn, fmt.Sprintf("s%d finally", s.ID))
		// A return or an exception in finally replaces what was going on.
		fret, fv, ferr := in.block(co, fn, s.Finally)
		if fret || ferr != nil {
			return fret, fv, ferr
		}
	}
	return ret, v, err
}

// groups maps an OpGroup's ID to its group while its body runs. IDs are unique
// per program but a group statement can run in several tasks at once (in a
// function spawned twice), so the map is per task: keyed by the task too.
type groupKey struct {
	task sched.TaskInfo
	id   int
}

func (in *interp) group(co *coro.Co, fn string, s *Stmt) (ret bool, v int, err error) {
	g := sched.NewGroup(co)
	key := groupKey{sched.Current(co), s.ID}
	if in.groups == nil {
		in.groups = map[groupKey][]*sched.Group{}
	}
	in.groups[key] = append(in.groups[key], g)
	ret, v, err = in.block(co, fn, s.Body)
	in.groups[key] = in.groups[key][:len(in.groups[key])-1]
	if isGenExit(err) {
		return ret, v, err
	}
	if err = groupExit(co, g, err); err != nil {
		return false, 0, err
	}
	if ret {
		return ret, v, nil
	}
	in.log(fn, fmt.Sprintf("s%d group ok", s.ID))
	return false, 0, nil
}

// groupExit is "async with TaskGroup()"'s __aexit__ with the body's outcome:
// bodyErr nil if the body ended normally (or returned). This is the one place
// that knows how sched.Group is told how its body ended.
func groupExit(co *coro.Co, g *sched.Group, bodyErr error) error {
	err := g.Exit(co, bodyErr)
	if err == nil || isCancel(err) {
		return err
	}
	return &GroupError{splitJoin(err)}
}

func splitJoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func (in *interp) gspawn(co *coro.Co, s *Stmt) (err error) {
	// The innermost running group of that statement in this task.
	gs := in.groups[groupKey{sched.Current(co), s.K}]
	if len(gs) == 0 {
		panic("difftest: OpGSpawn outside its group")
	}
	g := gs[len(gs)-1]
	defer func() {
		if r := recover(); r != nil {
			msg, _ := r.(string)
			if !strings.HasPrefix(msg, "sched.Group.Spawn") {
				panic(r)
			}
			err = pyError("RuntimeError")
		}
	}()
	g.Spawn(func(co *coro.Co) error {
		_, err := in.call(co, s.Fn)
		return err
	})
	return nil
}
