"""What a user does in the web app, as Playwright steps (used by the end-to-end tests and bench/web.py).

Widgets are found by their Streamlit key (`.st-key-<key>`); question widgets are keyed by question id.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from browser import wait_for_app
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

NAV = '[data-testid="stSidebarNav"]'


def open_app(page, url: str) -> None:
    """Load the app (a new Streamlit session) and wait until the first run has finished."""
    page.goto(url)
    wait_for_app(page)
    page.locator(".st-key-workflow-section, .st-key-recommendation, .st-key-diagram, .st-key-share").first.wait_for()


def params(page) -> dict[str, str]:
    """The answers in the page's address (the share link), as a dict."""
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query, keep_blank_values=True).items()}


def wait_for_param(page, key: str, value: str | None = None) -> None:
    """Until the address carries `key` (= `value`): the app has processed the interaction and kept the link."""
    page.wait_for_function(
        """([key, value]) => { const v = new URLSearchParams(location.search).get(key);
                               return value === null ? v !== null : v === value; }""",
        arg=[key, value],
    )


def choose(page, question: str, label: str, value: str) -> None:
    """Pick an option of a choice or yes/no question by its label; wait until the answer reached the server."""
    page.locator(f".st-key-{question}").get_by_text(label, exact=True).click()
    wait_for_param(page, question, value)


def enter_number(page, question: str, number: int) -> None:
    box = page.locator(f".st-key-{question} input")
    box.fill(str(number))
    box.press("Enter")
    wait_for_param(page, question, str(number))


def name_workflow(page, name: str) -> None:
    box = page.locator(".st-key-workflow-name input")
    box.fill(name)
    box.press("Enter")
    wait_for_param(page, "workflow", name)


def _edit_cell(page, editor, row: int, column: int, text: str) -> None:
    """Type into one cell of the steps table (a canvas grid): select the first cell, move with the arrow keys
    (robust to the grid's horizontal scrolling), open the cell editor with Enter, type, commit with Enter."""
    cell = page.locator("textarea.gdg-input, input.gdg-input").first
    # Why the retry: right after Add step the grid is redrawn; a click that lands while it is being replaced
    # leaves no cell selected, and Enter then opens nothing (seen once in CI under load). A second try on the
    # redrawn grid is what a user does too.
    for attempt in range(3):
        box = editor.bounding_box()
        page.mouse.click(box["x"] + 50, box["y"] + 52)
        for _ in range(8):
            page.keyboard.press("ArrowLeft")
        for _ in range(row + 2):
            page.keyboard.press("ArrowUp")
        for _ in range(row):
            page.keyboard.press("ArrowDown")
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            cell.wait_for(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    cell.fill(text)
    page.keyboard.press("Enter")
    cell.wait_for(state="detached")


STEPS_TABLE = ".st-key-workflow-section [data-testid='stDataFrame']"
# Where the Reaction checkbox of a row sits in the table: the row marker (about 33 px), Service (180) and Action
# (220) columns, then half the Reaction column (90); rows are 35 px below a 35 px header (advisor/web/steps_table.py).
REACTION_X = 33 + 180 + 220 + 45


def press(page, key: str) -> None:
    """Click a button by its key and wait until the run it triggers has finished."""
    page.locator(f".st-key-{key} button").click()
    page.wait_for_timeout(200)  # Why: the run starts after the click's message reaches the server
    wait_for_app(page)


def apply_steps(page, expect_in_link: str | None = None) -> None:
    """Press Apply steps; wait until the link carries `expect_in_link` (the app stored the steps)."""
    press(page, "steps-apply")
    if expect_in_link is not None:
        page.wait_for_function(
            "t => (new URLSearchParams(location.search).get('steps') || '').includes(t)", arg=expect_in_link
        )


def tick_reaction(page, row: int) -> None:
    """One click on the Reaction checkbox of table row `row` (0-based)."""
    box = page.locator(STEPS_TABLE).bounding_box()
    page.mouse.click(box["x"] + REACTION_X, box["y"] + 52 + 35 * row)


def add_steps(page, steps: list[tuple[str, str]]) -> None:
    """Add (service, action) rows to the steps table with the Add step button, in order, then apply them; wait
    until the link carries them all."""
    start = len(params(page).get("steps", "[]").split('"service"')) - 1
    for i, (service, action) in enumerate(steps, start=start):
        press(page, "steps-add")
        editor = page.locator(STEPS_TABLE)
        _edit_cell(page, editor, i, 0, service)
        _edit_cell(page, editor, i, 1, action)
    apply_steps(page, steps[-1][1])


def go_to(page, title: str, ready: str) -> None:
    """Follow the sidebar's link to a page (same session); wait until the element `ready` shows."""
    page.locator(NAV).get_by_text(title, exact=True).click()
    page.locator(ready).first.wait_for()
    wait_for_app(page)
