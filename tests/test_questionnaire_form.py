"""The questionnaire as form data (advisor/questionnaire.py): widget values <-> answers, table rows <-> steps."""

from __future__ import annotations

import math

from advisor.engine.answers import Answers, parse_answers, revalidate
from advisor.engine.evaluate import evaluate
from advisor.rulebook.formats import Step
from advisor.rulebook.loading import build_rulebook, read_texts
from advisor.web import form

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "say \"hi\" 'there'",
    "C:\\path\\",
    "order:svc",
    "🚀 launch :smile:",
    "$x$ **bold** [link](javascript:alert(1))",
]


def test_not_sure_leaves_a_question_unanswered_so_it_is_no_evidence(rulebook):
    answers = form.answers_from_widgets(rulebook, Answers({"ordering": "strict"}), {"ordering": form.NOT_SURE})

    ev = evaluate(rulebook, Answers(answers.traits))

    assert "ordering" not in answers.traits
    assert "ordering" in ev.assumed
    assert ev.answers["ordering"] is None
    assert not [r.rule_id for r in ev.fired if "ordering" in dict(r.values)]


def test_listed_steps_answer_what_is_left_unanswered_and_an_answer_overrides_them(rulebook):
    steps = tuple(Step(service=f"S{i}", action="do", compensation="undo" if i < 2 else None) for i in range(9))

    derived = form.steps_evidence(rulebook, Answers({}, steps))
    answered = form.steps_evidence(rulebook, Answers({"step_count": 3}, steps))

    assert derived["step_count"] == 9 and derived["compensation"] is True
    assert "step_count" not in answered and answered["compensation"] is True


def test_an_empty_number_box_means_not_sure(rulebook):
    answers = form.answers_from_widgets(rulebook, Answers({"teams": 7}), {"teams": None})

    assert "teams" not in answers.traits


def test_widget_values_become_answers_in_catalog_order(rulebook):
    values = {"teams": 4, "compensation": True, "ordering": "strict"}

    answers = form.answers_from_widgets(rulebook, Answers(), values)

    assert list(answers.traits) == [q for q in rulebook.questions if q in values]
    assert answers.traits == {"ordering": "strict", "compensation": True, "teams": 4}


def test_a_whole_number_given_as_a_float_is_an_integer_answer(rulebook):
    answers = form.answers_from_widgets(rulebook, Answers(), {"teams": 4.0})

    assert answers.traits["teams"] == 4
    assert type(answers.traits["teams"]) is int


def test_a_widget_value_outside_the_question_is_treated_as_not_sure(rulebook):
    answers = form.answers_from_widgets(rulebook, Answers({"ordering": "strict"}), {"ordering": "sometimes"})

    assert "ordering" not in answers.traits


def test_questions_without_a_widget_value_keep_their_stored_answer(rulebook):
    answers = form.answers_from_widgets(rulebook, Answers({"compensation_can_fail": True}), {})

    assert answers.traits == {"compensation_can_fail": True}


def test_each_widget_starts_from_the_stored_answer_or_not_sure(rulebook):
    answers = Answers({"ordering": "none"})
    q = rulebook.questions

    assert form.widget_value(q["ordering"], answers) == "none"
    assert form.widget_value(q["branching"], answers) == form.NOT_SURE
    assert form.widget_value(q["teams"], answers) is None


def test_the_not_sure_label_assumes_nothing_but_names_what_the_steps_say(rulebook):
    q = rulebook.questions["ordering"]
    compensation = rulebook.questions["compensation"]

    assert form.choice_label(q, form.NOT_SURE) == "Not sure"
    assert form.choice_label(compensation, form.NOT_SURE, True) == "Not sure (from the steps: Yes)"
    assert form.choice_label(q, "strict") == q.label_of("strict")
    assert form.choices(q) == [*q.option_values(), form.NOT_SURE]
    assert form.number_placeholder() == "Not sure"
    assert form.number_placeholder(9) == "Not sure (from the steps: 9)"


def test_a_question_without_a_default_has_its_widget_labels_and_answers(rulebook):
    q = rulebook.questions["ordering"].model_copy(update={"default": None})

    assert form.choice_label(q, form.NOT_SURE) == "Not sure"
    assert form.widget_value(q, Answers()) == form.NOT_SURE
    assert form.trait_from_widget(q, "strict") == (True, "strict")
    assert form.trait_from_widget(q, form.NOT_SURE) == (False, None)


def test_an_answer_reads_as_given_from_the_steps_not_answered_or_not_applicable(rulebook):
    q = rulebook.questions
    ev = evaluate(rulebook, Answers({"ordering": "strict"}, (Step(service="A", action="b", compensation="c"),)))

    assert form.evaluated_answer(q["ordering"], ev) == q["ordering"].label_of("strict")
    assert form.evaluated_answer(q["step_count"], ev) == "1 (from the steps)"
    assert form.evaluated_answer(q["branching"], ev) == "not answered"
    assert form.evaluated_answer(q["compensation"], ev) == "Yes (from the steps)"
    hidden = evaluate(rulebook, Answers({"compensation": False}))
    assert form.evaluated_answer(q["compensation_can_fail"], hidden) == "not applicable"


def test_a_conditional_question_is_shown_only_when_its_condition_holds(rulebook):
    without = [q.id for q in form.shown_questions(rulebook, Answers({"compensation": False}))]
    with_ = [q.id for q in form.shown_questions(rulebook, Answers({"compensation": True}))]

    assert "compensation_can_fail" not in without
    assert "compensation_can_fail" in with_


def test_progress_counts_given_answers_among_the_questions_that_apply(rulebook):
    ev = evaluate(rulebook, Answers({"ordering": "strict", "compensation": False, "compensation_can_fail": True}))

    done = form.progress(ev)

    assert (done.answered, done.applicable) == (2, len(rulebook.questions) - 1)
    assert str(done) == f"2 of {len(rulebook.questions) - 1} questions answered; {len(ev.assumed)} open (no evidence)"


def test_progress_counts_answers_read_from_the_steps_apart_from_those_given(rulebook):
    steps = (Step(service="A", action="b", reaction=True), Step(service="C", action="d"))
    ev = evaluate(rulebook, Answers({"ordering": "strict"}, steps))

    done = form.progress(ev)

    assert (done.answered, done.from_steps) == (1, len(ev.derived)) and done.from_steps >= 2  # step_count, fan_out
    assert done.answered + done.from_steps + done.open == done.applicable
    assert f"; {len(ev.derived)} read from the steps; {done.open} open (no evidence)" in str(done)


def test_steps_survive_a_round_trip_through_table_rows_with_hostile_names():
    steps = tuple(
        Step(
            service=name,
            action=f"do {name}",
            reaction=i % 2 == 0,
            compensation=name if i else None,
            event=None if i else name,
            team=name if i % 3 else None,
            context=None if i % 3 else name,
        )
        for i, name in enumerate(HOSTILE)
    )

    back, notes = form.rows_to_steps(form.steps_to_rows(steps))

    assert back == steps
    assert notes == []


def test_a_blank_row_is_ignored_and_an_incomplete_row_is_named_and_left_out():
    rows = [
        {"service": "Orders", "action": "Create order", "reaction": None},
        {"service": None, "action": None, "reaction": None, "compensation": None, "event": None},
        {"service": "Payment", "action": "  ", "reaction": False, "compensation": float("nan")},
    ]

    steps, notes = form.rows_to_steps(rows)

    assert steps == (Step(service="Orders", action="Create order"),)
    assert notes == ["Step 3 needs action; it is left out until filled in."]


def test_missing_cells_read_from_a_data_frame_are_empty_not_the_text_nan():
    steps, _ = form.rows_to_steps(
        [
            {
                "service": "A",
                "action": "b",
                "reaction": math.nan,
                "compensation": math.nan,
                "event": None,
                "team": math.nan,
            }
        ]
    )

    assert steps == (Step(service="A", action="b", reaction=False, compensation=None, event=None),)


def test_the_table_has_a_team_and_a_context_column_and_blank_ones_are_no_owner():
    rows = [
        {"service": "Orders", "action": "Create", "team": "Shop team", "context": "Sales"},
        {"service": "Email", "action": "Send", "reaction": True, "team": "  ", "context": ""},
        {"service": None, "action": None, "team": "Shop team", "context": None},
    ]

    steps, notes = form.rows_to_steps(rows)

    assert form.STEP_COLUMNS[-2:] == ("team", "context")
    assert list(form.steps_to_rows(steps)[0]) == list(form.STEP_COLUMNS)
    assert steps[0] == Step(service="Orders", action="Create", team="Shop team", context="Sales")
    assert steps[1] == Step(service="Email", action="Send", reaction=True)
    assert notes == ["Step 3 needs service and action; it is left out until filled in."]


def test_moving_a_step_keeps_the_others_in_order_and_stops_at_the_ends():
    steps = tuple(Step(service=s, action="x") for s in "ABCD")
    names = lambda ss: "".join(s.service for s in ss)

    assert names(form.move_step(steps, 2, -1)) == "ACBD"
    assert names(form.move_step(steps, 0, 1)) == "BACD"
    assert names(form.move_step(steps, 0, -1)) == "ABCD"
    assert names(form.move_step(steps, 3, 5)) == "ABCD"
    assert names(form.move_step(steps, 9, 1)) == "ABCD"


def test_answers_that_no_longer_fit_a_changed_rulebook_are_reset_and_named(rules_copy):
    texts = read_texts(rules_copy)
    texts["questions.yaml"] = texts["questions.yaml"].replace(
        b'      - {value: strict, label: "Strict order, waiting on confirmations"}\n', b""
    )
    texts["rules.yaml"] = texts["rules.yaml"].replace(b"value: strict", b"value: some")
    texts["scenarios.yaml"] = texts["scenarios.yaml"].replace(b"ordering: strict", b"ordering: some")
    changed = build_rulebook(texts, "changed")
    answers = parse_answers(b"traits: {ordering: strict, teams: 3}", "a.yaml", build_rulebook(read_texts(rules_copy)))

    kept, notes = revalidate(answers, changed)

    assert kept.traits == {"teams": 3}
    assert len(notes) == 1 and notes[0].startswith("The answer ordering = 'strict' no longer fits the rulebook")


def test_names_keep_their_surrounding_spaces_so_imports_round_trip_exactly():
    steps = (Step(service=" Orders ", action="create  "),)

    assert form.rows_to_steps(form.steps_to_rows(steps))[0] == steps


def test_the_draft_rows_apply_the_editors_edits_deletions_then_additions_as_the_table_does():
    rows = tuple(form.steps_to_rows(tuple(Step(service=s, action="x") for s in "ABC")))
    edits = {"edited_rows": {"0": {"reaction": True}}, "deleted_rows": [1], "added_rows": [{"service": "D"}]}

    out = form.edited_rows(rows, edits)

    assert [r["service"] for r in out] == ["A", "C", "D"]
    assert out[0]["reaction"] is True and out[2]["action"] == "" and list(out[2]) == list(form.STEP_COLUMNS)
    assert form.row_label(2, out[2]) == "3. D: (no action)"
    assert form.filled_rows((*out, form.blank_row())) == out
