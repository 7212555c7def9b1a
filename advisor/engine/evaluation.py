"""What one evaluation gives (`advisor.engine.evaluate` computes it): the `Evaluation` every view reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from advisor.engine.allocation import StepAllocation, allocate

if TYPE_CHECKING:
    from advisor.engine.answers import Answers
    from advisor.rulebook.formats import Step
    from advisor.rulebook.program import RuleResult


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
    # Why the allocation apart: it is decided when first read (see `allocation`)
    __slots__ = (*(f for f in FIELDS if f != "allocation"), "_allocation")
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
        self.rulebook_version = rulebook_version
        self.rulebook_hash = rulebook_hash
        self.visible_count = visible_count
        self.lean = lean
        self.tie = tie
        self.derived = derived
        self._allocation: tuple[StepAllocation, ...] | None = None

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq and without frozen

    def __eq__(self, other: object) -> bool:
        if type(other) is not Evaluation:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in Evaluation.FIELDS)

    def __repr__(self) -> str:
        return f"Evaluation(style={self.style!r}, confidence={self.confidence!r}, scores={self.scores!r})"

    @property
    def allocation(self) -> tuple[StepAllocation, ...]:
        """Each listed step's mode (`allocation.allocate`): commanded by the orchestrator or reacting to an event.

        Why decided when first read, once: the views that draw or describe the steps read it, while the
        evaluations behind the tipping points, the scenario checks and the comparisons of a rule change (dozens
        per recommendation) never do, and it costs as much as the evaluation's scoring (issue 17)."""
        found = self._allocation
        if found is None:
            steps = self.input.steps
            found = self._allocation = allocate(self.style, steps) if steps else ()
        return found

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
