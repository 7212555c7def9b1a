"""Sign-in end to end: the real app with an `[auth]` section pointing at a local mock OpenID provider
(oidc-provider-mock), and headless Chromium signing in through the provider's own form. An anonymous visitor and
a signed-in viewer find Save, Restore and Install disabled; a rule editor saves, and the history names her.

Why 127.0.0.1 everywhere: Streamlit's login cookies are tied to the host, so the browser, `redirect_uri` and the
app must use the same host name."""

from __future__ import annotations

import io
import json
import shutil
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import quote

import ace_editor as ace
import pytest
from browser import free_port, running_app, wait_for_app
from playwright.sync_api import expect

from advisor.authoring import changelog
from advisor.authoring.history import read_file, save

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30_000
USERS = {  # sub -> the claims the provider issues
    "alice": {"email": "alice@example.org", "email_verified": True},  # a rule editor (ADVISOR_RULE_EDITORS)
    "vic": {"email": "vic@example.org", "email_verified": True},  # a viewer: not among ADVISOR_ASSESSORS
}


@pytest.fixture(scope="module")
def provider():
    """The mock OpenID provider on a free loopback port, with our two users."""
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
    with oidc_provider_mock.run_server_in_thread(port=0) as server:
        base = f"http://127.0.0.1:{server.server_port}"
        for sub, claims in USERS.items():
            request = urllib.request.Request(
                f"{base}/users/{quote(sub)}",
                data=json.dumps(claims).encode(),
                method="PUT",
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as r:
                assert r.status == 204
        yield base


@pytest.fixture
def scratch_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    target.mkdir()
    for path in (ROOT / "rules").glob("*.yaml"):
        shutil.copy(path, target / path.name)
    state = read_file(target, "rules.yaml")  # one kept version, so the History tab offers a restore
    save(target, "rules.yaml", state.text.replace(b"rationale:", b"rationale: (v2)", 1), state.hash)
    return target


@pytest.fixture
def app(provider: str, scratch_rules: Path, tmp_path: Path):
    """The app started as `make run` starts it, from a directory whose .streamlit/secrets.toml configures
    sign-in against the mock provider."""
    port = free_port()
    home = tmp_path / "deploy"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
        'client_id = "advisor"\n'
        'client_secret = "advisor-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    env = {
        "ADVISOR_RULES": str(scratch_rules),
        "ADVISOR_RULE_EDITORS": "alice@example.org",
        "ADVISOR_ASSESSORS": "bob@example.org",
        "ADVISOR_DB_URL": f"sqlite:///{tmp_path / 'saved.db'}",
        "PYTHONPATH": str(ROOT),
    }
    with running_app(env, port=port, cwd=home) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT)
    expect.set_options(timeout=TIMEOUT)
    yield context.new_page()
    context.close()


def button(page, key: str):
    """The visible button of the widget with this key (a button with help text has a hidden twin)."""
    return page.locator(f".st-key-{key} button:visible").first


def sign_in(page, app: str, sub: str) -> None:
    """Sign in (from the Rules page) through the provider's authorization form as `sub`; back on the app."""
    open_rules(page, app)
    button(page, "signin").click()
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app}/**")
    wait_for_app(page)
    open_rules(page, app)
    # The address as shown: with an invisible word joiner before "@", so Streamlit does not make it a link
    # (advisor.views.labels.md_inline); it reads the same.
    shown = USERS[sub]["email"].replace("@", "\u2060@")
    expect(page.locator(".st-key-account")).to_contain_text(f"Signed in as {shown}")


def open_rules(page, app: str) -> None:
    page.goto(f"{app}/rules")
    wait_for_app(page)
    ace.wait_for_editor(page)


def edit_a_rule(page) -> None:
    """Type an edit into the code editor (Ace, in the component's iframe) and click outside it, as a user does."""
    ace.replace_all(page, ace.text(page).replace("rationale:", "rationale: (edited)", 1))
    ace.blur(page)  # the component sends its text and Streamlit reruns
    wait_for_app(page)


def upload_a_rulebook(page, rules: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(rules.glob("*.yaml")):
            archive.writestr(path.name, path.read_bytes())
    page.get_by_role("tab", name="Upload & download").click()
    page.locator(".st-key-rules-upload input[type=file]").set_input_files(
        files=[{"name": "team.zip", "mimeType": "application/zip", "buffer": buffer.getvalue()}]
    )
    wait_for_app(page)
    page.get_by_text("team.zip is a valid rulebook", exact=False).wait_for()


def assert_read_only(page, scratch_rules: Path) -> None:
    before = (scratch_rules / "rules.yaml").read_bytes()
    expect(page.get_by_text("The rulebook is read-only for you", exact=False)).to_be_visible()
    shown = ace.text(page)
    edit_a_rule(page)  # the editor is read-only: typing changes nothing
    assert ace.text(page) == shown
    expect(button(page, "rules-save")).to_be_disabled()
    page.get_by_role("tab", name="History").click()
    expect(button(page, "rules-restore")).to_be_disabled()
    upload_a_rulebook(page, scratch_rules)
    expect(button(page, "rules-install")).to_be_disabled()
    assert (scratch_rules / "rules.yaml").read_bytes() == before


def test_an_anonymous_visitor_finds_the_rulebook_read_only(app, page, scratch_rules):
    open_rules(page, app)
    expect(button(page, "signin")).to_be_enabled()
    assert_read_only(page, scratch_rules)


def test_a_signed_in_viewer_finds_the_rulebook_read_only(app, page, scratch_rules):
    sign_in(page, app, "vic")
    expect(page.locator(".st-key-account")).to_contain_text("(viewer)")
    open_rules(page, app)
    assert_read_only(page, scratch_rules)


def test_a_signed_in_rule_editor_saves_and_the_history_names_her(app, page, scratch_rules):
    sign_in(page, app, "alice")
    expect(page.locator(".st-key-account")).to_contain_text("(editor)")
    open_rules(page, app)
    edit_a_rule(page)
    button(page, "rules-save").click()
    wait_for_app(page)
    page.get_by_text("Saved rules.yaml.", exact=False).wait_for()
    assert b"rationale: (edited)" in (scratch_rules / "rules.yaml").read_bytes()
    assert changelog.changes(scratch_rules)[0].by == "alice@example.org"
    page.get_by_role("tab", name="History").click()
    expect(page.locator(".st-key-rules-changes")).to_be_visible()
