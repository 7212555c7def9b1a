"""`advisor batch`: evaluate a portfolio (a CSV of workflows, or several answers files) into one CSV table.

Exit status: 0 when every row was evaluated; 1 when some rows had errors (the table is still written, those rows
carry their `error`, and each is listed on stderr); 2 when the input as a whole is unusable.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from advisor.errors import UserError

ANSWERS_SUFFIXES = (".yaml", ".yml", ".json")


def read_portfolio(paths: list[str], rulebook):
    """`Columns` from one CSV file or from one or more answers files (a file per row)."""
    from advisor.answers import read_answers
    from advisor.batch_input import columns_from_answers, read_csv

    csvs = [p for p in paths if Path(p).suffix.lower() == ".csv"]
    answers = [p for p in paths if Path(p).suffix.lower() in ANSWERS_SUFFIXES]
    others = [p for p in paths if p not in csvs and p not in answers]
    if others:
        raise UserError(f"{others[0]}: expected a .csv file or answers files (.yaml, .yml, .json)")
    if csvs and (answers or len(csvs) > 1):
        raise UserError("give one CSV file, or one or more answers files, not a mix")
    if csvs:
        try:
            raw = Path(csvs[0]).read_bytes()
        except OSError as e:
            raise UserError.at(csvs[0], f"cannot read: {e.strerror}") from None
        return read_csv(raw, csvs[0], rulebook)
    items = []
    for path in answers:
        try:
            items.append((path, read_answers(path, rulebook)))
        except UserError as e:
            items.append((path, e))
    return columns_from_answers(items, rulebook)


def cmd_batch(args: argparse.Namespace) -> int:
    from advisor.batch import evaluate_columns
    from advisor.batch_table import result_table, style_counts, table_csv
    from advisor.cli import load_rules, write_output

    rulebook = load_rules(args.rules)
    columns = read_portfolio(args.files, rulebook)
    result = evaluate_columns(rulebook, columns)
    table = result_table(result)
    write_output(table_csv(table).decode("utf-8"), args.output)
    source = args.files[0] if len(args.files) == 1 else "answers"
    for row, message in columns.errors.items():
        name = columns.workflows[row]
        label = f" ({name})" if name else ""
        print(f"{source}: row {row + 1}{label}: {message}", file=sys.stderr)
    counts = ", ".join(f"{row.workflows} {row.style}" for row in style_counts(table).itertuples())
    bad = len(columns.errors)
    print(f"evaluated {columns.size - bad} of {columns.size} workflows ({counts})"
          + (f"; {bad} with errors" if bad else ""), file=sys.stderr)
    return 1 if bad else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="evaluate many workflows (a portfolio CSV or answers files) into a CSV table",
                       description="Evaluate a portfolio: one CSV file with a row per workflow (see README, "
                                   "'Portfolio CSV format'), or several answers files. Writes one CSV table.")
    p.add_argument("files", nargs="+", metavar="FILE", help="a portfolio .csv, or answers files (.yaml/.json)")
    p.add_argument("--rules", metavar="DIR", help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.add_argument("-o", "--output", metavar="PATH", help="write the table to a file instead of stdout")
    p.set_defaults(func=cmd_batch)
