package difftest

import (
	"fmt"
	"strings"
)

// Compare compares CPython's result with Go's and returns the index of the
// first line that differs, or -1 if they agree. When CPython deadlocked (where
// sched returns ErrDeadlock and then shuts down), only CPython's trace before
// the deadlock is compared, as a prefix of Go's, and Go must report the
// deadlock. When CPython's asyncio.run hung in its shutdown (where sched ends
// it), CPython's trace up to there is compared as a prefix. With the feature "shutdown" excluded, what follows main's end
// (asyncio.run's shutdown) is left out, except main's outcome.
func Compare(py, g Result, ex Features) int {
	pl, gl := py.Lines, g.Lines
	if py.DeadShutdown {
		pl = pl[:len(pl)-1]
		if ex["shutdown"] && py.MainEnd >= 0 {
			pl = pl[:py.MainEnd]
		}
		if len(gl) > len(pl) {
			gl = gl[:len(pl)]
		}
	} else if py.Dead {
		if !g.Dead {
			return commonPrefix(pl, gl)
		}
		pl = pl[:len(pl)-1]
		if len(gl) > len(pl) {
			gl = gl[:len(pl)]
		}
	} else if ex["shutdown"] {
		pl, gl = cut(py), cut(g)
		n := commonPrefix(pl, gl)
		switch {
		case n == len(pl) && n == len(gl):
			return -1
		case n < len(pl)-1:
			return n
		}
		return len(py.Lines) - 1 // main's outcome
	}
	if n := commonPrefix(pl, gl); n < len(pl) || n < len(gl) {
		return n
	}
	return -1
}

// cut is the trace up to main's end, and the last line (main's outcome)
// without its time, which depends on how long the shutdown took.
func cut(r Result) []string {
	if r.MainEnd < 0 || r.MainEnd >= len(r.Lines) {
		return r.Lines
	}
	last := r.Lines[len(r.Lines)-1]
	if _, rest, ok := strings.Cut(last, " "); ok {
		last = rest
	}
	return append(r.Lines[:r.MainEnd:r.MainEnd], last)
}

func commonPrefix(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// SideBySide shows two traces in columns, marking the first differing line.
func SideBySide(py, g Result, diff int) string {
	var b strings.Builder
	w := 10
	for _, l := range py.Lines {
		w = max(w, min(len(l), 60))
	}
	fmt.Fprintf(&b, "   %-*s | %s\n", w, "CPython (want)", "sched (got)")
	for i := range max(len(py.Lines), len(g.Lines)) {
		var a, c string
		if i < len(py.Lines) {
			a = py.Lines[i]
		}
		if i < len(g.Lines) {
			c = g.Lines[i]
		}
		mark := "   "
		if i == diff {
			mark = ">> "
		} else if a != c {
			mark = " ~ "
		}
		fmt.Fprintf(&b, "%s%-*s | %s\n", mark, w, a, c)
	}
	return b.String()
}

// Report describes a mismatch: the program as Go-ish pseudo code and as
// Python, and the traces side by side.
func Report(p *Prog, py, g Result, diff int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "--- program (Go, as interpreted on sched) ---\n%s", GoPseudo(p))
	fmt.Fprintf(&b, "--- program (Python) ---\n%s", Python(p))
	if diff < 0 {
		fmt.Fprintf(&b, "--- traces (they agree) ---\n%s", SideBySide(py, g, diff))
	} else {
		fmt.Fprintf(&b, "--- traces (first difference at line %d, marked >>) ---\n%s", diff+1, SideBySide(py, g, diff))
	}
	return b.String()
}

// Minimize shrinks p while fails reports true, trying one change at a time:
// deleting a statement or an argument, replacing a block statement by its body,
// dropping an except or finally clause, lowering a count or a duration.
func Minimize(p *Prog, fails func(*Prog) bool) *Prog {
	for changed := true; changed; {
		changed = false
		for i := 0; ; i++ {
			q, ok := mutate(p, i)
			if !ok {
				break
			}
			if fails(q) {
				p = q
				changed = true
				i--
			}
		}
	}
	return p
}

// mutate returns a copy of p with its i-th possible change made, or false if p
// has fewer changes.
func mutate(p *Prog, i int) (*Prog, bool) {
	q := clone(p)
	m := &mutator{target: i}
	m.block(&q.Main.Body)
	return q, m.done
}

type mutator struct {
	target, n int
	done      bool
}

// here reports whether the current change is the one to make.
func (m *mutator) here() bool {
	if m.done {
		return false
	}
	if m.n == m.target {
		m.done = true
		return true
	}
	m.n++
	return false
}

func (m *mutator) block(b *[]*Stmt) {
	for j := 0; j < len(*b) && !m.done; j++ {
		if m.here() {
			*b = append((*b)[:j:j], (*b)[j+1:]...)
			return
		}
	}
	for j := 0; j < len(*b) && !m.done; j++ {
		s := (*b)[j]
		switch s.Op {
		case OpTry, OpTimeout, OpLock, OpSem, OpRepeat:
			if m.here() {
				nb := append((*b)[:j:j], s.Body...)
				*b = append(nb, (*b)[j+1:]...)
				return
			}
		}
		m.stmt(s)
	}
}

func (m *mutator) stmt(s *Stmt) {
	switch s.Op {
	case OpTry:
		if s.Handler != nil && m.here() {
			s.Handler = nil
		}
		if s.Flag && m.here() {
			s.Flag = false
		}
		if s.Finally != nil && m.here() {
			s.Finally = nil
		}
	case OpSleep, OpTimeout, OpWaitFor, OpWait:
		if s.N > 1 && m.here() {
			s.N = 1
		}
		if s.N > 0 && m.here() {
			s.N = 0
		}
	case OpRepeat:
		if s.N > 1 && m.here() {
			s.N = 1
		}
	}
	if len(s.Args) > 1 || s.Op == OpGather || s.Op == OpWait || s.Op == OpAsCompleted {
		for j := 0; j < len(s.Args) && !m.done; j++ {
			if m.here() {
				s.Args = append(s.Args[:j:j], s.Args[j+1:]...)
				return
			}
		}
	}
	for _, a := range s.Args {
		if a.Fn != nil {
			m.block(&a.Fn.Body)
		}
	}
	if s.Fn != nil {
		m.block(&s.Fn.Body)
	}
	m.block(&s.Body)
	if s.Handler != nil {
		m.block(&s.Handler)
	}
	if s.Finally != nil {
		m.block(&s.Finally)
	}
}

func clone(p *Prog) *Prog {
	q := *p
	q.Main = cloneFn(p.Main)
	return &q
}

func cloneFn(f *Fn) *Fn {
	if f == nil {
		return nil
	}
	return &Fn{ID: f.ID, Body: cloneBlock(f.Body)}
}

func cloneBlock(b []*Stmt) []*Stmt {
	if b == nil {
		return nil
	}
	c := make([]*Stmt, len(b))
	for i, s := range b {
		t := *s
		t.Fn = cloneFn(s.Fn)
		t.Args = make([]Arg, len(s.Args))
		for j, a := range s.Args {
			t.Args[j] = Arg{Task: a.Task, Fn: cloneFn(a.Fn)}
		}
		t.Body = cloneBlock(s.Body)
		t.Handler = cloneBlock(s.Handler)
		t.Finally = cloneBlock(s.Finally)
		c[i] = &t
	}
	return c
}

// Size counts the statements of p.
func Size(p *Prog) int {
	n := 0
	var walk func(b []*Stmt)
	walk = func(b []*Stmt) {
		for _, s := range b {
			n++
			if s.Fn != nil {
				walk(s.Fn.Body)
			}
			for _, a := range s.Args {
				if a.Fn != nil {
					walk(a.Fn.Body)
				}
			}
			walk(s.Body)
			walk(s.Handler)
			walk(s.Finally)
		}
	}
	walk(p.Main.Body)
	return n
}
