"""What each itertools adapter draws from its source, and when the source is
cleaned up, relative to what the consumer sees.

Each scenario ranges (for-loops) over an adapter of instrumented sources: a
source prints "  NAME draw V" before it hands V out, "  NAME end" when it is
exhausted, and "  NAME cleanup" from its finally clause (exhaustion, or the
close that CPython's reference counting does as soon as the adapter is
dropped, which is when the for statement ends). The consumer prints "-> V" per
value (pairs as "-> A B"; tuples and lists as [a, b]) and "done" after its for
statement. seqs/trace_test.go plays the same scenarios with package seqs.

Regenerate: python3 seqs/testdata/draws.py > seqs/testdata/draws.out
"""
import functools
import operator
from itertools import (accumulate, chain, count, cycle, dropwhile, groupby,
                       islice, pairwise, repeat, takewhile, tee)


def src(n, name='s'):
    try:
        for i in range(n):
            print(f'  {name} draw {i}')
            yield i
        print(f'  {name} end')
    finally:
        print(f'  {name} cleanup')


def fmt(v):
    if isinstance(v, (list, tuple)):
        return '[' + ', '.join(fmt(x) for x in v) + ']'
    return str(v)


def out(*vals):
    print('->', *[fmt(v) for v in vals])


def run(name, make, stop_after=None):
    """Ranges over make(), breaking after stop_after values if given. The for
    statement holds the only reference to the adapter, so CPython drops it (and
    closes its sources) as the statement ends, as Go's range does."""
    print('==', name)
    n = 0
    for v in make():
        if isinstance(v, tuple) and name.split('(')[0] in PAIRS:
            out(*v)
        else:
            out(v)
        n += 1
        if stop_after is not None and n == stop_after:
            break
    print('done')


# Adapters whose Go counterpart is an iter.Seq2: their tuples print as pairs.
PAIRS = {'zip', 'enumerate', 'pairwise', 'groupby'}


def batched(iterable, n):
    # The 3.11 docs recipe (itertools.batched is 3.12's).
    if n < 1:
        raise ValueError('n must be at least one')
    it = iter(iterable)
    while batch := tuple(islice(it, n)):
        yield batch


def groups(iterable, key):
    # Go's groups are slices: gather each lazy group as it comes.
    for k, g in groupby(iterable, key):
        yield k, list(g)


def main():
    run('map', lambda: map(lambda v: v * 10, src(3)))
    run('map(break)', lambda: map(lambda v: v * 10, src(5)), stop_after=2)
    run('filter', lambda: filter(lambda v: v % 2 == 0, src(5)))
    run('filter(break)', lambda: filter(lambda v: v % 2 == 1, src(6)), stop_after=2)
    run('enumerate', lambda: enumerate(src(3)))
    run('accumulate', lambda: accumulate(src(5)))
    run('accumulate(break)', lambda: accumulate(src(5), operator.mul), stop_after=3)
    run('take', lambda: islice(src(5), 2))
    run('take(0)', lambda: islice(src(5), 0))
    run('take(long)', lambda: islice(src(3), 5))
    run('take(break)', lambda: islice(src(5), 3), stop_after=1)
    run('drop', lambda: islice(src(5), 2, None))
    run('drop(break)', lambda: islice(src(5), 2, None), stop_after=1)
    run('slice(1,4)', lambda: islice(src(6), 1, 4))
    run('slice(0,9,3)', lambda: islice(src(10), 0, 9, 3))
    run('slice(2,9,3)', lambda: islice(src(10), 2, 9, 3))
    run('slice(1,3,50)', lambda: islice(src(10), 1, 3, 50))
    run('slice(5,3)', lambda: islice(src(10), 5, 3))
    run('slice(1,None,2)', lambda: islice(src(6), 1, None, 2))
    run('slice(2,9,3)(break)', lambda: islice(src(10), 2, 9, 3), stop_after=2)
    run('takewhile', lambda: takewhile(lambda v: v < 2, src(5)))
    run('takewhile(all)', lambda: takewhile(lambda v: v < 9, src(3)))
    run('dropwhile', lambda: dropwhile(lambda v: v < 2, src(5)))
    run('dropwhile(break)', lambda: dropwhile(lambda v: v < 2, src(5)), stop_after=1)
    run('chain', lambda: chain(src(2, 'a'), src(0, 'b'), src(2, 'c')))
    run('chain(break)', lambda: chain(src(2, 'a'), src(3, 'b'), src(2, 'c')), stop_after=3)
    run('flatten', lambda: chain.from_iterable(src(n, f'i{n}') for n in range(3)))
    run('flatten(break)', lambda: chain.from_iterable(src(n, f'i{n}') for n in range(4)), stop_after=2)
    run('zip', lambda: zip(src(3, 'a'), src(5, 'b')))
    run('zip(b shorter)', lambda: zip(src(5, 'a'), src(2, 'b')))
    run('zip(a empty)', lambda: zip(src(0, 'a'), src(2, 'b')))
    run('zip(break)', lambda: zip(src(5, 'a'), src(5, 'b')), stop_after=2)
    run('pairwise', lambda: pairwise(src(4)))
    run('pairwise(one)', lambda: pairwise(src(1)))
    run('pairwise(break)', lambda: pairwise(src(5)), stop_after=1)
    run('batched', lambda: batched(src(7), 3))
    run('batched(exact)', lambda: batched(src(6), 3))
    run('batched(break)', lambda: batched(src(9), 2), stop_after=2)
    run('groupby', lambda: groups(src(7), lambda v: v // 3))
    run('groupby(break)', lambda: groups(src(9), lambda v: v // 2), stop_after=2)
    run('cycle', lambda: islice(cycle(src(3)), 8))
    run('cycle(empty)', lambda: cycle(src(0)))
    run('cycle(break)', lambda: cycle(src(4)), stop_after=2)
    run('count', lambda: islice(count(3, -2), 4))
    run('repeat', lambda: repeat(7, 3))
    run('repeat(forever)', lambda: islice(repeat(7), 4))
    run('repeat(0)', lambda: repeat(7, 0))
    print('== reduce')
    print('->', functools.reduce(operator.add, src(4), 100))
    print('done')

    print('== tee')
    a, b = tee(src(4))
    for x, y in zip(a, b):
        out(x, y)
    print('done')
    del a, b

    print('== tee(a then b)')
    a, b = tee(src(3))
    for v in a:
        out('a', v)
    print('a done')
    for v in b:
        out('b', v)
    print('done')
    del a, b

    # Go's tee iterators end with their range statement; CPython's when they
    # are dropped: each is dropped right after its loop, so that both say the
    # same thing.
    print('== tee(break both)')
    a, b = tee(src(6))
    for v in a:
        out('a', v)
        if v == 2:
            break
    del a
    print('a done')
    for v in b:
        out('b', v)
        if v == 0:
            break
    del b
    print('done')


main()
