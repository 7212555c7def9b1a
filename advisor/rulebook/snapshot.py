"""Rulebook snapshots: a validated rulebook kept on disk, keyed by the hash of its files, read back without
validating again and without importing pydantic (a cold `advisor recommend`, issue 17).

What a snapshot holds: the parts of the rulebook (questions, rules, decision, styles, scenarios, sections) as
plain data (`marshal`, which builds only numbers, strings and containers: reading a file never runs code), read
back into `advisor.rulebook.plain` records and assembled by `book.assemble`, the same function a validated
rulebook is assembled by.

Why it can never serve a stale or a tampered rulebook (tests/test_snapshot.py tries each case):
- **Stale.** The key is a sha256 over the exact bytes of the four rule files read for this command, and over the
  code that validates and reads them (`CODE` below: a changed model or check is another key), the Python
  version and the format. Any other bytes give another key, so another file; a key is looked up, never searched
  for. The rulebook's own content hash is recomputed from the bytes read, and its rules are compiled when read
  (`book.assemble`, by the code running now), so neither is taken from the snapshot.
- **Tampered.** Each snapshot carries an HMAC-SHA256 over its key and its payload, made with a random secret
  kept in the cache folder (`secret`, mode 0600). A payload changed by a byte, a snapshot copied from another
  rulebook or from another machine, or a truncated write fails the check and is ignored. The folder and the
  secret must belong to this user and be writable by nobody else (as ssh treats its keys); otherwise no
  snapshot is read or written.
- Anything wrong with a snapshot is never an error: the rule files are validated as if there were none, and a
  good snapshot is written in its place (atomically: a reader sees the old one or the new one).

Where: `$ADVISOR_CACHE_DIR`, else `$XDG_CACHE_HOME/coordination-advisor`, else `~/.cache/coordination-advisor`.
`ADVISOR_CACHE_DIR=off` turns snapshots off.

Why validation and YAML are imported in functions: start-up time (they import pydantic and
the YAML parser, which a snapshot's reader does without).
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.hashing import compare_digest, hmac_sha256, sha256
from advisor.rulebook import plain
from advisor.rulebook.book import FILE_NAMES, Rulebook, assemble, default_rules_dir, read_texts

if TYPE_CHECKING:
    from advisor.rulebook.yamlsafe import Document

FORMAT = b"advisor-rulebook-snapshot-1"
ENV_VAR = "ADVISOR_CACHE_DIR"
_HERE = Path(__file__).resolve().parent
# The code a validated, compiled rulebook depends on: a change to any of it makes every snapshot another key
CODE = tuple(
    _HERE / name
    for name in (
        "book.py",
        "compiler.py",
        "condition_format.py",
        "conditions.py",
        "formats.py",
        "intervals.py",
        "loading.py",
        "messages.py",
        "normal_form.py",
        "plain.py",
        "snapshot.py",
        "values.py",
        "yamlsafe.py",
    )
) + tuple(  # the plain records' base, the key and MAC, and how PyYAML is imported
    _HERE.parent / name for name in ("records.py", "hashing.py", "pyyaml.py")
)
_MAGIC = b"ADVSNAP1"
_MAC = 32  # bytes of an HMAC-SHA256


def cache_dir() -> Path | None:
    """Where snapshots live, or None when they are turned off (or there is no home folder to keep them in)."""
    named = os.environ.get(ENV_VAR)
    if named is not None:
        return None if named.strip().lower() in ("", "off", "0", "no") else Path(named)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no $HOME and no passwd entry (some containers): no snapshots
            return None
    return Path(base) / "coordination-advisor"


def key_of(texts: Mapping[str, bytes]) -> str:
    """The snapshot key of rule files: their exact bytes, the code that validates them, Python, the format."""
    digest = sha256(FORMAT + b"\0" + sys.version.encode() + b"\0")
    for path in CODE:
        source = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + str(len(source)).encode() + b"\0" + source)
    for name in FILE_NAMES:
        digest.update(name.encode() + b"\0" + str(len(texts[name])).encode() + b"\0" + texts[name])
    return digest.hexdigest()


def load(directory: Path | str | None = None) -> Rulebook:
    """The rulebook in `directory` (default: `default_rules_dir()`): from its snapshot when there is a good one,
    else validated from its files (every problem a `UserError`, as `loading.load_rulebook`) and snapshotted."""
    directory = Path(directory) if directory is not None else default_rules_dir()
    texts = read_texts(directory)
    folder = _usable_folder(cache_dir())
    key = key_of(texts)
    if folder is not None:
        found = _read(folder, key, str(directory), texts)
        if found is not None:
            return found
    from advisor.rulebook.loading import build_rulebook  # the validation: pydantic, only when needed

    rulebook = build_rulebook(texts, str(directory))
    if folder is not None:
        _write(folder, key, rulebook)
    return rulebook


# ---------------------------------------------------------------- the payload
def encode(value: Any) -> Any:
    """A rulebook part as plain data: a model or record as ("o", its kind, its fields), containers tagged."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, list):
        return ("l", [encode(v) for v in value])
    if isinstance(value, tuple):
        return ("t", tuple(encode(v) for v in value))
    if isinstance(value, dict):
        return ("d", [(encode(k), encode(v)) for k, v in value.items()])
    kind = type(value).__name__
    record = plain.RECORDS.get(kind)
    if record is None:
        raise TypeError(f"a rulebook snapshot cannot hold a {kind}")
    return ("o", kind, tuple(encode(getattr(value, f)) for f in record.FIELDS))


def decode(data: Any) -> Any:
    """The inverse of `encode`: plain records for models."""
    if type(data) is not tuple:
        return data
    tag = data[0]
    if tag == "o":
        return plain.RECORDS[data[1]](*(decode(v) for v in data[2]))
    if tag == "l":
        return [decode(v) for v in data[1]]
    if tag == "t":
        return tuple(decode(v) for v in data[1])
    if tag == "d":
        return {decode(k): decode(v) for k, v in data[1]}
    raise ValueError(f"unknown tag {tag!r} in a rulebook snapshot")


def _payload(rulebook: Rulebook) -> bytes:
    parts = (
        rulebook.sections,
        tuple(rulebook.questions.values()),
        rulebook.rules,
        rulebook.decision,
        rulebook.styles,
        rulebook.scenarios,
        rulebook.version,
    )
    return marshal.dumps(encode(parts))


def _rulebook(payload: bytes, origin: str, texts: dict[str, bytes]) -> Rulebook:
    sections, questions, rules, decision, styles, scenarios, version = decode(marshal.loads(payload))
    return assemble(
        sections, questions, rules, decision, styles, scenarios, version, origin, dict(texts), _Documents(texts, origin)
    )


class _Documents(Mapping[str, "Document"]):
    """The rule files' parsed documents (positions for messages), parsed when first asked for: a snapshot's
    reader rarely needs a line number."""

    def __init__(self, texts: Mapping[str, bytes], origin: str) -> None:
        self._texts, self._origin = texts, origin
        self._parsed: dict[str, Document] = {}

    def __getitem__(self, name: str) -> Document:
        if name not in self._parsed:
            from advisor.rulebook import yamlsafe

            self._parsed[name] = yamlsafe.load(self._texts[name], f"{self._origin.rstrip('/')}/{name}")
        return self._parsed[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


# ---------------------------------------------------------------- the folder, the secret, the files
def _private(path: Path, st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _usable_folder(folder: Path | None) -> Path | None:
    """The cache folder when snapshots can be trusted there (made private when missing), else None."""
    if folder is None or not hasattr(os, "geteuid"):  # Why: ownership is checked as on POSIX; elsewhere, none
        return None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or not _private(folder, st):
        return None
    return folder


def secret(folder: Path) -> bytes | None:
    """The folder's HMAC secret, made when missing; None when it cannot be trusted or made."""
    path = folder / "secret"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return _new_secret(path)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
            return None
        value = f.read(65)
    return value if len(value) == 64 else None


def _new_secret(path: Path) -> bytes | None:
    value = os.urandom(64)
    tmp = path.with_name(f".secret.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(value)
        os.link(tmp, path)  # Why link and not rename: two first runs at once keep one secret, the first
    except FileExistsError:
        return secret(path.parent)
    except OSError:
        return None
    finally:
        tmp.unlink(missing_ok=True)
    return value


def _mac(key: bytes, name: str, payload: bytes) -> bytes:
    return hmac_sha256(key, _MAGIC + name.encode() + b"\0" + payload)


def _read(folder: Path, key: str, origin: str, texts: dict[str, bytes]) -> Rulebook | None:
    mac_key = secret(folder)
    if mac_key is None:
        return None
    try:
        fd = os.open(folder / f"{key}.snapshot", os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or not _private(folder, st):
            return None
        blob = f.read()
    head, mac, payload = blob[: len(_MAGIC)], blob[len(_MAGIC) : len(_MAGIC) + _MAC], blob[len(_MAGIC) + _MAC :]
    if head != _MAGIC or not compare_digest(mac, _mac(mac_key, key, payload)):
        return None
    try:
        return _rulebook(payload, origin, texts)
    except (ValueError, TypeError, KeyError, EOFError):  # a snapshot of an older layout under a good MAC: rebuild
        return None


def _write(folder: Path, key: str, rulebook: Rulebook) -> None:
    """Write the snapshot atomically; a cache that cannot be written is no error (the next run validates)."""
    mac_key = secret(folder)
    if mac_key is None:
        return
    try:
        payload = _payload(rulebook)
    except (TypeError, ValueError):  # a part a snapshot cannot hold: this rulebook is validated each time
        return
    blob = _MAGIC + _mac(mac_key, key, payload) + payload
    tmp = folder / f".{key}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, folder / f"{key}.snapshot")
    except OSError:
        tmp.unlink(missing_ok=True)
