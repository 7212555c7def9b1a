"""SHA-256 and HMAC-SHA256 without loading OpenSSL: the rulebook's content hash and its snapshots' keys and MACs.

Why: `hashlib` and `hmac` load OpenSSL (`_hashlib`), about 4 ms of every cold command, more than the CLI's own
code costs once its rulebook is read from a snapshot (issue 17). CPython's built-in SHA-256 (`_sha2`, `_sha256`
before 3.12) gives the same digests; HMAC is RFC 2104 over it, as `hmac` computes it in Python when it has no
OpenSSL (tests/test_hashing.py checks both against `hashlib` and `hmac`). A Python built without its own hashes
takes OpenSSL's.
"""

from __future__ import annotations

try:
    from _sha2 import sha256  # Python 3.12 and later
except ImportError:
    try:
        from _sha256 import sha256
    except ImportError:  # pragma: no cover - a Python built with OpenSSL's hashes only
        from hashlib import sha256
try:
    from _operator import _compare_digest as compare_digest  # what `hmac.compare_digest` is without OpenSSL
except ImportError:  # pragma: no cover - another Python implementation
    from hmac import compare_digest  # type: ignore[no-redef]

__all__ = ["compare_digest", "hmac_sha256", "sha256"]

_BLOCK = 64  # SHA-256's block size in bytes
_INNER = bytes(x ^ 0x36 for x in range(256))
_OUTER = bytes(x ^ 0x5C for x in range(256))


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 of `message` under `key` (RFC 2104): `hmac.new(key, message, 'sha256').digest()`."""
    if len(key) > _BLOCK:
        key = sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner = sha256(key.translate(_INNER))
    inner.update(message)
    return sha256(key.translate(_OUTER) + inner.digest()).digest()
