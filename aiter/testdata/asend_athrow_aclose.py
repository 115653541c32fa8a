"""asend, athrow and aclose on async generators whose bodies await between
yields. Trace lines: "CALL -> yield V", "CALL -> stop" (StopAsyncIteration),
"CALL -> raise NAME" (the exception's class), "aclose -> ok"; lines the bodies
print are indented; "== ..." heads a scenario.

Regenerate the output with: python3 asend_athrow_aclose.py > asend_athrow_aclose.out
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
        print(f"aclose -> raise {type(e).__name__}")
    else:
        print("aclose -> ok")


async def total():
    print("  start")
    t = 0
    try:
        while True:
            await asyncio.sleep(0)
            try:
                n = yield t
            except ValueError:
                print("  caught ValueError")
                await asyncio.sleep(0.1)
                yield -1
                continue
            if n is not None:
                t += n
    finally:
        print(f"  finally, total {t}")
        await asyncio.sleep(0.1)
        print("  finally done")


async def catcher():
    try:
        yield 1
    except GeneratorExit:
        print("  caught GeneratorExit, awaiting, returning")
        await asyncio.sleep(0.1)
        return


async def raiser():
    try:
        yield 1
    except GeneratorExit:
        print("  caught GeneratorExit, raising ValueError")
        raise ValueError("from aclose")


async def main():
    print("== running total")
    g = total()
    await step("asend(5)", g.asend(5))
    await step("asend(None)", g.asend(None))
    await step("asend(5)", g.asend(5))
    await step("asend(3)", g.asend(3))
    await step("athrow(ValueError)", g.athrow(ValueError))
    await step("asend(None)", g.asend(None))
    await step("asend(4)", g.asend(4))
    await aclose(g)
    await step("asend(1)", g.asend(1))
    await step("anext", g.__anext__())
    await aclose(g)

    print("== uncaught athrow")
    g = total()
    await step("anext", g.__anext__())
    await step("asend(2)", g.asend(2))
    await step("athrow(KeyError)", g.athrow(KeyError))
    await step("anext", g.__anext__())
    await aclose(g)

    print("== athrow into a new generator")
    g = total()
    await step("athrow(ValueError)", g.athrow(ValueError))
    await step("anext", g.__anext__())

    print("== aclose before the first anext")
    g = total()
    await aclose(g)
    await step("anext", g.__anext__())

    print("== body catches GeneratorExit and returns")
    g = catcher()
    await step("anext", g.__anext__())
    await aclose(g)
    await step("anext", g.__anext__())

    print("== body turns GeneratorExit into ValueError")
    g = raiser()
    await step("anext", g.__anext__())
    await aclose(g)
    await step("anext", g.__anext__())


asyncio.run(main())
