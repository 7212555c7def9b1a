"""What every command shares: reading the rulebook a command names, and writing its output."""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

from advisor import files
from advisor.authoring.location import configured
from advisor.errors import UserError

if TYPE_CHECKING:
    from advisor.rulebook.loading import Rulebook

STDOUT = "-"  # `-o -`: standard output, as most command-line tools read it


def write_output(text: str | bytes, output: str | None, binary: bool = False) -> None:
    """Text goes to stdout unless -o is given; binary output requires -o (a terminal is no place for bytes).

    `-o PATH` writes a regular file atomically and a character device or FIFO (`/dev/stdout`, a named pipe) in
    place; a directory, a missing folder or an unwritable path is a `UserError` naming it (exit 2, no traceback).
    """
    if output is None or output == STDOUT:
        if output is None and binary:
            raise UserError("this format is binary: give an output file with -o PATH")
        if isinstance(text, str):
            sys.stdout.write(text)
        else:  # `-o -` asked for the bytes on stdout
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        return
    data = text.encode() if isinstance(text, str) else text
    try:
        files.write_output(output, data)
    except OSError as e:
        raise UserError.at(output, f"cannot write: {e.strerror or e}") from None


def read_input(path: str, limit: int | None = None) -> bytes:
    """The bytes of the file a command was given; a missing, unreadable or non-regular one is a `UserError`."""
    try:
        return files.read_input(path, limit)
    except OSError as e:
        raise UserError.at(path, f"cannot read: {e.strerror or e}") from None


def load_rules(rules_dir: str | None, *, snapshot: bool = False) -> Rulebook:
    """The rulebook of `--rules DIR` (default: the current version in $ADVISOR_RULES_URL when it is set, else
    $ADVISOR_RULES, else the packaged one).

    Why `gc.freeze()`: a command lives with one rulebook; frozen, the collector's full passes no longer walk it
    (and the modules), which at 3,000 rules cost more than the evaluations (bench/growth.py).

    `snapshot`: a directory's rulebook may come from its snapshot (`advisor.rulebook.snapshot`: validated once,
    read back as plain records without pydantic), for a command that reads only the rulebook's fields."""
    where = configured() if rules_dir is None else None
    if where is None:
        # Why here: every command module imports this one to build the parser; the rulebook (pydantic, the
        # compiler) is imported only by the command that reads one (start-up time, issue 17)
        if snapshot:
            from advisor.rulebook import snapshot as snapshots

            rulebook = snapshots.load(rules_dir)
        else:
            from advisor.rulebook.loading import load_rulebook

            rulebook = load_rulebook(rules_dir)
        gc.freeze()
        return rulebook
    # Why here: the rulebook database needs the optional `store` extra (SQLAlchemy), and costs start-up time
    from advisor.authoring import rulesdb

    current = rulesdb.current_rulebook(where)
    if current is None:
        raise UserError(f"{where} holds no rulebook yet: publish one with advisor rules push DIR")
    gc.freeze()
    return current
