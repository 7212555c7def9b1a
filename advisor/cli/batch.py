"""`advisor batch`: evaluate a portfolio (a CSV of workflows, or several answers files) into one CSV table.

Exit status: 0 when every row was evaluated; 1 when some rows had errors (the table is still written, those rows
carry their `error`, and each is listed on stderr); 2 when the input as a whole is unusable.

Why: start-up time: the portfolio modules (pandas, pyarrow) are imported inside the command; see advisor/cli/core.py.
"""

from __future__ import annotations

import argparse
import sys

from advisor.cli.common import load_rules, read_input, write_output


def read_files(paths: list[str]) -> list[tuple[str, bytes]]:
    """(path, bytes) of each file named on the command line (regular files only: a FIFO would block)."""
    return [(path, read_input(path)) for path in paths]


def cmd_batch(args: argparse.Namespace) -> int:
    from advisor.portfolio.assess import read_portfolio
    from advisor.portfolio.table import style_counts, table_csv

    rulebook = load_rules(args.rules)
    portfolio = read_portfolio(read_files(args.files), rulebook, capped=False)
    columns, table = portfolio.columns, portfolio.table
    write_output(table_csv(table).decode("utf-8"), args.output)
    source = args.files[0] if len(args.files) == 1 else "answers"
    for row, message in columns.errors.items():
        name = columns.workflows[row]
        label = f" ({name})" if name else ""
        print(f"{source}: row {row + 1}{label}: {message}", file=sys.stderr)
    counts = ", ".join(f"{row.workflows} {row.style}" for row in style_counts(table).itertuples())
    bad = len(columns.errors)
    print(
        f"evaluated {columns.size - bad} of {columns.size} workflows ({counts})"
        + (f"; {bad} with errors" if bad else ""),
        file=sys.stderr,
    )
    return 1 if bad else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="evaluate many workflows (a portfolio CSV or answers files) into a CSV table",
        description="Evaluate a portfolio: one CSV file with a row per workflow (see README, "
        "'Portfolio CSV format'), or several answers files. Writes one CSV table.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="a portfolio .csv, or answers files (.yaml/.json)")
    p.add_argument("--rules", metavar="DIR", help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.add_argument("-o", "--output", metavar="PATH", help="write the table to a file instead of stdout")
    p.set_defaults(func=cmd_batch)
