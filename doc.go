// Package corio is the root of a set of packages that bring Python's generator
// and asyncio model to Go, on the coroutines behind [iter.Pull]:
//
//   - [github.com/corio-go/corio/gen]: resumable generators with Send, Throw,
//     Close, return values, YieldFrom and range-over-func (PEP 255, 342, 380).
//   - [github.com/corio-go/corio/seqs]: Python's itertools for iter.Seq
//     pipelines: Map, Filter, Zip, Batched, GroupBy, Tee and the rest.
//   - [github.com/corio-go/corio/coro]: await as yield: coroutine objects, the
//     Awaitable interface, and the small interface between a coroutine and
//     whatever drives it (PEP 492).
//   - [github.com/corio-go/corio/aiter]: async iterators and async generators
//     (PEP 525).
//   - [github.com/corio-go/corio/sched]: the event loop (asyncio): tasks,
//     futures, timers, virtual time, cancellation, task groups, queues, locks,
//     bridges to goroutines, bounded concurrency, seeded simulation.
//   - [github.com/corio-go/corio/aio]: streams, servers, processes and HTTP
//     handlers on the loop (asyncio's streams and subprocess).
//
// They are layered; an arrow means "imports", and nothing imports upward:
//
//	gen  <-  coro  <-  aiter
//	  ^         ^
//	  |         +----  sched  <-  aio
//	  +--  seqs
//
// sched imports aiter's hooks (through an internal package) to shut async
// generators down; seqs imports gen at most. The module's only requirement,
// go-cmp, is for tests.
//
// This package itself holds no code: it documents the module and hosts the
// benchmarks that compare corio with its baselines (go test -bench . in the
// module root).
package corio
