package sched

import (
	"github.com/corio-go/corio/coro"
)

// Recv receives from ch as an await: it returns at once if a value is ready
// or ch is closed, and otherwise suspends the calling task (never the loop)
// until one is. ok is false once ch is closed and drained, as for v, ok := <-ch.
//
// A cancellation ends the wait at once with err matching context.Canceled.
// No value is lost to it and none overtakes another: a value that the waiting
// goroutine took from ch as the wait was cancelled is kept, and the next Recv
// of ch on the same loop returns it first.
//
// While a Recv waits, a goroutine waits on ch for it, and keeps the loop
// alive: a task blocked on a channel that another goroutine will send to is not
// a deadlock. That goroutine is gone once the wait ends. A nil ch blocks until
// the task is cancelled, as a receive from a nil channel blocks forever.
func Recv[T any](co *coro.Co, ch <-chan T) (v T, ok bool, err error) {
	t := taskOf(co)
	if t == nil {
		return v, false, errNoLoop
	}
	l := t.loop
	for l.recvBusy[ch] != nil {
		// A cancelled Recv's goroutine may still hold a value of ch: wait for
		// it to hand the value in, so that values come out in order. Each
		// waiter has a future of its own: cancelling one cancels no other.
		w := NewFutureOn[struct{}](l)
		busy := l.recvBusy[ch]
		*busy = append(*busy, w)
		if _, err := w.Await(co); err != nil {
			return v, false, err
		}
	}
	if v, found := l.takeLeftover(ch); found {
		return v.(T), true, nil
	}
	select {
	case v, ok := <-ch:
		return v, ok, nil
	default:
	}
	type received struct {
		v  T
		ok bool
	}
	f := NewFutureOn[received](l)
	stop := make(chan struct{})
	settled := false              // the goroutine has handed in what it had
	var busy *[]*Future[struct{}] // set if the wait was cancelled first
	settle := func() {
		settled = true
		if busy != nil {
			delete(l.recvBusy, ch)
			for _, w := range *busy {
				if !w.Done() {
					w.SetResult(struct{}{})
				}
			}
		}
	}
	release := l.Hold()
	go func() {
		select {
		case v, ok := <-ch:
			l.CallSoonThreadsafe(func() {
				if !f.Done() {
					f.SetResult(received{v, ok})
				} else if ok {
					l.keepLeftover(ch, v) // the wait was cancelled meanwhile
				}
				settle()
			})
		case <-stop:
			l.CallSoonThreadsafe(settle)
		}
		release()
	}()
	r, err := f.Await(co)
	if err != nil {
		close(stop)
		if f.Cancel() || f.Cancelled() {
			if !settled {
				busy = new([]*Future[struct{}])
				if l.recvBusy == nil {
					l.recvBusy = map[any]*[]*Future[struct{}]{}
				}
				l.recvBusy[ch] = busy
			}
		} else if r, _ := f.Result(); r.ok {
			// The value arrived in the iteration the task was cancelled in.
			l.keepLeftover(ch, r.v)
		}
		return v, false, err
	}
	return r.v, r.ok, nil
}

// keepLeftover keeps v, which a cancelled Recv took from ch, for the next
// Recv of ch.
func (l *Loop) keepLeftover(ch any, v any) {
	if l.leftovers == nil {
		l.leftovers = map[any][]any{}
	}
	l.leftovers[ch] = append(l.leftovers[ch], v)
}

// takeLeftover returns the oldest value kept for ch, if any.
func (l *Loop) takeLeftover(ch any) (v any, found bool) {
	q := l.leftovers[ch] // a nil map reads as empty
	if len(q) == 0 {
		return nil, false
	}
	if len(q) == 1 {
		delete(l.leftovers, ch)
	} else {
		l.leftovers[ch] = q[1:]
	}
	return q[0], true
}
