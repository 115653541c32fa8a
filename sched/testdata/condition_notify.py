"""asyncio.Condition notify order, iteration by iteration
(sched/sync_trace_test.go).

A ticker prints "tick N" once per loop iteration. Consumers wait_for items;
notify(2) wakes the two oldest waiters, and the one that finds nothing waits
again at the back of the queue; a waiter cancelled while it retakes the lock
still ends holding it; notify_all wakes the rest in the order they waited.
"""
import asyncio


async def main():
    cond = asyncio.Condition()
    items = []
    stop = False

    async def ticker():
        n = 0
        while not stop:
            print(f"tick {n}")
            n += 1
            await asyncio.sleep(0)

    async def consumer(name):
        async with cond:
            print(f"{name} waits for an item")
            await cond.wait_for(lambda: items)
            print(f"{name} got {items.pop(0)}")

    async def waiter(name):
        async with cond:
            print(f"{name} waits")
            try:
                await cond.wait()
            except asyncio.CancelledError:
                print(f"{name} cancelled, locked={cond.locked()}")
                raise
            print(f"{name} woken")

    tick = asyncio.create_task(ticker())
    tasks = [asyncio.create_task(consumer(n)) for n in ("c1", "c2", "c3")]
    tasks += [asyncio.create_task(waiter(n)) for n in ("w1", "w2")]
    await asyncio.sleep(0)
    async with cond:
        items.append(1)
        print("main: notify(2)")
        cond.notify(2)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    async with cond:
        print("main: notify(3)")
        cond.notify(3)
        await asyncio.sleep(0)
        tasks[4].cancel()
        print("main cancelled w2")
        await asyncio.sleep(0)
        print("main releases")
    await asyncio.sleep(0)
    async with cond:
        items.extend([2, 3])
        print("main: notify_all")
        cond.notify_all()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"cancelled: {[t.cancelled() for t in tasks]}, locked={cond.locked()}")
    stop = True
    await tick


asyncio.run(main())
