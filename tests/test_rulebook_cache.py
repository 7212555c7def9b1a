"""The rulebook cache (`advisor.rulebook.cache`): a warm cache gives the same answers, and a stale, tampered or
truncated entry is never served: it is rejected, the rulebook built from the files, and the entry rewritten."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.engine.answers import read_answers
from advisor.engine.assessment import assess
from advisor.errors import UserError
from advisor.rulebook import cache
from advisor.rulebook.loading import load_rulebook
from advisor.views import contract

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "order-checkout.yaml"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(directory))
    monkeypatch.delenv(cache.ENV_SWITCH, raising=False)
    return directory


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("rulebook-*.bin"))


def advice(rules: Path) -> str:
    rulebook = load_rulebook(rules)
    return contract.as_json(assess(rulebook, read_answers(str(EXAMPLE), rulebook)), rulebook)


def test_a_warm_cache_gives_the_same_advice_byte_for_byte(cache_dir, rules_copy, monkeypatch):
    first = advice(rules_copy)  # builds and writes the entry
    assert len(entries(cache_dir)) == 1
    served = []
    real = cache.read_entry
    monkeypatch.setattr(cache, "read_entry", lambda d, k: served.append(k) or real(d, k))
    assert advice(rules_copy) == first
    assert served and real(cache_dir, served[0]) is not None  # the second load came from the cache
    monkeypatch.setenv(cache.ENV_SWITCH, "off")
    assert advice(rules_copy) == first  # and it is what the files give


def test_an_edited_rule_file_is_never_served_from_the_cache(cache_dir, rules_copy):
    before = load_rulebook(rules_copy)
    rules = rules_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace(f"version: {before.version}", "version: 99.0.1", 1))
    after = load_rulebook(rules_copy)
    assert after.version == "99.0.1" and after.hash != before.hash
    assert len(entries(cache_dir)) == 2  # a new key; the old entry is simply not found


def test_an_invalid_edit_is_reported_even_with_a_cached_valid_rulebook(cache_dir, rules_copy):
    load_rulebook(rules_copy)
    (rules_copy / "rules.yaml").write_text("rules: [")
    with pytest.raises(UserError, match=r"rules\.yaml"):
        load_rulebook(rules_copy)


def tamper(path: Path, change) -> None:
    path.write_bytes(change(path.read_bytes()))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda b: b[: len(b) // 2], id="truncated"),
        pytest.param(lambda b: b[:-40] + bytes(x ^ 0xFF for x in b[-40:]), id="payload flipped"),
        pytest.param(lambda b: b"", id="empty"),
        pytest.param(lambda b: b.replace(b"orchestration", b"choreographyX", 1), id="payload edited"),
    ],
)
def test_a_tampered_or_truncated_entry_is_rejected_and_rebuilt(cache_dir, rules_copy, change):
    good = advice(rules_copy)
    (entry,) = entries(cache_dir)
    tamper(entry, change)
    assert advice(rules_copy) == good
    key = cache.cache_key(load_rulebook(rules_copy).texts, str(rules_copy))
    assert cache.read_entry(cache_dir, key) is not None  # rewritten whole


def test_a_forged_entry_without_the_secret_is_rejected(cache_dir, rules_copy):
    """An entry whose payload was replaced and its checksum recomputed without the per-user secret."""
    import dataclasses
    import hashlib
    import pickle

    rulebook = load_rulebook(rules_copy)
    key = cache.cache_key(rulebook.texts, str(rules_copy))
    forged = dataclasses.replace(rulebook, version="forged", program=None, visibility=None)
    payload = pickle.dumps(forged)
    mac = hashlib.sha256(key.encode() + b"\0" + payload).digest()
    cache.entry_path(cache_dir, key).write_bytes(cache.MAGIC + key.encode() + b"\n" + mac + payload)
    assert cache.read_entry(cache_dir, key) is None
    assert load_rulebook(rules_copy).version == rulebook.version


def test_an_entry_of_another_key_is_rejected(cache_dir, rules_copy, tmp_path):
    """An entry copied over the file of another rulebook's key (same secret) is not served for it."""
    load_rulebook(rules_copy)
    (entry,) = entries(cache_dir)
    other = tmp_path / "other"
    other.mkdir()
    for f in rules_copy.glob("*.yaml"):
        (other / f.name).write_bytes(f.read_bytes())
    rules = other / "rules.yaml"
    rules.write_text(rules.read_text() + "\n# a comment\n")
    key = cache.cache_key({f.name: f.read_bytes() for f in other.glob("*.yaml")}, str(other))
    cache.entry_path(cache_dir, key).write_bytes(entry.read_bytes())
    assert cache.read_entry(cache_dir, key) is None
    assert load_rulebook(other).texts["rules.yaml"] == rules.read_bytes()


def test_an_unwritable_cache_costs_only_the_speed_up(tmp_path, monkeypatch, rules_copy):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker / "cache"))
    assert load_rulebook(rules_copy).rules


def test_the_cli_gives_the_same_json_cold_and_warm(tmp_path):
    env = {"ADVISOR_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "advisor", "recommend", str(EXAMPLE), "--format", "json"]
    runs = [subprocess.run(command, capture_output=True, check=True, env=env, cwd=ROOT).stdout for _ in range(2)]
    off = subprocess.run(command, capture_output=True, check=True, env=env | {"ADVISOR_CACHE": "off"}, cwd=ROOT)
    assert runs[0] == runs[1] == off.stdout
    assert json.loads(runs[0])
    assert list((tmp_path / "cache").glob("rulebook-*.bin"))


def test_the_cache_keeps_only_the_newest_entries(cache_dir, rules_copy, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    rules = rules_copy / "rules.yaml"
    for i in range(5):
        rules.write_text(rules.read_text() + f"\n# edit {i}\n")
        load_rulebook(rules_copy)
    assert len(entries(cache_dir)) == 3
    assert load_rulebook(rules_copy).texts["rules.yaml"] == rules.read_bytes()
