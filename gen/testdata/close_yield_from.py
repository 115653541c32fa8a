"""Close of a generator suspended in yield from whose inner generator catches
GeneratorExit and returns: the delegator still sees GeneratorExit. Same trace
format as send_total.py."""


def step(label, call):
    try:
        v = call()
    except StopIteration as e:
        print(f"{label} -> stop {e.value}")
    except BaseException as e:
        print(f"{label} -> raise {type(e).__name__}")
    else:
        print(f"{label} -> yield {v}")


def close(label, g):
    try:
        g.close()
    except BaseException as e:
        print(f"{label} -> raise {type(e).__name__}")
    else:
        print(f"{label} -> ok")


def inner():
    try:
        yield "inner 1"
        yield "inner 2"
    except GeneratorExit:
        print("  inner caught GeneratorExit, returning")
        return "inner result"


def delegator():
    try:
        r = yield from inner()
        print(f"  delegator got {r}")
        yield "after"
    except GeneratorExit:
        print("  delegator saw GeneratorExit")
        raise
    finally:
        print("  delegator finally")


def stubborn_delegator():
    try:
        yield from inner()
    except GeneratorExit:
        print("  delegator caught GeneratorExit, yielding")
        yield "stubborn"


print("== close")
g = delegator()
step("next", lambda: next(g))
step("next", lambda: next(g))
close("close", g)
step("next", lambda: next(g))

print("== throw(GeneratorExit)")
g = delegator()
step("next", lambda: next(g))
step("throw(GeneratorExit)", lambda: g.throw(GeneratorExit))
step("next", lambda: next(g))

print("== the delegator yields after GeneratorExit")
g = stubborn_delegator()
step("next", lambda: next(g))
close("close", g)
