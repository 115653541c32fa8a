"""CPython counterparts of the sync benchmarks (bench_sync_test.go), with the
same names and units: ns per item, per Acquire/Release pair, per waiter woken.
Run: python3 bench/python/sync_bench.py
Each figure is the best of three timed runs.
"""
import asyncio
import sys
import time


def best(fn, repeat=3):
    return min(asyncio.run(fn()) for _ in range(repeat))


async def queue_handoff(maxsize, n=200_000):
    """BenchmarkQueueHandoff: a producer task puts n items, a consumer task
    gets them. Unbounded: the producer yields every 1,024 items."""
    q = asyncio.Queue(maxsize)

    async def producer():
        for i in range(n):
            await q.put(i)
            if maxsize == 0 and i % 1024 == 1023:
                await asyncio.sleep(0)

    async def consumer():
        for _ in range(n):
            await q.get()

    t0 = time.perf_counter_ns()
    p = asyncio.create_task(producer())
    c = asyncio.create_task(consumer())
    await p
    await c
    return (time.perf_counter_ns() - t0) / n


async def lock_uncontended(n=500_000):
    """BenchmarkLock/uncontended: acquire and release a free lock."""
    lock = asyncio.Lock()
    t0 = time.perf_counter_ns()
    for _ in range(n):
        await lock.acquire()
        lock.release()
    return (time.perf_counter_ns() - t0) / n


async def lock_contended(tasks=10, n=100_000):
    """BenchmarkLock/contended10: 10 tasks hold the lock across a sleep(0)."""
    lock = asyncio.Lock()

    async def worker(k):
        for _ in range(k):
            await lock.acquire()
            await asyncio.sleep(0)
            lock.release()

    t0 = time.perf_counter_ns()
    await asyncio.gather(*[worker(n // tasks) for _ in range(tasks)])
    return (time.perf_counter_ns() - t0) / n


async def event_wake(waiters=1000, rounds=100):
    """BenchmarkEventWake: set() wakes 1,000 waiters, each of which waits on
    the next round's event; per waiter woken."""
    events = [asyncio.Event() for _ in range(rounds)]
    back = asyncio.Event()
    woken = 0

    async def waiter():
        nonlocal woken
        for ev in events:
            await ev.wait()
            woken += 1
            if woken == waiters:
                woken = 0
                back.set()

    tasks = [asyncio.create_task(waiter()) for _ in range(waiters)]
    await asyncio.sleep(0)
    t0 = time.perf_counter_ns()
    for ev in events:
        back.clear()
        ev.set()
        await back.wait()
    elapsed = time.perf_counter_ns() - t0
    await asyncio.gather(*tasks)
    return elapsed / (rounds * waiters)


def main():
    rows = [
        ("BenchmarkQueueHandoff/unbounded", lambda: queue_handoff(0), "ns/op"),
        ("BenchmarkQueueHandoff/size1", lambda: queue_handoff(1), "ns/op"),
        ("BenchmarkLock/uncontended", lock_uncontended, "ns/op"),
        ("BenchmarkLock/contended10", lock_contended, "ns/op"),
        ("BenchmarkEventWake", event_wake, "ns/waiter"),
    ]
    print(f"CPython {sys.version.split()[0]}")
    for name, fn, unit in rows:
        print(f"{name:36s} {best(fn):8.1f} {unit}")


if __name__ == "__main__":
    main()
