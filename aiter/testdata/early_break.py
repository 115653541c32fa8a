"""Breaking out of "async for": the generator's cleanup runs, and may await.

Python's async for does not close the generator on break: the loop's
shutdown_asyncgens (or the collector) closes it later. corio's aiter.All closes
it before the loop statement ends, so this script calls "await g.aclose()"
right after each break, and the two traces agree (in Go that aclose finds the
generator closed already and does nothing). Times are the loop's clock since
main started. Regenerate with: python3 early_break.py > early_break.out
"""
import asyncio


async def ticker(name, n):
    try:
        for i in range(n):
            await asyncio.sleep(0.1)
            print(f"  {name} yields {i}")
            yield i
        print(f"  {name} exhausted")
    finally:
        print(f"  {name} cleanup starts")
        await asyncio.sleep(0.5)
        print(f"  {name} cleanup done")


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()

    def now():
        return f"{loop.time() - t0:.1f}"

    print("== break at 2")
    g = ticker("a", 10)
    async for v in g:
        print(f"got {v} at {now()}")
        if v == 2:
            break
    await g.aclose()
    print(f"after the loop at {now()}")

    print("== the loop runs to the end")
    g = ticker("b", 2)
    async for v in g:
        print(f"got {v} at {now()}")
    await g.aclose()
    print(f"after the loop at {now()}")

    print("== break after anext")
    g = ticker("c", 10)
    print(f"anext -> {await g.__anext__()}")
    async for v in g:
        print(f"got {v} at {now()}")
        break
    await g.aclose()
    print(f"after the loop at {now()}")

    print("== break out of nested loops")
    outer = ticker("outer", 3)
    async for x in outer:
        inner = ticker("inner", 3)
        async for y in inner:
            print(f"got {x},{y} at {now()}")
            if y == 1:
                break
        await inner.aclose()
        if x == 1:
            break
    await outer.aclose()
    print(f"after the loops at {now()}")


asyncio.run(main())
