"""An integer question's answers as intervals: its tests only change truth where they name a value.

A test `size >= 100` is false up to 99 and true from 100 on; `size == 7` changes at 7 and at 8. So the values a
question's tests name cut its bounds into intervals on which every test, and so every rule reading only that
question, is constant. `cut_points` finds those cuts (at most two per value named); `sweep` walks the intervals in
order and re-evaluates a test or a rule only at the cuts its own values make, so compiling costs
O(values named x their rules' size), whatever the width of the bounds.

Why not a table of every value: a rulebook of 1,000 threshold rules over 0..4095 made 4 million table cells
(40 s and 1.1 GB to compile, issue 13). The engine finds an answer's interval with `bisect`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from advisor.records import Positional

if TYPE_CHECKING:
    from advisor.rulebook.condition_format import Test

Predicate = Callable[[Any], bool]


def named_values(tests: Iterable[Test]) -> set[int]:
    """The integers the tests compare with (an `in` list gives each of its values)."""
    out: set[int] = set()
    for t in tests:
        for v in t.value if isinstance(t.value, list) else [t.value]:
            if isinstance(v, int) and not isinstance(v, bool):  # an integer question's tests name integers
                out.add(v)
    return out


def cuts_of(values: Iterable[int], lo: int, hi: int) -> set[int]:
    """Where tests naming `values` may change truth within lo..hi: at v and at v + 1 (the first value of an
    interval), never at lo itself."""
    return {c for v in values for c in (v, v + 1) if lo < c <= hi}


class Part(Positional):
    """What every value of one interval gives: the bits of the parts (`sweep`'s items) that hold, and their points."""

    FIELDS = ("holds", "orchestration", "choreography", "hybrid")
    __slots__ = FIELDS

    holds: int  # bit j: item j holds on the interval
    orchestration: int
    choreography: int
    hybrid: int


def sweep(
    qid: str,
    lo: int,
    cuts: tuple[int, ...],
    items: list[tuple[Predicate, set[int], tuple[int, int, int], int]],
) -> list[Part]:
    """For each interval (from `lo`, then from each cut on), which `items` hold and the points they add.

    An item is (predicate over `{qid: value}`, the cuts its own tests make, its points, its bit in `Part.holds`).
    Each item is evaluated at `lo`, then only at its own cuts: between two of them it cannot change."""
    index = {c: k + 1 for k, c in enumerate(cuts)}  # a cut -> the interval it starts
    toggles: list[list[int]] = [[] for _ in range(len(cuts) + 1)]
    holds = o = c = h = 0
    for j, (predicate, own, effect, bit) in enumerate(items):
        state = bool(predicate({qid: lo}))
        if state:
            holds |= 1 << bit
            o, c, h = o + effect[0], c + effect[1], h + effect[2]
        for cut in sorted(own):
            now = bool(predicate({qid: cut}))
            if now != state:
                toggles[index[cut]].append(j)
                state = now
    parts = []
    for changed in toggles:
        for j in changed:
            _, _, effect, bit = items[j]
            holds ^= 1 << bit
            sign = 1 if holds >> bit & 1 else -1
            o, c, h = o + sign * effect[0], c + sign * effect[1], h + sign * effect[2]
        parts.append(Part(holds, o, c, h))
    return parts


def interval_of(cuts: tuple[int, ...], value: int) -> int:
    """The interval `value` falls in: 0 below the first cut, k from cut k - 1 on."""
    return bisect_right(cuts, value)
