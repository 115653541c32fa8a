package gen_test

import (
	"errors"
	"testing"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/internal/leaktest"
)

func TestSmoke(t *testing.T) {
	leaktest.Check(t)
	g := gen.New(func(yield gen.Yield[int, int]) (string, error) {
		total := 0
		for {
			n, err := yield(total)
			if err != nil {
				return "bye", err
			}
			total += n
		}
	})
	if v, err := g.Next(); v != 0 || err != nil {
		t.Fatalf("Next() = %v, %v", v, err)
	}
	if v, err := g.Send(3); v != 3 || err != nil {
		t.Fatalf("Send(3) = %v, %v", v, err)
	}
	if v, err := g.Send(4); v != 7 || err != nil {
		t.Fatalf("Send(4) = %v, %v", v, err)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if r, err := g.Result(); r != "bye" || err != nil {
		t.Fatalf("Result() = %q, %v", r, err)
	}
	sum := 0
	for v := range gen.FromSeq(func(y func(int) bool) {
		for i := range 5 {
			if !y(i) {
				return
			}
		}
	}).All() {
		sum += v
	}
	if sum != 10 {
		t.Fatalf("sum = %d", sum)
	}
	inner := func() *gen.Gen[int, int, int] {
		return gen.New(func(yield gen.Yield[int, int]) (int, error) {
			for i := range 3 {
				if _, err := yield(i); err != nil {
					return 0, err
				}
			}
			return 42, nil
		})
	}
	outer := gen.New(func(yield gen.Yield[int, int]) (int, error) {
		r, err := gen.YieldFrom(yield, inner())
		return r + 1, err
	})
	var got []int
	for v := range outer.All() {
		got = append(got, v)
	}
	if r, err := outer.Result(); r != 43 || err != nil || len(got) != 3 {
		t.Fatalf("got %v, Result() = %d, %v", got, r, err)
	}
	// Ignored exit unwinds with deferred calls.
	ran := false
	bad := gen.New(func(yield gen.Yield[int, int]) (int, error) {
		defer func() { ran = true }()
		yield(1)
		yield(2)
		return 0, nil
	})
	bad.Next()
	if err := bad.Close(); !errors.Is(err, gen.ErrIgnoredExit) || !ran {
		t.Fatalf("Close() = %v, ran = %v", err, ran)
	}
}

func TestDroppedGeneratorsAreClosed(t *testing.T) {
	leaktest.Check(t)
	closed := make(chan struct{}, 2000)
	for range 2000 {
		g := gen.New(func(yield gen.Yield[int, struct{}]) (int, error) {
			defer func() { closed <- struct{}{} }()
			for {
				if _, err := yield(1); err != nil {
					return 0, err
				}
			}
		})
		g.Next()
	}
}
