"""An async generator that awaits between its yields suspends the task that
consumes it, and other tasks run meanwhile: the order of the prints shows the
interleaving, first with "async for", then stepping with anext. Times are the
loop's clock since main started. Regenerate with:
python3 await_between_yields.py > await_between_yields.out
"""
import asyncio


async def producer(name, n, delay):
    for i in range(n):
        print(f"  {name} sleeps before {i}")
        await asyncio.sleep(delay)
        print(f"  {name} yields {i}")
        sent = yield i
        print(f"  {name} resumed with {sent}")
    print(f"  {name} returns")


async def other(name, n, delay):
    for i in range(n):
        print(f"{name} tick {i}")
        await asyncio.sleep(delay)
    print(f"{name} done")


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()

    def now():
        return f"{loop.time() - t0:.1f}"

    print("== async for")
    t = asyncio.create_task(other("other", 4, 0.7))
    async for v in producer("p", 3, 1):
        print(f"consumer got {v} at {now()}")
        await asyncio.sleep(0)
        print(f"consumer slept 0 after {v}")
    print(f"loop over at {now()}")
    await t

    print("== anext and asend")
    t0 = loop.time()
    t = asyncio.create_task(other("other", 3, 0.4))
    g = producer("q", 2, 0.5)
    print(f"anext -> {await g.__anext__()} at {now()}")
    print(f"asend('x') -> {await g.asend('x')} at {now()}")
    try:
        await g.asend("y")
    except StopAsyncIteration:
        print(f"asend('y') -> stop at {now()}")
    await t


asyncio.run(main())
