"""What a batch row's steps say, and the answers they give: the `from_steps` evidence of
`advisor.engine.evaluate.evidence_from_steps`, for whole columns.

Each row's steps are reduced to counts once, when the portfolio is read (`count_steps`, `step_counts`, `StepKinds`); the
evidence is then a few whole-array operations per `from_steps` question (`with_evidence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import attrgetter, itemgetter, truth

import numpy as np

from advisor.engine.evaluate import allocate, measure_steps
from advisor.engine.vector import domain_index
from advisor.rulebook.formats import STEP_MEASURES as FROM_STEPS_MEASURES
from advisor.rulebook.formats import Step
from advisor.rulebook.loading import Rulebook

# What `Columns.counts` holds per row: the `from_steps` measures of questions.yaml, then `apart`, the steps that
# are event-driven in a hybrid (`allocate`: reactions, and steps in another bounded context than the core)
STEP_MEASURES = (*FROM_STEPS_MEASURES, "apart")
DENSE_CELLS = 1 << 24  # rows x distinct names up to this are counted in a table; more go through np.unique


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
    """`Columns.counts` for rows of steps: int32 (len(STEP_MEASURES), rows), what `count_steps` gives each row."""
    kinds = StepKinds()
    length = np.fromiter(map(len, rows), np.int64, len(rows))
    return kinds.counts(length, kinds.read(rows, length))


class StepKinds(dict):
    """(reaction, compensation, team, context) -> its code, in the order met: a step's kind. `read` gives the kinds
    of rows of steps (a chunk of them at a time, if need be); `counts`, the rows' `Columns.counts`.

    Why each step read once as its kind: `count_steps` row by row cost ~5 µs a row, and reading the four fields
    a step's counts need in four passes ~2.5 µs, most of a batch from answers (bench/peer.py). Here one pass in C
    (`map`) gives each step its kind's code; a portfolio's steps have few distinct kinds, each decoded once, and the
    counts, distinct names and core contexts are array operations over the steps' codes.
    """

    def __missing__(self, kind: tuple[bool, str | None, str | None, str | None]) -> int:
        code = self[kind] = len(self)
        return code

    def read(self, rows: Sequence[Sequence[Step]], length: np.ndarray) -> np.ndarray:
        """The kind of each step of `rows`, in order (`length`: each row's steps)."""
        steps = map(_KIND, map(_FIELDS, chain.from_iterable(rows)))
        return np.fromiter(map(self.__getitem__, steps), np.intp, int(length.sum()))

    def counts(self, length: np.ndarray, kind: np.ndarray) -> np.ndarray:
        """`Columns.counts` of rows of `length` steps whose kinds are `kind` (all of them, as `read` gave them)."""
        n = len(length)
        out = np.zeros((len(STEP_MEASURES), n), np.int32)
        if not len(kind):
            return out
        reactions, compensations, team_names, context_names = zip(*self)
        react = np.fromiter(map(truth, reactions), bool, len(self))
        compensated = np.fromiter(map(truth, compensations), bool, len(self))
        team, _ = _name_codes(list(team_names))
        context, blank = _name_codes(list(context_names))
        out[0] = length
        if _packed_counts(out, length, kind, react, compensated, team, context, blank):
            return out
        row = np.repeat(np.arange(n), length)
        reacts, contexts = react[kind], context[kind]
        out[1] = np.bincount(row, reacts, n)
        out[2] = np.bincount(row, compensated[kind], n)
        out[3] = _distinct_per_row(row, team[kind], n)
        out[4] = _distinct_per_row(row, contexts, n)
        out[5] = out[1] + _outside_core(row, reacts, contexts, blank, n)
        return out


def _packed_counts(
    out: np.ndarray,
    length: np.ndarray,
    kind: np.ndarray,
    react: np.ndarray,
    compensated: np.ndarray,
    team: np.ndarray,
    context: np.ndarray,
    blank: int,
) -> bool:
    """`out[1:]` of `step_counts` from each step's kind, when its counts fit in one int64 and its names in one
    uint64 (else False, `out` untouched): the reactions, compensations and each core-eligible context's steps as
    lanes of a sum, the teams and contexts named as the bits of an or, each reduced per row in one pass.

    Why: per-step arrays, a table of rows x names and its reductions for each measure were ~0.4 µs a row of
    a batch from answers (bench/peer.py); here each step costs two gathers and two reductions.
    """
    teams, contexts = int(team.max()) + 1, int(context.max()) + 1
    width = int(length.max()).bit_length()  # bits of a lane: no count of a row passes its steps
    if (2 + contexts) * width > PACKED_BITS or teams + contexts > 63:
        return False
    core = ~react & (context >= 0) & (context != blank)  # the steps `core_context` reads
    lanes = react + (compensated.astype(np.int64) << width)
    lanes[core] += np.int64(1) << (width * (2 + context[core]))
    ones = np.uint64(1)
    names = np.where(team >= 0, ones << team.clip(0).astype(np.uint64), 0).astype(np.uint64)
    names |= np.where(context >= 0, ones << (teams + context.clip(0)).astype(np.uint64), 0).astype(np.uint64)
    listed = length > 0
    starts = (np.cumsum(length) - length)[listed]
    sums, seen = np.zeros(len(length), np.int64), np.zeros(len(length), np.uint64)
    sums[listed] = np.add.reduceat(lanes[kind], starts)
    seen[listed] = np.bitwise_or.reduceat(names[kind], starts)
    mask = (1 << width) - 1
    per_context = [sums >> (width * (2 + c)) & mask for c in range(contexts)]
    out[1], out[2] = sums & mask, sums >> width & mask
    out[3] = _popcount(seen & np.uint64((1 << teams) - 1))
    out[4] = _popcount(seen >> np.uint64(teams))
    out[5] = out[1] + (np.sum(per_context, axis=0) - np.max(per_context, axis=0) if contexts else 0)
    return True


PACKED_BITS = 63  # the bits of a row's sum of counts, in `_packed_counts`


def _popcount(x: np.ndarray) -> np.ndarray:
    """The set bits of each uint64 (numpy < 2 has no `bitwise_count`)."""
    x = x - (x >> np.uint64(1) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + (x >> np.uint64(2) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


# Why through the instance dict: a pydantic model's attribute goes through the slot of `BaseModel.__getattr__`,
# about twice a dict lookup, and pydantic keeps every field of a model in its `__dict__`
_FIELDS = attrgetter("__dict__")
_KIND = itemgetter("reaction", "compensation", "team", "context")


def _name_codes(names: list[str | None]) -> tuple[np.ndarray, int]:
    """Each step's name as a code (the names' order of first appearance), -1 for None; and the code of the
    empty name, -1 when none is empty (a name `measure_steps` counts, but one `core_context` skips)."""
    distinct = dict.fromkeys(names)
    distinct.pop(None, None)
    code: dict[str | None, int] = {name: i for i, name in enumerate(distinct)}
    code[None] = -1
    return np.fromiter(map(code.__getitem__, names), np.int64, len(names)), code.get("", -1)


def _distinct_per_row(row: np.ndarray, code: np.ndarray, n: int) -> np.ndarray:
    """How many different names (codes >= 0) each row's steps give."""
    named = code >= 0
    if not named.any():
        return np.zeros(n, np.int64)
    kinds = int(code.max()) + 1
    key = row[named] * kinds + code[named]
    if n * kinds <= DENSE_CELLS:
        seen = np.zeros(n * kinds, bool)
        seen[key] = True
        return seen.reshape(n, kinds).sum(axis=1)
    return np.bincount(np.unique(key) // kinds, minlength=n)


def _outside_core(row: np.ndarray, reaction: np.ndarray, context: np.ndarray, blank: int, n: int) -> np.ndarray:
    """Per row, the steps `allocate` makes event-driven in a hybrid for their bounded context: not reactions, and
    in a context other than the core's (`core_context`: the one most of the non-reaction steps name).

    Why no tie-break: whichever of two equally named contexts is the core, as many steps lie outside it; so the
    count is the named non-reaction steps less those of the most named context.
    """
    named = ~reaction & (context >= 0) & (context != blank)  # the steps `core_context` reads
    if not named.any():
        return np.zeros(n, np.int64)
    kinds = int(context.max()) + 1
    key = row[named] * kinds + context[named]
    if n * kinds <= DENSE_CELLS:
        per_context = np.bincount(key, minlength=n * kinds).reshape(n, kinds)
        return per_context.sum(axis=1) - per_context.max(axis=1)
    keys, times = np.unique(key, return_counts=True)
    core = np.zeros(n, np.int64)
    np.maximum.at(core, keys // kinds, times)
    return np.bincount(row[named], minlength=n) - core


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
