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
from typing import Any

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


def terminal_columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it: `$COLUMNS`, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, its width found without `shutil`.

    Why: argparse's own imports `shutil` (with `bz2`, `lzma` and `fnmatch`, about 3 ms) for the width, at every
    `add_argument`, so every command paid for it at start-up (issue 17)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, terminal_columns() - 2 if width is None else width)


class Parser(argparse.ArgumentParser):
    """An `ArgumentParser` (and its subcommands' parsers) formatting help with `HelpFormatter`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given `argv`, only with the subcommands it can name (see `modules_for`)."""
    parser = Parser(
        prog="advisor",
        description=("Recommends orchestration, choreography or a hybrid for a workflow, and explains why."),
    )
    parser.add_argument("--version", action="version", version=f"advisor {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
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
