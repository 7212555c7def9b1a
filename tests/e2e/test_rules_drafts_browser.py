"""The Rules editor's draft in a real browser (headless Chromium, the real app and router, the real code editor:
Ace inside the streamlit-code-editor iframe): an edit typed in the editor is still there, and still unsaved, after
going to another page and back; Discard removes it; a save writes the file; an invalid edit shows the line of the
error, and the editor's gutter marks that line. On a scratch copy of rules/ ($ADVISOR_RULES)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import ace_editor as ace
import pytest
from browser import running_app, wait_for_app
from playwright.sync_api import expect
from web import NAV

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent.parent
TIMEOUT = 60_000  # a loaded shared machine; waits end as soon as the page is ready


@pytest.fixture
def scratch_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    target.mkdir()
    for path in (ROOT / "rules").glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def app(scratch_rules: Path):
    with running_app({"ADVISOR_RULES": str(scratch_rules)}) as url:
        yield url


def go_to(page, title: str) -> None:
    """Click a page in the sidebar navigation (no reload: the same Streamlit session)."""
    page.locator(NAV).get_by_text(title, exact=True).click()
    wait_for_app(page)


def commit(page, text: str) -> None:
    """Type `text` into the editor and click outside it, as a user does: the editor sends its text on blur;
    wait until the page says the draft is kept. Why not straight to the navigation: a click on another page
    while the editor still has focus is taken by the blur's own rerun (Streamlit), and the user clicks again."""
    ace.replace_all(page, text)
    ace.blur(page)
    wait_for_app(page)
    page.get_by_text(re.compile(r"^Draft, not saved: ")).wait_for(timeout=TIMEOUT)


def button(page, key: str):
    return page.locator(f".st-key-{key} button:visible").first


def test_a_typed_draft_survives_another_page_and_can_be_discarded_or_saved(app, page, scratch_rules):
    original = (scratch_rules / "rules.yaml").read_text()
    page.goto(app)
    wait_for_app(page)
    go_to(page, "Rules")
    ace.wait_for_editor(page)
    edited = original.replace("rationale:", "rationale: (draft)", 1)
    commit(page, edited)

    # to another page and back
    go_to(page, "Diagram")
    expect(page.locator(ace.EDITOR)).to_have_count(0, timeout=TIMEOUT)
    go_to(page, "Rules")
    ace.wait_for_editor(page)
    ace.expect_text(page, edited)
    page.get_by_text(re.compile(r"^Draft, not saved: your edit of rules\.yaml, started from version ")).wait_for(
        timeout=TIMEOUT
    )
    assert (scratch_rules / "rules.yaml").read_text() == original  # still unsaved

    # discard: the editor shows the file on disk, and so it stays after another visit
    button(page, "rules-discard").click()
    ace.expect_text(page, original)
    go_to(page, "Diagram")
    go_to(page, "Rules")
    ace.wait_for_editor(page)
    ace.expect_text(page, original)
    expect(page.get_by_text(re.compile(r"^Draft, not saved"))).to_have_count(0, timeout=TIMEOUT)

    # an invalid edit: the error names its line, and the editor's gutter marks it
    strict = "value: strict}\n    effect: {orchestration: 3}"
    broken = original.replace(strict, strict.replace("strict}", "strictly}"), 1)
    ace.replace_all(page, broken)
    ace.blur(page)  # the editor sends its text
    wait_for_app(page)
    line = original[: original.index(strict)].count("\n") + 1
    page.get_by_text(re.compile(rf"^Line {line}, column \d+: .*invalid value 'strictly'")).wait_for(timeout=TIMEOUT)
    assert button(page, "rules-save").is_disabled()
    ace.wait_for_error_mark(page, line)
    assert ace.error_lines(page) == [line]  # that line only

    # a save after a visit elsewhere writes the draft to disk
    commit(page, edited)
    go_to(page, "Diagram")
    go_to(page, "Rules")
    ace.wait_for_editor(page)
    ace.expect_text(page, edited)
    button(page, "rules-save").click()
    page.get_by_text(re.compile(r"^Saved rules\.yaml\.")).wait_for(timeout=TIMEOUT)
    assert "rationale: (draft)" in (scratch_rules / "rules.yaml").read_text()


def test_the_code_editor_fetches_nothing_from_other_hosts(app, page):
    # Why: the component's own Ace themes @import a font from fonts.googleapis.com (advisor/web/rules_code.py)
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith((app, "data:", "blob:")) else None)
    page.goto(f"{app}/rules")
    wait_for_app(page)
    ace.wait_for_editor(page)
    ace.ace(page).locator(".ace_text-layer .ace_line").first.wait_for(timeout=TIMEOUT)
    assert ace.ace(page).evaluate("e => e.env.editor.getTheme()") == "ace/theme/github"
    assert elsewhere == []
