"""The asyncio program examples/sleepers ports: three tasks, each named by
the message it prints, sleep at the same time.

Task 1 sleeps 2 s, Task 2 1 s, Task 3 3 s; they are created in the order 1, 2,
3, print in the order their sleeps end (2, 1, 3), and the program takes 3 s,
not 6. examples/sleepers/main_test.go (TestPython) checks that the Go example
prints these lines in this order.
"""
import asyncio


async def task(message, delay):
    await asyncio.sleep(delay)
    print(message)


async def main():
    task1 = asyncio.create_task(task("Running Task 1", 2))
    task2 = asyncio.create_task(task("Running Task 2", 1))
    task3 = asyncio.create_task(task("Running Task 3", 3))
    await task1
    await task2
    await task3


asyncio.run(main())
