"""The Portfolio page's uploads (AppTest): each upload replaces the portfolio shown, so a second CSV is not "a mix";
several CSVs or a CSV with answers files chosen together are refused saying what was given; an answers file over
the cap is a row with a clear error; rows with errors show the error beside the name; an empty view draws no
chart. The same second upload in a real browser: tests/e2e/test_portfolio_upload.py."""

from __future__ import annotations

from app_helpers import ROOT, shown, texts
from streamlit.testing.v1 import AppTest

from advisor.engine.answers import UPLOAD_LIMIT

APP = ROOT / "advisor" / "web" / "app.py"
FIRST = b"workflow,ordering,compensation\nAlpha,strict,true\nBeta,sometimes,false\nGamma,none,maybe\n"
SECOND = b"workflow,ordering\nDelta,strict\nEpsilon,none\n"


def open_portfolio() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("pages/portfolio.py").run()
    assert not at.exception
    return at


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    """Choose files in the page's uploader (whichever key it has now: it starts empty after each upload)."""
    uploader = at.get("file_uploader")[0]
    uploader.set_value([(name, raw, "text/csv") for name, raw in files]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    return texts(at) + "\n" + "\n".join(c.value for c in at.code)


def workflows(at: AppTest) -> list[str]:
    return list(at.dataframe(key="portfolio-table").value["workflow"])


def test_a_second_csv_replaces_the_first_and_says_so():
    at = upload(open_portfolio(), ("first.csv", FIRST))
    assert sorted(workflows(at)) == ["Alpha", "Beta", "Gamma"]

    upload(at, ("second.csv", SECOND))

    assert sorted(workflows(at)) == ["Delta", "Epsilon"]
    assert "Loaded second.csv in place of first.csv." in texts(at)
    assert "not a mix" not in page_text(at) and "cannot be evaluated" not in page_text(at)
    assert shown(at.subheader[0].value) == "second.csv"
    assert at.get("file_uploader")[0].value in (None, [])  # the uploader is empty again, ready for the next


def test_two_csv_files_chosen_together_are_refused_naming_them_and_the_portfolio_stays():
    at = upload(open_portfolio(), ("first.csv", FIRST))

    upload(at, ("a.csv", SECOND), ("b.csv", SECOND))

    text = page_text(at)
    assert "2 files (a.csv, b.csv) cannot be evaluated (the previous portfolio is still shown)" in text
    assert "one CSV file at a time: got 2 (a.csv, b.csv)" in text
    assert sorted(workflows(at)) == ["Alpha", "Beta", "Gamma"]


def test_a_csv_with_answers_files_is_called_a_mix_with_what_was_given():
    at = upload(open_portfolio(), ("p.csv", SECOND), ("one.yaml", b"traits: {}\n"))

    assert "not a mix: got 1 CSV file(s) (p.csv) and 1 answers file(s) (one.yaml)" in page_text(at)
    assert len(at.dataframe) == 0


def test_answers_files_chosen_together_make_one_portfolio_and_one_over_the_cap_is_a_row_with_its_error():
    big = b"traits: {}\n" + b"#" * UPLOAD_LIMIT + b"\n"
    at = upload(open_portfolio(), ("small.yaml", b"workflow: Small\ntraits: {ordering: strict}\n"), ("big.yaml", big))

    table = at.dataframe(key="portfolio-table").value
    assert shown(at.subheader[0].value) == "2 answers files"
    assert list(table["#file"]) == ["small.yaml", "big.yaml"]
    assert table["error"].iloc[0] == ""
    too_large = f"big.yaml: file too large ({len(big):,} bytes; the limit is {UPLOAD_LIMIT:,} bytes)"
    assert too_large in table["error"].iloc[1]


def test_rows_with_errors_show_the_row_and_the_error_beside_the_name():
    at = upload(open_portfolio(), ("first.csv", FIRST))

    at.segmented_control(key="portfolio-errors").set_value("only").run()

    frame = at.dataframe(key="portfolio-table")
    assert list(frame.proto.column_order)[:3] == ["row", "workflow", "error"]
    table = frame.value.set_index("workflow")
    assert table.loc["Beta", "row"] == 2 and "ordering" in table.loc["Beta", "error"]
    assert table.loc["Gamma", "row"] == 3 and "compensation" in table.loc["Gamma", "error"]


def test_in_the_all_rows_view_the_error_column_comes_right_after_the_name():
    at = upload(open_portfolio(), ("first.csv", FIRST))
    assert list(at.dataframe(key="portfolio-table").proto.column_order)[:2] == ["workflow", "error"]


def test_a_view_with_no_evaluated_workflow_draws_no_chart_and_says_so():
    at = upload(open_portfolio(), ("first.csv", FIRST))
    assert len(at.get("vega_lite_chart")) == 2

    at.text_input(key="portfolio-search").set_value("no such workflow").run()

    assert len(at.get("vega_lite_chart")) == 0
    assert "Nothing to chart: no evaluated workflow matches the filters." in texts(at)


def test_the_chart_axes_count_whole_workflows():
    at = upload(open_portfolio(), ("second.csv", SECOND))
    import json

    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        assert spec["encoding"]["y"]["axis"] == {"format": "d", "tickMinStep": 1}
