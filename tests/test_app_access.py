"""Roles in the app (AppTest, with `at.user` as Streamlit's identity claims and `at.secrets` holding an `[auth]`
section): who sees the Rules page read-only, who may save and manage assessments, what the sidebar says, and what
an app exposed without sign-in allows. Scratch rulebook and database."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import APP, ROOT, dataframe_in, example, texts
from streamlit import config
from streamlit.testing.v1 import AppTest

from advisor.authoring import changelog
from advisor.authoring.bundle import to_zip
from advisor.authoring.history import read_file, save
from advisor.engine.answers import to_query_params
from advisor.rulebook.loading import read_texts

RULES_PAGE = ROOT / "advisor" / "web" / "pages" / "rules.py"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "advisor",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}
EDITOR = {"is_logged_in": True, "sub": "alice", "email": "alice@example.org", "email_verified": True}
VIEWER = {"is_logged_in": True, "sub": "eve", "email": "alice@example.org", "email_verified": False}
BOB = {"is_logged_in": True, "sub": "bob", "email": "bob@example.org", "email_verified": True}
CAROL = {"is_logged_in": True, "sub": "carol", "email": "carol@example.org", "email_verified": True}
SIGNED_OUT = {"is_logged_in": False}


@pytest.fixture(autouse=True)
def scratch(rules_copy: Path, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ADVISOR_RULES", str(rules_copy))
    monkeypatch.setenv("ADVISOR_DB_URL", f"sqlite:///{tmp_path / 'saved.db'}")
    monkeypatch.setenv("ADVISOR_RULE_EDITORS", "alice@example.org")
    return rules_copy


@pytest.fixture
def exposed():
    """The app as `make run ADDRESS=0.0.0.0` starts it."""
    config.set_option("server.address", "0.0.0.0")


def rules_page(user: dict | None = None, auth: bool = True, upload: bytes | None = None) -> AppTest:
    at = AppTest.from_file(str(RULES_PAGE), default_timeout=60)
    if auth:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    at.run()
    if upload is not None:
        at.file_uploader(key="rules-upload").set_value(("rules.zip", upload, "application/zip")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def edited_zip(rules: Path) -> bytes:
    texts_ = read_texts(rules)
    texts_["rules.yaml"] = texts_["rules.yaml"].replace(b"rationale:", b"rationale: (installed)", 1)
    return to_zip(texts_)


def keep_a_version(rules: Path) -> None:
    state = read_file(rules, "rules.yaml")
    save(rules, "rules.yaml", state.text.replace(b"rationale:", b"rationale: (v2)", 1), state.hash)


def edit_rule(at: AppTest) -> AppTest:
    editor = at.text_area(key="rules-editor")
    editor.input(editor.value.replace("rationale:", "rationale: (edited)", 1)).run()
    return at


@pytest.mark.parametrize("user", [None, SIGNED_OUT, VIEWER, BOB], ids=["anonymous", "signed-out", "unverified", "bob"])
def test_with_sign_in_configured_only_editors_get_an_enabled_save_restore_or_install(scratch, user):
    keep_a_version(scratch)
    at = edit_rule(rules_page(user, upload=edited_zip(scratch)))
    assert at.button(key="rules-save").disabled
    assert at.button(key="rules-restore").disabled
    assert at.button(key="rules-install").disabled
    assert "The rulebook is read-only for you" in texts(at)


def test_a_signed_in_editor_saves_and_the_history_shows_who(scratch):
    keep_a_version(scratch)
    at = edit_rule(rules_page(EDITOR, upload=edited_zip(scratch)))
    assert not at.button(key="rules-save").disabled
    assert not at.button(key="rules-restore").disabled and not at.button(key="rules-install").disabled
    at.button(key="rules-save").click().run()
    assert "Saved rules.yaml." in texts(at)
    assert changelog.changes(scratch)[0].by == "alice@example.org"
    assert dataframe_in(at, "rules-changes")["by"].iloc[0] == "alice@example.org"


def test_without_sign_in_on_loopback_the_local_user_edits_as_before(scratch):
    at = edit_rule(rules_page(auth=False))
    assert not at.button(key="rules-save").disabled
    at.button(key="rules-save").click().run()
    assert changelog.changes(scratch)[0].by.startswith("local user")


def test_without_sign_in_on_another_address_the_rulebook_is_read_only_and_the_page_says_why(scratch, exposed):
    at = edit_rule(rules_page(auth=False))
    assert at.button(key="rules-save").disabled
    assert "No sign-in is configured and the app listens on 0.0.0.0" in texts(at)


def open_saved(user: dict | None, auth: bool = True) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if auth:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    for key, value in to_query_params(example("order-checkout")).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/saved.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_sidebar_offers_sign_in_to_a_visitor_and_sign_out_with_the_role_to_a_signed_in_user():
    for at in (rules_page(SIGNED_OUT), open_saved(SIGNED_OUT)):
        assert at.button(key="signin").label == "Sign in"
    for at in (rules_page(EDITOR), open_saved(EDITOR)):
        assert at.button(key="signout").label == "Sign out"
        assert "Signed in as alice@example.org (editor)." in texts(at)


def test_a_visitor_who_is_not_signed_in_cannot_save_an_assessment():
    at = open_saved(SIGNED_OUT)
    assert at.button(key="saved-save").disabled
    assert "Saving is read-only for you" in texts(at)


def test_an_assessment_shows_its_owner_and_only_the_owner_may_rename_or_delete_it():
    at = open_saved(BOB)
    at.button(key="saved-save").click().run()
    assert list(dataframe_in(at, "saved-list")["owner"]) == ["bob@example.org"]
    assert not at.button(key="saved-rename").disabled

    carol = open_saved(CAROL)
    assert carol.button(key="saved-rename").disabled and carol.button(key="saved-delete").disabled
    assert "Only its owner (bob@example.org) or an admin may rename or delete it." in texts(carol)
    carol.button(key="saved-save").click().run()  # saving under Bob's name is refused by the store
    assert "Not saved: an assessment named 'Order checkout' exists and belongs to bob@example.org" in texts(carol)


def test_an_exposed_app_without_sign_in_saves_only_when_allowed(exposed, monkeypatch):
    at = open_saved(None, auth=False)
    assert at.button(key="saved-save").disabled
    monkeypatch.setenv("ADVISOR_ALLOW_ANONYMOUS_SAVES", "1")
    at = open_saved(None, auth=False)
    at.button(key="saved-save").click().run()
    assert list(dataframe_in(at, "saved-list")["owner"]) == ["anonymous"]
    assert at.button(key="saved-rename").disabled


@pytest.fixture(autouse=True)
def plain_editor(monkeypatch):
    """AppTest cannot drive the Rules page's code editor (a custom component, in an iframe): these tests run the
    page with its fallback, the plain text area (ADVISOR_PLAIN_EDITOR, as when the component is not installed).
    tests/e2e/test_rules_drafts_browser.py drives the real editor in Chromium."""
    monkeypatch.setenv("ADVISOR_PLAIN_EDITOR", "1")
