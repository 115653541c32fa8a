package aio_test

import (
	"errors"
	"testing"
	"time"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// A second reader that comes while the first has been woken by data but has
// not yet run is a concurrent reader too: it gets ErrConcurrentRead, and the
// first reader still gets its line. (It used to take over the first reader's
// wait: one of the two was never woken, and could not even be cancelled.)
func TestConcurrentReaderWhileFirstIsWoken(t *testing.T) {
	withFeed(t, nil, func(co *coro.Co, c *feedConn, s *aio.Stream) error {
		first := sched.Spawn(co, coro.New(func(co *coro.Co) ([]byte, error) { return s.ReadLine(co) }))
		sched.Sleep(co, 0) // first waits for a line
		c.feed("abc")
		// On the loop's goroutine: until the reading goroutine has taken
		// "abc" and handed the loop its event, which then runs after this
		// task's next step; the step after that comes before the first
		// reader's, which the event woke.
		c.idle()
		sched.Sleep(co, 0)
		sched.Sleep(co, 0)
		err := sched.WithTimeout(co, time.Second, func(co *coro.Co) error {
			b, err := s.ReadLine(co)
			if err == nil {
				t.Errorf("second ReadLine = %q; want ErrConcurrentRead", b)
			}
			return err
		})
		if !errors.Is(err, aio.ErrConcurrentRead) {
			t.Errorf("second ReadLine while the first is woken = %v; want ErrConcurrentRead", err)
		}
		c.feed("def\n")
		if b, err := first.Await(co); string(b) != "abcdef\n" || err != nil {
			t.Errorf("first reader = %q, %v; want abcdef\\n", b, err)
		}
		return nil
	})
}
