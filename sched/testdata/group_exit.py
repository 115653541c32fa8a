"""How a TaskGroup ends depends on what leaves the "async with" body, not on
the task's cancellation count (the reliability issue's three cases).

1. Inside timeout(0) the body awaits a task that catches the cancellation the
   timeout sends and returns 1: the await gives 1, the group and the timeout
   exit normally, and the task's cancellation count is back to 0.
2. The task cancels itself inside the body, then the body ends: the group
   exits normally (it has no task to wait for, so it never awaits), and the
   cancellation arrives at the next await, once.
3. The body catches a cancellation from outside while a 1 s child runs: the
   group waits for the child and exits normally at t=1.
Prints times rounded to 0.1 s. sched/reliability_test.go (TestGroupExit) plays
the same scenario under virtual time.
"""
import asyncio


async def case1():
    async def child():
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            print("  child: caught the cancellation, returns 1")
            return 1

    t = asyncio.create_task(child())
    await asyncio.sleep(0)
    try:
        async with asyncio.timeout(0):
            async with asyncio.TaskGroup():
                r = await t
                print(f"  await gave {r}")
            print("  group exited ok")
        print("  timeout exited ok")
    except BaseException as e:
        print(f"  raised {type(e).__name__}")
    print(f"  cancelling {asyncio.current_task().cancelling()}")


async def case2():
    try:
        async with asyncio.TaskGroup():
            asyncio.current_task().cancel()
        print("  group exited ok")
    except BaseException as e:
        print(f"  group raised {type(e).__name__}")
    for i in range(2):
        try:
            await asyncio.sleep(0)
            print(f"  sleep {i} ok")
        except asyncio.CancelledError:
            print(f"  sleep {i} cancelled")
            asyncio.current_task().uncancel()


async def case3():
    loop = asyncio.get_running_loop()
    t0 = loop.time()

    async def child():
        await asyncio.sleep(1)
        print(f"  child done at {loop.time() - t0:.1f}")

    me = asyncio.current_task()
    loop.call_later(0.1, me.cancel)
    try:
        async with asyncio.TaskGroup() as g:
            g.create_task(child())
            try:
                await asyncio.sleep(0.5)
            except asyncio.CancelledError:
                print(f"  body caught the cancellation at {loop.time() - t0:.1f}")
        print(f"  group exited ok at {loop.time() - t0:.1f}")
    except BaseException as e:
        print(f"  group raised {type(e).__name__}")
    me.uncancel()


async def main():
    for case in (case1, case2, case3):
        print(f"== {case.__name__}")
        await case()


asyncio.run(main())
