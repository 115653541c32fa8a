package sched_test

// The task-group trace: testdata/taskgroup_child_fails.py is an asyncio
// scenario that prints the order in which things happen; its .out is python3's
// output, committed beside it (regenerate with
// python3 testdata/taskgroup_child_fails.py > testdata/taskgroup_child_fails.out).
// The Go test plays the scenario with sched.Group under VirtualTime and must
// print the same lines.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// gtValueError is the scenario's ValueError("failer broke").
var gtValueError = errors.New("failer broke")

func TestTraceTaskGroupChildFails(t *testing.T) {
	leaktest.Check(t)
	var out []string
	printf := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	sibling := func(n int) func(co *coro.Co) error {
		return func(co *coro.Co) error {
			printf("sibling %d: sleeps %ds", n, n)
			if err := sched.Sleep(co, time.Duration(n)*time.Second); err != nil {
				if errors.Is(err, sched.ErrCancelled) {
					printf("sibling %d: cancelled", n)
				}
				return err
			}
			printf("sibling %d: wakes", n)
			return nil
		}
	}
	failer := func(co *coro.Co) error {
		printf("failer: sleeps 1s")
		if err := sched.Sleep(co, time.Second); err != nil {
			return err
		}
		printf("failer: raises ValueError")
		return gtValueError
	}

	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		g := sched.NewGroup(co)
		g.Spawn(sibling(2))
		g.Spawn(failer)
		g.Spawn(sibling(3))
		printf("body: sleeps 10s")
		if err := sched.Sleep(co, 10*time.Second); err != nil {
			if errors.Is(err, sched.ErrCancelled) {
				printf("body: cancelled")
			}
		} else {
			printf("body: wakes")
		}
		switch err := g.Wait(co); {
		case err == nil:
			printf("main: the group ended without an error")
		default:
			j, ok := err.(interface{ Unwrap() []error })
			if !ok {
				return struct{}{}, fmt.Errorf("Wait = %v; want a group of errors", err)
			}
			printf("main: ExceptionGroup with %d exception(s)", len(j.Unwrap()))
			for _, e := range j.Unwrap() {
				class := "<unexpected>"
				if errors.Is(e, gtValueError) {
					class = "ValueError"
				}
				printf("main:   %s: %v", class, e)
			}
		}
		printf("main: cancelling() = %d", sched.Current(co).Cancelling())
		return struct{}{}, nil
	}), sched.VirtualTime())
	if err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(filepath.Join("testdata", "taskgroup_child_fails.out"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("trace of testdata/taskgroup_child_fails.py (-want +got):\n%s", diff)
	}
}
