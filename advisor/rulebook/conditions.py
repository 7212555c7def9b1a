"""Declarative conditions: a fixed operator set, compiled to closures, described in words. Never `eval`."""
from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from advisor.rulebook.formats import All, AnyOf, Condition, Not, Question, Test

Answers = Mapping[str, Any]
Predicate = Callable[[Answers], bool]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt,
    "lte": operator.le,
}
_WORDS = {"eq": "is", "ne": "is not", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "in": "is one of",
          "not_in": "is none of"}
# Which operators make sense for which kind of question (checked when the rulebook loads)
OPERATORS_FOR_KIND = {
    "choice": ("eq", "ne", "in", "not_in"),
    "yes_no": ("eq", "ne"),
    "integer": ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte"),
}


def compile_condition(cond: Condition) -> Predicate:
    """A predicate over an answers mapping (every question id present) for a validated condition."""
    if isinstance(cond, Test):
        q, v = cond.question, cond.value
        if cond.op == "in":
            values = frozenset(_key(x) for x in v)
            return lambda a: _key(a[q]) in values
        if cond.op == "not_in":
            values = frozenset(_key(x) for x in v)
            return lambda a: _key(a[q]) not in values
        if cond.op == "eq" and isinstance(v, bool):
            return lambda a: a[q] is v
        if cond.op == "ne" and isinstance(v, bool):
            return lambda a: a[q] is not v
        compare = _COMPARE[cond.op]
        return lambda a: compare(a[q], v)
    if isinstance(cond, All):
        parts = tuple(compile_condition(c) for c in cond.all)
        if len(parts) == 2:
            first, second = parts
            return lambda a: first(a) and second(a)
        return lambda a: all(p(a) for p in parts)
    if isinstance(cond, AnyOf):
        parts = tuple(compile_condition(c) for c in cond.any)
        if len(parts) == 2:
            first, second = parts
            return lambda a: first(a) or second(a)
        return lambda a: any(p(a) for p in parts)
    inner = compile_condition(cond.not_)
    return lambda a: not inner(a)


def _key(value: Any) -> tuple[type, Any]:
    # Why: in Python True == 1, so a set lookup would confuse a yes/no answer with the integer 1
    return (bool, value) if isinstance(value, bool) else (type(value), value)


def tests(cond: Condition) -> Iterator[Test]:
    """Every `{question, op, value}` leaf of a condition, in order."""
    if isinstance(cond, Test):
        yield cond
    elif isinstance(cond, All):
        for c in cond.all:
            yield from tests(c)
    elif isinstance(cond, AnyOf):
        for c in cond.any:
            yield from tests(c)
    else:
        yield from tests(cond.not_)


def questions_read(cond: Condition) -> tuple[str, ...]:
    """The question ids a condition looks at, without repeats, in order of appearance."""
    return tuple(dict.fromkeys(t.question for t in tests(cond)))


def supporting_questions(cond: Condition, answers: Answers, want: bool = True) -> set[str]:
    """The questions whose answers make `cond` come out as `want` (the reasons, not every question read).

    For a rule that fired, `all` needs every part, so all their reasons count; `any` counts only the parts that
    hold; `not` flips what is wanted of its inner condition. Example: `(ordering is strict or long_running is
    yes) and teams ≥ 3` with ordering=strict, long_running=no, teams=3 gives {ordering, teams}.
    """
    if isinstance(cond, Test):
        return {cond.question} if compile_condition(cond)(answers) == want else set()
    if isinstance(cond, Not):
        return supporting_questions(cond.not_, answers, not want)
    parts = cond.all if isinstance(cond, All) else cond.any
    needs_every_part = isinstance(cond, All) == want  # a true `all`, or a false `any`
    out: set[str] = set()
    for part in parts:
        if needs_every_part or compile_condition(part)(answers) == want:
            out |= supporting_questions(part, answers, want)
    return out


def describe(cond: Condition, questions: Mapping[str, Question] | None = None) -> str:
    """The condition in words, e.g. `ordering is strict and fan_out ≥ 2`."""
    if isinstance(cond, Test):
        return f"{cond.question} {_WORDS[cond.op]} {_value_words(cond.value)}"
    if isinstance(cond, All):
        return " and ".join(_wrap(c, questions) for c in cond.all)
    if isinstance(cond, AnyOf):
        return " or ".join(_wrap(c, questions) for c in cond.any)
    return f"not ({describe(cond.not_, questions)})"


def _wrap(cond: Condition, questions: Mapping[str, Question] | None) -> str:
    text = describe(cond, questions)
    return f"({text})" if isinstance(cond, (All, AnyOf)) else text


def _value_words(value: Any) -> str:
    if isinstance(value, list):
        return "{" + ", ".join(_value_words(v) for v in value) + "}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
