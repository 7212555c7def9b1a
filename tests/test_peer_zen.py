"""GoRules' zen-engine, a Rust rules engine, runs our rulebook exported as JDM and agrees with our engine.

Thousands of random answer sets (seeded) go through both; scores, style, runner-up, confidence, the rules that
fired and the assumptions must match. The same for zen's compiled-expression path, and for generated rulebooks.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from advisor.authoring import jdm
from advisor.engine.evaluate import evaluate
from advisor.errors import UserError
from advisor.rulebook.loading import build_rulebook
from advisor.engine.answers import Answers

zen = pytest.importorskip("zen", reason="zen-engine is in the bench extra: pip install -e .[bench]")

STYLES = ("orchestration", "choreography", "hybrid")


def random_traits(rulebook, rng: random.Random) -> dict:
    """A valid answer set; about a quarter of the questions left unanswered."""
    traits = {}
    for qid, q in rulebook.questions.items():
        if rng.random() < 0.25:
            continue
        if q.kind == "choice":
            traits[qid] = rng.choice(q.option_values())
        elif q.kind == "yes_no":
            traits[qid] = rng.random() < 0.5
        else:
            traits[qid] = rng.choice([q.minimum, q.maximum, rng.randint(q.minimum, min(q.maximum, q.minimum + 40))])
    return traits


def ours(rulebook, traits: dict) -> dict:
    ev = evaluate(rulebook, Answers(traits))
    return {"scores": ev.scores, "style": ev.style, "runnerUp": ev.runner_up, "lead": ev.lead,
            "confidence": ev.confidence, "fired": [r.rule_id for r in ev.fired], "assumed": list(ev.assumed),
            "notApplicable": list(ev.not_applicable)}


def theirs(result: dict) -> dict:
    return {"scores": {s: int(result["scores"][s]) for s in STYLES}, "style": result["style"],
            "runnerUp": result["runnerUp"], "lead": int(result["lead"]), "confidence": result["confidence"],
            "fired": result["fired"], "assumed": result["assumed"], "notApplicable": result["notApplicable"]}


def assert_same(mine: dict, zens: dict, traits: dict) -> None:
    # Why a tolerance on confidence only: zen computes in decimal, Python in binary floating point, so a value
    # exactly on a rounding boundary could round apart (none did in 5,000 random sets)
    assert abs(mine.pop("confidence") - zens.pop("confidence")) <= 0.0011, traits
    assert mine == zens, traits


@pytest.fixture(scope="module")
def decision(rulebook):
    return zen.ZenEngine().create_decision(jdm.export_json(rulebook))


def test_the_export_is_a_jdm_graph_from_answers_to_recommendation(rulebook):
    graph = jdm.export(rulebook)
    kinds = [n["type"] for n in graph["nodes"]]
    table = next(n for n in graph["nodes"] if n["type"] == "decisionTableNode")
    assert graph["contentType"] == "application/vnd.gorules.decision"
    assert kinds == ["inputNode", "expressionNode", "expressionNode", "decisionTableNode", "expressionNode",
                     "outputNode"]
    assert [r["_id"] for r in table["content"]["rules"]] == [f"rule.{r.id}" for r in rulebook.rules]
    assert [(e["sourceId"], e["targetId"]) for e in graph["edges"]] == [
        (a["id"], b["id"]) for a, b in zip(graph["nodes"], graph["nodes"][1:])]


def test_the_export_is_deterministic(rulebook):
    assert jdm.export_json(rulebook) == jdm.export_json(rulebook)


def test_zen_validates_the_exported_graph(decision):
    assert decision.validate() is None


def test_zen_runs_the_graph_and_agrees_with_our_engine_on_every_example(rulebook, decision):
    from advisor.engine.answers import read_answers
    from conftest import EXAMPLES

    for path in EXAMPLES:
        answers = read_answers(str(path), rulebook)
        result = decision.evaluate({"traits": answers.traits})["result"]
        assert_same(ours(rulebook, answers.traits), theirs(result), path.name)


def test_zen_agrees_with_our_engine_on_three_thousand_random_answer_sets(rulebook, decision):
    rng = random.Random(20240607)
    for _ in range(3000):
        traits = random_traits(rulebook, rng)
        assert_same(ours(rulebook, traits), theirs(decision.evaluate({"traits": traits})["result"]), traits)


def test_zens_batch_gives_the_same_results_as_our_engine(rulebook):
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"advisor": jdm.export(rulebook)}}})
    rng = random.Random(99)
    sets = [random_traits(rulebook, rng) for _ in range(300)]
    replies = engine.evaluate_batch([{"key": "advisor", "context": {"traits": t}} for t in sets])
    assert [r["success"] for r in replies] == [True] * len(sets)
    for traits, reply in zip(sets, replies):
        assert_same(ours(rulebook, traits), theirs(reply["data"]["result"]), traits)


def test_zens_compiled_expression_gives_our_scores_on_three_thousand_answer_sets(rulebook):
    expression = zen.compile_expression(jdm.scores_expression(rulebook))
    rng = random.Random(5)
    for _ in range(3000):
        ev = evaluate(rulebook, Answers(random_traits(rulebook, rng)))
        assert [int(x) for x in expression.evaluate(ev.answers)] == [ev.scores[s] for s in STYLES], ev.answers


def test_zen_agrees_on_generated_rulebooks_with_nested_any_and_not(rulebook):
    sys.path.insert(0, str(__import__("conftest").ROOT))
    from bench.samples import generated_rulebook

    for seed in (1, 2, 3):
        generated = generated_rulebook(rulebook, 120, seed=seed)
        decision = zen.ZenEngine().create_decision(jdm.export_json(generated))
        rng = random.Random(seed)
        for _ in range(300):
            traits = random_traits(generated, rng)
            assert_same(ours(generated, traits), theirs(decision.evaluate({"traits": traits})["result"]), traits)


def test_option_values_with_both_quote_kinds_survive_the_export(rulebook):
    texts = dict(rulebook.texts)
    tricky = "it's \"quoted\", with a comma"
    texts["questions.yaml"] = texts["questions.yaml"].replace(b"value: strict,", b"value: " +
                                                              json.dumps(tricky).encode() + b",")
    texts["rules.yaml"] = texts["rules.yaml"].replace(b"value: strict}", b"value: " + json.dumps(tricky).encode()
                                                      + b"}")
    texts["scenarios.yaml"] = texts["scenarios.yaml"].replace(b"ordering: strict", b"ordering: "
                                                              + json.dumps(tricky).encode())
    changed = build_rulebook(texts, "tricky")
    assert tricky in changed.questions["ordering"].option_values()
    decision = zen.ZenEngine().create_decision(jdm.export_json(changed))
    for value in changed.questions["ordering"].option_values():
        traits = {"ordering": value, "compensation": True}
        assert_same(ours(changed, traits), theirs(decision.evaluate({"traits": traits})["result"]), traits)


def test_a_question_named_like_a_zen_keyword_is_refused_with_its_place(rulebook):
    texts = dict(rulebook.texts)
    texts["questions.yaml"] = texts["questions.yaml"].replace(b"id: audit\n", b"id: audit.in\n")
    texts["rules.yaml"] = texts["rules.yaml"].replace(b"question: audit,", b"question: audit.in,")
    texts["scenarios.yaml"] = texts["scenarios.yaml"].replace(b" audit:", b" audit.in:")
    renamed = build_rulebook(texts, "renamed")
    with pytest.raises(UserError) as caught:
        jdm.export(renamed)
    problem = caught.value.problems[0]
    assert (problem.file, problem.path) == ("renamed/questions.yaml", f"questions[{list(renamed.questions).index('audit.in')}].id")
    assert problem.line is not None
    assert "'in' is a keyword" in problem.message


def test_advisor_rules_export_writes_the_graph_to_a_file(tmp_path, rulebook):
    out = tmp_path / "rules.jdm.json"
    done = subprocess.run([sys.executable, "-m", "advisor", "rules", "export", "--format", "jdm", "-o", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text()) == jdm.export(rulebook)
