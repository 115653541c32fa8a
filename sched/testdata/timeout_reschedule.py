"""asyncio.timeout's Timeout object: when(), reschedule() and expired() while
the block runs, and after it (reschedule raises once the timeout is done).
Prints times relative to the start, rounded to 0.1 s. sched/timeout_test.go
(TestTimeoutReschedule) plays the same scenario under virtual time.
"""
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()

    def now():
        return f"{loop.time() - t0:.1f}"

    try:
        async with asyncio.timeout(1) as cm:
            print(f"when {cm.when() - t0:.1f}, expired {cm.expired()}")
            cm.reschedule(loop.time() + 3)
            await asyncio.sleep(2)
            print(f"at {now()}: slept 2, when {cm.when() - t0:.1f}")
            cm.reschedule(None)
            print(f"when {cm.when()}")
            await asyncio.sleep(5)
            print(f"at {now()}: slept 5 with no deadline")
            cm.reschedule(loop.time() - 1)
            print(f"expired {cm.expired()} right after moving the deadline into the past")
            await asyncio.sleep(1)
            print("not reached")
    except TimeoutError:
        print(f"at {now()}: TimeoutError, expired {cm.expired()}")
    try:
        cm.reschedule(None)
    except RuntimeError:
        print("reschedule after the block: RuntimeError")

    async with asyncio.timeout(1) as cm:
        await asyncio.sleep(0.5)
    print(f"at {now()}: block done in time, expired {cm.expired()}")


asyncio.run(main())
