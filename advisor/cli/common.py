"""What every command shares: reading the rulebook a command names, and writing its output."""

from __future__ import annotations

import sys
from pathlib import Path

from advisor.errors import UserError
from advisor.files import write_atomic
from advisor.rulebook.loading import Rulebook, load_rulebook


def write_output(text: str | bytes, output: str | None, binary: bool = False) -> None:
    """Text goes to stdout unless -o is given; binary output requires -o (a terminal is no place for bytes)."""
    if output is None:
        if binary:
            raise UserError("this format is binary: give an output file with -o PATH")
        sys.stdout.write(text if isinstance(text, str) else text.decode())
        return
    try:
        write_atomic(Path(output), text.encode() if isinstance(text, str) else text)
    except OSError as e:  # a missing directory, no permission, a full disk: the user's to fix, so no traceback
        raise UserError.at(output, f"cannot write: {e.strerror or e}") from None


def load_rules(rules_dir: str | None) -> Rulebook:
    """The rulebook of `--rules DIR` (default: $ADVISOR_RULES, else the packaged one)."""
    return load_rulebook(rules_dir)
