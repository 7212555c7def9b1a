"""Vectorised evaluation: many workflows at once, one numpy array per question, exactly the engine's results.

The input is a `Columns` (see `advisor.portfolio.reading`, which reads CSV files and answers files into one): for each
question an array of answers as small integers (the option's index for choice and yes/no questions, the value
itself for integers), filled with the default where a row gave none, and a `given` mask. Every condition of the
rulebook becomes a few whole-array comparisons, so one pass over the rules evaluates every row:

- `show_if` conditions are evaluated on the answers as given; a hidden question takes its default, counts as
  neither given nor assumed (as in `advisor.engine.evaluate.evaluate`);
- each rule's condition gives a boolean array (`fired`), and its effect is added where it is true;
- style and runner-up are looked up in a table the engine's own `rank` fills, one entry per way three scores
  can compare (13, ties included); the lead follows from them;
- the confidence is looked up in a table computed with the engine's own `confidence`, for the few distinct
  (lead, assumed, visible) triples present. Why: Python's `round(x, 3)` rounds the exact binary value, numpy's
  `round` scales by 1000 first; the two differ on a few values, and the batch must match the engine exactly.

`tests/test_batch_property.py` checks every field against `advisor.engine.evaluate.evaluate` on thousands of random
answer sets, with the default rulebook and with randomly generated ones.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np

from advisor.engine.evaluate import Evaluation, allocate, confidence, rank as rank_one
from advisor.rulebook.formats import STYLES, Step
from advisor.rulebook.loading import Rulebook
from advisor.engine.vector import compile_vector, default_value

TOP_DRIVERS = 3  # rules listed per workflow as its top drivers


@dataclass(frozen=True)
class Columns:
    """Answers of many workflows, one array per question (see the module docstring for the encoding)."""

    size: int
    values: dict[str, np.ndarray]  # question id -> int array: option index (choice, yes/no) or value (integer)
    given: dict[str, np.ndarray]  # question id -> bool array: the row answered it
    workflows: tuple[str | None, ...]
    steps: Sequence[tuple[Step, ...]]  # per row, () when none (for CSV input built when a row is read)
    step_count: np.ndarray  # int32 per row: how many steps
    reaction_count: np.ndarray  # int32 per row: how many of them are reactions
    errors: dict[int, str]  # row -> why it cannot be evaluated (the row is left out of the results)
    extra: dict[str, tuple[str, ...]]  # columns carried through to the table unchanged (`#note` columns)


@dataclass(frozen=True)
class BatchResult:
    """Every row's evaluation, as arrays. Rows with an error hold the defaults' results; mask them with `ok`."""

    columns: Columns
    rule_ids: tuple[str, ...]
    question_ids: tuple[str, ...]
    ok: np.ndarray  # bool: the row was evaluated
    style: np.ndarray  # int8 index into STYLES
    runner_up: np.ndarray  # int8 index into STYLES
    scores: np.ndarray  # int64 (3, n) in STYLES order
    lead: np.ndarray  # int64
    confidence: np.ndarray  # float64, rounded to 3 places like the engine
    fired: np.ndarray  # bool (rules, n)
    hidden: np.ndarray  # bool (questions, n): not applicable
    assumed: np.ndarray  # bool (questions, n)
    drivers: np.ndarray  # int64 (TOP_DRIVERS, n): rule index + 1, 0 when fewer drivers

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
            "allocation": tuple(a.mode for a in allocate(style, steps)),
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
    raw = columns.values
    hidden = np.zeros((len(qids), n), bool)
    cols = raw
    if rulebook.visibility:
        cols = dict(raw)
        for k, qid in enumerate(qids):
            if questions[qid].show_if is not None:
                hidden[k] = ~compile_vector(questions[qid].show_if, questions)(raw)
        for k, qid in enumerate(qids):
            if questions[qid].show_if is not None:
                column = raw[qid]
                cols[qid] = column + hidden[k] * (column.dtype.type(default_value(questions[qid])) - column)
    assumed = np.empty((len(qids), n), bool)
    counts = np.uint8 if len(qids) < 255 else np.int32
    assumed_count, hidden_count = np.zeros(n, counts), np.zeros(n, counts)
    for k, qid in enumerate(qids):
        np.greater(~columns.given[qid], hidden[k], out=assumed[k])  # not given and not hidden
        assumed_count += assumed[k]
        hidden_count += hidden[k]

    rules = rulebook.rules
    fired = np.empty((len(rules), n), bool)
    widest = max(sum(abs(getattr(r.effect, s)) for r in rules) for s in STYLES)
    scores = np.zeros((3, n), np.int16 if widest < 2**15 else np.int32)
    for i, rule in enumerate(rules):
        fired[i] = compile_vector(rule.when, questions)(cols)
        as_int = fired[i].view(np.int8)
        for k, style in enumerate(STYLES):
            points = getattr(rule.effect, style)
            if points:
                scores[k] += as_int * np.int8(points)

    style, runner_up, lead = rank(scores, rulebook.decision.tie_break)
    visible = len(qids) - hidden_count.astype(np.int64)
    confidence = confidence_of(lead, assumed_count, visible, rulebook.decision.confidence_half_lead)
    drivers = _drivers(rulebook, fired, style)
    ok = np.ones(n, bool)
    ok[list(columns.errors)] = False
    return BatchResult(columns, tuple(r.id for r in rules), qids, ok, style, runner_up, scores, lead, confidence,
                       fired, hidden, assumed, drivers)


def rank(scores: np.ndarray, tie_break: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the winning style, the runner-up (indices into STYLES) and the lead, as the engine's `rank` gives.

    The ranking depends only on how the three scores compare, pair by pair; so each row's comparisons make a key,
    and a table of the engine's answer for every key (asked with small scores that compare that way) gives the
    style and the runner-up. The winner holds the highest score and the runner-up the middle one, so the lead is
    their difference.
    """
    trios = list(product(range(3), repeat=3))  # small scores that compare in every way three can, ties included
    ranked = np.zeros(27, np.int8)  # ordering key -> winner * 4 + runner-up
    for k, trio in zip(_ordering(*np.array(trios).T).tolist(), trios):
        top, second = rank_one(dict(zip(STYLES, trio)), tie_break)
        ranked[k] = STYLES.index(top) * 4 + STYLES.index(second)
    code = np.take(ranked, _ordering(*scores))
    so, sc, sh = scores
    high, middle = np.maximum(so, sc), np.minimum(so, sc)
    np.maximum(middle, np.minimum(high, sh), out=middle)
    np.maximum(high, sh, out=high)
    return code >> 2, code & np.int8(3), np.subtract(high, middle, dtype=np.int64)


def _ordering(so: np.ndarray, sc: np.ndarray, sh: np.ndarray) -> np.ndarray:
    """How three score arrays compare, as one key per row in 0..26: 9 * (o vs c) + 3 * (o vs h) + (c vs h) + 13,
    each comparison -1, 0 or 1."""
    return _versus(so, sc) * np.int8(9) + _versus(so, sh) * np.int8(3) + _versus(sc, sh) + np.int8(13)


def _versus(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x > y).view(np.int8) - (x < y).view(np.int8)


def confidence_of(lead: np.ndarray, assumed: np.ndarray, visible: np.ndarray, half: int) -> np.ndarray:
    """The engine's confidence for each (lead, assumed, visible) triple, computed once per distinct triple."""
    if not len(lead):
        return np.zeros(0)
    span = int(visible.max()) + 1
    key = (lead * span + assumed) * span + visible
    distinct, inverse = np.unique(key, return_inverse=True) if key.max() > 4_000_000 else _dense_unique(key)
    table = np.empty(len(distinct))
    for j, k in enumerate(distinct.tolist()):
        rest, v = divmod(k, span)
        ld, a = divmod(rest, span)
        table[j] = confidence(ld, a, v, half)  # Why the engine's own: Python floats, rounded by Python's round
    return table[inverse]


def _dense_unique(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(key, return_inverse=True)` for small non-negative keys, without sorting."""
    present = np.bincount(key).nonzero()[0]
    position = np.zeros(int(key.max()) + 1, np.int64)
    position[present] = np.arange(len(present))
    return present, position[key]


def _drivers(rulebook: Rulebook, fired: np.ndarray, style: np.ndarray) -> np.ndarray:
    """`top_drivers` for every row: rule index + 1 in slots 0..TOP_DRIVERS-1, 0 where a row has fewer.

    Per style, its rules are visited from the least to the most important; each one that fired in a row of that
    style pushes the row's earlier finds down a slot and takes slot 0. What is left are the first three.
    """
    n = fired.shape[1]
    dtype = np.uint8 if len(rulebook.rules) < 255 else np.uint16 if len(rulebook.rules) < 65535 else np.int64
    slots = [np.zeros(n, dtype) for _ in range(TOP_DRIVERS)]
    for k, name in enumerate(STYLES):
        pushes = sorted(((getattr(r.effect, name), i) for i, r in enumerate(rulebook.rules)
                         if getattr(r.effect, name) > 0), key=lambda p: (-p[0], p[1]))
        if not pushes:
            continue
        this_style = style == k
        for _, i in reversed(pushes):
            hit = (fired[i] & this_style).view(np.uint8).astype(dtype, copy=False)
            for slot in range(TOP_DRIVERS - 1, 0, -1):
                slots[slot] += hit * (slots[slot - 1] - slots[slot])  # wraps around in unsigned types: exact
            slots[0] += hit * (dtype(i + 1) - slots[0])
    return np.stack(slots).astype(np.int64)
