"""The questionnaire page (AppTest, widgets found by key = question id)."""

from __future__ import annotations

import pytest
from app_helpers import drawn_svgs, example, keyed_block, open_app, shown, stored_answers, texts

from advisor.engine.answers import Answers, to_query_params
from advisor.engine.evaluate import evaluate
from advisor.rulebook.formats import Step
from advisor.rulebook.loading import load_rulebook
from advisor.views.diagram.dot import build_diagram, render
from advisor.web import form


def radio_keys(at):
    return [r.key for r in at.radio]


def test_every_question_that_applies_has_a_widget_keyed_by_its_id(rulebook):
    at = open_app()

    keys = set(radio_keys(at)) | {n.key for n in at.number_input}

    hidden = {q.id for q in rulebook.questions.values() if q.show_if is not None}
    assert keys == set(rulebook.questions) - hidden


def test_each_question_shows_its_text_and_help(rulebook):
    at = open_app()

    q = rulebook.questions["ordering"]
    assert shown(at.radio(key="ordering").label) == q.text
    assert shown(at.radio(key="ordering").help) == q.help
    assert shown(at.number_input(key="teams").help) == rulebook.questions["teams"].help


def test_the_sections_of_the_catalog_are_shown_in_order(rulebook):
    at = open_app()

    headings = [shown(h.value) for h in at.subheader]
    assert headings == ["Your workflow"] + [s.title for s in rulebook.sections]


def test_not_sure_is_where_every_question_starts_and_it_assumes_nothing(rulebook):
    at = open_app()

    assert {r.value for r in at.radio} == {form.NOT_SURE}
    assert {n.value for n in at.number_input} == {None}
    assert {r.options[-1] for r in at.radio} == {"Not sure"}
    assert {n.proto.placeholder for n in at.number_input} == {"Not sure"}
    assert stored_answers(at).traits == {}
    assert at.get("progress")[0].proto.text.startswith("0 of ")
    assert "open (no evidence)" in at.get("progress")[0].proto.text
    assert "assume" not in texts(at).lower()


def test_not_sure_names_what_the_listed_steps_already_say(rulebook):
    steps = tuple(Step(service=f"S{i}", action="do", compensation="undo" if i == 0 else None) for i in range(9))
    at = open_app(answers=Answers({}, steps))

    assert at.number_input(key="step_count").value is None  # still unanswered: the steps are the evidence
    assert at.number_input(key="step_count").proto.placeholder == "Not sure (from the steps: 9)"
    assert shown(at.radio(key="compensation").options[-1]) == "Not sure (from the steps: Yes)"
    assert "compensation_can_fail" in radio_keys(at)  # its condition holds on what the steps say
    progress = at.get("progress")[0].proto.text
    assert (
        progress.startswith("0 of ")
        and f"{len(evaluate(rulebook, Answers({}, steps)).derived)} read from the steps" in progress
    )

    at.number_input(key="step_count").set_value(3).run()
    assert stored_answers(at).traits == {"step_count": 3}


def test_a_conditional_question_appears_as_soon_as_its_condition_holds():
    at = open_app()
    assert "compensation_can_fail" not in radio_keys(at)

    at.radio(key="compensation").set_value(True).run()

    assert "compensation_can_fail" in radio_keys(at)
    at.radio(key="compensation").set_value(False).run()
    assert "compensation_can_fail" not in radio_keys(at)


def test_answering_updates_the_stored_answers_the_progress_and_the_live_recommendation(rulebook):
    at = open_app()
    before = at.sidebar.markdown[0].value

    at.radio(key="ordering").set_value("strict").run()
    at.radio(key="compensation").set_value(True).run()
    at.radio(key="central_monitoring").set_value("high").run()
    at.number_input(key="teams").set_value(1).run()

    assert stored_answers(at).traits == {
        "ordering": "strict",
        "compensation": True,
        "central_monitoring": "high",
        "teams": 1,
    }
    assert at.get("progress")[0].proto.text.startswith("4 of ")
    assert "Orchestration" in shown(at.sidebar.markdown[0].value)
    assert at.sidebar.markdown[0].value != before


def test_choosing_not_sure_again_removes_the_answer():
    at = open_app()
    at.radio(key="ordering").set_value("strict").run()

    at.radio(key="ordering").set_value(form.NOT_SURE).run()

    assert "ordering" not in stored_answers(at).traits


def test_the_answers_are_mirrored_in_the_share_link():
    at = open_app()

    at.radio(key="ordering").set_value("strict").run()
    at.text_input(key="workflow-name").input("Order checkout").run()

    assert at.query_params == {"ordering": "strict", "workflow": "Order checkout"}


def test_a_share_link_fills_the_questionnaire():
    answers = example("order-checkout")

    at = open_app(answers=answers)

    assert stored_answers(at) == answers
    assert at.radio(key="ordering").value == "strict"
    assert at.number_input(key="teams").value == answers.traits["teams"]
    assert at.text_input(key="workflow-name").value == "Order checkout"
    assert at.data_editor[0].value["service"].tolist() == [s.service for s in answers.steps]


def test_a_tampered_share_link_keeps_its_valid_parts_and_says_what_was_ignored():
    at = open_app(query={"ordering": "strict", "teams": "many", "bogus": "1", "steps": "[{not json"})

    assert stored_answers(at).traits == {"ordering": "strict"}
    warnings = " ".join(shown(w.value) for w in at.warning)
    assert "teams" in warnings and "expected an integer" in warnings
    assert "bogus" in warnings and "unknown question" in warnings
    assert "steps" in warnings and "invalid steps" in warnings
    assert not at.exception


def apply_steps(at):
    at.button(key="steps-apply").click().run()


def table_services(at) -> list[str]:
    return at.data_editor[0].value["service"].tolist()


def test_moving_a_step_down_reorders_the_table_and_applying_reorders_the_workflow():
    at = open_app(answers=example("order-checkout"))

    at.selectbox(key="move-step").set_value(0).run()
    at.button(key="move-down").click().run()

    assert table_services(at)[:2] == ["Payment", "Orders"]
    assert [s.service for s in stored_answers(at).steps][:2] == ["Orders", "Payment"]  # a draft until applied
    assert "Not applied yet" in texts(at)
    assert at.selectbox(key="move-step").value == 1  # the picked step follows its move
    apply_steps(at)
    assert [s.service for s in stored_answers(at).steps][:3] == ["Payment", "Orders", "Inventory"]
    assert "Not applied yet" not in texts(at)


def test_a_step_cannot_move_beyond_the_ends():
    at = open_app(answers=example("order-checkout"))

    at.selectbox(key="move-step").set_value(0).run()

    assert at.button(key="move-up").disabled
    assert not at.button(key="move-down").disabled


def test_add_step_appends_an_empty_row_and_delete_step_removes_the_picked_one():
    at = open_app(answers=example("order-checkout"))
    before = table_services(at)

    at.button(key="steps-add").click().run()
    assert table_services(at) == [*before, ""]
    at.selectbox(key="move-step").set_value(0).run()
    at.button(key="steps-delete").click().run()
    assert table_services(at) == [*before[1:], ""]

    apply_steps(at)
    assert [s.service for s in stored_answers(at).steps] == before[1:]  # the empty row is no step


def test_answering_a_question_keeps_the_unapplied_draft_as_it_is():
    at = open_app(answers=example("order-checkout"))
    at.selectbox(key="move-step").set_value(0).run()
    at.button(key="move-down").click().run()

    at.radio(key="central_monitoring").set_value("high").run()

    assert table_services(at)[:2] == ["Payment", "Orders"]
    assert stored_answers(at).steps == example("order-checkout").steps
    assert "Not applied yet" in texts(at)


def test_edits_in_the_steps_table_become_the_workflow_steps_when_applied():
    at = open_app(answers=Answers({}, (Step(service="Orders", action="Create order"),), "Shop"))
    editor_key = at.data_editor[0].key
    assert list(at.data_editor[0].value.columns) == list(form.STEP_COLUMNS)

    at.session_state[editor_key] = {
        "edited_rows": {0: {"reaction": True, "team": "Shop team"}},
        "added_rows": [
            {
                "service": "Payment",
                "action": "Charge card",
                "compensation": "Refund",
                "reaction": False,
                "team": "Payments team",
                "context": "Billing",
            },
            {"service": "Shipping", "reaction": False},
        ],  # the table fills the checkbox's default
        "deleted_rows": [],
    }
    at.run()
    assert stored_answers(at).steps == (Step(service="Orders", action="Create order"),)
    apply_steps(at)

    assert stored_answers(at).steps == (
        Step(service="Orders", action="Create order", reaction=True, team="Shop team"),
        Step(service="Payment", action="Charge card", compensation="Refund", team="Payments team", context="Billing"),
    )
    assert any("Step 3 needs action" in shown(w.value) for w in at.warning)
    assert len(drawn_svgs(at)) == 1 and "Payment" in drawn_svgs(at)[0]  # the preview follows


@pytest.mark.parametrize(
    ("cells", "note"),
    [
        ({"service": "", "action": "Charge card"}, "Step 2 needs service"),
        ({"service": "   ", "action": "Charge card"}, "Step 2 needs service"),
        ({"service": "Payment", "action": "x", "team": "t" * 201}, "Step 2 is left out"),
    ],
    ids=["empty-service", "blank-service", "team-too-long"],
)
def test_a_bad_row_is_named_left_out_when_applied_and_the_good_steps_stay(cells, note):
    good = (Step(service="Orders", action="Create order"),)
    at = open_app(answers=Answers({}, good, "Shop"))
    at.session_state[at.data_editor[0].key] = {"edited_rows": {}, "added_rows": [cells], "deleted_rows": []}
    at.run()
    apply_steps(at)

    assert stored_answers(at).steps == good
    assert any(note in shown(w.value) for w in at.warning)
    assert not at.exception


@pytest.mark.parametrize(
    ("value", "reaction"),
    [(None, False), (float("nan"), False), ("yes", True), ("", False), (3, True), ([1], True), ({"a": 1}, True)],
    ids=["missing", "nan", "text", "empty-text", "number", "list", "object"],
)
def test_a_reaction_cell_that_is_no_yes_no_is_read_as_its_truth_and_the_table_still_works(value, reaction):
    """The grid sends True or False; a crafted message may send anything. The table keeps working (adding a row
    redraws it from the draft) and the step is applied with the cell's truth, as `bool` reads it."""
    at = open_app(answers=Answers({}, (Step(service="Orders", action="Create order"),), "Shop"))
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {"0": {"reaction": value}},
        "added_rows": [{"service": "Payment", "action": "Charge card", "reaction": value}],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="steps-add").click().run()  # the table drawn again from these rows
    apply_steps(at)

    assert not at.exception
    assert [s.reaction for s in stored_answers(at).steps] == [reaction, reaction]


def test_a_hostile_step_is_applied_and_shown_exactly():
    name = '<img src=x onerror=alert(1)> "q" C:\\ :smile: $x$'
    at = open_app(answers=Answers({}, (), "Shop"))
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {},
        "added_rows": [{"service": name, "action": name}],
        "deleted_rows": [],
    }
    at.run()
    apply_steps(at)

    assert stored_answers(at).steps == (Step(service=name, action=name),)
    assert at.selectbox(key="move-step").options == [f"1. {name}: {name}"]


def test_each_steps_team_and_context_travel_in_the_share_link_and_come_back(rulebook):
    steps = (
        Step(service="Orders", action="Create order", team="Shop", context="Sales"),
        Step(service="Payment", action="Charge card", team="Payments", context="Billing"),
    )
    at = open_app(answers=Answers({"ordering": "strict"}, steps, "Shop"))

    assert stored_answers(at).steps == steps
    table = at.data_editor[0].value
    assert table["team"].tolist() == ["Shop", "Payments"] and table["context"].tolist() == ["Sales", "Billing"]
    again = open_app(query=dict(at.query_params))
    assert stored_answers(again).steps == steps
    derived = evaluate(rulebook, stored_answers(again)).derived
    assert derived["teams"] == 2 and derived["cross_context"] is True


def test_a_hostile_workflow_name_is_kept_exactly():
    name = '<img src=x onerror=alert(1)> "quoted" C:\\ :smile: $x$'
    at = open_app()

    at.text_input(key="workflow-name").input(name).run()

    assert stored_answers(at).workflow == name
    assert to_query_params(stored_answers(at))["workflow"] == name


@pytest.fixture
def rules_with_a_new_question(rules_copy, monkeypatch):
    path = rules_copy / "questions.yaml"
    path.write_text(
        path.read_text()
        + """
  - id: data_residency
    section: scale
    text: Must the data stay in one region?
    help: A question added to the catalog, with no code change and no default.
    kind: yes_no
  - id: regions
    section: scale
    text: In how many regions does the workflow run?
    help: An integer question without a default.
    kind: integer
    minimum: 1
    maximum: 20
"""
    )
    monkeypatch.setenv("ADVISOR_RULES", str(rules_copy))
    return rules_copy


def test_a_question_added_to_the_rule_files_appears_without_a_code_change(rules_with_a_new_question):
    at = open_app()

    assert "data_residency" in radio_keys(at)
    assert shown(at.radio(key="data_residency").label) == "Must the data stay in one region?"
    assert at.radio(key="data_residency").value == form.NOT_SURE
    assert at.radio(key="data_residency").options[-1] == "Not sure"
    assert at.number_input(key="regions").value is None
    at.radio(key="data_residency").set_value(True).run()
    at.number_input(key="regions").set_value(3).run()
    assert stored_answers(at).traits == {"data_residency": True, "regions": 3}
    at.switch_page("pages/recommendation.py").run()
    assert not at.exception


def test_a_rulebook_that_fails_to_load_in_a_new_session_shows_its_problems(rules_copy, monkeypatch):
    (rules_copy / "rules.yaml").write_text("version: [")
    monkeypatch.setenv("ADVISOR_RULES", str(rules_copy))

    at = open_app()

    assert "rulebook cannot be loaded" in texts(at)
    assert "rules.yaml" in at.code[0].value
    assert not radio_keys(at)


def test_answers_reset_by_a_changed_rulebook_are_named(rules_copy, monkeypatch):
    monkeypatch.setenv("ADVISOR_RULES", str(rules_copy))
    at = open_app(query={"ordering": "strict"})
    questions = rules_copy / "questions.yaml"
    questions.write_text(
        questions.read_text().replace('      - {value: strict, label: "Strict order, waiting on confirmations"}\n', "")
    )
    for name, old, new in (
        ("rules.yaml", "value: strict", "value: some"),
        ("scenarios.yaml", "ordering: strict", "ordering: some"),
    ):
        (rules_copy / name).write_text((rules_copy / name).read_text().replace(old, new))

    at.run()

    assert "ordering" not in stored_answers(at).traits
    assert at.radio(key="ordering").value == form.NOT_SURE
    assert "no longer fits the rulebook" in texts(at)


def test_a_long_workflow_name_from_a_link_is_shown_whole():
    name = "A very long workflow name " * 40

    at = open_app(query={"workflow": name})

    assert at.text_input(key="workflow-name").value == name
    assert stored_answers(at).workflow == name


def test_each_widget_defaults_to_its_stored_answer_so_a_re_created_widget_keeps_it():
    at = open_app(answers=example("order-checkout"))

    ordering = load_rulebook().questions["ordering"]
    assert at.radio(key="ordering").proto.default == form.choices(ordering).index("strict")
    assert at.number_input(key="teams").proto.default == 3


def test_a_preview_draws_the_named_services_and_follows_each_answer(rulebook):
    answers = example("order-checkout")
    at = open_app(answers=answers)
    before = drawn_svgs(keyed_block(at, "diagram-preview"))
    assert len(before) == 1 and all(s.service in before[0] for s in answers.steps)

    at.radio(key="ordering").set_value("none").run()

    after = drawn_svgs(keyed_block(at, "diagram-preview"))
    changed = stored_answers(at)
    ev = evaluate(rulebook, changed)
    assert after == [render(build_diagram(ev), "svg").decode("utf-8")]
    assert after != before


def test_without_steps_there_is_no_preview():
    at = open_app()

    assert drawn_svgs(keyed_block(at, "diagram-preview")) == []
