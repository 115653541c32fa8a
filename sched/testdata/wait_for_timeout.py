"""wait_for: on timeout the awaited coroutine sees the cancellation, cleans up
(even awaiting during its cleanup), and only then does the caller get
TimeoutError. A coroutine that finishes in time gives its result. Prints
order only. sched/trace_test.go (TestTraceWaitForTimeout) plays the same
scenario.
"""
import asyncio


async def worker(delay):
    print("  worker: starts")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print("  worker: cancelled, cleaning up")
        await asyncio.sleep(0)
        print("  worker: cleanup done")
        raise
    finally:
        print("  worker: finally")
    print("  worker: returns")
    return "result"


async def main():
    print("== times out")
    try:
        await asyncio.wait_for(worker(10), 1)
    except TimeoutError:
        print("main: TimeoutError")

    print("== in time")
    print(f"main: got {await asyncio.wait_for(worker(1), 10)}")


asyncio.run(main())
