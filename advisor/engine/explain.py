"""Explanations derived from an `Evaluation`: each answer's contribution, and the what-if tipping points.

Both are computed by the engine (re-evaluating changed answers), never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.engine.evaluate import Evaluation, evaluate
from advisor.rulebook.loading import Rulebook
from advisor.rulebook.conditions import supporting_questions, tests
from advisor.engine.answers import Answers


@dataclass(frozen=True)
class Contribution:
    """How far one answer pushed each score: every fired rule's points, shared equally by the answers that made it
    fire (for `(ordering is strict or long_running is yes) and teams ≥ 3`, with long_running=no, ordering and
    teams share the points; long_running did not push)."""

    question: str
    value: Any
    orchestration: float
    choreography: float
    hybrid: float
    rules: tuple[str, ...]
    assumed: bool


def contributions(ev: Evaluation, rulebook: Rulebook) -> list[Contribution]:
    """Per question, its share of the fired rules' points; sorted by total push, largest first."""
    share: dict[str, list[float]] = {}
    rules: dict[str, list[str]] = {}
    conditions = {r.id: r.when for r in rulebook.rules}
    for r in ev.fired:
        support = supporting_questions(conditions[r.rule_id], ev.answers)
        qs = [q for q, _ in r.values if q in support] or [q for q, _ in r.values]
        for q in qs:
            s = share.setdefault(q, [0.0, 0.0, 0.0])
            s[0] += r.orchestration / len(qs)
            s[1] += r.choreography / len(qs)
            s[2] += r.hybrid / len(qs)
            rules.setdefault(q, []).append(r.rule_id)
    out = [Contribution(q, ev.answers[q], round(s[0], 3), round(s[1], 3), round(s[2], 3), tuple(rules[q]),
                        q in ev.assumed) for q, s in share.items()]
    order = list(ev.answers)
    out.sort(key=lambda c: (-(abs(c.orchestration) + abs(c.choreography) + abs(c.hybrid)), order.index(c.question)))
    return out


@dataclass(frozen=True)
class TippingPoint:
    """Changing one answer from `current` to `value` changes the recommendation to `style`."""

    question: str
    current: Any
    value: Any
    style: str
    confidence: float
    scores: dict[str, int]


def candidate_values(rulebook: Rulebook, qid: str) -> list[Any]:
    """The answers worth trying for a question: every option, or for integers the bounds and rule thresholds."""
    q = rulebook.questions[qid]
    if q.kind != "integer":
        return q.option_values()
    values = {q.minimum, q.maximum}
    for rule in rulebook.rules:
        for t in tests(rule.when):
            if t.question == qid:
                for v in (t.value if isinstance(t.value, list) else [t.value]):
                    values.update({v - 1, v, v + 1})
    for cond in rulebook.questions.values():
        if cond.show_if is not None:
            for t in tests(cond.show_if):
                if t.question == qid:
                    for v in (t.value if isinstance(t.value, list) else [t.value]):
                        values.update({v - 1, v, v + 1})
    return sorted(v for v in values if q.minimum <= v <= q.maximum)


def tipping_points(rulebook: Rulebook, ev: Evaluation) -> list[TippingPoint]:
    """For each applicable question, the other answers that would change the recommended style.

    For integers only the smallest change in each direction that flips the style is kept (the nearest tipping
    point), since every value beyond it up to the next threshold gives the same result.
    """
    out: list[TippingPoint] = []
    base = dict(ev.given)
    for qid in rulebook.questions:
        if qid in ev.not_applicable:
            continue
        current = ev.answers[qid]
        flips = []
        for value in candidate_values(rulebook, qid):
            if value == current and type(value) is type(current):
                continue
            changed = {**base, qid: value}
            alt = evaluate(rulebook, Answers(changed))
            if alt.style != ev.style:
                flips.append(TippingPoint(qid, current, value, alt.style, alt.confidence, alt.scores))
        if rulebook.questions[qid].kind == "integer" and flips:
            below = [f for f in flips if f.value < current]
            above = [f for f in flips if f.value > current]
            flips = ([max(below, key=lambda f: f.value)] if below else []) + \
                    ([min(above, key=lambda f: f.value)] if above else [])
        out.extend(flips)
    return out

