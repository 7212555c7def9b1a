"""Where the rulebook lives, under the save, restore and history functions of `advisor.authoring.history`: a rule
file directory (`versions`, `changelog`) or the rulebook database (`rulesdb`), chosen by the type of the location
(`advisor.authoring.location`). The directory is the default; the database is loaded only when named.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from advisor.access import Actor
from advisor.authoring import changelog
from advisor.authoring.location import RulesDatabase
from advisor.authoring.results import SaveResult, state
from advisor.authoring.versions import RuleFileVersion, file_hash, history
from advisor.files import read_input
from advisor.rulebook.loading import FILES

Where = Path | str | RulesDatabase  # a rulebook directory, or the rulebook database


def kept_versions(directory: Where, filename: str | None = None) -> list[RuleFileVersion]:
    """The kept versions of a directory's files (`versions.history`) or of the database's."""
    if isinstance(directory, RulesDatabase):
        return db().kept_versions(directory, filename)
    return history(directory, filename)


def find_version(directory: Where, filename: str, wanted_hash: str) -> bytes | None:
    """The most recent kept text of `filename` whose hash is `wanted_hash`, if one is kept."""
    return next(
        (t for v in reversed(kept_versions(directory, filename)) if file_hash(t := v.read()) == wanted_hash), None
    )


def change_log(directory: Where) -> list[changelog.Change]:
    """Who changed the rulebook, newest first (`changelog.changes`, or the database's versions)."""
    return db().changes(directory) if isinstance(directory, RulesDatabase) else changelog.changes(directory)


def commit_to_database(
    where: RulesDatabase,
    changes: dict[str, bytes],
    check: Callable[[dict[str, bytes]], None] | None,
    by: Actor,
    action: str,
) -> SaveResult:
    p, stored, base = db().commit(where, changes, check, by.label, action)
    kept = (
        ()
        if stored is None or base is None
        else tuple(
            RuleFileVersion(n, base, Path(f"{where}#{base}") / n, 0, stored.saved_at.timestamp()) for n in p.changed
        )
    )
    return SaveResult(tuple(state(n, t) for n, t in p.changed.items()), kept, p.rulebook, p.raised)


def db():
    # Why: the rulebook database needs the optional `store` extra (SQLAlchemy); a directory never loads it
    from advisor.authoring import rulesdb

    return rulesdb


def current_texts(directory: Where) -> dict[str, bytes]:
    """The rule files now (on disk, or the database's current version); a missing one is simply absent."""
    if isinstance(directory, RulesDatabase):
        return db().current_texts(directory)
    return _current_texts(Path(directory))


def _current_texts(directory: Path) -> dict[str, bytes]:
    """The rule files on disk now; a missing one is simply absent (a save or an upload may create it)."""
    texts = {}
    for name in FILES:
        with contextlib.suppress(FileNotFoundError):
            texts[name] = read_input(directory / name)
    return texts
