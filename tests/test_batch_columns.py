"""The columns a batch is built from, read from answers objects in one pass (`columns_from_answers`, `step_counts`),
are exactly what reading them row by row and question by question gives: every answer's code, what was given,
what each row's steps say, and so every result of the evaluation (unanswered, hidden and step-derived answers
included). The row-by-row reading below is the reference: it is how the batch read answers before.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.engine import batch_evidence
from advisor.engine.answers import Answers
from advisor.engine.batch import Columns, evaluate_columns
from advisor.engine.batch_evidence import STEP_MEASURES, count_steps, step_counts
from advisor.engine.vector import domain_index, unknown_code
from advisor.errors import UserError
from advisor.portfolio.reading import column_type, columns_from_answers
from advisor.rulebook.formats import Step
from advisor.rulebook.loading import build_rulebook
from tests.test_batch_property import (
    DEFAULT,
    SETTINGS,
    STYLES_TEXT,
    answer_sets,
    random_steps,
    rulebooks,
    steps_strategy,
)


def columns_row_by_row(items, rulebook) -> Columns:
    """The reference: each question's column read row by row, each row's steps counted on their own."""
    n = len(items)
    traits = [a.traits for _, a in items]
    values, given_ = {}, {}
    for qid, q in rulebook.questions.items():
        default = unknown_code(q)
        if q.kind == "integer":
            codes = [t.get(qid, default) for t in traits]
        else:
            codes = [domain_index(q, t[qid]) if qid in t else default for t in traits]
        values[qid] = np.array(codes, column_type(q)).reshape(n)
        given_[qid] = np.array([qid in t for t in traits], bool).reshape(n)
    steps = tuple(a.steps for _, a in items)
    counts = np.zeros((len(STEP_MEASURES), n), np.int32)
    for i, row_steps in enumerate(steps):
        counts[:, i] = count_steps(row_steps)
    return Columns(n, values, given_, (None,) * n, steps, counts, {}, {"#file": tuple(name for name, _ in items)})


def assert_same_columns_and_results(rulebook, rows, steps):
    steps = (steps + [()] * len(rows))[: len(rows)]
    items = [(f"row{i}", Answers(dict(r), s)) for i, (r, s) in enumerate(zip(rows, steps))]
    fast, reference = columns_from_answers(items, rulebook), columns_row_by_row(items, rulebook)
    for qid in rulebook.questions:
        assert fast.values[qid].dtype == reference.values[qid].dtype, qid
        assert fast.values[qid].tolist() == reference.values[qid].tolist(), qid
        assert fast.given[qid].tolist() == reference.given[qid].tolist(), qid
    assert fast.counts.tolist() == reference.counts.tolist()
    got, want = evaluate_columns(rulebook, fast), evaluate_columns(rulebook, reference)
    for field in ("style", "runner_up", "lean", "scores", "confidence", "fired", "hidden", "assumed", "derived"):
        assert getattr(got, field).tolist() == getattr(want, field).tolist(), field
    for qid in rulebook.questions:
        assert got.values[qid].tolist() == want.values[qid].tolist(), qid


@settings(max_examples=200, **SETTINGS)
@given(rows=st.lists(answer_sets(DEFAULT), min_size=1, max_size=40), steps=st.lists(steps_strategy, max_size=40))
def test_answers_read_in_one_pass_give_the_row_by_row_columns_and_results(rows, steps):
    assert_same_columns_and_results(DEFAULT, rows, steps)


@settings(max_examples=150, **SETTINGS)
@given(data=st.data())
def test_on_random_rulebooks_too_conditional_questions_and_integers_too_wide_to_tabulate_included(data):
    rulebook = data.draw(rulebooks())
    rows = data.draw(st.lists(answer_sets(rulebook), min_size=1, max_size=25))
    steps = data.draw(st.lists(steps_strategy, max_size=25))
    assert_same_columns_and_results(rulebook, rows, steps)


@settings(max_examples=300, **SETTINGS)
@given(rows=st.lists(steps_strategy, max_size=30))
def test_the_step_measures_of_many_rows_are_each_rows_own_counts(rows):
    counts = step_counts(rows)
    assert counts.dtype == np.int32
    assert counts.T.tolist() == [list(count_steps(steps)) for steps in rows]


def test_steps_outside_the_most_named_context_are_apart_with_the_reactions():
    def step(context, reaction=False):
        return Step(service="S", action="A", context=context, reaction=reaction)

    # the core is Billing (named twice, though Sales is named first); a reaction's context does not count
    most = (step("Sales"), step("Billing"), step("Billing"), step("Shipping", reaction=True), step("Sales", True))
    unnamed = (step(None), step(None, reaction=True))
    counts = step_counts([most, unnamed, ()])
    apart = counts[STEP_MEASURES.index("apart")].tolist()
    assert apart == [3, 1, 0] == [count_steps(s)[-1] for s in (most, unnamed, ())]


def test_an_answer_to_a_question_the_rulebook_does_not_have_is_left_out():
    items = [("a.yaml", Answers({"retired_question": "yes", "ordering": "strict"}))]
    columns = columns_from_answers(items, DEFAULT)
    assert "retired_question" not in columns.values
    assert columns.values["ordering"].tolist() == [domain_index(DEFAULT.questions["ordering"], "strict")]
    assert sum(int(g[0]) for g in columns.given.values()) == 1


def test_rows_whose_counts_do_not_pack_or_have_too_many_names_to_tabulate_are_counted_alike(monkeypatch):
    rng = random.Random(17)
    rows = [random_steps(rng) for _ in range(300)]
    packed = step_counts(rows)
    monkeypatch.setattr(batch_evidence, "PACKED_BITS", 0)  # as when a row's counts do not fit in one integer
    tabulated = step_counts(rows)
    monkeypatch.setattr(batch_evidence, "DENSE_CELLS", 0)  # as when rows x distinct names is past the table
    reference = [list(c) for c in zip(*map(count_steps, rows))]
    assert step_counts(rows).tolist() == tabulated.tolist() == packed.tolist() == reference


def test_integers_of_every_width_are_read_as_row_by_row_those_past_32_bits_and_negative_ones_included():
    def integer(qid, low, high):
        return {
            "id": qid,
            "section": "s",
            "text": "Q?",
            "help": "H.",
            "kind": "integer",
            "minimum": low,
            "maximum": high,
        }

    bounds = {"small": (-5, 5), "edge": (2**31 - 12, 2**31 - 2), "wide": (2**40, 2**40 + 9), "low": (-(2**40), 0)}
    raw = {
        "questions.yaml": yaml.safe_dump(
            {"sections": [{"id": "s", "title": "S"}], "questions": [integer(q, *b) for q, b in bounds.items()]}
        ).encode(),
        "rules.yaml": json.dumps(
            {
                "version": "1.0.0",
                "rules": [
                    {
                        "id": "r",
                        "when": {"question": "wide", "op": "gt", "value": 2**40 + 4},
                        "effect": {"hybrid": 1},
                        "rationale": "R.",
                        "source": "S.",
                    }
                ],
            }
        ).encode(),
        "scenarios.yaml": yaml.safe_dump(
            {"scenarios": [{"name": "a", "traits": {}, "expect": {"style": "hybrid"}}]}
        ).encode(),
        "styles.yaml": STYLES_TEXT,
    }
    rulebook = build_rulebook(raw, "widths")
    rows = [{q: b[0] + i for q, b in bounds.items() if (i + len(q)) % 3} for i in range(9)]
    rows += [{"small": -7}, {"small": 9, "edge": 2**31 - 1}, {"low": 1}]  # outside the bounds: kept as written
    assert_same_columns_and_results(rulebook, rows, [])


@pytest.mark.parametrize("teams, contexts", [(70, 2), (3, 30), (40, 40)])
def test_many_teams_or_contexts_past_what_one_integer_packs_are_counted_alike(teams, contexts):
    rng = random.Random(teams * contexts)
    rows = [
        tuple(
            Step(
                service="S",
                action="A",
                reaction=rng.random() < 0.3,
                team=f"t{rng.randrange(teams)}" if rng.random() < 0.9 else None,
                context=f"c{rng.randrange(contexts)}" if rng.random() < 0.9 else None,
            )
            for _ in range(rng.choice((0, 1, 5, 80)))
        )
        for _ in range(60)
    ]
    assert step_counts(rows).T.tolist() == [list(count_steps(steps)) for steps in rows]


def test_files_that_failed_to_parse_keep_their_error_in_any_chunk_of_rows():
    broken = {3: UserError("bad indentation"), 2100: UserError("unknown question 'x'")}
    items = [(f"row{i}.yaml", broken.get(i, Answers({"ordering": "strict"}))) for i in range(2500)]
    columns = columns_from_answers(items, DEFAULT)
    assert columns.errors == {i: str(e.problems[0]) for i, e in broken.items()}
    assert columns.extra["#file"][2100] == "row2100.yaml"
    assert int(columns.given["ordering"].sum()) == 2500 - len(broken)
