"""The Rules page with the rulebook in a database (ADVISOR_RULES_URL), in Streamlit's AppTest: save, history and
restore go to the database; a session sees another replica's save at its next interaction; a tampered current
version is never served and the last good rulebook stays active."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from advisor.authoring import rulesdb
from advisor.authoring.history import commit, read_file, save
from advisor.authoring.location import RulesDatabase
from advisor.rulebook.loading import FILES
from tests.rulebook_db_helpers import rules_url  # noqa: F401 (fixture)
from tests.test_rules_page import edit, messages, next_patch, open_page, shown, version_of


def publish(url: str, directory) -> None:
    commit(RulesDatabase(url), {n: (directory / n).read_bytes() for n in FILES}, action="push")


def test_the_rules_page_saves_to_the_database_and_restores_from_it(rules_url, rules_copy):  # noqa: F811
    publish(rules_url, rules_copy)
    where = RulesDatabase(rules_url)
    original = read_file(where, "rules.yaml").text
    at = open_page()
    assert "#1" not in shown(at.caption[0].value) and "rules" in shown(at.caption[0].value)
    edit(at, "hybrid_links: 2", "hybrid_links: 3")
    v0 = version_of(original.decode())
    at.button(key="rules-save").click().run()
    assert (
        f"Saved rules.yaml. The previous version is kept as version 1. The rulebook's version was raised from "
        f"{v0} to {next_patch(v0)}."
    ) in messages(at, "success")
    saved = read_file(where, "rules.yaml").text
    assert b"hybrid_links: 3" in saved and at.text_area(key="rules-editor").value.encode() == saved
    changes = [d.value for d in at.dataframe if d.value.columns[0] == "at (UTC)"]
    assert list(changes[0]["change"]) == ["save", "push"]  # who changed it, newest first, from the database

    at.selectbox(key="rules-restore-version").select(1).run()
    at.button(key="rules-restore").click().run()
    assert any(m.startswith("Restored version 1 of rules.yaml.") for m in messages(at, "success"))
    restored = read_file(where, "rules.yaml").text
    assert b"hybrid_links: 2" in restored and version_of(restored.decode()) == next_patch(next_patch(v0))
    assert [v.number for v in rulesdb.store_for(where).versions()] == [1, 2, 3]


def test_a_session_sees_another_replicas_save_at_its_next_interaction(rules_url, rules_copy):  # noqa: F811
    publish(rules_url, rules_copy)
    at = open_page()
    before = version_of((rules_copy / "rules.yaml").read_text())
    assert f"version {before}" in shown(at.caption[0].value)
    where = RulesDatabase(rules_url)
    state = read_file(where, "styles.yaml")
    save(where, "styles.yaml", state.text + b"# another replica\n", state.hash)  # as replica B would
    at.run()
    assert f"version {next_patch(before)}" in shown(at.caption[0].value)


def test_a_tampered_current_version_is_not_served_and_the_last_good_rulebook_stays(rules_url, rules_copy):  # noqa: F811
    publish(rules_url, rules_copy)
    at = open_page()
    where = RulesDatabase(rules_url)
    state = read_file(where, "styles.yaml")
    save(where, "styles.yaml", state.text + b"# two\n", state.hash)
    engine = sa.create_engine(rules_url)
    with engine.begin() as db:
        db.execute(sa.text("UPDATE rulebook_versions SET texts = REPLACE(texts, '# two', '# six') WHERE number = 2"))
    engine.dispose()
    at.run()
    assert not at.exception
    good = version_of((rules_copy / "rules.yaml").read_text())
    assert f"version {good}" in shown(at.caption[0].value)  # the last good one, not the tampered one
    assert any("keeps using the last good rulebook" in w for w in messages(at, "warning"))
    assert any("does not match its recorded hash" in e for e in messages(at, "error"))
    # The editor starts from the newest version that checks, so a save over the tampered one repairs the rulebook
    edit(at, "hybrid_links: 2", "hybrid_links: 3")
    at.button(key="rules-save").click().run()
    assert any(m.startswith("Saved rules.yaml.") for m in messages(at, "success"))
    repaired = rulesdb.current_rulebook(RulesDatabase(rules_url))
    assert repaired.decision.hybrid_links == 3 and b"# six" not in repaired.texts["styles.yaml"]


@pytest.fixture(autouse=True)
def plain_editor(monkeypatch):
    """AppTest cannot drive the Rules page's code editor (a custom component, in an iframe): these tests run the
    page with its fallback, the plain text area (ADVISOR_PLAIN_EDITOR, as when the component is not installed).
    tests/e2e/test_rules_drafts_browser.py drives the real editor in Chromium."""
    monkeypatch.setenv("ADVISOR_PLAIN_EDITOR", "1")
