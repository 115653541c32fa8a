"""CPython counterparts of BenchmarkSwitch (bench_test.go), in ns per operation.

Run: python3 bench/python/gen_bench.py
Each figure is the best of five timed runs, as go test -bench reports one run.
"""
import sys
import time


def best(fn, n, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        fn(n)
        times.append((time.perf_counter_ns() - t0) / n)
    return min(times)


def echo():
    v = 0
    while True:
        v = yield v


def counter():
    i = 0
    while True:
        yield i
        i += 1


def nested(depth):
    if depth == 0:
        return counter()

    def delegate():
        return (yield from nested(depth - 1))
    return delegate()


def bench_send(n):
    g = echo()
    next(g)
    send = g.send
    for _ in range(n):
        send(1)


def bench_next(n):
    g = counter()
    nxt = g.__next__
    for _ in range(n):
        nxt()


def bench_for(n):
    i = 0
    for _ in counter():
        i += 1
        if i == n:
            break


def bench_yield_from(depth):
    def run(n):
        g = nested(depth)
        nxt = g.__next__
        for _ in range(n):
            nxt()
    return run


def bench_yield_from_for(depth):
    def run(n):
        i = 0
        for _ in nested(depth):
            i += 1
            if i == n:
                break
    return run


def bench_create(n):
    for _ in range(n):
        g = counter()
        next(g)
        next(g)
        next(g)
        g.close()


def main():
    n = 1_000_000
    rows = [
        ("GenSend (generator.send)", bench_send),
        ("GenNext (next(g))", bench_next),
        ("RangePush (for over a generator, per value)", bench_for),
        ("YieldFromInline/depth=1 (next)", bench_yield_from(1)),
        ("YieldFromInline/depth=10 (next)", bench_yield_from(10)),
        ("YieldFromInlinePush/depth=1 (for)", bench_yield_from_for(1)),
        ("YieldFromInlinePush/depth=10 (for)", bench_yield_from_for(10)),
        ("CreateStepsClose (create + 3 next + close)", bench_create),
    ]
    print(f"CPython {sys.version.split()[0]}")
    for name, fn in rows:
        print(f"{name:48s} {best(fn, n):8.1f} ns/op")


if __name__ == "__main__":
    main()
