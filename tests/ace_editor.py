"""The Rules page's code editor (Ace, from streamlit-code-editor, inside the component's iframe) in Playwright:
read its text, replace it by typing, blur it, and read the lines its gutter marks as errors."""

from __future__ import annotations

import time

from playwright.sync_api import Error as PlaywrightError

EDITOR = ".st-key-rules-code iframe"  # the component's iframe, in the container the page keys
TIMEOUT = 60_000  # a loaded shared machine; waits end as soon as the page is ready


def ace(page):
    """The Ace editor element inside the component's iframe. Why the wait: while a rerun gives the component a new
    key (after a save, discard or load), the old iframe and the new one are both on the page for a moment."""
    page.wait_for_function("sel => document.querySelectorAll(sel).length === 1", arg=EDITOR, timeout=TIMEOUT)
    return page.frame_locator(EDITOR).first.locator(".ace_editor")


def _until_done(page, script: str, arg) -> None:
    """Run a waiting script in the editor, again in the new editor when a rerun replaced the component's iframe
    while it waited (a save, a restore, a load: Playwright then reports the frame detached), for up to a minute."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while True:
        try:
            ace(page).evaluate(script, arg)
            return
        except PlaywrightError as e:
            gone = "detached" in str(e) or "context was destroyed" in str(e)
            if not gone or time.monotonic() > deadline:
                raise


def wait_for_editor(page) -> None:
    ace(page).locator(".ace_content").wait_for(timeout=TIMEOUT)


def text(page) -> str:
    """The editor's text, as Ace holds it (the element's `env.editor`, set by Ace on its container)."""
    return ace(page).evaluate("e => e.env.editor.getValue()")


def expect_text(page, expected: str) -> None:
    """Wait until the editor holds `expected` (after a rerun reloads it)."""
    _until_done(
        page,
        "(e, want) => new Promise((ok, fail) => { const t0 = Date.now(); const tick = () => {"
        " if (e.env && e.env.editor && e.env.editor.getValue() === want) return ok(true);"
        " if (Date.now() - t0 > 60000) return fail(new Error('editor text never matched'));"
        " setTimeout(tick, 200); }; tick(); })",
        expected,
    )


def replace_all(page, new: str) -> None:
    """Click into the editor, select everything and type `new` over it (as a paste: no auto-indent), as a user."""
    ace(page).locator(".ace_content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(new)


def blur(page) -> None:
    """Click outside the editor (the page's title): the component sends its text and the page reruns."""
    page.locator("h1").first.click()


def wait_for_error_mark(page, line: int) -> None:
    """Scroll the editor to `line` (Ace draws only the lines in view) until its gutter cell is drawn marked as an
    error; fails after a minute."""
    _until_done(
        page,
        "(e, line) => new Promise((ok, fail) => { const t0 = Date.now(); const tick = () => {"
        " e.env.editor.scrollToLine(line - 1, true, false, () => {});"
        " const cells = Array.from(e.querySelectorAll('.ace_gutter-cell.ace_error'));"
        " if (cells.some(c => c.textContent.trim() === String(line))) return ok(true);"
        " if (Date.now() - t0 > 60000) return fail(new Error('line ' + line + ' never marked'));"
        " setTimeout(tick, 250); }; tick(); })",
        line,
    )


def error_lines(page) -> list[int]:
    """The line numbers the gutter marks as errors among the lines drawn now."""
    cells = ace(page).locator(".ace_gutter-cell.ace_error")
    return [int(t.strip()) for t in cells.all_inner_texts() if t.strip().isdigit()]
