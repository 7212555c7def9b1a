"""The Portfolio's uploads in a real browser (headless Chromium): a second CSV replaces the first (Streamlit's
multi-file uploader used to keep the first, and the page refused the pair as "2 answers files ... not a mix");
answers files chosen together make one portfolio; a CSV chosen with an answers file is refused naming both."""

from __future__ import annotations

import pytest
from browser import wait_for_app
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
FIRST = "workflow,ordering\nAlpha,strict\nBeta,none\nGamma,some\n"
SECOND = "workflow,ordering\nDelta,strict\nEpsilon,none\n"
UPLOAD = ".st-key-portfolio-upload input[type='file']"


def open_portfolio(page, url: str) -> None:
    page.goto(f"{url}/portfolio")
    page.locator(".st-key-portfolio-input").wait_for()
    wait_for_app(page)


def upload(page, *paths) -> None:
    # Why wait for one input: while the uploader redraws after a run, Chromium can hold two of them for a moment
    # (the list of the files chosen before, with its own "add" input, beside the new dropzone: seen once in a CI
    # run of `make test`, load from the parallel tests); the steady page has one (checked with files listed too)
    expect(page.locator(UPLOAD)).to_have_count(1)
    page.locator(UPLOAD).set_input_files([str(p) for p in paths])
    wait_for_app(page)


def table_cells(page):
    return page.locator(".st-key-portfolio-table [role='gridcell']")


def test_a_second_csv_replaces_the_first_with_its_own_table(app_server, page, tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(FIRST)
    second.write_text(SECOND)
    open_portfolio(page, app_server)
    metrics = page.locator("[data-testid='stMetric']")

    upload(page, first)
    expect(metrics.first).to_have_text("Workflows3")
    expect(table_cells(page).filter(has_text="Alpha")).to_have_count(1)

    upload(page, second)

    expect(page.get_by_text("Loaded second.csv in place of first.csv.")).to_be_visible()
    expect(metrics.first).to_have_text("Workflows2")
    expect(page.locator("h3", has_text="second.csv")).to_be_visible()
    expect(table_cells(page).filter(has_text="Delta")).to_have_count(1)
    expect(table_cells(page).filter(has_text="Alpha")).to_have_count(0)
    assert page.get_by_text("cannot be evaluated").count() == 0
    assert page.get_by_text("not a mix").count() == 0
    # the uploader is empty again, ready for the next upload
    expect(page.locator(".st-key-portfolio-upload [data-testid='stFileUploaderFile']")).to_have_count(0)


def test_answers_files_chosen_together_make_one_portfolio_and_a_csv_with_them_is_a_mix(app_server, page, tmp_path):
    one, two, sheet = tmp_path / "one.yaml", tmp_path / "two.yaml", tmp_path / "sheet.csv"
    one.write_text("workflow: One\ntraits: {ordering: strict}\n")
    two.write_text("workflow: Two\ntraits: {ordering: none}\n")
    sheet.write_text(SECOND)
    open_portfolio(page, app_server)

    upload(page, one, two)
    expect(page.locator("h3", has_text="2 answers files")).to_be_visible()
    expect(page.locator("[data-testid='stMetric']").first).to_have_text("Workflows2")

    upload(page, sheet, one)
    expect(page.get_by_text("cannot be evaluated (the previous portfolio is still shown)")).to_be_visible()
    mix = "not a mix: got 1 CSV file(s) (sheet.csv) and 1 answers file(s) (one.yaml)"
    expect(page.get_by_text(mix)).to_be_visible()
    expect(page.locator("h3", has_text="2 answers files")).to_be_visible()
