"""CPython counterparts of BenchmarkPipeline, BenchmarkZip and BenchmarkTee
(bench_seqs_test.go), in ns per value drawn from the source.

Run: python3 bench/python/seqs_bench.py
Each figure is the best of five timed runs, as go test -bench reports one run.
The pipeline is the same as Go's: over range(65536), triple each value, keep
the even ones, take 16384 of them (so half the source is drawn), and sum them.
"""
import sys
import time
from itertools import count, islice, tee

DATA = list(range(1 << 16))
N = len(DATA) // 4
DRAWN = 2 * N


def best(fn, per_op, repeat=5, ops=20):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        for _ in range(ops):
            fn()
        times.append((time.perf_counter_ns() - t0) / ops / per_op)
    return min(times)


def triple(v):
    return 3 * v


def even(v):
    return v % 2 == 0


def loop():
    # The same logic as one for loop.
    total = k = 0
    for v in DATA:
        u = triple(v)
        if not even(u):
            continue
        total += u
        k += 1
        if k == N:
            break
    return total


def genexpr():
    # Generator expressions, Beazley style.
    tripled = (triple(v) for v in DATA)
    evens = (u for u in tripled if even(u))
    return sum(islice(evens, N))


def itertools_chain():
    # map, filter and islice, the itertools way.
    return sum(islice(filter(even, map(triple, DATA)), N))


def zip_pairs():
    total = 0
    for x, y in zip(count(), count()):
        total += x + y
        if x == DRAWN:
            break
    return total


def tee_passes():
    a, b = tee(islice(count(), 4096))
    return sum(a) - sum(b)


def counting(n):
    # A generator source: what a Go iter.Seq function is to Go's Tee.
    i = 0
    while i < n:
        yield i
        i += 1


def tee_gen_passes():
    a, b = tee(counting(4096))
    return sum(a) - sum(b)


def main():
    assert loop() == genexpr() == itertools_chain()
    print(f"CPython {sys.version.split()[0]}")
    rows = [
        ("Pipeline/Loop (for loop)", loop, DRAWN),
        ("Pipeline/GeneratorExpressions", genexpr, DRAWN),
        ("Pipeline/Itertools (map, filter, islice)", itertools_chain, DRAWN),
        ("Zip (zip of two count(), per pair)", zip_pairs, DRAWN),
        ("Tee (two passes over tee of 4096, per value)", tee_passes, 4096),
        ("Tee over a generator (as above)", tee_gen_passes, 4096),
    ]
    for name, fn, per_op in rows:
        print(f"{name:48s} {best(fn, per_op):8.1f} ns/value")


if __name__ == "__main__":
    main()
