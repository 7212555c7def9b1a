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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from advisor.engine.answers import Answers
from advisor.rulebook.compiler import RuleResult
from advisor.rulebook.formats import Step
from advisor.rulebook.loading import Rulebook


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
    trace: tuple[RuleResult, ...]  # every rule of the rulebook, fired or not, in rulebook order
    input: Answers  # the answers exactly as given: what a report, a save or a share link writes back
    allocation: tuple[StepAllocation, ...]
    rulebook_version: str
    rulebook_hash: str
    visible_count: int

    @property
    def fired(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.trace if r.fired)

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.input.steps

    @property
    def workflow(self) -> str | None:
        return self.input.workflow


def evaluate(rulebook: Rulebook, given: Answers) -> Evaluation:
    """Evaluate validated answers (see `advisor.engine.answers`) against a rulebook."""
    traits = given.traits
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
    applicable_given = ({qid: v for qid, v in traits.items() if qid not in not_applicable} if not_applicable
                        else dict(traits))

    program = rulebook.program
    trace: list[Any] = [None] * len(program.rule_ids)
    tests = o = c = h = 0
    # Why attribute reads and not tuple unpacking: see `advisor.rulebook.compiler` (slotted records)
    for table in program.tables:
        entry = table.entries[answers[table.question]]
        tests |= entry.tests
        o += entry.orchestration
        c += entry.choreography
        h += entry.hybrid
        for i, result in entry.results:
            trace[i] = result
    for rule in program.normal:
        values = tuple([(q, answers[q]) for q in rule.reads])
        required = rule.required
        if tests & required == required and all(tests & clause for clause in rule.clauses):
            do, dc, dh = rule.orchestration, rule.choreography, rule.hybrid
            trace[rule.index] = RuleResult(rule.rule_id, True, do, dc, dh, values)
            o += do
            c += dc
            h += dh
        else:
            trace[rule.index] = RuleResult(rule.rule_id, False, 0, 0, 0, values)
    for closure in program.closures:
        values = tuple([(q, answers[q]) for q in closure.reads])
        if closure.predicate(answers):
            do, dc, dh = closure.orchestration, closure.choreography, closure.hybrid
            trace[closure.index] = RuleResult(closure.rule_id, True, do, dc, dh, values)
            o += do
            c += dc
            h += dh
        else:
            trace[closure.index] = RuleResult(closure.rule_id, False, 0, 0, 0, values)

    scores = {"orchestration": o, "choreography": c, "hybrid": h}
    style, runner_up = rank(scores, rulebook.decision.tie_break)
    lead = scores[style] - scores[runner_up]
    visible = len(answers) - len(not_applicable)
    steps = given.steps
    return Evaluation(style, confidence(lead, len(assumed), visible, rulebook.decision.confidence_half_lead),
                      scores, lead, runner_up, answers, applicable_given, assumed, not_applicable, tuple(trace),
                      given, allocate(style, steps) if steps else (), rulebook.version, rulebook.hash, visible)


def confidence(lead: int, assumed: int, visible: int, half_lead: int) -> float:
    """The confidence (see the module docstring), rounded to 3 places by Python's `round`: 0 for a tie.

    The one copy of the formula: the batch (`advisor.engine.batch`) calls this once per distinct triple."""
    certainty = 1 - assumed / visible if visible else 0.0
    return round(lead / (lead + half_lead) * certainty, 3) if lead > 0 else 0.0


def rank(scores: Mapping[str, int], tie_break: Sequence[str]) -> tuple[str, str]:
    """The winning style and the runner-up; equal scores are ordered by `tie_break`.

    The one copy of the ranking: the batch (`advisor.engine.batch.rank`) asks it once per ordering of scores."""
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
