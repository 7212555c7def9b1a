"""The Rules page in a real browser (headless Chromium): edit a rule, see the validation error, fix it, see the
impact preview, save, restore, and hit the stale-save refusal from a second session. The server runs on a
scratch copy of rules/ ($ADVISOR_RULES), never on the repository's files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import ace_editor as ace
import pytest
from browser import launch_chromium, running_app, wait_for_app

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
STRICT_EFFECT = "value: strict}\n    effect: {orchestration: 3}"
TIMEOUT = 30_000


@pytest.fixture
def scratch_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    target.mkdir()
    for path in (ROOT / "rules").glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def app(scratch_rules: Path):
    with running_app({"ADVISOR_RULES": str(scratch_rules)}) as url:  # the real app (app.py, its router)
        yield f"{url}/rules"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


def with_version(rules_yaml: str, steps: int) -> str:
    """`rules_yaml` with its version's patch number raised `steps` times: what a save writes (every save that
    changes the rulebook raises it; a restore too, since versions only go up)."""
    old = re.search(r"^version: (\d+)\.(\d+)\.(\d+)$", rules_yaml, re.M)
    new = f"version: {old.group(1)}.{old.group(2)}.{int(old.group(3)) + steps}"
    return rules_yaml.replace(old.group(0), new, 1)


def open_session(browser, url: str):
    """A new browser context is a new Streamlit session."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    wait_for_app(page)
    ace.wait_for_editor(page)
    return page


def type_yaml(page, text: str) -> None:
    """Replace the editor's text (Ace, the real code editor) and commit it, as a user does: it sends its text when it
    loses focus; wait until the server has it (the editor is reloaded from the draft, so compare with the draft)."""
    ace.replace_all(page, text)
    ace.blur(page)  # blur: the component sends its text and Streamlit reruns
    wait_for_app(page)


def button(page, key: str):
    """The visible button of the widget with this key (a button with help text has a hidden twin)."""
    return page.locator(f".st-key-{key} button:visible").first


def editor_text(page) -> str:
    return ace.text(page)


def test_edit_validate_fix_preview_save_restore_and_stale_save_in_a_real_browser(app, browser, scratch_rules):
    original = (scratch_rules / "rules.yaml").read_text()
    alice, bob = open_session(browser, app), open_session(browser, app)
    assert editor_text(alice) == original

    # an invalid edit: the error names its line; the save button stays disabled
    type_yaml(alice, original.replace(STRICT_EFFECT, STRICT_EFFECT.replace("strict}", "strictly}"), 1))
    line = original[: original.index(STRICT_EFFECT)].count("\n") + 1
    alert = alice.get_by_text(
        re.compile(
            rf"^Line {line}, column \d+: rules\[0\]\.when\.value: invalid value "
            r"'strictly' for 'ordering'"
        )
    )
    alert.wait_for(timeout=TIMEOUT)
    assert button(alice, "rules-save").is_disabled()

    # fixed, with an effect that changes recommendations: valid, scenarios run, impact preview shown
    edited = original.replace(STRICT_EFFECT, "value: strict}\n    effect: {choreography: 20}", 1)
    type_yaml(alice, edited)
    alice.get_by_text(re.compile(r"^Valid: \d+ questions, \d+ rules, \d+ scenarios\. Not saved yet\.$")).wait_for(
        timeout=TIMEOUT
    )
    alice.get_by_text("Impact preview").wait_for(timeout=TIMEOUT)
    metric = alice.locator('[data-testid="stMetric"]', has_text="Recommendations that change")
    assert not re.search(r"\b0 of \d+", metric.inner_text())
    assert (scratch_rules / "rules.yaml").read_text() == original

    # save
    button(alice, "rules-save").click()
    alice.get_by_text("Saved rules.yaml. The previous version is kept as version 1.").wait_for(timeout=TIMEOUT)
    saved = with_version(edited, 1)
    assert (scratch_rules / "rules.yaml").read_text() == saved
    ace.expect_text(alice, saved)

    # a second session that opened the file before the save: its save is refused, with what changed
    type_yaml(bob, original.replace("hybrid_links: 2", "hybrid_links: 5"))
    # Why wait for the warning first: it says the server holds Bob's edit on its old base (a draft with edits keeps
    # it), and a click on Save while a rerun is still redrawing the page may be lost
    bob.get_by_text(re.compile("rules.yaml was changed on disk since you opened it")).wait_for(timeout=TIMEOUT)
    button(bob, "rules-save").click()
    bob.get_by_text(re.compile("was changed by someone else since you opened it")).wait_for(timeout=TIMEOUT)
    assert "+    effect: {choreography: 20}" in bob.locator('[data-testid="stCode"]').first.inner_text()
    assert (scratch_rules / "rules.yaml").read_text() == saved  # Alice's save survives
    assert "hybrid_links: 5" in editor_text(bob)  # and Bob's edit is still in his editor

    # restore the previous version from the History tab
    alice.get_by_role("tab", name="History").click()
    button(alice, "rules-restore").click()
    alice.get_by_text("Restored version 1 of rules.yaml. The replaced version is kept as version 2.").wait_for(
        timeout=TIMEOUT
    )
    restored = with_version(original, 2)  # the original rules, under a version above the one replaced
    assert (scratch_rules / "rules.yaml").read_text() == restored
    ace.expect_text(alice, restored)


def zip_of(entries: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(page, name: str, data: bytes) -> None:
    page.locator(".st-key-rules-upload input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/zip", "buffer": data}]
    )
    wait_for_app(page)


def test_uploading_a_rulebook_zip_refuses_a_bad_one_and_installs_a_good_one(app, browser, scratch_rules):
    texts = {p.name: p.read_bytes() for p in sorted(scratch_rules.glob("*.yaml"))}
    page = open_session(browser, app)
    page.get_by_role("tab", name="Upload & download").click()

    upload(page, "evil.zip", zip_of({**texts, "../questions.yaml": b"x: 1\n"}))
    page.get_by_text("evil.zip was refused; nothing was written.").wait_for(timeout=TIMEOUT)
    page.get_by_text(re.compile(r"a path outside the rulebook")).wait_for(timeout=TIMEOUT)
    assert {p.name: p.read_bytes() for p in sorted(scratch_rules.glob("*.yaml"))} == texts

    new_rules = texts["rules.yaml"].replace(b"hybrid_links: 2", b"hybrid_links: 8")
    upload(page, "team.zip", zip_of({**texts, "rules.yaml": new_rules}))
    page.get_by_text(re.compile(r"^team\.zip is a valid rulebook")).wait_for(timeout=TIMEOUT)
    button(page, "rules-install").click()
    page.get_by_text("Installed; files changed: rules.yaml. Previous versions are kept.").wait_for(timeout=TIMEOUT)
    assert (scratch_rules / "rules.yaml").read_text() == with_version(new_rules.decode(), 1)
    assert (scratch_rules / ".history" / "rules.yaml.1").read_bytes() == texts["rules.yaml"]
