"""Portfolio input: the CSV format, its per-row and whole-file errors, the steps cell, the evidence the steps give,
and the decision and confidence tables (the engine's own functions, once per distinct input)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.engine import batch_outcome
from advisor.engine.answers import Answers, read_answers
from advisor.engine.batch import evaluate_columns, summarize
from advisor.engine.batch_outcome import confidence_of, decide_columns
from advisor.engine.evaluate import decide, evaluate
from advisor.errors import UserError
from advisor.portfolio.reading import columns_from_answers, read_csv
from advisor.portfolio.steps_cell import count_steps_cell, format_steps_cell, parse_steps_cell
from advisor.portfolio.table import result_table
from advisor.rulebook.conditions import questions_read
from advisor.rulebook.formats import STYLES, ConfidenceFit, Decision, Step
from tests.conftest import EXAMPLES, ROOT

PORTFOLIO = ROOT / "tests" / "data" / "portfolio"


def read(text: str, rulebook, **caps):
    return read_csv(text.encode(), "portfolio.csv", rulebook, **caps)


def test_each_row_is_evaluated_as_the_engine_would_evaluate_its_answers(rulebook):
    columns = read("workflow,ordering,compensation,fan_out\nCheckout,strict,true,2\nSign-up,none,false,3\n", rulebook)
    result = evaluate_columns(rulebook, columns)
    assert columns.workflows == ("Checkout", "Sign-up")
    assert result.row(0) == summarize(
        evaluate(rulebook, Answers({"ordering": "strict", "compensation": True, "fan_out": 2})), rulebook
    )
    assert result.row(1) == summarize(
        evaluate(rulebook, Answers({"ordering": "none", "compensation": False, "fan_out": 3})), rulebook
    )


def test_an_empty_cell_or_a_missing_column_means_unanswered_so_unknown_and_assumed(rulebook):
    result = evaluate_columns(rulebook, read("workflow,ordering,teams\nA,strict,\n", rulebook))
    row = result.row(0)
    assert "teams" in row["assumed"] and "fan_out" in row["assumed"]
    assert "ordering" not in row["assumed"]
    assert row["answers"]["teams"] is None and row["answers"]["fan_out"] is None  # no default stands in
    assert row["answers"]["ordering"] == "strict"
    assert row["fired"] and all("ordering" in questions_read(rulebook.rule(r).when) for r in row["fired"])
    assert row == summarize(evaluate(rulebook, Answers({"ordering": "strict"})), rulebook)


def test_a_row_with_nothing_answered_fires_no_rule_and_has_the_confidence_of_chance(rulebook):
    result = evaluate_columns(rulebook, read("workflow,ordering,teams\nA,,\n", rulebook))
    row = result.row(0)
    assert row["fired"] == () and set(row["scores"].values()) == {0} and row["tie"]
    assert row["confidence"] == round(1 / 3, 3) == summarize(evaluate(rulebook, Answers()), rulebook)["confidence"]


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
    assert columns.errors[3] == (
        "invalid value 'strictly' for 'ordering'; expected none|some|strict; "
        "invalid value 'maybe' for 'compensation'; expected true|false"
    )


def test_the_good_rows_of_a_file_with_bad_rows_are_still_evaluated(rulebook):
    columns = read_csv((PORTFOLIO / "some-bad-rows.csv").read_bytes(), "some-bad-rows.csv", rulebook)
    result = evaluate_columns(rulebook, columns)
    assert sorted(columns.errors) == [1, 2, 3, 4, 5]
    assert result.ok.tolist() == [True, False, False, False, False, False, True]
    assert result.row(6) == summarize(
        evaluate(rulebook, Answers({"ordering": "none", "compensation": False, "teams": 4, "fan_out": 3})), rulebook
    )


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


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "empty file"),
        (b"\n\n", "empty file"),
        (b"workflow,ordering\nA,\xff\n", "not UTF-8 text (byte 20)"),
        (b"workflow\x00,ordering\n", "not a CSV text file (it contains NUL bytes)"),
    ],
)
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
    assert steps == (
        Step(service="Payment", action="Authorize card"),
        Step(service="Stock", action="Reserve items"),
        Step(service="Email", action="Send receipt", reaction=True),
    )


def test_json_steps_carry_compensations_events_teams_and_contexts():
    cell = json.dumps([{"service": "Pay: EU", "action": "Charge; twice", "compensation": "Refund"}])
    assert parse_steps_cell(cell) == (Step(service="Pay: EU", action="Charge; twice", compensation="Refund"),)
    cell = json.dumps([{"service": "Pay", "action": "Charge", "team": "Payments", "context": "Billing"}])
    assert parse_steps_cell(cell) == (Step(service="Pay", action="Charge", team="Payments", context="Billing"),)
    # steps, reactions, compensations, teams, contexts, event-driven in a hybrid
    assert count_steps_cell(cell) == (1, 0, 0, 1, 1, 0)
    assert count_steps_cell("A: b; C: d*") == (2, 1, 0, 0, 0, 1)


@pytest.mark.parametrize(
    "cell, message",
    [
        ("Payment authorizes", "step 1 'Payment authorizes' is not 'service: action'"),
        ("A: b;; C: d", "step 2 is empty (two ';' in a row?)"),
        ("A: *", "step 1 'A: *' is not 'service: action'"),
        ('[{"service": "A"}]', "step 1: action: Field required"),
        ("[1, 2", "invalid JSON"),
        ('{"service": "A"}', "JSON steps must be a list"),
        ("; ".join(["A: b"] * 501), "too many steps (501; limit 500)"),
    ],
)
def test_a_malformed_steps_cell_is_a_row_error_saying_what_is_wrong(cell, message):
    with pytest.raises(ValueError) as e:
        count_steps_cell(cell)
    assert message in str(e.value)


def test_a_steps_error_names_the_steps_column_in_the_row_error(rulebook):
    columns = read_csv((PORTFOLIO / "some-bad-rows.csv").read_bytes(), "some-bad-rows.csv", rulebook)
    assert columns.errors[5] == "steps: step 1 'Payment authorizes' is not 'service: action'"


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.builds(
            Step,
            service=names,
            action=names,
            reaction=st.booleans(),
            compensation=st.none() | names,
            team=st.none() | names,
            context=st.none() | names,
        ),
        max_size=6,
    )
)
def test_any_steps_written_to_a_cell_read_back_exactly(steps):
    assert parse_steps_cell(format_steps_cell(steps)) == tuple(steps)


def test_steps_from_a_csv_reach_the_per_step_allocation(rulebook):
    columns = read(
        "workflow,ordering,compensation,fan_out,steps\nCheckout,strict,true,2,Payment: Charge; Email: Send receipt*\n",
        rulebook,
    )
    result = evaluate_columns(rulebook, columns)
    assert result.row(0)["style"] == "hybrid"
    assert result.row(0)["allocation"] == ("orchestrated", "event-driven")
    assert columns.step_count.tolist() == [2] and columns.reaction_count.tolist() == [1]


def test_the_steps_of_a_row_answer_the_questions_it_left_unanswered_as_the_engine_reads_them(rulebook):
    steps = [
        {"service": "Orders", "action": "Accept order", "team": "Checkout", "context": "Sales"},
        {
            "service": "Payment",
            "action": "Charge card",
            "compensation": "Refund",
            "team": "Payments",
            "context": "Sales",
        },
        {"service": "Stock", "action": "Reserve items", "compensation": "Release", "team": "Warehouse"},
        {"service": "Shipping", "action": "Ship", "team": "Logistics", "context": "Fulfilment"},
        {"service": "Email", "action": "Send receipt", "reaction": True},
    ] + [{"service": f"Step {i}", "action": "Act", "context": "Sales"} for i in range(4)]
    cell = json.dumps(steps).replace('"', '""')
    text = f'workflow,ordering,step_count,steps\nBig,strict,,"{cell}"\nAnswered,strict,2,"{cell}"\nNone,strict,,\n'
    columns = read(text, rulebook)
    assert columns.errors == {}
    result = evaluate_columns(rulebook, columns)
    listed = tuple(Step.model_validate(s) for s in steps)
    for i, traits in enumerate(
        ({"ordering": "strict"}, {"ordering": "strict", "step_count": 2}, {"ordering": "strict"})
    ):
        expected = summarize(evaluate(rulebook, Answers(traits, listed if i < 2 else ())), rulebook)
        assert result.row(i) == expected, i
    big, answered, none = (result.row(i) for i in range(3))
    assert big["answers"]["step_count"] == 9 and "step_count" in big["derived"]  # the nine listed steps count
    assert big["answers"]["compensation"] is True and big["answers"]["cross_context"] is True
    assert answered["answers"]["step_count"] == 2 and "step_count" not in answered["derived"]  # the answer wins
    assert none["answers"]["step_count"] is None and none["derived"] == ()  # no steps: no evidence
    assert big["answers"]["teams"] == 4  # four teams named
    # a hybrid: the step outside the core's context (Sales) and the reaction react to events, the rest is commanded
    assert big["style"] == "hybrid"
    assert big["allocation"] == ("orchestrated",) * 3 + ("event-driven",) * 2 + ("orchestrated",) * 4


def test_the_table_counts_a_step_in_another_context_as_event_driven_in_a_hybrid(rulebook):
    steps = (
        Step(service="Orders", action="Accept", context="Sales"),
        Step(service="Payment", action="Charge", context="Sales"),
        Step(service="Shipping", action="Ship", context="Fulfilment"),
        Step(service="Email", action="Send receipt", reaction=True),
    )
    traits = {"ordering": "strict", "branching": "many", "fan_out": 4, "cross_context": True}
    ev = evaluate(rulebook, Answers(traits, steps))
    assert ev.style == "hybrid", "the answers were chosen to give a hybrid"
    table = result_table(
        evaluate_columns(rulebook, columns_from_answers([("a.yaml", Answers(traits, steps))], rulebook))
    )
    assert [a.mode for a in ev.allocation] == ["orchestrated", "orchestrated", "event-driven", "event-driven"]
    assert (table["orchestrated_steps"].iloc[0], table["event_driven_steps"].iloc[0]) == (2, 2)


# ---------------------------------------------------------------- style and lead, exactly as the engine's decide
@pytest.mark.parametrize("dense", [True, False])
def test_style_runner_up_and_lean_are_the_engines_decide_for_every_combination_of_points(monkeypatch, dense):
    if not dense:
        monkeypatch.setattr(batch_outcome, "DENSE_LIMIT", 0)  # the np.unique path, for wide score ranges
    o, c, h = (a.ravel() for a in np.meshgrid(*[np.arange(-4, 7)] * 3, indexing="ij"))
    scores = np.stack([o, c, h]).astype(np.int16)
    for decision in (
        Decision(),
        Decision(tie_break=["choreography", "hybrid", "orchestration"], hybrid_links=5),
        Decision(tie_break=["hybrid", "orchestration", "choreography"], hybrid_links=1),
    ):
        style, runner_up, lean = decide_columns(scores, decision)
        got = [(STYLES[a], STYLES[b], STYLES[c]) for a, b, c in zip(style, runner_up, lean)]
        assert got == [decide(int(a), int(b), int(c), decision) for a, b, c in zip(o, c, h)]


def test_decide_is_asked_once_per_distinct_combination_of_points(monkeypatch):
    calls = []
    monkeypatch.setattr(batch_outcome, "decide", lambda *args: calls.append(args) or decide(*args))
    scores = np.array([[3, 3, 0, 3], [1, 1, 0, 1], [2, 2, 0, 0]], np.int16)
    decide_columns(scores, Decision())
    assert sorted(args[:3] for args in calls) == [(0, 0, 0), (3, 1, 0), (3, 1, 2)]


# ---------------------------------------------------------------- the confidence, exactly as the engine's
def documented_confidence(lead: int, assumed: int, visible: int, fit: ConfidenceFit) -> float:
    """rules/README.md: 1 / (1 + e^-(bias + per_point x lead + per_answer x answered share)), the share counting
    only when the core leans one way; rounded to 3 places by Python's round."""
    share = (visible - assumed) / visible if visible and lead else 0.0
    return round(1 / (1 + math.exp(-(fit.bias + fit.per_point * lead + fit.per_answer * share))), 3)


def test_confidence_rounds_like_pythons_round_where_numpys_would_differ():
    # this bias makes the probability exactly the float nearest 0.6375, just below the half in binary: Python's
    # round gives 0.637, np.round (which scales by 1000 first) 0.638
    fit = ConfidenceFit(bias=0.5645298027378516, per_point=0.0, per_answer=0.0)
    assert 1 / (1 + math.exp(-fit.bias)) == 0.6375 and np.round(0.6375, 3) == 0.638
    out = confidence_of(np.array([0, 2]), np.array([3, 3]), np.array([20, 20]), fit)
    assert out.tolist() == [0.637, 0.637]


def test_confidence_matches_the_documented_formula_over_a_grid(rulebook):
    lead, assumed, visible = np.meshgrid(np.arange(0, 40), np.arange(0, 25), np.arange(0, 25), indexing="ij")
    keep = assumed <= visible
    lead, assumed, visible = lead[keep], assumed[keep], visible[keep]
    for fit in (rulebook.decision.confidence, ConfidenceFit(), ConfidenceFit(bias=1.5, per_point=-0.4, per_answer=6)):
        got = confidence_of(lead, assumed.astype(np.uint8), visible, fit)
        expected = [documented_confidence(int(a), int(b), int(c), fit) for a, b, c in zip(lead, assumed, visible)]
        assert got.tolist() == expected


def test_the_confidence_is_asked_once_per_distinct_lead_and_answered_share(monkeypatch, rulebook):
    calls = []
    real = batch_outcome.confidence
    monkeypatch.setattr(batch_outcome, "confidence", lambda *args: calls.append(args[:2]) or real(*args))
    # (lead, assumed, visible): the shares 1/2 and 2/4 are one share; a tie's share is passed as the engine does
    confidence_of(np.array([2, 2, 2, 0]), np.array([1, 2, 2, 0]), np.array([2, 4, 4, 5]), rulebook.decision.confidence)
    assert sorted(calls) == [(0, 1.0), (2, 0.5)]


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


csv_pieces = st.sampled_from(
    list('ab,"\n\r;:*[]{}\\ \t')
    + ["ordering", "strict", "workflow", "steps", "teams", "7", "true", "#x", "\x00", "é", "\ufeff"]
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.lists(csv_pieces, max_size=60).map(lambda xs: "".join(xs).encode())))
def test_any_bytes_give_a_portfolio_or_a_user_error_never_a_crash(rulebook, raw):
    from advisor.portfolio.table import table_csv

    try:
        columns = read_csv(raw, "fuzz.csv", rulebook)
    except UserError as e:
        assert e.problems and all(p.file == "fuzz.csv" for p in e.problems)
        return
    table_csv(result_table(evaluate_columns(rulebook, columns)))
