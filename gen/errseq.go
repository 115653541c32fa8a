package gen

import "iter"

// AllErr is [Gen.All] for loops that must see the generator fail: it ranges
// over the values the body yields, each with a nil error, and if the body then
// fails, hands out one last pair, the zero value and the body's error (what
// [Gen.Result] reports). A body that returns normally ends the loop with no
// extra pair. So the failure reaches the loop body, which cannot forget to
// check it, where All leaves it in Result after the loop:
//
//	for line, err := range g.AllErr() {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// Everything else is All's: push mode on a Created generator, pull mode on a
// Suspended one; leaving the loop early closes the generator before the loop
// statement ends, and then no error is handed out (Close's result is in
// Result). A generator already Closed yields nothing, not even an error it
// failed with before. The pairs follow the convention of the fallible sequences
// in package seqs, whose adapters (seqs.Through, seqs.MapErr) take them.
func (g *Gen[Y, S, R]) AllErr() iter.Seq2[Y, error] {
	return func(yield func(Y, error) bool) {
		if g.s.st == closed {
			return
		}
		for v := range g.All() {
			if !yield(v, nil) {
				return
			}
		}
		if _, err := g.Result(); err != nil {
			var zero Y
			yield(zero, err)
		}
	}
}
