package seqs_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"testing/iotest"

	"github.com/corio-go/corio/gen"
	"github.com/corio-go/corio/seqs"
)

// accessLog is the start of the Apache log that David Beazley's "Generator
// Tricks for Systems Programmers" sums: the last field is the bytes sent, "-"
// when none.
const accessLog = `140.180.132.213 - - [24/Feb/2008:00:08:59 -0600] "GET /ply/ply.html HTTP/1.1" 200 97238
140.180.132.213 - - [24/Feb/2008:00:08:59 -0600] "GET /favicon.ico HTTP/1.1" 404 133
75.54.118.139 - - [24/Feb/2008:00:15:40 -0600] "GET / HTTP/1.1" 200 4447
75.54.118.139 - - [24/Feb/2008:00:15:41 -0600] "GET /images/Davetubes.jpg HTTP/1.1" 304 -
75.54.118.139 - - [24/Feb/2008:00:15:47 -0600] "GET /ply/ HTTP/1.1" 200 8018
`

// lines is a generator over the lines of r: its body's error is the reader's.
func lines(r io.Reader) *gen.Gen[string, struct{}, struct{}] {
	return gen.New(func(yield gen.Yield[string, struct{}]) (struct{}, error) {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if _, err := yield(sc.Text()); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, sc.Err()
	})
}

// bytesSent is Beazley's pipeline, each generator expression an adapter:
//
//	bytecol = (line.rsplit(None, 1)[1] for line in lines)
//	bytes_sent = (int(x) for x in bytecol if x != '-')
//
// Its input is a fallible sequence, so a failure of the reader reaches the
// loop; the parse may fail too.
func bytesSent(lines iter.Seq2[string, error]) iter.Seq2[int, error] {
	bytecol := seqs.Through(lines, func(lines iter.Seq[string]) iter.Seq[string] {
		lastField := func(line string) string { return line[strings.LastIndexByte(line, ' ')+1:] }
		return seqs.Filter(seqs.Map(lines, lastField), func(x string) bool { return x != "-" })
	})
	return seqs.MapErr(bytecol, strconv.Atoi)
}

// The pipeline from Beazley's log processing, with the errors reaching the
// loop: the reader failing half way, and a line whose last field is not a
// number. No call after the loop is needed to see them.
func Example() {
	total := func(log io.Reader) {
		sum := 0
		for n, err := range bytesSent(lines(log).AllErr()) {
			if err != nil {
				fmt.Println("error:", err)
				return
			}
			sum += n
		}
		fmt.Println("total", sum)
	}
	total(strings.NewReader(accessLog))
	firstTwo := accessLog[:strings.Index(accessLog, "75.54")]
	total(io.MultiReader(strings.NewReader(firstTwo), iotest.ErrReader(errors.New("disk on fire"))))
	total(strings.NewReader(accessLog + `75.54.118.139 - - [24/Feb/2008:00:15:49 -0600] "GET /ply/ HTTP/1.1" 200 lots` + "\n"))
	// Output:
	// total 109836
	// error: disk on fire
	// error: strconv.Atoi: parsing "lots": invalid syntax
}

func ExampleBatched() {
	for b := range seqs.Batched(slices.Values([]string{"A", "B", "C", "D", "E", "F", "G"}), 3) {
		fmt.Println(b)
	}
	// Output:
	// [A B C]
	// [D E F]
	// [G]
}

func ExampleGroupBy() {
	for k, g := range seqs.GroupBy(slices.Values(strings.Split("AAAABBBCCDAABBB", "")), strings.ToLower) {
		fmt.Print(k, len(g), " ")
	}
	fmt.Println()
	// Output:
	// a4 b3 c2 d1 a2 b3
}

func ExampleSlice() {
	letters := slices.Values(strings.Split("ABCDEFG", ""))
	fmt.Println(slices.Collect(seqs.Slice(letters, 2, 4, 1)))
	fmt.Println(slices.Collect(seqs.Slice(letters, 0, -1, 2)))
	// Output:
	// [C D]
	// [A C E G]
}

func ExampleZip() {
	for name, n := range seqs.Zip(slices.Values([]string{"a", "b", "c"}), seqs.Count(1, 1)) {
		fmt.Println(name, n)
	}
	// Output:
	// a 1
	// b 2
	// c 3
}

func ExampleTee() {
	ts := seqs.Tee(seqs.Take(seqs.Count(0, 1), 4), 2)
	for a, b := range seqs.Zip(ts[0], seqs.Drop(ts[1], 1)) { // pairwise, as the itertools recipe does it
		fmt.Println(a, b)
	}
	// Output:
	// 0 1
	// 1 2
	// 2 3
}

func ExamplePermutations() {
	for p := range seqs.Permutations([]string{"A", "B", "C"}, 2) {
		fmt.Print(strings.Join(p, ""), " ")
	}
	fmt.Println()
	// Output:
	// AB AC BA BC CA CB
}

func ExampleReduce() {
	fmt.Println(seqs.Reduce(seqs.Take(seqs.Count(1, 1), 5), 1, func(acc, v int) int { return acc * v }))
	// Output:
	// 120
}

func ExampleThrough() {
	words := gen.New(func(yield gen.Yield[string, struct{}]) (struct{}, error) {
		for _, w := range []string{"pipe", "lines", "in", "go"} {
			if _, err := yield(w); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, errors.New("out of words")
	})
	for n, err := range seqs.Through(words.AllErr(), func(ws iter.Seq[string]) iter.Seq[int] {
		return seqs.Accumulate(seqs.Map(ws, func(w string) int { return len(w) }), func(a, b int) int { return a + b })
	}) {
		fmt.Println(n, err)
	}
	// Output:
	// 4 <nil>
	// 9 <nil>
	// 11 <nil>
	// 13 <nil>
	// 0 out of words
}
