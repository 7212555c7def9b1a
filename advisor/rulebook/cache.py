"""A validated rulebook cached by content hash, so a cold `advisor recommend` skips YAML, validation and checks.

Why: start-up time. Reading, validating and cross-checking the four rule files costs most of a cold command;
the result depends only on the files' bytes and on this code, so it is kept in a user cache directory
(`$ADVISOR_CACHE_DIR`, else `$XDG_CACHE_HOME/advisor`, else `~/.cache/advisor`; `ADVISOR_CACHE=off` turns it
off) under a key recomputed from the source bytes on every run: sha256 over every rule file's bytes, the origin,
the code version (the bytes of `advisor/rulebook/*.py` and `advisor/__init__.py`), the Python and pydantic
versions and the cache format. A stale entry is never found: an edited rule file or changed code is another key.

A stale or tampered entry is never served: the file is `MAGIC, key, HMAC-SHA256(secret, key + payload),
payload`, the secret a random per-user file (mode 0600) beside the entries, and the payload is unpickled only
after the key and the HMAC match. A truncated, corrupt or forged entry is treated as missing: the rulebook is
built from the files and the entry rewritten (atomically, `advisor.files.write_atomic`). The compiled program
(closures, which pickle cannot hold) is rebuilt from the cached rules on load; it is cheap next to validation.
Any failure of the cache itself (an unwritable directory, a full disk) only costs the speed-up, never an answer.

The cache sits behind `load_rulebook` and takes the files' bytes, so any source of rule texts (a directory, a
database) shares it by content hash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import pickle
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic.version import VERSION as PYDANTIC_VERSION

from advisor import __version__
from advisor.files import write_atomic
from advisor.rulebook.compiler import compile_rules
from advisor.rulebook.conditions import compile_condition

FORMAT = b"advisor-rulebook-cache/1"
MAGIC = FORMAT + b"\n"
ENV_DIR = "ADVISOR_CACHE_DIR"
ENV_SWITCH = "ADVISOR_CACHE"  # "off" (or "0") turns the cache off
_SECRET = "secret"
MAX_ENTRIES = 16  # the newest entries kept (about 150 KB each for the default rulebook)
_PACKAGE = Path(__file__).resolve().parent.parent
_code_version: bytes | None = None


def cache_dir() -> Path | None:
    """Where the entries live, or None when the cache is off."""
    if os.environ.get(ENV_SWITCH, "").lower() in ("off", "0", "no", "false"):
        return None
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "advisor"


def code_version() -> bytes:
    """A digest of the code a cached rulebook depends on: the rulebook modules, the package version, the
    Python and pydantic versions (pydantic's pickles are its own)."""
    global _code_version
    if _code_version is None:
        digest = hashlib.sha256(FORMAT + __version__.encode() + sys.version.encode())
        digest.update(PYDANTIC_VERSION.encode())  # Why not importlib.metadata: it costs ~10 ms (email, socket)
        sources = sorted((_PACKAGE / "rulebook").glob("*.py")) + [_PACKAGE / "__init__.py"]
        for path in sources:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        _code_version = digest.digest()
    return _code_version


def cache_key(texts: dict[str, bytes], origin: str) -> str:
    """The entry's key: every rule file's name and bytes, the origin and the code version."""
    digest = hashlib.sha256(code_version())
    digest.update(b"origin\0" + origin.encode() + b"\0")
    for name in sorted(texts):
        digest.update(name.encode() + b"\0" + str(len(texts[name])).encode() + b"\0" + texts[name])
    return digest.hexdigest()


def _secret(directory: Path) -> bytes:
    """The per-user HMAC secret, created on first use (readable by the user only)."""
    path = directory / _SECRET
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = secrets.token_bytes(32)
    fd = os.open(str(path) + f".{os.getpid()}.tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(str(path) + f".{os.getpid()}.tmp", path)
    return data


def entry_path(directory: Path, key: str) -> Path:
    return directory / f"rulebook-{key[:32]}.bin"


def read_entry(directory: Path, key: str) -> Any | None:
    """The cached object under `key`, or None when absent, stale, truncated or tampered with."""
    try:
        blob = entry_path(directory, key).read_bytes()
        secret = (directory / _SECRET).read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 64 + 1
    if len(blob) < head + 32 or not blob.startswith(MAGIC) or len(secret) != 32:
        return None
    stored_key = blob[len(MAGIC) : len(MAGIC) + 64]
    mac, payload = blob[head : head + 32], blob[head + 32 :]
    if not hmac.compare_digest(stored_key, key.encode()):
        return None
    expected = hmac.new(secret, key.encode() + b"\0" + payload, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        return None
    try:  # Why pickle is safe here: the bytes are ours, proven by the HMAC before anything is unpickled
        return pickle.loads(payload)
    except Exception:  # Why: a pickle of another code version that slipped through is only a miss
        return None


def write_entry(directory: Path, key: str, value: Any) -> None:
    """Keep `value` under `key`; a failure (an unwritable directory, a full disk) is ignored."""
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        secret = _secret(directory)
        mac = hmac.new(secret, key.encode() + b"\0" + payload, hashlib.sha256).digest()
        write_atomic(entry_path(directory, key), MAGIC + key.encode() + b"\n" + mac + payload)
        prune(directory)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass


def prune(directory: Path, keep: int | None = None) -> None:
    """Remove all but the `keep` newest entries (each edit of a rulebook adds one; nothing else removes them)."""
    found = []
    for path in directory.glob("rulebook-*.bin"):
        try:
            found.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    for _, path in sorted(found, reverse=True)[MAX_ENTRIES if keep is None else keep :]:
        path.unlink(missing_ok=True)  # an OSError (a permission) is caught by `write_entry`


def _picklable(rulebook: Any) -> Any:
    """The rulebook without its compiled closures, which `_compiled` rebuilds."""
    return dataclasses.replace(rulebook, program=None, visibility=None)


def _compiled(rulebook: Any) -> Any:
    """A cached rulebook with its program and visibility compiled again (the same as `build_rulebook` does)."""
    questions = rulebook.questions
    program = compile_rules(rulebook.rules, questions)
    visibility = {q.id: compile_condition(q.show_if) for q in questions.values() if q.show_if is not None}
    return dataclasses.replace(rulebook, program=program, visibility=visibility)


def cached_build(texts: dict[str, bytes], origin: str, build: Callable[[dict[str, bytes], str], Any]) -> Any:
    """`build(texts, origin)` (`build_rulebook`), from the cache when an entry for exactly these bytes and this
    code is there; otherwise built, and kept for the next run. A `UserError` propagates: only a valid rulebook
    is cached."""
    directory = cache_dir()
    if directory is None:
        return build(texts, origin)
    key = cache_key(texts, origin)
    cached = read_entry(directory, key)
    if cached is not None:
        try:
            return _compiled(cached)
        except Exception:  # Why: an entry that cannot be restored is a miss, rebuilt below
            pass
    value = build(texts, origin)
    write_entry(directory, key, _picklable(value))
    return value
