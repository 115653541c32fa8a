"""Three tasks sleep 2, 1 and 3 seconds; they wake in deadline order.

The tasks start in the order they were created (2, 1, 3), print when they
wake (1, 2, 3), and gather returns their results in argument order. Prints
order only. sched/trace_test.go (TestTraceSleepers) plays the same scenario,
under virtual time and again on the real clock scaled down.
"""
import asyncio


async def sleeper(n):
    print(f"task {n}: sleeps {n}s")
    await asyncio.sleep(n)
    print(f"task {n}: wakes")
    return n


async def main():
    tasks = [asyncio.create_task(sleeper(n)) for n in (2, 1, 3)]
    print("main: gathers")
    results = await asyncio.gather(*tasks)
    print(f"main: results {results}")


asyncio.run(main())
