"""What a batch row's steps say, and the answers they give: the `from_steps` evidence of
`advisor.engine.evaluate.evidence_from_steps`, for whole columns.

Each row's steps are reduced to counts once, when the portfolio is read (`count_steps`, `step_counts`); the
evidence is then a few whole-array operations per `from_steps` question (`with_evidence`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from advisor.engine.evaluate import allocate, measure_steps
from advisor.engine.vector import domain_index
from advisor.rulebook.formats import STEP_MEASURES as FROM_STEPS_MEASURES
from advisor.rulebook.formats import Step
from advisor.rulebook.loading import Rulebook

# What `Columns.counts` holds per row: the `from_steps` measures of questions.yaml, then `apart`, the steps that
# are event-driven in a hybrid (`allocate`: reactions, and steps in another bounded context than the core)
STEP_MEASURES = (*FROM_STEPS_MEASURES, "apart")


def count_steps(steps: Sequence[Step]) -> tuple[int, ...]:
    """One row's `STEP_MEASURES`: `measure_steps` (as `evidence_from_steps` counts), then `allocate`'s count."""
    if not steps:
        return (0,) * len(STEP_MEASURES)
    steps = tuple(steps)
    measures = measure_steps(steps)
    reactions, contexts = measures[1], measures[4]
    # Why allocate only when a context is named: it costs ~10 µs a row, and without contexts a hybrid's
    # event-driven steps are its reactions (`allocate`); tests/test_batch_property.py checks both cases
    apart = sum(1 for a in allocate("hybrid", steps) if a.mode == "event-driven") if contexts else reactions
    return (*measures, apart)


def step_counts(rows: Sequence[Sequence[Step]]) -> np.ndarray:
    """`Columns.counts` for rows of steps: int32 (len(STEP_MEASURES), rows)."""
    out = np.zeros((len(STEP_MEASURES), len(rows)), np.int32)
    for i, steps in enumerate(rows):
        if steps:
            out[:, i] = count_steps(steps)
    return out


def with_evidence(
    rulebook: Rulebook, values: dict[str, np.ndarray], given: dict[str, np.ndarray], counts: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The answers before `show_if`, from `Columns.values`, `.given` and `.counts`: the values, where a row's steps
    answer a `from_steps` question it left unanswered (as `evidence_from_steps`) the answer they give; and, per
    such question, the rows whose answer was read from their steps. The arrays given are not modified."""
    raw = dict(values)
    derived: dict[str, np.ndarray] = {}
    if not rulebook.from_steps or not counts.shape[1] or not counts[0].any():
        return raw, derived
    listed = counts[0] > 0
    for qid, source in rulebook.from_steps.items():
        q, column = rulebook.questions[qid], raw[qid]
        count = counts[STEP_MEASURES.index(source.measure)]
        rows = listed > given[qid]  # steps listed, question unanswered
        if source.measure in ("teams", "contexts"):
            rows &= count > 0  # no step names one: no evidence
        if q.kind == "integer":
            value = np.clip(count.astype(np.int64), q.minimum, q.maximum).astype(column.dtype)
        else:  # yes/no: yes when the count reaches `at_least`, else no evidence
            rows &= count >= source.at_least
            value = column.dtype.type(domain_index(q, True))
        raw[qid] = column + rows * (value - column)
        derived[qid] = rows
    return raw, derived
