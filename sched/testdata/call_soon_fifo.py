"""call_soon is FIFO, iteration by iteration.

main schedules callbacks a, b, c; each callback schedules its children
(NAME.1, NAME.2) while it runs, and those run only after every callback that
was ready before them: each generation prints after the whole previous one.
The callback "b.1" completes a future main awaits, so main's wake-up is queued
behind the callbacks scheduled before it in that iteration. Prints order only.
sched/trace_test.go (TestTraceCallSoonFIFO) plays the same scenario.
"""
import asyncio

CHILDREN = {"a": 2, "b": 2, "c": 1, "a.1": 1, "b.1": 1, "b.2": 1}


async def main():
    loop = asyncio.get_running_loop()
    woken = loop.create_future()
    last = loop.create_future()

    def cb(name):
        print(f"callback {name}")
        if name == "b.1":
            print("  b.1 completes the future main awaits")
            woken.set_result(None)
        if name == "b.2.1":
            last.set_result(None)
        for i in range(CHILDREN.get(name, 0)):
            loop.call_soon(cb, f"{name}.{i + 1}")

    for name in ("a", "b", "c"):
        loop.call_soon(cb, name)
    print("main: scheduled a, b, c; awaits the future")
    await woken
    print("main: resumed")
    await last
    print("main: done")


asyncio.run(main())
