"""GoRules' zen-engine, a Rust rules engine, runs our rulebook exported as JDM and agrees with our engine.

Thousands of random answers files (seeded; any share of the questions unanswered, from none to all, and random
steps, which the graph reads as evidence for the questions left unanswered) go through both, as the JSON of the
answers file. Everything the graph outputs must match: the scores, the core's lean and whether it was a tie, the
style, the runner-up, the lead, the confidence, the rules that fired, the assumptions, the questions not
applicable and the answers read from the steps. The same for zen's batch, for its compiled-expression path and for
generated rulebooks (nested `any` and `not`, `ne` and `not_in` on unknown answers).

Nothing is restricted: every `from_steps` measure is computed in the graph. Floats: the confidence is compared
exactly (both sides round to 3 places; `test_zen_computes_the_confidence_exactly_...` checks every lead and
answered share the default rulebook can reach, so no value sits on a rounding edge); the answered share, a ratio
zen computes in decimal and converts to a float, is compared after rounding both sides to 9 places.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from advisor.authoring import jdm, zen_text
from advisor.engine.answers import Answers, dump_json, to_dict
from advisor.engine.evaluate import confidence, evaluate
from advisor.errors import UserError
from advisor.rulebook.formats import Step
from advisor.rulebook.loading import build_rulebook

zen = pytest.importorskip("zen", reason="zen-engine is in the bench extra: pip install -e .[bench]")
sys.path.insert(0, str(__import__("conftest").ROOT))
from bench.samples import generated_rulebook, random_answers  # noqa: E402  (bench/ is not a package on the path)

STYLES = ("orchestration", "choreography", "hybrid")


def ours(rulebook, answers: Answers) -> dict:
    ev = evaluate(rulebook, answers)
    return {
        "scores": ev.scores,
        "lean": ev.lean,
        "tie": ev.tie,
        "style": ev.style,
        "runnerUp": ev.runner_up,
        "lead": ev.lead,
        "answeredShare": round(ev.answered_share, 9),
        "confidence": ev.confidence,
        "fired": [r.rule_id for r in ev.fired],
        "assumed": list(ev.assumed),
        "notApplicable": list(ev.not_applicable),
        "fromSteps": ev.derived,
    }


def _whole(x: float) -> int:
    """A count zen returns as a float: it must be a whole number."""
    assert float(x).is_integer(), x
    return int(x)


def theirs(result: dict) -> dict:
    # zen leaves out a key whose value is null: an answer not read from the steps has no `fromSteps` entry
    derived = result.get("fromSteps") or {}
    return {
        "scores": {s: _whole(result["scores"][s]) for s in STYLES},
        "lean": result["lean"],
        "tie": result["tie"],
        "style": result["style"],
        "runnerUp": result["runnerUp"],
        "lead": _whole(result["lead"]),
        "answeredShare": round(result["answeredShare"], 9),
        "confidence": result["confidence"],
        "fired": result["fired"],
        "assumed": result["assumed"],
        "notApplicable": result["notApplicable"],
        "fromSteps": {q: v if isinstance(v, bool) else _whole(v) for q, v in derived.items() if v is not None},
    }


def agree(rulebook, decision, answers: Answers, every_field: bool = False) -> None:
    """Our engine and zen's graph agree on `answers`, given to zen as the answers file's JSON (as we write it, or
    with `every_field` each step's fields all written out, `reaction: false` and `compensation: null` included)."""
    context = to_dict(answers)
    if every_field:
        context["steps"] = [s.model_dump() for s in answers.steps]
    assert ours(rulebook, answers) == theirs(decision.evaluate(context)["result"]), context


@pytest.fixture(scope="module")
def decision(rulebook):
    return zen.ZenEngine().create_decision(jdm.export_json(rulebook))


def test_the_export_is_a_jdm_graph_from_answers_to_recommendation(rulebook):
    graph = jdm.export(rulebook)
    kinds = [n["type"] for n in graph["nodes"]]
    table = next(n for n in graph["nodes"] if n["type"] == "decisionTableNode")
    assert graph["contentType"] == "application/vnd.gorules.decision"
    assert kinds == [
        "inputNode",
        "expressionNode",
        "expressionNode",
        "decisionTableNode",
        "expressionNode",
        "outputNode",
    ]
    assert [n["name"] for n in graph["nodes"][1:3]] == ["Evidence", "Applicable answers"]
    assert [r["_id"] for r in table["content"]["rules"]] == [f"rule.{r.id}" for r in rulebook.rules]
    assert [(e["sourceId"], e["targetId"]) for e in graph["edges"]] == [
        (a["id"], b["id"]) for a, b in zip(graph["nodes"], graph["nodes"][1:])
    ]
    assert "default" not in jdm.export_json(rulebook).lower(), "no default is filled in any more"


def test_the_export_is_deterministic(rulebook):
    assert jdm.export_json(rulebook) == jdm.export_json(rulebook)


def test_zen_validates_the_exported_graph(decision):
    assert decision.validate() is None


def test_zen_runs_the_graph_and_agrees_with_our_engine_on_every_example(rulebook, decision):
    from conftest import EXAMPLES

    from advisor.engine.answers import read_answers

    for path in EXAMPLES:
        answers = read_answers(str(path), rulebook)
        result = decision.evaluate(json.loads(dump_json(answers)))["result"]  # the answers file as JSON, whole
        assert ours(rulebook, answers) == theirs(result), path.name


def test_zen_agrees_with_our_engine_on_three_thousand_random_answer_sets(rulebook, decision):
    rng = random.Random(20240607)
    seen = {"unknown": 0, "from steps": 0, "hybrid": 0, "tie": 0, "not applicable": 0}
    for _ in range(3000):
        answers = random_answers(rulebook, rng)
        agree(rulebook, decision, answers)
        ev = evaluate(rulebook, answers)
        seen["unknown"] += bool(ev.assumed)
        seen["from steps"] += bool(ev.derived)
        seen["hybrid"] += ev.style == "hybrid"
        seen["tie"] += ev.tie
        seen["not applicable"] += bool(ev.not_applicable)
    # the sample reaches every path of the model, each many times
    assert min(seen.values()) >= 100, seen


def test_nothing_known_fires_nothing_in_zen_either(rulebook, decision):
    result = theirs(decision.evaluate({"traits": {}})["result"])
    assert result["fired"] == [] and result["scores"] == dict.fromkeys(STYLES, 0)
    assert (result["style"], result["tie"]) == (rulebook.decision.first_core_style, True)
    assert result["confidence"] == confidence(0, 0.0, rulebook.decision.confidence) == 0.333
    assert result["assumed"] == [q for q in rulebook.questions if q not in result["notApplicable"]]


def t(question: str, op: str, value) -> dict:
    return {"question": question, "op": op, "value": value}


KLEENE_RULES = [
    {"not": t("ordering", "eq", "strict")},
    t("ordering", "not_in", ["strict"]),
    t("ordering", "ne", "strict"),
    t("audit", "ne", True),
    t("teams", "lt", 3),
    {"not": {"all": [t("teams", "gte", 3), t("audit", "eq", True)]}},
    {"any": [t("ordering", "ne", "none"), {"not": t("audit", "ne", True)}]},
    {"not": {"any": [t("fan_out", "gt", 1), t("ordering", "in", ["none"])]}},
]


@pytest.mark.parametrize(
    "traits, fires",
    [
        ({}, []),  # unknown: no test holds, and no negation either
        ({"ordering": "some"}, [0, 1, 2, 6]),
        ({"audit": False}, [3, 5]),
        ({"audit": True, "teams": 2}, [4, 5, 6]),
        ({"fan_out": 0}, []),  # not (fan_out > 1 or ordering is none): ordering unknown, so not surely
        ({"fan_out": 0, "ordering": "strict"}, [6, 7]),
    ],
)
def test_unknown_answers_follow_kleene_logic_in_zen_as_in_the_engine(rulebook, traits, fires):
    rules = [
        {"id": f"kleene.rule_{i}", "when": when, "effect": {"hybrid": 1}, "rationale": "Test.", "source": "test"}
        for i, when in enumerate(KLEENE_RULES)
    ]
    texts = dict(rulebook.texts)
    texts["rules.yaml"] = json.dumps({"version": "0.0.1", "rules": rules}).encode()
    texts["scenarios.yaml"] = json.dumps(
        {"scenarios": [{"name": "anything", "traits": {}, "expect": {"style": "hybrid"}}]}
    ).encode()
    kleene = build_rulebook(texts, "kleene")
    decision = zen.ZenEngine().create_decision(jdm.export_json(kleene))
    answers = Answers(traits)
    assert ours(kleene, answers)["fired"] == [f"kleene.rule_{i}" for i in fires]
    agree(kleene, decision, answers)


def test_the_graph_reads_every_measure_from_the_steps(rulebook, decision):
    steps = (
        Step(service="a", action="1", team="pay", context="billing", compensation="refund"),
        Step(service="b", action="2", team="ship", compensation=""),  # an empty compensation is none
        Step(service="c", action="3", team="pay", context="billing", reaction=True),
        Step(service="d", action="4", reaction=True),
    )
    cases = [
        # one context only: cross_context needs 2, so it stays unknown
        ({}, {"step_count": 4, "compensation": True, "teams": 2, "fan_out": 2}),
        ({"step_count": 12, "teams": 5}, {"compensation": True, "fan_out": 2}),  # an answer wins over the steps
        ({"compensation": False}, {"step_count": 4, "teams": 2, "fan_out": 2}),
    ]
    for traits, derived in cases:
        answers = Answers(traits, steps)
        assert evaluate(rulebook, answers).derived == derived
        agree(rulebook, decision, answers)
        agree(rulebook, decision, answers, every_field=True)
    two_contexts = steps + (Step(service="e", action="5", context="shipping"),)
    assert evaluate(rulebook, Answers({}, two_contexts)).derived["cross_context"] is True
    agree(rulebook, decision, Answers({}, two_contexts))
    nobody_named = tuple(Step(service=s.service, action=s.action) for s in steps)
    assert "teams" not in evaluate(rulebook, Answers({}, nobody_named)).derived
    agree(rulebook, decision, Answers({}, nobody_named))


def test_zen_computes_the_confidence_exactly_on_every_lead_and_share_the_rulebook_can_reach(rulebook):
    share = zen_text.share_expression("visible", "assumed")
    formula = zen.compile_expression(
        zen_text.confidence_expression(f"({zen_text.logodds_expression(rulebook, 'lead', f'({share})')})")
    )
    fit = rulebook.decision.confidence
    most = sum(abs(r.effect.orchestration) + abs(r.effect.choreography) for r in rulebook.rules)
    questions = len(rulebook.questions)
    checked = 0
    for lead in range(most + 1):
        for visible in range(questions - len(rulebook.visibility), questions + 1):
            for assumed in range(visible + 1):
                expected = confidence(lead, (visible - assumed) / visible, fit)
                got = formula.evaluate({"lead": lead, "visible": visible, "assumed": assumed})
                assert got == expected, (lead, visible, assumed)
                checked += 1
    assert checked > 1000


def test_zens_batch_gives_the_same_results_as_our_engine(rulebook):
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"advisor": jdm.export(rulebook)}}})
    rng = random.Random(99)
    sets = [random_answers(rulebook, rng) for _ in range(300)]
    replies = engine.evaluate_batch([{"key": "advisor", "context": to_dict(a)} for a in sets])
    assert [r["success"] for r in replies] == [True] * len(sets)
    for answers, reply in zip(sets, replies):
        assert ours(rulebook, answers) == theirs(reply["data"]["result"]), to_dict(answers)


def test_zens_compiled_expression_gives_our_scores_on_three_thousand_answers_files(rulebook):
    expression = zen.compile_expression(jdm.scores_expression(rulebook))
    rng = random.Random(5)
    for _ in range(3000):
        ev = evaluate(rulebook, random_answers(rulebook, rng))
        assert [_whole(x) for x in expression.evaluate(ev.answers)] == [ev.scores[s] for s in STYLES], ev.answers


def test_zen_agrees_on_generated_rulebooks_with_nested_any_and_not(rulebook):
    for seed in (1, 2, 3):
        generated = generated_rulebook(rulebook, 120, seed=seed)
        decision = zen.ZenEngine().create_decision(jdm.export_json(generated))
        expression = zen.compile_expression(jdm.scores_expression(generated))
        rng = random.Random(seed)
        for _ in range(300):
            answers = random_answers(generated, rng)
            agree(generated, decision, answers)
            ev = evaluate(generated, answers)
            assert [_whole(x) for x in expression.evaluate(ev.answers)] == [ev.scores[s] for s in STYLES]


def test_option_values_with_both_quote_kinds_survive_the_export(rulebook):
    texts = dict(rulebook.texts)
    tricky = 'it\'s "quoted", with a comma'
    texts["questions.yaml"] = texts["questions.yaml"].replace(
        b"value: strict,", b"value: " + json.dumps(tricky).encode() + b","
    )
    texts["rules.yaml"] = texts["rules.yaml"].replace(
        b"value: strict}", b"value: " + json.dumps(tricky).encode() + b"}"
    )
    texts["scenarios.yaml"] = texts["scenarios.yaml"].replace(
        b"ordering: strict", b"ordering: " + json.dumps(tricky).encode()
    )
    changed = build_rulebook(texts, "tricky")
    assert tricky in changed.questions["ordering"].option_values()
    decision = zen.ZenEngine().create_decision(jdm.export_json(changed))
    for value in changed.questions["ordering"].option_values():
        for other in ({}, {"branching": "none", "compensation": False}):
            agree(changed, decision, Answers({"ordering": value, **other}))
    assert "ordering.strict" in ours(changed, Answers({"ordering": tricky}))["fired"]


def test_a_question_named_like_a_zen_keyword_is_refused_with_its_place(rulebook):
    texts = dict(rulebook.texts)
    texts["questions.yaml"] = texts["questions.yaml"].replace(b"id: audit\n", b"id: audit.in\n")
    texts["rules.yaml"] = texts["rules.yaml"].replace(b"question: audit,", b"question: audit.in,")
    texts["scenarios.yaml"] = texts["scenarios.yaml"].replace(b" audit:", b" audit.in:")
    renamed = build_rulebook(texts, "renamed")
    with pytest.raises(UserError) as caught:
        jdm.export(renamed)
    problem = caught.value.problems[0]
    assert (problem.file, problem.path) == (
        "renamed/questions.yaml",
        f"questions[{list(renamed.questions).index('audit.in')}].id",
    )
    assert problem.line is not None
    assert "'in' is a keyword" in problem.message


def test_advisor_rules_export_writes_the_graph_to_a_file(tmp_path, rulebook):
    out = tmp_path / "rules.jdm.json"
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "rules", "export", "--format", "jdm", "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text()) == jdm.export(rulebook)
