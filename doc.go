// Package corio is the root of a set of packages that bring Python's generator
// and asyncio model to Go, on the coroutines behind [iter.Pull]:
//
//   - [github.com/corio-go/corio/gen]: resumable generators with Send, Throw,
//     Close, return values, YieldFrom and range-over-func.
//
// This package itself holds no code: it documents the module and hosts the
// benchmarks that compare corio with its baselines (go test -bench . in the
// module root).
package corio
