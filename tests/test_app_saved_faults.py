"""The Saved assessments page when its database is deleted, locked or read-only while the app runs (AppTest): the
save is refused with the reason, never reported as saved, and no traceback reaches the page."""

from __future__ import annotations

import shutil
import sqlite3

from app_helpers import ROOT, example, texts
from streamlit.testing.v1 import AppTest

from advisor.engine.answers import to_query_params

APP = ROOT / "advisor" / "web" / "app.py"


def open_saved(monkeypatch, url: str, **changed: str) -> AppTest:
    """The Saved page with the checkout example's answers (`changed`: share-link parameters replaced)."""
    monkeypatch.setenv("ADVISOR_DB_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in {**to_query_params(example("order-checkout")), **changed}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/saved.py").run()
    return at


def save(at: AppTest) -> AppTest:
    at.button(key="saved-save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_save_after_the_databases_directory_was_deleted_says_so_and_never_says_saved(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    at = open_saved(monkeypatch, f"sqlite:///{folder / 'assessments.db'}")
    assert "Saved version 1" in texts(save(at))

    shutil.rmtree(folder)
    save(at)

    assert "Saved version 2" not in texts(at)
    assert "Not saved: the assessments database" in texts(at)
    assert "was deleted or moved while the app runs, so nothing was saved" in texts(at)


def test_a_save_while_the_database_is_locked_says_so_within_seconds(tmp_path, monkeypatch):
    path = tmp_path / "assessments.db"
    at = open_saved(monkeypatch, f"sqlite:///{path}")
    save(at)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        save(at)
    finally:
        other.rollback()
        other.close()

    assert "Not saved: the assessments database is locked by another program" in texts(at)
    assert "Saved version 2" not in texts(at)


def test_a_save_to_a_read_only_database_says_so(tmp_path, monkeypatch):
    path = tmp_path / "assessments.db"
    save(open_saved(monkeypatch, f"sqlite:///{path}"))
    # an edit (saving the same answers again would need no write)
    at = open_saved(monkeypatch, f"sqlite:///file:{path}?mode=ro&uri=true", ordering="none")

    save(at)

    assert "is read-only, so nothing was saved" in texts(at)
    assert "Saved version" not in texts(at)
