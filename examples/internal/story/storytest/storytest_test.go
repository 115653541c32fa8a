package storytest_test

import (
	"strings"
	"testing"

	"github.com/corio-go/corio/examples/internal/story/storytest"
)

func TestDiff(t *testing.T) {
	const times = `[0-9]+\.[0-9] s`
	virtual := "clock: virtual\n[1.0 s] a\n[2.0 s] b\n"
	tests := []struct {
		name, real string
		want       string // a part of the description; "" for no difference
	}{
		{"same", virtual, ""},
		{"other times", "clock: real\n[1.1 s] a\n[2.3 s] b\n", ""},
		{"no final newline", "clock: real\n[1.1 s] a\n[2.3 s] b", ""},
		{"other order", "clock: real\n[1.1 s] b\n[2.3 s] a\n", `event 1 on the real clock is "[] b"; on the virtual clock, "[] a"`},
		{"one missing", "clock: real\n[1.1 s] a\n", `event 2 on the real clock is missing (1 events); on the virtual clock, "[] b"`},
		{"one more", "clock: real\n[1.1 s] a\n[2.3 s] b\n[2.3 s] c\n", `event 3 on the real clock is "[] c"; on the virtual clock, missing (2 events)`},
		{"other words", "clock: real\n[1.1 s] a\n[2.3 s] B\n", `event 2 on the real clock is "[] B"`},
	}
	for _, tt := range tests {
		got := storytest.Diff(virtual, tt.real, times)
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("%s: Diff(%q, %q) = %q; want %q", tt.name, virtual, tt.real, got, tt.want)
		}
	}
}

func TestEvents(t *testing.T) {
	got := storytest.Events("clock: real, 1 simulated minute = 30ms\n 5 min  a\n10 min  b (takes 5 min)\n", `^ *[0-9]+ min  `)
	want := []string{"a", "b (takes 5 min)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Events = %q; want %q", got, want)
	}
}
