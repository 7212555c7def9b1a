"""The engine: scoring, style, confidence, assumptions, conditional questions, per-step allocation."""
from __future__ import annotations

import random

import pytest

from advisor.engine.answers import read_answers
from advisor.engine.evaluate import evaluate
from advisor.rulebook.formats import Step
from advisor.engine.scenarios import run_scenarios

from tests.conftest import EXAMPLES
from advisor.engine.answers import Answers

CHECKOUT = {"ordering": "strict", "compensation": True, "central_monitoring": "high", "fan_out": 2, "teams": 3,
            "scalability_priority": "high"}


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


def test_scores_are_the_sums_of_the_fired_rules_effects(rulebook):
    ev = evaluate(rulebook, Answers(CHECKOUT))
    assert ev.scores == {
        "orchestration": sum(r.orchestration for r in ev.fired),
        "choreography": sum(r.choreography for r in ev.fired),
        "hybrid": sum(r.hybrid for r in ev.fired),
    }
    assert ev.style == max(ev.scores, key=ev.scores.get)


def test_an_ordered_compensated_core_with_reactions_is_a_hybrid(rulebook):
    ev = evaluate(rulebook, Answers(CHECKOUT))
    assert ev.style == "hybrid"
    assert "hybrid.core_with_reactions" in {r.rule_id for r in ev.fired}


def test_the_trace_holds_every_rule_with_the_values_it_looked_at(rulebook):
    ev = evaluate(rulebook, Answers(CHECKOUT))
    assert [r.rule_id for r in ev.trace] == [r.id for r in rulebook.rules]
    by_id = {r.rule_id: r for r in ev.trace}
    assert by_id["ordering.strict"].values == (("ordering", "strict"),)
    assert by_id["ordering.strict"].fired and by_id["ordering.strict"].orchestration == 3
    silent = by_id["coordinator.unacceptable"]
    assert not silent.fired and (silent.orchestration, silent.choreography, silent.hybrid) == (0, 0, 0)
    assert silent.values == (("coordinator_spof", False),)


def test_unanswered_questions_take_their_defaults_and_are_reported_as_assumed(rulebook):
    ev = evaluate(rulebook, Answers({"ordering": "strict"}))
    assert "ordering" not in ev.assumed
    assert "fan_out" in ev.assumed and ev.answers["fan_out"] == rulebook.questions["fan_out"].default


def test_confidence_follows_the_documented_formula(rulebook):
    ev = evaluate(rulebook, Answers(CHECKOUT))
    half = rulebook.decision.confidence_half_lead
    visible = len(rulebook.questions) - len(ev.not_applicable)
    expected = ev.lead / (ev.lead + half) * (1 - len(ev.assumed) / visible)
    assert ev.confidence == round(expected, 3)
    assert 0 < ev.confidence < 1


def test_answering_more_questions_the_same_way_never_lowers_confidence(rulebook):
    few = evaluate(rulebook, Answers(CHECKOUT))
    defaults_said_out_loud = {**{q: rulebook.questions[q].default for q in few.assumed}, **CHECKOUT}
    many = evaluate(rulebook, Answers(defaults_said_out_loud))
    assert many.scores == few.scores and many.assumed == ()
    assert many.confidence > few.confidence


def test_nothing_answered_gives_zero_confidence(rulebook):
    assert evaluate(rulebook, Answers({})).confidence == 0.0


def test_a_tie_goes_to_the_first_style_of_the_tie_break_with_zero_confidence(rulebook):
    from dataclasses import replace

    traits = {"ordering": "some", "fan_out": 0, "teams": 1, "branching": "few"}  # orchestration 1 = hybrid 1
    ev = evaluate(rulebook, Answers(traits))
    assert ev.scores["orchestration"] == ev.scores["hybrid"] > ev.scores["choreography"]
    assert (ev.style, ev.runner_up, ev.confidence) == ("hybrid", "orchestration", 0.0)
    order = ["orchestration", "choreography", "hybrid"]
    flipped = replace(rulebook, decision=rulebook.decision.model_copy(update={"tie_break": order}))
    assert evaluate(flipped, Answers(traits)).style == "orchestration"


def test_a_conditional_question_is_not_applicable_when_its_condition_fails(rulebook):
    ev = evaluate(rulebook, Answers({"compensation": False, "compensation_can_fail": True}))
    assert "compensation_can_fail" in ev.not_applicable
    assert ev.answers["compensation_can_fail"] is False  # its default, not the stray answer
    assert "compensation_can_fail" not in ev.assumed and "compensation_can_fail" not in ev.given
    assert "compensation.can_fail" not in {r.rule_id for r in ev.fired}


def test_a_hybrid_orchestrates_the_core_steps_and_lets_reactions_follow_events(rulebook):
    steps = [Step(service="Payment", action="Authorize card"),
             Step(service="Notification", action="Email receipt", reaction=True)]
    ev = evaluate(rulebook, Answers(CHECKOUT, steps))
    assert [(a.service, a.mode) for a in ev.allocation] == [("Payment", "orchestrated"),
                                                            ("Notification", "event-driven")]


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

    ev = evaluate(rulebook, Answers(CHECKOUT))  # hybrid.core_across_teams fires on ordering=strict and teams=3
    pushed = {c.question: c for c in contributions(ev, rulebook)}
    assert "long_running" not in pushed and "cross_context" not in pushed  # read by that rule, but "no"
    assert "hybrid.core_across_teams" in pushed["teams"].rules
    total = sum(c.orchestration + c.choreography + c.hybrid for c in pushed.values())
    assert total == pytest.approx(sum(ev.scores.values()), abs=0.01)  # shares are rounded to 3 places


def test_the_reasons_of_a_negated_condition_are_the_answers_that_make_it_hold():
    from advisor.rulebook.conditions import supporting_questions
    from advisor.rulebook.formats import Not, Test, AnyOf

    cond = Not.model_validate({"not": {"any": [{"question": "a", "op": "eq", "value": "x"},
                                               {"question": "b", "op": "eq", "value": "y"}]}})
    assert supporting_questions(cond, {"a": "z", "b": "z"}) == {"a", "b"}
    assert isinstance(cond.not_, AnyOf) and isinstance(cond.not_.any[0], Test)
