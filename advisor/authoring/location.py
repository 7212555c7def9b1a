"""Where the rulebook lives: a directory of rule files (the default, for one user) or a database
(`ADVISOR_RULES_URL`, a SQLAlchemy URL such as `sqlite:///rules.db` or `postgresql+psycopg://user@host/db`), which
every app replica and the command line configured with it share.

The save, restore and history functions of `advisor.authoring.history` take either: a `Path` (or `str`) is a
directory, a `RulesDatabase` is the database (`advisor.authoring.rulesdb`). Pure: nothing here opens a database.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from advisor.records import Record, _set

ENV_VAR = "ADVISOR_RULES_URL"


class RulesDatabase(Record):
    """The rulebook in the database at `url`. Shown (str) without the URL's password."""

    FIELDS = ("url",)
    __slots__ = FIELDS
    url: str

    def __init__(self, url: str) -> None:
        _set(self, "url", url)

    def __str__(self) -> str:
        return re.sub(r"(://[^:/@\s]*:)[^@\s]+@", r"\1***@", self.url)


Location = Path | RulesDatabase


def configured() -> RulesDatabase | None:
    """The rulebook database `$ADVISOR_RULES_URL` names, or None (the rule-file directory is used)."""
    url = os.environ.get(ENV_VAR, "").strip()
    return RulesDatabase(url) if url else None


def as_location(where: Path | str | RulesDatabase) -> Location:
    return where if isinstance(where, RulesDatabase) else Path(where)
