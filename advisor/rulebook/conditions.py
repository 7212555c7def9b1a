"""Declarative conditions: a fixed operator set, compiled to closures, described in words. Never `eval`.

`fold` is the one walk over a condition's tree; every function over conditions (here, in the compiler, the
numpy form, the linter, the explanations and the JDM export) is a `fold` with its four cases.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from advisor.rulebook.values import answer_text

if TYPE_CHECKING:  # Why: no pydantic at run time; a condition is a validated model or its `plain` twin
    from advisor.rulebook.condition_format import All, AnyOf, Condition, Not, Test

Answers = Mapping[str, Any]
Predicate = Callable[[Answers], bool]
T = TypeVar("T")

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
_WORDS = {
    "eq": "is",
    "ne": "is not",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "in": "is one of",
    "not_in": "is none of",
}
# Which operators make sense for which kind of question (checked when the rulebook loads)
OPERATORS_FOR_KIND = {
    "choice": ("eq", "ne", "in", "not_in"),
    "yes_no": ("eq", "ne"),
    "integer": ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte"),
}


def fold(
    cond: Condition,
    test: Callable[[Test], T],
    all_: Callable[[All, list[T]], T],
    any_: Callable[[AnyOf, list[T]], T],
    not_: Callable[[Not, T], T],
) -> T:
    """The one walk over a condition: `test` at each leaf; each `all`, `any` and `not` node from the results of
    its parts (bottom-up, parts in order). A function that needs the parts themselves reads them from the node.

    Why on `kind` and not the class: a condition is a validated model (`condition_format`) or, read back from a
    rulebook snapshot, its twin in `advisor.rulebook.plain`; both name their kind."""
    kind = cond.kind
    if kind == "test":
        return test(cond)  # type: ignore[arg-type]
    if kind == "all":
        return all_(cond, [fold(c, test, all_, any_, not_) for c in cond.all])  # type: ignore[union-attr, arg-type]
    if kind == "any":
        return any_(cond, [fold(c, test, all_, any_, not_) for c in cond.any])  # type: ignore[union-attr, arg-type]
    return not_(cond, fold(cond.not_, test, all_, any_, not_))  # type: ignore[union-attr, arg-type]


def bracketed(parts: Sequence[Condition], texts: list[str]) -> list[str]:
    """The texts of a group's parts, each in brackets where that part is itself an `all` or `any`."""
    return [f"({text})" if part.kind in ("all", "any") else text for part, text in zip(parts, texts)]


def compile_condition(cond: Condition) -> Predicate:
    """A predicate over an answers mapping (every question id present; None for an unknown answer): true only
    when the condition surely holds. A test on an unknown answer is false, and so is its negation: `not` is
    pushed down to the tests first (negation normal form), which gives Kleene's three-valued logic, where
    "unknown" never fires a rule."""
    holds, _ = fold(
        cond,
        lambda t: (_compile_test(t), _compile_test(negated(t))),
        lambda _, parts: (_joined([p for p, _ in parts], every=True), _joined([n for _, n in parts], every=False)),
        lambda _, parts: (_joined([p for p, _ in parts], every=False), _joined([n for _, n in parts], every=True)),
        lambda _, inner: (inner[1], inner[0]),
    )
    return holds


NEGATE = {"eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in", "gt": "lte", "lte": "gt", "gte": "lt", "lt": "gte"}


def negated(t: Test) -> Test:
    """The test that holds exactly when `t` does not (for a known answer)."""
    return t.with_op(NEGATE[t.op])


def _compile_test(cond: Test) -> Predicate:
    q, v = cond.question, cond.value
    if cond.op == "in":
        values = frozenset(_key(x) for x in v)  # type: ignore[union-attr]  # a list, checked by the model
        return lambda a: a[q] is not None and _key(a[q]) in values
    if cond.op == "not_in":
        values = frozenset(_key(x) for x in v)  # type: ignore[union-attr]
        return lambda a: a[q] is not None and _key(a[q]) not in values
    if cond.op == "eq" and isinstance(v, bool):
        return lambda a: a[q] is v
    if cond.op == "ne" and isinstance(v, bool):
        return lambda a: a[q] is (not v)
    compare = _COMPARE[cond.op]
    return lambda a: a[q] is not None and compare(a[q], v)


def _joined(parts: list[Predicate], every: bool) -> Predicate:
    """`all` (every=True) or `any` of the parts; two parts, the common case, without a generator."""
    together = tuple(parts)
    if len(together) == 2:
        first, second = together
        return (lambda a: first(a) and second(a)) if every else (lambda a: first(a) or second(a))
    return (lambda a: all(p(a) for p in together)) if every else (lambda a: any(p(a) for p in together))


def _key(value: Any) -> tuple[type, Any]:
    # Why: in Python True == 1, so a set lookup would confuse a yes/no answer with the integer 1
    return (bool, value) if isinstance(value, bool) else (type(value), value)


Place = tuple[str | int, ...]


def tests_with_places(cond: Condition, place: Place = ()) -> tuple[tuple[Test, Place], ...]:
    """Every `{question, op, value}` leaf of a condition, in order, with its place below `place` in the rule
    file (`("all", 0, "not")` and so on: the path a problem message points at)."""
    found = fold(
        cond,
        lambda t: ((t, ()),),
        lambda _, parts: _placed("all", parts),
        lambda _, parts: _placed("any", parts),
        lambda _, inner: tuple((t, ("not", *where)) for t, where in inner),
    )
    return tuple((t, place + where) for t, where in found)


def _placed(key: str, parts: list[tuple[tuple[Test, Place], ...]]) -> tuple[tuple[Test, Place], ...]:
    return tuple((t, (key, i, *where)) for i, part in enumerate(parts) for t, where in part)


def tests(cond: Condition) -> tuple[Test, ...]:
    """Every `{question, op, value}` leaf of a condition, in order."""
    return tuple(t for t, _ in tests_with_places(cond))


def questions_read(cond: Condition) -> tuple[str, ...]:
    """The question ids a condition looks at, without repeats, in order of appearance."""
    return tuple(dict.fromkeys(t.question for t in tests(cond)))


# what a part of a condition gives the reasons: (it holds, the questions that make it true, ... make it false)
_Support = tuple[bool, frozenset[str], frozenset[str]]
_NONE: frozenset[str] = frozenset()


def supporting_questions(cond: Condition, answers: Answers, want: bool = True) -> set[str]:
    """The questions whose answers make `cond` come out as `want` (the reasons, not every question read).

    For a rule that fired, `all` needs every part, so all their reasons count; `any` counts only the parts that
    hold; `not` flips what is wanted of its inner condition. Example: `(ordering is strict or long_running is
    yes) and teams ≥ 3` with ordering=strict, long_running=no, teams=3 gives {ordering, teams}.
    """
    _, if_true, if_false = fold(
        cond,
        lambda t: _test_support(t, answers),
        _all_support,
        _any_support,
        lambda _, inner: (not inner[0], inner[2], inner[1]),
    )
    return set(if_true if want else if_false)


def _test_support(t: Test, answers: Answers) -> _Support:
    holds = bool(_compile_test(t)(answers))
    return (True, frozenset((t.question,)), _NONE) if holds else (False, _NONE, frozenset((t.question,)))


def _all_support(_: All, parts: list[_Support]) -> _Support:
    # true: every part is needed, so all their reasons; false: the parts that are false
    return (
        all(h for h, _, _ in parts),
        _NONE.union(*(t for _, t, _ in parts)),
        _NONE.union(*(f for h, _, f in parts if not h)),
    )


def _any_support(_: AnyOf, parts: list[_Support]) -> _Support:
    # true: the parts that hold; false: every part had to fail, so all their reasons
    return (
        any(h for h, _, _ in parts),
        _NONE.union(*(t for h, t, _ in parts if h)),
        _NONE.union(*(f for _, _, f in parts)),
    )


def condition_words(cond: Condition) -> str:
    """The condition in words, e.g. `ordering is strict and fan_out ≥ 2`."""
    return fold(
        cond,
        lambda t: f"{t.question} {_WORDS[t.op]} {_value_words(t.value)}",
        lambda node, texts: " and ".join(bracketed(node.all, texts)),
        lambda node, texts: " or ".join(bracketed(node.any, texts)),
        lambda _, inner: f"not ({inner})",
    )


def _value_words(value: Any) -> str:
    if isinstance(value, list):
        return "{" + ", ".join(_value_words(v) for v in value) + "}"
    return answer_text(value)
