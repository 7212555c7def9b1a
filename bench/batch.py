"""Batch evaluation figures (issue 6): vectorised throughput, and a portfolio CSV end to end.

- throughput: `advisor.engine.batch.evaluate_columns` over 100k and 1M random workflows already in columns (parsing
  excluded): every row's scores, style, runner-up, confidence, fired rules, assumed answers and top drivers.
  Aim: >= 5,000,000 rows/s.
- end to end: a 100k-row portfolio CSV (every question column, 30% of cells empty, a `steps` cell on every
  other row) read, evaluated and made into the portfolio table, as `advisor batch` and the Portfolio page do;
  then also written out as CSV. Aim: <= 1 s.

`bench/run.py` calls `measurements()`; `python bench/batch.py` prints the same figures on its own.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # Why: `python bench/batch.py` puts bench/ on the path, not the repository
    sys.path.insert(0, str(ROOT))

from bench.timing import Measurement, once_each  # noqa: E402

SECTION = "batch (issue 6)"
THROUGHPUT_ROWS = (100_000, 1_000_000)
CSV_ROWS = 100_000


def random_columns(rulebook, rows: int, seed: int = 6):
    """`rows` random workflows in the batch's column form: each question answered with probability 0.8 (the
    others hold the unknown code)."""
    import numpy as np

    from advisor.engine.batch import Columns
    from advisor.engine.batch_evidence import STEP_MEASURES
    from advisor.engine.vector import unknown_code
    from advisor.portfolio.reading import column_type

    rng = np.random.default_rng(seed)
    values, given = {}, {}
    for qid, q in rulebook.questions.items():
        if q.kind == "integer":
            values[qid] = rng.integers(q.minimum, min(q.maximum, q.minimum + 20) + 1, rows).astype(column_type(q))
        else:
            values[qid] = rng.integers(0, len(q.option_values()), rows).astype(column_type(q))
        given[qid] = rng.random(rows) < 0.8
        values[qid][~given[qid]] = unknown_code(q)
    counts = np.zeros((len(STEP_MEASURES), rows), np.int32)  # no steps
    return Columns(rows, values, given, (None,) * rows, ((),) * rows, counts, {}, {})


def portfolio_csv(rulebook, rows: int, seed: int = 6) -> bytes:
    """A realistic portfolio CSV: names, every question (30% of cells empty), steps on every other row."""
    rng = random.Random(seed)
    questions = list(rulebook.questions.values())
    cells_of = []
    for q in questions:
        if q.kind == "integer":
            cells_of.append([str(v) for v in range(q.minimum, min(q.maximum, q.minimum + 20) + 1)])
        elif q.kind == "yes_no":
            cells_of.append(["true", "false"])
        else:
            cells_of.append([str(v) for v in q.option_values()])
    lines = [",".join(["workflow", "#owner", *[q.id for q in questions], "steps"])]
    for i in range(rows):
        cells = [f"Workflow {i}", rng.choice(("Commerce", "Platform", "Finance"))]
        cells += ["" if rng.random() < 0.3 else rng.choice(options) for options in cells_of]
        cells.append("Payment: Charge card; Stock: Reserve items; Email: Send receipt*" if i % 2 else "")
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode()


def throughput(rulebook, rows: int, repeat: int | None = None) -> Measurement:
    """Rows per second of `evaluate_columns` over `rows` random workflows (median of `repeat` runs; by default
    about a second's worth, at least 5: a 100k batch takes ~13 ms, so a few runs alone would be noise)."""
    from advisor.engine.batch import evaluate_columns

    repeat = repeat or max(5, 1_500_000 // rows)
    columns = random_columns(rulebook, rows)
    evaluate_columns(rulebook, columns)  # warm up
    med, lo, hi = once_each(lambda: evaluate_columns(rulebook, columns), repeat=repeat, unit="s")
    return Measurement(
        SECTION,
        f"evaluate {rows:,} workflows (columns ready), rows per second",
        rows / med,
        rows / hi,
        rows / lo,
        "rows/s",
        f"{med * 1e3:.0f} ms per batch; aim >= 5,000,000 rows/s",
        {"rows": rows, "seconds": med},
    )


def end_to_end(rulebook, rows: int = CSV_ROWS, repeat: int = 5) -> list[Measurement]:
    """A `rows`-row CSV read, evaluated and tabled; and the same with the table written out as CSV."""
    from advisor.engine.batch import evaluate_columns
    from advisor.portfolio.reading import read_csv
    from advisor.portfolio.table import result_table, table_csv

    raw = portfolio_csv(rulebook, rows)

    def table():
        return result_table(evaluate_columns(rulebook, read_csv(raw, "portfolio.csv", rulebook)))

    def table_and_csv():
        return table_csv(table())

    table()  # warm up
    out = []
    for name, fn, note in (
        (
            f"portfolio CSV of {rows:,} rows: read + evaluate + table",
            table,
            f"{len(raw) / 2**20:.1f} MiB, steps on half the rows; aim <= 1 s",
        ),
        (
            f"portfolio CSV of {rows:,} rows: read + evaluate + table + CSV out",
            table_and_csv,
            "what `advisor batch FILE.csv -o OUT.csv` does after start-up",
        ),
    ):
        med, lo, hi = once_each(fn, repeat=repeat, unit="s")
        out.append(Measurement(SECTION, name, med, lo, hi, "s", note, {"rows": rows, "bytes": len(raw)}))
    return out


def measurements() -> list[Measurement]:
    """Every batch figure, for `bench/run.py`."""
    from advisor.rulebook.loading import load_rulebook

    rulebook = load_rulebook()
    return [throughput(rulebook, rows) for rows in THROUGHPUT_ROWS] + end_to_end(rulebook)


def main() -> int:
    for m in measurements():
        spread = f"{m.low:,.3g} - {m.high:,.3g}"
        print(f"{m.name:<72} {m.median:>14,.3f} {m.unit:<7} ({spread})  {m.note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
