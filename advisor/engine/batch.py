"""Vectorised evaluation: many workflows at once, one numpy array per question, exactly the engine's results.

The input is a `Columns` (see `advisor.portfolio.reading`, which reads CSV files and answers files into one): for each
question an array of answers as small integers (the option's index for choice and yes/no questions, the value
itself for integers, `advisor.engine.vector.unknown_code` where the row gave none), a `given` mask, and per row the
counts of what its listed steps say (`advisor.engine.batch_evidence`). Every condition of the rulebook
becomes a few whole-array comparisons, so one pass over the rules evaluates every row, as `engine.evaluate` does:

- an unanswered question is unknown (`advisor.engine.vector.unknown_code`): every test on it is false, and so is
  its negation; a question with `from_steps` left unanswered takes the count its row's steps give, where they
  give one (`evidence_from_steps`);
- `show_if` conditions are evaluated on those answers; a hidden question is unknown too, and counts as neither
  given nor assumed;
- each rule's condition gives a boolean array (`fired`), and its effect is added where it is true;
- style, runner-up and the core's lean come from the engine's own `decide`, called once per distinct combination
  of the three point totals; the lead is the core's margin, |orchestration - choreography|;
- the confidence comes from the engine's own `confidence`, called once per distinct (lead, answered share) pair
  (`advisor.engine.batch_outcome`).

`tests/test_batch_property.py` checks every field against `advisor.engine.evaluate.evaluate` on thousands of random
answer sets, with the default rulebook and with randomly generated ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from advisor.engine.batch_evidence import with_evidence
from advisor.engine.batch_outcome import confidence_of, decide_columns
from advisor.engine.evaluate import Evaluation, allocate
from advisor.engine.vector import compile_vector, unknown_code
from advisor.rulebook.formats import STYLES, Question, Step
from advisor.rulebook.loading import Rulebook

TOP_DRIVERS = 3  # rules listed per workflow as its top drivers


@dataclass(frozen=True)
class Columns:
    """Answers of many workflows, one array per question (see the module docstring for the encoding)."""

    size: int
    # question id -> int array: option index (choice, yes/no) or value (integer); `unknown_code` where not given
    values: dict[str, np.ndarray]
    given: dict[str, np.ndarray]  # question id -> bool array: the row answered it
    workflows: tuple[str | None, ...]
    steps: Sequence[tuple[Step, ...]]  # per row, () when none (for CSV input built when a row is read)
    counts: np.ndarray  # int32 (len(STEP_MEASURES), rows): what each row's steps say (`batch_evidence.step_counts`)
    errors: dict[int, str]  # row -> why it cannot be evaluated (the row is left out of the results)
    extra: dict[str, tuple[str, ...]]  # columns carried through to the table unchanged (`#note` columns)

    @property
    def step_count(self) -> np.ndarray:
        """int32 per row: how many steps."""
        return self.counts[0]

    @property
    def reaction_count(self) -> np.ndarray:
        """int32 per row: how many of them are reactions."""
        return self.counts[1]


@dataclass(frozen=True)
class BatchResult:
    """Every row's evaluation, as arrays. Rows with an error hold the results of what could be read of them (no
    answer for a bad cell): mask them with `ok`."""

    columns: Columns
    rule_ids: tuple[str, ...]
    questions: dict[str, Question]
    ok: np.ndarray  # bool: the row was evaluated
    style: np.ndarray  # int8 index into STYLES
    runner_up: np.ndarray  # int8 index into STYLES
    lean: np.ndarray  # int8 index into STYLES: what the core flow needs (orchestration or choreography)
    tie: np.ndarray  # bool: the core's points were equal, `lean` came from the tie-break
    scores: np.ndarray  # int16 or int32 (3, n) in STYLES order
    lead: np.ndarray  # int64: the core's margin, |orchestration - choreography|
    confidence: np.ndarray  # float64, rounded to 3 places like the engine
    fired: np.ndarray  # bool (rules, n)
    hidden: np.ndarray  # bool (questions, n): not applicable
    assumed: np.ndarray  # bool (questions, n): applicable, unanswered and not read from the steps
    derived: np.ndarray  # bool (questions, n): unanswered, read from the row's steps (`from_steps`)
    values: dict[str, np.ndarray]  # question id -> the answers the rules read, `unknown_code` where unknown
    drivers: np.ndarray  # int64 (TOP_DRIVERS, n): rule index + 1, 0 when fewer drivers

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(self.questions)

    @cached_property
    def _codes(self) -> dict[str, tuple[int, list[Any] | None]]:
        """Per question: its unknown code, and its options (None for an integer question)."""
        return {
            qid: (unknown_code(q), None if q.kind == "integer" else q.option_values())
            for qid, q in self.questions.items()
        }

    def answer(self, qid: str, i: int) -> Any:
        """Row `i`'s answer to `qid` as the engine holds it (`Evaluation.answers`): None when unknown."""
        unknown, options = self._codes[qid]
        code = int(self.values[qid][i])
        if code == unknown:
            return None
        return code if options is None else options[code]

    def row(self, i: int) -> dict[str, Any]:
        """Row `i` as plain data, in the same shape as `summarize(evaluation)` (for tests and single lookups)."""
        steps = self.columns.steps[i]
        style = STYLES[self.style[i]]
        return {
            "style": style,
            "runner_up": STYLES[self.runner_up[i]],
            "scores": {s: int(self.scores[k, i]) for k, s in enumerate(STYLES)},
            "lead": int(self.lead[i]),
            "confidence": float(self.confidence[i]),
            "fired": tuple(r for k, r in enumerate(self.rule_ids) if self.fired[k, i]),
            "assumed": tuple(q for k, q in enumerate(self.question_ids) if self.assumed[k, i]),
            "not_applicable": tuple(q for k, q in enumerate(self.question_ids) if self.hidden[k, i]),
            "drivers": tuple(self.rule_ids[d - 1] for d in self.drivers[:, i] if d),
            "allocation": tuple(a.mode for a in allocate(style, steps)) if steps else (),
            "lean": STYLES[self.lean[i]],
            "tie": bool(self.tie[i]),
            "answers": {qid: self.answer(qid, i) for qid in self.questions},
            "derived": tuple(q for k, q in enumerate(self.questions) if self.derived[k, i]),
        }


def summarize(ev: Evaluation, rulebook: Rulebook) -> dict[str, Any]:
    """The fields a batch row carries, taken from one engine `Evaluation` (the reference the batch must equal)."""
    return {
        "style": ev.style,
        "runner_up": ev.runner_up,
        "scores": dict(ev.scores),
        "lead": ev.lead,
        "confidence": ev.confidence,
        "fired": tuple(r.rule_id for r in ev.fired),
        "assumed": ev.assumed,
        "not_applicable": ev.not_applicable,
        "drivers": top_drivers(ev, rulebook),
        "allocation": tuple(a.mode for a in ev.allocation),
        "lean": ev.lean,
        "tie": ev.tie,
        "answers": dict(ev.answers),
        "derived": tuple(q for q in rulebook.questions if q in ev.derived),
    }


def top_drivers(ev: Evaluation, rulebook: Rulebook, n: int = TOP_DRIVERS) -> tuple[str, ...]:
    """The fired rules that gave the recommended style the most points (ties: rulebook order), at most `n`.

    Only rules that added points to the recommended style count: they are why it won.
    """
    order = {r.id: i for i, r in enumerate(rulebook.rules)}
    pushes = [(getattr(r, ev.style), order[r.rule_id], r.rule_id) for r in ev.fired if getattr(r, ev.style) > 0]
    pushes.sort(key=lambda p: (-p[0], p[1]))
    return tuple(rule_id for _, _, rule_id in pushes[:n])


# ---------------------------------------------------------------- evaluation
# Why arithmetic instead of np.where: a select on a random mask costs ~3.5 ms per million rows, branch-free
# arithmetic on small integer types ~0.03 ms. `x + m * (y - x)` is "y where m, else x", exact in integers.
def evaluate_columns(rulebook: Rulebook, columns: Columns) -> BatchResult:
    """Evaluate every row of `columns` against `rulebook`, giving exactly what `engine.evaluate` gives per row."""
    questions = rulebook.questions
    n = columns.size
    qids = tuple(questions)
    raw, derived = with_evidence(rulebook, columns.values, columns.given, columns.counts)
    hidden = np.zeros((len(qids), n), bool)
    cols = raw
    if rulebook.visibility:
        cols = dict(raw)
        for k, qid in enumerate(qids):
            q = questions[qid]
            if q.show_if is not None:  # read on the answers before any is hidden, as the engine does
                hidden[k] = ~compile_vector(q.show_if, questions)(raw)
                column = raw[qid]
                cols[qid] = column + hidden[k] * (column.dtype.type(unknown_code(q)) - column)
    assumed = np.empty((len(qids), n), bool)
    from_steps = np.zeros((len(qids), n), bool)
    counts: Any = np.uint8 if len(qids) < 255 else np.int32
    assumed_count: np.ndarray = np.zeros(n, counts)
    hidden_count: np.ndarray = np.zeros(n, counts)
    for k, qid in enumerate(qids):
        known = columns.given[qid]
        if qid in derived:
            np.greater(derived[qid], hidden[k], out=from_steps[k])  # read from the steps and not hidden
            known = known | derived[qid]
        np.greater(~known, hidden[k], out=assumed[k])  # neither known nor hidden
        assumed_count += assumed[k]
        if questions[qid].show_if is not None:  # only these can be hidden
            hidden_count += hidden[k]

    rules = rulebook.rules
    fired = np.empty((len(rules), n), bool)
    widest = max(sum(abs(getattr(r.effect, s)) for r in rules) for s in STYLES)
    scores = np.zeros((3, n), np.int16 if widest < 2**15 else np.int32)
    for i, rule in enumerate(rules):
        fired[i] = compile_vector(rule.when, questions)(cols)
        as_int = fired[i].view(np.int8)
        for k, name in enumerate(STYLES):
            points = getattr(rule.effect, name)
            if points == 1:
                scores[k] += as_int
            elif points:
                scores[k] += as_int * np.int8(points)

    style, runner_up, lean = decide_columns(scores, rulebook.decision)
    lead = np.abs(np.subtract(scores[0], scores[1], dtype=np.int64))
    visible = len(qids) - hidden_count.astype(np.int64)
    confidence = confidence_of(lead, assumed_count, visible, rulebook.decision.confidence)
    drivers = _drivers(rulebook, fired, style)
    ok = np.ones(n, bool)
    ok[list(columns.errors)] = False
    return BatchResult(
        columns,
        tuple(r.id for r in rules),
        questions,
        ok,
        style,
        runner_up,
        lean,
        scores[0] == scores[1],
        scores,
        lead,
        confidence,
        fired,
        hidden,
        assumed,
        from_steps,
        cols,
        drivers,
    )


def _drivers(rulebook: Rulebook, fired: np.ndarray, style: np.ndarray) -> np.ndarray:
    """`top_drivers` for every row: rule index + 1 in slots 0..TOP_DRIVERS-1, 0 where a row has fewer.

    Per style, its rules are visited from the least to the most important; each one that fired in a row of that
    style pushes the row's earlier finds down a slot and takes slot 0. What is left are the first three.
    """
    n = fired.shape[1]
    dtype: Any = np.uint8 if len(rulebook.rules) < 255 else np.uint16 if len(rulebook.rules) < 65535 else np.int64
    slots: list[np.ndarray] = [np.zeros(n, dtype) for _ in range(TOP_DRIVERS)]
    for k, name in enumerate(STYLES):
        pushes = sorted(
            ((getattr(r.effect, name), i) for i, r in enumerate(rulebook.rules) if getattr(r.effect, name) > 0),
            key=lambda p: (-p[0], p[1]),
        )
        if not pushes:
            continue
        this_style = style == k
        for _, i in reversed(pushes):
            hit = (fired[i] & this_style).view(np.uint8).astype(dtype, copy=False)
            for slot in range(TOP_DRIVERS - 1, 0, -1):
                slots[slot] += hit * (slots[slot - 1] - slots[slot])  # wraps around in unsigned types: exact
            slots[0] += hit * (dtype(i + 1) - slots[0])
    return np.stack(slots).astype(np.int64)
