package gen_test

import (
	"errors"
	"fmt"
	"slices"

	"github.com/corio-go/corio/gen"
)

// A running total: the body hands out the total at each yield and gets the
// next number back from Send. Close delivers gen.ErrGeneratorExit at the
// pending yield; the body returns it, so Close succeeds, and Result holds the
// return value with a nil error.
func ExampleNew() {
	g := gen.New(func(yield gen.Yield[int, int]) (string, error) {
		total := 0
		for {
			n, err := yield(total)
			if err != nil {
				return fmt.Sprint("closed at ", total), err
			}
			total += n
		}
	})
	fmt.Println(g.State())
	fmt.Println(g.Next()) // runs the body to its first yield
	fmt.Println(g.Send(3))
	fmt.Println(g.Send(4))
	fmt.Println(g.Close())
	fmt.Println(g.State())
	fmt.Println(g.Result())
	// Output:
	// created
	// 0 <nil>
	// 3 <nil>
	// 7 <nil>
	// <nil>
	// closed
	// closed at 7 <nil>
}

// Stepping a generator with Next: each call runs the body to its next yield.
// When the body returns, Next reports gen.ErrStopIteration and Result holds
// the return value.
func ExampleGen_Next() {
	g := gen.New(func(yield gen.Yield[string, struct{}]) (int, error) {
		for _, w := range []string{"a", "b"} {
			if _, err := yield(w); err != nil {
				return 0, err
			}
		}
		return 2, nil
	})
	for {
		v, err := g.Next()
		if errors.Is(err, gen.ErrStopIteration) {
			break
		}
		if err != nil {
			fmt.Println("failed:", err)
			return
		}
		fmt.Println(v)
	}
	fmt.Println(g.Result())
	// Output:
	// a
	// b
	// 2 <nil>
}

// Ranging over a generator with All. Breaking out of the loop closes the
// generator: its pending yield returns gen.ErrGeneratorExit and its deferred
// calls run before the loop statement ends.
func ExampleGen_All() {
	count := gen.New(func(yield gen.Yield[int, struct{}]) (struct{}, error) {
		defer fmt.Println("count: cleaned up")
		for i := 0; ; i++ {
			if _, err := yield(i); err != nil {
				return struct{}{}, err // gen.ErrGeneratorExit after the break
			}
		}
	})
	for v := range count.All() {
		if v == 3 {
			break
		}
		fmt.Println(v)
	}
	fmt.Println(count.State())
	// Output:
	// 0
	// 1
	// 2
	// count: cleaned up
	// closed
}

// Throw delivers an error at the pending yield; a body that handles it goes on
// to its next yield, whose value Throw returns.
func ExampleGen_Throw() {
	errReset := errors.New("reset")
	g := gen.New(func(yield gen.Yield[int, int]) (struct{}, error) {
		total := 0
		for {
			n, err := yield(total)
			switch {
			case errors.Is(err, errReset):
				total = 0
			case err != nil:
				return struct{}{}, err
			default:
				total += n
			}
		}
	})
	g.Next()
	fmt.Println(g.Send(5))
	fmt.Println(g.Throw(errReset))
	fmt.Println(g.Send(2))
	fmt.Println(g.Close())
	// Output:
	// 5 <nil>
	// 0 <nil>
	// 2 <nil>
	// <nil>
}

// YieldFrom delegates to a sub-generator, as Python's "yield from": its
// values go out through the delegating generator, and its return value comes
// back.
func ExampleYieldFrom() {
	count := func(n int) *gen.Gen[int, struct{}, int] {
		return gen.New(func(yield gen.Yield[int, struct{}]) (int, error) {
			sum := 0
			for i := range n {
				if _, err := yield(i); err != nil {
					return 0, err
				}
				sum += i
			}
			return sum, nil
		})
	}
	outer := gen.New(func(yield gen.Yield[int, struct{}]) (string, error) {
		sum, err := gen.YieldFrom(yield, count(3))
		if err != nil {
			return "", err
		}
		if _, err := yield(100 + sum); err != nil {
			return "", err
		}
		return "done", nil
	})
	for v := range outer.All() {
		fmt.Println(v)
	}
	fmt.Println(outer.Result())
	// Output:
	// 0
	// 1
	// 2
	// 103
	// done <nil>
}

// FromSeq makes a generator of any iter.Seq, to step it with Next.
func ExampleFromSeq() {
	g := gen.FromSeq(slices.Values([]string{"x", "y"}))
	defer g.Close()
	for range 3 {
		v, err := g.Next()
		fmt.Printf("%q %v\n", v, err)
	}
	// Output:
	// "x" <nil>
	// "y" <nil>
	// "" gen: stop iteration
}
