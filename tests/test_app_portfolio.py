"""The Portfolio page (AppTest): the example portfolio's table, charts, filters, sorting, export, and opening a row.
Uploads are tested in a real browser (tests/e2e/test_beyond_one_workflow.py): AppTest cannot upload files."""

from __future__ import annotations

import csv
import io

from app_helpers import ROOT, chart_data, download, stored_answers, texts
from streamlit.testing.v1 import AppTest

from advisor.portfolio.table import result_table

APP = ROOT / "advisor" / "web" / "app.py"


def open_portfolio() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("pages/portfolio.py").run()
    assert not at.exception
    return at


def with_example() -> AppTest:
    at = open_portfolio()
    at.button(key="portfolio-example").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_before_anything_is_loaded_the_page_says_what_to_do():
    at = open_portfolio()
    assert "Upload a portfolio, or try the example" in texts(at)
    assert len(at.dataframe) == 0


def test_the_example_portfolio_shows_fifty_workflows_with_style_confidence_drivers_and_assumed():
    at = with_example()
    table = at.dataframe(key="portfolio-table").value
    assert len(table) == 50
    assert {"workflow", "style", "confidence", "top_drivers", "assumed"} <= set(table.columns)
    assert set(table["style"]) <= {"orchestration", "choreography", "hybrid"}
    assert {m.label: m.value for m in at.metric}["Workflows"] == "50"


def test_the_charts_show_the_distribution_of_styles_and_confidence():
    at = with_example()
    styles, confidence = chart_data(at, 0), chart_data(at, 1)
    table = at.dataframe(key="portfolio-table").value
    assert dict(zip(styles["style"], styles["workflows"])) == {
        "Orchestration": (table["style"] == "orchestration").sum(),
        "Choreography": (table["style"] == "choreography").sum(),
        "Hybrid": (table["style"] == "hybrid").sum(),
    }
    assert confidence["workflows"].sum() == 50 and confidence["bin"].nunique() == 10


def test_filters_narrow_the_table_and_the_charts():
    at = with_example()
    at.multiselect(key="portfolio-styles").set_value(["choreography"]).run()
    table = at.dataframe(key="portfolio-table").value
    assert len(table) and set(table["style"]) == {"choreography"}
    assert chart_data(at, 1)["workflows"].sum() == len(table)
    at.multiselect(key="portfolio-styles").set_value(["orchestration", "choreography", "hybrid"]).run()
    at.text_input(key="portfolio-search").set_value("CHECKOUT").run()
    assert list(at.dataframe(key="portfolio-table").value["workflow"]) == ["Order checkout"]


def test_the_table_sorts_by_the_chosen_column():
    at = with_example()
    at.selectbox(key="portfolio-sort").set_value("workflow").run()
    at.toggle(key="portfolio-descending").set_value(True).run()
    names = list(at.dataframe(key="portfolio-table").value["workflow"])
    assert names == sorted(names, reverse=True)


def test_the_csv_download_holds_the_filtered_rows_in_order():
    at = with_example()
    # Why 0.95: the example's workflows answer most questions, so most confidences are high; this keeps some rows
    # and drops others (under the default rulebook, 38 of 50 rows)
    at.slider(key="portfolio-confidence").set_value((0.95, 1.0)).run()
    shown = at.dataframe(key="portfolio-table").value
    data, name = download(at, "portfolio-download")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert name == "portfolio.csv"
    assert [r["workflow"] for r in rows] == list(shown["workflow"]) and 0 < len(rows) < 50
    assert all(float(r["confidence"]) >= 0.95 for r in rows)


def test_a_selected_row_opens_in_the_questionnaire_with_its_answers():
    at = with_example()
    shown = at.dataframe(key="portfolio-table").value
    at.session_state["portfolio-table"] = {"selection": {"rows": [3], "columns": [], "cells": []}}
    at.run()
    at.button(key="portfolio-open").click().run()
    assert not at.exception
    assert stored_answers(at).workflow == shown["workflow"].iloc[3]
    assert at.title[0].value == "Questionnaire"


def test_the_template_download_reads_back_as_a_portfolio(rulebook):
    at = open_portfolio()
    data, name = download(at, "portfolio-template")
    from advisor.engine.batch import evaluate_columns
    from advisor.portfolio.reading import read_csv

    table = result_table(evaluate_columns(rulebook, read_csv(data, name, rulebook)))
    examples = len(list((ROOT / "examples").glob("*.yaml")))  # one row per example answers file
    assert name == "portfolio-template.csv" and len(table) == examples and (table["error"] == "").all()
