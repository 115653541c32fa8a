// Package difftest is a differential tester of sched against CPython's asyncio.
// From a seed it generates a random asyncio program as a small tree (a Prog),
// interprets that tree in Go against sched's API on a virtual clock (Interpret),
// prints the same tree as Python source (Python) for driver.py to run on a
// virtual-clock asyncio loop, and compares the two traces line by line. A
// mismatch is shrunk (Minimize) to a small program that still mismatches.
//
// Programs are data, not code: a seed gives a Prog, the Prog is interpreted, so
// thousands of programs cost no compilation, and a shrunk program is another
// Prog.
package difftest

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Op is what a statement does. Each op's meaning is given once, in Python
// terms, next to its printing in python.go and its interpretation in interp.go.
type Op uint8

const (
	OpLog           Op = iota // L(fn, "sN")
	OpSleep                   // await asyncio.sleep(N)
	OpSpawn                   // T[K] = asyncio.create_task(Fn(), name="tK")
	OpAwait                   // await T[K]
	OpCancel                  // T[K].cancel()
	OpCancelSelf              // asyncio.current_task().cancel()
	OpUncancel                // asyncio.current_task().uncancel()
	OpCancelling              // asyncio.current_task().cancelling()
	OpReturn                  // return N
	OpRaise                   // raise E(N)
	OpTry                     // try: Body except Catch: Handler [raise] finally: Finally
	OpGather                  // await asyncio.gather(*Args, return_exceptions=Flag)
	OpWait                    // await asyncio.wait(Args, return_when=When, timeout=N or None)
	OpWaitFor                 // await wait_for(Args[0], N)  (3.12's)
	OpTimeout                 // async with asyncio.timeout(N): Body
	OpShield                  // await asyncio.shield(Args[0])
	OpAsCompleted             // for c in as_completed(Args): await c
	OpGroup                   // async with TaskGroup() as gID: Body
	OpGSpawn                  // gK.create_task(Fn())  (K: the OpGroup's ID)
	OpQPut                    // await Q[K].put(N)
	OpQGet                    // await Q[K].get()
	OpQPutNowait              // Q[K].put_nowait(N)
	OpQGetNowait              // Q[K].get_nowait()
	OpQTaskDone               // Q[K].task_done()
	OpQJoin                   // await Q[K].join()
	OpQShutdown               // Q[K].shutdown(immediate=Flag)  (3.13's)
	OpLock                    // async with LK[K]: Body
	OpEvSet                   // EV[K].set()
	OpEvClear                 // EV[K].clear()
	OpEvWait                  // await EV[K].wait()
	OpSem                     // async with SM[K]: Body
	OpSemRelease              // SM[K].release()
	OpCond                    // async with CV[K]: Body
	OpCondWait                // await CV[K].wait()
	OpCondNotify              // CV[K].notify(N)
	OpCondNotifyAll           // CV[K].notify_all()
	OpBarrier                 // await BR[K].wait()
	OpBarrierAbort            // await BR[K].abort()
	OpRepeat                  // for _ in range(N): Body
	numOps
)

var opNames = [numOps]string{
	"log", "sleep", "spawn", "await", "cancel", "cancelself", "uncancel", "cancelling",
	"return", "raise", "try", "gather", "wait", "waitfor", "timeout", "shield",
	"ascompleted", "group", "gspawn", "qput", "qget", "qputnowait", "qgetnowait",
	"qtaskdone", "qjoin", "qshutdown", "lock", "evset", "evclear", "evwait", "sem",
	"semrelease", "cond", "condwait", "condnotify", "condnotifyall", "barrier",
	"barrierabort", "repeat",
}

func (o Op) String() string { return opNames[o] }

// Catch is what an OpTry's except clause catches.
type Catch uint8

const (
	CatchCancel    Catch = iota // asyncio.CancelledError
	CatchException              // Exception (everything but cancellation)
	CatchTimeout                // TimeoutError
	CatchAny                    // (Exception, asyncio.CancelledError)
)

// ReturnWhen mirrors sched.ReturnWhen's order.
const (
	AllCompleted = iota
	FirstCompleted
	FirstException
)

// Stmt is one statement. Which fields matter depends on Op.
type Stmt struct {
	Op      Op
	ID      int   // unique in the program; traces say "sID"
	N       int64 // duration, value, count
	K       int   // task, resource or group index
	Args    []Arg
	Fn      *Fn
	Body    []*Stmt
	Handler []*Stmt
	Finally []*Stmt
	Catch   Catch
	Flag    bool // return_exceptions; re-raise; immediate
	When    int
}

// Arg is an awaitable argument: a task T[Task], or, if Fn is set, a new
// coroutine Fn().
type Arg struct {
	Task int
	Fn   *Fn
}

// Fn is a coroutine function: "async def fID()". Its trace lines say "fID".
type Fn struct {
	ID   int
	Body []*Stmt
}

// QueueKind is asyncio.Queue, LifoQueue or PriorityQueue.
type QueueKind uint8

const (
	FIFO QueueKind = iota
	LIFO
	Priority
)

// QueueSpec is one queue of a program.
type QueueSpec struct {
	Kind    QueueKind
	Maxsize int
}

// Prog is a whole program: its resources and its main coroutine.
type Prog struct {
	Seed     uint64
	Queues   []QueueSpec
	Locks    int
	Events   int
	Sems     []int // initial values
	Conds    int
	Barriers []int // parties
	Main     *Fn   // "main"; ID 0
	// Watchdog, if > 0, is when a task that main spawns first cancels main:
	// most programs that would deadlock (where asyncio hangs) end instead, and
	// what follows the cancellation is compared too.
	Watchdog int64
}

// Features names what a program may use; each can be excluded by name (see
// FeatureNames), to steer the generator away from a known mismatch.
type Features map[string]bool

// FeatureNames lists the features that can be excluded, with what each covers.
var FeatureNames = map[string]string{
	"cancel":      "Task.cancel of another task",
	"selfcancel":  "a task cancelling itself",
	"uncancel":    "Task.uncancel and Task.cancelling",
	"try":         "try/except/finally",
	"gather":      "asyncio.gather",
	"wait":        "asyncio.wait",
	"waitfor":     "asyncio.wait_for",
	"timeout":     "asyncio.timeout",
	"shield":      "asyncio.shield",
	"ascompleted": "asyncio.as_completed",
	"group":       "asyncio.TaskGroup",
	"groupraise":  "a TaskGroup body that raises (Group.Cancel before Wait)",
	"queue":       "asyncio.Queue, LifoQueue, PriorityQueue",
	"qshutdown":   "Queue.shutdown (3.13)",
	"lock":        "asyncio.Lock",
	"event":       "asyncio.Event",
	"sem":         "asyncio.Semaphore",
	"cond":        "asyncio.Condition",
	"barrier":     "asyncio.Barrier",
	"abort":       "Barrier.abort",
	"huge":        "durations near math.MaxInt64",
	"shutdown":    "comparing what runs after main returns (asyncio.run's shutdown)",
}

// ParseFeatures parses a comma-separated list of feature names.
func ParseFeatures(s string) (Features, []string) {
	f := Features{}
	var bad []string
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if _, ok := FeatureNames[n]; !ok {
			bad = append(bad, n)
			continue
		}
		f[n] = true
	}
	return f, bad
}

// Generate returns the program of a seed, without the excluded features.
func Generate(seed uint64, exclude Features) *Prog {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), ex: exclude}
	p := &Prog{Seed: seed}
	g.p = p
	if g.on("queue") {
		for range g.r.IntN(3) {
			p.Queues = append(p.Queues, QueueSpec{Kind: QueueKind(g.r.IntN(3)), Maxsize: g.r.IntN(3)})
		}
	}
	if g.on("lock") {
		p.Locks = g.r.IntN(3)
	}
	if g.on("event") {
		p.Events = g.r.IntN(3)
	}
	if g.on("sem") {
		for range g.r.IntN(3) {
			p.Sems = append(p.Sems, g.r.IntN(3))
		}
	}
	if g.on("cond") {
		p.Conds = g.r.IntN(2)
	}
	if g.on("barrier") {
		for range g.r.IntN(2) {
			p.Barriers = append(p.Barriers, 1+g.r.IntN(3))
		}
	}
	if g.chance(0.9) {
		p.Watchdog = 1000
	}
	g.ntasks = 1 + g.r.IntN(6)
	g.budget = 16 + g.r.IntN(48)
	p.Main = &Fn{ID: 0}
	c := &gctx{lo: -1, main: true}
	// main usually starts by spawning a few tasks, so that later statements
	// have tasks to refer to.
	for range g.r.IntN(4) {
		if s := g.spawn(c); s != nil {
			p.Main.Body = append(p.Main.Body, s)
		}
	}
	// Waiters on a condition need a notifier, which random bodies rarely make
	// at the right time: often a task notifies every few ticks.
	if p.Conds > 0 && g.next < g.ntasks && g.chance(0.7) {
		k := g.next
		g.next++
		f := &Fn{ID: g.id()}
		f.Body = []*Stmt{g.notifier(g.r.IntN(p.Conds)), g.ret()}
		p.Main.Body = append(p.Main.Body, &Stmt{Op: OpSpawn, ID: g.id(), K: k, Fn: f})
	}
	p.Main.Body = append(p.Main.Body, g.block(c, 4+g.r.IntN(8))...)
	p.Main.Body = append(p.Main.Body, g.ret())
	return p
}

type generator struct {
	r      *rand.Rand
	p      *Prog
	ex     Features
	nextID int // statements and functions share the numbering; main is 0
	ntasks int // task indices are 0..ntasks-1
	next   int // the next task index to spawn
	budget int // statements left to generate
}

// gctx is what the generator knows about where it is.
type gctx struct {
	lo     int   // task references must be > lo, so that awaiting is acyclic
	depth  int   // nesting of blocks
	groups []int // OpGroup IDs enclosing this point, in this function
	conds  []int // conditions whose lock this function holds here
	held   []int // resources held here (encoded), not to be taken twice
	main   bool
	loop   bool // inside a Repeat: no spawning of fixed task indices twice
}

func (g *generator) on(f string) bool { return !g.ex[f] }

func (g *generator) id() int { g.nextID++; return g.nextID }

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

// dur is a duration in clock ticks (nanoseconds in Go, units of the virtual
// clock in Python): mostly tiny, sometimes zero, rarely huge.
func (g *generator) dur() int64 {
	if g.on("huge") && g.chance(0.02) {
		return []int64{math.MaxInt64, math.MaxInt64 - 1, 1 << 62, math.MaxInt64 / 3}[g.r.IntN(4)]
	}
	return []int64{0, 0, 1, 1, 2, 3, 5, 8}[g.r.IntN(8)]
}

func (g *generator) posDur() int64 {
	if g.on("huge") && g.chance(0.02) {
		return []int64{math.MaxInt64, 1 << 62}[g.r.IntN(2)]
	}
	return []int64{1, 1, 2, 3, 5, 8}[g.r.IntN(6)]
}

func (g *generator) ret() *Stmt { return &Stmt{Op: OpReturn, ID: g.id(), N: int64(g.r.IntN(10))} }

// fn makes a coroutine function body for a task or coroutine whose references
// must be > lo.
func (g *generator) fn(c *gctx, lo int) *Fn {
	f := &Fn{ID: g.id()}
	nc := &gctx{lo: lo, depth: c.depth + 1}
	n := 1 + g.r.IntN(4)
	if c.depth >= 2 {
		n = g.r.IntN(2)
	}
	f.Body = g.block(nc, n)
	if g.chance(0.15) {
		f.Body = append(f.Body, &Stmt{Op: OpRaise, ID: g.id(), N: int64(g.r.IntN(10))})
	} else {
		f.Body = append(f.Body, g.ret())
	}
	return f
}

func (g *generator) block(c *gctx, n int) []*Stmt {
	var b []*Stmt
	for range n {
		if g.budget <= 0 {
			break
		}
		if s := g.stmt(c); s != nil {
			b = append(b, s)
		}
	}
	return b
}

// taskRef picks a task index > c.lo, or reports false if there is none.
func (g *generator) taskRef(c *gctx) (int, bool) {
	if c.lo+1 >= g.ntasks {
		return 0, false
	}
	// Mostly a task already spawned (earlier in the program's text), so that
	// the reference is likely to find it running.
	if g.next > c.lo+1 && g.chance(0.85) {
		return c.lo + 1 + g.r.IntN(g.next-c.lo-1), true
	}
	return c.lo + 1 + g.r.IntN(g.ntasks-c.lo-1), true
}

func (g *generator) spawn(c *gctx) *Stmt {
	// Awaiting goes from a lower task index to a higher one only (main is
	// -1), so no task can await itself through others; spawning any index
	// from anywhere keeps that.
	if g.next >= g.ntasks || c.loop {
		return nil
	}
	k := g.next
	g.next++
	g.budget--
	return &Stmt{Op: OpSpawn, ID: g.id(), K: k, Fn: g.fn(c, k)}
}

// arg is an awaitable: a task reference or a new coroutine.
func (g *generator) arg(c *gctx, tasksOnly bool) (Arg, bool) {
	if k, ok := g.taskRef(c); ok && (tasksOnly || g.chance(0.6)) {
		return Arg{Task: k}, true
	}
	if tasksOnly || c.depth >= 3 {
		return Arg{}, false
	}
	return Arg{Task: -1, Fn: g.fn(c, c.lo)}, true
}

func (g *generator) args(c *gctx, tasksOnly bool) []Arg {
	var as []Arg
	for range 1 + g.r.IntN(3) {
		if a, ok := g.arg(c, tasksOnly); ok {
			as = append(as, a)
		}
	}
	return as
}

func (g *generator) holds(c *gctx, code int) bool { return slices.Contains(c.held, code) }

func (g *generator) sub(c *gctx) *gctx {
	nc := *c
	nc.depth++
	nc.groups = slices.Clip(nc.groups)
	nc.conds = slices.Clip(nc.conds)
	nc.held = slices.Clip(nc.held)
	return &nc
}

func (g *generator) subBlock(c *gctx) []*Stmt {
	n := 1 + g.r.IntN(3)
	if c.depth >= 3 {
		n = 1
	}
	return g.block(c, n)
}

// weights of the ops; zero for the excluded ones and those not possible here.
func (g *generator) weights(c *gctx) []int {
	w := make([]int, numOps)
	deep := c.depth < 3
	set := func(op Op, feature string, n int) {
		if feature == "" || g.on(feature) {
			w[op] = n
		}
	}
	set(OpLog, "", 2)
	set(OpSleep, "", 10)
	if g.next < g.ntasks && !c.loop {
		set(OpSpawn, "", 8)
	}
	if c.lo+1 < g.ntasks {
		set(OpAwait, "", 5)
		set(OpCancel, "cancel", 4)
		set(OpWait, "wait", 3)
		set(OpAsCompleted, "ascompleted", 2)
	}
	if !c.main {
		set(OpCancelSelf, "selfcancel", 1)
	}
	set(OpUncancel, "uncancel", 1)
	set(OpCancelling, "uncancel", 1)
	if !c.main {
		// main raising or returning early ends the program: keep it rare.
		set(OpReturn, "", 1)
		set(OpRaise, "", 1)
	}
	if deep {
		set(OpTry, "try", 8)
		set(OpGather, "gather", 4)
		set(OpWaitFor, "waitfor", 3)
		set(OpTimeout, "timeout", 4)
		set(OpShield, "shield", 2)
		set(OpGroup, "group", 4)
		set(OpRepeat, "", 1)
	}
	if len(c.groups) > 0 && deep {
		set(OpGSpawn, "group", 10)
	}
	if len(g.p.Queues) > 0 {
		set(OpQPut, "", 3)
		set(OpQGet, "", 3)
		if !c.main || c.depth > 0 {
			set(OpQPutNowait, "", 2)
			set(OpQGetNowait, "", 2)
			set(OpQTaskDone, "", 1)
		}
		set(OpQJoin, "", 1)
		set(OpQShutdown, "qshutdown", 1)
	}
	if g.p.Locks > 0 && deep {
		set(OpLock, "", 3)
	}
	if g.p.Events > 0 {
		set(OpEvSet, "", 3)
		set(OpEvClear, "", 1)
		set(OpEvWait, "", 3)
	}
	if len(g.p.Sems) > 0 {
		if deep {
			set(OpSem, "", 3)
		}
		set(OpSemRelease, "", 1)
	}
	if g.p.Conds > 0 && deep {
		set(OpCond, "", 3)
	}
	if len(c.conds) > 0 {
		set(OpCondWait, "", 4)
		set(OpCondNotify, "", 3)
		set(OpCondNotifyAll, "", 2)
	}
	if len(g.p.Barriers) > 0 {
		set(OpBarrier, "", 3)
		set(OpBarrierAbort, "abort", 1)
	}
	return w
}

func (g *generator) pick(w []int) Op {
	total := 0
	for _, x := range w {
		total += x
	}
	n := g.r.IntN(total)
	for i, x := range w {
		if n < x {
			return Op(i)
		}
		n -= x
	}
	panic("unreachable")
}

const (
	heldLock = iota << 8
	heldSem  = 1 << 8
	heldCond = 2 << 8
)

// notifier is "for _ in range(N): sleep(d); async with CV[k]: notify".
func (g *generator) notifier(k int) *Stmt {
	g.budget -= 3
	n := &Stmt{Op: OpCondNotifyAll, ID: g.id(), K: k}
	if g.chance(0.5) {
		n.Op, n.N = OpCondNotify, int64(1+g.r.IntN(2))
	}
	return &Stmt{Op: OpRepeat, ID: g.id(), N: int64(1 + g.r.IntN(4)), Body: []*Stmt{
		{Op: OpSleep, ID: g.id(), N: int64(1 + g.r.IntN(3))},
		{Op: OpCond, ID: g.id(), K: k, Body: []*Stmt{n}},
	}}
}

func (g *generator) stmt(c *gctx) *Stmt {
	op := g.pick(g.weights(c))
	if op == OpSpawn {
		return g.spawn(c)
	}
	g.budget--
	s := &Stmt{Op: op, ID: g.id()}
	switch op {
	case OpSleep:
		s.N = g.dur()
	case OpAwait, OpCancel:
		s.K, _ = g.taskRef(c)
	case OpReturn, OpRaise:
		s.N = int64(g.r.IntN(10))
	case OpTry:
		s.Body = g.subBlock(g.sub(c))
		s.Catch = Catch(g.r.IntN(4))
		if g.chance(0.7) {
			s.Handler = g.block(g.sub(c), g.r.IntN(2))
			s.Flag = g.chance(0.4)
		}
		if g.chance(0.3) || s.Handler == nil && !s.Flag && g.chance(0.5) {
			s.Finally = g.block(g.sub(c), g.r.IntN(2))
			if s.Finally == nil {
				s.Finally = []*Stmt{}
			}
		}
	case OpGather:
		s.Args = g.args(c, false)
		s.Flag = g.chance(0.5)
	case OpWait:
		s.Args = g.args(c, true)
		s.When = g.r.IntN(3)
		if g.chance(0.6) {
			s.N = g.posDur()
		}
	case OpAsCompleted:
		s.Args = g.args(c, true)
	case OpWaitFor, OpShield:
		a, ok := g.arg(c, false)
		if !ok {
			s.Op, s.N = OpSleep, 1
			break
		}
		s.Args = []Arg{a}
		if op == OpWaitFor {
			s.N = g.dur()
		}
	case OpTimeout:
		s.N = g.dur()
		s.Body = g.subBlock(g.sub(c))
	case OpGroup:
		nc := g.sub(c)
		nc.groups = append(nc.groups, s.ID)
		// a group spawns its first task at once, usually
		if g.chance(0.8) {
			s.Body = append(s.Body, &Stmt{Op: OpGSpawn, ID: g.id(), K: s.ID, Fn: g.fn(nc, c.lo)})
		}
		s.Body = append(s.Body, g.subBlock(nc)...)
		if g.on("groupraise") && g.chance(0.15) {
			s.Body = append(s.Body, &Stmt{Op: OpRaise, ID: g.id(), N: int64(g.r.IntN(10))})
		}
	case OpGSpawn:
		s.K = c.groups[g.r.IntN(len(c.groups))]
		s.Fn = g.fn(c, c.lo)
	case OpQPut, OpQPutNowait:
		s.K = g.r.IntN(len(g.p.Queues))
		s.N = int64(g.r.IntN(10))
	case OpQGet, OpQGetNowait, OpQTaskDone, OpQJoin:
		s.K = g.r.IntN(len(g.p.Queues))
	case OpQShutdown:
		s.K = g.r.IntN(len(g.p.Queues))
		s.Flag = g.chance(0.5)
	case OpLock, OpSem, OpCond:
		var n, code int
		switch op {
		case OpLock:
			n, code = g.p.Locks, heldLock
		case OpSem:
			n, code = len(g.p.Sems), heldSem
		default:
			n, code = g.p.Conds, heldCond
		}
		s.K = g.r.IntN(n)
		if g.holds(c, code+s.K) {
			s.Op, s.N = OpSleep, 0
			break
		}
		nc := g.sub(c)
		nc.held = append(nc.held, code+s.K)
		if op == OpCond && g.chance(0.4) {
			return g.notifier(s.K)
		}
		if op == OpCond {
			nc.conds = append(nc.conds, s.K)
			if g.chance(0.6) {
				// a waiter
				g.budget--
				s.Body = append([]*Stmt{{Op: OpCondWait, ID: g.id(), K: s.K}}, g.block(nc, g.r.IntN(2))...)
				break
			}
		}
		s.Body = g.subBlock(nc)
	case OpEvSet, OpEvClear, OpEvWait:
		s.K = g.r.IntN(g.p.Events)
	case OpSemRelease:
		s.K = g.r.IntN(len(g.p.Sems))
	case OpCondWait, OpCondNotifyAll:
		s.K = c.conds[g.r.IntN(len(c.conds))]
	case OpCondNotify:
		s.K = c.conds[g.r.IntN(len(c.conds))]
		s.N = int64(1 + g.r.IntN(2))
	case OpBarrier, OpBarrierAbort:
		s.K = g.r.IntN(len(g.p.Barriers))
	case OpRepeat:
		s.N = int64(2 + g.r.IntN(2))
		nc := g.sub(c)
		nc.loop = true
		s.Body = g.subBlock(nc)
	}
	return s
}
