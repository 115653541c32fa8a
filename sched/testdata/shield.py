"""shield: cancelling the task that awaits a shielded task cancels only the
waiting; the inner task goes on, completes and prints, and its result can
still be awaited. Prints order only. sched/trace_test.go (TestTraceShield)
plays the same scenario.
"""
import asyncio


async def inner():
    print("  inner: starts")
    await asyncio.sleep(1)
    print("  inner: completes")
    return 42


async def outer(t):
    print("  outer: awaits shield(inner)")
    try:
        return await asyncio.shield(t)
    except asyncio.CancelledError:
        print("  outer: CancelledError")
        raise


async def main():
    t = asyncio.create_task(inner())
    o = asyncio.create_task(outer(t))
    await asyncio.sleep(0)
    print(f"main: cancel outer -> {o.cancel()}")
    try:
        await o
    except asyncio.CancelledError:
        print("main: outer cancelled")
    print(f"main: inner done {t.done()}, cancelled {t.cancelled()}")
    print(f"main: inner result {await t}")


asyncio.run(main())
