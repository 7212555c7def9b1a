"""The saved assessments as the store returns them (`SavedVersion`, `Summary`, `Saved`), the checks of what a
user types (name, note), and reading a version from a row of `advisor.saved.tables`."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from advisor.engine.answers import Answers
from advisor.errors import UserError
from advisor.saved.tables import MAX_NAME, versions
from advisor.views.names import check_visible

MAX_NOTE = 2000


@dataclass(frozen=True)
class SavedVersion:
    """One save of an assessment."""

    number: int
    saved_at: datetime
    style: str
    confidence: float
    rulebook_version: str
    rulebook_hash: str
    note: str


@dataclass(frozen=True)
class Summary:
    """An assessment in the list: its id, name, how many versions, the latest one, and its owner ('' when none
    was recorded)."""

    id: int
    name: str
    versions: int
    latest: SavedVersion
    owner: str = ""


@dataclass(frozen=True)
class Saved:
    """One version of an assessment, opened: its answers and the evaluation as it was saved."""

    id: int
    name: str
    version: SavedVersion
    answers: Answers
    evaluation: dict[str, Any]
    owner: str = ""
    unchanged: bool = False  # from `Store.save`: the answers were the latest version's, so none was added


def check_name(name: str) -> str:
    """A valid assessment name (trimmed), or a `UserError` saying why not."""
    name = (name or "").strip()
    if not name:
        raise UserError("give the assessment a name")
    if len(name) > MAX_NAME:
        raise UserError(f"name too long ({len(name)} characters; limit {MAX_NAME})")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise UserError("a name cannot contain control characters (such as line breaks)")
    return check_visible(name)  # no zero-width or direction characters: a name must read as what it is


def check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise UserError(f"note too long ({len(note)} characters; limit {MAX_NOTE})")
    return note


def version_columns() -> tuple:
    c = versions.c
    return (c.number, c.saved_at, c.style, c.confidence, c.rulebook_version, c.rulebook_hash, c.note)


def version_row(row: Any) -> SavedVersion:
    saved_at = row.saved_at if row.saved_at.tzinfo else row.saved_at.replace(tzinfo=UTC)  # SQLite: naive
    return SavedVersion(
        row.number,
        saved_at.astimezone(UTC),
        row.style,
        row.confidence,
        row.rulebook_version,
        row.rulebook_hash,
        row.note,
    )


def missing(assessment_id: int, number: int | None = None) -> UserError:
    what = f"version {number} of saved assessment {assessment_id}" if number else f"saved assessment {assessment_id}"
    return UserError(f"{what} does not exist (it may have been deleted)")
