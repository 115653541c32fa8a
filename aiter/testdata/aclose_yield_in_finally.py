"""aclose of an async generator that yields again after GeneratorExit:
RuntimeError "async generator ignored GeneratorExit". Same trace format as
asend_athrow_aclose.py. Nothing is stepped after an ignored GeneratorExit:
CPython leaves the generator suspended at the yield (and 3.11 complains on
stderr, "Exception ignored ... StopAsyncIteration", when it finalizes it),
while corio unwinds it (its deferred calls run) and it ends closed. The .out
is stdout only. Regenerate with:
python3 aclose_yield_in_finally.py > aclose_yield_in_finally.out
"""
import asyncio


async def step(label, aw):
    try:
        v = await aw
    except StopAsyncIteration:
        print(f"{label} -> stop")
    except BaseException as e:
        print(f"{label} -> raise {type(e).__name__}")
    else:
        print(f"{label} -> yield {v}")


async def aclose(g):
    try:
        await g.aclose()
    except BaseException as e:
        print(f"aclose -> raise {type(e).__name__}: {e}")
    else:
        print("aclose -> ok")


async def yields_in_finally():
    try:
        yield 1
        yield 2
    finally:
        print("  finally awaits")
        await asyncio.sleep(0.1)
        print("  finally yields 99")
        yield 99
        print("  after the yield in finally")


async def catches_and_yields():
    caught = 0
    while True:
        try:
            yield 1
        except GeneratorExit:
            caught += 1
            if caught > 1:
                # CPython finalizing what the first aclose left suspended
                # (corio has closed it already): end quietly.
                return
            print("  caught GeneratorExit, yielding anyway")


async def main():
    print("== yield in finally")
    g = yields_in_finally()
    await step("anext", g.__anext__())
    await aclose(g)

    print("== catch GeneratorExit in a loop and yield")
    g = catches_and_yields()
    await step("anext", g.__anext__())
    await aclose(g)

    print("== athrow(GeneratorExit) is not aclose")
    g = catches_and_yields()
    await step("anext", g.__anext__())
    await step("athrow(GeneratorExit)", g.athrow(GeneratorExit))


asyncio.run(main())
