package aio_test

// Ports of CPython 3.11's Lib/test/test_asyncio/test_subprocess.py
// (SubprocessMixin), tallied in conformance/TALLY.md. The child programs,
// Python one-liners there, are modes of this test binary (main_test.go).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
	"github.com/corio-go/corio/sched"
)

// exitCode returns p's exit status, failing t if it has not exited.
func exitCode(t *testing.T, p *aio.Process) int {
	t.Helper()
	code, ok := p.ExitCode()
	if !ok {
		t.Errorf("ExitCode: the process has not exited")
	}
	return code
}

func TestCPythonSubprocessStdinStdout(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		return sched.WithTimeout(co, 60*time.Second, func(co *coro.Co) error {
			p, err := aio.Start(co, helper("cat"))
			if err != nil {
				return err
			}
			p.Stdin.Write([]byte("some data"))
			if err := p.Stdin.Drain(co); err != nil {
				return err
			}
			p.Stdin.Close()
			data, err := p.Stdout.ReadAll(co)
			if err != nil {
				return err
			}
			if err := p.Wait(co); err != nil {
				return err
			}
			if code := exitCode(t, p); code != 0 || string(data) != "some data" {
				t.Errorf("cat = %d, %q; want 0, some data", code, data)
			}
			p.Stderr.Close()
			return nil
		})
	})
}

func TestCPythonSubprocessCommunicate(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, helper("cat"))
		if err != nil {
			return err
		}
		stdout, stderr, err := p.Communicate(co, []byte("some data"))
		if code := exitCode(t, p); code != 0 || string(stdout) != "some data" || len(stderr) != 0 || err != nil {
			t.Errorf("Communicate = %q, %q, %v (exit %d); want some data, empty, nil (0)", stdout, stderr, err, code)
		}
		return nil
	})
}

// sh runs a shell command: asyncio's create_subprocess_shell.
func sh(t *testing.T, command string) *exec.Cmd {
	t.Helper()
	path, err := exec.LookPath("sh")
	if err != nil {
		t.Skipf("no sh: %v", err)
	}
	cmd := exec.Command(path, "-c", command)
	devNull(t, cmd)
	return cmd
}

// devNull gives cmd /dev/null for the streams left nil (asyncio's default is
// to inherit; Start's is a pipe).
func devNull(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	f, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if cmd.Stdin == nil {
		cmd.Stdin = f
	}
	if cmd.Stdout == nil {
		cmd.Stdout = f
	}
	if cmd.Stderr == nil {
		cmd.Stderr = f
	}
}

func TestCPythonSubprocessShell(t *testing.T) {
	leaktest.Check(t)
	cmd := sh(t, "exit 7")
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, cmd)
		if err != nil {
			return err
		}
		var exit *exec.ExitError
		if err := p.Wait(co); !errors.As(err, &exit) || exitCode(t, p) != 7 {
			t.Errorf("Wait = %v, exit code %d; want an ExitError, 7", err, exitCode(t, p))
		}
		if p.Stdin != nil || p.Stdout != nil || p.Stderr != nil {
			t.Errorf("streams made for streams the caller set")
		}
		return nil
	})
}

// blocked is PROGRAM_BLOCKED: a child that sleeps, with its streams on
// /dev/null.
func blocked(t *testing.T) *exec.Cmd {
	cmd := helper("sleep")
	devNull(t, cmd)
	return cmd
}

func testSignal(t *testing.T, send func(p *aio.Process) error, want int) {
	leaktest.Check(t)
	cmd := blocked(t)
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, cmd)
		if err != nil {
			return err
		}
		if err := send(p); err != nil {
			return err
		}
		p.Wait(co)
		if code := exitCode(t, p); code != want {
			t.Errorf("exit status %d; want %d", code, want)
		}
		return nil
	})
}

func TestCPythonSubprocessKill(t *testing.T) {
	testSignal(t, (*aio.Process).Kill, -int(syscall.SIGKILL))
}

func TestCPythonSubprocessTerminate(t *testing.T) {
	testSignal(t, func(p *aio.Process) error { return p.Signal(syscall.SIGTERM) }, -int(syscall.SIGTERM))
}

// test_kill_issue43884: killing a shell whose child keeps the stdout pipe
// open. Wait returns at the shell's death; closing Stdout lets the stream go
// without waiting for the grandchild.
func TestCPythonSubprocessKillIssue43884(t *testing.T) {
	leaktest.Check(t)
	cmd := sh(t, "sleep 1; sleep 1")
	cmd.Stdout = nil // a pipe
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, cmd)
		if err != nil {
			return err
		}
		sched.Sleep(co, 100*time.Millisecond)
		p.Kill()
		p.Wait(co)
		if code := exitCode(t, p); code != -int(syscall.SIGKILL) {
			t.Errorf("exit status %d; want -9", code)
		}
		p.Stdout.Close()
		return p.Stdout.WaitClosed(co)
	})
}

func TestCPythonSubprocessSendSignal(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		cmd := helper("sleep")
		p, err := aio.Start(co, cmd)
		if err != nil {
			return err
		}
		defer p.Stderr.Close()
		p.Stdin.Close()
		line, err := p.Stdout.ReadLine(co)
		if string(line) != "sleeping\n" || err != nil {
			t.Errorf("ReadLine = %q, %v", line, err)
		}
		p.Signal(syscall.SIGHUP)
		p.Wait(co)
		if code := exitCode(t, p); code != -int(syscall.SIGHUP) {
			t.Errorf("exit status %d; want %d", code, -int(syscall.SIGHUP))
		}
		p.Stdout.Close()
		return nil
	})
}

// test_stdin_broken_pipe: the child exits while its stdin is being fed;
// Drain reports the broken pipe.
func TestCPythonSubprocessStdinBrokenPipe(t *testing.T) {
	leaktest.Check(t)
	large := make([]byte, 4<<20)
	run(t, func(co *coro.Co) error {
		r, w, err := os.Pipe()
		if err != nil {
			return err
		}
		defer r.Close()
		defer w.Close()
		cmd := helper("read-fd3-exit")
		cmd.ExtraFiles = []*os.File{r}
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		p, err := aio.Start(co, cmd)
		if err != nil {
			return err
		}
		p.Stdin.Write(large)
		w.Write([]byte("go")) // the child exits once the write buffer is filled
		err = p.Stdin.Drain(co)
		if !errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("Drain = %v; want a broken pipe", err)
		}
		p.Stdin.Close()
		return p.Wait(co)
	})
}

func TestCPythonSubprocessCommunicateIgnoreBrokenPipe(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		cmd := helper("exit-now")
		p, err := aio.Start(co, cmd)
		if err != nil {
			return err
		}
		if _, _, err := p.Communicate(co, make([]byte, 4<<20)); err != nil {
			t.Errorf("Communicate = %v; want a broken pipe ignored", err)
		}
		return p.Wait(co)
	})
}

// test_pause_reading: a child writing more than twice the limit pauses the
// stream, which resumes as it is read.
func TestCPythonSubprocessPauseReading(t *testing.T) {
	leaktest.Check(t)
	const limit = 10
	size := limit*2 + 1
	run(t, func(co *coro.Co) error {
		cmd := helper("print", strings.Repeat("x", size-1)) // and a newline
		p, err := aio.Start(co, cmd)
		if err != nil {
			return err
		}
		// Start's streams have the default limit: wrap the child's stdout
		// in a stream with the small one instead, as asyncio's limit=.
		p.Stdout.Close()
		p.Wait(co)
		r, w, err := os.Pipe()
		if err != nil {
			return err
		}
		s := aio.NewStream(co, r, aio.Limit(limit))
		defer s.Close()
		w.WriteString(strings.Repeat("x", size))
		w.Close()
		for !aio.Paused(s) {
			sched.Sleep(co, time.Millisecond)
		}
		b, err := s.ReadAll(co)
		if string(b) != strings.Repeat("x", size) || err != nil {
			t.Errorf("ReadAll = %q, %v", b, err)
		}
		return nil
	})
}

func testCountStdin(t *testing.T, mode string, input []byte, want string) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, helper(mode))
		if err != nil {
			return err
		}
		stdout, _, err := p.Communicate(co, input)
		if strings.TrimSpace(string(stdout)) != want || err != nil || exitCode(t, p) != 0 {
			t.Errorf("Communicate = %q, %v (exit %d); want %s, nil (0)", stdout, err, exitCode(t, p), want)
		}
		return nil
	})
}

// Go never lets a child inherit a descriptor it did not pass: the parent's
// end of the stdin pipe is not inherited, and communicate ends.
func TestCPythonSubprocessStdinNotInheritable(t *testing.T) {
	testCountStdin(t, "count-stdin", []byte("abc"), "3")
}

func TestCPythonSubprocessEmptyInput(t *testing.T) {
	testCountStdin(t, "count-stdin", []byte{}, "0")
}

func TestCPythonSubprocessDevstdinInput(t *testing.T) {
	if _, err := os.Stat("/dev/stdin"); err != nil {
		t.Skip("no /dev/stdin")
	}
	testCountStdin(t, "count-devstdin", []byte("abc"), "3")
}

func TestCPythonSubprocessDevnullInput(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		cmd := helper("count-stdin")
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
		if p.Stdin != nil {
			t.Errorf("Stdin made for a stdin the caller set")
		}
		stdout, _, err := p.Communicate(co, nil)
		if strings.TrimSpace(string(stdout)) != "0" || err != nil {
			t.Errorf("Communicate = %q, %v; want 0", stdout, err)
		}
		return nil
	})
}

func TestCPythonSubprocessDevnullOutputAndError(t *testing.T) {
	leaktest.Check(t)
	for _, which := range []string{"stdout", "stderr"} {
		run(t, func(co *coro.Co) error {
			cmd := helper("count-stdin")
			f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			if which == "stdout" {
				cmd.Stdout = f
			} else {
				cmd.Stderr = f
			}
			p, err := aio.Start(co, cmd)
			if err != nil {
				return err
			}
			stdout, stderr, err := p.Communicate(co, []byte("abc"))
			got := stdout
			if which == "stderr" {
				got = stderr
			}
			if got != nil || err != nil || exitCode(t, p) != 0 {
				t.Errorf("%s on /dev/null: Communicate = %q, %v; want nil, nil", which, got, err)
			}
			return nil
		})
	}
}

func TestCPythonSubprocessCancelProcessWait(t *testing.T) {
	leaktest.Check(t)
	cmd := blocked(t)
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, cmd)
		if err != nil {
			return err
		}
		task := sched.Spawn(co, coro.New(func(co *coro.Co) (struct{}, error) { return struct{}{}, p.Wait(co) }))
		sched.LoopOf(co).CallSoon(func() { task.Cancel() })
		if _, err := task.Await(co); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Wait = %v", err)
		}
		if _, ok := p.ExitCode(); ok {
			t.Errorf("the child exited when its Wait was cancelled")
		}
		p.Kill()
		p.Wait(co)
		return nil
	})
}

// test_popen_error and test_popen_error_with_stdin_pipe: a start that fails
// closes the pipes it made.
func TestCPythonSubprocessPopenError(t *testing.T) {
	leaktest.Check(t)
	fds := openFDs(t)
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, exec.Command("/nonexistent/program"))
		if p != nil || err == nil {
			t.Errorf("Start of a missing program = %v, %v; want an error", p, err)
		}
		return nil
	})
	if n := openFDs(t); n != fds {
		t.Errorf("%d descriptors open; %d before the failed Start", n, fds)
	}
}

func TestCPythonSubprocessReadStdoutAfterProcessExit(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, helper("big-exit1"))
		if err != nil {
			return err
		}
		p.Stdin.Close()
		defer p.Stderr.Close()
		total := 0
		buf := make([]byte, 65536)
		for {
			n, err := p.Stdout.Read(co, buf)
			total += n
			if err != nil {
				break
			}
			sched.Sleep(co, 10*time.Millisecond)
		}
		var exit *exec.ExitError
		if err := p.Wait(co); !errors.As(err, &exit) || total != 64*4096 {
			t.Errorf("read %d bytes, Wait = %v; want %d, exit status 1", total, err, 64*4096)
		}
		return nil
	})
}

func TestCPythonSubprocessCommunicateStdout(t *testing.T) {
	leaktest.Check(t)
	var want, got []string
	run(t, func(co *coro.Co) error {
		var all []coro.Awaitable[string]
		for i := range 10 {
			want = append(want, fmt.Sprintf("foo%d", i))
			all = append(all, coro.New(func(co *coro.Co) (string, error) {
				cmd := helper("print", fmt.Sprintf("foo%d", i))
				cmd.Stderr = os.Stderr
				p, err := aio.Start(co, cmd)
				if err != nil {
					return "", err
				}
				stdout, _, err := p.Communicate(co, nil)
				return strings.TrimSpace(string(stdout)), err
			}))
		}
		var err error
		got, err = sched.Gather(co, all...)
		return err
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}
}

func TestCPythonSubprocessRepr(t *testing.T) {
	leaktest.Check(t)
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, blocked(t))
		if err != nil {
			return err
		}
		if got, want := p.String(), fmt.Sprintf("process %d (%s)", p.Pid(), os.Args[0]); got != want {
			t.Errorf("String() = %q; want %q", got, want)
		}
		p.Kill()
		return nil
	})
}
