"""A condition in conjunctive normal form over its tests: `not` pushed into the tests, then `and`s of `or`s.

The compiler (`advisor.rulebook.compiler`) turns a rule over several questions into required test bits and `any`
clauses this way. Why a cap: distributing `or` over `and` can multiply the clauses; a condition whose normal
form would have more than `MAX_CLAUSES` clauses is left as a closure, which costs its size per evaluation.
"""

from __future__ import annotations

from itertools import product
from typing import TYPE_CHECKING, Any

from advisor.rulebook.conditions import fold, negated

if TYPE_CHECKING:
    from advisor.rulebook.condition_format import Condition, Test

MAX_CLAUSES = 64  # a condition whose normal form is larger keeps its closure


def cnf(cond: Condition) -> list[tuple[Test, ...]] | None:
    """`cond` as a list of clauses (each an `or` of tests), or None when it has more than `MAX_CLAUSES`."""
    return _cnf_of(nnf(cond))


def hashable(value: Any) -> Any:
    return tuple((type(v), v) for v in value) if isinstance(value, list) else (type(value), value)


def nnf(cond: Condition) -> tuple:
    """Negation normal form: ("test", Test) | ("and", [...]) | ("or", [...]), with `not` pushed into tests.

    Each part is folded to both its forms, (as written, negated), so a `not` only swaps them."""
    as_written, _ = fold(
        cond,
        lambda t: (("test", t), ("test", negated(t))),
        lambda _, parts: (("and", [p for p, _ in parts]), ("or", [n for _, n in parts])),
        lambda _, parts: (("or", [p for p, _ in parts]), ("and", [n for _, n in parts])),
        lambda _, inner: (inner[1], inner[0]),
    )
    return as_written


def _cnf_of(node: tuple) -> list[tuple[Test, ...]] | None:
    """Conjunctive normal form as a list of clauses (each an `or` of tests), or None when too large."""
    kind, body = node
    if kind == "test":
        return [(body,)]
    maybe = [_cnf_of(child) for child in body]
    children = [c for c in maybe if c is not None]
    if len(children) < len(maybe):
        return None
    if kind == "and":
        clauses = [clause for child in children for clause in child]
        return clauses if len(clauses) <= MAX_CLAUSES else None
    size = 1
    for child in children:
        size *= len(child)
        if size > MAX_CLAUSES:
            return None
    return [tuple(t for clause in combo for t in clause) for combo in product(*children)]
