"""The engine: a pure function from a rulebook and answers to an `Evaluation`. No I/O, no globals.

The decision model (documented for users in rules/README.md):
- **Evidence** is what was answered, and what the listed steps already say (`from_steps` in questions.yaml: the
  step count, the reactions, the compensations, the teams and contexts named). An unanswered question is no
  evidence: its value is unknown (`None`), every test on it is false, and so it fires no rule.
- **The core.** Rules give points to orchestration or choreography: what the core flow needs, a coordinator or
  none. The larger total is the core's lean; equal totals are a tie, decided by `decision.tie_break` and marked.
- **The links.** Rules give hybrid points to evidence that some links are better as events (reactions the core
  need not wait for, consumers of its outcome, links across teams or bounded contexts). An orchestrated core with
  at least `decision.hybrid_links` such points is a **hybrid**, decided per step by `allocate`.
- **Confidence** = 1 / (1 + e^-(bias + per_point x lead + per_answer x answered share)): the lead is the core's
  margin in points, the answered share the applicable questions answered or read from the steps (0 for a tie:
  balanced evidence picks no side); bias is chance, logit(1/3), so no evidence gives 1/3; the other two numbers
  are `decision.confidence`, fitted on the benchmark of published decisions (benchmark/README.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from advisor.engine.allocation import StepAllocation, allocate, core_context
from advisor.engine.evaluation import Evaluation
from advisor.rulebook.step_reading import measure_of
from advisor.rulebook.values import STEP_MEASURES

if TYPE_CHECKING:  # Why: no pydantic at run time (`advisor recommend` reads a snapshot without it, issue 17)
    from advisor.engine.answers import Answers
    from advisor.rulebook.formats import ConfidenceFit, Decision, Step
    from advisor.rulebook.loading import Rulebook
    from advisor.rulebook.plain import ReadyDecision

# Why a list: Evaluation and the allocation are defined in their own modules and re-exported from here
__all__ = [
    "Evaluation",
    "StepAllocation",
    "allocate",
    "confidence",
    "confidence_features",
    "confidence_words",
    "core_context",
    "decide",
    "evaluate",
    "evidence_from_steps",
    "measure_steps",
]


def measure_steps(steps: Sequence[Step]) -> tuple[int, ...]:
    """The `STEP_MEASURES` of listed steps (`FromSteps.measure`), in that order: how many steps, reactions and
    compensations, and how many different teams and bounded contexts the steps name (0 when none names one)."""
    return len(steps), *[measure_of(steps, m) for m in (1, 2, 3, 4)]


# Why: the compiled evidence (`rulebook.program.evidence`) indexes `measure_steps` by `STEP_MEASURES`
assert STEP_MEASURES == ("steps", "reactions", "compensations", "teams", "contexts"), "measure_steps' order"


def evidence_from_steps(rulebook: Rulebook, given: Answers) -> dict[str, Any]:
    """What the listed steps say about the questions left unanswered (`from_steps` in the catalog; resolved at
    compile time as `rulebook.program.evidence`, read by `rulebook.program.read_steps`)."""
    steps = given.steps
    return rulebook.program.read_steps(given.traits, steps) if steps else {}


def evaluate(rulebook: Rulebook, given: Answers) -> Evaluation:
    """Evaluate validated answers (see `advisor.engine.answers`) against a rulebook."""
    traits = given.traits
    steps = given.steps
    derived = rulebook.program.read_steps(traits, steps) if steps else {}  # `evidence_from_steps`, in line
    answers = rulebook.blank.copy()
    if derived:
        answers.update(derived)
    answers.update(traits)
    not_applicable: tuple[str, ...] = ()
    applicable_given = traits.copy()
    visibility = rulebook.visibility
    if visibility:
        hidden: list[str] = []  # Why a loop: a comprehension is one more call, for a condition or two
        for qid, shown in visibility.items():
            if not shown(answers):
                hidden.append(qid)
        if hidden:
            not_applicable = tuple(hidden)
            for qid in hidden:
                answers[qid] = None
                derived.pop(qid, None)
                applicable_given.pop(qid, None)
    # Why one call: the rulebook's generated scorer (`advisor.rulebook.scoring`) walks every table and rule, and
    # says which answers are None on the way
    trace, o, c, h, assumed = rulebook.program.score(answers)
    if not_applicable:  # each one is None, so the scorer listed it
        if len(not_applicable) == 1:  # the common case: one slice, not a test per question
            i = assumed.index(not_applicable[0])
            assumed = assumed[:i] + assumed[i + 1 :]
        else:
            assumed = tuple([qid for qid in assumed if qid not in not_applicable])
    ready = rulebook.ready_decision  # the decision's numbers as plain slots, and the confidences met so far
    style, runner_up, lean = decide(o, c, h, ready)
    lead = o - c if o >= c else c - o
    visible = len(answers) - len(not_applicable)
    share = (visible - len(assumed)) / visible if visible else 0.0
    known = ready.confidences.get((lead, share))
    return Evaluation(
        style,
        _remembered(ready, lead, share) if known is None else known,
        {"orchestration": o, "choreography": c, "hybrid": h},
        lead,
        runner_up,
        answers,
        applicable_given,
        assumed,
        not_applicable,
        trace,
        given,
        rulebook.version,
        rulebook.hash,
        visible,
        lean,
        o == c,
        derived,
    )


def decide(
    orchestration: int, choreography: int, hybrid: int, decision: Decision | ReadyDecision
) -> tuple[str, str, str]:
    """(style, runner-up, the core's lean) from the three point totals. The one copy of the decision: the batch
    (`advisor.engine.batch`) calls it once per distinct combination.

    The core leans to the larger of the orchestration and choreography points (a tie to the first core style of
    `decision.tie_break`). An orchestrated core with at least `decision.hybrid_links` link points is a hybrid,
    whose runner-up is plain orchestration; otherwise the runner-up is the other core style."""
    if orchestration > choreography:
        lean = "orchestration"
    elif choreography > orchestration:
        lean = "choreography"
    else:
        lean = decision.first_core_style
    if lean == "orchestration" and hybrid >= decision.hybrid_links:
        return "hybrid", "orchestration", lean
    return lean, ("choreography" if lean == "orchestration" else "orchestration"), lean


CONFIDENCES_KEPT = 4096  # the most confidences one rulebook remembers (`ReadyDecision.confidences`)


def _remembered(ready: ReadyDecision, lead: int, share: float) -> float:
    """`confidence(lead, share, ready)`, computed and remembered (a full memory starts afresh: it stays bounded)."""
    found = confidence(lead, share, ready)
    memory = ready.confidences
    if len(memory) >= CONFIDENCES_KEPT:
        memory.clear()
    memory[lead, share] = found
    return found


def confidence(lead: int, answered_share: float, fit: ConfidenceFit | ReadyDecision) -> float:
    """The confidence (see the module docstring), rounded to 3 places: the probability, fitted on the benchmark,
    that the advice agrees with what practitioners chose in published decisions."""
    x = fit.bias + fit.per_point * lead + fit.per_answer * (answered_share if lead else 0.0)
    # Why clamped: beyond it the rounded result is 0 or 1 anyway, and e^-x cannot overflow (the fit is finite)
    if x > 30.0:
        x = 30.0
    elif x < -30.0:
        x = -30.0
    p = 1 / (1 + math.exp(-x))
    # Why not round(p, 3) alone: its decimal conversion costs a fifth of a microsecond per evaluation. p x 1000
    # is within 1e-12 of exact, so unless its fraction is near a half, its nearest integer n is round(p, 3)'s
    # decimal digits, and n / 1000 is the same float (the nearest to n/1000: one correctly rounded division)
    y = p * 1000.0
    n = int(y)
    if y - n < 0.4999:
        return n / 1000
    if y - n > 0.5001:
        return (n + 1) / 1000
    return round(p, 3)


def confidence_features(ev: Evaluation) -> tuple[float, float]:
    """What the confidence is computed from: the core's lead in points, and the answered share when the core
    leans one way. Why the share counts only then: balanced evidence, however much, does not pick a side, so
    a tie stays at chance (one style in three)."""
    return float(ev.lead), ev.answered_share if ev.lead else 0.0


def confidence_words(confidence: float) -> str:
    """What a confidence means, in words a reader can act on (the probability behind it: rules/README.md)."""
    if confidence >= 0.75:
        return "high: answers like these led practitioners to this style in most published decisions"
    if confidence >= 0.5:
        return "medium: a clear lean; answering the open questions would firm it up"
    return "low: the evidence is thin or balanced; answer the questions that would decide it before relying on it"
