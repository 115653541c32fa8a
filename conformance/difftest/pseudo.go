package difftest

import (
	"fmt"
	"strings"
)

// GoPseudo returns the program as Go-ish pseudo code: the sched calls the
// interpreter makes for each statement, for writing a regression test by hand.
// log(...) appends a trace line; T[k] are the spawned tasks; errors propagate
// as Python's exceptions do unless a statement says otherwise.
func GoPseudo(p *Prog) string {
	w := &goWriter{}
	for i, q := range p.Queues {
		w.line(0, "Q[%d] := sched.%s[int](%d)", i, [...]string{"NewQueue", "NewLifoQueue", "NewPriorityQueue"}[q.Kind], q.Maxsize)
	}
	if p.Locks > 0 {
		w.line(0, "LK := [%d]sched.Lock{}", p.Locks)
	}
	if p.Events > 0 {
		w.line(0, "EV := [%d]sched.Event{}", p.Events)
	}
	for i, n := range p.Sems {
		w.line(0, "SM[%d] := sched.NewSemaphore(%d)", i, n)
	}
	for i := range p.Conds {
		w.line(0, "CV[%d] := sched.NewCondition(nil)", i)
	}
	for i, n := range p.Barriers {
		w.line(0, "BR[%d] := sched.NewBarrier(%d)", i, n)
	}
	var fns []*Fn
	collectFns(p.Main.Body, &fns)
	for _, f := range fns {
		w.fn(f)
	}
	w.fn(p.Main)
	w.line(0, "sched.Run(coro.New(main), sched.VirtualTime())")
	return w.b.String()
}

type goWriter struct{ b strings.Builder }

func (w *goWriter) line(ind int, format string, args ...any) {
	w.b.WriteString(strings.Repeat("\t", ind))
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

func (w *goWriter) fn(f *Fn) {
	w.line(0, "func %s(co *coro.Co) (int, error) {", fnName(f))
	w.block(1, f.Body)
	w.line(0, "}")
}

func (w *goWriter) block(ind int, b []*Stmt) {
	for _, s := range b {
		w.stmt(ind, s)
	}
}

func goArg(a Arg) string {
	if a.Fn != nil {
		return "coro.New(" + fnName(a.Fn) + ")"
	}
	return fmt.Sprintf("T[%d]", a.Task)
}

func goArgs(as []Arg) string {
	var s []string
	for _, a := range as {
		s = append(s, goArg(a))
	}
	return strings.Join(s, ", ")
}

var goCatch = [...]string{"isCancel(err)", "!isCancel(err)", "isTimeout(err)", "true"}

func (w *goWriter) stmt(ind int, s *Stmt) {
	l := func(format string, args ...any) { w.line(ind, "s%d: "+format, append([]any{s.ID}, args...)...) }
	switch s.Op {
	case OpLog:
		l("log()")
	case OpSleep:
		l("sched.Sleep(co, %d)", s.N)
	case OpSpawn:
		l("T[%d] = sched.SpawnNamed(co, \"t%d\", coro.New(%s))", s.K, s.K, fnName(s.Fn))
	case OpAwait:
		l("T[%d].Await(co)", s.K)
	case OpCancel:
		l("T[%d].Cancel()", s.K)
	case OpCancelSelf:
		l("sched.Current(co).Cancel()")
	case OpUncancel:
		l("sched.Current(co).Uncancel()")
	case OpCancelling:
		l("sched.Current(co).Cancelling()")
	case OpReturn:
		l("return %d, nil", s.N)
	case OpRaise:
		l("return 0, E(%d)", s.N)
	case OpTry:
		l("err := func() error {")
		w.block(ind+1, s.Body)
		w.line(ind, "}()")
		if hasExcept(s) {
			w.line(ind, "if %s { log(\"caught\", err)", goCatch[s.Catch])
			w.block(ind+1, s.Handler)
			if s.Flag {
				w.line(ind+1, "return err // re-raise")
			} else {
				w.line(ind+1, "err = nil")
			}
			w.line(ind, "}")
		}
		if s.Finally != nil {
			w.line(ind, "// finally: log(\"finally\")")
			w.block(ind+1, s.Finally)
		}
	case OpGather:
		if s.Flag {
			l("sched.GatherAll(co, %s)", goArgs(s.Args))
		} else {
			l("sched.Gather(co, %s)", goArgs(s.Args))
		}
	case OpWait:
		l("sched.Wait(co, []*Task{%s}, sched.%s, %d)", goArgs(s.Args), [...]string{"AllCompleted", "FirstCompleted", "FirstException"}[s.When], s.N)
	case OpWaitFor:
		l("sched.WaitFor(co, %s, %d)", goArg(s.Args[0]), s.N)
	case OpShield:
		l("sched.Shield(co, %s)", goArg(s.Args[0]))
	case OpTimeout:
		l("sched.WithTimeout(co, %d, func(co *coro.Co) error {", s.N)
		w.block(ind+1, s.Body)
		w.line(ind, "})")
	case OpAsCompleted:
		l("for r, err := range sched.AsCompleted(co, []*Task{%s}) { log(r or err) }", goArgs(s.Args))
	case OpGroup:
		l("g%d := sched.NewGroup(co)", s.ID)
		w.block(ind+1, s.Body)
		w.line(ind, "g%d.Wait(co) // or g%d.Cancel(); g%d.Wait(co) if the body failed", s.ID, s.ID, s.ID)
	case OpGSpawn:
		l("g%d.Spawn(%s)", s.K, fnName(s.Fn))
	case OpQPut:
		l("Q[%d].Put(co, %d)", s.K, s.N)
	case OpQGet:
		l("Q[%d].Get(co)", s.K)
	case OpQPutNowait:
		l("Q[%d].PutNowait(%d)", s.K, s.N)
	case OpQGetNowait:
		l("Q[%d].GetNowait()", s.K)
	case OpQTaskDone:
		l("Q[%d].TaskDone()", s.K)
	case OpQJoin:
		l("Q[%d].Join(co)", s.K)
	case OpQShutdown:
		l("Q[%d].Shutdown(%v)", s.K, s.Flag)
	case OpLock, OpSem, OpCond:
		v := map[Op]string{OpLock: "LK", OpSem: "SM", OpCond: "CV"}[s.Op]
		l("%s[%d].Acquire(co)", v, s.K)
		w.block(ind+1, s.Body)
		w.line(ind, "%s[%d].Release()", v, s.K)
	case OpEvSet:
		l("EV[%d].Set()", s.K)
	case OpEvClear:
		l("EV[%d].Clear()", s.K)
	case OpEvWait:
		l("EV[%d].Wait(co)", s.K)
	case OpSemRelease:
		l("SM[%d].Release()", s.K)
	case OpCondWait:
		l("CV[%d].Wait(co)", s.K)
	case OpCondNotify:
		l("CV[%d].Notify(%d)", s.K, s.N)
	case OpCondNotifyAll:
		l("CV[%d].NotifyAll()", s.K)
	case OpBarrier:
		l("BR[%d].Wait(co)", s.K)
	case OpBarrierAbort:
		l("BR[%d].Abort()", s.K)
	case OpRepeat:
		l("for range %d {", s.N)
		w.block(ind+1, s.Body)
		w.line(ind, "}")
	}
}
