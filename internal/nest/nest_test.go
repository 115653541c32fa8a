package nest_test

import (
	"testing"

	"github.com/corio-go/corio/internal/nest"
)

//go:noinline
func deep(n int, f func() bool) bool {
	if n == 0 {
		return f()
	}
	return deep(n-1, f)
}

func TestInside(t *testing.T) {
	if nest.Inside() {
		t.Errorf("Inside() outside Body = true")
	}
	var got []bool
	nest.Body(func() {
		got = append(got, nest.Inside())
		got = append(got, deep(200, nest.Inside)) // past the first batch of frames
	})
	if len(got) != 2 || !got[0] || !got[1] {
		t.Errorf("Inside() within Body = %v; want [true true]", got)
	}
	if deep(200, nest.Inside) {
		t.Errorf("Inside() deep outside Body = true")
	}
}
