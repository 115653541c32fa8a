package aio

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"

	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// Process is a child process started with [Start]: asyncio's Process, as
// create_subprocess_exec makes it. Stdin, Stdout and Stderr are streams over
// the pipes Start made, nil where the command had its own. The zero value is
// not usable; a Process may not be copied, and its methods are for the tasks
// of its loop (Pid and Signal for any goroutine).
type Process struct {
	Stdin  *Stream // write-only (reads return io.EOF): the child reads the end after CloseWrite or Close
	Stdout *Stream // read-only (writes fail); closes itself once read to the end
	Stderr *Stream // read-only (writes fail); closes itself once read to the end

	cmd     *exec.Cmd
	loop    *sched.Loop
	waiters []*waitpoint
	onExit  func()

	mu     sync.Mutex // guards what the waiting goroutine hands over
	exited bool
	err    error // cmd.Wait's
	wanted bool  // a task waits in Wait
}

// Start starts cmd, as cmd.Start does, and returns the running process:
// asyncio's create_subprocess_exec. Each of cmd.Stdin, cmd.Stdout and
// cmd.Stderr left nil becomes a pipe, and the matching Process field a
// [Stream] over it (default options); one set by the caller is left alone
// (set it to an *os.File, such as os.Stdout, to share it with the child
// without a copying goroutine). A goroutine of the process waits for it to
// exit.
//
// The streams fill as the child writes; a child writing more than twice the
// Limit to a pipe nobody reads blocks, as with asyncio: read Stdout and Stderr,
// or use [Process.Communicate]. Start returns cmd.Start's error, with every
// pipe closed. It must be called from a task of a running loop.
func Start(co *coro.Co, cmd *exec.Cmd) (*Process, error) {
	if cmd == nil {
		panic("aio.Start: nil command")
	}
	l := sched.LoopOf(co)
	if l == nil {
		return nil, errNoLoop
	}
	var parent, child []*os.File // our ends, the child's ends
	fail := func(err error) (*Process, error) {
		for _, f := range append(parent, child...) {
			f.Close()
		}
		return nil, err
	}
	var stdin, stdout, stderr *os.File
	pipe := func(forChild **os.File, ours **os.File, childReads bool) error {
		r, w, err := os.Pipe()
		if err != nil {
			return err
		}
		if childReads {
			*forChild, *ours = r, w
		} else {
			*forChild, *ours = w, r
		}
		parent = append(parent, *ours)
		child = append(child, *forChild)
		return nil
	}
	var cin, cout, cerr *os.File
	if cmd.Stdin == nil {
		if err := pipe(&cin, &stdin, true); err != nil {
			return fail(err)
		}
		cmd.Stdin = cin
	}
	if cmd.Stdout == nil {
		if err := pipe(&cout, &stdout, false); err != nil {
			return fail(err)
		}
		cmd.Stdout = cout
	}
	if cmd.Stderr == nil {
		if err := pipe(&cerr, &stderr, false); err != nil {
			return fail(err)
		}
		cmd.Stderr = cerr
	}
	if err := cmd.Start(); err != nil {
		return fail(err)
	}
	for _, f := range child {
		f.Close() // the child has its copies
	}
	p := &Process{cmd: cmd, loop: l}
	p.onExit = p.exitEvent
	if stdin != nil {
		p.Stdin = newStream(l, &writePipe{f: stdin}, false, true, nil)
		p.Stdin.name = "stdin of " + p.String()
	}
	if stdout != nil {
		p.Stdout = newStream(l, stdout, true, false, nil)
		p.Stdout.name = "stdout of " + p.String()
	}
	if stderr != nil {
		p.Stderr = newStream(l, stderr, true, false, nil)
		p.Stderr.name = "stderr of " + p.String()
	}
	go p.waitLoop()
	return p, nil
}

// writePipe is the parent's end of the child's stdin: CloseWrite closes it,
// and closing twice is harmless.
type writePipe struct {
	f    *os.File
	once sync.Once
	err  error
}

func (w *writePipe) Read(p []byte) (int, error)  { return 0, errNotReadable }
func (w *writePipe) Write(p []byte) (int, error) { return w.f.Write(p) }
func (w *writePipe) CloseWrite() error           { return w.Close() }
func (w *writePipe) Close() error {
	w.once.Do(func() { w.err = w.f.Close() })
	return w.err
}

var errNotReadable = errors.New("aio: stream is not readable")

// waitLoop is the waiting goroutine: cmd.Wait, then the news to the loop if a
// task waits.
func (p *Process) waitLoop() {
	err := p.cmd.Wait()
	p.mu.Lock()
	p.exited, p.err = true, err
	post := p.wanted
	p.mu.Unlock()
	if post {
		p.loop.CallSoonThreadsafe(p.onExit)
	}
}

func (p *Process) exitEvent() {
	for i, w := range p.waiters {
		w.wake()
		p.waiters[i] = nil
	}
	p.waiters = p.waiters[:0]
}

// Pid returns the process id of the child.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// String describes the process: "process 1234 (sleep)".
func (p *Process) String() string {
	return "process " + strconv.Itoa(p.Pid()) + " (" + p.cmd.Path + ")"
}

// Signal sends sig to the child (asyncio's send_signal); Kill and SIGTERM are
// asyncio's kill and terminate. Once the child has exited and been waited for,
// it returns os.ErrProcessDone.
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill kills the child: Signal(os.Kill).
func (p *Process) Kill() error { return p.Signal(os.Kill) }

// ExitCode returns the child's exit status once it has exited (asyncio's
// returncode): its exit code, or minus the number of the signal that ended it
// (-9 for a kill), as asyncio has it. ok is false while the child runs
// (asyncio's None).
func (p *Process) ExitCode() (code int, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.exited {
		return 0, false
	}
	ps := p.cmd.ProcessState
	if ws, isWS := ps.Sys().(syscall.WaitStatus); isWS && ws.Signaled() {
		return -int(ws.Signal()), true
	}
	return ps.ExitCode(), true
}

// Wait waits for the child to exit and returns what cmd.Wait returns: nil, an
// *exec.ExitError for a non-zero exit or a signal, or another error. It does
// not read the pipes: a child blocked writing to a full one never exits (see
// Communicate). Wait after the exit returns the same result at once; any
// number of tasks may wait, and a cancelled Wait leaves the child running.
// While a task waits, the loop is kept alive.
func (p *Process) Wait(co *coro.Co) error {
	for {
		p.mu.Lock()
		if p.exited {
			err := p.err
			p.mu.Unlock()
			return err
		}
		p.wanted = true
		p.mu.Unlock()
		if _, err := loopOf(co, p.loop); err != nil {
			return err
		}
		w := &waitpoint{loop: p.loop, what: "Wait " + p.String()}
		p.waiters = append(p.waiters, w)
		if err := w.await(co); err != nil {
			p.waiters = removeWaiter(p.waiters, w)
			return err
		}
	}
}

// Communicate writes input to the child's stdin and closes it, reads its
// stdout and stderr to the end, all at once (three tasks, so that neither pipe
// can fill while the other is read), then waits for the child to exit:
// asyncio's communicate. It returns what was read from the pipes Start made
// (nil for one the caller set) and Wait's error. A child that stops reading
// its stdin early is not an error (a broken pipe is ignored, as in asyncio).
//
// Unlike asyncio, Communicate closes a piped stdin even when input is nil, as
// Python's subprocess.Popen.communicate does: a child reading its stdin would
// otherwise never end. Input for a stdin that is not a pipe is an error.
// Cancelling Communicate cancels its reads and writes and leaves the child
// running.
func (p *Process) Communicate(co *coro.Co, input []byte) (stdout, stderr []byte, err error) {
	if input != nil && p.Stdin == nil {
		return nil, nil, errNoStdin
	}
	var parts []coro.Awaitable[[]byte]
	if p.Stdin != nil {
		parts = append(parts, coro.New(func(co *coro.Co) ([]byte, error) {
			return nil, p.feed(co, input)
		}))
	}
	read := func(s *Stream) coro.Awaitable[[]byte] {
		return coro.New(func(co *coro.Co) ([]byte, error) {
			b, err := s.ReadAll(co)
			if err == nil {
				// Only once read to the end, as asyncio's _read_stream: a
				// cancelled Communicate leaves the child its pipe.
				s.Close()
			}
			return b, err
		})
	}
	outAt, errAt := -1, -1
	if p.Stdout != nil {
		outAt = len(parts)
		parts = append(parts, read(p.Stdout))
	}
	if p.Stderr != nil {
		errAt = len(parts)
		parts = append(parts, read(p.Stderr))
	}
	if len(parts) > 0 {
		res, err := sched.Gather(co, parts...)
		if err != nil {
			return nil, nil, err
		}
		if outAt >= 0 {
			stdout = res[outAt]
		}
		if errAt >= 0 {
			stderr = res[errAt]
		}
	}
	return stdout, stderr, p.Wait(co)
}

// feed is asyncio's _feed_stdin: write, drain, close, ignoring a child that
// has stopped reading.
func (p *Process) feed(co *coro.Co, input []byte) error {
	s := p.Stdin
	_, err := s.Write(input)
	if err == nil {
		err = s.Drain(co)
	}
	if err != nil && !brokenPipe(err) && !errors.Is(err, ErrClosed) {
		return err
	}
	s.Close()
	if err := s.WaitClosed(co); err != nil && !brokenPipe(err) {
		return err
	}
	return nil
}

func brokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}
