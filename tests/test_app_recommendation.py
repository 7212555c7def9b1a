"""The recommendation page (AppTest): everything it shows comes from the engine's one Evaluation."""
from __future__ import annotations

import pytest

from advisor.web import form
from advisor.engine.answers import Answers
from advisor.engine.evaluate import confidence_words, evaluate
from advisor.engine.explain import contributions, tipping_points
from advisor.rulebook.formats import Step
from app_helpers import chart_data, example, keyed_block, open_app, shown, texts


def evaluation_of(answers, rulebook):
    return evaluate(rulebook, answers)


def test_the_style_is_shown_inside_the_container_keyed_recommendation(rulebook):
    answers = example("order-checkout")
    ev = evaluation_of(answers, rulebook)

    at = open_app("recommendation", answers)

    box = keyed_block(at, "recommendation")
    assert [shown(h.value) for h in box.header] == [getattr(rulebook.styles, ev.style).name]
    assert [m.label for m in box.metric][0] == "Confidence"


def test_confidence_its_meaning_and_every_score_are_shown(rulebook):
    answers = example("loan-approval")
    ev = evaluation_of(answers, rulebook)

    at = open_app("recommendation", answers)

    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Confidence"] == f"{ev.confidence:.2f}"
    for style, score in ev.scores.items():
        assert metrics[f"{getattr(rulebook.styles, style).name} score"] == str(score)
    assert confidence_words(ev.confidence) in texts(at)


def test_the_title_names_the_workflow():
    at = open_app("recommendation", Answers({}, (), "Order checkout"))

    assert shown(at.title[0].value) == "Recommendation for Order checkout"


def test_each_fired_rule_is_shown_with_its_rationale_and_source(rulebook):
    answers = example("order-checkout")
    ev = evaluation_of(answers, rulebook)

    page = texts(open_app("recommendation", answers))

    assert ev.fired
    for r in ev.fired:
        rule = rulebook.rule(r.rule_id)
        assert rule.rationale in page
        assert f"Source: {rule.source}" in page


def test_the_contribution_chart_has_a_bar_per_answer_that_pushed(rulebook):
    answers = example("order-checkout")
    ev = evaluation_of(answers, rulebook)

    at = open_app("recommendation", answers)

    data = chart_data(at)
    pushes = contributions(ev, rulebook)
    assert set(data["question"]) == {c.question for c in pushes}
    for c in pushes:
        rows = data[data["question"] == c.question]
        assert rows["points"].sum() == pytest.approx(c.orchestration + c.choreography + c.hybrid)


def test_the_trade_offs_and_mitigations_of_the_chosen_style_are_shown(rulebook):
    answers = example("media-pipeline")
    style = getattr(rulebook.styles, evaluation_of(answers, rulebook).style)

    page = texts(open_app("recommendation", answers))

    for item in style.benefits + style.drawbacks + style.mitigations:
        assert item in page


def test_the_per_step_allocation_is_shown_for_a_hybrid(rulebook):
    answers = example("order-checkout")
    ev = evaluation_of(answers, rulebook)
    assert ev.style == "hybrid"

    at = open_app("recommendation", answers)

    table = keyed_block(at, "allocation").dataframe[0].value
    assert table["service"].tolist() == [s.service for s in answers.steps]
    assert table["coordination"].tolist() == [a.mode for a in ev.allocation]
    assert set(table["coordination"]) == {"orchestrated", "event-driven"}
    for a in ev.allocation:
        assert f"**{a.mode}**: {a.reason}" in texts(at)


def test_without_steps_the_page_says_where_to_name_them():
    at = open_app("recommendation", Answers({"ordering": "strict"}))

    assert "Name your workflow's steps on the questionnaire" in texts(at)
    with pytest.raises(LookupError):
        keyed_block(at, "allocation")


def test_what_if_lists_exactly_the_engines_tipping_points(rulebook):
    answers = example("user-signup")
    ev = evaluation_of(answers, rulebook)
    flips = tipping_points(rulebook, ev)
    assert flips

    at = open_app("recommendation", answers)

    table = keyed_block(at, "tipping-points").dataframe[0].value
    names = {s: getattr(rulebook.styles, s).name for s in ev.scores}
    assert table["if instead"].tolist() == [form.answer_label(rulebook.questions[t.question], t.value) for t in flips]
    assert table["recommendation"].tolist() == [names[t.style] for t in flips]
    assert table["question"].tolist() == [rulebook.questions[t.question].text for t in flips]


def test_assumed_answers_are_listed_and_marked(rulebook):
    answers = Answers({"ordering": "strict", "compensation": True})
    ev = evaluation_of(answers, rulebook)

    page = texts(open_app("recommendation", answers))

    assert f"{len(ev.assumed)} of {ev.visible_count} questions were not answered" in page
    assert rulebook.questions["teams"].text in page


def test_hostile_step_names_are_shown_literally_in_the_allocation():
    names = ['<img src=x onerror=alert(1)>', 'a "quoted" \\ name', 'order:svc :smile:']
    answers = Answers({"ordering": "strict"}, tuple(Step(service=n, action=n) for n in names), "<b>wf</b> $x$")

    at = open_app("recommendation", answers)

    table = keyed_block(at, "allocation").dataframe[0].value
    assert table["service"].tolist() == names
    assert shown(at.title[0].value) == "Recommendation for <b>wf</b> $x$"
    assert not at.exception
