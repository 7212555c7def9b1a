"""The rulebook in a database, as `advisor.authoring.history` sees it: current texts, a commit (the same stale check,
validation and version raise as a directory's, `release.plan`, run inside the store's one transaction), the kept
versions of a file and the change log. The store itself is `advisor.saved.rulebook_store`.

A version here is the whole rulebook (number n counts up). The "kept versions" of one file are the versions whose
text of that file a later version replaced, so "the previous version is kept as version n" means: version n holds
it, and restoring version n of that file brings it back (as a new version).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from pathlib import Path

from advisor.authoring.changelog import Change
from advisor.authoring.location import RulesDatabase
from advisor.authoring.release import Plan, plan
from advisor.authoring.versions import RuleFileVersion
from advisor.rulebook.loading import FILES, Rulebook
from advisor.saved.rulebook_store import RulebookStore, StoredVersion

_stores: dict[str, RulebookStore] = {}
_lock = threading.Lock()


def store_for(location: RulesDatabase) -> RulebookStore:
    """The one store (engine, pool) of this process for `location`'s URL. Why one per process: a connection pool
    is made once, as `advisor.saved.store.Store` is; it holds no user's state."""
    with _lock:
        store = _stores.get(location.url)
        if store is None:
            store = _stores[location.url] = RulebookStore(location.url)
        return store


def forget(location: RulesDatabase) -> None:
    """Close and drop the store of `location` (tests; a process that switches databases)."""
    with _lock:
        store = _stores.pop(location.url, None)
    if store is not None:
        store.close()


def current_texts(location: RulesDatabase) -> dict[str, bytes]:
    """The current version's files ({} before the first push), checked against their hash; when the current one
    was tampered with, the newest version that checks (what a save is made over, and so repairs)."""
    return store_for(location).editable_texts()


def current_rulebook(location: RulesDatabase) -> Rulebook | None:
    """The current version, validated (`TamperedRulebook` when it does not match its hash or validate)."""
    store = store_for(location)
    stored = store.current()
    return None if stored is None else store.rulebook(stored)


def commit(
    location: RulesDatabase,
    changes: dict[str, bytes],
    check: Callable[[dict[str, bytes]], None] | None,
    by: str,
    action: str,
    origin: str = "",
) -> tuple[Plan, StoredVersion | None, int | None]:
    """Publish `changes` over the current version in one transaction: (the plan, the new version or None when
    nothing changed, the number of the version it replaced)."""
    planned: list[Plan] = []

    def prepare(base: int | None, current: dict[str, bytes]) -> tuple[dict[str, bytes], tuple[str, ...]] | None:
        p = plan(current, changes, check, origin or str(location))
        planned.append(p)
        return (p.merged, tuple(p.changed)) if p.changed else None

    stored, base, _ = store_for(location).commit(prepare, by, action, origin)
    return planned[-1], stored, base


def kept_versions(location: RulesDatabase, filename: str | None = None) -> list[RuleFileVersion]:
    """The versions whose text of a file a later version replaced, oldest first per file, files in rulebook order."""
    versions = store_for(location).versions()
    found = []
    for name in FILES:
        if filename is not None and name != filename:
            continue
        for older, newer in itertools.pairwise(versions):
            text = older.texts.get(name)
            if text is not None and text != newer.texts.get(name):
                path = Path(f"{location}#{older.number}") / name
                found.append(RuleFileVersion(name, older.number, path, len(text), older.saved_at.timestamp(), text))
    return found


def changes(location: RulesDatabase) -> list[Change]:
    """Every version as a change record, newest first."""
    return [
        Change(
            v.saved_at.timestamp(),
            v.saved_by,
            v.action,
            v.files,
            v.version,
            {f: v.base for f in v.files} if v.base is not None else {},
        )
        for v in reversed(store_for(location).versions())
    ]
