"""The portfolio table: its columns, error rows, filters, sorting, chart data and CSV export; and `advisor batch`."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from advisor.engine.answers import Answers
from advisor.engine.batch import evaluate_columns, summarize, top_drivers
from advisor.engine.evaluate import evaluate
from advisor.portfolio.reading import read_csv
from advisor.portfolio.table import (
    confidence_histogram,
    filter_table,
    result_table,
    sort_table,
    style_counts,
    summary,
    table_csv,
)
from tests.conftest import EXAMPLES, ROOT

PORTFOLIO = ROOT / "tests" / "data" / "portfolio"
FIFTY = ROOT / "examples" / "portfolio.csv"
BAD = PORTFOLIO / "some-bad-rows.csv"


@pytest.fixture(scope="module")
def fifty(rulebook):
    return result_table(evaluate_columns(rulebook, read_csv(FIFTY.read_bytes(), FIFTY.name, rulebook)))


@pytest.fixture(scope="module")
def bad(rulebook):
    return result_table(evaluate_columns(rulebook, read_csv(BAD.read_bytes(), BAD.name, rulebook)))


def test_the_table_has_one_row_per_workflow_with_the_documented_columns(fifty):
    assert len(fifty) == 50
    assert list(fifty.columns) == [
        "workflow",
        "style",
        "confidence",
        "orchestration",
        "choreography",
        "hybrid",
        "runner_up",
        "lead",
        "top_drivers",
        "assumed",
        "assumed_count",
        "orchestrated_steps",
        "event_driven_steps",
        "#owner",
        "error",
    ]


def test_a_table_row_says_what_the_engine_says_for_that_workflow(rulebook, fifty):
    columns = read_csv(FIFTY.read_bytes(), FIFTY.name, rulebook)
    i = int(((columns.step_count > 0) & (columns.reaction_count > 0)).argmax())  # a row with steps and reactions
    row = fifty.iloc[i]
    ev = evaluate(rulebook, Answers(_traits_of(rulebook, columns, i), columns.steps[i]))
    assert ev.assumed and ev.steps
    assert (row["workflow"], row["style"], row["confidence"]) == (columns.workflows[i], ev.style, ev.confidence)
    assert (row["orchestration"], row["choreography"], row["hybrid"]) == tuple(ev.scores.values())
    assert row["top_drivers"] == ", ".join(top_drivers(ev, rulebook))
    assert row["assumed"] == ", ".join(ev.assumed) and row["assumed_count"] == len(ev.assumed)
    modes = [a.mode for a in ev.allocation]
    assert (row["orchestrated_steps"], row["event_driven_steps"]) == (
        modes.count("orchestrated"),
        modes.count("event-driven"),
    )


def _traits_of(rulebook, columns, i):
    out = {}
    for qid, q in rulebook.questions.items():
        if columns.given[qid][i]:
            v = columns.values[qid][i]
            out[qid] = int(v) if q.kind == "integer" else q.option_values()[v]
    return out


def test_rows_with_errors_keep_their_name_and_error_and_have_no_results(bad):
    failed = bad[bad["error"] != ""]
    assert list(failed["workflow"]) == [
        "Typo in an option",
        "Not a number",
        "Two bad cells",
        "Out of range",
        "Steps without a colon",
    ]
    assert failed["style"].isna().all() and failed["confidence"].isna().all() and failed["hybrid"].isna().all()
    assert (failed["top_drivers"] == "").all()


def test_filters_by_style_confidence_name_and_errors(fifty, bad):
    hybrids = filter_table(fifty, styles=["hybrid"])
    assert len(hybrids) and set(hybrids["style"]) == {"hybrid"}
    confident = filter_table(fifty, confidence=(0.5, 1.0))
    assert len(confident) and confident["confidence"].min() >= 0.5
    assert list(filter_table(fifty, search="CHECKOUT")["workflow"]) == ["Order checkout"]
    assert len(filter_table(bad, errors="only")) == 5 and len(filter_table(bad, errors="none")) == 2


def test_a_search_is_literal_text_not_a_pattern(fifty):
    assert len(filter_table(fifty, search=".*")) == 0


def test_sorting_is_by_one_column_in_either_direction(fifty):
    up = sort_table(fifty, "confidence")
    down = sort_table(fifty, "confidence", descending=True)
    assert list(up["confidence"]) == sorted(fifty["confidence"])
    assert list(down["confidence"]) == sorted(fifty["confidence"], reverse=True)


def test_style_counts_list_every_style_even_when_none_got_it(bad):
    counts = style_counts(bad)
    assert list(counts["style"]) == ["orchestration", "choreography", "hybrid"]
    assert counts["workflows"].sum() == 2


def test_the_confidence_histogram_counts_every_evaluated_workflow_once_in_its_bin(fifty, bad):
    histogram = confidence_histogram(fifty)
    assert list(histogram["bin"].unique()) == [f"{b / 10:.1f}-{(b + 1) / 10:.1f}" for b in range(10)]
    assert histogram["workflows"].sum() == 50
    first = fifty.iloc[0]
    cell = histogram[(histogram["from"] == int(first["confidence"] * 10) / 10) & (histogram["style"] == first["style"])]
    assert int(cell["workflows"].iloc[0]) >= 1
    assert confidence_histogram(bad)["workflows"].sum() == 2


def test_the_summary_counts_workflows_errors_and_low_confidence(bad):
    numbers = summary(bad)
    assert (numbers["workflows"], numbers["evaluated"], numbers["errors"]) == (7, 2, 5)
    # low: below 0.5, the band `engine.confidence_words` calls low
    assert numbers["low_confidence"] == int((bad["confidence"] < 0.5).sum())


def test_the_exported_csv_reads_back_with_the_same_rows(fifty):
    rows = list(csv.DictReader(io.StringIO(table_csv(fifty).decode())))
    assert len(rows) == 50
    assert [r["workflow"] for r in rows] == list(fifty["workflow"])
    assert [float(r["confidence"]) for r in rows] == list(fifty["confidence"])


def test_exported_text_that_a_spreadsheet_would_run_as_a_formula_is_defused(rulebook):
    text = 'workflow,#note,ordering\n=HYPERLINK("http://x"),@SUM(A1),strict\n+1,-2,none\nplain,ok,some\n'
    table = result_table(evaluate_columns(rulebook, read_csv(text.encode(), "p.csv", rulebook)))
    rows = list(csv.DictReader(io.StringIO(table_csv(table).decode())))
    assert [r["workflow"] for r in rows] == ['\'=HYPERLINK("http://x")', "'+1", "plain"]
    assert [r["#note"] for r in rows] == ["'@SUM(A1)", "'-2", "ok"]


# ---------------------------------------------------------------- the CLI
def advisor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_advisor_batch_prints_the_table_as_csv(rulebook):
    run = advisor("batch", str(FIFTY))
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert len(rows) == 50 and rows[0]["workflow"] == "Order checkout"
    assert run.stderr.startswith("evaluated 50 of 50 workflows (")


def test_advisor_batch_writes_to_a_file_with_o(tmp_path):
    out = tmp_path / "out.csv"
    run = advisor("batch", str(FIFTY), "-o", str(out))
    assert run.returncode == 0 and run.stdout == ""
    assert out.read_text().count("\n") == 51


def test_advisor_batch_lists_bad_rows_and_exits_1_but_still_writes_the_table():
    run = advisor("batch", str(BAD))
    assert run.returncode == 1
    assert f"{BAD}: row 2 (Typo in an option): invalid value 'sometimes' for 'ordering'" in run.stderr
    assert len(list(csv.DictReader(io.StringIO(run.stdout)))) == 7


def test_advisor_batch_takes_several_answers_files_one_row_each(rulebook):
    run = advisor("batch", *map(str, EXAMPLES))
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [r["#file"] for r in rows] == [str(p) for p in EXAMPLES]
    from advisor.engine.answers import read_answers

    first = read_answers(str(EXAMPLES[0]), rulebook)
    assert first.steps  # its steps are evidence too (from_steps): the row is evaluated with them
    assert rows[0]["style"] == summarize(evaluate(rulebook, first), rulebook)["style"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("tests/data/portfolio/nope.csv",), "tests/data/portfolio/nope.csv: cannot read"),
        ((str(FIFTY), str(BAD)), "one CSV file at a time: got 2 ("),
        (("README.md",), "README.md: expected a .csv file or answers files"),
    ],
)
def test_advisor_batch_refuses_unusable_input_with_exit_2(args, message):
    run = advisor("batch", *args)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr


def test_advisor_batch_with_an_unknown_column_exits_2_naming_it(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("workflow,ordering,teems\nA,strict,2\n")
    run = advisor("batch", str(path))
    assert run.returncode == 2
    assert "column 3: unknown column 'teems'; did you mean 'teams'?" in run.stderr
