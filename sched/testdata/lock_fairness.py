"""asyncio.Lock fairness, iteration by iteration (sched/sync_trace_test.go).

A ticker prints "tick N" once per loop iteration, so the trace shows in which
iteration each step happens. Four workers queue for a lock main holds; b is
cancelled while it waits; a is handed the lock and cancelled before it runs,
so the lock passes to c; a latecomer finds the lock free but tasks queued, and
queues behind them.
"""
import asyncio


async def main():
    lock = asyncio.Lock()
    stop = False

    async def ticker():
        n = 0
        while not stop:
            print(f"tick {n}")
            n += 1
            await asyncio.sleep(0)

    async def worker(name, rounds):
        for _ in range(rounds):
            print(f"{name} wants the lock")
            try:
                await lock.acquire()
            except asyncio.CancelledError:
                print(f"{name} cancelled while waiting, locked={lock.locked()}")
                raise
            print(f"{name} acquired")
            await asyncio.sleep(0)
            lock.release()
            print(f"{name} released")

    tick = asyncio.create_task(ticker())
    await lock.acquire()
    print("main holds the lock")
    tasks = {n: asyncio.create_task(worker(n, 2)) for n in ("a", "b", "c", "d")}
    await asyncio.sleep(0)
    tasks["b"].cancel()
    print("main cancelled b")
    await asyncio.sleep(0)
    lock.release()
    print("main released")
    tasks["a"].cancel()
    print("main cancelled a")
    late = asyncio.create_task(worker("late", 1))
    await asyncio.gather(*tasks.values(), late, return_exceptions=True)
    for name, t in [*tasks.items(), ("late", late)]:
        print(f"{name}: {'cancelled' if t.cancelled() else 'done'}")
    print(f"locked={lock.locked()}")
    stop = True
    await tick


asyncio.run(main())
