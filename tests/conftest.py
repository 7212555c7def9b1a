"""Shared fixtures: the default rulebook, a scratch copy of it, and paths."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from advisor.rulebook.loading import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

# Why two Hypothesis profiles: `make test` (and CI) must give the same verdict on every run, so it draws the same
# examples each time ("repeatable"); `make fuzz` ("explore") draws new random examples on every run to find what
# the fixed draw misses. A case fuzzing finds is then pinned with @example so `make test` keeps it.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session")
def rulebook():
    return load_rulebook(RULES)


@pytest.fixture(scope="session", autouse=True)
def scratch_assessments_database(tmp_path_factory):
    """No test ever touches the user's saved assessments: ADVISOR_DB_URL points at a scratch SQLite file for the
    whole session (apps started by tests inherit it); storage tests use their own (tests/store_helpers.py)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADVISOR_DB_URL", f"sqlite:///{tmp_path_factory.mktemp('assessments') / 'assessments.db'}")
        yield


@pytest.fixture(scope="session", autouse=True)
def scratch_snapshot_cache(tmp_path_factory):
    """Rulebook snapshots (`advisor recommend`) go to a scratch folder, never the user's ~/.cache; tests of the
    snapshots themselves use their own (tests/test_snapshot.py)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADVISOR_CACHE_DIR", str(tmp_path_factory.mktemp("snapshots")))
        yield


@pytest.fixture(autouse=True)
def app_listens_on_loopback():
    """AppTest runs have no server, so Streamlit's `server.address` is unset, which the app reads as every
    interface (exposed, read-only: advisor.access). Tests get what `make run` gives, 127.0.0.1, unless they set
    another address themselves. Only when a test module has imported Streamlit (the others never need it)."""
    config = sys.modules.get("streamlit.config")
    if config is None:
        yield
        return
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A scratch copy of the default rulebook that a test may break."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("schema", "README.md", ".*"))
    return target


# ---------------------------------------------------------------- end-to-end (real app, headless Chromium)
# Shared by every browser test (mark them @pytest.mark.browser); implementation in tests/browser.py.
@pytest.fixture(scope="session")
def app_server():
    """The base URL of the app, started once per test session as `make run` starts it; stopped afterwards.
    For a server with other settings (e.g. ADVISOR_RULES), use `browser.running_app(env=...)` directly."""
    from browser import running_app

    with running_app() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium (Playwright); skipped where it is not installed.

    Why per module: Playwright's sync API allows one running instance per thread, and some test modules start
    their own; a session-wide instance would make theirs fail ("Sync API inside the asyncio loop")."""
    from browser import CHROMIUM, launch_chromium

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own browser context (its own cookies and storage: a separate user), 1400x1000,
    downloads accepted."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    # Why: `expect` assertions wait 5 s by default, too short on a busy shared machine (a flaky failure in the
    # full suite while the 20-session load test ran); actions already wait 30 s.
    expect.set_options(timeout=30_000)
    p = context.new_page()
    yield p
    context.close()
