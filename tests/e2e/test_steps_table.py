"""The questionnaire's steps table in headless Chromium: add a step with the visible button, tick a reaction with
one click, reorder and delete steps; each counts once applied (the link, the preview and the steps used)."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from browser import diagram_text
from playwright.sync_api import expect
from web import STEPS_TABLE, add_steps, apply_steps, open_app, params, press, tick_reaction

from advisor.engine.answers import Answers, to_query_params
from advisor.rulebook.formats import Step

pytestmark = pytest.mark.browser
PREVIEW = "diagram-preview"  # the key of the questionnaire's preview block (browser.diagram_text)


def open_with(page, base: str, *services: str) -> None:
    steps = tuple(Step(service=s, action=f"{s} works") for s in services)
    open_app(page, f"{base}/?{urlencode(to_query_params(Answers({}, steps, 'Steps')), quote_via=quote)}")
    page.locator(STEPS_TABLE).wait_for()


def steps_in_link(page) -> list[dict]:
    return json.loads(params(page).get("steps", "[]"))


def test_add_step_adds_a_row_that_counts_once_applied_and_shows_in_the_preview(app_server, page):
    open_with(page, app_server, "Orders")

    add_steps(page, [("Payment", "Charge card")])

    assert [s["service"] for s in steps_in_link(page)] == ["Orders", "Payment"]
    assert "Payment" in diagram_text(page, PREVIEW, "Payment")
    expect(page.locator(".st-key-workflow-section")).to_contain_text("The recommendation uses these 2 steps")


def test_one_click_ticks_a_reaction_and_it_sticks_after_applying(app_server, page):
    open_with(page, app_server, "Orders", "Email")

    tick_reaction(page, 1)
    apply_steps(page, '"reaction":true')

    assert [s.get("reaction", False) for s in steps_in_link(page)] == [False, True]
    page.wait_for_timeout(500)  # the table is drawn again after the page's run: the tick must still be there
    assert [s.get("reaction", False) for s in steps_in_link(page)] == [False, True]
    press(page, "move-down")  # a restart of the table from the draft keeps the tick too
    apply_steps(page)
    assert [(s["service"], s.get("reaction", False)) for s in steps_in_link(page)] == [
        ("Email", True),
        ("Orders", False),
    ]


def test_reordering_two_steps_changes_the_steps_used_once_applied(app_server, page):
    open_with(page, app_server, "Orders", "Payment", "Shipping")

    press(page, "move-down")  # the picked step is step 1 (Orders)

    expect(page.locator(".st-key-workflow-section")).to_contain_text("Not applied yet")
    assert [s["service"] for s in steps_in_link(page)] == ["Orders", "Payment", "Shipping"]
    apply_steps(page, '"Payment","action":"Payment works"},{"service":"Orders"')
    assert [s["service"] for s in steps_in_link(page)] == ["Payment", "Orders", "Shipping"]
    text = diagram_text(page, PREVIEW, "Payment", before="Orders")  # the redrawn one: both name both
    assert text.index("Payment") < text.index("Orders")  # the diagram numbers and lays out the new order


def test_delete_step_removes_the_picked_step(app_server, page):
    open_with(page, app_server, "Fraud", "Orders", "Shipping")

    press(page, "steps-delete")  # the picked step is step 1 (Fraud)
    apply_steps(page)

    page.wait_for_function("() => !(new URLSearchParams(location.search).get('steps') || '').includes('Fraud')")
    assert [s["service"] for s in steps_in_link(page)] == ["Orders", "Shipping"]
    text = diagram_text(page, PREVIEW, "Orders", absent="Fraud")
    assert "Orders" in text and "Fraud" not in text
