package difftest

import (
	"fmt"
	"strings"
)

// Python returns the program as Python source for driver.py, which provides
// L, R, WR, A, E, T, TG, wait_for, as_completed and the queue classes.
func Python(p *Prog) string {
	w := &pyWriter{}
	w.line(0, "# seed %d", p.Seed)
	var qs []string
	for _, q := range p.Queues {
		qs = append(qs, fmt.Sprintf("%s(%d)", [...]string{"Queue", "LifoQueue", "PriorityQueue"}[q.Kind], q.Maxsize))
	}
	w.line(0, "Q = [%s]", strings.Join(qs, ", "))
	w.line(0, "LK = [%s]", repeat("asyncio.Lock()", p.Locks))
	w.line(0, "EV = [%s]", repeat("asyncio.Event()", p.Events))
	var sems, bars []string
	for _, n := range p.Sems {
		sems = append(sems, fmt.Sprintf("asyncio.Semaphore(%d)", n))
	}
	for _, n := range p.Barriers {
		bars = append(bars, fmt.Sprintf("asyncio.Barrier(%d)", n))
	}
	w.line(0, "SM = [%s]", strings.Join(sems, ", "))
	w.line(0, "CV = [%s]", repeat("asyncio.Condition()", p.Conds))
	w.line(0, "BR = [%s]", strings.Join(bars, ", "))
	var fns []*Fn
	collectFns(p.Main.Body, &fns)
	for _, f := range fns {
		w.fn(fnName(f), f)
	}
	w.fn("main", p.Main)
	return strings.Replace(w.b.String(), "L(\"main\", 'start')\n", fmt.Sprintf("L(\"main\", 'start')\n    WATCHDOG(%d)\n", p.Watchdog), 1)
}

func repeat(s string, n int) string {
	return strings.TrimSuffix(strings.Repeat(s+", ", n), ", ")
}

func fnName(f *Fn) string {
	if f.ID == 0 {
		return "main"
	}
	return fmt.Sprintf("f%d", f.ID)
}

// collectFns lists every function defined under b, depth first.
func collectFns(b []*Stmt, out *[]*Fn) {
	for _, s := range b {
		if s.Fn != nil {
			*out = append(*out, s.Fn)
			collectFns(s.Fn.Body, out)
		}
		for _, a := range s.Args {
			if a.Fn != nil {
				*out = append(*out, a.Fn)
				collectFns(a.Fn.Body, out)
			}
		}
		collectFns(s.Body, out)
		collectFns(s.Handler, out)
		collectFns(s.Finally, out)
	}
}

type pyWriter struct{ b strings.Builder }

func (w *pyWriter) line(ind int, format string, args ...any) {
	w.b.WriteString(strings.Repeat("    ", ind))
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

func (w *pyWriter) fn(name string, f *Fn) {
	w.line(0, "async def %s():", name)
	w.line(1, "L(%q, 'start')", name)
	w.block(1, name, f.Body)
	w.line(1, "return -1 # falling off the end (a shrunk program); Go's call returns -1 too")
}

func (w *pyWriter) block(ind int, fn string, b []*Stmt) {
	if len(b) == 0 {
		w.line(ind, "pass")
	}
	for _, s := range b {
		w.stmt(ind, fn, s)
	}
}

func pyArg(a Arg) string {
	if a.Fn != nil {
		return fnName(a.Fn) + "()"
	}
	return fmt.Sprintf("T.get(%d)", a.Task)
}

func pyArgs(as []Arg) string {
	var s []string
	for _, a := range as {
		s = append(s, pyArg(a))
	}
	return strings.Join(s, ", ")
}

// hasExcept reports whether an OpTry has an except clause: always, unless it
// is a bare try/finally.
func hasExcept(s *Stmt) bool { return s.Handler != nil || s.Flag || s.Finally == nil }

var pyCatch = [...]string{"asyncio.CancelledError", "Exception", "TimeoutError", "(Exception, asyncio.CancelledError)"}

var pyWhen = [...]string{"asyncio.ALL_COMPLETED", "asyncio.FIRST_COMPLETED", "asyncio.FIRST_EXCEPTION"}

func pyTimeout(n int64) string {
	if n <= 0 {
		return "None"
	}
	return fmt.Sprint(n)
}

func (w *pyWriter) stmt(ind int, fn string, s *Stmt) {
	q := func(format string, args ...any) string {
		return fmt.Sprintf("L(%q, "+format+")", append([]any{fn}, args...)...)
	}
	id := s.ID
	switch s.Op {
	case OpLog:
		w.line(ind, "%s", q("'s%d'", id))
	case OpSleep:
		w.line(ind, "await asyncio.sleep(%d)", s.N)
		w.line(ind, "%s", q("'s%d slept'", id))
	case OpSpawn:
		w.line(ind, "T[%d] = asyncio.create_task(%s(), name='t%d')", s.K, fnName(s.Fn), s.K)
	case OpAwait:
		w.line(ind, "if %d in T: %s", s.K, q("f's%d await {R(await T[%d])}'", id, s.K))
		w.line(ind, "else: %s", q("'s%d none'", id))
	case OpCancel:
		w.line(ind, "if %d in T: %s", s.K, q("f's%d cancel {T[%d].cancel()}'", id, s.K))
		w.line(ind, "else: %s", q("'s%d none'", id))
	case OpCancelSelf:
		w.line(ind, "asyncio.current_task().cancel()")
		w.line(ind, "%s", q("'s%d selfcancel'", id))
	case OpUncancel:
		w.line(ind, "%s", q("f's%d uncancel {asyncio.current_task().uncancel()}'", id))
	case OpCancelling:
		w.line(ind, "%s", q("f's%d cancelling {asyncio.current_task().cancelling()}'", id))
	case OpReturn:
		w.line(ind, "return %d", s.N)
	case OpRaise:
		w.line(ind, "raise E(%d)", s.N)
	case OpTry:
		w.line(ind, "try:")
		w.block(ind+1, fn, s.Body)
		if hasExcept(s) {
			w.line(ind, "except %s as e%d:", pyCatch[s.Catch], id)
			w.line(ind+1, "%s", q("'s%d caught ' + R(e%d)", id, id))
			for _, h := range s.Handler {
				w.stmt(ind+1, fn, h)
			}
			if s.Flag {
				w.line(ind+1, "raise")
			}
		}
		if s.Finally != nil {
			w.line(ind, "finally:")
			w.line(ind+1, "%s", q("'s%d finally'", id))
			for _, f := range s.Finally {
				w.stmt(ind+1, fn, f)
			}
		}
	case OpGather:
		w.line(ind, "%s", q("'s%d gather ' + R(await asyncio.gather(*A(%s), return_exceptions=%s))", id, pyArgs(s.Args), pyBool(s.Flag)))
	case OpWait:
		w.line(ind, "ts%d = A(%s)", id, pyArgs(s.Args))
		w.line(ind, "if ts%d: %s", id, q("'s%d wait ' + WR(*(await asyncio.wait(ts%d, return_when=%s, timeout=%s)))", id, id, pyWhen[s.When], pyTimeout(s.N)))
		w.line(ind, "else: %s", q("'s%d wait empty'", id))
	case OpWaitFor, OpShield:
		call := func(aw string) string {
			if s.Op == OpShield {
				return fmt.Sprintf("f's%d shield {R(await asyncio.shield(%s))}'", id, aw)
			}
			return fmt.Sprintf("f's%d waitfor {R(await wait_for(%s, %d))}'", id, aw, s.N)
		}
		if a := s.Args[0]; a.Fn == nil {
			w.line(ind, "if %d in T: %s", a.Task, q("%s", call(fmt.Sprintf("T[%d]", a.Task))))
			w.line(ind, "else: %s", q("'s%d none'", id))
		} else {
			w.line(ind, "%s", q("%s", call(fnName(a.Fn)+"()")))
		}
	case OpTimeout:
		w.line(ind, "async with asyncio.timeout(%d):", s.N)
		w.block(ind+1, fn, s.Body)
		w.line(ind, "%s", q("'s%d timeout ok'", id))
	case OpAsCompleted:
		w.line(ind, "for c%d in as_completed(A(%s)):", id, pyArgs(s.Args))
		w.line(ind+1, "try: r%d = await c%d", id, id)
		w.line(ind+1, "except Exception as x%d: r%d = x%d", id, id, id)
		w.line(ind+1, "%s", q("'s%d asc ' + R(r%d)", id, id))
	case OpGroup:
		w.line(ind, "async with TG() as g%d:", id)
		w.block(ind+1, fn, s.Body)
		w.line(ind, "%s", q("'s%d group ok'", id))
	case OpGSpawn:
		w.line(ind, "g%d.create_task(%s())", s.K, fnName(s.Fn))
	case OpQPut:
		w.line(ind, "await Q[%d].put(%d)", s.K, s.N)
		w.line(ind, "%s", q("'s%d put'", id))
	case OpQGet:
		w.line(ind, "%s", q("f's%d get {R(await Q[%d].get())}'", id, s.K))
	case OpQPutNowait:
		w.line(ind, "Q[%d].put_nowait(%d)", s.K, s.N)
		w.line(ind, "%s", q("'s%d putnw'", id))
	case OpQGetNowait:
		w.line(ind, "%s", q("f's%d getnw {R(Q[%d].get_nowait())}'", id, s.K))
	case OpQTaskDone:
		w.line(ind, "Q[%d].task_done()", s.K)
		w.line(ind, "%s", q("'s%d taskdone'", id))
	case OpQJoin:
		w.line(ind, "await Q[%d].join()", s.K)
		w.line(ind, "%s", q("'s%d joined'", id))
	case OpQShutdown:
		w.line(ind, "Q[%d].shutdown(immediate=%s)", s.K, pyBool(s.Flag))
		w.line(ind, "%s", q("'s%d shutdown'", id))
	case OpLock, OpSem, OpCond:
		v := map[Op]string{OpLock: "LK", OpSem: "SM", OpCond: "CV"}[s.Op]
		w.line(ind, "async with %s[%d]:", v, s.K)
		w.line(ind+1, "%s", q("'s%d acquired'", id))
		for _, b := range s.Body {
			w.stmt(ind+1, fn, b)
		}
	case OpEvSet:
		w.line(ind, "EV[%d].set()", s.K)
		w.line(ind, "%s", q("'s%d set'", id))
	case OpEvClear:
		w.line(ind, "EV[%d].clear()", s.K)
		w.line(ind, "%s", q("'s%d clear'", id))
	case OpEvWait:
		w.line(ind, "await EV[%d].wait()", s.K)
		w.line(ind, "%s", q("'s%d evwait'", id))
	case OpSemRelease:
		w.line(ind, "SM[%d].release()", s.K)
		w.line(ind, "%s", q("'s%d released'", id))
	case OpCondWait:
		w.line(ind, "await CV[%d].wait()", s.K)
		w.line(ind, "%s", q("'s%d cwait'", id))
	case OpCondNotify:
		w.line(ind, "CV[%d].notify(%d)", s.K, s.N)
		w.line(ind, "%s", q("'s%d notify'", id))
	case OpCondNotifyAll:
		w.line(ind, "CV[%d].notify_all()", s.K)
		w.line(ind, "%s", q("'s%d notifyall'", id))
	case OpBarrier:
		w.line(ind, "%s", q("f's%d barrier {await BR[%d].wait()}'", id, s.K))
	case OpBarrierAbort:
		w.line(ind, "await BR[%d].abort()", s.K)
		w.line(ind, "%s", q("'s%d abort'", id))
	case OpRepeat:
		w.line(ind, "for _ in range(%d):", s.N)
		w.block(ind+1, fn, s.Body)
	default:
		panic("difftest: no Python for " + s.Op.String())
	}
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
