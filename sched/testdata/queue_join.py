"""asyncio.Queue hand-off and join, iteration by iteration
(sched/sync_trace_test.go).

A ticker prints "tick N" once per loop iteration. Main puts six items on a
queue of size 2 that two workers drain; each item takes item % 3 extra
iterations to process. Main joins the queue, then cancels the idle workers.
"""
import asyncio


async def main():
    q = asyncio.Queue(maxsize=2)
    stop = False

    async def ticker():
        n = 0
        while not stop:
            print(f"tick {n}")
            n += 1
            await asyncio.sleep(0)

    async def worker(name):
        while True:
            try:
                item = await q.get()
            except asyncio.CancelledError:
                print(f"{name} cancelled while idle")
                raise
            print(f"{name} got {item}")
            for _ in range(item % 3):
                await asyncio.sleep(0)
            print(f"{name} done with {item}")
            q.task_done()

    tick = asyncio.create_task(ticker())
    workers = [asyncio.create_task(worker(f"w{i}")) for i in (1, 2)]
    for i in range(6):
        print(f"main puts {i} (qsize={q.qsize()})")
        await q.put(i)
    print(f"main joins (qsize={q.qsize()})")
    await q.join()
    print("main joined")
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    print(f"cancelled: {[w.cancelled() for w in workers]}")
    stop = True
    await tick


asyncio.run(main())
