"""A rulebook directory as an editable store: read a file with its hash, save, keep and restore versions.

Every write goes through `commit()`, which, holding the directory's lock:
1. reads what is on disk now and refuses a stale edit (the file's hash is not the one the editor started from),
   showing what changed since as a unified diff;
2. validates the WHOLE rulebook with the new texts in memory (`build_rulebook`): an invalid edit is never written;
3. copies each file it is about to replace into `.history/<file>.<n>` (n counts up), then writes the new text
   atomically (`write_atomic`: temporary file, fsync, os.replace).

Why `.history/` inside the rulebook directory: versions travel with the rulebook (an organisation's own
directory keeps its own history), and `read_texts` reads only the four named files, so versions are never
mistaken for rules. Why a lock file (fcntl.flock) and not only the hash check: two processes could otherwise
both pass the check and then both write; the lock makes check-and-write one step.
"""
from __future__ import annotations

import difflib
import errno
import fcntl
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import Problem, UserError
from advisor.files import write_atomic
from advisor.rulebook.loading import FILES, Rulebook, build_rulebook

HISTORY_DIR = ".history"
LOCK_NAME = "lock"
KEEP_VERSIONS = 50  # Why: a rule file is a few KiB; 50 versions bound the disk use and still reach back far
LOCK_TIMEOUT = 10.0  # seconds a save waits for another save of the same rulebook to finish
_VERSION_NAME = re.compile(r"^(?P<file>[a-z]+\.yaml)\.(?P<n>[0-9]+)$")


def file_hash(text: bytes) -> str:
    """sha256 of one file's bytes (hex): what an editor remembers to detect a stale copy."""
    return hashlib.sha256(text).hexdigest()


@dataclass(frozen=True)
class FileState:
    """One rule file as read from disk: its name, its bytes and their hash."""

    name: str
    text: bytes
    hash: str


@dataclass(frozen=True)
class RuleFileVersion:
    """A kept previous version of a rule file: `.history/<file>.<number>` (higher = more recent)."""

    file: str
    number: int
    path: Path
    size: int
    modified: float  # seconds since the epoch, when the version was kept


@dataclass(frozen=True)
class SaveResult:
    """What a save or restore did: the files written (new state), the versions kept, the new rulebook."""

    written: tuple[FileState, ...]
    kept: tuple[RuleFileVersion, ...]
    rulebook: Rulebook


class StaleEditError(UserError):
    """The file changed on disk since the editor read it; `diff` shows what changed, nothing was written."""

    def __init__(self, problems: list[Problem], diff: str, current: dict[str, FileState]):
        super().__init__(problems)
        self.diff = diff
        self.current = current


def check_name(filename: str) -> str:
    """`filename` if it is one of the rulebook's files, else a `UserError` listing them."""
    if filename not in FILES:
        raise UserError.at(filename, f"not a rule file; expected one of {', '.join(FILES)}")
    return filename


def read_file(directory: Path | str, filename: str) -> FileState:
    """One rule file's bytes and hash. A missing file reads as empty, so an editor can create it again."""
    path = Path(directory) / check_name(filename)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        text = b""
    except OSError as e:
        raise UserError.at(str(path), f"cannot read: {e.strerror}") from None
    return FileState(filename, text, file_hash(text))


@contextmanager
def locked(directory: Path | str, timeout: float | None = None) -> Iterator[None]:
    """Hold the rulebook directory's write lock (`.history/lock`), waiting up to `timeout` seconds (default
    `LOCK_TIMEOUT`)."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    history = _history_dir(directory, create=True)
    fd = os.open(history / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() >= deadline:
                    raise UserError.at(str(directory), f"another save of this rulebook is in progress; nothing "
                                       f"was written (waited {timeout:g} s): try again") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def commit(directory: Path | str, changes: dict[str, bytes],
           check: Callable[[dict[str, bytes]], None] | None = None) -> SaveResult:
    """Write `changes` (file name -> new bytes) if the whole rulebook validates with them; keep old versions.

    `check(current_texts)` runs under the lock before anything is written (the stale-copy test); it raises to
    refuse. Files whose bytes do not change are neither written nor versioned.
    """
    directory = Path(directory)
    for name in changes:
        check_name(name)
    try:
        with locked(directory):
            current = _current_texts(directory)
            if check is not None:
                check(current)
            merged = {**current, **changes}
            rulebook = build_rulebook(merged, str(directory))  # raises UserError: nothing written
            changed = {n: t for n, t in changes.items() if t != current.get(n)}
            _sweep_temp_files(directory)
            kept = tuple(_keep(directory, n, current[n]) for n in changed if n in current)
            for name, text in changed.items():
                write_atomic(directory / name, text)
            for name in changed:
                _prune(directory, name)
    except OSError as e:  # a full disk, a read-only directory: the user's environment, not a bug
        raise UserError.at(str(directory), f"cannot write to the rulebook: {e.strerror or e}; the files on disk "
                           "are unchanged or complete (each write is atomic)") from None
    written = tuple(FileState(n, t, file_hash(t)) for n, t in changed.items())
    return SaveResult(written, kept, rulebook)


def save(directory: Path | str, filename: str, new_text: bytes, base_hash: str,
         base_text: bytes | None = None) -> SaveResult:
    """Save an edit of `filename` made from the version whose hash is `base_hash`.

    Refused (nothing written) when the rulebook would not validate, or with `StaleEditError` when the file on
    disk is no longer that version. Give `base_text` (the text the edit started from) for the best diff;
    without it the base is looked up in the kept versions.
    """
    check_name(filename)

    def not_stale(current: dict[str, bytes]) -> None:
        if file_hash(current.get(filename, b"")) != base_hash:
            base = base_text if base_text is not None and file_hash(base_text) == base_hash else \
                _find_version(directory, filename, base_hash)
            raise _stale(directory, filename, base, current)

    return commit(directory, {filename: new_text}, not_stale)


def restore(directory: Path | str, filename: str, version: int | None = None,
            base_hash: str | None = None) -> SaveResult:
    """Make kept version `version` (default: the most recent) of `filename` current again.

    The version replaced is kept in turn, so a restore can itself be undone. Refused when the restored file
    would not validate with the other files as they are now, or (given `base_hash`) when the file is stale.
    """
    versions = history(directory, filename)
    if not versions:
        raise UserError.at(str(Path(directory) / filename), "no previous version is kept")
    chosen = versions[-1] if version is None else next((v for v in versions if v.number == version), None)
    if chosen is None:
        numbers = ", ".join(str(v.number) for v in versions)
        raise UserError.at(str(Path(directory) / filename), f"no version {version}; kept versions: {numbers}")
    text = chosen.path.read_bytes()

    def not_stale(current: dict[str, bytes]) -> None:
        if base_hash is not None and file_hash(current.get(filename, b"")) != base_hash:
            raise _stale(directory, filename, _find_version(directory, filename, base_hash), current)

    try:
        return commit(directory, {filename: text}, not_stale)
    except StaleEditError:
        raise
    except UserError as e:
        note = Problem(str(chosen.path), None, None, "", f"version {chosen.number} of {filename} does not "
                       "validate with the rulebook's other files as they are now; nothing was written")
        raise UserError([note, *e.problems]) from None


def history(directory: Path | str, filename: str | None = None) -> list[RuleFileVersion]:
    """The kept versions (of one file, or of all), oldest first per file, files in rulebook order."""
    folder = _history_dir(directory)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        m = _VERSION_NAME.match(path.name)
        if m and m["file"] in FILES and (filename is None or m["file"] == filename):
            st = path.stat()
            found.append(RuleFileVersion(m["file"], int(m["n"]), path, st.st_size, st.st_mtime))
    order = list(FILES)
    return sorted(found, key=lambda v: (order.index(v.file), v.number))


def unified_diff(old: bytes, new: bytes, old_label: str, new_label: str) -> str:
    """A unified diff of two texts (undecodable bytes shown as �), '' when they are equal."""
    a = old.decode("utf-8", "replace").splitlines(keepends=True)
    b = new.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, old_label, new_label)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _stale(directory: Path | str, filename: str, base: bytes | None, current: dict[str, bytes]) -> StaleEditError:
    now = current.get(filename, b"")
    if base is not None:
        diff = unified_diff(base, now, f"{filename} (the version you started from)", f"{filename} (on disk now)")
        shows = "what changed since you opened it"
    else:
        diff = ""
        shows = "the version you started from is not kept, so the change cannot be shown; reload to see it"
    message = (f"{filename} was changed by someone else since you opened it (sha256 {file_hash(now)[:12]} now); "
               f"your edit was NOT saved, and both versions are intact. Reload it, re-apply your edit and save "
               f"again. Below: {shows}.")
    states = {n: FileState(n, t, file_hash(t)) for n, t in current.items()}
    return StaleEditError([Problem(str(Path(directory) / filename), None, None, "", message)], diff, states)


def _current_texts(directory: Path) -> dict[str, bytes]:
    """The rule files on disk now; a missing one is simply absent (a save or an upload may create it)."""
    texts = {}
    for name in FILES:
        try:
            texts[name] = (directory / name).read_bytes()
        except FileNotFoundError:
            pass
    return texts


def _find_version(directory: Path | str, filename: str, wanted_hash: str) -> bytes | None:
    for v in reversed(history(directory, filename)):
        text = v.path.read_bytes()
        if file_hash(text) == wanted_hash:
            return text
    return None


def _history_dir(directory: Path | str, create: bool = False) -> Path:
    folder = Path(directory) / HISTORY_DIR
    if create:
        if not Path(directory).is_dir():
            raise UserError.at(str(directory), "not a rulebook directory (it does not exist or is not a directory)")
        folder.mkdir(exist_ok=True)
    return folder


def _keep(directory: Path, filename: str, text: bytes) -> RuleFileVersion:
    versions = history(directory, filename)
    number = versions[-1].number + 1 if versions else 1
    path = _history_dir(directory) / f"{filename}.{number}"
    write_atomic(path, text)
    st = path.stat()
    return RuleFileVersion(filename, number, path, st.st_size, st.st_mtime)


def _prune(directory: Path, filename: str) -> None:
    for old in history(directory, filename)[:-KEEP_VERSIONS]:
        old.path.unlink(missing_ok=True)


def _sweep_temp_files(directory: Path) -> None:
    """Remove temporary files left by a save that crashed before its rename (we hold the lock: none is live)."""
    for folder in (directory, _history_dir(directory)):
        for path in folder.glob(".*.tmp"):
            if any(path.name.startswith(f".{name}.") for name in FILES):
                path.unlink(missing_ok=True)
