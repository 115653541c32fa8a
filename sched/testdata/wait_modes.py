"""asyncio.wait in every mode, printing the done and pending task names sorted.

Tasks: a sleeps 1 s, b sleeps 2 s, c sleeps 3 s, x fails after 1.5 s.
ALL_COMPLETED waits for everything; FIRST_COMPLETED returns when a finishes;
FIRST_EXCEPTION returns when x fails (or when all are done if none fails);
a timeout returns whatever is done by then, cancelling nothing. Each scenario
then waits for the pending tasks so the next one starts clean. Prints order
only. sched/trace_test.go (TestTraceWaitModes) plays the same scenario.
"""
import asyncio

DELAYS = {"a": 1, "b": 2, "c": 3, "x": 1.5}


async def child(name):
    await asyncio.sleep(DELAYS[name])
    if name == "x":
        print(f"  {name} fails")
        raise ValueError(name)
    print(f"  {name} finishes")
    return name


def spawn(names):
    return [asyncio.create_task(child(n), name=n) for n in names]


def names(tasks):
    return " ".join(sorted(t.get_name() for t in tasks)) or "-"


async def scenario(title, tasks, **kw):
    print(f"== {title}")
    done, pending = await asyncio.wait(tasks, **kw)
    print(f"done: {names(done)}; pending: {names(pending)}")
    for t in tasks:
        if t.done() and not t.cancelled() and t.exception() is not None:
            print(f"{t.get_name()} raised {type(t.exception()).__name__}")
    if pending:
        await asyncio.wait(pending)
        for t in pending:
            t.exception()  # retrieved


async def main():
    await scenario("ALL_COMPLETED", spawn("abc"))
    await scenario("FIRST_COMPLETED", spawn("cba"), return_when=asyncio.FIRST_COMPLETED)
    await scenario("FIRST_EXCEPTION with a failure", spawn("abxc"), return_when=asyncio.FIRST_EXCEPTION)
    await scenario("FIRST_EXCEPTION without one", spawn("ab"), return_when=asyncio.FIRST_EXCEPTION)
    await scenario("timeout 2.5 s", spawn("abc"), timeout=2.5)
    await scenario("timeout after everything", spawn("ab"), timeout=5)


asyncio.run(main())
