"""A body that yields after GeneratorExit: close() fails with RuntimeError, also
through yield from; a GeneratorExit passed in by throw() is an ordinary error.
Same trace format as send_total.py."""


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


def stubborn():
    try:
        yield 1
    except GeneratorExit:
        print("  caught GeneratorExit, yielding anyway")
        yield 2
    print("  after the handler")


def delegator():
    print("  delegator start")
    yield from stubborn()
    print("  delegator resumed")


print("== close ignored")
g = stubborn()
step("next", lambda: next(g))
close("close", g)
close("close", g)

print("== throw(GeneratorExit) is not close")
g = stubborn()
step("next", lambda: next(g))
step("throw(GeneratorExit)", lambda: g.throw(GeneratorExit))
step("next", lambda: next(g))

print("== close ignored inside yield from")
g = delegator()
step("next", lambda: next(g))
close("close", g)
close("close", g)
