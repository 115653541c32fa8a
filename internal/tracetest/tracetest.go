// Package tracetest compares what a Go test printed with the trace a CPython
// script printed: each package's testdata/NAME.py prints a trace, its output is
// committed beside it as testdata/NAME.out, and the Go test that plays the same
// scenario must print the same lines.
package tracetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Compare fails t unless got is, line for line, testdata/NAME.out of the
// test's package. The report lists both traces side by side and marks the
// lines that differ.
func Compare(t testing.TB, name string, got []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".out"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if d := diff(want, got); d != "" {
		t.Errorf("trace of testdata/%s.py (python3 | Go, differing lines marked):\n%s", name, d)
	}
}

// diff renders want and got side by side, marking the lines that differ, or
// returns "" if they are equal.
func diff(want, got []string) string {
	var b strings.Builder
	differs := false
	for i := range max(len(want), len(got)) {
		w, g := at(want, i), at(got, i)
		mark := "  "
		if i >= len(want) || i >= len(got) || want[i] != got[i] {
			mark, differs = "> ", true
		}
		fmt.Fprintf(&b, "%s%-40s | %s\n", mark, w, g)
	}
	if !differs {
		return ""
	}
	return b.String()
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(missing)"
}
