"""A vanished, read-only or locked store (docs/bad-input.md, "A vanished or read-only store"): SQLite files
that are deleted, made read-only or locked by another program while the app runs. Every save is then refused
with a message that says why; none is reported as saved unless it reached the file read at the next start."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time

import pytest

from advisor.engine.answers import Answers
from advisor.engine.assessment import assess
from advisor.errors import UserError
from advisor.saved.store import Store
from advisor.saved.tables import BUSY_TIMEOUT


@pytest.fixture
def assessment(rulebook):
    return assess(rulebook, Answers({"ordering": "strict"}, (), "Order checkout"))


@pytest.fixture
def revised(rulebook):
    """The assessment after an edit: saving it needs a new version (the same answers again would not)."""
    return assess(rulebook, Answers({"ordering": "none"}, (), "Order checkout"))


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "data"
    path.mkdir()
    return path


def test_a_save_after_the_databases_directory_was_deleted_is_refused_not_reported_as_saved(
    folder, rulebook, assessment
):
    store = Store(f"sqlite:///{folder / 'assessments.db'}")
    store.save("Order checkout", assessment, rulebook)

    shutil.rmtree(folder)
    with pytest.raises(UserError, match="was deleted or moved while the app runs, so nothing was saved"):
        store.save("Order checkout", assessment, rulebook)
    with pytest.raises(UserError, match="deleted or moved"):
        store.list_all()


def test_a_save_after_the_database_file_was_replaced_is_refused(folder, rulebook, assessment):
    path = folder / "assessments.db"
    store = Store(f"sqlite:///{path}")
    store.save("Order checkout", assessment, rulebook)

    os.replace(path, folder / "moved.db")
    path.write_bytes(b"")  # another file now at the path
    with pytest.raises(UserError, match="deleted or moved"):
        store.save("Order checkout", assessment, rulebook)


def test_a_save_to_a_read_only_database_says_so_and_saves_nothing(folder, rulebook, assessment, revised):
    path = folder / "assessments.db"
    Store(f"sqlite:///{path}").save("Order checkout", assessment, rulebook)
    store = Store(f"sqlite:///file:{path}?mode=ro&uri=true")

    with pytest.raises(UserError, match=r"is read-only, so nothing was saved; make the file and its directory"):
        store.save("Order checkout", revised, rulebook)
    assert [s.versions for s in store.list_all()] == [1]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files; the mode=ro test covers it")
def test_a_save_to_a_database_file_made_read_only_says_so(folder, rulebook, assessment):
    path = folder / "assessments.db"
    store = Store(f"sqlite:///{path}")
    store.save("Order checkout", assessment, rulebook)
    store.close()
    for p in folder.iterdir():
        p.chmod(0o444)
    folder.chmod(0o555)
    try:
        with pytest.raises(UserError, match=r"read-only|cannot be used"):
            Store(f"sqlite:///{path}").save("Order checkout", assessment, rulebook)
    finally:
        folder.chmod(0o755)


def test_a_save_while_another_program_holds_the_write_lock_fails_fast_naming_the_lock(
    folder, rulebook, assessment, revised
):
    path = folder / "assessments.db"
    store = Store(f"sqlite:///{path}")
    store.save("Order checkout", assessment, rulebook)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(UserError, match=rf"locked by another program \(waited {BUSY_TIMEOUT} s\), so nothing"):
            store.save("Order checkout", revised, rulebook)
        assert time.monotonic() - started < BUSY_TIMEOUT + 3
    finally:
        other.rollback()
        other.close()
    assert [s.versions for s in store.list_all()] == [1]
    assert store.save("Order checkout", revised, rulebook).version.number == 2


@pytest.mark.parametrize(
    "url", ["postgresql://reader:s3cret-pw@127.0.0.1:1/assessments", "nosuchdb://reader:s3cret-pw@host/x"]
)
def test_a_database_that_cannot_be_opened_is_named_without_its_password(url):
    # The message reaches the Saved page and the terminal: the URL is named, its password is not.
    with pytest.raises(UserError) as caught:
        Store(url)
    message = str(caught.value)
    assert "s3cret-pw" not in message and "reader" in message
