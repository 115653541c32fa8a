"""Timers run by deadline, after the callbacks already ready.

call_later with delays 0.3, 0.1, 0.1, 0, -1 and 0.2, mixed with call_soon.
Timers with delay <= 0 are due at once but still wait for the callbacks that
were ready before them; among due timers the earlier deadline goes first, and
equal delays keep the order they were set in. A timer callback that schedules
call_soon and call_later(0) shows both run in the next iteration, call_soon's
first. Prints order only. sched/trace_test.go (TestTraceTimers) plays the same
scenario.
"""
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    finished = loop.create_future()

    def cb(name):
        print(f"callback {name}")
        if name == "zero":
            loop.call_later(0, cb, "later(0) from zero")
            loop.call_soon(cb, "soon from zero")
        if name == "0.1 first":
            loop.call_later(0.05, cb, "later(0.05) from 0.1 first")
        if name == "0.3":
            finished.set_result(None)

    loop.call_later(0.3, cb, "0.3")
    loop.call_later(0.1, cb, "0.1 first")
    loop.call_soon(cb, "soon 1")
    loop.call_later(0.1, cb, "0.1 second")
    loop.call_later(0, cb, "zero")
    loop.call_later(-1, cb, "negative")
    loop.call_later(0.2, cb, "0.2")
    loop.call_soon(cb, "soon 2")
    print("main: scheduled everything")
    await finished
    print("main: done")


asyncio.run(main())
