"""The combinatoric generators' output order and ends for small pools:
permutations and combinations of 'ABCDE'[:n] for every r up to n+1, and
product of pools of sizes 0..3. seqs/trace_test.go prints the same lines with
seqs.Permutations, seqs.Combinations and seqs.Product.

Regenerate: python3 seqs/testdata/combinatorics.py > seqs/testdata/combinatorics.out
"""
from itertools import combinations, permutations, product


def fmt(ts):
    return '[' + ' '.join(''.join(t) if t else '()' for t in ts) + ']'


for n in range(6):
    pool = 'ABCDE'[:n]
    for r in range(n + 2):
        print(f'permutations({pool!r}, {r}) {fmt(permutations(pool, r))}')
        print(f'combinations({pool!r}, {r}) {fmt(combinations(pool, r))}')
for sizes in ((), (0,), (2,), (2, 3), (3, 0, 2), (1, 1, 1), (2, 2, 2), (3, 1, 2)):
    pools = ['abc'[:k].upper() if i % 2 else 'xyz'[:k] for i, k in enumerate(sizes)]
    print(f'product{tuple(pools)} {fmt(product(*pools))}')
