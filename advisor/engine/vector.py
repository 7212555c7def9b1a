"""Conditions over answer columns: a rulebook condition compiled to whole-array numpy comparisons. Never `eval`.

The columns are those of `advisor.engine.batch.Columns`: for each question an integer array, the option's index among
`Question.option_values()` for choice and yes/no questions, the value itself for integer questions, and
`unknown_code(q)` where the answer is unknown (unanswered, or its question not applicable).

The logic is the engine's (`advisor.rulebook.conditions.compile_condition`): a test on an unknown answer is false,
and so is its negation, because `not` is pushed down to the tests first (Kleene's three-valued logic). So each
test here holds only on known answers: the unknown code lies outside every option index and below every integer
a test compares with (`minimum - 2`; test values are clamped to `minimum - 1 .. maximum + 1`), and the tests it
would pass (`!=`, `<`, `<=`, `not in`) also check that the answer is known.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from advisor.rulebook.condition_format import Condition, Test
from advisor.rulebook.conditions import _key, fold, negated
from advisor.rulebook.formats import Question

# A function from the answer columns to a new boolean array (callers may modify it in place)
Vector = Callable[[dict[str, np.ndarray]], np.ndarray]


def domain_index(q: Question, value: Any) -> int | None:
    """The code of `value` among a choice or yes/no question's answers, or None when it is not one of them."""
    key = _key(value)
    for i, option in enumerate(q.option_values()):
        if _key(option) == key:
            return i
    return None


def unknown_code(q: Question) -> int:
    """The code of an unknown answer in a question's column: one past the last option, or `minimum - 2` for an
    integer question (below every clamped test value, so `>` and `>=` are false on it without a check)."""
    if q.kind == "integer":
        assert q.minimum is not None  # checked by the model
        return q.minimum - 2
    return len(q.option_values())


def compile_vector(cond: Condition, questions: dict[str, Question]) -> Vector:
    """A function from the answer columns to the boolean array of rows where `cond` surely holds (false where it
    depends on an unknown answer, as in the engine). Never `eval`."""
    holds, _ = fold(
        cond,
        lambda t: (_compile_test(t, questions[t.question]), _compile_test(negated(t), questions[t.question])),
        lambda _, parts: _both(parts, every=True),
        lambda _, parts: _both(parts, every=False),
        lambda _, inner: (inner[1], inner[0]),  # `not` swaps a part's two forms
    )
    return holds


def _both(parts: list[tuple[Vector, Vector]], every: bool) -> tuple[Vector, Vector]:
    """An `all` (every=True) or `any` of parts given in both forms, (as written, negated), in both forms."""
    first, second = (np.logical_and, np.logical_or) if every else (np.logical_or, np.logical_and)
    return _joined(first, [p for p, _ in parts]), _joined(second, [n for _, n in parts])


def _joined(op: Any, parts: list[Vector]) -> Vector:
    if len(parts) == 1:
        return parts[0]

    def joined(cols: dict[str, np.ndarray]) -> np.ndarray:
        out = parts[0](cols)
        for part in parts[1:]:
            op(out, part(cols), out=out)  # every part returns a new array: in place is safe
        return out

    return joined


def _compile_test(t: Test, q: Question) -> Vector:
    """One test in the Kleene form: true only on known answers."""
    if q.kind != "integer":
        return _choice_test(t, q)
    qid, op = t.question, t.op
    assert q.minimum is not None and q.maximum is not None  # checked by the model
    lo, hi, unknown = q.minimum, q.maximum, unknown_code(q)
    if op in ("in", "not_in"):
        listed = t.value if isinstance(t.value, list) else [t.value]
        members = sorted({v for v in listed if isinstance(v, int) and lo <= v <= hi})
        within = _members(qid, members)
        if op == "in":
            return within
        return lambda cols: np.greater(cols[qid] != unknown, within(cols))  # known and not a member
    v = min(max(t.value, lo - 1), hi + 1)  # keeps v in the column's type
    if op == "eq":
        return lambda cols: cols[qid] == v
    if op == "gt":
        return lambda cols: cols[qid] > v
    if op == "gte":
        return lambda cols: cols[qid] >= v
    compare = {"ne": np.not_equal, "lt": np.less, "lte": np.less_equal}[op]
    return lambda cols: compare(cols[qid], v) & (cols[qid] != unknown)


def _members(qid: str, members: list[int]) -> Vector:
    """Rows whose integer answer is one of `members` (all between the bounds, so never the unknown code)."""
    if not members:
        return lambda cols: np.zeros(len(cols[qid]), bool)
    first, last = members[0], members[-1]
    if last - first + 1 == len(members):  # a range
        if first == last:
            return lambda cols: cols[qid] == first
        return lambda cols: (cols[qid] >= first) & (cols[qid] <= last)

    def any_of(cols: dict[str, np.ndarray]) -> np.ndarray:
        column = cols[qid]
        out = column == members[0]
        for m in members[1:]:
            out |= column == m
        return out

    return any_of


def _choice_test(t: Test, q: Question) -> Vector:
    """A choice or yes/no test as the set of option codes it holds for (the unknown code is in none)."""
    qid, count = t.question, len(q.option_values())
    values = t.value if isinstance(t.value, list) else [t.value]
    named = {c for c in (domain_index(q, v) for v in values) if c is not None}
    codes = sorted(set(range(count)) - named) if t.op in ("ne", "not_in") else sorted(named)
    if not codes:
        return lambda cols: np.zeros(len(cols[qid]), bool)
    if len(codes) == 1:
        code = codes[0]
        return lambda cols: cols[qid] == code
    if codes == list(range(len(codes))):  # the first few options: below the last one named
        last = codes[-1]
        return lambda cols: cols[qid] <= last
    lookup = np.zeros(count + 1, bool)  # the last entry: the unknown code
    lookup[codes] = True
    return lambda cols: np.take(lookup, cols[qid])
