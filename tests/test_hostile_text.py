"""Text an attacker chose: JSON nested a thousand deep in a share link or a steps cell, cells a spreadsheet would
run after a leading space, a CSV thousands of columns wide, names with invisible characters, impossible dates.

Each case came from an attack on a running instance (issue 13); docs/bad-input.md lists them with these tests.
"""

from __future__ import annotations

import csv
import io
import time

import pytest

from advisor.cli.main import main
from advisor.engine.answers import from_query_params, read_answers
from advisor.engine.assessment import assess
from advisor.engine.batch import evaluate_columns
from advisor.errors import UserError
from advisor.portfolio.assess import MAX_COLUMNS, read_portfolio
from advisor.portfolio.reading import read_csv
from advisor.portfolio.table import result_table, table_csv
from advisor.rulebook import jsonsafe
from advisor.saved.store import Store
from advisor.views.names import check_visible, hidden_character
from tests.conftest import EXAMPLES

DEEP = ["[" * 1_000 + "]" * 1_000, "[" * 100_000, "[{" * 5_000]


# ---------------------------------------------------------------- nesting
@pytest.mark.parametrize("steps", DEEP, ids=["1000-deep", "100000-open", "lists-and-objects"])
def test_a_share_link_with_deeply_nested_steps_keeps_the_rest_and_names_the_problem(rulebook, steps):
    answers, problems = from_query_params({"ordering": "strict", "steps": steps}, rulebook)
    assert answers.traits == {"ordering": "strict"} and answers.steps == ()
    assert [(p.path, p.message) for p in problems] == [
        ("steps", "invalid steps (nesting too deep (limit 32 levels)); ignored")
    ]


@pytest.mark.parametrize("steps", DEEP, ids=["1000-deep", "100000-open", "lists-and-objects"])
def test_a_deeply_nested_steps_cell_is_an_error_of_its_row_only(rulebook, steps):
    text = f'workflow,steps\nDeep,"{steps}"\nFine,"Payment: Charge"\n'
    columns = read_csv(text.encode(), "p.csv", rulebook)
    assert columns.errors == {0: "steps: invalid JSON (nesting too deep (limit 32 levels))"}


def test_advisor_batch_with_a_deeply_nested_steps_cell_lists_the_row_and_gives_no_traceback(capsys, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f'workflow,steps\nDeep,"{DEEP[0]}"\n')
    assert main(["batch", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: row 1 (Deep): steps: invalid JSON (nesting too deep (limit 32 levels))" in err


def test_brackets_inside_json_strings_do_not_count_as_nesting():
    text = '[{"service": "' + "[" * 40 + '\\"' + "{" * 40 + '", "action": "x"}]'
    assert jsonsafe.nesting_depth(text) == 2
    assert jsonsafe.loads(text)[0]["action"] == "x"


# ---------------------------------------------------------------- CSV: formulas and width
def exported(rulebook, text: str) -> list[dict[str, str]]:
    table = result_table(evaluate_columns(rulebook, read_csv(text.encode(), "p.csv", rulebook)))
    return list(csv.DictReader(io.StringIO(table_csv(table).decode())))


def test_a_formula_after_leading_spaces_or_line_breaks_is_defused_in_the_exported_csv(rulebook):
    cells = [" =1+1", "\n=cmd|' /C calc'!A0", "\r\n@SUM(A1)", "\u00a0+1", "\t=1", "  -2"]
    text = "workflow,#note\n" + "".join(f'"{c}","{c}"\n' for c in cells)
    rows = exported(rulebook, text)
    assert [r["#note"] for r in rows] == ["'" + c for c in cells]


def test_text_with_a_formula_sign_later_in_it_is_left_alone(rulebook):
    rows = exported(rulebook, 'workflow,#note\n"a = b","x-1 @home"\n')
    assert (rows[0]["workflow"], rows[0]["#note"]) == ("a = b", "x-1 @home")


def test_a_csv_with_thousands_of_note_columns_costs_seconds_not_minutes(rulebook):
    # Why process time under a generous bound: the quadratic version took over a minute of CPU for this file
    n = 8_000
    text = ",".join(["workflow", *(f"#n{i}" for i in range(n))]) + "\n" + ",".join(["w", *("=x" for _ in range(n))])
    start = time.process_time()
    portfolio = read_portfolio([("wide.csv", text.encode())], rulebook, capped=False)
    out = table_csv(portfolio.table)
    spent = time.process_time() - start
    assert out.count(b"'=x") == n
    assert spent < 20, f"{spent:.1f} s of CPU for an {n:,}-column CSV"


def test_the_app_refuses_a_csv_wider_than_its_column_cap_naming_the_limit(rulebook):
    header = ",".join(["workflow", *(f"#n{i}" for i in range(MAX_COLUMNS))])
    with pytest.raises(UserError) as caught:
        read_portfolio([("wide.csv", (header + "\nw\n").encode())], rulebook)
    assert str(caught.value) == f"wide.csv:1: too many columns ({MAX_COLUMNS + 1:,}; limit {MAX_COLUMNS:,})"


# ---------------------------------------------------------------- names
@pytest.mark.parametrize(
    "name, found",
    [
        ("Checkout\u200b", "U+200B (ZERO WIDTH SPACE)"),
        ("\ufeffCheckout", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
        ("Check\u202eout", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("Check\u2066out\u2069", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
        ("Check\u200dout", "U+200D (ZERO WIDTH JOINER)"),
        ("two\u2028lines", "U+2028 (LINE SEPARATOR)"),
    ],
)
def test_a_name_with_an_invisible_or_direction_character_is_refused_naming_it(name, found):
    assert hidden_character(name).startswith(found)
    with pytest.raises(UserError) as caught:
        check_visible(name)
    assert caught.value.problems[0].message.startswith(f"a name cannot contain {found}, ")


@pytest.mark.parametrize("name", ["Checkout", "Commande réglée", "עברית", "注文 🚀", "<img src=x>"])
def test_a_visible_name_in_any_script_is_accepted_unchanged(name):
    assert check_visible(name) == name


def test_the_store_refuses_to_save_a_name_with_a_zero_width_character(rulebook, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    assessment = assess(rulebook, read_answers(str(EXAMPLES[0]), rulebook))
    with pytest.raises(UserError, match=r"U\+200B \(ZERO WIDTH SPACE\)"):
        store.save("Checkout\u200b", assessment, rulebook)
    saved = store.save("Checkout", assessment, rulebook)
    with pytest.raises(UserError, match=r"U\+202E"):
        store.rename(saved.id, "tuokcehC\u202e")
    assert [s.name for s in store.list_all()] == ["Checkout"]
    store.close()


# ---------------------------------------------------------------- dates
@pytest.mark.parametrize(
    "date, why", [("2026-13-45", "month must be in 1..12"), ("2026-02-30", "day is out of range for month")]
)
def test_an_adr_date_that_is_not_a_calendar_date_exits_2_saying_why(capsys, date, why):
    assert main(["report", str(EXAMPLES[0]), "--format", "adr", "--date", date]) == 2
    err = capsys.readouterr().err
    assert err == f"error: invalid ADR date '{date}': {why}; expected a calendar date as YYYY-MM-DD\n"


def test_a_real_leap_day_is_a_valid_adr_date(capsys):
    assert main(["report", str(EXAMPLES[0]), "--format", "adr", "--date", "2028-02-29"]) == 0
    assert "\ndate: 2028-02-29\n" in capsys.readouterr().out
