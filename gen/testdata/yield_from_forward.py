"""yield from: sends, throws and close reach the inner generator, and its
return value comes back to the delegator. Same trace format as send_total.py."""


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


def adder():
    print("  adder start")
    total = 0
    try:
        while True:
            try:
                n = yield total
            except ValueError:
                print("  adder caught ValueError")
                continue
            if n < 0:
                return total
            total += n
    finally:
        print(f"  adder finally, total {total}")


def delegator():
    print("  delegator start")
    try:
        r = yield from adder()
        print(f"  delegator got {r}")
        yield r * 10
        r = yield from adder()
        print(f"  delegator got {r}")
    finally:
        print("  delegator finally")


print("== send, throw, return value, uncaught throw")
g = delegator()
step("next", lambda: next(g))
step("send(5)", lambda: g.send(5))
step("send(7)", lambda: g.send(7))
step("throw(ValueError)", lambda: g.throw(ValueError))
step("send(-1)", lambda: g.send(-1))
step("next", lambda: next(g))
step("send(2)", lambda: g.send(2))
step("throw(KeyError)", lambda: g.throw(KeyError))
step("next", lambda: next(g))

print("== close reaches the inner generator first")
g = delegator()
step("next", lambda: next(g))
step("send(3)", lambda: g.send(3))
close("close", g)
step("next", lambda: next(g))
