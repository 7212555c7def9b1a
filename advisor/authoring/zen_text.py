"""Rulebook conditions and the confidence as zen expression text, for the JDM export (`advisor.authoring.jdm`).

- **Unknown answers.** A test on a null answer is false, and so is its negation, as in the engine's three-valued
  (Kleene) logic: `not` is pushed down to the tests (negation normal form), and each test that zen would find true
  of null (`!=`, `not in`) or refuse (`>`, `<` ...) is guarded with `!= null`.
- **Decision-table cells** are zen unary expressions (`$` is the answer): a value, a list of values, or a flat
  chain of `and`. Why flat: zen's unary parser refuses an `and` inside brackets, and a cell it cannot parse
  silently matches nothing.
- **Numbers** are written positionally (zen reads no exponent). The confidence is computed in zen's decimal
  arithmetic with `e ^ x` (zen has no `exp`); after rounding to 3 places it equals the engine's binary floating
  point on every lead and answered share (tests/test_peer_zen.py checks the whole range of the default rulebook).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from advisor.errors import UserError
from advisor.rulebook.condition_format import Condition, Test
from advisor.rulebook.conditions import fold, negated
from advisor.rulebook.loading import Rulebook

# Why: zen's expression language reads these as keywords, so a question (or part of one) named so cannot be
# written as a field; the export refuses such a rulebook with a clear message rather than produce a broken graph.
_RESERVED = frozenset({"true", "false", "null", "and", "or", "not", "in"})
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_BINARY = {"eq": "==", "ne": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def literal(value: Any) -> str:
    """A value as a zen expression literal. Why the quoting dance: zen strings have no escape sequences."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "(" + ' + "\'" + '.join(f"'{part}'" for part in value.split("'")) + ")"


def field(qid: str) -> str:
    """How an expression names the answer to `qid` (dotted ids are nested paths in zen)."""
    return qid


def expression(cond: Condition) -> str:
    """A condition as a zen boolean expression over the answers, true only when it surely holds: a test on a null
    (unknown) answer is false, and so is its negation (`not` pushed down to the tests, as the engine does)."""
    holds, _ = _kleene(cond)
    return holds[0]


# an expression's text, and whether it needs brackets inside an `and` or `or`
_Text = tuple[str, bool]


def _kleene(cond: Condition) -> tuple[_Text, _Text]:
    """(the condition, its negation) as zen texts in negation normal form over null-safe tests."""
    return fold(
        cond,
        lambda t: (_test_text(t), _test_text(negated(t))),
        lambda _, parts: (_joined([p for p, _ in parts], "and"), _joined([n for _, n in parts], "or")),
        lambda _, parts: (_joined([p for p, _ in parts], "or"), _joined([n for _, n in parts], "and")),
        lambda _, inner: (inner[1], inner[0]),
    )


def _joined(parts: list[_Text], word: str) -> _Text:
    texts = [f"({text})" if compound else text for text, compound in parts]
    return (f" {word} ".join(texts), True) if len(texts) > 1 else (texts[0], parts[0][1])


def _test_text(t: Test) -> _Text:
    text = _test_expression(t)
    return text, " and " in text


def _test_expression(t: Test) -> str:
    """One test, false on a null answer: `==` and `in` are already; `!=`, `not in` and the comparisons (which zen
    refuses on null) are guarded. A yes/no `ne` is the other answer, as in the engine."""
    ref = field(t.question)
    known = f"{ref} != null and "
    if t.op in ("in", "not_in"):
        values = t.value if isinstance(t.value, list) else [t.value]  # a list: the model requires it for `in`
        listed = f"{ref} in [{', '.join(literal(v) for v in values)}]"
        return listed if t.op == "in" else f"{known}not ({listed})"
    if isinstance(t.value, bool) and t.op in ("eq", "ne"):
        return f"{ref} == {literal(t.value if t.op == 'eq' else not t.value)}"
    if t.op == "eq":
        return f"{ref} == {literal(t.value)}"
    return f"{known}{ref} {_BINARY[t.op]} {literal(t.value)}"


def cell(tests: list[Test]) -> str:
    """A decision-table cell: the tests on one question as a zen unary expression (`$` is the answer); the short
    forms (a value, a list of values) only where they are false on null. Why one flat chain of `and`: zen's unary
    parser refuses an `and` inside brackets (a cell it cannot parse silently matches nothing), and every test here
    is a conjunction already, so none is needed."""
    if len(tests) == 1:
        t = tests[0]
        values = t.value if isinstance(t.value, list) else [t.value]
        simple = all(literal(v)[0] != "(" for v in values)
        if t.op == "eq" and simple:
            return literal(t.value)
        if t.op == "in" and simple:
            return ", ".join(literal(v) for v in values)
    return " and ".join(_test_expression(Test.model_construct(question="$", op=t.op, value=t.value)) for t in tests)


def columns(cond: Condition) -> dict[str, list[Test]] | None:
    """The tests of a condition grouped by question when it is a plain `all` of tests, else None."""
    return fold(
        cond, lambda t: {t.question: [t]}, lambda _, parts: _merged(parts), lambda _, parts: None, lambda _, inner: None
    )


def _merged(parts: list[dict[str, list[Test]] | None]) -> dict[str, list[Test]] | None:
    if any(part is None for part in parts):
        return None
    out: dict[str, list[Test]] = {}
    for part in parts:
        for qid, tests in part.items():  # type: ignore[union-attr]
            out.setdefault(qid, []).extend(tests)
    return out


def check_exportable(rulebook: Rulebook) -> None:
    """Refuse question ids that zen cannot name as a field, with the place of each one."""
    doc = rulebook.documents["questions.yaml"]
    ids = list(rulebook.questions)
    problems = []
    for i, qid in enumerate(ids):
        parts = qid.split(".")
        bad = [p for p in parts if p in _RESERVED or not _IDENTIFIER.match(p)]
        if bad:
            problems.append(
                doc.problem(
                    ("questions", i, "id"),
                    f"question id '{qid}' cannot be a field in a "
                    f"GoRules expression ('{bad[0]}' is a keyword or not a name); rename it "
                    "to export as JDM",
                )
            )
        clash = next((o for o in ids if o.startswith(qid + ".")), None)
        if clash:
            problems.append(
                doc.problem(
                    ("questions", i, "id"),
                    f"question ids '{qid}' and '{clash}' would be the "
                    "same field in a GoRules graph; rename one to export as JDM",
                )
            )
    if problems:
        raise UserError(problems)


def number(value: float) -> str:
    """A float as a zen literal: positional (zen reads no exponent), bracketed when negative."""
    text = format(Decimal(repr(float(value))), "f")
    return f"({text})" if text.startswith("-") else text


# Why the bound: beyond it the rounded sigmoid is 0 or 1 exactly, and zen's decimals would overflow e ^ x near 66
_SURE = 30
_E = "2.718281828459045"  # math.e: zen has `^` but no `exp`


def logodds_expression(rulebook: Rulebook, lead: str, share: str) -> str:
    """The log-odds of the confidence (`advisor.engine.evaluate.confidence`) from a lead and an answered share
    (expression texts): bias + per_point x lead + per_answer x share, the share counted only when the lead is above
    0."""
    fit = rulebook.decision.confidence
    weighted = f"{number(fit.per_point)} * {lead} + {number(fit.per_answer)} * ({lead} > 0 ? {share} : 0)"
    return f"{number(fit.bias)} + {weighted}"


def confidence_expression(logodds: str) -> str:
    """The confidence from its log-odds (an expression text naming a number): 1 / (1 + e^-x), rounded to 3 places."""
    x = logodds
    return f"{x} > {_SURE} ? 1 : ({x} < -{_SURE} ? 0 : round(1 / (1 + {_E} ^ (-({x}))), 3))"


def share_expression(visible: str, assumed: str) -> str:
    """The answered share (`Evaluation.answered_share`) from the applicable questions and those still unknown."""
    return f"{visible} > 0 ? ({visible} - {assumed}) / {visible} : 0"
