"""The Rules editor's drafts in AppTest, through the real router (app.py): an unsaved edit survives going to another
page and back, Discard forgets it, a save still writes, and a draft whose file changed on disk is refused.
Always on a scratch copy of rules/ ($ADVISOR_RULES)."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import APP, TIMEOUT, texts
from streamlit.testing.v1 import AppTest

RULES_PAGE = "pages/rules.py"
OTHER_PAGE = "pages/diagram.py"
EDIT = ("rationale:", "rationale: (draft)")


@pytest.fixture
def rules_dir(rules_copy: Path, monkeypatch) -> Path:
    monkeypatch.setenv("ADVISOR_RULES", str(rules_copy))
    return rules_copy


def open_rules() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(RULES_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def type_edit(at: AppTest) -> str:
    editor = at.text_area(key="rules-editor")
    edited = editor.value.replace(*EDIT, 1)
    editor.input(edited).run()
    assert not at.exception, [e.value for e in at.exception]
    return edited


def away_and_back(at: AppTest) -> AppTest:
    at.switch_page(OTHER_PAGE).run()
    assert not [t for t in at.text_area if t.key == "rules-editor"]  # the editor is really gone from the page
    at.switch_page(RULES_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def draft_notes(at: AppTest) -> list[str]:
    return [line for line in texts(at).splitlines() if line.startswith("Draft")]


def test_an_unsaved_edit_is_still_in_the_editor_after_visiting_another_page(rules_dir):
    at = open_rules()
    edited = type_edit(at)
    away_and_back(at)
    assert at.text_area(key="rules-editor").value == edited
    (note,) = draft_notes(at)
    assert note.startswith("Draft, not saved: your edit of rules.yaml, started from version ")
    assert not at.button(key="rules-save").disabled
    assert "the whole file" not in texts(at)  # the old symptom: an empty editor, "file is empty"


def test_the_chosen_file_and_its_draft_survive_the_visit_too(rules_dir):
    at = open_rules()
    at.selectbox(key="rules-file").select("questions.yaml").run()
    edited = type_edit(at)
    away_and_back(at)
    assert at.selectbox(key="rules-file").value == "questions.yaml"
    assert at.text_area(key="rules-editor").value == edited


def test_each_file_keeps_its_own_draft(rules_dir):
    at = open_rules()
    edited_rules = type_edit(at)
    at.selectbox(key="rules-file").select("questions.yaml").run()
    assert at.text_area(key="rules-editor").value == (rules_dir / "questions.yaml").read_text()
    assert "Unsaved drafts of other files: rules.yaml" in texts(at)
    at.selectbox(key="rules-file").select("rules.yaml").run()
    assert at.text_area(key="rules-editor").value == edited_rules


def test_discard_forgets_the_draft_and_shows_the_file_on_disk(rules_dir):
    at = open_rules()
    type_edit(at)
    at.button(key="rules-discard").click().run()
    assert at.text_area(key="rules-editor").value == (rules_dir / "rules.yaml").read_text()
    assert not draft_notes(at)
    assert at.button(key="rules-discard").disabled and at.button(key="rules-save").disabled
    away_and_back(at)
    assert at.text_area(key="rules-editor").value == (rules_dir / "rules.yaml").read_text()


def test_a_draft_kept_across_pages_is_saved_to_disk(rules_dir):
    at = open_rules()
    type_edit(at)
    away_and_back(at)
    at.button(key="rules-save").click().run()
    on_disk = (rules_dir / "rules.yaml").read_text()
    assert "rationale: (draft)" in on_disk
    assert at.text_area(key="rules-editor").value == on_disk  # the editor is at the new base
    assert not draft_notes(at)


def test_a_draft_whose_file_changed_on_disk_meanwhile_is_refused_and_kept(rules_dir):
    at = open_rules()
    edited = type_edit(at)
    at.switch_page(OTHER_PAGE).run()
    someone_else = (rules_dir / "rules.yaml").read_text().replace("hybrid_links: 2", "hybrid_links: 3", 1)
    (rules_dir / "rules.yaml").write_text(someone_else)
    at.switch_page(RULES_PAGE).run()
    assert any("changed on disk since you opened it" in w.value for w in at.warning)
    assert at.text_area(key="rules-editor").value == edited  # still the draft, not the new file
    at.button(key="rules-save").click().run()
    assert any("your edit was NOT saved" in e.value for e in at.error)
    assert (rules_dir / "rules.yaml").read_text() == someone_else
    assert at.text_area(key="rules-editor").value == edited


def test_an_untouched_editor_follows_the_file_on_disk(rules_dir):
    at = open_rules()
    changed = (rules_dir / "rules.yaml").read_text().replace("hybrid_links: 2", "hybrid_links: 3", 1)
    (rules_dir / "rules.yaml").write_text(changed)
    at.run()
    assert at.text_area(key="rules-editor").value == changed
    assert not any("changed on disk" in w.value for w in at.warning)


@pytest.fixture(autouse=True)
def plain_editor(monkeypatch):
    """AppTest cannot drive the Rules page's code editor (a custom component, in an iframe): these tests run the
    page with its fallback, the plain text area (ADVISOR_PLAIN_EDITOR, as when the component is not installed).
    tests/e2e/test_rules_drafts_browser.py drives the real editor in Chromium."""
    monkeypatch.setenv("ADVISOR_PLAIN_EDITOR", "1")
