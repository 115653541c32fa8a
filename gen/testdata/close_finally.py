"""Close: GeneratorExit at the pending yield runs the body's finally; a body
may catch it and return, or raise something else. Same trace format as
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


def close(label, g):
    try:
        g.close()
    except BaseException as e:
        print(f"{label} -> raise {type(e).__name__}")
    else:
        print(f"{label} -> ok")


def worker(name):
    try:
        print(f"  {name} start")
        yield 1
        yield 2
    finally:
        print(f"  {name} finally")


def catcher():
    try:
        yield 1
    except GeneratorExit:
        print("  caught GeneratorExit, returning")
        return 99


def raiser():
    try:
        yield 1
    except GeneratorExit:
        print("  caught GeneratorExit, raising ValueError")
        raise ValueError("from close")


print("== close a suspended generator")
g = worker("a")
step("next", lambda: next(g))
close("close", g)
close("close", g)
step("next", lambda: next(g))

print("== close before the first next")
g = worker("b")
close("close", g)
step("next", lambda: next(g))

print("== close a finished generator")
g = worker("c")
step("next", lambda: next(g))
step("next", lambda: next(g))
step("next", lambda: next(g))
close("close", g)

print("== body catches GeneratorExit and returns")
g = catcher()
step("next", lambda: next(g))
close("close", g)

print("== body turns GeneratorExit into ValueError")
g = raiser()
step("next", lambda: next(g))
close("close", g)
step("next", lambda: next(g))
