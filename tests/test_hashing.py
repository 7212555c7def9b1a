"""The OpenSSL-free SHA-256 and HMAC-SHA256 (`advisor.hashing`) give exactly what `hashlib` and `hmac` give."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from advisor.hashing import compare_digest, hmac_sha256, sha256


@given(st.binary(max_size=300), st.binary(max_size=2000))
def test_hmac_sha256_is_hmacs_for_any_key_and_message(key, message):
    assert hmac_sha256(key, message) == hmac.new(key, message, hashlib.sha256).digest()


def test_keys_at_and_past_the_block_size_are_hashed_as_rfc_2104_says():
    for size in (63, 64, 65, 200):
        key = bytes(range(size % 256)) * (size // 256 + 1)
        key = (key * 3)[:size]
        assert hmac_sha256(key, b"snapshot") == hmac.new(key, b"snapshot", hashlib.sha256).digest()


@given(st.binary(max_size=5000))
def test_sha256_is_hashlibs(data):
    digest = sha256()
    digest.update(data[:7])
    digest.update(data[7:])
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest() == sha256(data).hexdigest()


def test_compare_digest_compares():
    assert compare_digest(b"abc", b"abc") and not compare_digest(b"abc", b"abd") and not compare_digest(b"a", b"ab")
