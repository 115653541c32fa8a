"""islice's ends: which values come out of islice(iter(range(10)), start, stop,
step), and which values of the shared source iterator are left after it, when
the consumer takes everything ("all") and when it stops after the first value
("first"). islice draws the values before start, and after its last value it
draws up to stop, but only when asked for more. seqs/trace_test.go plays the
same matrix with seqs.Slice (stop -1 for None).

Regenerate: python3 seqs/testdata/slice.py > seqs/testdata/slice.out
"""
from itertools import islice

for start in (0, 1, 2, 3, 5, 10, 12):
    for stop in (None, 0, 1, 2, 3, 5, 9, 10, 11, 15):
        for step in (1, 2, 3, 50):
            it = iter(range(10))
            got = list(islice(it, start, stop, step))
            left = list(it)
            it = iter(range(10))
            first = list(islice(islice(it, start, stop, step), 1))
            left1 = list(it)
            s = -1 if stop is None else stop
            print(f'slice({start},{s},{step}) all {got} left {left} first {first} left {left1}')
