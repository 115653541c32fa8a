package tracetest

import (
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	if d := diff([]string{"a", "b"}, []string{"a", "b"}); d != "" {
		t.Errorf("diff of equal traces = %q; want empty", d)
	}
	d := diff([]string{"a", "b"}, []string{"a", "c", "d"})
	if strings.Count(d, "> ") != 2 || !strings.Contains(d, "(missing)") {
		t.Errorf("diff marks %d lines:\n%s\nwant 2, and the missing one named", strings.Count(d, "> "), d)
	}
}
