"""Rows grouped by equality in time linear in their number: each row hashed to one 64-bit key,
keys grouped by a hash table (``pandas.factorize``) for big arrays and by one sort
(``np.unique``) for small ones, where importing pandas would cost more than it saves. A hash
collision is detected and the exact rows are grouped instead, column by column. The weld
(``welding``) groups vertices and faces with these.
"""

from __future__ import annotations

import numpy as np

from pointcam_gui.core.blocks import blockwise

HASH_FROM = 600_000  # rows: from here pandas' hash table beats numpy's sort, import included


def first_of_each(rows: np.ndarray, *, mostly_distinct: bool = False
                  ) -> tuple[np.ndarray, np.ndarray]:
    """For (n, k) int64 rows: the index of each distinct row's first appearance, in order of
    appearance, and every row's group number in that order (``rows[first][inverse] == rows``).
    ``mostly_distinct``: rows that usually are all different (an indexed file's vertices) are
    first checked by sorting their keys, a tenth of the cost of grouping them (5.2M rows: 0.07
    s against 0.7 s); when no key repeats, no row does."""
    keys = np.empty(len(rows), dtype=np.uint64)

    def hashed(block: slice) -> None:
        keys[block] = row_keys(rows[block])

    blockwise(hashed, len(rows))
    if mostly_distinct:
        ordered = np.sort(keys)
        if not (ordered[1:] == ordered[:-1]).any():
            every = np.arange(len(rows))
            return every, every
    codes = group_codes(keys)
    first = first_indices(codes)
    firsts = rows[first]
    if not all(blockwise(lambda block: bool((firsts[codes[block]] == rows[block]).all()),
                         len(rows))):  # a hash collision: rare; group exact rows
        codes = group_codes(rows[:, 0])
        for column in rows.T[1:]:
            other = group_codes(column)
            codes = group_codes(codes * (int(other.max()) + 1) + other)
        first = first_indices(codes)
    return first, codes


def group_codes(keys: np.ndarray) -> np.ndarray:
    """Group numbers of 1-D keys, numbered in order of first appearance."""
    if len(keys) >= HASH_FROM:
        import pandas as pd

        return pd.factorize(keys)[0].astype(np.int64, copy=False)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[inverse.ravel()]


def first_indices(codes: np.ndarray) -> np.ndarray:
    """The first index of each group number 0..g-1 (numbered in order of appearance)."""
    first = np.empty(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write is the first index
    return first


_MIX = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)


def row_keys(q: np.ndarray) -> np.ndarray:
    """One well-mixed 64-bit key per (n, k) 64-bit row, so grouping sees n keys, not rows: each
    column folded (its high half onto its low half: a double's low mantissa bits are zero when
    it came from a float32, a grid integer's high bits are zero), times its own odd constant,
    summed (wrapping), then one finalising mix. Few passes: at millions of rows each costs tens
    of milliseconds."""
    h = q.view(np.uint64)
    key = np.zeros(len(h), dtype=np.uint64)
    for i in range(h.shape[1]):
        column = h[:, i] ^ (h[:, i] >> np.uint64(32))
        column *= np.uint64(_MIX[i % len(_MIX)])
        key += column
    key ^= key >> np.uint64(31)
    key *= np.uint64(0xBF58476D1CE4E5B9)
    return key


def any_repeated_set(rows: np.ndarray) -> bool:
    """Whether two (n, k) int64 rows may hold the same entries in any order: False is sure (no
    two faces of a mesh are the same triangle); True also where two keys merely collide. Each
    entry mixed alone and the mixes summed, so a row's order does not change its key: one pass
    fewer than sorting each row and hashing it (5.2M faces: 0.14 against 0.23 s)."""
    keys = np.empty(len(rows), dtype=np.uint64)

    def mixed(block: slice) -> None:
        entries = rows[block].view(np.uint64)
        total = np.zeros(len(entries), dtype=np.uint64)
        for column in entries.T:  # splitmix64's finaliser
            x = column * np.uint64(0xBF58476D1CE4E5B9)
            x ^= x >> np.uint64(31)
            x *= np.uint64(0x94D049BB133111EB)
            x ^= x >> np.uint64(29)
            total += x
        keys[block] = total

    blockwise(mixed, len(rows))
    ordered = np.sort(keys)
    return bool((ordered[1:] == ordered[:-1]).any())
