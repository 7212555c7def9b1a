"""A rulebook directory as an editable store: read a file with its hash, save, and restore a kept version.

Every write goes through `commit()`, which, holding the directory's lock:
1. reads what is on disk now and refuses a stale edit (the file's hash is not the one the editor started from),
   showing what changed since as a unified diff;
2. validates the WHOLE rulebook with the new texts in memory (`build_rulebook`): an invalid edit is never written;
3. raises rules.yaml's version when the save changes the rulebook and the edit did not raise it itself
   (`advisor.authoring.release`): rules.yaml is then written in the same save, validated with the rest;
4. copies each file it is about to replace into `.history/<file>.<n>` (n counts up), then writes the new text
   atomically (`write_atomic`: temporary file, fsync, os.replace).

Every write is made by an actor (`advisor.access.Actor`): `commit()` refuses one without `EDIT_RULES` before it
reads anything, and records who made the change (`advisor.authoring.changelog`). The actor defaults to the command
line's (whoever runs it can write the files anyway); the web app always passes the session's, and
tests/test_architecture.py checks that it does.

The kept versions and the lock live in `.history/` (`advisor.authoring.versions`, which says why there). Why a
lock file (fcntl.flock) and not only the hash check: two processes could otherwise both pass the check and then
both write; the lock makes check-and-write one step.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from advisor.access import Actor, Permission, local_actor
from advisor.authoring import changelog
from advisor.authoring.backend import (
    Where,
    change_log,
    commit_to_database,
    current_texts,
    db,
    find_version,
    kept_versions,
)
from advisor.authoring.location import RulesDatabase
from advisor.authoring.release import plan
from advisor.authoring.results import FileState, SaveResult, StaleEditError, state, unified_diff
from advisor.authoring.versions import RuleFileVersion, file_hash, keep, locked, prune, sweep_temp_files
from advisor.errors import Problem, UserError
from advisor.files import read_input, write_atomic
from advisor.rulebook.loading import FILES, content_hash

__all__ = [
    "COMMAND_LINE",
    "FileState",
    "SaveResult",
    "StaleEditError",
    "change_log",
    "check_name",
    "commit",
    "current_texts",
    "kept_versions",
    "read_file",
    "restore",
    "rulebook_hash",
    "save",
    "unified_diff",
]


def check_name(filename: str) -> str:
    """`filename` if it is one of the rulebook's files, else a `UserError` listing them."""
    if filename not in FILES:
        raise UserError.at(filename, f"not a rule file; expected one of {', '.join(FILES)}")
    return filename


def read_file(directory: Where, filename: str) -> FileState:
    """One rule file's bytes and hash. A missing file reads as empty, so an editor can create it again."""
    if isinstance(directory, RulesDatabase):
        return state(check_name(filename), db().current_texts(directory).get(filename, b""))
    path = Path(directory) / check_name(filename)
    try:
        text = read_input(path)
    except FileNotFoundError:
        text = b""
    except OSError as e:
        raise UserError.at(str(path), f"cannot read: {e.strerror}") from None
    return state(filename, text)


COMMAND_LINE = local_actor()


def commit(
    directory: Where,
    changes: dict[str, bytes],
    check: Callable[[dict[str, bytes]], None] | None = None,
    *,
    by: Actor = COMMAND_LINE,
    action: str = "save",
) -> SaveResult:
    """Write `changes` (file name -> new bytes) if the whole rulebook validates with them; keep old versions.

    `check(current_texts)` runs under the lock before anything is written (the stale-copy test); it raises to
    refuse. Files whose bytes do not change are neither written nor versioned. When any file changes, rules.yaml's
    version is raised unless the changes raise it (`advisor.authoring.release`), and rules.yaml is written too.
    Refused with `AccessDenied` unless `by` may edit the rulebook; the change is recorded as `action` by `by`.
    """
    by.require(Permission.EDIT_RULES)
    for name in changes:
        check_name(name)
    if isinstance(directory, RulesDatabase):
        return commit_to_database(directory, changes, check, by, action)
    directory = Path(directory)
    try:
        with locked(directory):
            current = current_texts(directory)
            p = plan(current, changes, check, str(directory))
            changed, rulebook, raised = p.changed, p.rulebook, p.raised
            sweep_temp_files(directory)
            kept = _keep_and_write(directory, current, changed)
            for name in changed:
                prune(directory, name)
            if changed:
                kept_as = {v.file: v.number for v in kept}
                record = changelog.Change(changelog.now(), by.label, action, tuple(changed), rulebook.version, kept_as)
                changelog.append(directory, record)
    except OSError as e:  # a full disk, a read-only directory: the user's environment, not a bug
        raise UserError.at(
            str(directory),
            f"cannot write to the rulebook: {e.strerror or e}; the files on disk "
            "are unchanged or complete (each write is atomic)",
        ) from None
    written = tuple(FileState(n, t, file_hash(t)) for n, t in changed.items())
    return SaveResult(written, kept, rulebook, raised)


def _keep_and_write(
    directory: Path, current: dict[str, bytes], changed: dict[str, bytes]
) -> tuple[RuleFileVersion, ...]:
    """Keep the version each changed file replaces, then write the changed files.

    A failure (a full disk) takes back the versions kept for files it did not write: the file on disk is still
    that version, so keeping it too would show the same content twice in the history (and again at the next save).
    """
    kept: dict[str, RuleFileVersion] = {}
    written: set[str] = set()
    try:
        for name in changed:
            if name in current:
                kept[name] = keep(directory, name, current[name])
        # Why rules.yaml first: a crash between two renames then leaves a raised version over the old
        # content (harmless), never new content under the old version
        for name in sorted(changed, key=lambda n: n != "rules.yaml"):
            write_atomic(directory / name, changed[name])
            written.add(name)
    except BaseException:
        for name, version in kept.items():
            if name not in written:
                version.path.unlink(missing_ok=True)
        raise
    return tuple(kept.values())


def save(
    directory: Where,
    filename: str,
    new_text: bytes,
    base_hash: str,
    base_text: bytes | None = None,
    *,
    by: Actor = COMMAND_LINE,
) -> SaveResult:
    """Save an edit of `filename` made from the version whose hash is `base_hash`.

    Refused (nothing written) when the rulebook would not validate, or with `StaleEditError` when the file on
    disk is no longer that version. Give `base_text` (the text the edit started from) for the best diff;
    without it the base is looked up in the kept versions.
    """
    check_name(filename)

    def not_stale(current: dict[str, bytes]) -> None:
        if file_hash(current.get(filename, b"")) != base_hash:
            base = (
                base_text
                if base_text is not None and file_hash(base_text) == base_hash
                else find_version(directory, filename, base_hash)
            )
            raise _stale(directory, filename, base, current)

    return commit(directory, {filename: new_text}, not_stale, by=by)


def restore(
    directory: Where,
    filename: str,
    version: int | None = None,
    base_hash: str | None = None,
    *,
    by: Actor = COMMAND_LINE,
) -> SaveResult:
    """Make kept version `version` (default: the most recent) of `filename` current again.

    The version replaced is kept in turn, so a restore can itself be undone. Refused when the restored file
    would not validate with the other files as they are now, or (given `base_hash`) when the file is stale.
    """
    by.require(Permission.EDIT_RULES)  # Why before the lookup: a viewer learns nothing about the kept versions
    versions = kept_versions(directory, filename)
    if not versions:
        raise UserError.at(f"{directory}/{filename}", "no previous version is kept")
    chosen = versions[-1] if version is None else next((v for v in versions if v.number == version), None)
    if chosen is None:
        numbers = ", ".join(str(v.number) for v in versions)
        raise UserError.at(f"{directory}/{filename}", f"no version {version}; kept versions: {numbers}")
    text = chosen.read()

    def not_stale(current: dict[str, bytes]) -> None:
        if base_hash is not None and file_hash(current.get(filename, b"")) != base_hash:
            raise _stale(directory, filename, find_version(directory, filename, base_hash), current)

    try:
        return commit(directory, {filename: text}, not_stale, by=by, action=f"restore (version {chosen.number})")
    except StaleEditError:
        raise
    except UserError as e:
        note = Problem(
            str(chosen.path),
            None,
            None,
            "",
            f"version {chosen.number} of {filename} does not "
            "validate with the rulebook's other files as they are now; nothing was written",
        )
        raise UserError([note, *e.problems]) from None


def _stale(directory: Where, filename: str, base: bytes | None, current: dict[str, bytes]) -> StaleEditError:
    now = current.get(filename, b"")
    if base is not None:
        diff = unified_diff(base, now, f"{filename} (the version you started from)", f"{filename} (on disk now)")
        shows = "what changed since you opened it"
    else:
        diff = ""
        shows = "the version you started from is not kept, so the change cannot be shown; reload to see it"
    message = (
        f"{filename} was changed by someone else since you opened it (sha256 {file_hash(now)[:12]} now); "
        f"your edit was NOT saved, and both versions are intact. Reload it, re-apply your edit and save "
        f"again. Below: {shows}."
    )
    states = {n: FileState(n, t, file_hash(t)) for n, t in current.items()}
    return StaleEditError([Problem(f"{directory}/{filename}", None, None, "", message)], diff, states)


def rulebook_hash(directory: Where) -> str:
    """The content hash of the rule files on disk now, valid or not (a missing file counts as absent): the base
    a whole-rulebook change (a zip install) is made from, compared again under the lock when it is written."""
    return content_hash(current_texts(directory))
