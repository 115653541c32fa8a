"""Running total: each value sent in is added to the total the generator yields.

Prints one line per call on the generator ("CALL -> yield V", "-> stop R",
"-> raise NAME", "close -> ok") and indented lines for what the body prints.
gen/trace_test.go replays the same calls in Go and compares its trace with
send_total.out.
"""


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


def total():
    t = 0
    print("  start")
    try:
        while True:
            n = yield t
            t += n
    finally:
        print(f"  finally, total {t}")


print("== running total")
g = total()
step("send(5)", lambda: g.send(5))
step("next", lambda: next(g))
for n in (3, 4, -2):
    step(f"send({n})", lambda: g.send(n))
close("close", g)
step("send(1)", lambda: g.send(1))
close("close", g)
