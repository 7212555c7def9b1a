"""The rows of a report (`advisor.views.report.model.Report`): each step, answer, reason, driver, option and
tipping point, already worded. Plain data: the user's text cleaned but unescaped; each renderer escapes it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StepRow:
    number: int
    service: str
    action: str
    mode: str  # orchestrated | event-driven
    reason: str
    event: str
    compensation: str | None
    reaction: bool
    team: str | None = None  # the team that owns the service, when the step names one
    context: str | None = None  # its bounded context, when the step names one


def step_reasons(steps: tuple[StepRow, ...] | list[StepRow]) -> list[tuple[str, str, tuple[int, ...]]]:
    """Why each step is coordinated as it is, once per distinct reason: (mode, reason, the step numbers it
    explains), in the order the reasons first appear. Two event-driven steps may have different reasons (a
    reaction; another bounded context), so the grouping is by reason, not by mode."""
    groups: dict[tuple[str, str], list[int]] = {}
    for s in steps:
        groups.setdefault((s.mode, s.reason), []).append(s.number)
    return [(mode, reason, tuple(numbers)) for (mode, reason), numbers in groups.items()]


def numbers_text(numbers: tuple[int, ...]) -> str:
    """`(4,)` -> "step 4"; `(1, 2, 3)` -> "steps 1, 2, 3"."""
    return f"step{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


@dataclass(frozen=True)
class AnswerRow:
    question: str  # id
    section: str  # section title
    text: str  # the question as asked
    answer: str  # the answer in words; "not answered" for an open question
    assumed: bool  # not answered and not read from the steps: no evidence (the answer is unknown)
    derived: bool = False  # not answered, but read from the listed steps


@dataclass(frozen=True)
class Reason:
    rule: str
    rationale: str
    source: str
    effect: tuple[tuple[str, int], ...]  # (style, points) for the styles it moved
    seen: tuple[tuple[str, str], ...]  # (question id, answer in words) the rule read


@dataclass(frozen=True)
class Driver:
    """An answer that pushed the scores hardest (a MADR decision driver)."""

    question: str
    text: str
    answer: str
    assumed: bool  # not answered (the answer is unknown)
    push: tuple[tuple[str, float], ...]  # (style, points), only styles it moved
    toward: str  # the style it pushed most


@dataclass(frozen=True)
class OptionRow:
    style: str
    name: str
    summary: str
    score: int
    chosen: bool
    counts: str  # what its points are: the core's points (orchestration, choreography) or the link evidence (hybrid)
    benefits: tuple[str, ...]
    drawbacks: tuple[str, ...]
    mitigations: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """One changed answer of a tipping point, worded."""

    question: str
    text: str  # the question as asked
    current: str | None  # the answer now, in words; None when the question is open (not answered)
    alternative: str  # the answer that, with the others of its tipping point, changes the style

    @property
    def open(self) -> bool:
        return self.current is None


@dataclass(frozen=True)
class TippingRow:
    """A tipping point of `advisor.engine.explain`, worded for the report: one change, or a pair of changes (the
    closest, given when no single change changes the style)."""

    changes: tuple[Change, ...]
    style: str
    style_name: str
    confidence: float

    @property
    def pair(self) -> bool:
        return len(self.changes) > 1

    @property
    def question(self) -> str:
        return self.changes[0].question

    @property
    def text(self) -> str:
        return self.changes[0].text

    @property
    def current(self) -> str | None:
        return self.changes[0].current

    @property
    def alternative(self) -> str:
        return self.changes[0].alternative
