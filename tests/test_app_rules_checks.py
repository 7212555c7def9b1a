"""The Rules page under issue 13: an uploaded or edited rulebook is checked once, not at every rerun; a zip install
is refused when someone else saved since the upload was shown; a bound past what a browser can represent never
reaches the questionnaire. In Streamlit's AppTest, on a scratch copy of rules/ ($ADVISOR_RULES)."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from app_helpers import open_app, texts
from streamlit.testing.v1 import AppTest

from advisor.authoring.bundle import to_zip
from advisor.rulebook import book
from advisor.rulebook.formats import MAX_SAFE_INTEGER
from advisor.rulebook.loading import read_texts

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "advisor" / "web" / "pages" / "rules.py"


@pytest.fixture
def rules_dir(rules_copy: Path, monkeypatch) -> Path:
    monkeypatch.setenv("ADVISOR_RULES", str(rules_copy))
    return rules_copy


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """Counts every rulebook compiled (every `build_rulebook` that validates) while the test runs."""
    calls: list[int] = []
    compile_rules = book.compile_rules

    def counting(*args, **kwargs):
        calls.append(1)
        return compile_rules(*args, **kwargs)

    monkeypatch.setattr(book, "compile_rules", counting)  # where `build_rulebook` assembles the rulebook
    return calls


def open_page() -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rewrite(path: Path, data: bytes) -> None:
    """Write and move the modification time on, as another editor's save does (coarse clocks could hide it)."""
    stat = path.stat()
    path.write_bytes(data)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def upload(at: AppTest, rules_dir: Path) -> AppTest:
    """Upload a valid zip of the rulebook with a change of its own (a comment no other test writes)."""
    mine = read_texts(rules_dir)
    mine["rules.yaml"] += f"# my change {uuid.uuid4()}\n".encode()
    at.file_uploader(key="rules-upload").set_value(("mine.zip", to_zip(mine), "application/zip")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest, kind: str) -> str:
    return " ".join(re.sub(r"\\(.)", r"\1", e.value) for e in getattr(at, kind))


def test_an_uploaded_zip_is_checked_once_however_often_the_page_reruns(rules_dir, builds):
    at = upload(open_page(), rules_dir)
    assert "mine.zip is a valid rulebook" in shown(at, "success")
    checked = len(builds)

    at.run()
    at.run()

    assert not at.exception
    assert len(builds) == checked


def test_an_edited_rule_file_is_checked_once_however_often_the_page_reruns(rules_dir, builds):
    at = open_page()
    editor = at.text_area(key="rules-editor")
    editor.input(editor.value + f"# an edit {uuid.uuid4()}\n").run()
    assert "Valid:" in shown(at, "success")
    checked = len(builds)

    at.run()
    at.run()

    assert len(builds) == checked


def test_a_zip_install_after_someone_else_saved_is_refused_and_their_save_survives(rules_dir):
    at = upload(open_page(), rules_dir)
    theirs = (rules_dir / "rules.yaml").read_bytes() + b"# their save\n"
    rewrite(rules_dir / "rules.yaml", theirs)  # another session saves while this one looks at the upload

    at.button(key="rules-install").click().run()

    assert not at.exception, [e.value for e in at.exception]
    assert (rules_dir / "rules.yaml").read_bytes() == theirs
    assert "the rulebook changed on disk since you loaded it" in shown(at, "error")
    assert "Installed" not in shown(at, "success")


def test_a_zip_install_with_nothing_changed_since_the_upload_is_installed(rules_dir):
    at = upload(open_page(), rules_dir)

    at.button(key="rules-install").click().run()

    assert "Installed" in shown(at, "success")
    assert b"# my change" in (rules_dir / "rules.yaml").read_bytes()


def test_a_bound_past_what_a_browser_can_represent_keeps_the_questionnaire_on_the_last_good_rulebook(rules_dir):
    at = open_app()
    questions = (rules_dir / "questions.yaml").read_bytes()
    assert b"maximum: 100\n" in questions, "test setup: the teams question's bound"

    rewrite(rules_dir / "questions.yaml", questions.replace(b"maximum: 100\n", b"maximum: 1152921504606846976\n", 1))
    at.run()

    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="teams").max == 100
    assert "last good rulebook" in texts(at)
    assert (
        "questions.yaml:122:14: questions[10].maximum: bound 1152921504606846976 is beyond what a browser can represent"
        in at.code[0].value
    )


def test_the_questionnaire_draws_the_widest_bounds_a_browser_can_represent(rules_dir):
    questions = (rules_dir / "questions.yaml").read_bytes()
    widest = f"minimum: {-MAX_SAFE_INTEGER}\n    maximum: {MAX_SAFE_INTEGER}\n".encode()
    rewrite(rules_dir / "questions.yaml", questions.replace(b"minimum: 1\n    maximum: 100\n", widest, 1))

    at = open_app()

    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="teams").max == MAX_SAFE_INTEGER


@pytest.fixture(autouse=True)
def plain_editor(monkeypatch):
    """AppTest cannot drive the Rules page's code editor (a custom component, in an iframe): these tests run the
    page with its fallback, the plain text area (ADVISOR_PLAIN_EDITOR, as when the component is not installed).
    tests/e2e/test_rules_drafts_browser.py drives the real editor in Chromium."""
    monkeypatch.setenv("ADVISOR_PLAIN_EDITOR", "1")
