"""Portfolios from uploaded files: one CSV or several answers files, the app's caps, rows back to answers."""

from __future__ import annotations

import pytest

from advisor.engine.answers import read_answers
from advisor.engine.evaluate import evaluate
from advisor.errors import UserError
from advisor.portfolio.assess import MAX_FILES, answers_of, read_portfolio, template_csv
from advisor.portfolio.reading import read_csv
from tests.conftest import EXAMPLES, ROOT

PORTFOLIO_CSV = ROOT / "examples" / "portfolio.csv"


def test_a_csv_upload_gives_the_table_of_its_workflows(rulebook):
    portfolio = read_portfolio([("portfolio.csv", PORTFOLIO_CSV.read_bytes())], rulebook)
    assert len(portfolio.table) == 50 and portfolio.columns.errors == {}


def test_answers_files_give_one_row_each_and_a_broken_file_an_error_row(rulebook):
    files = [(p.name, p.read_bytes()) for p in EXAMPLES] + [("broken.yaml", b"traits: [")]
    portfolio = read_portfolio(files, rulebook)
    assert list(portfolio.table["#file"]) == [p.name for p in EXAMPLES] + ["broken.yaml"]
    assert portfolio.table["error"].iloc[-1].startswith("broken.yaml:2:1: YAML syntax error")
    assert (portfolio.table["error"].iloc[:-1] == "").all()


@pytest.mark.parametrize(
    "files, message",
    [
        ([], "choose a portfolio CSV file or one or more answers files"),
        ([("a.csv", b"ordering\n"), ("b.csv", b"ordering\n")], "one CSV file at a time: got 2 (a.csv, b.csv)"),
        ([("a.csv", b"ordering\n"), ("b.yaml", b"traits: {}\n")], "not a mix"),
        ([("notes.txt", b"")], "notes.txt: expected a .csv file or answers files"),
    ],
)
def test_unusable_uploads_are_refused_with_a_clear_message(rulebook, files, message):
    with pytest.raises(UserError) as e:
        read_portfolio(files, rulebook)
    assert message in e.value.problems[0].message or message in str(e.value)


def test_the_app_caps_the_number_of_answers_files(rulebook):
    files = [(f"{i}.yaml", b"traits: {}\n") for i in range(MAX_FILES + 1)]
    with pytest.raises(UserError, match=f"too many answers files \\({MAX_FILES + 1}; limit {MAX_FILES}\\)"):
        read_portfolio(files, rulebook)


def test_a_row_read_back_as_answers_evaluates_like_the_row(rulebook):
    portfolio = read_portfolio([("portfolio.csv", PORTFOLIO_CSV.read_bytes())], rulebook)
    for row in (0, 17, 49):
        answers = answers_of(portfolio.columns, rulebook, row)
        ev = evaluate(rulebook, answers)
        assert answers.workflow == portfolio.table["workflow"].iloc[row]
        table = portfolio.table
        assert (ev.style, ev.confidence) == (table["style"].iloc[row], table["confidence"].iloc[row])


def test_the_template_reads_back_as_the_examples(rulebook):
    examples = [read_answers(str(p), rulebook) for p in EXAMPLES]
    columns = read_csv(template_csv(rulebook, examples).encode(), "template.csv", rulebook)
    assert columns.errors == {}
    assert [answers_of(columns, rulebook, i) for i in range(len(examples))] == examples
