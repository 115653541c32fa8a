"""Throw: a ValueError thrown in is caught and the body yields again; an error
the body does not catch ends it. Same trace format as send_total.py."""


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


def catcher():
    print("  start")
    try:
        caught = 0
        while True:
            try:
                yield caught
            except ValueError:
                caught += 1
                print(f"  caught ValueError #{caught}")
    finally:
        print("  finally")


print("== throw into a new generator")
g = catcher()
step("throw(ValueError)", lambda: g.throw(ValueError))
step("next", lambda: next(g))

print("== throw caught, then uncaught")
g = catcher()
step("next", lambda: next(g))
step("throw(ValueError)", lambda: g.throw(ValueError))
step("throw(ValueError)", lambda: g.throw(ValueError))
step("next", lambda: next(g))
step("throw(KeyError)", lambda: g.throw(KeyError))
step("next", lambda: next(g))
step("throw(ValueError)", lambda: g.throw(ValueError))
close("close", g)
