package aio_test

import (
	"fmt"
	"strings"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// An upper-casing echo server and a client on one loop: the server's task per
// connection reads lines and writes them back; the client writes three lines,
// reads the answers, then closes its writing half, which ends the server's
// Lines loop. The loop's goroutine never blocks: every read suspends a task.
func Example() {
	_, err := sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		sv, err := aio.Listen(co, "tcp", "127.0.0.1:0", func(co *coro.Co, s *aio.Stream) error {
			for line, err := range s.Lines(co) {
				if err != nil {
					return err
				}
				s.Write([]byte(strings.ToUpper(string(line))))
				if err := s.Drain(co); err != nil {
					return err
				}
			}
			s.Write([]byte("bye\n"))
			return nil // the server flushes and closes the stream
		})
		if err != nil {
			return struct{}{}, err
		}
		c, err := aio.Dial(co, "tcp", sv.Addr().String())
		if err != nil {
			return struct{}{}, err
		}
		defer c.Close()
		for _, word := range []string{"one", "two", "three"} {
			c.Write([]byte(word + "\n"))
			line, err := c.ReadLine(co)
			if err != nil {
				return struct{}{}, err
			}
			fmt.Printf("%q\n", line)
		}
		c.CloseWrite() // the server reads the end of the stream
		rest, err := c.ReadAll(co)
		fmt.Printf("%q %v\n", rest, err)
		sv.Close()
		return struct{}{}, sv.Wait(co)
	}))
	fmt.Println("run:", err)
	// Output:
	// "ONE\n"
	// "TWO\n"
	// "THREE\n"
	// "bye\n" <nil>
	// run: <nil>
}
