"""asyncio.run's shutdown (Lib/asyncio/runners.py, _cancel_all_tasks): when
main returns, the tasks pending at that moment are cancelled and the loop runs
until they are done, then once more for the gather that waited for them, then
for shutdown_asyncgens and shutdown_default_executor (two iterations each); a
task created during shutdown runs only in those iterations and is then left
pending. Here the pending child, on its cancellation, spawns a task that
loops on sleep(0) forever, and one that sleeps 1 s (never woken).
Prints iteration numbers. sched/reliability_test.go (TestRunShutdown) plays
the same scenario.
"""
import asyncio

n = 0


async def looper():
    global n
    while True:
        print(f"looper: iteration {n}")
        n += 1
        await asyncio.sleep(0)


async def sleeper():
    print("sleeper: sleeps 1 s")
    await asyncio.sleep(1)
    print("sleeper: not reached")


async def child():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("child: cancelled, spawns two tasks")
        asyncio.create_task(looper())
        asyncio.create_task(sleeper())
        raise


async def main():
    asyncio.create_task(child())
    await asyncio.sleep(0)
    print("main: returns")


asyncio.run(main())
print("run returned")
