"""gather returns results in argument order, whatever order the tasks finish.

1. Children sleeping 3, 1, 2 finish in the order b, c, a; the results are
   still in argument order.
2. return_exceptions=True: a failing child's exception takes its place in
   the results, and gather waits for every child.
3. Without it, the first failure comes out of gather at once and the other
   children go on running.
Prints order only. sched/trace_test.go (TestTraceGatherOrder) plays the same
scenario.
"""
import asyncio


async def child(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        print(f"  {name} fails")
        raise ValueError(f"{name} failed")
    print(f"  {name} finishes")
    return name


def show(r):
    if isinstance(r, BaseException):
        return f"{type(r).__name__}({r})"
    return r


async def main():
    print("== finish order differs from argument order")
    res = await asyncio.gather(child("a", 3), child("b", 1), child("c", 2))
    print(f"results: {', '.join(show(r) for r in res)}")

    print("== return_exceptions=True")
    res = await asyncio.gather(child("a", 3), child("b", 1, fail=True), child("c", 2),
                               return_exceptions=True)
    print(f"results: {', '.join(show(r) for r in res)}")

    print("== the first failure propagates; the others go on")
    slow = asyncio.create_task(child("slow", 2))
    try:
        await asyncio.gather(slow, child("bad", 1, fail=True))
    except ValueError as e:
        print(f"gather raised ValueError({e})")
    print(f"slow done: {slow.done()}")
    print(f"slow result: {await slow}")


asyncio.run(main())
