package sched_test

// Tests of seeded simulation: determinism, the guarantees a seed keeps, Jitter
// and Buggify. The programs are the random-program tester's
// (conformance/difftest), run here under seeds instead of against CPython.

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/conformance/difftest"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// event is one scheduling event of a loop's Trace.
type event struct {
	msg   string
	attrs map[string]string
}

// recorder is a slog.Handler keeping every event.
type recorder struct{ events *[]event }

func (r recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r recorder) WithGroup(string) slog.Handler            { return r }
func (r recorder) Handle(_ context.Context, rec slog.Record) error {
	e := event{msg: rec.Message, attrs: map[string]string{}}
	rec.Attrs(func(a slog.Attr) bool { e.attrs[a.Key] = a.Value.String(); return true })
	*r.events = append(*r.events, e)
	return nil
}

// runSeeded runs random program p under seed and returns its output and the
// loop's events rendered as lines.
func runSeeded(p *difftest.Prog, seed uint64, extra ...sched.Option) (out []string, events []event) {
	opts := append([]sched.Option{sched.Seed(seed), sched.Trace(recorder{&events})}, extra...)
	res := difftest.InterpretWith(p, opts...)
	return res.Lines, events
}

func render(evs []event) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "%s %v\n", e.msg, e.attrs)
	}
	return b.String()
}

// The same seed runs the same program the same way, event for event; other
// seeds run it differently.
func TestSeedDeterministic(t *testing.T) {
	leaktest.Check(t)
	varied, concurrent := 0, 0
	for prog := uint64(1); prog <= 150; prog++ {
		p := difftest.Generate(prog, nil)
		out1, ev1 := runSeeded(p, 42)
		out2, ev2 := runSeeded(p, 42)
		if r1, r2 := render(ev1), render(ev2); r1 != r2 || fmt.Sprint(out1) != fmt.Sprint(out2) {
			t.Fatalf("program %d, seed 42: two runs differ:\n%s\n---\n%s", prog, r1, r2)
		}
		runs := map[string]bool{}
		for seed := uint64(1); seed <= 8; seed++ {
			out, _ := runSeeded(p, seed)
			runs[strings.Join(out, "\n")] = true
		}
		// Programs where two tasks are ever ready together can vary.
		if maxReady(ev1) > 1 {
			concurrent++
			if len(runs) > 1 {
				varied++
			}
		}
	}
	t.Logf("%d of %d programs with concurrency printed differently under 8 seeds", varied, concurrent)
	if varied < concurrent/4 {
		t.Errorf("only %d of %d programs with concurrency varied across seeds", varied, concurrent)
	}
}

func maxReady(evs []event) int {
	m := 0
	for _, e := range evs {
		if e.msg == "iteration" {
			var n int
			fmt.Sscan(e.attrs["ready"], &n)
			m = max(m, n)
		}
	}
	return m
}

// Under every seed (and with Jitter) the guarantees asyncio documents stand:
// a task runs at most one step per iteration; a task awaiting another resumes
// in a later iteration than the one the other finished in (done callbacks are
// never synchronous); a timer never fires before its deadline.
func TestSeedKeepsGuarantees(t *testing.T) {
	leaktest.Check(t)
	checked := 0
	for prog := uint64(1); prog <= 100; prog++ {
		p := difftest.Generate(prog, nil)
		for seed := uint64(1); seed <= 5; seed++ {
			var extra []sched.Option
			if seed%2 == 0 {
				extra = append(extra, sched.Jitter(time.Duration(seed)*time.Millisecond))
			}
			_, evs := runSeeded(p, seed, extra...)
			if err := checkGuarantees(evs); err != nil {
				t.Fatalf("program %d, seed %d: %v", prog, seed, err)
			}
			checked++
		}
	}
	t.Logf("%d seeded runs checked", checked)
}

func checkGuarantees(evs []event) error {
	iter := 0
	var now time.Duration
	stepped := map[string]int{} // task -> iteration of its last step
	doneAt := map[string]int{}  // task -> iteration it finished in
	for i, e := range evs {
		switch e.msg {
		case "iteration":
			iter++
			now, _ = time.ParseDuration(e.attrs["now"])
		case "start", "resume":
			task := e.attrs["task"]
			if last, ok := stepped[task]; ok && last == iter {
				return fmt.Errorf("event %d: task %s ran twice in iteration %d", i, task, iter)
			}
			stepped[task] = iter
			if by, ok := strings.CutPrefix(e.attrs["by"], "Task "); ok {
				if d, ok := doneAt[by]; !ok || d >= iter {
					return fmt.Errorf("event %d: %s resumed by %s in iteration %d; it finished in %d", i, task, by, iter, d)
				}
			}
		case "done":
			doneAt[e.attrs["task"]] = iter
		case "timer fired":
			due, _ := time.ParseDuration(e.attrs["due"])
			if due > now {
				return fmt.Errorf("event %d: a timer due at %v fired at %v", i, due, now)
			}
		}
	}
	return nil
}

// Jitter makes timers late, never early, by up to its bound; without Seed it
// does nothing.
func TestJitter(t *testing.T) {
	leaktest.Check(t)
	const max = 10 * time.Millisecond
	for _, seeded := range []bool{true, false} {
		opts := []sched.Option{sched.Jitter(max), sched.VirtualTime()}
		if seeded {
			opts = append(opts, sched.Seed(7))
		}
		var late []time.Duration
		_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
			l := sched.LoopOf(co)
			for range 200 {
				t0 := l.Now()
				if err := sched.Sleep(co, time.Second); err != nil {
					return struct{}{}, err
				}
				late = append(late, l.Now().Sub(t0)-time.Second)
			}
			return struct{}{}, nil
		}), opts...)
		if err != nil {
			t.Fatal(err)
		}
		lateOnes := 0
		for _, d := range late {
			if d < 0 || d > max {
				t.Fatalf("seeded=%v: a sleep of 1s took 1s%+v; want between 1s and 1s+%v", seeded, d, max)
			}
			if d > 0 {
				lateOnes++
			}
		}
		if seeded && lateOnes < len(late)/2 || !seeded && lateOnes > 0 {
			t.Errorf("seeded=%v: %d of %d sleeps late", seeded, lateOnes, len(late))
		}
	}
}

// Buggify is true about p of the time under Seed, the same way for the same
// seed; without Seed it is always false and allocates nothing.
func TestBuggify(t *testing.T) {
	leaktest.Check(t)
	count := func(opts ...sched.Option) (n int) {
		sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
			for range 10000 {
				if sched.Buggify(co, 0.1) {
					n++
				}
			}
			return struct{}{}, nil
		}), opts...)
		return n
	}
	a, b, c := count(sched.Seed(1)), count(sched.Seed(1)), count(sched.Seed(2))
	if a != b || a < 800 || a > 1200 || c < 800 || c > 1200 || a == c {
		t.Errorf("Buggify(0.1) true %d, %d (seed 1), %d (seed 2) times in 10000; want about 1000, equal for equal seeds", a, b, c)
	}
	if n := count(); n != 0 {
		t.Errorf("Buggify without Seed true %d times; want 0", n)
	}
	sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		if allocs := testing.AllocsPerRun(100, func() { sched.Buggify(co, 0.5) }); allocs != 0 {
			t.Errorf("Buggify allocates %v times per call; want 0", allocs)
		}
		return struct{}{}, nil
	}))
}

// The checker itself catches each broken guarantee.
func TestCheckGuaranteesCatches(t *testing.T) {
	ev := func(msg string, kv ...string) event {
		e := event{msg: msg, attrs: map[string]string{}}
		for i := 0; i < len(kv); i += 2 {
			e.attrs[kv[i]] = kv[i+1]
		}
		return e
	}
	for name, evs := range map[string][]event{
		"two steps":                 {ev("iteration", "now", "0s"), ev("start", "task", "a"), ev("resume", "task", "a", "by", "ready queue")},
		"synchronous done callback": {ev("iteration", "now", "0s"), ev("done", "task", "b"), ev("resume", "task", "a", "by", "Task b")},
		"early timer":               {ev("iteration", "now", "1s"), ev("timer fired", "due", "2s")},
	} {
		if checkGuarantees(evs) == nil {
			t.Errorf("%s: not caught", name)
		}
	}
}

// Under Seed and SeedOutside, ToThread and Go calls whose real durations vary
// complete in an order drawn from the seed alone: the same for the same seed.
func TestSeedOutside(t *testing.T) {
	leaktest.Check(t)
	run := func(seed uint64, realDelay func(i int) time.Duration) string {
		var order []int
		_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
			var aws []coro.Awaitable[int]
			for i := range 8 {
				aws = append(aws, coro.New(func(co *coro.Co) (int, error) {
					call := sched.ToThread[int]
					if i%2 == 1 {
						call = sched.Go[int]
					}
					v, err := call(co, func(context.Context) (int, error) {
						time.Sleep(realDelay(i))
						return i, nil
					})
					order = append(order, v)
					return v, err
				}))
			}
			_, err := sched.Gather(co, aws...)
			return struct{}{}, err
		}), sched.Seed(seed), sched.SeedOutside(10*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(order)
	}
	a := run(3, func(i int) time.Duration { return time.Duration(i) * 100 * time.Microsecond })
	b := run(3, func(i int) time.Duration { return time.Duration(8-i) * 100 * time.Microsecond })
	c := run(4, func(i int) time.Duration { return 0 })
	if a != b {
		t.Errorf("seed 3: completion orders %s and %s differ with the real durations", a, b)
	}
	if a == c {
		t.Errorf("seeds 3 and 4 complete in the same order %s", a)
	}
}
