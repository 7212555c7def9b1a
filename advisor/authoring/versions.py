"""The kept versions of a rulebook's files and the directory's write lock, both in `.history/` inside it.

A version is `.history/<file>.<n>` (n counts up: higher is more recent); at most `KEEP_VERSIONS` are kept per
file. `locked()` holds `.history/lock` (fcntl.flock) so that `advisor.authoring.history.commit` checks and
writes in one step. Why `.history/` inside the rulebook directory: versions travel with the rulebook (an
organisation's own directory keeps its own history), and `read_texts` reads only the four named files, so
versions are never mistaken for rules.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import UserError
from advisor.files import write_atomic
from advisor.rulebook.loading import FILES

HISTORY_DIR = ".history"
LOCK_NAME = "lock"
KEEP_VERSIONS = 50  # Why: a rule file is a few KiB; 50 versions bound the disk use and still reach back far
LOCK_TIMEOUT = 10.0  # seconds a save waits for another save of the same rulebook to finish
_VERSION_NAME = re.compile(r"^(?P<file>[a-z]+\.yaml)\.(?P<n>[0-9]+)$")


def file_hash(text: bytes) -> str:
    """sha256 of one file's bytes (hex): what an editor remembers to detect a stale copy."""
    return hashlib.sha256(text).hexdigest()


@dataclass(frozen=True)
class RuleFileVersion:
    """A kept previous version of a rule file: `.history/<file>.<number>` (higher = more recent), or, for the
    rulebook in a database, the file's text in rulebook version `number` (`text`; `path` is then only a label)."""

    file: str
    number: int
    path: Path
    size: int
    modified: float  # seconds since the epoch, when the version was kept
    text: bytes | None = None

    def read(self) -> bytes:
        """The version's bytes."""
        return self.text if self.text is not None else self.path.read_bytes()


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
                    raise UserError.at(
                        str(directory),
                        f"another save of this rulebook is in progress; nothing "
                        f"was written (waited {timeout:g} s): try again",
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


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


def find_version(directory: Path | str, filename: str, wanted_hash: str) -> bytes | None:
    """The text of the most recent kept version of `filename` whose hash is `wanted_hash`, if one is kept."""
    for v in reversed(history(directory, filename)):
        text = v.read()
        if file_hash(text) == wanted_hash:
            return text
    return None


def keep(directory: Path, filename: str, text: bytes) -> RuleFileVersion:
    """Keep `text` as the next version of `filename` (the caller holds the lock)."""
    versions = history(directory, filename)
    number = versions[-1].number + 1 if versions else 1
    path = _history_dir(directory) / f"{filename}.{number}"
    write_atomic(path, text)
    st = path.stat()
    return RuleFileVersion(filename, number, path, st.st_size, st.st_mtime)


def prune(directory: Path, filename: str) -> None:
    """Remove all but the `KEEP_VERSIONS` most recent versions of `filename`."""
    for old in history(directory, filename)[:-KEEP_VERSIONS]:
        old.path.unlink(missing_ok=True)


def sweep_temp_files(directory: Path) -> None:
    """Remove temporary files left by a save that crashed before its rename (we hold the lock: none is live)."""
    for folder in (directory, _history_dir(directory)):
        for path in folder.glob(".*.tmp"):
            if any(path.name.startswith(f".{name}.") for name in FILES):
                path.unlink(missing_ok=True)


def _history_dir(directory: Path | str, create: bool = False) -> Path:
    folder = Path(directory) / HISTORY_DIR
    if create:
        if not Path(directory).is_dir():
            raise UserError.at(str(directory), "not a rulebook directory (it does not exist or is not a directory)")
        folder.mkdir(exist_ok=True)
    return folder
