"""Portfolio input: the CSV format, its per-row and whole-file errors, the steps cell, and the confidence table."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.engine.answers import Answers, read_answers
from advisor.engine.batch import confidence_of, evaluate_columns, summarize
from advisor.portfolio.reading import columns_from_answers, read_csv
from advisor.portfolio.steps_cell import count_steps_cell, format_steps_cell, parse_steps_cell
from advisor.engine.evaluate import evaluate
from advisor.errors import UserError
from advisor.rulebook.formats import Step

from tests.conftest import EXAMPLES, ROOT

PORTFOLIO = ROOT / "tests" / "data" / "portfolio"


def read(text: str, rulebook, **caps):
    return read_csv(text.encode(), "portfolio.csv", rulebook, **caps)


def test_each_row_is_evaluated_as_the_engine_would_evaluate_its_answers(rulebook):
    columns = read("workflow,ordering,compensation,fan_out\nCheckout,strict,true,2\nSign-up,none,false,3\n", rulebook)
    result = evaluate_columns(rulebook, columns)
    assert columns.workflows == ("Checkout", "Sign-up")
    assert result.row(0) == summarize(evaluate(rulebook, Answers({"ordering": "strict", "compensation": True,
                                                          "fan_out": 2})), rulebook)
    assert result.row(1) == summarize(evaluate(rulebook, Answers({"ordering": "none", "compensation": False,
                                                          "fan_out": 3})), rulebook)


def test_an_empty_cell_or_a_missing_column_means_unanswered_so_the_default_is_assumed(rulebook):
    result = evaluate_columns(rulebook, read("workflow,ordering,teams\nA,strict,\n", rulebook))
    row = result.row(0)
    assert "teams" in row["assumed"] and "fan_out" in row["assumed"]
    assert "ordering" not in row["assumed"]


def test_yes_no_cells_read_true_false_or_yes_no_in_any_case(rulebook):
    columns = read("audit\nTRUE\nyes\nFalse\nNO\n", rulebook)
    codes = columns.values["audit"]
    # option index 0 is true, 1 is false
    assert codes.tolist() == [0, 0, 1, 1] and columns.given["audit"].all()


def test_a_row_with_an_invalid_option_gets_an_error_naming_the_column_and_the_value(rulebook):
    columns = read_csv((PORTFOLIO / "some-bad-rows.csv").read_bytes(), "some-bad-rows.csv", rulebook)
    assert columns.errors[1] == "invalid value 'sometimes' for 'ordering'; expected none|some|strict"


def test_a_cell_that_is_not_an_integer_or_outside_the_bounds_is_a_row_error(rulebook):
    columns = read_csv((PORTFOLIO / "some-bad-rows.csv").read_bytes(), "some-bad-rows.csv", rulebook)
    assert columns.errors[2] == "invalid value 'three' for 'teams'; expected an integer"
    assert columns.errors[4] == "value 0 for 'teams' is outside 1..100"


def test_every_bad_cell_of_a_row_is_listed_in_its_error(rulebook):
    columns = read_csv((PORTFOLIO / "some-bad-rows.csv").read_bytes(), "some-bad-rows.csv", rulebook)
    assert columns.errors[3] == ("invalid value 'strictly' for 'ordering'; expected none|some|strict; "
                                 "invalid value 'maybe' for 'compensation'; expected true|false")


def test_the_good_rows_of_a_file_with_bad_rows_are_still_evaluated(rulebook):
    columns = read_csv((PORTFOLIO / "some-bad-rows.csv").read_bytes(), "some-bad-rows.csv", rulebook)
    result = evaluate_columns(rulebook, columns)
    assert sorted(columns.errors) == [1, 2, 3, 4, 5]
    assert result.ok.tolist() == [True, False, False, False, False, False, True]
    assert result.row(6) == summarize(evaluate(rulebook, Answers({"ordering": "none", "compensation": False, "teams": 4,
                                                          "fan_out": 3})), rulebook)


def test_an_unknown_column_is_an_error_naming_it_and_the_closest_question(rulebook):
    with pytest.raises(UserError) as e:
        read("workflow,orderin,teams\nA,strict,2\n", rulebook)
    assert str(e.value).startswith("portfolio.csv:1: column 2: unknown column 'orderin'; did you mean 'ordering'?")


def test_a_duplicate_column_is_an_error(rulebook):
    with pytest.raises(UserError, match="column 3: duplicate column 'teams'"):
        read("workflow,teams,teams\nA,2,3\n", rulebook)


def test_note_columns_starting_with_a_hash_are_carried_through_unchanged(rulebook):
    columns = read("workflow,#owner,ordering\nA,Team <b>Blue</b>,strict\n", rulebook)
    assert columns.extra == {"#owner": ("Team <b>Blue</b>",)}
    assert columns.errors == {}


def test_a_row_with_too_many_fields_makes_the_file_unreadable_with_its_row_number(rulebook):
    with pytest.raises(UserError) as e:
        read("workflow,ordering\nA,strict\nOrder, checkout,strict\n", rulebook)
    assert str(e.value) == ("portfolio.csv:3: expected 2 fields, got 3 (quote a value that contains a comma)")


def test_quoted_cells_may_hold_commas_quotes_and_newlines(rulebook):
    columns = read('workflow,ordering\n"Order, ""express""\ncheckout",strict\n', rulebook)
    assert columns.workflows == ('Order, "express"\ncheckout',)


@pytest.mark.parametrize("raw, message", [
    (b"", "empty file"),
    (b"\n\n", "empty file"),
    (b"workflow,ordering\nA,\xff\n", "not UTF-8 text (byte 20)"),
    (b"workflow\x00,ordering\n", "not a CSV text file (it contains NUL bytes)"),
])
def test_an_unreadable_file_is_one_clear_error(rulebook, raw, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_csv(raw, "portfolio.csv", rulebook)


def test_a_byte_order_mark_from_a_spreadsheet_is_accepted(rulebook):
    columns = read_csv(b"\xef\xbb\xbfworkflow,ordering\nA,strict\n", "p.csv", rulebook)
    assert columns.workflows == ("A",) and columns.given["ordering"].all()


def test_a_file_over_the_size_cap_is_refused_before_parsing(rulebook):
    with pytest.raises(UserError, match=r"file too large \(30 bytes; limit 20\)"):
        read_csv(b"workflow,ordering\nA,strict\nB,none\n"[:30], "p.csv", rulebook, max_bytes=20)


def test_a_file_with_too_many_rows_is_refused(rulebook):
    with pytest.raises(UserError, match=r"too many rows \(3; limit 2\)"):
        read("ordering\nstrict\nnone\nsome\n", rulebook, max_rows=2)


def test_a_header_without_rows_is_an_empty_portfolio(rulebook):
    result = evaluate_columns(rulebook, read("workflow,ordering\n", rulebook))
    assert result.columns.size == 0 and result.style.shape == (0,)


def test_answers_files_become_one_row_each_and_a_broken_one_an_error_row(rulebook, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("traits:\n  ordering: sometimes\n")
    items = [(str(p), read_answers(str(p), rulebook)) for p in EXAMPLES]
    try:
        read_answers(str(broken), rulebook)
    except UserError as e:
        items.append((str(broken), e))
    columns = columns_from_answers(items, rulebook)
    result = evaluate_columns(rulebook, columns)
    for i, (_, answers) in enumerate(items[:-1]):
        assert result.row(i) == summarize(evaluate(rulebook, Answers(answers.traits, answers.steps)), rulebook)
    assert columns.errors[len(EXAMPLES)].startswith(f"{broken}:2:13: traits.ordering: invalid value 'sometimes'")


# ---------------------------------------------------------------- the steps cell
def test_compact_steps_are_service_colon_action_separated_by_semicolons_with_a_star_for_reactions():
    steps = parse_steps_cell("Payment: Authorize card; Stock: Reserve items ;Email: Send receipt*")
    assert steps == (Step(service="Payment", action="Authorize card"), Step(service="Stock", action="Reserve items"),
                     Step(service="Email", action="Send receipt", reaction=True))


def test_json_steps_carry_compensations_and_events():
    cell = json.dumps([{"service": "Pay: EU", "action": "Charge; twice", "compensation": "Refund"}])
    assert parse_steps_cell(cell) == (Step(service="Pay: EU", action="Charge; twice", compensation="Refund"),)


@pytest.mark.parametrize("cell, message", [
    ("Payment authorizes", "step 1 'Payment authorizes' is not 'service: action'"),
    ("A: b;; C: d", "step 2 is empty (two ';' in a row?)"),
    ("A: *", "step 1 'A: *' is not 'service: action'"),
    ("[{\"service\": \"A\"}]", "step 1: action: Field required"),
    ("[1, 2", "invalid JSON"),
    ("{\"service\": \"A\"}", "JSON steps must be a list"),
    ("; ".join(["A: b"] * 501), "too many steps (501; limit 500)"),
])
def test_a_malformed_steps_cell_is_a_row_error_saying_what_is_wrong(cell, message):
    with pytest.raises(ValueError) as e:
        count_steps_cell(cell)
    assert message in str(e.value)


def test_a_steps_error_names_the_steps_column_in_the_row_error(rulebook):
    columns = read_csv((PORTFOLIO / "some-bad-rows.csv").read_bytes(), "some-bad-rows.csv", rulebook)
    assert columns.errors[5] == "steps: step 1 'Payment authorizes' is not 'service: action'"


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.builds(Step, service=names, action=names, reaction=st.booleans(),
                          compensation=st.none() | names), max_size=6))
def test_any_steps_written_to_a_cell_read_back_exactly(steps):
    assert parse_steps_cell(format_steps_cell(steps)) == tuple(steps)


def test_steps_from_a_csv_reach_the_per_step_allocation(rulebook):
    columns = read("workflow,ordering,compensation,fan_out,steps\n"
                   "Checkout,strict,true,2,Payment: Charge; Email: Send receipt*\n", rulebook)
    result = evaluate_columns(rulebook, columns)
    assert result.row(0)["style"] == "hybrid"
    assert result.row(0)["allocation"] == ("orchestrated", "event-driven")
    assert columns.step_count.tolist() == [2] and columns.reaction_count.tolist() == [1]


# ---------------------------------------------------------------- the confidence, exactly as the engine's
def engine_confidence(lead: int, assumed: int, visible: int, half: int) -> float:
    certainty = 1 - assumed / visible if visible else 0.0
    return round(lead / (lead + half) * certainty, 3) if lead > 0 else 0.0


def test_confidence_rounds_like_pythons_round_where_numpys_would_differ():
    # 3 / 4 * (1 - 3 / 20) = 0.6375 in binary is just below the half: Python gives 0.637, np.round 0.638
    out = confidence_of(np.array([3]), np.array([3]), np.array([20]), half=1)
    assert out.tolist() == [0.637]


def test_confidence_matches_the_engines_formula_over_a_grid():
    lead, assumed, visible = np.meshgrid(np.arange(0, 60), np.arange(0, 25), np.arange(0, 25), indexing="ij")
    keep = assumed <= visible
    lead, assumed, visible = lead[keep], assumed[keep], visible[keep]
    for half in (1, 4, 7):
        got = confidence_of(lead, assumed, visible, half)
        expected = [engine_confidence(int(a), int(b), int(c), half) for a, b, c in zip(lead, assumed, visible)]
        assert got.tolist() == expected


def test_answers_objects_and_csv_text_give_the_same_columns(rulebook):
    answers = Answers({"ordering": "strict", "audit": True, "teams": 3}, (), "A")
    typed = columns_from_answers([("a.yaml", answers)], rulebook)
    text = read("workflow,ordering,audit,teams\nA,strict,true,3\n", rulebook)
    for qid in rulebook.questions:
        assert typed.values[qid].tolist() == text.values[qid].tolist(), qid
        assert typed.given[qid].tolist() == text.given[qid].tolist(), qid


def test_the_readme_example_of_the_portfolio_csv_format_reads_without_errors(rulebook):
    readme = (ROOT / "README.md").read_text()
    block = readme.split("### Portfolio CSV format", 1)[1].split("```csv\n", 1)[1].split("```", 1)[0]
    columns = read_csv(block.encode(), "README.md", rulebook)
    assert columns.errors == {} and columns.size == 2
    assert columns.step_count.tolist() == [3, 2] and columns.reaction_count.tolist() == [1, 1]
    assert not columns.given["teams"][1]  # the empty cell: assumed


def test_a_header_without_a_line_end_is_an_empty_portfolio(rulebook):
    assert read_csv(b"workflow,ordering", "p.csv", rulebook).size == 0


def test_a_row_longer_than_the_readers_block_is_read(rulebook):
    steps = "; ".join(f"Service {i}: {'x' * 8000}" for i in range(200))  # 1.6 MB in one cell
    columns = read(f"workflow,ordering,steps\nBig,strict,{steps}\nSmall,none,\n", rulebook)
    assert columns.errors == {} and columns.step_count.tolist() == [200, 0]


def test_a_blank_column_name_becomes_a_note_column(rulebook):
    columns = read("workflow,,ordering\nA,anything,strict\n", rulebook)
    assert columns.extra == {"#column 2": ("anything",)}


csv_pieces = st.sampled_from(list('ab,"\n\r;:*[]{}\\ \t') + ["ordering", "strict", "workflow", "steps", "teams",
                                                               "7", "true", "#x", "\x00", "é", "\ufeff"])


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.lists(csv_pieces, max_size=60).map(lambda xs: "".join(xs).encode())))
def test_any_bytes_give_a_portfolio_or_a_user_error_never_a_crash(rulebook, raw):
    from advisor.portfolio.table import result_table, table_csv

    try:
        columns = read_csv(raw, "fuzz.csv", rulebook)
    except UserError as e:
        assert e.problems and all(p.file == "fuzz.csv" for p in e.problems)
        return
    table_csv(result_table(evaluate_columns(rulebook, columns)))
