"""The engine: scoring, style, confidence, assumptions, conditional questions, per-step allocation."""

from __future__ import annotations

import math
import random

import pytest

from advisor.engine import evaluate as engine
from advisor.engine.allocation import START, allocate, triggers
from advisor.engine.answers import Answers, read_answers
from advisor.engine.evaluate import confidence, decide, evaluate
from advisor.engine.scenarios import run_scenarios
from advisor.rulebook.formats import Step
from tests.conftest import EXAMPLES

CHECKOUT = {
    "ordering": "strict",
    "compensation": True,
    "central_monitoring": "high",
    "fan_out": 2,
    "teams": 3,
    "scalability_priority": "high",
}


def random_traits(rulebook, rng: random.Random, answer_share: float = 0.7) -> dict:
    traits = {}
    for qid, q in rulebook.questions.items():
        if rng.random() > answer_share:
            continue
        if q.kind == "integer":
            traits[qid] = rng.choice([q.minimum, q.maximum, rng.randint(q.minimum, min(q.maximum, 12))])
        else:
            traits[qid] = rng.choice(q.option_values())
    return traits


def test_every_rule_scenario_passes_with_full_rule_coverage(rulebook):
    run = run_scenarios(rulebook)
    assert [r.scenario.name for r in run.results if not r.passed] == []
    assert run.coverage == 1.0


def test_scores_are_the_sums_of_the_fired_rules_effects_and_the_style_follows_the_decision(rulebook):
    ev = evaluate(rulebook, Answers(CHECKOUT))
    assert ev.scores == {
        "orchestration": sum(r.orchestration for r in ev.fired),
        "choreography": sum(r.choreography for r in ev.fired),
        "hybrid": sum(r.hybrid for r in ev.fired),
    }
    o, c, h = ev.scores["orchestration"], ev.scores["choreography"], ev.scores["hybrid"]
    assert (ev.style, ev.runner_up, ev.lean) == decide(o, c, h, rulebook.decision)
    assert ev.lead == abs(o - c)


def test_an_ordered_compensated_core_is_orchestrated_and_becomes_a_hybrid_when_consumers_react(rulebook):
    core = {"ordering": "strict", "compensation": True, "central_monitoring": "high"}
    assert evaluate(rulebook, Answers(core)).style == "orchestration"
    with_consumers = evaluate(rulebook, Answers({**core, "fan_out": 3}))
    assert with_consumers.style == "hybrid" and with_consumers.lean == "orchestration"
    assert "fanout.some" in {r.rule_id for r in with_consumers.fired}


def test_consumers_without_a_core_that_needs_a_coordinator_are_choreographed_not_a_hybrid(rulebook):
    ev = evaluate(rulebook, Answers({"ordering": "none", "compensation": False, "fan_out": 3}))
    assert ev.scores["hybrid"] > 0  # the links are events...
    assert ev.style == "choreography"  # ...and so is everything else: there is no core to orchestrate


def test_the_trace_holds_every_rule_with_the_values_it_looked_at(rulebook):
    ev = evaluate(rulebook, Answers(CHECKOUT))
    assert [r.rule_id for r in ev.trace] == [r.id for r in rulebook.rules]
    by_id = {r.rule_id: r for r in ev.trace}
    assert by_id["ordering.strict"].values == (("ordering", "strict"),)
    assert by_id["ordering.strict"].fired and by_id["ordering.strict"].orchestration == 3
    silent = by_id["coordinator.unacceptable"]
    assert not silent.fired and (silent.orchestration, silent.choreography, silent.hybrid) == (0, 0, 0)
    assert silent.values == (("coordinator_spof", None),)  # unanswered: no evidence either way


def test_an_unanswered_question_is_no_evidence_it_fires_no_rule(rulebook):
    empty = evaluate(rulebook, Answers({}))
    assert empty.fired == ()
    assert set(empty.answers.values()) == {None}
    ev = evaluate(rulebook, Answers({"ordering": "strict"}))
    assert "ordering" not in ev.assumed and "fan_out" in ev.assumed and ev.answers["fan_out"] is None
    assert {r.rule_id for r in ev.fired} == {"ordering.strict"}


def test_a_negated_test_on_an_unanswered_question_does_not_fire_either(rulebook):
    # simple.no_coordination_needed: ordering is not strict, compensation is no, branching is none
    known = evaluate(rulebook, Answers({"ordering": "some", "compensation": False, "branching": "none"}))
    unknown = evaluate(rulebook, Answers({"compensation": False, "branching": "none"}))
    assert "simple.no_coordination_needed" in {r.rule_id for r in known.fired}
    assert "simple.no_coordination_needed" not in {r.rule_id for r in unknown.fired}


def test_listed_steps_answer_the_step_count_reactions_compensations_and_contexts_left_unanswered(rulebook):
    steps = [Step(service=f"S{i}", action=f"Do {i}", context="Sales" if i < 7 else "Billing") for i in range(9)]
    steps[1] = Step(service="Payment", action="Charge", compensation="Refund", context="Sales")
    steps[8] = Step(service="Mail", action="Send receipt", reaction=True, context="Billing")
    ev = evaluate(rulebook, Answers({}, steps))
    assert ev.derived == {"step_count": 9, "compensation": True, "cross_context": True, "fan_out": 1}
    assert {"steps.many", "compensation.needed", "links.cross_context"} <= {r.rule_id for r in ev.fired}
    answered = evaluate(rulebook, Answers({"step_count": 2, "compensation": False}, steps))
    assert answered.answers["step_count"] == 2 and answered.answers["compensation"] is False
    assert "step_count" not in answered.derived and "steps.many" not in {r.rule_id for r in answered.fired}


def test_the_same_trait_points_either_way_depending_on_what_changes(rulebook):
    logic = evaluate(rulebook, Answers({"change_frequency": "high", "change_focus": "flow_logic"}))
    consumers = evaluate(rulebook, Answers({"change_frequency": "high", "change_focus": "consumers"}))
    assert logic.lean == "orchestration" and consumers.lean == "choreography"
    scale = evaluate(rulebook, Answers({"scalability_priority": "high"}))
    engine = evaluate(rulebook, Answers({"scalability_priority": "high", "engine_scales": True}))
    assert scale.lean == "choreography" and engine.scores["orchestration"] == engine.scores["choreography"]


def test_confidence_follows_the_documented_formula(rulebook):
    ev = evaluate(rulebook, Answers(CHECKOUT))
    fit = rulebook.decision.confidence
    visible = len(rulebook.questions) - len(ev.not_applicable)
    share = (visible - len(ev.assumed)) / visible
    expected = 1 / (1 + math.exp(-(fit.bias + fit.per_point * ev.lead + fit.per_answer * share)))
    assert ev.confidence == round(expected, 3)
    assert 0.5 < ev.confidence < 1


def test_confidence_is_the_probability_rounded_to_three_places_exactly_as_round_does_even_near_a_half():
    from advisor.rulebook.formats import ConfidenceFit

    rng = random.Random(17)
    # every thousandth's half-way point, and a hair either side of it, then random fits, leads and shares
    near_half = [(k + 0.5) / 1000 + d for k in range(1000) for d in (-1e-12, 0.0, 1e-12, -1e-6, 1e-6)]
    for p in near_half:
        fit = ConfidenceFit(bias=max(-20.0, min(20.0, math.log(p / (1 - p)))), per_point=0, per_answer=0)
        assert confidence(0, 0.0, fit) == round(1 / (1 + math.exp(-fit.bias)), 3)
    for _ in range(20_000):
        fit = ConfidenceFit(bias=rng.uniform(-20, 20), per_point=rng.uniform(-5, 5), per_answer=rng.uniform(-20, 20))
        lead, share = rng.randint(0, 40), rng.random()
        x = max(-30.0, min(30.0, fit.bias + fit.per_point * lead + fit.per_answer * (share if lead else 0.0)))
        assert confidence(lead, share, fit) == round(1 / (1 + math.exp(-x)), 3)


def test_remembered_confidences_are_the_formulas_and_stay_bounded_and_a_new_fit_is_not_served_old_ones(
    rulebook, monkeypatch
):
    monkeypatch.setattr(engine, "CONFIDENCES_KEPT", 8)  # a small memory, so that it fills up many times
    ready = rulebook.ready_decision
    ready.confidences.clear()
    rng = random.Random(5)
    options = {qid: q.option_values() or [q.minimum, q.maximum] for qid, q in rulebook.questions.items()}
    for _ in range(300):
        traits = {qid: rng.choice(values) for qid, values in options.items() if rng.random() < 0.5}
        ev = evaluate(rulebook, Answers({q: traits[q] for q in rulebook.questions if q in traits}))
        assert ev.confidence == confidence(ev.lead, ev.answered_share, rulebook.decision.confidence)
        assert len(ready.confidences) <= 8
    refit = rulebook.decision.confidence.model_copy(update={"bias": 1.0, "per_point": 0.0, "per_answer": 0.0})
    changed = rulebook.replace(decision=rulebook.decision.model_copy(update={"confidence": refit}))
    assert evaluate(changed, Answers(CHECKOUT)).confidence == round(1 / (1 + math.exp(-1.0)), 3) == 0.731
    assert evaluate(rulebook, Answers(CHECKOUT)).confidence != 0.731


def test_answering_more_questions_without_changing_the_points_raises_confidence(rulebook):
    few = evaluate(rulebook, Answers(CHECKOUT))
    more = evaluate(rulebook, Answers({**CHECKOUT, "ordering": "strict", "audit": False, "combine_results": False}))
    assert more.scores == few.scores and len(more.assumed) < len(few.assumed)
    assert more.confidence > few.confidence


def test_nothing_answered_is_a_tie_at_chance_confidence(rulebook):
    ev = evaluate(rulebook, Answers({}))
    assert ev.tie and ev.lead == 0
    assert ev.confidence == round(1 / 3, 3)


def test_a_tie_is_marked_and_goes_to_the_first_core_style_of_the_tie_break_never_silently_to_hybrid(rulebook):
    traits = {"branching": "few", "scalability_priority": "high", "fan_out": 3}  # orchestration 1 = choreography 1
    ev = evaluate(rulebook, Answers(traits))
    assert ev.scores["orchestration"] == ev.scores["choreography"] and ev.tie
    assert ev.scores["hybrid"] >= rulebook.decision.hybrid_links
    assert (ev.style, ev.lean) == ("hybrid", "orchestration")  # the tie-break picked the core, then the links
    assert ev.confidence == round(1 / 3, 3)
    order = ["choreography", "orchestration"]
    flipped = rulebook.replace(decision=rulebook.decision.model_copy(update={"tie_break": order}))
    assert evaluate(flipped, Answers(traits)).style == "choreography"


def test_a_conditional_question_is_not_applicable_when_its_condition_fails(rulebook):
    ev = evaluate(rulebook, Answers({"compensation": False, "compensation_can_fail": True}))
    assert "compensation_can_fail" in ev.not_applicable
    assert ev.answers["compensation_can_fail"] is None  # the stray answer is not used
    assert "compensation_can_fail" not in ev.assumed and "compensation_can_fail" not in ev.given
    assert "compensation.can_fail" not in {r.rule_id for r in ev.fired}
    unanswered = evaluate(rulebook, Answers({"compensation_can_fail": True}))
    assert "compensation_can_fail" in unanswered.not_applicable  # its condition is unknown, so it does not apply


def test_a_hybrid_orchestrates_the_core_steps_and_lets_reactions_follow_events(rulebook):
    steps = [
        Step(service="Payment", action="Authorize card"),
        Step(service="Notification", action="Email receipt", reaction=True),
    ]
    ev = evaluate(rulebook, Answers(CHECKOUT, steps))
    assert [(a.service, a.mode) for a in ev.allocation] == [
        ("Payment", "orchestrated"),
        ("Notification", "event-driven"),
    ]


def test_a_hybrid_reaches_the_steps_of_another_bounded_context_by_events(rulebook):
    steps = [
        Step(service="Booking", action="Reserve flight", context="Booking"),
        Step(service="Booking", action="Reserve hotel", context="Booking", compensation="Cancel hotel"),
        Step(service="Loyalty", action="Award points", context="Loyalty"),
    ]
    ev = evaluate(rulebook, Answers({"ordering": "strict"}, steps))
    assert ev.style == "hybrid"
    modes = [(a.service, a.mode) for a in ev.allocation]
    assert modes == [("Booking", "orchestrated"), ("Booking", "orchestrated"), ("Loyalty", "event-driven")]
    assert "Loyalty" in ev.allocation[2].reason and "Booking" in ev.allocation[2].reason


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_an_orchestration_or_choreography_puts_every_step_on_the_same_side(rulebook, path):
    answers = read_answers(str(path), rulebook)
    ev = evaluate(rulebook, Answers(answers.traits, answers.steps))
    modes = {a.mode for a in ev.allocation}
    if ev.style == "orchestration":
        assert modes == {"orchestrated"}
    elif ev.style == "choreography":
        assert modes == {"event-driven"}
    else:
        assert modes == {"orchestrated", "event-driven"}


def test_the_same_answers_always_give_the_same_evaluation(rulebook):
    rng = random.Random(7)
    for _ in range(200):
        traits = random_traits(rulebook, rng)
        assert evaluate(rulebook, Answers(traits)) == evaluate(rulebook, Answers(dict(reversed(list(traits.items())))))


def test_the_compiled_tables_agree_with_the_plain_conditions_on_random_answers(rulebook):
    rng = random.Random(11)
    program = rulebook.program
    for _ in range(3000):
        traits = random_traits(rulebook, rng, answer_share=rng.random())
        ev = evaluate(rulebook, Answers(traits))
        for i, result in enumerate(ev.trace):
            assert result.fired == program.predicates[i](ev.answers), (result.rule_id, ev.answers)


def test_only_the_answers_that_made_a_rule_fire_share_its_points(rulebook):
    from advisor.engine.explain import contributions

    # audit.event_log fires on audit=yes and event_log_of_record=yes; teams.many_no_owner reads flow_owner too
    ev = evaluate(rulebook, Answers({"audit": True, "event_log_of_record": True, "teams": 2, "flow_owner": False}))
    pushed = {c.question: c for c in contributions(ev, rulebook)}
    assert "audit.event_log" in pushed["audit"].rules and "audit.event_log" in pushed["event_log_of_record"].rules
    assert "teams" not in pushed and "flow_owner" not in pushed  # read by teams.many_no_owner, which did not fire
    total = sum(c.orchestration + c.choreography + c.hybrid for c in pushed.values())
    assert total == pytest.approx(sum(ev.scores.values()), abs=0.01)  # shares are rounded to 3 places


def test_the_reasons_of_a_negated_condition_are_the_answers_that_make_it_hold():
    from advisor.rulebook.condition_format import AnyOf, Not, Test
    from advisor.rulebook.conditions import supporting_questions

    cond = Not.model_validate(
        {"not": {"any": [{"question": "a", "op": "eq", "value": "x"}, {"question": "b", "op": "eq", "value": "y"}]}}
    )
    assert supporting_questions(cond, {"a": "z", "b": "z"}) == {"a", "b"}
    assert isinstance(cond.not_, AnyOf) and isinstance(cond.not_.any[0], Test)


def _apply(tip, answers: Answers) -> Answers:
    traits = {**answers.traits, tip.question: tip.value, **{q: v for q, _, v in tip.also}}
    return Answers(traits, answers.steps, answers.workflow)


def test_every_tipping_point_really_changes_the_style_and_open_questions_count_as_changes(rulebook):
    from advisor.engine.explain import tipping_points

    answers = Answers({"branching": "few", "scalability_priority": "high", "fan_out": 3})  # a tie
    ev = evaluate(rulebook, answers)
    tips = tipping_points(rulebook, ev)
    assert tips and all(evaluate(rulebook, _apply(t, answers)).style == t.style != ev.style for t in tips)
    deciding = {t.question for t in tips if t.current is None}
    assert {"ordering", "coupling_tolerance"} <= deciding  # answering these would decide the tie


def test_when_no_single_change_flips_the_style_the_closest_pairs_are_given(rulebook):
    from advisor.engine.explain import MAX_PAIRS, tipping_points

    rng = random.Random(5)
    found = 0
    for _ in range(60):
        answers = Answers(random_traits(rulebook, rng, answer_share=0.6))
        ev = evaluate(rulebook, answers)
        tips = tipping_points(rulebook, ev)
        if tips and all(t.also for t in tips):
            found += 1
            assert len(tips) <= MAX_PAIRS
            for t in tips:
                assert len(t.also) == 1 and t.also[0][0] != t.question
                assert evaluate(rulebook, _apply(t, answers)).style == t.style != ev.style
    assert found > 0, "no answer set in the sample needed a pair: widen the sample"


def test_the_allocation_is_decided_when_first_read_and_is_what_allocate_says(rulebook):
    """`Evaluation.allocation` is decided on first read (the evaluations behind tipping points never read it):
    the same per-step modes as `allocate`, the same tuple on every read, () without steps."""
    import pickle

    answers = read_answers(str(next(p for p in EXAMPLES if p.stem == "order-checkout")), rulebook)
    ev = evaluate(rulebook, answers)
    first = ev.allocation
    assert first == allocate(ev.style, answers.steps) and len(first) == len(answers.steps) > 0
    assert ev.allocation is first
    assert pickle.loads(pickle.dumps(ev)).allocation == first == evaluate(rulebook, answers).allocation
    assert evaluate(rulebook, Answers(answers.traits)).allocation == ()


def test_each_event_driven_step_hears_the_latest_core_step_in_a_choreography_and_the_latest_commanded_in_a_hybrid():
    """`triggers`: the one reading of the links that the diagram, the sequence view and the blueprints draw."""
    steps = (
        Step(service="Orders", action="Place order", context="Sales"),
        Step(service="Mail", action="Send receipt", reaction=True, context="Sales"),
        Step(service="Payments", action="Charge card", context="Sales"),
        Step(service="Stock", action="Reserve stock", context="Warehouse"),  # another context: events in a hybrid
        Step(service="Audit", action="Record order", reaction=True, context="Sales"),
    )
    for style, expected in (
        ("choreography", (START, 0, 0, 2, 3)),  # reactions hang off the latest core step; the next hears that
        ("hybrid", (None, 0, None, 2, 2)),  # event-driven steps hear the orchestrator's latest commanded step
        ("orchestration", (None,) * 5),
    ):
        assert triggers(style, steps, allocate(style, steps)) == expected, style
    assert triggers("hybrid", steps[1:2], allocate("hybrid", steps[1:2])) == (START,)  # before any command
