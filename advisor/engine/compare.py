"""Two answer sets side by side: which answers differ, how scores and style change, and which differences drove it.

Attribution: each difference's share of the score change is its Shapley value. Going from A to B, every subset
of the differences is applied to A and evaluated by the engine; a difference's share is its average marginal
effect over all orders in which the differences could be applied. The shares add up exactly to the total score
change, and differences that only matter together (a rule reading two questions, a conditional question) share
that effect fairly. Why not "apply each alone": with interacting rules the single effects do not add up, and a
difference can look irrelevant alone yet decide the outcome with another. Up to `MAX_EXACT` differences this is
exact (2^k evaluations of ~10 us); beyond, each difference is credited with the mean of its effect applied alone
to A and undone alone in B, and the comparison says it is an approximation.

Also per difference: whether applying it alone to A already gives B's style (`flips_alone`), and whether
undoing it alone in B loses B's style (`needed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial
from typing import Any

from advisor.engine.answers import Answers
from advisor.engine.evaluate import Evaluation, evaluate
from advisor.rulebook.formats import STYLES
from advisor.rulebook.loading import Rulebook

MAX_EXACT = 10  # differences for exact Shapley shares: 2^10 = 1024 evaluations, about 10 ms
_ABSENT = object()


@dataclass(frozen=True)
class Difference:
    """One question answered differently (or answered in one set and left to its default in the other)."""

    question: str
    text: str
    a: Any  # the value each evaluation used
    b: Any
    a_state: str  # "given" | "assumed" | "not applicable"
    b_state: str
    effect: dict[str, float]  # this difference's share of the score change from A to B, per style
    flips_alone: bool
    needed: bool

    @property
    def push(self) -> float:
        """Points this difference moved in favour of each style vs the others: the sum of its absolute shares."""
        return sum(abs(v) for v in self.effect.values())


@dataclass(frozen=True)
class Comparison:
    a: Evaluation
    b: Evaluation
    differences: tuple[Difference, ...]  # most influential first
    exact: bool  # the shares are exact Shapley values (False: approximated, too many differences)
    steps_differ: bool
    workflow_differs: bool

    @property
    def style_changed(self) -> bool:
        return self.a.style != self.b.style

    @property
    def score_change(self) -> dict[str, int]:
        return {s: self.b.scores[s] - self.a.scores[s] for s in STYLES}

    @property
    def drivers(self) -> tuple[Difference, ...]:
        """The differences that moved the outcome towards B's style: flipped it alone, were needed for it, or
        gave B's style points over A's."""
        if not self.style_changed:
            return tuple(d for d in self.differences if d.push > 0)
        a, b = self.a.style, self.b.style
        return tuple(d for d in self.differences if d.flips_alone or d.needed or d.effect[b] - d.effect[a] > 0)


def compare(rulebook: Rulebook, a: Answers, b: Answers) -> Comparison:
    """Compare answer set `a` with `b` under one rulebook."""
    ev_a = evaluate(rulebook, a)
    ev_b = evaluate(rulebook, b)
    changed = [
        qid
        for qid in rulebook.questions
        if a.traits.get(qid, _ABSENT) != b.traits.get(qid, _ABSENT)
        or type(a.traits.get(qid)) is not type(b.traits.get(qid))
    ]
    shares, exact = _shares(rulebook, a.traits, b.traits, changed)
    differences = []
    for i, qid in enumerate(changed):
        alone = evaluate(rulebook, Answers(_apply(a.traits, b.traits, [qid])))
        undone = evaluate(rulebook, Answers(_apply(b.traits, a.traits, [qid])))
        differences.append(
            Difference(
                qid,
                rulebook.questions[qid].text,
                ev_a.answers[qid],
                ev_b.answers[qid],
                _state(ev_a, qid),
                _state(ev_b, qid),
                {s: round(shares[i][k], 3) for k, s in enumerate(STYLES)},
                ev_a.style != ev_b.style and alone.style == ev_b.style,
                ev_a.style != ev_b.style and undone.style != ev_b.style,
            )
        )
    order = {qid: i for i, qid in enumerate(rulebook.questions)}
    if ev_a.style != ev_b.style:

        def key(d: Difference):
            return (-(d.flips_alone + d.needed), -(d.effect[ev_b.style] - d.effect[ev_a.style]), order[d.question])
    else:

        def key(d: Difference):
            return (-d.push, order[d.question])

    differences.sort(key=key)
    return Comparison(ev_a, ev_b, tuple(differences), exact, a.steps != b.steps, a.workflow != b.workflow)


def _apply(base: dict[str, Any], target: dict[str, Any], questions: list[str]) -> dict[str, Any]:
    """`base` with these questions answered as in `target` (removed where `target` leaves them unanswered)."""
    out = dict(base)
    for qid in questions:
        if qid in target:
            out[qid] = target[qid]
        else:
            out.pop(qid, None)
    return out


def _scores(rulebook: Rulebook, traits: dict[str, Any]) -> tuple[int, ...]:
    ev = evaluate(rulebook, Answers(traits))
    return tuple(ev.scores[s] for s in STYLES)


def _shares(rulebook: Rulebook, a: dict[str, Any], b: dict[str, Any], changed: list[str]):
    """Each difference's share of the score change, per style; and whether the shares are exact."""
    k = len(changed)
    if k == 0:
        return [], True
    if k > MAX_EXACT:
        out = []
        for qid in changed:
            base_a, with_b = _scores(rulebook, a), _scores(rulebook, _apply(a, b, [qid]))
            base_b, without = _scores(rulebook, b), _scores(rulebook, _apply(b, a, [qid]))
            out.append([((with_b[s] - base_a[s]) + (base_b[s] - without[s])) / 2 for s in range(3)])
        return out, False
    value = [
        _scores(rulebook, _apply(a, b, [q for i, q in enumerate(changed) if mask >> i & 1])) for mask in range(1 << k)
    ]
    weight = [factorial(size) * factorial(k - size - 1) / factorial(k) for size in range(k)]
    out = []
    for i in range(k):
        bit = 1 << i
        share = [0.0, 0.0, 0.0]
        for mask in range(1 << k):
            if mask & bit:
                continue
            w = weight[bin(mask).count("1")]
            for s in range(3):
                share[s] += w * (value[mask | bit][s] - value[mask][s])
        out.append(share)
    return out, True


def _state(ev: Evaluation, qid: str) -> str:
    if qid in ev.not_applicable:
        return "not applicable"
    return "assumed" if qid in ev.assumed else "given"
