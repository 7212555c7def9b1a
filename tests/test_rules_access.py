"""Who may change the rulebook, enforced where it is written (advisor.authoring), and who did: a viewer's save,
restore or install is refused with nothing written; every change records who made it. On a scratch copy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from advisor.access import PERMISSIONS, AccessDenied, Actor, Policy, actor_for
from advisor.authoring import changelog
from advisor.authoring.bundle import install_zip, to_zip
from advisor.authoring.history import read_file, restore, rulebook_hash, save
from advisor.rulebook.loading import load_rulebook, read_texts

ROOT = Path(__file__).resolve().parent.parent
EDITOR = Actor("alice@example.org", "alice@example.org", "editor", PERMISSIONS["editor"], "signed-in", "")
VIEWER = Actor("vic@example.org", "vic@example.org", "viewer", PERMISSIONS["viewer"], "signed-in", "")
ASSESSOR = Actor("bob@example.org", "bob@example.org", "assessor", PERMISSIONS["assessor"], "signed-in", "")
ANONYMOUS = actor_for(Policy(allow_anonymous_saves=True), auth_configured=False, address="0.0.0.0", user=None)
NOT_SIGNED_IN = actor_for(Policy(), auth_configured=True, address="127.0.0.1", user=None)
REFUSED = [VIEWER, ASSESSOR, ANONYMOUS, NOT_SIGNED_IN]


def every_file(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def edited(directory: Path) -> tuple[bytes, str]:
    state = read_file(directory, "rules.yaml")
    return state.text.replace(b"rationale:", b"rationale: (edited)", 1), state.hash


def other_rulebook_zip(directory: Path) -> bytes:
    """A valid rulebook zip that says something else (as the zip of the attack did)."""
    texts = read_texts(directory)
    texts["rules.yaml"] = texts["rules.yaml"].replace(b"rationale:", b"rationale: (installed)", 1)
    return to_zip(texts)


@pytest.mark.parametrize("actor", REFUSED, ids=lambda a: a.label)
def test_a_save_by_anyone_but_an_editor_is_refused_and_nothing_is_written(rules_copy, actor):
    text, base = edited(rules_copy)
    before = every_file(rules_copy)
    with pytest.raises(AccessDenied, match=r"may not change the rulebook"):
        save(rules_copy, "rules.yaml", text, base, by=actor)
    assert every_file(rules_copy) == before


@pytest.mark.parametrize("actor", REFUSED, ids=lambda a: a.label)
def test_a_restore_by_anyone_but_an_editor_is_refused_and_nothing_is_written(rules_copy, actor):
    text, base = edited(rules_copy)
    save(rules_copy, "rules.yaml", text, base, by=EDITOR)
    before = every_file(rules_copy)
    with pytest.raises(AccessDenied):
        restore(rules_copy, "rules.yaml", 1, by=actor)
    assert every_file(rules_copy) == before


@pytest.mark.parametrize("actor", REFUSED, ids=lambda a: a.label)
def test_an_install_by_anyone_but_an_editor_is_refused_and_nothing_is_written(rules_copy, actor):
    raw = other_rulebook_zip(rules_copy)
    before = every_file(rules_copy)
    with pytest.raises(AccessDenied):
        install_zip(rules_copy, raw, rulebook_hash(rules_copy), by=actor)
    assert every_file(rules_copy) == before


def test_every_change_records_who_made_it_newest_first(rules_copy):
    text, base = edited(rules_copy)
    save(rules_copy, "rules.yaml", text, base, by=EDITOR)
    restore(rules_copy, "rules.yaml", 1, by=EDITOR)
    install_zip(rules_copy, other_rulebook_zip(rules_copy), rulebook_hash(rules_copy), by=EDITOR)
    log = changelog.changes(rules_copy)
    assert [(c.by, c.action) for c in log] == [
        ("alice@example.org", "install"),
        ("alice@example.org", "restore (version 1)"),
        ("alice@example.org", "save"),
    ]
    assert log[2].files[0] == "rules.yaml" and log[2].kept == {"rules.yaml": 1}
    assert log[0].version == load_rulebook(rules_copy).version


def test_a_save_that_changes_nothing_records_nothing(rules_copy):
    state = read_file(rules_copy, "rules.yaml")
    save(rules_copy, "rules.yaml", state.text, state.hash, by=EDITOR)
    assert changelog.changes(rules_copy) == []


def test_a_hand_edited_change_log_is_read_past_its_bad_lines(rules_copy):
    text, base = edited(rules_copy)
    save(rules_copy, "rules.yaml", text, base, by=EDITOR)
    log = rules_copy / ".history" / "changes.jsonl"
    log.write_text("not json\n" + log.read_text() + '{"at": "x"}\n[1]\n')
    assert [c.by for c in changelog.changes(rules_copy)] == ["alice@example.org"]


def test_the_change_log_keeps_a_bounded_number_of_records(rules_copy, monkeypatch):
    monkeypatch.setattr(changelog, "KEEP_CHANGES", 3)
    for i in range(5):
        changelog.append(rules_copy, changelog.Change(float(i), f"user{i}", "save", ("rules.yaml",), "1.0.0"))
    assert [c.by for c in changelog.changes(rules_copy)] == ["user4", "user3", "user2"]


def test_a_restore_from_the_command_line_records_the_local_user(rules_copy):
    text, base = edited(rules_copy)
    save(rules_copy, "rules.yaml", text, base, by=EDITOR)
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "rules", "restore", str(rules_copy), "rules.yaml", "--version", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert changelog.changes(rules_copy)[0].by.endswith("(command line)")
