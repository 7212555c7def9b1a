"""The recommendation page (AppTest): everything it shows comes from the engine's one Evaluation."""

from __future__ import annotations

import pytest
from app_helpers import chart_data, example, keyed_block, open_app, shown, texts

from advisor.engine.answers import Answers
from advisor.engine.assessment import assess
from advisor.engine.evaluate import confidence_words, evaluate
from advisor.engine.explain import contributions, tipping_points
from advisor.rulebook.formats import Step
from advisor.web import form


def evaluation_of(answers, rulebook):
    return evaluate(rulebook, answers)


def test_the_style_is_shown_inside_the_container_keyed_recommendation(rulebook):
    answers = example("order-checkout")
    ev = evaluation_of(answers, rulebook)

    at = open_app("recommendation", answers)

    box = keyed_block(at, "recommendation")
    assert [shown(h.value) for h in box.header] == [getattr(rulebook.styles, ev.style).name]
    assert next(m.label for m in box.metric) == "Confidence"


def test_confidence_its_meaning_and_every_score_are_shown(rulebook):
    answers = example("loan-approval")
    ev = evaluation_of(answers, rulebook)

    at = open_app("recommendation", answers)

    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Confidence"] == f"{ev.confidence:.2f}"
    for style, score in ev.scores.items():
        assert metrics[f"{getattr(rulebook.styles, style).name} score"] == str(score)
    assert confidence_words(ev.confidence) in texts(at)
    assert (
        "Orchestration and choreography are the core's points (a coordinator, or none); hybrid is the link "
        f"evidence, which turns an orchestrated core into a hybrid from {rulebook.decision.hybrid_links} points."
    ) in texts(at)


def test_the_cores_lean_and_the_link_evidence_that_made_it_a_hybrid_are_stated(rulebook):
    answers = example("order-checkout")
    ev = evaluation_of(answers, rulebook)
    assert (ev.style, ev.lean, ev.tie) == ("hybrid", "orchestration", False)
    o, c, h = (ev.scores[s] for s in ("orchestration", "choreography", "hybrid"))

    at = open_app("recommendation", answers)

    (lean,) = [shown(m.value) for m in keyed_block(at, "core-lean").markdown]
    assert lean.startswith(
        f"The core flow needs a coordinator: {o} points for orchestration against {c} for choreography"
    )
    assert f"{h} points of link evidence (at least {rulebook.decision.hybrid_links} make a hybrid)" in lean
    assert "A tie" not in texts(at)


def test_a_core_that_needs_no_coordinator_is_choreographed_whatever_its_links(rulebook):
    answers = example("user-signup")
    ev = evaluation_of(answers, rulebook)
    assert ev.style == ev.lean == "choreography" and ev.scores["hybrid"] > 0

    at = open_app("recommendation", answers)

    (lean,) = [shown(m.value) for m in keyed_block(at, "core-lean").markdown]
    assert lean.startswith(
        f"The core flow needs no coordinator: {ev.scores['choreography']} points for choreography against "
        f"{ev.scores['orchestration']} for orchestration"
    )
    assert "every link is an event" in lean


def test_a_tie_is_marked_with_the_open_questions_that_would_decide_it(rulebook):
    answers = Answers({"ordering": "none", "compensation": True})
    assessment = assess(rulebook, answers)
    ev = assessment.evaluation
    assert ev.tie and ev.style == rulebook.decision.first_core_style
    deciding = []
    for t in assessment.tipping_points:
        for q, current in [(t.question, t.current), *((q, c) for q, c, _ in t.also)]:
            if current is None and q not in deciding:
                deciding.append(q)
    assert deciding and "compensation" not in deciding  # answered questions do not count as open

    at = open_app("recommendation", answers)

    (warning,) = [shown(w.value) for w in keyed_block(at, "recommendation").warning]
    assert warning.startswith("**A tie.** The core leans to orchestration only by the rulebook's tie-break")
    named = "; ".join(f"*{rulebook.questions[q].text}*" for q in deciding[:5])
    more = f"; and {len(deciding) - 5} more (see *What would change it*)." if len(deciding) > 5 else "."
    assert warning.endswith("The questions that would decide it: " + named + more)
    (lean,) = [shown(m.value) for m in keyed_block(at, "core-lean").markdown]
    assert lean.startswith(f"The core's points are equal ({ev.scores['orchestration']} each")
    sidebar = open_app("questionnaire", answers).sidebar.markdown[0].value
    assert "(a tie: see why)" in shown(sidebar)  # the live recommendation says so too


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
    assert table["why"].tolist() == [a.reason for a in ev.allocation]
    assert "team" not in table.columns and "context" not in table.columns  # no step names one


def test_each_step_explains_its_own_allocation_and_shows_its_team_and_context(rulebook):
    steps = (
        Step(service="Orders", action="Create order", team="Shop", context="Sales"),
        Step(service="Payment", action="Charge card", team="Payments", context="Sales"),
        Step(service="Invoices", action="Issue invoice", team="Finance", context="Billing"),
        Step(service="Email", action="Send receipt", reaction=True),
    )
    answers = Answers(dict(example("order-checkout").traits), steps)
    ev = evaluation_of(answers, rulebook)
    assert ev.style == "hybrid"
    assert len({a.reason for a in ev.allocation if a.mode == "event-driven"}) == 2  # one per step, not per mode

    at = open_app("recommendation", answers)

    table = keyed_block(at, "allocation").dataframe[0].value
    assert table["team"].tolist() == ["Shop", "Payments", "Finance", ""]
    assert table["context"].tolist() == ["Sales", "Sales", "Billing", ""]
    assert table["coordination"].tolist() == [a.mode for a in ev.allocation]
    assert table["why"].tolist() == [a.reason for a in ev.allocation]
    assert "Billing" in table["why"].iloc[2]


def test_without_steps_the_page_says_where_to_name_them():
    at = open_app("recommendation", Answers({"ordering": "strict"}))

    assert "Name your workflow's steps on the questionnaire" in texts(at)
    with pytest.raises(LookupError):
        keyed_block(at, "allocation")


def test_what_if_lists_exactly_the_engines_tipping_points(rulebook):
    answers = example("order-checkout")
    ev = evaluation_of(answers, rulebook)
    flips = tipping_points(rulebook, ev)
    assert flips and not any(t.also for t in flips)

    at = open_app("recommendation", answers)

    table = keyed_block(at, "tipping-points").dataframe[0].value
    names = {s: getattr(rulebook.styles, s).name for s in ev.scores}
    q = rulebook.questions
    assert table["if instead"].tolist() == [form.answer_label(q[t.question], t.value) for t in flips]
    assert table["recommendation"].tolist() == [names[t.style] for t in flips]
    assert table["question"].tolist() == [q[t.question].text for t in flips]
    assert table["your answer"].tolist() == [form.shown_answer(q[t.question], t.current) for t in flips]
    assert "together with" not in table.columns
    assert "Each change that alone would change the recommendation" in texts(at)


def test_an_open_question_among_the_tipping_points_reads_not_answered(rulebook):
    answers = Answers({"ordering": "strict"})
    flips = tipping_points(rulebook, evaluation_of(answers, rulebook))
    assert any(t.current is None for t in flips)

    table = keyed_block(open_app("recommendation", answers), "tipping-points").dataframe[0].value

    assert table["your answer"].tolist() == [
        "not answered" if t.current is None else form.answer_label(rulebook.questions[t.question], t.current)
        for t in flips
    ]


def test_when_no_single_change_flips_it_the_closest_pairs_are_listed(rulebook):
    answers = example("media-pipeline")
    ev = evaluation_of(answers, rulebook)
    flips = tipping_points(rulebook, ev)
    assert flips and all(len(t.also) == 1 for t in flips)

    at = open_app("recommendation", answers)

    table = keyed_block(at, "tipping-points").dataframe[0].value
    q = rulebook.questions
    assert table["question"].tolist() == [q[t.question].text for t in flips]
    assert table["together with"].tolist() == [
        f"{q[q2].text}: {form.shown_answer(q[q2], c2)} → {form.answer_label(q[q2], v2)}"
        for t in flips
        for q2, c2, v2 in t.also
    ]
    assert "No single change would change the recommendation; these are the closest changes" in texts(at)


def test_when_nothing_flips_it_the_page_says_so_and_promises_no_tipping_points(rulebook):
    answers = example("user-signup")
    ev = evaluation_of(answers, rulebook)
    assert tipping_points(rulebook, ev) == []

    at = open_app("recommendation", answers)

    page = texts(at)
    assert "No change of one answer, nor of two together, would change the recommendation" in page
    assert "could change it" not in page and "see the tipping points" not in page
    with pytest.raises(LookupError):
        keyed_block(at, "tipping-points")


def test_unanswered_questions_are_listed_as_no_evidence_and_nothing_is_assumed(rulebook):
    answers = Answers({"ordering": "strict", "compensation": True})
    ev = evaluation_of(answers, rulebook)

    page = texts(open_app("recommendation", answers))

    assert f"{len(ev.assumed)} of {ev.visible_count} questions were not answered: no evidence" in page
    assert rulebook.questions["teams"].text in page
    assert "Assumed:" not in page and "defaults were" not in page


def test_answers_read_from_the_steps_are_listed_and_marked_in_the_chart_and_the_rules(rulebook):
    steps = tuple(Step(service=f"S{i}", action="do", compensation="undo") for i in range(9))
    answers = Answers({"ordering": "strict"}, steps)
    ev = evaluation_of(answers, rulebook)
    assert ev.derived["step_count"] == 9 and "steps.many" in {r.rule_id for r in ev.fired}

    at = open_app("recommendation", answers)

    page = texts(at)
    assert f"{len(ev.derived)} answers were read from the steps you listed" in page
    q = rulebook.questions
    for qid, value in ev.derived.items():
        assert f"{q[qid].text} *From the steps: {form.answer_label(q[qid], value)}*" in page
    data = chart_data(at)
    assert set(data[data["question"] == "step_count"]["answer"]) == {"9 (from the steps)"}
    assert f"{q['step_count'].text} **9 (from the steps)**" in page


def test_hostile_step_names_are_shown_literally_in_the_allocation():
    names = ["<img src=x onerror=alert(1)>", 'a "quoted" \\ name', "order:svc :smile:"]
    answers = Answers({"ordering": "strict"}, tuple(Step(service=n, action=n) for n in names), "<b>wf</b> $x$")

    at = open_app("recommendation", answers)

    table = keyed_block(at, "allocation").dataframe[0].value
    assert table["service"].tolist() == names
    assert shown(at.title[0].value) == "Recommendation for <b>wf</b> $x$"
    assert not at.exception
