// Package seqs is Python's itertools for Go's range-over-func iterators:
// adapters that take an [iter.Seq] and return another ([Map], [Filter], [Take],
// [Slice], [Zip], [Batched], [GroupBy], [Tee], ...), sources ([Count],
// [Repeat], [Product], [Permutations], [Combinations]) and [Reduce] to fold a
// sequence into one value. Each one follows its itertools namesake: the same
// order, the same ends, the same edge cases (an empty product is one empty
// tuple; islice leaves its source at stop), checked against CPython 3.11.
//
// # Pipelines
//
// A generator expression chain in Python
//
//	bytecol = (line.rsplit(None, 1)[1] for line in lines)
//	sizes = (int(x) for x in bytecol if x != '-')
//	print(sum(islice(sizes, 10)))
//
// is a nest of adapters in Go, evaluated lazily in the same way: nothing is
// drawn from lines until the loop (here Reduce) asks for a value, and each value
// travels the whole chain before the next is drawn.
//
//	sizes := seqs.Map(seqs.Filter(seqs.Map(lines, lastField), notDash), toInt)
//	total := seqs.Reduce(seqs.Take(sizes, 10), 0, add)
//
// where lastField, notDash, toInt and add are ordinary functions. The package
// example is the same pipeline with its failures (a read, a parse) reaching
// the loop: see Errors below.
//
// # Cost
//
// Most adapters run in push mode: ranging the result ranges the source, and a
// value costs a function call per stage, with no coroutine and no allocation.
// Written in one function over a sequence made there, a chain is inlined by
// the compiler into a single loop: a Map, Filter, Take chain over a slice's
// values ran at about 1.4 times a for loop over the slice, and faster than a
// for loop ranging the same iter.Seq (1.7, 1.2 and 2.6 ns per value on a
// loaded 2-core VM). Over a sequence the function is given, each stage is an
// indirect call per value (about 1.4 times a for loop ranging that sequence)
// and a range allocates its stages' closures, two per stage. See
// BenchmarkPipeline in the module root.
//
// Two adapters cannot push: [Zip] pulls its second sequence and [Tee] its
// source with [iter.Pull], a coroutine switch per value drawn (about the cost
// of an iter.Pull next; see BenchmarkZip and BenchmarkTee). Both stop their
// pulls when their ranges end, leaving no goroutine behind.
//
// # Drawing, breaking and cleanup
//
// An adapter draws from its source only what it must: [Take](s, 2) draws two
// values, [Zip] does not draw from its second sequence once the first has
// ended. Breaking out of a range over an adapter (or returning, or panicking
// in the loop body) stops its source at once: the source's deferred calls have
// run when the range statement ends, as gen.Gen.All closes a generator. A
// panic in a source or in a function given to an adapter passes through
// unchanged.
//
// # Single use and re-iteration
//
// An adapter is re-iterable exactly when its source is: ranging it again
// ranges the source again and starts afresh (a fresh count for [Enumerate], a
// fresh copy for [Cycle]). Over a single-use source, such as gen.Gen.All or
// one of [Tee]'s iterators, it is single-use too. The sources here ([Count],
// [Repeat], [Product], ...) are re-iterable; [Tee]'s iterators are single-use.
//
// # Errors
//
// A fallible sequence is an iter.Seq2[T, error] that yields each value with a
// nil error and, if it fails, ends with one last pair: the zero value and the
// error. gen.Gen.AllErr is one (a generator's values, then its body's error),
// and so is aiter.All. Ranging one, the loop body sees the failure as it sees a
// value, so no call after the loop is needed to learn that the pipeline ended
// early. [Through] runs the ordinary adapters over a fallible sequence: its
// failure unwinds them as an exception unwinds a chain of Python generators,
// and reaches the loop as the last pair. [MapErr] is a stage that may itself
// fail, such as a parse. The package example shows both.
//
// # Differences from Python
//
// Groups ([GroupBy]), batches ([Batched]) and combinatoric results are slices,
// new for each value, where Python hands out tuples or lazy group iterators.
// Go's int wraps around where Python's grows. Functions that Python calls with
// a function argument of None (filter(None, s), groupby(s)) take a func here,
// and nil panics. Python's zip_longest, compress, filterfalse, starmap and
// combinations_with_replacement have no counterpart yet: Filter with a negated
// func, Map over Zip, and Product filtered do their work.
package seqs
