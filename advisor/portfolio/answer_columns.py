"""The columns of a batch from answers already read (`advisor batch a.yaml b.yaml`, the Portfolio page's answers
files): one row per answers file, in `advisor.engine.batch.Columns`, and the integer type of a question's column
(shared with the CSV reader, `advisor.portfolio.reading`).
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Sequence
from itertools import chain
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np

from advisor.engine.answers import Answers
from advisor.engine.batch import Columns
from advisor.engine.batch_evidence import StepKinds
from advisor.engine.vector import unknown_code
from advisor.errors import UserError
from advisor.rulebook.formats import Question, Step
from advisor.rulebook.loading import Rulebook


def column_type(q: Question) -> type:
    """The narrowest integer type that holds a question's codes, or its values, a test value clamped to them
    (`minimum - 1 .. maximum + 1`) and the unknown code (`minimum - 2`)."""
    if q.kind != "integer":
        return np.int8
    assert q.minimum is not None and q.maximum is not None  # checked by the model
    for t in (np.int16, np.int32, np.int64):
        info = np.iinfo(t)
        if info.min <= q.minimum - 2 and q.maximum + 1 <= info.max:
            return t
    raise UserError(f"question '{q.id}': bounds {q.minimum}..{q.maximum} are too wide for batch evaluation")


def columns_from_answers(items: Sequence[tuple[str, Answers | UserError]], rulebook: Rulebook) -> Columns:
    """One row per answers file (already parsed with `advisor.engine.answers.parse_answers`); a file that failed to
    parse becomes a row whose error is its first problem."""
    n = len(items)
    answers, kinds = AnswerCodes(rulebook, n), StepKinds()
    errors: dict[int, str] = {}
    names: list[str] = []
    workflows: list[str | None] = []
    steps: list[tuple[Step, ...]] = []
    answered, codes, listed, step_kinds = [], [], [], []
    # Why in chunks, each item read once: a chunk's answers and steps are still in the cache when read
    for start in range(0, n, _ROWS):
        chunk = items[start : start + _ROWS]
        names += map(_NAME, chunk)
        read = list(map(_READ, chunk))
        if not set(map(type, read)) <= {Answers}:  # Why the check first: a row's `isinstance` costs as much as a read
            errors |= {start + i: _first_problem(a) for i, a in enumerate(read) if not isinstance(a, Answers)}
            read = [a if isinstance(a, Answers) else _NO_ANSWERS for a in read]
        fields = list(chain.from_iterable(map(_FIELDS, read)))
        traits, chunk_steps = fields[0::3], fields[1::3]
        workflows += fields[2::3]
        steps += chunk_steps
        answered.append(np.fromiter(map(len, traits), np.int64, len(traits)))
        codes.append(answers.read(traits, answered[-1]))
        listed.append(np.fromiter(map(len, chunk_steps), np.int64, len(chunk_steps)))
        step_kinds.append(kinds.read(chunk_steps, listed[-1]))
    values, given = answers.columns(_joined(codes), _joined(answered))
    counts = kinds.counts(_joined(listed), _joined(step_kinds))
    return Columns(n, values, given, tuple(workflows), tuple(steps), counts, errors, {"#file": tuple(names)})


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


_NO_ANSWERS = Answers()
_NAME, _READ = itemgetter(0), itemgetter(1)
_FIELDS = attrgetter("traits", "steps", "workflow")  # an answers object's fields, read in one C call (slots)


IGNORED, ASIDE = -1, -2  # the codes of `AnswerCodes` for an answer to no question, and for one kept aside
_ROWS = 1024  # rows of answers read per pass
_INT32 = np.iinfo(np.int32)


class AnswerCodes(dict):
    """(question id, answer) -> the cell of the question's first row in a grid of questions x `rows` << 32 | the
    column's value, as 32 bits (an option's index, or the integer); and `unknown`, each question's `unknown_code`
    as int32 (0 for a question the table holds no answer of). `read` gives the codes of rows of answers (a chunk
    of them at a time, if need be); `columns`, the rows' `Columns.values` and `.given`.

    Why a table of codes: reading the answers question by question was most of the 13 µs a row of a batch from
    answers (bench/peer.py; the evaluation is 0.3 µs), mostly cache misses: each row's dict was fetched again for
    every question. Here each (question, answer) pair is looked up once, in C (`map`), and the codes land in the
    grid with one scatter. As in `domain_index`, an answer must be of its options' type (checked by
    `parse_answers`): here a yes/no answer 1 would be read as True.

    A pair it does not hold goes to `__missing__`: an answer to no question is IGNORED; an integer within its
    question's bounds is added to the table when first met (Why: an integer question may have billions of
    values, a batch holds a few of them); an integer answer outside them (or a question whose values pass 32
    bits) is kept aside, in the order met (`aside`: question id -> (positions among the answers kept aside,
    answers)), as ASIDE; anything else is no valid answer: KeyError.
    """

    def __init__(self, rulebook: Rulebook, rows: int):
        questions = list(rulebook.questions.values())
        self.questions = rulebook.questions
        self.unknown = np.array([unknown_code(q) if column_type(q) != np.int64 else 0 for q in questions], np.int32)
        self.aside: dict[str, tuple[list[int], list[Any]]] = {}
        self.count = 0
        self.integers = {q.id: (k * rows << 32, _tabulated(q)) for k, q in enumerate(questions) if q.kind == "integer"}
        super().__init__(
            ((q.id, value), k * rows << 32 | code)
            for k, q in enumerate(questions)
            if q.kind != "integer"
            for code, value in enumerate(q.option_values())
        )

    def read(self, traits: Sequence[dict[str, Any]], count: np.ndarray) -> np.ndarray:
        """The code of each (question, answer) pair of rows of answers, in order (`count`: each row's answers)."""
        pairs = chain.from_iterable(map(dict.items, traits))
        return np.fromiter(map(self.__getitem__, pairs), np.int64, int(count.sum()))

    def columns(self, codes: np.ndarray, count: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """`Columns.values` and `.given` of the rows whose answers' codes are `codes` (all of them, as `read` gave
        them; `count`: each row's answers): the option's index or the integer, `unknown_code` where a row has no
        answer."""
        n = len(count)
        # Why int32 rows where they fit: np.repeat is several times faster on 4-byte items than on 8-byte ones
        row: np.ndarray = np.repeat(np.arange(n, dtype=np.int32 if n < 2**31 else np.int64), count)
        aside = row[codes == ASIDE] if self.aside else row[:0]
        if len(codes) and codes.min() < 0:  # answers to no question, or kept aside
            kept = codes >= 0
            row, codes = row[kept], codes[kept]
        grid = np.repeat(self.unknown[:, None], n, axis=1)
        # the high half of a code is its question's first cell in the grid, the low half its value (as written)
        grid.reshape(-1)[(codes >> 32) + row] = codes.astype(np.int32)
        values: dict[str, np.ndarray] = {}
        given: dict[str, np.ndarray] = {}
        for k, q in enumerate(self.questions.values()):
            dtype = column_type(q)
            if dtype == np.int64:  # none of its answers is in the grid (`__init__`)
                column, answered = np.full(n, unknown_code(q), dtype), np.zeros(n, bool)
            else:  # Why no mask of the answers scattered: no value in the table is the unknown code
                column = grid[k].astype(dtype, copy=False)
                answered = column != self.unknown[k]
            if q.id in self.aside:  # integers outside the table, as read row by row (np.array, the column's type)
                at = [aside[i] for i in self.aside[q.id][0]]
                column[at] = np.array(self.aside[q.id][1], dtype)
                answered[at] = True
            values[q.id], given[q.id] = column, answered
        return values, given

    def __missing__(self, pair: tuple[str, Any]) -> int:
        qid, value = pair  # Why unpacked at once: `dict.items` reuses the pair's tuple for the next answer
        q = self.questions.get(qid)
        if q is None:
            return IGNORED
        if q.kind != "integer":
            raise KeyError(pair)
        high, values = self.integers[qid]
        with contextlib.suppress(TypeError):  # Why: not an integer, then kept aside as before (np.array reads it)
            if operator.index(value) in values:
                code = self[(qid, value)] = high | operator.index(value) & 0xFFFFFFFF
                return code
        positions, answers = self.aside.setdefault(qid, ([], []))
        positions.append(self.count)
        answers.append(value)
        self.count += 1
        return ASIDE


def _tabulated(q: Question) -> range:
    """The values of an integer question `AnswerCodes` holds: all of them, or none past 32 bits."""
    assert q.minimum is not None and q.maximum is not None  # checked by the model
    if q.minimum - 2 < _INT32.min or q.maximum + 1 > _INT32.max:
        return range(0)
    return range(q.minimum, q.maximum + 1)


def _first_problem(error: UserError) -> str:
    first = error.problems[0]
    more = f" (and {len(error.problems) - 1} more)" if len(error.problems) > 1 else ""
    return f"{first}{more}"
