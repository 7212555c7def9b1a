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
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from advisor.engine.batch import Columns
from advisor.engine.batch_evidence import STEP_MEASURES
from advisor.engine.vector import domain_index, unknown_code
from advisor.errors import Problem, UserError
from advisor.portfolio.answer_columns import column_type, columns_from_answers  # noqa: F401  # Why: read from here
from advisor.portfolio.steps_cell import read_steps_column
from advisor.rulebook.formats import Question
from advisor.rulebook.loading import Rulebook, value_problem
from advisor.rulebook.values import MAX_TEXT

CSV_UPLOAD_LIMIT = 16 * 1024 * 1024  # Why: 100k workflows with every question answered take about 9 MiB
WORKFLOW, STEPS, NOTE_PREFIX = "workflow", "steps", "#"
MAX_NAME = MAX_TEXT  # a workflow's name, as in answers files
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
