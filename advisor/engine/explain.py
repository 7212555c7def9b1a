"""Explanations derived from an `Evaluation`: each answer's contribution, and the what-if tipping points.

Both are computed by the engine (re-evaluating changed answers), never guessed. A tipping point is one change
(an answer changed, or an open question answered) that changes the recommended style; when no single change
does, the closest pairs of changes are given instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from advisor.engine.answers import Answers
from advisor.engine.evaluate import Evaluation, evaluate
from advisor.records import Positional, Record, _set
from advisor.rulebook.conditions import supporting_questions, tests

if TYPE_CHECKING:
    from advisor.rulebook.loading import Rulebook


class Contribution(Positional):
    """How far one answer pushed each score: every fired rule's points, shared equally by the answers that made it
    fire (for `(ordering is strict or long_running is yes) and teams ≥ 3`, with long_running=no, ordering and
    teams share the points; long_running did not push)."""

    FIELDS = ("question", "value", "orchestration", "choreography", "hybrid", "rules", "assumed")
    __slots__ = FIELDS

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
    out = [
        Contribution(q, ev.answers[q], round(s[0], 3), round(s[1], 3), round(s[2], 3), tuple(rules[q]), q in ev.assumed)
        for q, s in share.items()
    ]
    order = list(ev.answers)
    out.sort(key=lambda c: (-(abs(c.orchestration) + abs(c.choreography) + abs(c.hybrid)), order.index(c.question)))
    return out


class TippingPoint(Record):
    """Changing the answer to `question` from `current` (None: unanswered) to `value`, together with the changes in
    `also` (each (question, current, value); empty for a single change), changes the recommendation to `style`."""

    FIELDS = ("question", "current", "value", "style", "confidence", "scores", "also")
    __slots__ = FIELDS
    question: str
    current: Any
    value: Any
    style: str
    confidence: float
    scores: dict[str, int]
    also: tuple[tuple[str, Any, Any], ...]

    def __init__(
        self,
        question: str,
        current: Any,
        value: Any,
        style: str,
        confidence: float,
        scores: dict[str, int],
        also: tuple[tuple[str, Any, Any], ...] = (),
    ) -> None:
        for name, given in zip(self.FIELDS, (question, current, value, style, confidence, scores, also)):
            _set(self, name, given)


MAX_PAIRS = 3  # the closest pairs kept when no single change flips the style


def candidate_values(rulebook: Rulebook, qid: str) -> list[Any]:
    """The answers worth trying for a question: every option, or for integers the bounds and rule thresholds."""
    q = rulebook.questions[qid]
    if q.kind != "integer":
        return q.option_values()
    assert q.minimum is not None and q.maximum is not None  # checked by the model
    values = {q.minimum, q.maximum}
    conditions = [rule.when for rule in rulebook.rules] + [c.show_if for c in rulebook.questions.values() if c.show_if]
    for cond in conditions:
        for t in tests(cond):
            if t.question == qid:
                for v in t.value if isinstance(t.value, list) else [t.value]:
                    n = int(v)  # integer tests compare integers (checked when the rulebook loads)
                    values.update({n - 1, n, n + 1})
    return sorted(v for v in values if q.minimum <= v <= q.maximum)


def _changes(rulebook: Rulebook, ev: Evaluation) -> list[tuple[str, Any, Any]]:
    """Every single change worth trying: (question, current answer or None, another answer)."""
    out = []
    for qid in rulebook.questions:
        current = ev.answers[qid]
        for value in candidate_values(rulebook, qid):
            if current is None or value != current or type(value) is not type(current):
                out.append((qid, current, value))
    return out


def _nearest(flips: list[TippingPoint], current: Any) -> list[TippingPoint]:
    """For an integer answer, only the nearest flipping value on each side (beyond it, up to the next threshold,
    every value gives the same result); for an unanswered one, the smallest value per resulting style."""
    if current is None:
        by_style: dict[str, TippingPoint] = {}
        for f in sorted(flips, key=lambda f: f.value):
            by_style.setdefault(f.style, f)
        return list(by_style.values())
    below = [f for f in flips if f.value < current]
    above = [f for f in flips if f.value > current]
    return ([max(below, key=lambda f: f.value)] if below else []) + (
        [min(above, key=lambda f: f.value)] if above else []
    )


def tipping_points(rulebook: Rulebook, ev: Evaluation) -> list[TippingPoint]:
    """The single changes that change the recommended style; when there is none, the closest pairs (answering
    open questions before changing given answers, then the most confident result first)."""
    base = dict(ev.given)
    steps, workflow = ev.input.steps, ev.input.workflow
    changes = _changes(rulebook, ev)
    by_question: dict[str, list[TippingPoint]] = {}
    for qid, current, value in changes:
        alt = evaluate(rulebook, Answers({**base, qid: value}, steps, workflow))
        if alt.style != ev.style:
            by_question.setdefault(qid, []).append(
                TippingPoint(qid, current, value, alt.style, alt.confidence, alt.scores)
            )
    out: list[TippingPoint] = []
    for qid, flips in by_question.items():
        integer = rulebook.questions[qid].kind == "integer"
        out.extend(_nearest(flips, flips[0].current) if integer else flips)
    if out:
        return out
    pairs: list[TippingPoint] = []
    for i, (q1, c1, v1) in enumerate(changes):
        for q2, c2, v2 in changes[i + 1 :]:
            if q2 == q1:
                continue
            alt = evaluate(rulebook, Answers({**base, q1: v1, q2: v2}, steps, workflow))
            if alt.style != ev.style:
                pairs.append(TippingPoint(q1, c1, v1, alt.style, alt.confidence, alt.scores, ((q2, c2, v2),)))
    pairs.sort(key=lambda t: ((t.current is not None) + (t.also[0][1] is not None), -t.confidence))
    return pairs[:MAX_PAIRS]
