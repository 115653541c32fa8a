"""Return values: StopIteration carries what the body returns, and yield from
evaluates to the inner generator's return value. Same trace format as
send_total.py."""


def step(label, call):
    try:
        v = call()
    except StopIteration as e:
        print(f"{label} -> stop {e.value}")
    except BaseException as e:
        print(f"{label} -> raise {type(e).__name__}")
    else:
        print(f"{label} -> yield {v}")


def double():
    x = yield "ready"
    return x * 2


def early():
    print("  early returns at once")
    return 42
    yield


def delegator():
    a = yield from double()
    print(f"  delegator got {a}")
    b = yield from early()
    print(f"  delegator got {b}")
    return a + b


print("== return the sent value doubled")
g = double()
step("next", lambda: next(g))
step("send(21)", lambda: g.send(21))
step("next", lambda: next(g))

print("== return before the first yield")
g = early()
step("next", lambda: next(g))
step("next", lambda: next(g))

print("== yield from evaluates to the return value")
g = delegator()
step("next", lambda: next(g))
step("send(5)", lambda: g.send(5))
