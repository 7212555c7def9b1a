"""One assessment: the evaluation of an answer set with its explanations, computed once and read by every view.

The contract, the terminal text, the report, the ADR, the saved record and every page of the app read an
`Assessment`; none of them calls the engine or the explanations on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.engine.evaluate import Evaluation, evaluate
from advisor.engine.explain import Contribution, TippingPoint, contributions, tipping_points
from advisor.records import Positional

if TYPE_CHECKING:
    from advisor.engine.answers import Answers
    from advisor.rulebook.loading import Rulebook


class Assessment(Positional):
    """The evaluation, each answer's contribution (largest push first) and the tipping points."""

    FIELDS = ("evaluation", "contributions", "tipping_points")
    __slots__ = FIELDS

    evaluation: Evaluation
    contributions: tuple[Contribution, ...]
    tipping_points: tuple[TippingPoint, ...]

    @property
    def answers(self) -> Answers:
        """The answers exactly as given."""
        return self.evaluation.input


def assess(rulebook: Rulebook, answers: Answers) -> Assessment:
    """Evaluate `answers` and explain the result: the one computation behind every view."""
    ev = evaluate(rulebook, answers)
    return Assessment(ev, tuple(contributions(ev, rulebook)), tuple(tipping_points(rulebook, ev)))
