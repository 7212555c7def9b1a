"""The scorer generated per rulebook (`advisor.rulebook.scoring`) gives exactly what the plain walk over the same
tables gives, and what every rule's own condition says; rule and question ids reach it only as escaped text."""

from __future__ import annotations

import functools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.engine.answers import Answers
from advisor.engine.evaluate import evaluate, evidence_from_steps, measure_steps
from advisor.rulebook import condition_format as cf
from advisor.rulebook import scoring, scoring_rows, step_reading
from advisor.rulebook.compiler import compile_rules
from advisor.rulebook.formats import STEP_MEASURES, Effect, Question, Rule, Step
from advisor.rulebook.loading import load_rulebook
from advisor.rulebook.program import StepEvidence
from advisor.rulebook.scoring import interpret
from bench.samples import generated_rulebook, random_answers, random_traits
from tests.test_batch_property import answer_sets, rulebooks, steps_strategy

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def resolved(rulebook, traits):
    return rulebook.blank | traits


def assert_scorer_equals_the_plain_walk(rulebook, answers):
    program = rulebook.program
    trace, o, c, h, unanswered = scoring.generated(program)(answers)
    assert (trace, o, c, h, unanswered) == interpret(program, answers)
    assert unanswered == tuple(q for q in rulebook.questions if answers[q] is None)
    assert [r.fired for r in trace] == [p(answers) for p in program.predicates]
    assert [r.values for r in trace] == [tuple((q, answers[q]) for q in reads) for reads in program.reads]
    assert (o, c, h) == tuple(sum(r[k] for r in trace) for k in (2, 3, 4))


def the_evidence_as_the_catalog_states_it(rulebook, given):
    """The reading of `from_steps` in plain words (rules/README.md), over `rulebook.from_steps`."""
    if not given.steps:
        return {}
    counts = dict(zip(STEP_MEASURES, measure_steps(given.steps)))
    out = {}
    for qid, source in rulebook.from_steps.items():
        count = counts[source.measure]
        if qid in given.traits or (not count and source.measure in ("teams", "contexts")):
            continue
        q = rulebook.questions[qid]
        if q.kind == "integer":
            out[qid] = min(max(count, q.minimum), q.maximum)
        elif count >= source.at_least:
            out[qid] = True
    return out


@SETTINGS
@given(data=st.data())
def test_the_generated_scorer_equals_the_plain_walk_for_random_rulebooks(data):
    rulebook = data.draw(rulebooks())
    for traits in data.draw(st.lists(answer_sets(rulebook), min_size=1, max_size=10)):
        assert_scorer_equals_the_plain_walk(rulebook, resolved(rulebook, traits))


@SETTINGS
@given(data=st.data())
def test_the_evidence_read_from_the_steps_is_what_the_catalog_says_for_random_rulebooks(data):
    """Both forms of `program.read_steps`: the walk of a fresh program and the reader generated with its scorer
    (measures shared by several questions, yes/no and integer questions, any `at_least`: `rulebooks`)."""
    rulebook = data.draw(rulebooks())
    pairs = data.draw(st.lists(st.tuples(answer_sets(rulebook), steps_strategy), max_size=20))
    sets = [Answers(traits, steps) for traits, steps in pairs]
    expected = [the_evidence_as_the_catalog_states_it(rulebook, given_) for given_ in sets]
    program = compile_rules(rulebook.rules, rulebook.questions)  # fresh: it walks
    assert isinstance(program.read_steps, functools.partial)
    walking = rulebook.replace(program=program)
    assert [evidence_from_steps(walking, given_) for given_ in sets] == expected
    scoring.generated(program)
    assert not isinstance(program.read_steps, functools.partial) or not program.evidence
    assert [evidence_from_steps(walking, given_) for given_ in sets] == expected


def test_the_generated_scorer_equals_the_plain_walk_on_the_default_rulebook():
    rulebook = load_rulebook()
    rng = random.Random(5)
    for _ in range(2000):
        answers = random_answers(rulebook, rng)
        assert_scorer_equals_the_plain_walk(rulebook, evaluate(rulebook, answers).answers)
        assert evidence_from_steps(rulebook, answers) == the_evidence_as_the_catalog_states_it(rulebook, answers)


def test_the_generated_scorer_decodes_the_largest_sums_the_rules_can_make():
    """The packed point fields (`scoring_rows.Packing`) hold the largest sums: every rule firing at once, each with
    the largest points a file may give, decodes exactly, at the top and at the bottom."""
    qs = {
        "p": Question(id="p", section="s", text="P?", help="Help.", kind="yes_no"),
        "q": Question(id="q", section="s", text="Q?", help="Help.", kind="yes_no"),
    }
    p, q = (cf.Test(question=k, op="eq", value=True) for k in ("p", "q"))
    rules = tuple(
        Rule.model_construct(id=f"r{i}", when=when, effect=Effect(orchestration=20, choreography=-20, hybrid=sign * 20))
        for i, (when, sign) in enumerate([(p, 1)] * 10 + [(cf.All(all=[p, q]), 1)] * 10 + [(q, -1)] * 10)
    )
    program = compile_rules(rules, qs)
    score = scoring.generated(program)
    assert program.normal  # the rules over both questions are among them
    totals = {}
    for answers in ({"p": True, "q": True}, {"p": True, "q": False}, {"p": None, "q": True}, {"p": None, "q": None}):
        trace, o, c, h, unanswered = score(answers)
        assert (trace, o, c, h, unanswered) == interpret(program, answers)
        totals[answers["p"], answers["q"]] = (o, c, h)
    assert totals[True, True] == (600, -600, 200)  # every rule: the largest sum of orchestration and choreography
    assert totals[True, False] == (200, -200, 200)
    assert totals[None, True] == (200, -200, -200)
    assert totals[None, None] == (0, 0, 0)


def test_the_generated_scorer_equals_the_plain_walk_on_three_hundred_generated_rules():
    rulebook = generated_rulebook(load_rulebook(), 300)
    assert rulebook.program.normal  # rules over several questions, in normal form
    rng = random.Random(3)
    for _ in range(200):
        assert_scorer_equals_the_plain_walk(rulebook, resolved(rulebook, random_traits(rulebook, rng)))


@pytest.mark.parametrize(
    ("cells", "items", "large"),
    [(1, 4096, 0), (256, 64, 1024), (4096, 10**9, 10**6)],
    ids=["each table alone", "groups cut short by their row items", "large groups and ready tables"],
)
def test_the_generated_scorer_equals_the_plain_walk_however_its_tables_are_grouped(monkeypatch, cells, items, large):
    rulebook = generated_rulebook(load_rulebook(), 300)
    program = rulebook.program
    monkeypatch.setattr(scoring_rows, "GROUP_CELLS", cells)
    monkeypatch.setattr(scoring_rows, "GROUP_ITEMS", items)
    monkeypatch.setattr(scoring, "READY_LARGE_CELLS", large)
    parts = (program.tables, program.ranges, program.normal, program.closures)
    score = scoring.scorer(*parts, len(program.rule_ids), tuple(rulebook.questions))
    rng = random.Random(8)
    for _ in range(100):
        answers = resolved(rulebook, random_traits(rulebook, rng))
        assert score(answers) == interpret(program, answers)


def test_hostile_rule_and_question_ids_reach_the_generated_scorer_as_text_only():
    # Why model_construct: the file models refuse such ids; the generator must be safe even without them
    hostile_q = "q']) or __import__('os')._exit(3) or ('"
    hostile_r = "r', True, 0, 0, 0, ()))\nraise SystemExit('injected')\n#"
    question = Question.model_construct(id=hostile_q, section="s", kind="yes_no", options=[])
    other = Question.model_construct(id='p"\\', section="s", kind="yes_no", options=[])
    yes = cf.Test.model_construct(question=hostile_q, op="eq", value=True)
    no = cf.Test.model_construct(question='p"\\', op="eq", value=False)
    rules = (
        Rule.model_construct(id=hostile_r, when=yes, effect=Effect(orchestration=2)),
        Rule.model_construct(id="both\u2028'''", when=cf.All.model_construct(all=[yes, no]), effect=Effect(hybrid=1)),
    )
    program = compile_rules(rules, {hostile_q: question, 'p"\\': other})
    trace, o, c, h, unanswered = scoring.generated(program)({hostile_q: True, 'p"\\': False})
    assert unanswered == ()
    assert [r.rule_id for r in trace] == [hostile_r, "both\u2028'''"]
    assert [r.fired for r in trace] == [True, True]
    assert (o, c, h) == (2, 0, 1)
    assert trace[1].values == ((hostile_q, True), ('p"\\', False))


def test_hostile_question_ids_reach_the_generated_step_reader_as_text_only():
    hostile = ("q' not in traits: raise SystemExit('injected') #", 'p"\\\n', "both\u2028'''")
    steps = (
        Step(service="a", action="x", reaction=True, compensation="undo", team="t1", context="c1"),
        Step(service="b", action="y", team="t2", context="c2"),
    )
    evidence = (
        StepEvidence(hostile[0], 2, False, 0, 0, 1, False),  # a compensation: yes
        StepEvidence(hostile[1], 3, True, 1, 9, 1, True),  # two teams
        StepEvidence(hostile[2], 1, True, 0, 5, 1, False),  # one reaction
        StepEvidence("again", 3, False, 0, 0, 3, True),  # the team count shared: under 3, no answer
    )
    read = step_reading.reader(evidence)
    assert read({}, steps) == {hostile[0]: True, hostile[1]: 2, hostile[2]: 1}
    assert read({}, steps) == step_reading.walk(evidence, {}, steps)
    assert read({hostile[1]: 4}, steps) == {hostile[0]: True, hostile[2]: 1}


def test_a_compiled_rulebook_walks_its_tables_until_building_its_scorer_pays_then_scores_with_it(monkeypatch):
    """Tiered scoring: a fresh program answers with the plain walk (no scorer built: a short process never pays for
    one), the same results; once the walks have taken BUILD_AFTER, every call is the generated scorer, also through
    a reference to the walk kept from before."""
    rulebook = load_rulebook()
    program = compile_rules(rulebook.rules, rulebook.questions)
    tiered = program.score
    assert isinstance(tiered, scoring.Tiered)
    rng = random.Random(2)
    answer_sets = [evaluate(rulebook, random_answers(rulebook, rng)).answers for _ in range(20)]
    build, built = scoring.scorer, []
    monkeypatch.setattr(scoring, "scorer", lambda *parts: built.append(parts) or build(*parts))
    for answers in answer_sets[:10]:
        assert program.score(answers) == interpret(program, answers)
    assert program.score is tiered and not built  # a handful of walks: nothing built
    assert isinstance(program.read_steps, functools.partial)  # the steps are read by the walk too
    monkeypatch.setattr(scoring, "BUILD_AFTER", tiered.spent)  # the walks so far have used up the budget
    program.score(answer_sets[10])
    assert len(built) == 1 and not isinstance(program.score, scoring.Tiered)
    assert not isinstance(program.read_steps, functools.partial)  # the step reader is generated with it
    for answers in answer_sets[11:]:
        assert program.score(answers) == tiered(answers) == interpret(program, answers)
    assert len(built) == 1  # built once
