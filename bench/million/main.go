//go:build unix

// Command million is the scale benchmark: a million tasks that each sleep half
// a second on the real clock, gathered, measured for CPU time, wall time and
// peak resident memory, and for the heap and the stacks each wait holds once
// every wait is pending (where the peak memory goes). With -floor it also
// runs, in a process of its own, the floor for this design: a minimal loop of
// a million parked iter.Pull coroutines, a timer heap and a gather counter,
// with nothing else; and -futures runs the stackless way to wait a million
// times (Futures completed by AfterFunc, gathered). Each figure comes from its
// own process, so that peak memory is its own.
//
//	go run ./bench/million [-n 1000000] [-sleep 500ms] [-floor] [-futures]
package main

import (
	"flag"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

var (
	n       = flag.Int("n", 1_000_000, "tasks")
	d       = flag.Duration("sleep", 500*time.Millisecond, "how long each task sleeps")
	floor   = flag.Bool("floor", false, "also run the floor program, and report corio's ratio to it")
	futures = flag.Bool("futures", false, "also run the stackless version: Futures completed by AfterFunc")
	mode    = flag.String("mode", "", "internal: run one program in this process (tasks, floor or futures)")
	prof    = flag.String("cpuprofile", "", "write each program's CPU profile to this file, suffixed with the program's name")
	runs    = flag.Int("runs", 1, "run each program this many times, alternating, and report the medians (CPU time varies with the collector's pacing)")
)

func main() {
	flag.Parse()
	if *mode != "" {
		run(*mode)
		return
	}
	modes := []string{"tasks"}
	if *floor {
		modes = append(modes, "floor")
	}
	if *futures {
		modes = append(modes, "futures")
	}
	cpu := map[string][]float64{}
	rss := map[string][]float64{}
	for range *runs {
		for _, m := range modes {
			args := []string{"-mode", m, "-n", fmt.Sprint(*n), "-sleep", d.String()}
			if *prof != "" {
				args = append(args, "-cpuprofile", *prof+"."+m)
			}
			cmd := exec.Command(os.Args[0], args...)
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				fmt.Fprintf(os.Stderr, "million: %s: %v\n", m, err)
				os.Exit(1)
			}
			var c, r float64
			fmt.Sscanf(string(out), "%f %f", &c, &r)
			cpu[m], rss[m] = append(cpu[m], c), append(rss[m], r)
			fmt.Printf("%-8s %s", m+":", out[len(fmt.Sprintf("%f %f ", c, r)):])
		}
	}
	if *runs > 1 {
		for _, m := range modes {
			fmt.Printf("%-8s median of %d: %.2f CPU s, peak RSS %.2f GB\n", m+":", *runs, median(cpu[m]), median(rss[m]))
		}
	}
	if *floor {
		fmt.Printf("tasks/floor: CPU %.2f×, peak RSS %.2f×\n", median(cpu["tasks"])/median(cpu["floor"]), median(rss["tasks"])/median(rss["floor"]))
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// run runs one program and prints "cpu rss description" for the parent.
func run(m string) {
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	var err error
	switch m {
	case "tasks":
		err = tasks()
	case "floor":
		floorLoop()
	case "futures":
		err = futureWaits()
	default:
		err = fmt.Errorf("unknown mode %q", m)
	}
	wall := time.Since(start)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pprof.StopCPUProfile()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	rss := float64(ru.Maxrss) * 1024 / 1e9
	fmt.Printf("%f %f %d waits of %v: %.2f CPU s, %.2f s wall, peak RSS %.2f GB (%.0f B/wait), GOMAXPROCS %d\n",
		cpu, rss, *n, *d, cpu, wall.Seconds(), rss, rss*1e9/float64(*n), runtime.GOMAXPROCS(0))
	fmt.Printf("%8s  with every wait pending: heap %.0f B/wait, stacks %.0f B/wait\n", "", parked.heap, parked.stacks)
}

// parked is the memory each wait holds once all of them are pending: the
// heap in use (live objects, and garbage not yet swept) and the goroutine
// stacks, per wait.
var parked struct{ heap, stacks float64 }

// measureParked fills in parked. It stops the world briefly, once.
func measureParked() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	parked.heap = float64(ms.HeapInuse) / float64(*n)
	parked.stacks = float64(ms.StackInuse) / float64(*n)
}

// tasks is the benchmark: a million tasks each Sleep, gathered.
func tasks() error {
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		aws := make([]coro.Awaitable[struct{}], *n)
		for i := range aws {
			aws[i] = sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				return struct{}{}, sched.Sleep(co, *d)
			}))
		}
		// Behind every task's first step in the loop's queue: when it runs,
		// every task waits in its Sleep.
		sched.LoopOf(co).CallSoon(measureParked)
		_, err := sched.Gather(co, aws...)
		return struct{}{}, err
	}))
	return err
}

// futureWaits is the stackless way: no coroutine per wait, a Future each,
// completed by a timer, gathered.
func futureWaits() error {
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		l := sched.LoopOf(co)
		aws := make([]coro.Awaitable[struct{}], *n)
		for i := range aws {
			f := sched.NewFuture[struct{}](co)
			l.AfterFunc(*d, func() { f.SetResult(struct{}{}) })
			aws[i] = f
		}
		measureParked()
		_, err := sched.Gather(co, aws...)
		return struct{}{}, err
	}))
	return err
}

// floorLoop is the floor: what any design of a million coroutine tasks on
// iter.Pull must do, and nothing more. Every coroutine is started, parks at
// its sleep with a deadline in a heap, and is resumed to finish when the
// deadline passes; a counter stands for the gather.
func floorLoop() {
	type timer struct {
		when int64
		i    int32
	}
	var heap []timer
	push := func(t timer) {
		heap = append(heap, t)
		for j := len(heap) - 1; j > 0; {
			p := (j - 1) / 2
			if heap[p].when <= heap[j].when {
				break
			}
			heap[p], heap[j] = heap[j], heap[p]
			j = p
		}
	}
	pop := func() timer {
		t := heap[0]
		last := len(heap) - 1
		heap[0] = heap[last]
		heap = heap[:last]
		for j := 0; ; {
			c := 2*j + 1
			if c >= len(heap) {
				break
			}
			if c+1 < len(heap) && heap[c+1].when < heap[c].when {
				c++
			}
			if heap[j].when <= heap[c].when {
				break
			}
			heap[j], heap[c] = heap[c], heap[j]
			j = c
		}
		return t
	}
	start := time.Now()
	nexts := make([]func() (struct{}, bool), *n)
	for i := range nexts {
		next, _ := iter.Pull(func(yield func(struct{}) bool) {
			yield(struct{}{}) // the sleep
		})
		nexts[i] = next
	}
	for i, next := range nexts { // the tasks' first steps: each parks at its sleep
		next()
		push(timer{int64(time.Since(start) + *d), int32(i)})
	}
	measureParked()
	done := 0
	for len(heap) > 0 {
		if wait := time.Duration(heap[0].when) - time.Since(start); wait > 0 {
			time.Sleep(wait)
		}
		t := pop()
		nexts[t.i]() // the sleep is over: the task finishes
		nexts[t.i] = nil
		done++
	}
	if done != *n {
		panic("floor: lost a task")
	}
}
