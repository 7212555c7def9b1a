"""Reading a portfolio: a CSV file (one row per workflow) or several answers files, into `batch.Columns`.

The CSV format (README, "Portfolio CSV format"): a header row; a column per question, named by its id; an optional
`workflow` column; an optional `steps` column; columns whose name starts with `#` are notes, carried through to the
result unchanged. Any other column is an error naming it (a misspelt question id would otherwise turn a whole
column of answers into silently unanswered ones). An empty cell is an unanswered question: unknown, it fires no
rule and is reported as assumed (unless the row's steps answer it: `from_steps`). Yes/no cells read true/false or
yes/no (any case); integers are plain digits.

A cell that is not a valid answer makes its row's `error` ("row 7: ordering: invalid value 'sometimes' ...");
the other rows are evaluated. A file that cannot be read as a whole (not UTF-8, a row with the wrong number of
fields, unknown or duplicate columns, over the size cap) raises one `UserError` listing every problem.

Why pyarrow's reader: it parses 100k rows in ~50 ms and builds each column's dictionary of distinct strings as it
reads, so each distinct cell text (steps cells too) is checked once, not once per row.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Sequence
from itertools import chain
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from advisor.engine.answers import Answers
from advisor.engine.batch import Columns
from advisor.engine.batch_evidence import STEP_MEASURES, step_counts
from advisor.engine.vector import domain_index, unknown_code
from advisor.errors import Problem, UserError
from advisor.portfolio.steps_cell import read_steps_column
from advisor.rulebook.formats import Question, Step
from advisor.rulebook.loading import Rulebook, value_problem

CSV_UPLOAD_LIMIT = 16 * 1024 * 1024  # Why: 100k workflows with every question answered take about 9 MiB
WORKFLOW, STEPS, NOTE_PREFIX = "workflow", "steps", "#"
MAX_NAME = 10_000  # as in answers files
_YES_NO = {"true": True, "yes": True, "false": False, "no": False}
_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")


def read_csv(
    raw: bytes,
    filename: str,
    rulebook: Rulebook,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_columns: int | None = None,
) -> Columns:
    """Read a portfolio CSV; raise `UserError` when the file as a whole is unreadable, else mark bad rows."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise UserError.at(filename, f"file too large ({len(raw):,} bytes; limit {max_bytes:,})")
    raw, text = _decode(raw, filename)
    try:
        header = next(csv.reader(io.StringIO(text)))
    except csv.Error as e:
        raise UserError.at(filename, f"the header row is not valid CSV ({e})", 1) from None
    if max_columns is not None and len(header) > max_columns:
        raise UserError.at(filename, f"too many columns ({len(header):,}; limit {max_columns:,})", 1)
    names = _check_header(header, filename, rulebook)
    table = _parse(raw, names, filename)
    if max_rows is not None and table.num_rows > max_rows:
        raise UserError.at(filename, f"too many rows ({table.num_rows:,}; limit {max_rows:,})")
    return _columns_from_table(table, names, rulebook)


def _decode(raw: bytes, filename: str) -> tuple[bytes, str]:
    """The file's bytes (without a byte-order mark, ending with a newline) and text; or why it is not text."""
    if b"\0" in raw:
        raise UserError.at(filename, "not a CSV text file (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UserError.at(filename, f"not UTF-8 text (byte {e.start}); save the CSV as UTF-8") from None
    if raw.startswith(b"\xef\xbb\xbf"):  # spreadsheet programs write a byte-order mark
        raw, text = raw[3:], text[1:]
    if not text.strip():
        raise UserError.at(filename, "empty file: expected a header row naming the question columns")
    if not raw.endswith((b"\n", b"\r")):
        raw += b"\n"  # Why: pyarrow cannot skip a header row that has no line end
    return raw, text


def _parse(raw: bytes, names: list[str], filename: str) -> Any:
    """The rows as a pyarrow table of text columns (question and steps columns dictionary-encoded)."""
    types = {
        name: pa.string()
        if name == WORKFLOW or name.startswith(NOTE_PREFIX)
        else pa.dictionary(pa.int32(), pa.string())  # questions and steps: few distinct texts, each read once
        for name in names
    }
    bad_rows: list[Any] = []

    def on_bad_row(row: Any) -> str:
        bad_rows.append(row)
        return "skip"

    def parse(threads: bool, block_size: int = 1 << 20):
        bad_rows.clear()
        return pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(use_threads=threads, column_names=names, skip_rows=1, block_size=block_size),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_bad_row),
            convert_options=pacsv.ConvertOptions(
                column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )

    try:
        try:
            table = parse(True)
        except pa.ArrowInvalid as e:
            if "block" not in str(e) and "straddl" not in str(e):
                raise
            table = parse(True, len(raw) + 1)  # a row longer than a block (1 MiB): read the file as one block
        if bad_rows and any(r.number is None for r in bad_rows):
            table = parse(False, len(raw) + 1)  # single-threaded, the reader knows each bad row's number
    except pa.ArrowInvalid as e:
        raise UserError.at(filename, f"cannot be read as CSV: {str(e).removeprefix('CSV parse error: ')}") from None
    if bad_rows:
        raise UserError(
            [
                Problem(
                    filename,
                    r.number,
                    None,
                    "",
                    f"expected {r.expected_columns} fields, got "
                    f"{r.actual_columns} (quote a value that contains a comma)",
                )
                for r in bad_rows[:20]
            ]
        )
    return table


def _check_header(header: list[str], filename: str, rulebook: Rulebook) -> list[str]:
    names = [h.strip() for h in header]
    problems = []
    seen: set[str] = set()
    for i, name in enumerate(names, 1):
        if name in seen and name:
            problems.append(f"column {i}: duplicate column '{name}'")
        seen.add(name)
        if not name or name in (WORKFLOW, STEPS) or name.startswith(NOTE_PREFIX) or name in rulebook.questions:
            continue
        close = difflib.get_close_matches(name, list(rulebook.questions) + [WORKFLOW, STEPS], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.append(
            f"column {i}: unknown column '{name}'{hint} (columns are question ids, '{WORKFLOW}', "
            f"'{STEPS}', or notes starting with '{NOTE_PREFIX}')"
        )
    names = [name or f"{NOTE_PREFIX}column {i}" for i, name in enumerate(names, 1)]  # blank headers: notes
    if not problems and len(set(names)) < len(names):
        problems.append("an unnamed column's stand-in name (#column N) is also a column's name; name the columns")
    if problems:
        raise UserError([Problem(filename, 1, None, "", p) for p in problems])
    return names


def _columns_from_table(table: Any, names: list[str], rulebook: Rulebook) -> Columns:
    n = table.num_rows
    errors: dict[int, list[str]] = {}  # row -> problems; Why a dict: bad rows are few, rows may be millions
    values, given = {}, {}
    for qid, q in rulebook.questions.items():
        if qid in names:
            values[qid], given[qid] = _read_question(table.column(qid), q, errors)
        else:
            values[qid], given[qid] = np.full(n, unknown_code(q), column_type(q)), np.zeros(n, bool)
    workflows: list[str | None] = (
        [w or None for w in table.column(WORKFLOW).to_pylist()] if WORKFLOW in names else [None] * n
    )
    for i, w in enumerate(workflows):
        if w is not None and len(w) > MAX_NAME:
            errors.setdefault(i, []).append(f"{WORKFLOW}: name too long ({len(w):,} characters; limit {MAX_NAME:,})")
    counts = np.zeros((len(STEP_MEASURES), n), np.int32)
    steps: Sequence[tuple] = ((),) * n
    if STEPS in names:
        steps, counts = read_steps_column(table.column(STEPS), errors, STEPS)
    extra = {name: tuple(table.column(name).to_pylist()) for name in names if name.startswith(NOTE_PREFIX)}
    row_errors = {i: "; ".join(problems) for i, problems in sorted(errors.items())}
    return Columns(n, values, given, tuple(workflows), steps, counts, row_errors, extra)


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


def read_cell(q: Question, text: str) -> tuple[int | None, str | None]:
    """One CSV cell: (its code, None), (None, None) when empty, or (None, why it is not a valid answer)."""
    text = text.strip()
    if not text:
        return None, None
    value: Any = text
    if q.kind == "yes_no":
        value = _YES_NO.get(text.lower(), text)
    elif q.kind == "integer" and _INTEGER.fullmatch(text):
        value = int(text)
    problem = value_problem(q, value)
    if problem:
        return None, problem
    return (value if q.kind == "integer" else domain_index(q, value)), None


def _read_question(column: Any, q: Question, errors: dict[int, list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Codes and the given mask of one question column; each distinct cell text is read once."""
    dtype, default = column_type(q), unknown_code(q)
    codes: list[np.ndarray] = []
    masks: list[np.ndarray] = []
    for chunk in column.chunks:
        texts = chunk.dictionary.to_pylist()
        lut: np.ndarray = np.full(len(texts), default, dtype)
        answered = np.zeros(len(texts), bool)
        problems: dict[int, str] = {}
        for j, text in enumerate(texts):
            code, problem = read_cell(q, text)
            if problem:
                problems[j] = problem
            elif code is not None:
                lut[j], answered[j] = code, True
        idx = chunk.indices.to_numpy(zero_copy_only=False)
        if problems:
            offset = sum(len(c) for c in codes)
            for j, problem in problems.items():
                for i in np.flatnonzero(idx == j):
                    errors.setdefault(offset + int(i), []).append(problem)
        codes.append(lut[idx])
        masks.append(answered[idx])
    if not codes:
        return np.zeros(0, dtype), np.zeros(0, bool)
    return np.concatenate(codes), np.concatenate(masks)


def columns_from_answers(items: Sequence[tuple[str, Answers | UserError]], rulebook: Rulebook) -> Columns:
    """One row per answers file (already parsed with `advisor.engine.answers.parse_answers`); a file that failed to
    parse becomes a row whose error is its first problem."""
    names = tuple(map(_NAME, items))
    read = list(map(_READ, items))
    errors: dict[int, str] = {}
    if not set(map(type, read)) <= {Answers}:  # Why the check first: a row's `isinstance` costs as much as its read
        errors = {i: _first_problem(item) for i, item in enumerate(read) if not isinstance(item, Answers)}
        read = [item if isinstance(item, Answers) else _NO_ANSWERS for item in read]
    traits, steps, workflows = _fields(read)
    values, given = answer_columns(traits, rulebook)
    return Columns(len(items), values, given, workflows, steps, step_counts(steps), errors, {"#file": names})


def _fields(
    answers: list[Answers],
) -> tuple[list[dict[str, Any]], tuple[tuple[Step, ...], ...], tuple[str | None, ...]]:
    """The traits, steps and workflow names of answers, each answers object read once."""
    fields = list(chain.from_iterable(map(_ANSWERS_FIELDS, answers)))
    return fields[0::3], tuple(fields[1::3]), tuple(fields[2::3])


_NO_ANSWERS = Answers()
_NAME, _READ = itemgetter(0), itemgetter(1)
_ANSWERS_FIELDS = attrgetter("traits", "steps", "workflow")


def answer_columns(
    traits: Sequence[dict[str, Any]], rulebook: Rulebook
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """`Columns.values` and `.given` of rows of checked answers (question id -> value; other keys are ignored):
    the option's index or the integer, `unknown_code` where a row has no answer.

    Why one pass over each row's answers and a table of codes: reading the answers question by question was most
    of the 13 µs a row of a batch from answers (bench/peer.py; the evaluation is 0.3 µs), mostly cache misses:
    each row's dict was fetched again for every question. Here each (question, answer) pair is looked up once,
    in C (`map` over `AnswerCodes`), and the codes land in the columns by array indexing. As in `domain_index`,
    an answer must be of its options' type (checked by `parse_answers`): here a yes/no answer 1 would be read
    as True.
    """
    n = len(traits)
    table = AnswerCodes(rulebook)
    counts, parts = [], []
    for start in range(0, n, _ROWS):  # Why in chunks: the dicts counted are still in the cache when read
        chunk = traits[start : start + _ROWS]
        counts.append(np.fromiter(map(len, chunk), np.int64, len(chunk)))
        pairs = chain.from_iterable(map(dict.items, chunk))
        parts.append(np.fromiter(map(table.__getitem__, pairs), np.int64, int(counts[-1].sum())))
    codes = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    row = np.repeat(np.arange(n), np.concatenate(counts) if counts else np.zeros(0, np.int64))
    aside = row[codes == ASIDE]
    kept = codes >= 0
    row, codes = row[kept], codes[kept]
    question = (codes >> table.shift).astype(np.int16 if len(rulebook.questions) < 2**15 else np.int64)
    order = np.argsort(question, kind="stable")  # Why stable: a radix sort on 16 bits, linear
    ends = np.cumsum(np.bincount(question, minlength=len(rulebook.questions)))
    values: dict[str, np.ndarray] = {}
    given: dict[str, np.ndarray] = {}
    for k, q in enumerate(rulebook.questions.values()):
        picked = order[(ends[k - 1] if k else 0) : ends[k]]
        column: np.ndarray = np.full(n, unknown_code(q), column_type(q))
        column[row[picked]] = (codes[picked] & table.mask) + table.base[k]
        answered = np.zeros(n, bool)
        answered[row[picked]] = True
        if q.id in table.aside:  # integers outside the table, as read row by row (np.array, the column's type)
            at = [aside[i] for i in table.aside[q.id][0]]
            column[at] = np.array(table.aside[q.id][1], column_type(q))
            answered[at] = True
        values[q.id], given[q.id] = column, answered
    return values, given


IGNORED, ASIDE = -1, -2  # the codes of `AnswerCodes` for an answer to no question, and for one kept aside
_ROWS = 1024  # rows of answers read per pass
_TABULATED = 1 << 12  # the most values of an integer question `AnswerCodes` holds


class AnswerCodes(dict):
    """(question id, answer) -> the question's index << `shift` | the answer's code less the question's `base`
    (an option's index, or an integer less the question's minimum), for `answer_columns`.

    A pair it does not hold goes to `__missing__`: an answer to no question is IGNORED; an integer answer outside
    the table (a question with more than `_TABULATED` values) is kept aside, in the order met (`aside`: question
    id -> (positions among the answers kept aside, answers)), as ASIDE; anything else is no valid answer: KeyError.
    """

    def __init__(self, rulebook: Rulebook):
        questions = list(rulebook.questions.values())
        widest = max([len(q.option_values()) for q in questions] + [_width(q) for q in questions] + [2])
        self.shift = (widest - 1).bit_length()
        self.mask = (1 << self.shift) - 1
        self.base = np.array([q.minimum if _width(q) else 0 for q in questions], np.int64)
        self.questions = rulebook.questions
        self.aside: dict[str, tuple[list[int], list[Any]]] = {}
        self.count = 0
        super().__init__(
            ((q.id, value), k << self.shift | code)
            for k, q in enumerate(questions)
            for code, value in (enumerate(q.option_values()) if q.kind != "integer" else enumerate(_tabulated(q)))
        )

    def __missing__(self, pair: tuple[str, Any]) -> int:
        qid, value = pair  # Why unpacked at once: `dict.items` reuses the pair's tuple for the next answer
        q = self.questions.get(qid)
        if q is None:
            return IGNORED
        if q.kind != "integer":
            raise KeyError(pair)
        positions, values = self.aside.setdefault(qid, ([], []))
        positions.append(self.count)
        values.append(value)
        self.count += 1
        return ASIDE


def _width(q: Question) -> int:
    """How many values of an integer question `AnswerCodes` holds: all of them, or none past `_TABULATED`."""
    if q.kind != "integer":
        return 0
    assert q.minimum is not None and q.maximum is not None  # checked by the model
    return q.maximum - q.minimum + 1 if q.maximum - q.minimum < _TABULATED else 0


def _tabulated(q: Question) -> range:
    assert q.minimum is not None  # checked by the model
    return range(q.minimum, q.minimum + _width(q))


def _first_problem(error: UserError) -> str:
    first = error.problems[0]
    more = f" (and {len(error.problems) - 1} more)" if len(error.problems) > 1 else ""
    return f"{first}{more}"
