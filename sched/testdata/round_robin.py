"""sleep(0) hands the loop to every other ready task: a round robin.

Three tasks a, b, c each print and sleep(0) three times; every round visits
all three in the order they were created. Prints order only.
sched/trace_test.go (TestTraceRoundRobin) plays the same scenario, under
virtual time and again on the real clock.
"""
import asyncio


async def worker(name):
    for i in range(3):
        print(f"{name} round {i}")
        await asyncio.sleep(0)
    print(f"{name} done")
    return name


async def main():
    tasks = [asyncio.create_task(worker(name)) for name in "abc"]
    print("main: gathers")
    print(f"main: results {await asyncio.gather(*tasks)}")


asyncio.run(main())
