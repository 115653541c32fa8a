"""CPython counterparts of the sched and aiter benchmarks (bench_sched_test.go,
bench_aiter_test.go), in the same units. Run: python3 bench/python/sched_bench.py
Each figure is the best of three timed runs.
"""
import asyncio
import sys
import time


def best(fn, repeat=3):
    return min(fn() for _ in range(repeat))


async def task_switch(n_tasks=100, rounds=2000):
    async def worker():
        for _ in range(rounds):
            await asyncio.sleep(0)
    tasks = [asyncio.create_task(worker()) for _ in range(n_tasks)]
    t0 = time.perf_counter_ns()
    await asyncio.gather(*tasks)
    return (time.perf_counter_ns() - t0) / (n_tasks * rounds)


async def await_inline(n=200_000):
    async def one():
        return 1
    t0 = time.perf_counter_ns()
    for _ in range(n):
        await one()
    return (time.perf_counter_ns() - t0) / n


async def spawn_await(n=50_000):
    async def one():
        return 1
    t0 = time.perf_counter_ns()
    for _ in range(n):
        await asyncio.create_task(one())
    return (time.perf_counter_ns() - t0) / n


async def gather_10000():
    async def one():
        await asyncio.sleep(0.001)
        return 1
    t0 = time.perf_counter_ns()
    await asyncio.gather(*[one() for _ in range(10000)])
    return (time.perf_counter_ns() - t0) / 10000


async def async_for(n=200_000):
    async def numbers():
        i = 0
        while True:
            yield i
            i += 1
    t0 = time.perf_counter_ns()
    i = 0
    async for _ in numbers():
        i += 1
        if i == n:
            break
    return (time.perf_counter_ns() - t0) / n


async def anext_pull(n=200_000):
    async def numbers():
        i = 0
        while True:
            yield i
            i += 1
    g = numbers()
    await g.__anext__()
    t0 = time.perf_counter_ns()
    for _ in range(n):
        await g.__anext__()
    dt = (time.perf_counter_ns() - t0) / n
    await g.aclose()
    return dt


def main():
    print(f"CPython {sys.version.split()[0]}")
    rows = [
        ("TaskSwitch (sleep(0), 100 tasks), ns/switch", task_switch),
        ("AwaitInline (await a new coroutine), ns/op", await_inline),
        ("SpawnAwait (create_task + await), ns/op", spawn_await),
        ("Gather10000 (tasks sleeping 1ms), ns/task", gather_10000),
        ("AsyncFor (async for, per value), ns/op", async_for),
        ("ANext (__anext__ of a started async gen), ns/op", anext_pull),
    ]
    for name, coro_fn in rows:
        print(f"{name:52s} {best(lambda: asyncio.run(coro_fn())):10.1f}")


if __name__ == "__main__":
    main()
