"""Beyond one workflow, in a real browser (headless Chromium): upload a CSV of 50 workflows and see the table and
the charts; save an assessment, reopen it, see its history, delete it; compare two saved assessments and the
current answers against an edited copy. The server runs the app as `make run` does, on a scratch database."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from browser import diagram_text, running_app, wait_for_app
from playwright.sync_api import expect

from advisor.engine.answers import read_answers, to_query_params
from advisor.rulebook.loading import load_rulebook

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60_000


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    database = tmp_path_factory.mktemp("browser-db") / "assessments.db"
    with running_app({"ADVISOR_DB_URL": f"sqlite:///{database}"}) as url:
        yield url


@pytest.fixture
def page(browser):
    """A fresh page in its own context (a separate user) of the session's Chromium (tests/conftest.py: one
    Playwright per test session; a second one in the same thread refuses to start)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT)
    yield context.new_page()
    context.close()


def link(app: str, path: str, example: str | None = None) -> str:
    """The address of a page, carrying an example's answers as a share link."""
    if example is None:
        return f"{app}/{path}"
    answers = read_answers(str(ROOT / "examples" / f"{example}.yaml"), load_rulebook())
    return f"{app}/{path}?{urlencode(to_query_params(answers))}"


def go(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def button(page, key: str):
    """The visible button of the widget with this key (a button with help text has a hidden twin)."""
    return page.locator(f".st-key-{key} button:visible").first


def click(page, key: str) -> None:
    button(page, key).click()
    wait_for_app(page)


def fill(page, key: str, text: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(text)
    box.press("Enter")
    wait_for_app(page)


def pick(page, key: str, option) -> None:
    """Choose an option of the selectbox with this key, by its visible text (a string, or a pattern)."""
    wait_for_app(page)
    combo = page.locator(f".st-key-{key} [role='combobox']")
    combo.scroll_into_view_if_needed()  # Why: the option list closes when the page scrolls under it
    combo.click()
    listbox = page.get_by_role("listbox")
    if not listbox.is_visible():
        combo.press("ArrowDown")  # opens the list of a focused combobox
    listbox.get_by_role("option", name=option, exact=isinstance(option, str)).click()
    wait_for_app(page)


# ---------------------------------------------------------------- portfolio
def test_upload_a_csv_of_fifty_workflows_and_see_the_table_and_the_charts(app, page, tmp_path):
    go(page, link(app, "portfolio"))
    page.locator(".st-key-portfolio-upload input[type='file']").set_input_files(
        str(ROOT / "examples" / "portfolio.csv")
    )
    page.locator(".st-key-portfolio-table [data-testid='stDataFrame']").wait_for()
    wait_for_app(page)
    metrics = page.locator("[data-testid='stMetric']")
    assert metrics.first.inner_text().split() == ["Workflows", "50"]
    for chart in ("portfolio-style-chart", "portfolio-confidence-chart"):
        graphic = page.locator(f".st-key-{chart} canvas, .st-key-{chart} svg.marks").first
        graphic.wait_for()
        box = graphic.bounding_box()
        assert box["width"] > 200 and box["height"] > 150
    assert page.get_by_text("Charts and table show the 50 rows that match the filters.").is_visible()
    page.screenshot(path=str(tmp_path / "portfolio.png"), full_page=True)

    # another upload in place of the first, with a misspelt column: a clear error, and the first table stays
    bad = tmp_path / "typo.csv"
    bad.write_text("workflow,orderin\nA,strict\n")
    page.locator(".st-key-portfolio-upload input[type='file']").set_input_files(str(bad))
    page.get_by_text("unknown column 'orderin'; did you mean 'ordering'?", exact=False).wait_for()
    assert page.get_by_text("the previous portfolio is still shown", exact=False).is_visible()
    assert metrics.first.inner_text().split() == ["Workflows", "50"]


# ---------------------------------------------------------------- saved assessments
def test_save_reopen_see_the_history_and_delete(app, page):
    go(page, link(app, "saved", "order-checkout"))
    fill(page, "saved-name", "Checkout (browser)")
    fill(page, "saved-note", "first review")
    click(page, "saved-save")
    page.get_by_text("Saved version 1 of “Checkout (browser)”").wait_for()
    fill(page, "saved-note", "second review")
    click(page, "saved-save")  # the same answers: no new version
    page.get_by_text("No change since version 1 of “Checkout (browser)”").wait_for()

    history = page.locator(".st-key-saved-history [data-testid='stDataFrame']")
    history.wait_for()
    assert page.locator(".st-key-saved-detail h3").first.inner_text() == "Checkout (browser)"
    notes = history.locator("[role='gridcell'][aria-colindex='6']")  # the history's note column, newest first
    expect(notes).to_have_text(["first review"])

    pick(page, "saved-version", re.compile(r"^Version 1 \("))
    click(page, "saved-open")  # goes to the questionnaire, which says what it opened
    page.get_by_text("Opened version 1 of “Checkout (browser)” from Saved assessments.").wait_for()
    expect(page.locator(".st-key-workflow-name input")).to_have_value("Order checkout")
    page.locator('[data-testid="stSidebarNav"] a[href$="/saved"]').click()
    page.locator(".st-key-saved-detail").wait_for()
    wait_for_app(page)
    expect(page.locator(".st-key-saved-name input")).to_have_value("Checkout (browser)")  # its name, not the flow's

    page.locator(".st-key-saved-delete-confirm label").click()
    wait_for_app(page)
    click(page, "saved-delete")
    page.get_by_text("Deleted “Checkout (browser)” and its versions.").wait_for()


# ---------------------------------------------------------------- compare
def test_compare_two_saved_assessments_side_by_side(app, page):
    for example, name in (("media-pipeline", "Media (browser)"), ("order-checkout", "Shop (browser)")):
        go(page, link(app, "saved", example))
        fill(page, "saved-name", name)
        click(page, "saved-save")
        page.get_by_text(f"Saved version 1 of “{name}”").wait_for()

    go(page, link(app, "compare"))
    page.locator(".st-key-compare-mode").get_by_text("Two saved assessments").click()
    wait_for_app(page)
    pick(page, "compare-a", "Media (browser)")
    pick(page, "compare-b", "Shop (browser)")
    page.get_by_text("The recommendation changes from Choreography to Hybrid").wait_for()
    assert "Media (browser) (version 1)" in page.locator(".st-key-compare-result-a").inner_text()
    assert "Shop (browser) (version 1)" in page.locator(".st-key-compare-result-b").inner_text()
    for key, service in (("compare-diagram-a", "Transcoder"), ("compare-diagram-b", "Payment")):
        assert service in diagram_text(page, key, service)


def test_compare_the_current_answers_with_an_edited_copy(app, page):
    go(page, link(app, "compare", "order-checkout"))
    pick(page, "compare-copy-coupling_tolerance", "Low: avoid it")
    page.get_by_text("The recommendation changes from Hybrid to Choreography").wait_for()
    assert page.get_by_text("What drove the change").is_visible()
    assert "Choreography" in page.locator(".st-key-compare-result-b").inner_text()
    # the copy's diagram follows the edit (it was drawn first as the same hybrid as A)
    assert "Order checkout: choreography" in diagram_text(page, "compare-diagram-b", "Order checkout: choreography")
    assert "Order checkout: hybrid" in diagram_text(page, "compare-diagram-a", "Order checkout: hybrid")
