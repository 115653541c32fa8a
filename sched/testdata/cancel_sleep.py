"""Cancelling a task while it sleeps: CancelledError is thrown at its sleep.

1. The task catches it, prints, goes on and returns a value: the task is not
   cancelled and its result is that value.
2. The task does not catch it: its finally runs, the task ends cancelled,
   and awaiting it raises CancelledError. cancel() of a done task is False.
Prints order only. sched/trace_test.go (TestTraceCancelSleep) plays the same
scenario.
"""
import asyncio


async def catcher():
    print("  catcher: sleeps")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("  catcher: caught CancelledError")
    print("  catcher: goes on")
    await asyncio.sleep(0)
    print("  catcher: returns 7")
    return 7


async def quitter():
    print("  quitter: sleeps")
    try:
        await asyncio.sleep(10)
    finally:
        print("  quitter: finally")
    print("  quitter: not reached")


async def main():
    print("== caught")
    t = asyncio.create_task(catcher())
    await asyncio.sleep(0)
    print(f"main: cancel() -> {t.cancel()}")
    r = await t
    print(f"main: result {r}, cancelled {t.cancelled()}")

    print("== uncaught")
    t = asyncio.create_task(quitter())
    await asyncio.sleep(0)
    print(f"main: cancel() -> {t.cancel()}")
    try:
        await t
    except asyncio.CancelledError:
        print("main: CancelledError")
    print(f"main: cancelled {t.cancelled()}, cancel() again -> {t.cancel()}")


asyncio.run(main())
