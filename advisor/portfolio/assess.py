"""A portfolio from files: one CSV of workflows, or several answers files (one workflow each), evaluated into the
portfolio table. The web app's Portfolio page and `advisor batch` both read portfolios through `read_portfolio`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from advisor.engine.answers import UPLOAD_LIMIT, Answers, parse_answers
from advisor.engine.batch import BatchResult, Columns, evaluate_columns
from advisor.errors import UserError
from advisor.portfolio.reading import CSV_UPLOAD_LIMIT, STEPS, WORKFLOW, columns_from_answers, read_csv
from advisor.portfolio.steps_cell import format_steps_cell
from advisor.portfolio.table import result_table
from advisor.resources import EXAMPLES
from advisor.rulebook.formats import answer_literal
from advisor.rulebook.loading import Rulebook

ANSWERS_SUFFIXES = (".yaml", ".yml", ".json")
EXAMPLE = EXAMPLES / "portfolio.csv"  # 50 workflows to try
MAX_ROWS = 200_000  # in the app; Why: the table of 200k rows still scrolls smoothly in the browser
MAX_FILES = 500  # answers files in one upload
MAX_COLUMNS = 1_000  # in the app; Why: a rulebook has tens of questions; each column costs ~0.3 ms to carry


@dataclass(frozen=True)
class Portfolio:
    """An evaluated portfolio: its columns, the batch result and the table."""

    columns: Columns
    result: BatchResult
    table: pd.DataFrame


def read_portfolio(files: Sequence[tuple[str, bytes]], rulebook: Rulebook, capped: bool = True) -> Portfolio:
    """Evaluate one CSV file or one or more answers files, given as (name, bytes). `capped` applies the app's
    upload limits (file sizes, rows, files); the command line reads local files without them."""
    if not files:
        raise UserError("choose a portfolio CSV file or one or more answers files")
    kinds = [_kind(name) for name, _ in files]
    if None in kinds:
        name = files[kinds.index(None)][0]
        raise UserError(f"{name}: expected a .csv file or answers files (.yaml, .yml, .json)")
    _check_one_kind(files, kinds)
    if kinds[0] == "csv":
        name, raw = files[0]
        caps = {"max_bytes": CSV_UPLOAD_LIMIT, "max_rows": MAX_ROWS, "max_columns": MAX_COLUMNS} if capped else {}
        columns = read_csv(raw, name, rulebook, **caps)
    else:
        if capped and len(files) > MAX_FILES:
            raise UserError(f"too many answers files ({len(files)}; limit {MAX_FILES}); use a CSV file")
        items: list[tuple[str, Answers | UserError]] = []
        for name, raw in files:
            try:
                items.append((name, parse_answers(raw, name, rulebook, max_bytes=UPLOAD_LIMIT if capped else None)))
            except UserError as e:
                items.append((name, e))
        columns = columns_from_answers(items, rulebook)
    result = evaluate_columns(rulebook, columns)
    return Portfolio(columns, result, result_table(result))


def _check_one_kind(files: Sequence[tuple[str, bytes]], kinds: list[str | None]) -> None:
    """Refuse several CSV files, or a CSV file with answers files, naming what was given."""
    csvs = [name for (name, _), kind in zip(files, kinds, strict=True) if kind == "csv"]
    if not csvs or len(files) == 1:
        return
    answers = [name for (name, _), kind in zip(files, kinds, strict=True) if kind == "answers"]
    if not answers:
        raise UserError(
            f"one CSV file at a time: got {len(csvs)} ({_names(csvs)}); evaluate them one after another, "
            "or put their rows in one CSV file"
        )
    raise UserError(
        f"give one CSV file, or one or more answers files, not a mix: got {len(csvs)} CSV file(s) "
        f"({_names(csvs)}) and {len(answers)} answers file(s) ({_names(answers)})"
    )


def _names(names: list[str], shown: int = 3) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def upload_label(names: Sequence[str]) -> str:
    """What an upload is called on the page: the file's name, or how many files of which kind."""
    if len(names) == 1:
        return names[0]
    if all(_kind(n) == "answers" for n in names):
        return f"{len(names)} answers files"
    return f"{len(names)} files ({_names(list(names))})"


def _kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(".csv"):
        return "csv"
    return "answers" if lower.endswith(ANSWERS_SUFFIXES) else None


def answers_of(columns: Columns, rulebook: Rulebook, row: int) -> Answers:
    """One row of a portfolio as answers (to open it in the questionnaire, save or compare it)."""
    traits = {}
    for qid, q in rulebook.questions.items():
        if columns.given[qid][row]:
            code = columns.values[qid][row]
            traits[qid] = int(code) if q.kind == "integer" else q.option_values()[int(code)]
    return Answers(traits, tuple(columns.steps[row]), columns.workflows[row])


def template_examples(rulebook: Rulebook) -> list[Answers]:
    """The answers files of examples/ that fit `rulebook` (all of them for the default one)."""
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        try:
            out.append(parse_answers(path.read_bytes(), path.name, rulebook))
        except (UserError, OSError):
            continue
    return out


def template_csv(rulebook: Rulebook, examples: Sequence[Answers] = ()) -> str:
    """A portfolio CSV to start from: the header (workflow, every question id, steps) and a row per example."""
    sink = io.StringIO()
    writer = csv.writer(sink, lineterminator="\n")
    writer.writerow([WORKFLOW, *rulebook.questions, STEPS])
    for answers in examples:
        cells = [answers.workflow or ""]
        for qid in rulebook.questions:
            cells.append(answer_literal(answers.traits.get(qid, "")))
        writer.writerow([*cells, format_steps_cell(answers.steps)])
    return sink.getvalue()
