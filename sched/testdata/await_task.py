"""Where awaiting resumes, shown by a callback that prints a marker in every
loop iteration (call_soon re-scheduling itself).

1. Awaiting a task: main resumes one iteration after the task finishes (the
   task's completion schedules main's wake-up).
2. Awaiting a coroutine runs it inline: no iteration passes.
3. Awaiting a done future does not suspend at all.
4. A new task first runs when its creator suspends.
Prints order only. sched/trace_test.go (TestTraceAwaitTask) plays the same
scenario.
"""
import asyncio


async def child(name):
    print(f"  {name}: starts")
    await asyncio.sleep(0)
    print(f"  {name}: returns")
    return name


async def main():
    loop = asyncio.get_running_loop()
    state = {"n": 0, "stop": False}

    def tick():
        if state["stop"]:
            return
        state["n"] += 1
        print(f"-- iteration {state['n']}")
        loop.call_soon(tick)

    loop.call_soon(tick)
    print("== await a task")
    t = asyncio.create_task(child("task"))
    print("main: created the task, awaits it")
    print(f"main: got {await t}")

    print("== await a coroutine")
    print(f"main: got {await child('coroutine')}")

    print("== await a done future")
    f = loop.create_future()
    f.set_result("done")
    print(f"main: got {await f}")

    print("== a new task waits for its creator to suspend")
    t = asyncio.create_task(child("late"))
    print("main: created the task, sleep(0)")
    await asyncio.sleep(0)
    print("main: back")
    await t
    state["stop"] = True
    print("main: done")


asyncio.run(main())
