//go:build linux

package aio

import (
	"encoding/binary"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/corio-go/corio/internal/hook"
	"github.com/corio-go/corio/sched"
)

// epoller is a loop's poller on Linux: an epoll instance of its own, holding
// the sockets of the loop's streams, that the loop waits in when idle (and
// polls between steps when busy), as uvloop's loop waits in libuv's. A socket
// that becomes readable is read by the loop itself and the reading task woken
// at once: no goroutine per connection, no hand-off between goroutines per
// message. The sockets stay in Go's own poller too, which the stream's writing
// goroutine and net.Conn's deadlines use; an fd may be in two epoll sets.
//
// Registrations are level-triggered: a socket is reported while it has
// unread bytes, so the loop reads it once per report, and takes it out of the
// set while the stream's buffer is full (Limit's read-ahead), back in when it
// drains.
type epoller struct {
	epfd int
	evfd int // an eventfd: Wake makes it readable

	// life guards epfd against use after Close: control calls, from any
	// goroutine, hold it shared; Close holds it alone. Without it, a stream
	// closed by its writing goroutine after the loop closed could remove a
	// registration from another epoll instance that got the same fd number.
	life   sync.RWMutex
	closed bool

	armed atomic.Bool // the loop may park until an event: Wake must write evfd

	// The loop's goroutine's alone.
	events  []syscall.EpollEvent
	slots   []pollSlot // registered streams, by token
	free    []int32    // free slots
	active  int        // sockets in the set
	scratch []byte     // what one read takes, before it goes to the stream
	handled int        // events handled, for the tests

	// The epoll fd as a file of Go's poller, for the loop to park on.
	file     *os.File
	rc       syscall.RawConn
	parkFn   func(uintptr) bool
	got      int  // events parkFn stored
	deadline bool // file has a read deadline
}

type pollSlot struct {
	s   *Stream
	gen int32 // bumped when the slot is freed: stale events are ignored
}

// wakeToken marks the eventfd's events; a stream's are its slot's index.
const wakeToken = -1

// pollerOf returns l's poller, making it on first use; nil if the loop cannot
// have one (it is closed) or the system refused one.
func pollerOf(l *sched.Loop) *epoller {
	p := hook.InstallPoller(l, func() hook.Poller {
		p, err := newEpoller()
		if err != nil {
			return nil // streams fall back on reading goroutines
		}
		return p
	})
	if p == nil {
		return nil
	}
	return p.(*epoller)
}

func newEpoller() (*epoller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	r, _, e := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
	if e != 0 {
		syscall.Close(epfd)
		return nil, os.NewSyscallError("eventfd2", e)
	}
	p := &epoller{epfd: epfd, evfd: int(r), events: make([]syscall.EpollEvent, 128), scratch: make([]byte, readChunk)}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: wakeToken}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p.evfd, &ev); err != nil {
		syscall.Close(p.evfd)
		syscall.Close(epfd)
		return nil, os.NewSyscallError("epoll_ctl", err)
	}
	// The epoll fd is readable while an event waits in it: Go's poller
	// can wait on it like on a socket.
	if err := syscall.SetNonblock(epfd, true); err != nil {
		syscall.Close(p.evfd)
		syscall.Close(epfd)
		return nil, os.NewSyscallError("fcntl", err)
	}
	p.file = os.NewFile(uintptr(epfd), "epoll")
	if err := p.file.SetReadDeadline(time.Time{}); err != nil {
		// Not in Go's poller after all.
		syscall.Close(p.evfd)
		p.file.Close()
		return nil, err
	}
	rc, err := p.file.SyscallConn()
	if err != nil {
		syscall.Close(p.evfd)
		p.file.Close()
		return nil, err
	}
	p.rc = rc
	p.parkFn = p.doPark
	return p, nil
}

// Arm implements hook.Poller.
func (p *epoller) Arm() { p.armed.Store(true) }

// Disarm implements hook.Poller.
func (p *epoller) Disarm() { p.armed.Store(false) }

// Wake implements hook.Poller: it interrupts the armed loop's wait.
func (p *epoller) Wake() {
	if p.armed.Load() && p.armed.CompareAndSwap(true, false) {
		syscall.Write(p.evfd, eventOne[:])
	}
}

// eventOne is what Wake writes to the eventfd: the count 1.
var eventOne = func() (b [8]byte) {
	binary.NativeEndian.PutUint64(b[:], 1)
	return b
}()

// Busy implements hook.Poller.
func (p *epoller) Busy() bool { return p.active > 0 }

// Poll implements hook.Poller: it waits up to timeout, then reads every
// readable socket into its stream, waking its reading task.
func (p *epoller) Poll(timeout time.Duration) {
	var n int
	if timeout == 0 {
		n = p.waitNow()
	} else {
		n = p.park(timeout)
	}
	p.armed.Store(false)
	p.handled += n
	for i := range n {
		ev := &p.events[i]
		if ev.Fd == wakeToken {
			var b [8]byte
			syscall.Read(p.evfd, b[:])
			continue
		}
		sl := &p.slots[ev.Fd]
		if sl.s == nil || sl.gen != ev.Pad {
			continue // freed since: the event is stale
		}
		sl.s.pollRead(p)
	}
}

// waitNow is epoll_wait with no timeout: it returns how many events it
// stored in p.events.
func (p *epoller) waitNow() int {
	for {
		n, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(p.epfd), uintptr(unsafe.Pointer(&p.events[0])), uintptr(len(p.events)), 0, 0, 0)
		switch e {
		case 0:
			return int(n)
		case syscall.EINTR:
			continue
		default:
			panic(os.NewSyscallError("epoll_wait", e))
		}
	}
}

// park waits, up to timeout (< 0: with no limit), for an event and returns
// how many it stored in p.events: 0 at the timeout. The epoll instance is
// itself in Go's poller, so the loop's goroutine parks there like any
// goroutine waiting for a socket, and is resumed by whichever thread runs
// the scheduler — often the one that made the socket ready — instead of a
// thread of its own sleeping in a system call and woken across CPUs.
func (p *epoller) park(timeout time.Duration) int {
	if timeout > 0 {
		p.file.SetReadDeadline(time.Now().Add(timeout))
		p.deadline = true
	} else if p.deadline {
		p.file.SetReadDeadline(time.Time{})
		p.deadline = false
	}
	p.got = 0
	p.rc.Read(p.parkFn) // an error is the deadline: nothing arrived
	return p.got
}

func (p *epoller) doPark(uintptr) bool {
	p.got = p.waitNow()
	return p.got > 0
}

// Close implements hook.Poller: the loop is closing. The loop is not running,
// so the poller is not armed, and a Wake from a goroutine releasing a hold
// late writes nothing.
func (p *epoller) Close() {
	p.life.Lock()
	defer p.life.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	syscall.Close(p.evfd)
	p.file.Close() // and with it epfd
	for i := range p.slots {
		p.slots[i].s = nil
	}
}

// ctl changes fd's registration, unless the poller is closed.
func (p *epoller) ctl(op int, fd int, events uint32, token, gen int32) error {
	p.life.RLock()
	defer p.life.RUnlock()
	if p.closed {
		return os.ErrClosed
	}
	ev := syscall.EpollEvent{Events: events, Fd: token, Pad: gen}
	return syscall.EpollCtl(p.epfd, op, fd, &ev)
}

const pollIn = syscall.EPOLLIN | syscall.EPOLLRDHUP

// add registers s's socket, with the interest on; on the loop's goroutine.
func (p *epoller) add(s *Stream) bool {
	var token int32
	if n := len(p.free); n > 0 {
		token = p.free[n-1]
		p.free = p.free[:n-1]
	} else {
		token = int32(len(p.slots))
		p.slots = append(p.slots, pollSlot{})
	}
	sl := &p.slots[token]
	sl.s, s.token = s, token
	if p.interest(s, true) != nil {
		sl.s, s.token = nil, -1
		p.free = append(p.free, token)
		return false
	}
	return true
}

// interest turns s's reading on or off; on the loop's goroutine. Off takes
// the socket out of the set, rather than registering it for no event: epoll
// reports a hang-up or an error even then, and the loop would read on past
// the Limit. It returns why the socket could not go into the set; taking it
// out cannot fail but for a socket closed already, which closing took out.
func (p *epoller) interest(s *Stream, on bool) error {
	if s.pollOn == on || s.token < 0 {
		return nil
	}
	op := syscall.EPOLL_CTL_DEL
	if on {
		op = syscall.EPOLL_CTL_ADD
	}
	var err error
	if cerr := s.raw.rc.Control(func(fd uintptr) {
		err = p.ctl(op, int(fd), pollIn, s.token, p.slots[s.token].gen)
	}); cerr != nil {
		err = cerr
	}
	if on && err != nil {
		return err
	}
	s.pollOn = on
	if on {
		p.active++
	} else {
		p.active--
	}
	return nil
}

// remove drops s's registration and frees its slot; on the loop's goroutine,
// once s will read no more. The socket may be closed already: closing it
// removed it from the epoll set.
func (p *epoller) remove(s *Stream) {
	if s.token < 0 {
		return
	}
	p.interest(s, false)
	sl := &p.slots[s.token]
	sl.s = nil
	sl.gen++
	p.free = append(p.free, s.token)
	s.token = -1
}

// readNow reads the socket once, without waiting, into buf: n bytes, or
// io.EOF, or the error; nothing (0, nil) if it had nothing after all. It
// passes buf and the result through r's fields, so that it allocates nothing.
func (r *rawConn) readNow(buf []byte) (int, error) {
	r.nbuf, r.nn, r.nerr = buf, 0, nil
	if r.nowFn == nil {
		r.nowFn = r.doReadNow
	}
	if err := r.rc.Read(r.nowFn); err != nil {
		r.nbuf = nil
		return 0, err
	}
	n, err := r.nn, r.nerr
	r.nbuf, r.nerr = nil, nil
	return n, err
}

func (r *rawConn) doReadNow(fd uintptr) bool {
	for {
		n, err := syscall.Read(int(fd), r.nbuf)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
		case err != nil:
			r.nerr = os.NewSyscallError("read", err)
		case n == 0:
			r.nerr = io.EOF
		default:
			r.nn = n
		}
		return true
	}
}

// forget removes s's socket from the epoll set before it is closed, from any
// goroutine: a socket whose fd was duplicated (Conn().File()) would stay in
// the set, reported readable for ever. The loop frees the slot later (unpoll).
func (p *epoller) forget(s *Stream) {
	s.raw.rc.Control(func(fd uintptr) {
		p.ctl(syscall.EPOLL_CTL_DEL, int(fd), 0, 0, 0)
	})
}

// unpoll frees s's slot once it is closed; on the loop's goroutine.
func (s *Stream) unpoll() { s.poll.remove(s) }

// pollRead runs on the loop when s's socket is readable: one read, into s.in
// as the reading goroutine's reads go, and the reading task woken if it waits.
func (s *Stream) pollRead(p *epoller) {
	n, err := s.raw.readNow(p.scratch)
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return // closed meanwhile
	}
	if n > 0 {
		s.in = append(s.in, p.scratch[:n]...)
	}
	if err != nil {
		s.ended = true
		s.endErr = s.readEndErr(err)
		p.remove(s)
	} else if s.full() {
		s.paused = true
		p.interest(s, false)
	}
	s.unlockAndWake()
}
