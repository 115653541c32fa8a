package seqs

import "iter"

// unwind is the panic value that carries a source's failure up through the
// frames of a stage in [Through]. It never leaves this package: Through
// recovers it.
type unwind struct{}

// Through runs stage, a pipeline of ordinary adapters, over the values of a
// fallible sequence s, and returns its output as a fallible sequence: each of
// stage's values with a nil error, and, if s fails, one last pair with the zero
// value and s's error.
//
//	for line, err := range seqs.Through(g.AllErr(), func(lines iter.Seq[string]) iter.Seq[string] {
//		return seqs.Take(seqs.Filter(lines, notBlank), 10)
//	}) {
//		if err != nil {
//			return err // g's failure, once the stage has been unwound
//		}
//		...
//	}
//
// A failure of s ends the pipeline as an exception ends a chain of Python
// generators: stage's adapters are unwound by a panic that Through recovers
// (their deferred calls run, and they hand out nothing more: Batched does not
// emit its partial batch, Cycle does not start repeating), then the consumer
// gets the error. A stage that recovers panics itself and carries on still ends
// with the error. stage is called once per range of the result, and must range
// its input on the goroutine that ranges the result, as every adapter here
// does. Only s's first error counts: the values after it are not drawn.
//
// The result is re-iterable if s is and stage builds a fresh pipeline each
// time. Breaking out of the range stops stage and s at once. Through panics if
// s or stage is nil, or if stage returns nil.
func Through[T, U any](s iter.Seq2[T, error], stage func(iter.Seq[T]) iter.Seq[U]) iter.Seq2[U, error] {
	if s == nil {
		panic("seqs.Through: nil sequence")
	}
	if stage == nil {
		panic("seqs.Through: nil stage")
	}
	return func(yield func(U, error) bool) {
		var failed error
		in := func(yield func(T) bool) {
			for v, err := range s {
				if err != nil {
					failed = err
					break // s is stopped before the stage unwinds
				}
				if !yield(v) {
					return
				}
			}
			if failed != nil {
				panic(unwind{})
			}
		}
		out := stage(in)
		if out == nil {
			panic("seqs.Through: stage returned a nil sequence")
		}
		if pass(out, yield, &failed) && failed != nil {
			var zero U
			yield(zero, failed)
		}
	}
}

// pass hands the values of out to yield with nil errors, and reports whether
// the consumer wants more: out ended, by itself or by the unwind of a failure.
func pass[U any](out iter.Seq[U], yield func(U, error) bool, failed *error) (more bool) {
	defer func() {
		// Only a failure raises the unwind: a panic from anywhere else never
		// passes through recover here.
		if *failed != nil {
			if p := recover(); p != nil {
				if _, ok := p.(unwind); !ok {
					panic(p)
				}
				more = true
			}
		}
	}()
	for u := range out {
		if !yield(u, nil) {
			return false
		}
	}
	return true
}

// MapErr returns a fallible sequence of f applied to each value of s: a stage
// that may fail, such as a parse. The first error, from s or from f, ends the
// sequence: s is stopped (its deferred calls run) and f is not called again,
// then the error is handed out as the last pair, with the zero value, as a
// Python exception reaches the loop once the generators it passed through are
// done. f is called once per value, as it is drawn.
//
// The result is re-iterable if s is. Breaking out of the range stops s at once.
// MapErr panics if s or f is nil.
func MapErr[T, U any](s iter.Seq2[T, error], f func(T) (U, error)) iter.Seq2[U, error] {
	if s == nil {
		panic("seqs.MapErr: nil sequence")
	}
	if f == nil {
		panic("seqs.MapErr: nil func")
	}
	return func(yield func(U, error) bool) {
		var failed error
		for v, err := range s {
			var u U
			if err == nil {
				u, err = f(v)
			}
			if err != nil {
				failed = err
				break
			}
			if !yield(u, nil) {
				return
			}
		}
		if failed != nil {
			var zero U
			yield(zero, failed)
		}
	}
}
