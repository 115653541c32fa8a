"""PEP 479: a StopIteration escaping a generator body becomes RuntimeError,
also through yield from; one caught inside the body is harmless. Same trace
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


def leaky():
    print("  leaky start")
    yield 1
    raise StopIteration


def via_next():
    print("  via_next start")
    yield next(iter([]))


def careful():
    try:
        next(iter([]))
    except StopIteration:
        print("  caught StopIteration inside")
    yield 2


def delegator():
    yield from leaky()
    print("  delegator resumed")


print("== raise StopIteration after a yield")
g = leaky()
step("next", lambda: next(g))
step("next", lambda: next(g))
step("next", lambda: next(g))

print("== next() of an exhausted iterator")
g = via_next()
step("next", lambda: next(g))

print("== caught inside the body")
g = careful()
step("next", lambda: next(g))
step("next", lambda: next(g))

print("== through yield from")
g = delegator()
step("next", lambda: next(g))
step("next", lambda: next(g))
