"""Exceptions through pipelines: a source generator that raises after some
values, or a stage that raises (int() of a bad string), seen by the consumer
of a for loop. Python's exception unwinds every generator and adapter between
the failure and the loop; the consumer prints "error NAME". Cleanup lines come
from finally clauses, as in draws.py. seqs/trace_test.go plays the same
pipelines with seqs.Through and seqs.MapErr over gen.Gen.AllErr, where the
error reaches the loop as its last pair.

Regenerate: python3 seqs/testdata/errors.py > seqs/testdata/errors.out
"""
from itertools import accumulate, chain, cycle, groupby, islice, pairwise, tee


def src(n, name='s'):
    try:
        for i in range(n):
            print(f'  {name} draw {i}')
            yield i
        print(f'  {name} end')
    finally:
        print(f'  {name} cleanup')


def failing(n, name='f'):
    try:
        for i in range(n):
            print(f'  {name} draw {i}')
            yield i
        print(f'  {name} raise ValueError')
        raise ValueError('boom')
    finally:
        print(f'  {name} cleanup')


def fmt(v):
    if isinstance(v, (list, tuple)):
        return '[' + ', '.join(fmt(x) for x in v) + ']'
    return str(v)


def run(name, make, stop_after=None):
    print('==', name)
    n = 0
    try:
        for v in make():
            print('->', fmt(v))
            n += 1
            if stop_after is not None and n == stop_after:
                break
    except ValueError:
        print('error ValueError')
    print('done')


def batched(iterable, n):
    it = iter(iterable)
    while batch := tuple(islice(it, n)):
        yield batch


def groups(iterable, key):
    for k, g in groupby(iterable, key):
        yield [k, list(g)]


def parse(s):
    print(f'  parse {s}')
    return int(s)


def words(ws, name='w'):
    try:
        for w in ws:
            print(f'  {name} draw {w}')
            yield w
        print(f'  {name} end')
    finally:
        print(f'  {name} cleanup')


run('map', lambda: map(lambda v: v * 10, failing(2)))
run('map(before the error)', lambda: map(lambda v: v * 10, failing(5)), stop_after=2)
run('take(short of the error)', lambda: islice(failing(5), 3))
run('take(reaches the error)', lambda: islice(failing(2), 3))
run('filter', lambda: filter(lambda v: v % 2 == 1, failing(4)))
run('accumulate', lambda: accumulate(failing(3)))
run('pairwise', lambda: pairwise(failing(3)))
run('batched', lambda: batched(failing(5), 2))
run('groupby', lambda: groups(failing(5), lambda v: v // 2))
run('cycle', lambda: cycle(failing(2)))
run('chain', lambda: chain(failing(2), src(2, 'next')))
run('zip(failing second)', lambda: zip(src(4, 'a'), failing(2)))
run('zip(failing first)', lambda: zip(failing(1), src(4, 'b')))
run('tee', lambda: zip(*tee(failing(2))))
run('parse', lambda: map(parse, words(['1', '22', 'x', '4'])))
run('parse(ok)', lambda: map(parse, words(['1', '22'])))
run('parse then filter', lambda: filter(lambda n: n > 1, map(parse, words(['1', '22', 'x', '4']))))
run('filter then parse', lambda: map(parse, filter(lambda w: w != '-', words(['1', '-', '3']))))
run('take then parse', lambda: map(parse, islice(words(['1', '2', 'x']), 2)))
