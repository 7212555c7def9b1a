"""Conditions over answer columns: a rulebook condition compiled to whole-array numpy comparisons. Never `eval`.

The columns are those of `advisor.engine.batch.Columns`: for each question an integer array, the option's index among
`Question.option_values()` for choice and yes/no questions, the value itself for integer questions.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from advisor.rulebook.conditions import _key, fold
from advisor.rulebook.formats import Condition, Question, Test

Vector = Callable[[dict[str, np.ndarray]], np.ndarray]


def domain_index(q: Question, value: Any) -> int | None:
    """The code of `value` among a choice or yes/no question's answers, or None when it is not one of them."""
    key = _key(value)
    for i, option in enumerate(q.option_values()):
        if _key(option) == key:
            return i
    return None


def compile_vector(cond: Condition, questions: dict[str, Question]) -> Vector:
    """A function from the answer columns to the boolean array of rows where `cond` holds. Never `eval`."""
    return fold(cond, lambda t: _compile_test(t, questions[t.question]),
                lambda _, parts: lambda cols: _combine(np.logical_and, parts, cols),
                lambda _, parts: lambda cols: _combine(np.logical_or, parts, cols),
                lambda _, inner: lambda cols: ~inner(cols))


def _combine(op, parts: list[Vector], cols: dict[str, np.ndarray]) -> np.ndarray:
    out = parts[0](cols)
    for part in parts[1:]:
        out = op(out, part(cols))
    return out


def _compile_test(t: Test, q: Question) -> Vector:
    qid, op = t.question, t.op
    if q.kind != "integer":  # compare option codes
        values = t.value if isinstance(t.value, list) else [t.value]
        codes = sorted({c for c in (domain_index(q, v) for v in values) if c is not None})
        negate = op in ("ne", "not_in")
        if not codes:
            return lambda cols: np.full(len(cols[qid]), negate)
        if len(codes) == 1:
            code = codes[0]
            return (lambda cols: cols[qid] != code) if negate else (lambda cols: cols[qid] == code)
        in_set = np.zeros(len(q.option_values()), bool)
        in_set[codes] = True
        lookup = ~in_set if negate else in_set
        return lambda cols: lookup[cols[qid]]
    lo, hi = q.minimum - 1, q.maximum + 1  # Why: clamping keeps any test value inside the column's integer type
    if op in ("in", "not_in"):
        members = np.array(sorted({min(max(v, lo), hi) for v in t.value}), dtype=np.int64)
        if op == "in":
            return lambda cols: np.isin(cols[qid], members)
        return lambda cols: ~np.isin(cols[qid], members)
    v = min(max(t.value, lo), hi)
    compare = {"eq": np.equal, "ne": np.not_equal, "gt": np.greater, "gte": np.greater_equal, "lt": np.less,
               "lte": np.less_equal}[op]
    return lambda cols: compare(cols[qid], v)


def default_value(q: Question) -> int:
    """A question's default in the column encoding."""
    return q.default if q.kind == "integer" else domain_index(q, q.default)
