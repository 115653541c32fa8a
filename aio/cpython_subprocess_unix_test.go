//go:build unix

package aio_test

import (
	"syscall"
	"testing"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/internal/leaktest"
)

// Setsid is a field of Unix's SysProcAttr only.
func TestCPythonSubprocessStartNewSession(t *testing.T) {
	leaktest.Check(t)
	cmd := sh(t, "exit 8")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	run(t, func(co *coro.Co) error {
		p, err := aio.Start(co, cmd)
		if err != nil {
			return err
		}
		p.Wait(co)
		if code := exitCode(t, p); code != 8 {
			t.Errorf("exit code %d; want 8", code)
		}
		return nil
	})
}
