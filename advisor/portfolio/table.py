"""A batch result as a table (pandas): one row per workflow, filtered, sorted, summarised and written as CSV.

Columns (README, "Portfolio CSV format"): `workflow`, `style`, `confidence`, the three scores, `runner_up`, `lead`,
`top_drivers` (the fired rules that gave the style most of its points), `assumed` (applicable questions left
unanswered and not read from the steps: no evidence) and `assumed_count`; `orchestrated_steps` and
`event_driven_steps` when any row has steps; the input's `#note` columns; `error` (empty when the row was
evaluated).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from advisor.engine.batch import BatchResult
from advisor.engine.batch_evidence import STEP_MEASURES
from advisor.rulebook.formats import STYLES

CONFIDENCE_BINS = (0.0, 0.5, 0.75, 1.0)  # the bands of `engine.confidence_words`: low, medium, high
TEXT_COLUMNS = ("workflow", "error")
# A cell a spreadsheet would run (RE2 syntax, for arrow): leading spaces or line breaks do not disarm it
_QUOTE, _EMPTY = pa.scalar("'", pa.large_string()), pa.scalar("", pa.large_string())
_FORMULA = r"^[\s\p{Z}\x{85}]*[=+\-@]|^[\t\r]"


def result_table(result: BatchResult) -> pd.DataFrame:
    """The portfolio table. Rows with an error keep their workflow and error; their results are empty."""
    cols, ok = result.columns, result.ok
    n = cols.size

    def counts(values: np.ndarray) -> pd.arrays.IntegerArray:
        """Nullable Int32, empty (NA) on error rows."""
        return pd.arrays.IntegerArray(np.where(ok, values, 0).astype(np.int32), ~ok)

    # Why one dict and one DataFrame: adding columns one at a time costs time proportional to the columns already
    # there, so a CSV with thousands of `#note` columns took a minute (the cost must follow the input's size)
    data: dict[str, Any] = {"workflow": pd.array(list(cols.workflows), dtype="str")}
    data["style"] = pd.Categorical.from_codes(np.where(ok, result.style, -1), categories=list(STYLES))
    data["confidence"] = np.where(ok, result.confidence, np.nan)
    for k, name in enumerate(STYLES):
        data[name] = counts(result.scores[k])
    data["runner_up"] = pd.Categorical.from_codes(np.where(ok, result.runner_up, -1), categories=list(STYLES))
    data["lead"] = counts(result.lead)
    data["top_drivers"] = _joined(result.drivers, result.rule_ids, ok, offset=1)
    data["assumed"] = _assumed_text(result, ok)
    data["assumed_count"] = counts(result.assumed.sum(axis=0))
    if cols.step_count.any():
        orchestrated, event_driven = _step_modes(result)
        data["orchestrated_steps"], data["event_driven_steps"] = counts(orchestrated), counts(event_driven)
    for name, values in cols.extra.items():
        data[name] = pd.array(list(values), dtype="str")
    errors = np.full(n, "", object)
    for i, message in cols.errors.items():
        errors[i] = message
    data["error"] = pd.array(errors, dtype="str")
    return pd.DataFrame(data)


def _joined(codes: np.ndarray, names: Sequence[str], ok: np.ndarray, offset: int) -> pd.Categorical:
    """Per row, the names of up to TOP_DRIVERS codes joined by ', ' (a categorical: few distinct texts)."""
    base = len(names) + 1
    key = np.zeros(codes.shape[1], np.int64)
    for slot in range(codes.shape[0]):
        key = key * base + codes[slot]
    key = np.where(ok, key, 0)  # an error row lists nothing, like a row without drivers
    distinct, inverse = np.unique(key, return_inverse=True)
    texts = []
    for k in distinct.tolist():
        parts = []
        for _ in range(codes.shape[0]):
            k, c = divmod(k, base)
            if c:
                parts.append(names[c - offset])
        texts.append(", ".join(reversed(parts)))
    return pd.Categorical.from_codes(inverse, categories=texts)  # distinct keys give distinct texts


def _assumed_text(result: BatchResult, ok: np.ndarray) -> pd.Categorical | list[str]:
    """Per row, the assumed question ids joined by ', ' (catalog order); empty for error rows."""
    assumed, qids = result.assumed, result.question_ids
    if len(qids) > 62:  # too many to pack in one integer key: join row by row
        return [", ".join(q for k, q in enumerate(qids) if assumed[k, i]) if ok[i] else "" for i in range(len(ok))]
    key = np.zeros(assumed.shape[1], np.int64)
    for k in range(len(qids)):
        key |= assumed[k].astype(np.int64) << k
    codes, distinct = pd.factorize(np.where(ok, key, 0))
    texts = [", ".join(q for j, q in enumerate(qids) if k >> j & 1) for k in distinct.tolist()]
    return pd.Categorical.from_codes(codes, categories=texts)


def _step_modes(result: BatchResult) -> tuple[np.ndarray, np.ndarray]:
    """Steps commanded by an orchestrator and steps reacting to events, per row (as `engine.allocate` decides: in a
    hybrid, reactions and steps in another bounded context than the core are event-driven)."""
    counts = result.columns.counts
    steps, apart = counts[STEP_MEASURES.index("steps")], counts[STEP_MEASURES.index("apart")]
    style = result.style
    orchestrated = np.where(
        style == STYLES.index("orchestration"),
        steps,
        np.where(style == STYLES.index("choreography"), 0, steps - apart),
    )
    return orchestrated, steps - orchestrated


# ---------------------------------------------------------------- views of the table
def filter_table(
    frame: pd.DataFrame,
    styles: Sequence[str] | None = None,
    confidence: tuple[float, float] = (0, 1),
    search: str = "",
    errors: str = "all",
) -> pd.DataFrame:
    """The rows with one of `styles` (None: any), confidence in the closed range, `search` in the workflow name
    (case-insensitive, literal), and errors "all", "only" or "none"."""
    keep = pd.Series(True, index=frame.index)
    failed = frame["error"] != ""
    if styles is not None:
        keep &= frame["style"].isin(list(styles)) | failed
    lo, hi = confidence
    if (lo, hi) != (0, 1):
        keep &= frame["confidence"].between(lo, hi) | failed
    if search:
        keep &= frame["workflow"].fillna("").str.contains(search, case=False, regex=False)
    if errors == "only":
        keep &= failed
    elif errors == "none":
        keep &= ~failed
    return frame[keep]


def sort_table(frame: pd.DataFrame, column: str, descending: bool = False) -> pd.DataFrame:
    """Sorted by one column (stable; empty values last)."""
    return frame.sort_values(column, ascending=not descending, kind="stable", na_position="last")


def style_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """How many workflows got each style (every style listed, zero included), for a bar chart."""
    counts = frame["style"].value_counts().reindex(list(STYLES), fill_value=0)
    return pd.DataFrame({"style": list(STYLES), "workflows": counts.to_numpy()})


def confidence_histogram(frame: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """How many evaluated workflows have a confidence in each bin of width 1/`bins`, per style, in long form
    (columns: bin, from, style, workflows) for a stacked bar chart. The last bin includes 1.0."""
    evaluated = frame[frame["error"] == ""]
    index = np.minimum((evaluated["confidence"].to_numpy() * bins).astype(np.int64), bins - 1)
    styles = evaluated["style"].cat.codes.to_numpy()
    counts = np.zeros((bins, len(STYLES)), np.int64)
    np.add.at(counts, (index, styles), 1)
    labels = [f"{b / bins:.1f}-{(b + 1) / bins:.1f}" for b in range(bins)]
    return pd.DataFrame(
        {
            "bin": np.repeat(labels, len(STYLES)),
            "from": np.repeat(np.arange(bins) / bins, len(STYLES)),
            "style": np.tile(list(STYLES), bins),
            "workflows": counts.ravel(),
        }
    )


def summary(frame: pd.DataFrame) -> dict[str, float | int]:
    """Headline numbers: workflows, evaluated, with errors, mean confidence, and how many have low confidence."""
    evaluated = frame[frame["error"] == ""]
    return {
        "workflows": len(frame),
        "evaluated": len(evaluated),
        "errors": len(frame) - len(evaluated),
        "mean_confidence": round(float(evaluated["confidence"].mean()), 3) if len(evaluated) else 0.0,
        "low_confidence": int((evaluated["confidence"] < CONFIDENCE_BINS[1]).sum()),
    }


def table_csv(frame: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV, every text quoted. User text that a spreadsheet would run as a formula (starting
    with `=`, `+`, `-`, `@`, tab or carriage return, after any leading spaces or line breaks, which spreadsheets
    skip) gets a leading `'`, the usual defence against CSV injection."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = list(table.columns)
    texts = [i for i, name in enumerate(table.column_names) if name in TEXT_COLUMNS or name.startswith("#")]
    # Why all text columns in one array: one regex pass whatever the column count (a pass per column costs
    # ~0.3 ms, so thousands of `#note` columns cost seconds; pandas' string methods cost ~2 ms a column)
    chunks = [c if c.type == pa.large_string() else c.cast(pa.large_string()) for i in texts for c in columns[i].chunks]
    joined = _defused(pa.chunked_array(chunks, pa.large_string()))
    start = 0
    for i in texts:
        columns[i], start = joined.slice(start, len(table)), start + len(table)
    sink = io.BytesIO()
    # Why pyarrow: pandas' to_csv takes ~0.5 s for 100k rows of this table, pyarrow ~0.07 s
    out = pa.Table.from_arrays(columns, names=table.column_names)
    pacsv.write_csv(out, sink, pacsv.WriteOptions(quoting_style="needed"))
    return sink.getvalue()


def _defused(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A text column with a `'` before each cell that a spreadsheet would run as a formula."""
    formula = pc.match_substring_regex(column, _FORMULA)
    return pc.if_else(formula, pc.binary_join_element_wise(_QUOTE, column, _EMPTY), column)
