"""The `advisor` command line. User errors: one clear message, exit 2, no traceback. Bugs keep their traceback.

An `OSError` that reaches here (a full disk, a permission) is the machine's, not a bug: its file and reason, exit 2.

Each command module registers its subcommands through `register(subparsers)`; heavy imports stay inside the
command functions so `advisor recommend` starts fast (no pandas, no streamlit on that path).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from advisor import __version__
from advisor.errors import UserError

# Modules that add subcommands (each has `register(subparsers)`), in help order, with the commands each adds.
# Why names and not modules: start-up time. A command imports only its own module (the blueprint generators,
# the report builders, the store cost tens of ms each); `advisor --help` or an unknown command imports them all.
COMMANDS: dict[str, tuple[str, ...]] = {
    "recommend": ("recommend",),
    "core": ("rules", "schema"),
    "batch": ("batch",),
    "export": ("diagram", "report"),
    "blueprint": ("blueprint",),
    "trace": ("import-trace",),
    "saved": ("saved",),
    "benchmark": ("benchmark",),
    "web": ("web",),
}


def modules_for(argv: list[str]) -> tuple[str, ...]:
    """The command modules `argv` needs: the one that adds its command, or every one (help, an unknown command)."""
    first = next((a for a in argv if not a.startswith("-")), None)
    if first is not None and "--version" not in argv:
        for module, commands in COMMANDS.items():
            if first in commands:
                return (module,)
    return tuple(COMMANDS)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given `argv`, only with the subcommands it can name (see `modules_for`)."""
    parser = argparse.ArgumentParser(
        prog="advisor",
        description=("Recommends orchestration, choreography or a hybrid for a workflow, and explains why."),
    )
    parser.add_argument("--version", action="version", version=f"advisor {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in modules_for(argv) if argv is not None else COMMANDS:
        importlib.import_module(f"advisor.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Why: the advisor uses no pydantic plugin, and looking for plugins reads the metadata of every installed
    # distribution at the first validation (importlib.metadata: about 13 ms of each command's start-up, issue 17).
    # A user who set the variable keeps their value.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
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
