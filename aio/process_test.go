package aio_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// Megabytes on both pipes at once: Communicate reads them together, so
// neither fills while the other is read.
func TestCommunicateLargeBothPipes(t *testing.T) {
	leaktest.Check(t)
	const size = 4 << 20
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, helper("flood", "4194304"))
		if err != nil {
			return err
		}
		stdout, stderr, err := p.Communicate(co, nil)
		if len(stdout) != size || len(stderr) != size || err != nil {
			t.Errorf("Communicate = %d, %d bytes, %v; want %d each", len(stdout), len(stderr), err, size)
		}
		return nil
	})
}

// A child's stdout and stderr read to the end close by themselves; Wait after
// the exit returns at once, for every waiter.
func TestProcessStreamsAndWaiters(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, helper("stderr", "to stderr", "to stdout"))
		if err != nil {
			return err
		}
		if p.Pid() <= 0 {
			t.Errorf("Pid = %d", p.Pid())
		}
		if _, ok := p.ExitCode(); ok {
			t.Errorf("ExitCode before the exit: ok")
		}
		var waiters []coro.Awaitable[struct{}]
		for range 3 {
			waiters = append(waiters, sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) {
				return struct{}{}, p.Wait(co)
			})))
		}
		p.Stdin.Close()
		out, err := p.Stdout.ReadAll(co)
		if string(out) != "to stdout" || err != nil {
			t.Errorf("stdout = %q, %v", out, err)
		}
		errOut, err := p.Stderr.ReadAll(co)
		if string(errOut) != "to stderr" || err != nil {
			t.Errorf("stderr = %q, %v", errOut, err)
		}
		for _, s := range []*aio.Stream{p.Stdout, p.Stderr, p.Stdin} {
			if err := s.WaitClosed(co); err != nil {
				t.Errorf("WaitClosed(%v) = %v", s, err)
			}
		}
		if _, err := sched.Gather(co, waiters...); err != nil {
			return err
		}
		if err := p.Wait(co); err != nil {
			t.Errorf("Wait after the exit = %v", err)
		}
		if code, ok := p.ExitCode(); code != 0 || !ok {
			t.Errorf("ExitCode = %d, %v; want 0, true", code, ok)
		}
		if err := p.Signal(os.Kill); !errors.Is(err, os.ErrProcessDone) {
			t.Errorf("Signal after the exit = %v; want os.ErrProcessDone", err)
		}
		// The read-only streams refuse writes; stdin refuses reads.
		if _, err := p.Stdout.Write([]byte("x")); err == nil {
			t.Errorf("Write to stdout succeeded")
		}
		return nil
	})
}

func TestCommunicateMisuseAndCancel(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		cmd := helper("sleep")
		f, err := os.Open(os.DevNull)
		if err != nil {
			return err
		}
		defer f.Close()
		cmd.Stdin = f
		p, err := aio.Start(co, cmd)
		if err != nil {
			return err
		}
		if _, _, err := p.Communicate(co, []byte("x")); err == nil {
			t.Errorf("Communicate with input and no stdin pipe succeeded")
		}
		err = sched.WithTimeout(co, 20*time.Millisecond, func(co *coro.Co) error {
			_, _, err := p.Communicate(co, nil)
			return err
		})
		if !errors.Is(err, sched.ErrTimeout) {
			t.Errorf("Communicate with a child that sleeps, under a timeout = %v", err)
		}
		if _, ok := p.ExitCode(); ok {
			t.Errorf("the timeout ended the child")
		}
		p.Kill()
		p.Wait(co)
		// The timed-out Communicate closed neither stream: close them.
		p.Stdout.Close()
		p.Stderr.Close()
		return nil
	})
}

// A Process streams' goroutines and its waiting goroutine keep no loop alive
// once nothing waits: a child nobody waits for is not a reason to hang.
func TestProcessWaitKeepsLoopAlive(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, helper("sleep"))
		if err != nil {
			return err
		}
		go func() {
			time.Sleep(20 * time.Millisecond)
			p.Kill() // from another goroutine: Signal is safe there
		}()
		err = p.Wait(co) // only the kill can end this
		if code, _ := p.ExitCode(); code != -9 {
			t.Errorf("Wait = %v, exit %d; want killed", err, code)
		}
		p.Stdin.Close()
		p.Stdout.Close()
		p.Stderr.Close()
		return nil
	})
}
