// Command million is the scale benchmark of issue 3: a million tasks that each
// sleep half a second on the real clock, gathered, measured for wall time and
// peak resident memory. Compare bench/python/million.py (asyncio).
//
//	go run ./bench/million [-n 1000000] [-sleep 500ms]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

func main() {
	n := flag.Int("n", 1_000_000, "tasks")
	d := flag.Duration("sleep", 500*time.Millisecond, "how long each task sleeps")
	flag.Parse()

	start := time.Now()
	var loopElapsed time.Duration
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		l := sched.LoopOf(co)
		t0 := l.Now()
		aws := make([]coro.Awaitable[struct{}], *n)
		for i := range aws {
			aws[i] = sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				return struct{}{}, sched.Sleep(co, *d)
			}))
		}
		_, err := sched.Gather(co, aws...)
		loopElapsed = l.Now().Sub(t0)
		return struct{}{}, err
	}))
	wall := time.Since(start)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("%d tasks sleeping %v, gathered: %.2f s wall (loop clock %.2f s), peak RSS %.2f GB (%.0f B/task), GOMAXPROCS %d\n",
		*n, *d, wall.Seconds(), loopElapsed.Seconds(), float64(ru.Maxrss)*1024/1e9, float64(ru.Maxrss)*1024/float64(*n), runtime.GOMAXPROCS(0))
}
