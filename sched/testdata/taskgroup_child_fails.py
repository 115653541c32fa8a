"""A task group whose child fails while its siblings and the body sleep.

Two siblings sleep 2s and 3s; a third child fails after 1s. The group cancels
the siblings (each prints its cancellation and re-raises) and the task that
runs the body (the body's pending sleep prints its cancellation); "async with"
then raises an ExceptionGroup holding only the failure, and main prints it.
The body's cancellation was the group's own, so main's task is not left
cancelling. CPython cancels the siblings in its task set's iteration order,
which for these two is the order they were created; sched cancels a group's
tasks in spawn order. Prints order only. sched/group_trace_test.go
(TestTraceTaskGroupChildFails) plays the same scenario under virtual time.
"""
import asyncio


async def sibling(n):
    print(f"sibling {n}: sleeps {n}s")
    try:
        await asyncio.sleep(n)
    except asyncio.CancelledError:
        print(f"sibling {n}: cancelled")
        raise
    print(f"sibling {n}: wakes")


async def failer():
    print("failer: sleeps 1s")
    await asyncio.sleep(1)
    print("failer: raises ValueError")
    raise ValueError("failer broke")


async def main():
    try:
        async with asyncio.TaskGroup() as g:
            g.create_task(sibling(2))
            g.create_task(failer())
            g.create_task(sibling(3))
            print("body: sleeps 10s")
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("body: cancelled")
                raise
            print("body: wakes")
        print("main: the group ended without an error")
    except ExceptionGroup as eg:
        print(f"main: ExceptionGroup with {len(eg.exceptions)} exception(s)")
        for e in eg.exceptions:
            print(f"main:   {type(e).__name__}: {e}")
    print(f"main: cancelling() = {asyncio.current_task().cancelling()}")


asyncio.run(main())
