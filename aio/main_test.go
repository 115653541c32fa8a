package aio_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain doubles as the child process of the process tests: run with
// AIO_HELPER set, the test binary acts out that part instead of testing (the
// tests need no program but themselves).
func TestMain(m *testing.M) {
	if mode := os.Getenv("AIO_HELPER"); mode != "" {
		os.Exit(helperMain(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// helper returns a command running the test binary as the helper child mode.
func helper(mode string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "AIO_HELPER="+mode)
	return cmd
}

func helperMain(mode string, args []string) int {
	switch mode {
	case "cat": // stdin to stdout
		io.Copy(os.Stdout, os.Stdin)
	case "write-fd3": // args[0] to the first extra file
		f := os.NewFile(3, "fd3")
		f.WriteString(args[0])
		f.Close()
	case "exit": // exit with args[0]
		n, _ := strconv.Atoi(args[0])
		return n
	case "stderr": // args[0] to stderr, args[1] to stdout
		os.Stderr.WriteString(args[0])
		os.Stdout.WriteString(args[1])
	case "flood": // args[0] bytes to stdout and to stderr, alternating 4 KiB at a time
		n, _ := strconv.Atoi(args[0])
		chunk := []byte(strings.Repeat("x", 4096))
		for sent := 0; sent < n; sent += len(chunk) {
			c := chunk[:min(len(chunk), n-sent)]
			os.Stdout.Write(c)
			os.Stderr.Write(c)
		}
	case "sleep": // until killed, or a minute
		fmt.Println("sleeping")
		time.Sleep(time.Minute)
	case "signal": // report the first SIGHUP, then exit
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGHUP)
		fmt.Println("ready")
		select {
		case s := <-ch:
			fmt.Println("got", s)
		case <-time.After(time.Minute):
		}
	case "count-stdin": // read stdin to the end, print how many bytes
		n, _ := io.Copy(io.Discard, bufio.NewReader(os.Stdin))
		fmt.Println(n)
	case "exit-now": // exit at once, without reading stdin
		return 0
	case "read-fd3-exit": // wait for a byte on the first extra file, then exit
		f := os.NewFile(3, "fd3")
		f.Read(make([]byte, 1))
	case "count-devstdin": // read /dev/stdin to the end, print how many bytes
		f, err := os.Open("/dev/stdin")
		if err != nil {
			fmt.Println(err)
			return 1
		}
		n, _ := io.Copy(io.Discard, f)
		fmt.Println(n)
	case "print": // args[0] and a newline to stdout
		fmt.Println(args[0])
	case "big-exit1": // 64 writes of 4 KiB to stdout, then exit 1
		for range 64 {
			os.Stdout.WriteString(strings.Repeat("x", 4096))
		}
		return 1
	default:
		fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
		return 2
	}
	return 0
}
