"""Where the rulebook lives: a directory of rule files (the default, for one user) or a database
(`ADVISOR_RULES_URL`, a SQLAlchemy URL such as `sqlite:///rules.db` or `postgresql+psycopg://user@host/db`), which
every app replica and the command line configured with it share.

The save, restore and history functions of `advisor.authoring.history` take either: a `Path` (or `str`) is a
directory, a `RulesDatabase` is the database (`advisor.authoring.rulesdb`). Pure: nothing here opens a database.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "ADVISOR_RULES_URL"


@dataclass(frozen=True)
class RulesDatabase:
    """The rulebook in the database at `url`. Shown (str) without the URL's password."""

    url: str

    def __str__(self) -> str:
        return re.sub(r"(://[^:/@\s]*:)[^@\s]+@", r"\1***@", self.url)


Location = Path | RulesDatabase


def configured() -> RulesDatabase | None:
    """The rulebook database `$ADVISOR_RULES_URL` names, or None (the rule-file directory is used)."""
    url = os.environ.get(ENV_VAR, "").strip()
    return RulesDatabase(url) if url else None


def as_location(where: Path | str | RulesDatabase) -> Location:
    return where if isinstance(where, RulesDatabase) else Path(where)
