package difftest

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

//go:embed driver.py
var driverSource string

// PythonRunner is one python3 process running driver.py, to which programs are
// sent in batches. It is not safe for concurrent use.
type PythonRunner struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	next int
}

// StartPython starts python3 with the driver. It returns an error wrapping
// exec.ErrNotFound if there is no python3.
func StartPython() (*PythonRunner, error) {
	path, err := exec.LookPath("python3")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, "-c", driverSource)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &PythonRunner{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<16)}, nil
}

// Run runs the programs on CPython and returns their results in order.
func (r *PythonRunner) Run(progs []*Prog) ([]Result, error) {
	srcs := make([]string, len(progs))
	for i, p := range progs {
		srcs[i] = Python(p)
	}
	return r.RunSources(srcs)
}

// RunSources runs Python sources made by Python.
func (r *PythonRunner) RunSources(srcs []string) ([]Result, error) {
	first := r.next
	r.next += len(srcs)
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(r.in)
		for i, src := range srcs {
			src = strings.TrimSuffix(src, "\n")
			fmt.Fprintf(w, "@@prog %d %d\n%s\n", first+i, strings.Count(src, "\n")+1, src)
		}
		werr <- w.Flush()
	}()
	res := make([]Result, len(srcs))
	for i := range srcs {
		hdr, err := r.out.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("difftest: reading from python3: %w", err)
		}
		f := strings.Fields(hdr)
		if len(f) != 5 || f[0] != "@@trace" || f[1] != strconv.Itoa(first+i) {
			return nil, fmt.Errorf("difftest: python3 driver said %q", hdr)
		}
		mainEnd, _ := strconv.Atoi(f[2])
		n, _ := strconv.Atoi(f[4])
		res[i] = Result{MainEnd: mainEnd, Dead: f[3] == "1", DeadShutdown: f[3] == "2", Lines: make([]string, n)}
		for j := range n {
			line, err := r.out.ReadString('\n')
			if err != nil {
				return nil, fmt.Errorf("difftest: reading from python3: %w", err)
			}
			res[i].Lines[j] = strings.TrimSuffix(line, "\n")
		}
	}
	if err := <-werr; err != nil {
		return nil, err
	}
	return res, nil
}

// Close ends the python3 process.
func (r *PythonRunner) Close() error {
	r.in.Close()
	err := r.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("difftest: python3 driver: %w", err)
	}
	return err
}
