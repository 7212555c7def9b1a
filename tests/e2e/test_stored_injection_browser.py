"""Stored Markdown injection in a real browser (docs/bad-input.md, "Stored injection"): the app serving a rulebook
whose every text carries a link and a remote image, for a workflow whose names carry URLs and an e-mail address.
The rendered pages hold no link or image to the attacker's host, and the browser never fetches from it."""

from __future__ import annotations

import shutil
from urllib.parse import urlencode, urlsplit

import pytest
from browser import running_app, wait_for_app
from conftest import RULES
from test_app_stored_injection import HOSTILE, poison_rules

from advisor.engine.answers import to_query_params

pytestmark = pytest.mark.browser
PAGES = ("", "recommendation", "diagram", "export", "compare")


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    rules = tmp_path_factory.mktemp("hostile") / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("schema", "README.md", ".*"))
    poison_rules(rules)
    with running_app(env={"ADVISOR_RULES": str(rules)}) as url:
        yield url


def test_no_page_links_to_or_loads_from_a_host_named_in_the_rule_files_or_the_names(hostile_app, page):
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if urlsplit(r.url).hostname == "evil.example" else None)
    query = urlencode(to_query_params(HOSTILE))
    for path in PAGES:
        page.goto(f"{hostile_app}/{path}?{query}")
        wait_for_app(page)
        page.locator('[data-testid="stMainBlockContainer"]').get_by_text("evil.example").first.wait_for()

        markup = page.evaluate(  # (headings' own `#...` anchors are no links away)
            """() => [...document.querySelectorAll(
                         'a[href*="evil"]:not([href^="#"]), img[src*="evil"], a[href^="mailto:"]')]
                     .map(e => e.outerHTML)"""
        )
        assert markup == [], path
    assert fetched == []
