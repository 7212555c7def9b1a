"""What one evaluation gives (`advisor.engine.evaluate` computes it): the `Evaluation` every view reads, and the
mode of each listed step (`StepAllocation`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from advisor.engine.answers import Answers
    from advisor.rulebook.formats import Step
    from advisor.rulebook.program import RuleResult


class StepAllocation(NamedTuple):
    index: int  # type: ignore[assignment]  # shadows tuple.index on purpose: views read the step's .index
    service: str
    action: str
    mode: str  # "orchestrated" | "event-driven"
    reason: str


class Evaluation:
    """The outcome of one evaluation. Treat as read-only: every view (CLI, app, diagram, report) reads it.

    Why a hand-written slotted class and not a dataclass: start-up time (`advisor.records`); it is built once
    per evaluation, so its `__init__` assigns plainly."""

    FIELDS = (
        "style",
        "confidence",
        "scores",
        "lead",
        "runner_up",
        "answers",
        "given",
        "assumed",
        "not_applicable",
        "trace",
        "input",
        "allocation",
        "rulebook_version",
        "rulebook_hash",
        "visible_count",
        "lean",
        "tie",
        "derived",
    )
    __slots__ = FIELDS
    style: str
    confidence: float
    scores: dict[str, int]
    lead: int
    runner_up: str
    answers: dict[str, Any]  # every question: the answer given or read from the steps, None when unknown
    given: dict[str, Any]  # the applicable answers given
    assumed: tuple[str, ...]  # the applicable questions left unanswered (no evidence; None in `answers`)
    not_applicable: tuple[str, ...]
    trace: tuple[RuleResult, ...]  # every rule of the rulebook, fired or not, in rulebook order
    input: Answers  # the answers exactly as given: what a report, a save or a share link writes back
    allocation: tuple[StepAllocation, ...]
    rulebook_version: str
    rulebook_hash: str
    visible_count: int
    lean: str  # what the core flow needs: "orchestration" or "choreography"
    tie: bool  # the core's points were equal: `lean` came from the tie-break
    derived: dict[str, Any]  # answers read from the listed steps (for questions left unanswered)

    def __init__(
        self,
        style: str,
        confidence: float,
        scores: dict[str, int],
        lead: int,
        runner_up: str,
        answers: dict[str, Any],
        given: dict[str, Any],
        assumed: tuple[str, ...],
        not_applicable: tuple[str, ...],
        trace: tuple[RuleResult, ...],
        input: Answers,
        allocation: tuple[StepAllocation, ...],
        rulebook_version: str,
        rulebook_hash: str,
        visible_count: int,
        lean: str,
        tie: bool,
        derived: dict[str, Any],
    ) -> None:
        self.style = style
        self.confidence = confidence
        self.scores = scores
        self.lead = lead
        self.runner_up = runner_up
        self.answers = answers
        self.given = given
        self.assumed = assumed
        self.not_applicable = not_applicable
        self.trace = trace
        self.input = input
        self.allocation = allocation
        self.rulebook_version = rulebook_version
        self.rulebook_hash = rulebook_hash
        self.visible_count = visible_count
        self.lean = lean
        self.tie = tie
        self.derived = derived

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq and without frozen

    def __eq__(self, other: object) -> bool:
        if type(other) is not Evaluation:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in Evaluation.FIELDS)

    def __repr__(self) -> str:
        return f"Evaluation(style={self.style!r}, confidence={self.confidence!r}, scores={self.scores!r})"

    @property
    def answered_share(self) -> float:
        """The share of applicable questions answered or read from the steps."""
        return (self.visible_count - len(self.assumed)) / self.visible_count if self.visible_count else 0.0

    @property
    def fired(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.trace if r.fired)

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.input.steps

    @property
    def workflow(self) -> str | None:
        return self.input.workflow
