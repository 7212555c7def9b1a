"""The `advisor` command line. User errors: one clear message, exit 2, no traceback. Bugs keep their traceback.

An `OSError` that reaches here (a full disk, a permission) is the machine's, not a bug: its file and reason, exit 2.

Each command module registers its subcommands through `register(subparsers)`; heavy imports stay inside the
command functions so `advisor recommend` starts fast (no pandas, no streamlit on that path).
"""

from __future__ import annotations

import argparse
import sys

from advisor import __version__
from advisor.cli import batch, benchmark, blueprint, core, export, saved, trace, web
from advisor.errors import UserError

# Modules that add subcommands (each has `register(subparsers)`), in help order.
COMMAND_MODULES = (core, batch, export, blueprint, trace, saved, benchmark, web)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="advisor",
        description=("Recommends orchestration, choreography or a hybrid for a workflow, and explains why."),
    )
    parser.add_argument("--version", action="version", version=f"advisor {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as e:
        for problem in e.problems:
            where = (
                str(problem)
                if problem.file
                else (f"{problem.path}: {problem.message}" if problem.path else problem.message)
            )
            print(where if problem.file else f"error: {where}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as e:  # the machine's fault, not a bug (a full disk, a permission): named, never a traceback
        where = f"{e.filename}: " if e.filename else ""
        print(f"error: {where}{e.strerror or e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
