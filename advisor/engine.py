"""The engine: a pure function from a rulebook and answers to an `Evaluation`. No I/O, no globals.

Scoring (documented for users in rules/README.md):
- every rule whose `when` holds adds its `effect` points to the orchestration, choreography and hybrid scores;
- the style is the highest score; a tie goes to the first style in the rulebook's `decision.tie_break`;
- confidence = lead / (lead + half_lead) * (1 - assumed / visible), where lead is the winner's margin over the
  runner-up, half_lead is `decision.confidence_half_lead` (the lead that alone gives 0.5), assumed is the number
  of visible questions left unanswered (their defaults were used) and visible the number of questions that apply.
  So a tie gives 0, a clear lead on fully answered questions approaches 1, and every assumption lowers it.
- hybrid is not "the scores were close": the rulebook's hybrid points come from rules that see an orchestrated core
  (order, compensation, visibility) together with reactions or team boundaries that events serve better. With
  steps given, the evaluation allocates each one: orchestrated core or event-driven reaction.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from advisor.compiler import Program
from advisor.models import Step
from advisor.rulebook import Rulebook


class RuleResult(NamedTuple):
    """One rule's outcome: whether it fired, what it added, and the answer values it looked at."""

    rule_id: str
    fired: bool
    orchestration: int
    choreography: int
    hybrid: int
    values: tuple[tuple[str, Any], ...]


class Trace(Sequence[RuleResult]):
    """Every rule of the rulebook, fired or not, in rulebook order.

    Why a view and not a list: an evaluation records which rules fired as one bitmask and keeps every answer;
    each `RuleResult` is derived from those on access, so the complete trace costs nothing until it is read.
    """

    __slots__ = ("_program", "_mask", "_answers")

    def __init__(self, program: Program, mask: int, answers: dict[str, Any]):
        self._program = program
        self._mask = mask
        self._answers = answers

    def __len__(self) -> int:
        return len(self._program.rule_ids)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        p = self._program
        if i < 0:
            i += len(p.rule_ids)
        fired = bool(self._mask >> i & 1)
        o, c, h = p.effects[i] if fired else (0, 0, 0)
        values = tuple((q, self._answers[q]) for q in p.reads[i])
        return RuleResult(p.rule_ids[i], fired, o, c, h, values)

    def __iter__(self):
        # Why not Sequence's iteration through __getitem__: that shifts the rulebook-sized mask once per rule
        # (O(rules) each) and rebuilds each values pair; one pass over the bits reads the whole trace in about
        # two thirds of the time on the default rulebook (bench/engine.py)
        p = self._program
        get = {q: (q, v) for q, v in self._answers.items()}.__getitem__
        bits = bin(self._mask)[:1:-1]  # character i is bit i
        new = tuple.__new__
        return iter([new(RuleResult, (rule_id, True, *effect, tuple(map(get, reads))))
                     if i < len(bits) and bits[i] == "1" else
                     new(RuleResult, (rule_id, False, 0, 0, 0, tuple(map(get, reads))))
                     for i, (rule_id, reads, effect) in enumerate(zip(p.rule_ids, p.reads, p.effects))])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Trace) and tuple(self) == tuple(other)

    def __repr__(self) -> str:
        return f"Trace({list(self)!r})"


class StepAllocation(NamedTuple):
    index: int
    service: str
    action: str
    mode: str  # "orchestrated" | "event-driven"
    reason: str


@dataclass(slots=True, eq=True)
class Evaluation:
    """The outcome of one evaluation. Treat as read-only: every view (CLI, app, diagram, report) reads it."""

    style: str
    confidence: float
    scores: dict[str, int]
    lead: int
    runner_up: str
    answers: dict[str, Any]  # every question, as used (given, default, or default because not applicable)
    given: dict[str, Any]
    assumed: tuple[str, ...]
    not_applicable: tuple[str, ...]
    trace: Trace
    steps: tuple[Step, ...]
    allocation: tuple[StepAllocation, ...]
    workflow: str | None
    rulebook_version: str
    rulebook_hash: str
    visible_count: int

    @property
    def fired(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.trace if r.fired)


def evaluate(rulebook: Rulebook, traits: dict[str, Any], steps: tuple[Step, ...] | list[Step] = (),
             workflow: str | None = None) -> Evaluation:
    """Evaluate validated answers (see `advisor.answers`) against a rulebook."""
    answers = rulebook.defaults.copy()
    answers.update(traits)
    not_applicable: tuple[str, ...] = ()
    if rulebook.visibility:
        hidden = [qid for qid, shown in rulebook.visibility.items() if not shown(answers)]
        if hidden:
            not_applicable = tuple(hidden)
            questions = rulebook.questions
            for qid in hidden:
                answers[qid] = questions[qid].default
    assumed = tuple(qid for qid in answers if qid not in traits and qid not in not_applicable)
    given = {qid: v for qid, v in traits.items() if qid not in not_applicable} if not_applicable else dict(traits)

    program = rulebook.program
    mask = tests = o = c = h = 0
    for qid, table in program.tables:
        m, t, do, dc, dh = table[answers[qid]]
        mask |= m
        tests |= t
        o += do
        c += dc
        h += dh
    for bit, required, anys, do, dc, dh in program.normal:
        if tests & required == required:
            for clause in anys:
                if not tests & clause:
                    break
            else:
                mask |= bit
                o += do
                c += dc
                h += dh
    for bit, predicate, do, dc, dh in program.closures:
        if predicate(answers):
            mask |= bit
            o += do
            c += dc
            h += dh

    scores = {"orchestration": o, "choreography": c, "hybrid": h}
    style, runner_up = _rank(scores, rulebook.decision.tie_break)
    lead = scores[style] - scores[runner_up]
    visible = len(answers) - len(not_applicable)
    certainty = 1 - len(assumed) / visible if visible else 0.0
    half = rulebook.decision.confidence_half_lead
    confidence = round(lead / (lead + half) * certainty, 3) if lead > 0 else 0.0
    steps = tuple(steps)
    return Evaluation(style, confidence, scores, lead, runner_up, answers, given, assumed, not_applicable,
                      Trace(program, mask, answers), steps, allocate(style, steps) if steps else (), workflow,
                      rulebook.version, rulebook.hash, visible)


def _rank(scores: dict[str, int], tie_break: list[str]) -> tuple[str, str]:
    """The winning style and the runner-up; equal scores are ordered by `tie_break`."""
    a, b, c = tie_break
    if scores[b] > scores[a]:
        a, b = b, a
    if scores[c] > scores[b]:  # a stable three-element sort: equal scores keep tie_break order
        b, c = c, b
        if scores[b] > scores[a]:
            a, b = b, a
    return a, b


def allocate(style: str, steps: tuple[Step, ...]) -> tuple[StepAllocation, ...]:
    """Decide per step (per link) whether it is commanded by the orchestrator or reacts to an event."""
    out = []
    for i, step in enumerate(steps):
        if style == "orchestration":
            mode, reason = "orchestrated", "the orchestrator commands every step and waits for its reply"
        elif style == "choreography":
            mode, reason = "event-driven", "the service reacts to the previous step's event and publishes its own"
        elif step.reaction:
            mode, reason = "event-driven", ("a reaction the core flow need not wait for: it subscribes to the "
                                            "event the core publishes")
        else:
            mode, reason = "orchestrated", ("part of the core flow, where order, compensation or visibility "
                                            "matter: the orchestrator commands it")
        out.append(StepAllocation(i, step.service, step.action, mode, reason))
    return tuple(out)


def confidence_words(confidence: float) -> str:
    """What a confidence means, in words a reader can act on."""
    if confidence >= 0.6:
        return "high: the answers point clearly one way"
    if confidence >= 0.3:
        return "medium: a clear lean, but a few answers could change it; see the tipping points"
    return "low: the styles are close or many answers were assumed; treat this as a starting point for discussion"
