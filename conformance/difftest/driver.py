"""Runs difftest's programs on CPython's asyncio, on a virtual clock.

Reads programs from stdin, each as a header line "@@prog ID NLINES" and NLINES
of Python source defining "async def main()"; writes each one's trace as
"@@trace ID MAINEND DEAD NLINES" and NLINES of trace. One process runs any
number of programs, each on a fresh loop.

The loop: asyncio's BaseEventLoop whose clock is an integer that moves only
when nothing is ready, straight to the earliest timer (the selector never
sleeps); equal deadlines fire in the order they were set (CPython's heap leaves
that tie open; sched closes it this way). When nothing is ready and no timer is
pending while main runs, asyncio would hang: the program ends with DEADLOCK.

Semantics newer than this Python 3.11, written here in our own words, as sched
follows them:
  - Task.uncancel of Python 3.13: taking back the last request also drops a
    cancellation not yet delivered (Task below).
  - TaskGroup of Python 3.13 (gh-116720): the group's own cancellation of its
    parent is taken back after waiting for the children; children's errors
    outrank a cancellation; if the parent is being cancelled from outside when
    the group raises its errors, it is uncancelled and cancelled again (TG).
    Its tasks are kept in creation order (a set in CPython, whose iteration
    order is arbitrary): sched aborts them in spawn order.
  - wait_for of Python 3.12: asyncio.timeout around the await; a timeout <= 0
    cancels and waits for what is not done yet (wait_for).
  - Queue.shutdown of Python 3.13 (the queue classes).
  - as_completed keeps its tasks in the order given instead of a set's.
  - asyncio.run's shutdown cancels the tasks left in creation order (a set in
    CPython), as sched does (run_prog).
"""

import asyncio
import collections
import heapq
import re
import sys
import warnings
from asyncio import base_events, events, exceptions, tasks

warnings.simplefilter("ignore")

# The last step of TaskGroup.__aexit__ in Python 3.13: when the group raises
# its children's errors while its parent is being cancelled from outside, the
# parent is uncancelled and cancelled again (the cancellation is delivered
# anew at its next await). Set False to compare without it.
RECANCEL = True

# The last instant of sched's clock (int64 nanoseconds).
NEVER = 2**63 - 1


class Deadlock(Exception):
    pass


class _Timer(events.TimerHandle):
    __slots__ = ("_seq",)

    def __lt__(self, other):
        if self._when != other._when:
            return self._when < other._when
        return self._seq < other._seq


class _Selector:
    """Jumps the clock to the first timer instead of sleeping."""

    def __init__(self, loop):
        self._loop = loop

    def select(self, timeout):
        if timeout is None:
            raise Deadlock()
        if timeout > 0:
            # _run_once has dropped the cancelled timers at the head.
            self._loop._now = max(self._loop._now, self._loop._scheduled[0]._when)
        return []

    def close(self):
        pass


class Task(tasks._PyTask):
    def uncancel(self):
        if self._num_cancels_requested > 0:
            self._num_cancels_requested -= 1
            if self._num_cancels_requested == 0:
                self._must_cancel = False
        return self._num_cancels_requested


class VirtualLoop(base_events.BaseEventLoop):
    def __init__(self):
        super().__init__()
        self._selector = _Selector(self)
        self._now = 0
        self._timer_seq = 0
        self._task_seq = 0
        # Integer times: a timer is due when its deadline <= now.
        self._clock_resolution = 1

    def time(self):
        return self._now

    def call_at(self, when, callback, *args, context=None):
        self._check_closed()
        self._timer_seq += 1
        timer = _Timer(when, callback, args, self, context)
        timer._seq = self._timer_seq
        if when > NEVER:
            # sched saturates a deadline past the end of its int64 clock: the
            # timer never fires and keeps nothing alive (a documented
            # difference: Python's clock has no end).
            return timer
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def create_task(self, coro, *, name=None, context=None):
        self._check_closed()
        self._task_seq += 1
        t = Task(coro, loop=self, name=name, context=context)
        t._seq = self._task_seq
        return t

    def _process_events(self, event_list):
        pass

    def _write_to_self(self):
        pass


class E(Exception):
    def __init__(self, n):
        super().__init__(n)
        self.n = n


class QueueShutDown(Exception):
    pass


class _Shutdown:
    """Python 3.13's Queue.shutdown on 3.11's queues."""

    _is_shutdown = False

    async def put(self, item):
        while self.full():
            if self._is_shutdown:
                raise QueueShutDown
            putter = self._get_loop().create_future()
            self._putters.append(putter)
            try:
                await putter
            except:
                putter.cancel()
                try:
                    self._putters.remove(putter)
                except ValueError:
                    pass
                if not self.full() and not putter.cancelled():
                    self._wakeup_next(self._putters)
                raise
        return self.put_nowait(item)

    def put_nowait(self, item):
        if self._is_shutdown:
            raise QueueShutDown
        return super().put_nowait(item)

    async def get(self):
        while self.empty():
            if self._is_shutdown:
                raise QueueShutDown
            getter = self._get_loop().create_future()
            self._getters.append(getter)
            try:
                await getter
            except:
                getter.cancel()
                try:
                    self._getters.remove(getter)
                except ValueError:
                    pass
                if not self.empty() and not getter.cancelled():
                    self._wakeup_next(self._getters)
                raise
        return self.get_nowait()

    def get_nowait(self):
        if self.empty() and self._is_shutdown:
            raise QueueShutDown
        return super().get_nowait()

    def shutdown(self, immediate=False):
        self._is_shutdown = True
        if immediate:
            while not self.empty():
                self._get()
                if self._unfinished_tasks > 0:
                    self._unfinished_tasks -= 1
            if self._unfinished_tasks == 0:
                self._finished.set()
        for waiters in (self._getters, self._putters):
            while waiters:
                w = waiters.popleft()
                if not w.done():
                    w.set_result(None)


class Queue(_Shutdown, asyncio.Queue):
    pass


class LifoQueue(_Shutdown, asyncio.LifoQueue):
    pass


class PriorityQueue(_Shutdown, asyncio.PriorityQueue):
    pass


class TG:
    """asyncio.TaskGroup as CPython main has it (3.13's uncancel, gh-155433; see the module doc)."""

    def __init__(self):
        self._exiting = False
        self._aborting = False
        self._parent_cancel_requested = False
        self._tasks = {}
        self._errors = []
        self._on_completed_fut = None

    async def __aenter__(self):
        self._loop = events.get_running_loop()
        self._parent_task = tasks.current_task(self._loop)
        return self

    async def __aexit__(self, et, exc, tb):
        self._exiting = True
        propagate = exc if et is not None and issubclass(et, exceptions.CancelledError) else None
        if et is not None and not self._aborting:
            self._abort()
        pending = None
        while self._tasks:
            if self._on_completed_fut is None:
                self._on_completed_fut = self._loop.create_future()
            try:
                await self._on_completed_fut
            except exceptions.CancelledError as ex:
                pending = ex
                if not self._aborting:
                    propagate = ex
                    self._abort()
            self._on_completed_fut = None
        if self._parent_cancel_requested:
            if self._parent_task.uncancel() == 0:
                propagate = None
            elif propagate is None:
                # gh-155433 (CPython main): a cancellation left that is not
                # the group's own is not dropped.
                propagate = pending
        if propagate is not None and not self._errors:
            raise propagate
        if et is not None and not issubclass(et, exceptions.CancelledError):
            self._errors.append(exc)
        if self._errors:
            if RECANCEL and self._parent_task.cancelling():
                self._parent_task.uncancel()
                self._parent_task.cancel()
            raise BaseExceptionGroup("unhandled errors in a TaskGroup", self._errors) from None

    def create_task(self, coro):
        if self._exiting and not self._tasks:
            coro.close()
            raise RuntimeError("TaskGroup is finished")
        if self._aborting:
            coro.close()
            raise RuntimeError("TaskGroup is shutting down")
        t = self._loop.create_task(coro)
        self._tasks[t] = None
        t.add_done_callback(self._on_task_done)
        return t

    def _abort(self):
        self._aborting = True
        for t in self._tasks:
            if not t.done():
                t.cancel()

    def _on_task_done(self, t):
        self._tasks.pop(t, None)
        if self._on_completed_fut is not None and not self._tasks:
            if not self._on_completed_fut.done():
                self._on_completed_fut.set_result(True)
        if t.cancelled():
            return
        exc = t.exception()
        if exc is None:
            return
        self._errors.append(exc)
        if self._parent_task.done():
            return
        if not self._aborting and not self._parent_cancel_requested:
            self._abort()
            self._parent_cancel_requested = True
            self._parent_task.cancel()


async def _cancel_and_wait(fut):
    loop = events.get_running_loop()
    waiter = loop.create_future()

    def release(_):
        if not waiter.done():
            waiter.set_result(None)

    fut.add_done_callback(release)
    try:
        fut.cancel()
        await waiter
    finally:
        fut.remove_done_callback(release)


async def wait_for(aw, timeout):
    """asyncio.wait_for as Python 3.12 has it."""
    if timeout <= 0:
        fut = asyncio.ensure_future(aw)
        if fut.done():
            return fut.result()
        await _cancel_and_wait(fut)
        try:
            return fut.result()
        except exceptions.CancelledError as exc:
            raise TimeoutError from exc
    async with asyncio.timeout(timeout):
        return await aw


def as_completed(fs):
    """asyncio.as_completed (3.11) with its tasks in the order given."""
    done = asyncio.Queue()
    todo = dict.fromkeys(asyncio.ensure_future(f) for f in fs)

    def on_completion(f):
        if not todo:
            return
        todo.pop(f)
        done.put_nowait(f)

    async def wait_for_one():
        f = await done.get()
        return f.result()

    for f in todo:
        f.add_done_callback(on_completion)
    for _ in range(len(todo)):
        yield wait_for_one()


def R(x):
    if isinstance(x, list):
        return "[" + ", ".join(R(y) for y in x) + "]"
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return str(x)
    if isinstance(x, E):
        return f"E{x.n}"
    if isinstance(x, exceptions.CancelledError):
        return "Cancelled"
    if isinstance(x, TimeoutError):
        return "Timeout"
    if isinstance(x, BaseExceptionGroup):
        return "EG[" + ",".join(R(e) for e in x.exceptions) + "]"
    for cls, name in (
        (asyncio.QueueEmpty, "QueueEmpty"),
        (asyncio.QueueFull, "QueueFull"),
        (QueueShutDown, "QueueShutDown"),
        (asyncio.BrokenBarrierError, "BrokenBarrier"),
        (RuntimeError, "RuntimeError"),
        (ValueError, "ValueError"),
    ):
        if isinstance(x, cls):
            return name
    return "?" + repr(x)


_TASK_NAME = re.compile(r"t\d+$")


def _name(t):
    n = t.get_name()
    return n if _TASK_NAME.match(n) else "?"


def WR(done, pending):
    def names(ts):
        return "[" + ",".join(sorted((t.get_name() for t in ts), key=lambda n: int(n[1:]))) + "]"

    return f"done={names(done)} pending={names(pending)}"


def A(*xs):
    return [x for x in xs if x is not None]


class Run:
    """The state of one program's run."""

    def __init__(self):
        self.trace = []
        self.loop = None
        self.dying = False
        self.main_end = -1
        self.dead = False

    def raw(self, s):
        self.trace.append(f"t={self.loop.time() if self.loop else 0} {s}")

    def L(self, fn, msg):
        if not self.dying:
            self.raw(f"{fn}: {msg}")


def run_prog(src):
    st = Run()

    def WATCHDOG(d):
        if d <= 0:
            return
        me = tasks.current_task()

        async def dog():
            await asyncio.sleep(d)
            st.L("watchdog", f"cancel main {me.cancel()}")

        st.loop.create_task(dog(), name="watchdog")

    env = {
        "asyncio": asyncio,
        "L": st.L,
        "R": R,
        "WR": WR,
        "A": A,
        "WATCHDOG": WATCHDOG,
        "E": E,
        "T": {},
        "TG": TG,
        "wait_for": wait_for,
        "as_completed": as_completed,
        "Queue": Queue,
        "LifoQueue": LifoQueue,
        "PriorityQueue": PriorityQueue,
    }
    exec(compile(src, "<program>", "exec"), env)
    loop = VirtualLoop()
    loop.set_exception_handler(lambda loop, context: None)
    st.loop = loop

    async def main():
        try:
            return await env["main"]()
        finally:
            if not st.dying:
                st.main_end = len(st.trace)

    outcome = None
    try:
        try:
            outcome = "main: result " + R(loop.run_until_complete(loop.create_task(main())))
        except Deadlock:
            st.dead = True
            st.raw("DEADLOCK")
        except BaseException as e:
            outcome = "main: raised " + R(e)
        if not st.dead:
            # asyncio.run's ending (runners.py), the tasks in creation order.
            try:
                left = sorted(asyncio.all_tasks(loop), key=lambda t: t._seq)
                if left:
                    for t in left:
                        t.cancel()
                    loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
                    for t in left:
                        if not t.cancelled() and t.exception() is not None:
                            st.raw(f"shutdown-error {_name(t)} {R(t.exception())}")
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            except Deadlock:
                # asyncio.run hangs here; sched ends the shutdown: compare
                # what came before.
                st.dead = 2
                st.raw("DEADLOCK in shutdown")
            if not st.dead:
                st.raw(outcome)
    finally:
        st.dying = True
        for t in sorted(asyncio.all_tasks(loop), key=lambda t: t._seq):
            try:
                t.get_coro().close()
            except BaseException:
                pass
        loop.close()
    return st


def main():
    inp, out = sys.stdin, sys.stdout
    while True:
        hdr = inp.readline()
        if not hdr:
            break
        _, pid, n = hdr.split()
        src = "".join(inp.readline() for _ in range(int(n)))
        try:
            st = run_prog(src)
            lines, main_end, dead = st.trace, st.main_end, st.dead
        except BaseException as e:
            lines, main_end, dead = [f"DRIVER-ERROR {e!r}"], -1, False
        out.write(f"@@trace {pid} {main_end} {int(dead)} {len(lines)}\n")
        for line in lines:
            out.write(line + "\n")
        out.flush()


if __name__ == "__main__":
    main()
