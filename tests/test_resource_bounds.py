"""Resource exhaustion from valid input (issue 13): what a rulebook costs grows with what was written, never with
the width of an integer domain it names; the caps are named in the errors; bounds fit a browser's numbers."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from advisor.engine.answers import Answers
from advisor.engine.evaluate import evaluate
from advisor.errors import UserError
from advisor.rulebook import compiler
from advisor.rulebook.conditions import tests as condition_tests
from advisor.rulebook.formats import MAX_SAFE_INTEGER, RulesFile
from advisor.rulebook.loading import MAX_RULE_VALUES, MAX_RULEBOOK_VALUES, build_rulebook
from advisor.rulebook.normal_form import MAX_CLAUSES
from bench.wide import wide_rulebook_texts, write_wide_rulebook

ROOT = Path(__file__).resolve().parent.parent


def cells(program: compiler.Program) -> int:
    """How many table entries the compiled program holds: its size, whatever the answers' domains."""
    return sum(len(t.entries) for t in program.tables) + sum(len(t.parts) for t in program.ranges)


def test_checking_a_thousand_rules_on_a_wide_integer_question_takes_under_10_s_and_1_gib(tmp_path):
    write_wide_rulebook(str(tmp_path), rules=1000, width=4096)
    measure = textwrap.dedent(
        f"""
        import resource, sys, time
        from advisor.cli.main import main
        start = time.perf_counter()
        status = main(["rules", "check", {str(tmp_path)!r}])
        print(status, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
        """
    )
    run = subprocess.run([sys.executable, "-c", measure], capture_output=True, text=True, timeout=120, cwd=ROOT)
    status, seconds, peak = run.stdout.split()[-3:]
    assert int(status) == 0, run.stdout + run.stderr
    assert float(seconds) < 10
    assert int(peak) < 1 << 30


@pytest.mark.parametrize("width", [4096, 2**40])
def test_the_compiled_tables_grow_with_the_thresholds_not_with_the_width_of_the_domain(width):
    rulebook = build_rulebook(wide_rulebook_texts(rules=200, width=width), "wide")
    # each rule names at most two thresholds, and each splits the domain in at most two places
    assert cells(rulebook.program) <= 2 * 2 * 200 + 2 + 2  # the intervals of `size`, and `urgent`'s answers
    assert not rulebook.program.closures


def test_a_wide_integer_question_gives_what_the_plain_conditions_give_at_every_threshold():
    rulebook = build_rulebook(wide_rulebook_texts(rules=300, width=2**40), "wide")
    thresholds = {
        v for r in rulebook.rules for t in condition_tests(r.when) for v in (t.value - 1, t.value, t.value + 1)
    }
    rng = random.Random(5)
    values = sorted(v for v in thresholds | {0, 2**40 - 1} if 0 <= v < 2**40) + [
        rng.randrange(2**40) for _ in range(50)
    ]
    for value in values:
        for urgent in (True, False, None):
            traits = {"size": value} | ({} if urgent is None else {"urgent": urgent})
            ev = evaluate(rulebook, Answers(traits))
            for i, result in enumerate(ev.trace):
                assert result.fired == rulebook.program.predicates[i](ev.answers), (result.rule_id, value)
                assert result.values == tuple((q, ev.answers[q]) for q in rulebook.program.reads[i])
            assert sum(r.orchestration for r in ev.trace) == ev.scores["orchestration"]


def _with_rules(rules: list[dict]) -> dict[str, bytes]:
    texts = wide_rulebook_texts(rules=1)
    texts["rules.yaml"] = json.dumps({"version": "1.0.0", "rules": rules}, indent=1).encode()
    return texts


def _rule(i: int, when: dict) -> dict:
    return {"id": f"r{i}", "when": when, "effect": {"hybrid": 1}, "rationale": "Big.", "source": "Test."}


def test_a_rule_comparing_more_values_than_the_cap_is_refused_naming_its_line_and_the_limit():
    listed = list(range(MAX_RULE_VALUES + 1))
    texts = _with_rules(
        [
            _rule(0, {"question": "size", "op": "gte", "value": 3}),
            _rule(1, {"question": "size", "op": "in", "value": listed}),
        ]
    )
    with pytest.raises(UserError) as e:
        build_rulebook(texts, "big")
    (problem,) = e.value.problems
    assert problem.file == "big/rules.yaml" and problem.line is not None and problem.line > 1
    assert problem.path == "rules[1].when"
    assert f"the limit is {MAX_RULE_VALUES:,} per rule" in problem.message
    assert f"{MAX_RULE_VALUES + 1:,}" in problem.message


def test_a_rulebook_comparing_more_values_in_all_than_the_cap_is_refused_naming_the_limit():
    per_rule = MAX_RULE_VALUES
    count = MAX_RULEBOOK_VALUES // per_rule + 1
    rules = [_rule(i, {"question": "size", "op": "in", "value": list(range(i, i + per_rule))}) for i in range(count)]
    with pytest.raises(UserError) as e:
        build_rulebook(_with_rules(rules), "big")
    (problem,) = e.value.problems
    assert problem.file == "big/rules.yaml" and problem.path == "rules"
    assert f"the limit is {MAX_RULEBOOK_VALUES:,}" in problem.message


@pytest.mark.parametrize("field, bound", [("maximum", MAX_SAFE_INTEGER + 1), ("minimum", -MAX_SAFE_INTEGER - 1)])
def test_an_integer_bound_a_browser_cannot_represent_is_refused_naming_the_file_line_and_field(field, bound):
    texts = wide_rulebook_texts(rules=2)  # `size >= 0` and `size < 3823`: valid for any bounds
    questions = json.loads(texts["questions.yaml"])
    questions["questions"][0][field] = bound
    if field == "minimum":
        questions["questions"][0]["maximum"] = 10
    texts["questions.yaml"] = json.dumps(questions, indent=1).encode()
    with pytest.raises(UserError) as e:
        build_rulebook(texts, "huge")
    (problem,) = e.value.problems
    assert problem.file == "huge/questions.yaml" and problem.line is not None and problem.line > 1
    assert problem.path == f"questions[0].{field}"
    assert f"{MAX_SAFE_INTEGER:,}" in problem.message


def test_the_widest_bounds_a_browser_can_represent_load():
    texts = wide_rulebook_texts(rules=3)
    questions = json.loads(texts["questions.yaml"])
    questions["questions"][0].update(minimum=-MAX_SAFE_INTEGER, maximum=MAX_SAFE_INTEGER)
    texts["questions.yaml"] = json.dumps(questions).encode()
    rulebook = build_rulebook(texts, "widest")
    assert evaluate(rulebook, Answers({"size": MAX_SAFE_INTEGER})).answers["size"] == MAX_SAFE_INTEGER


def test_the_limits_the_rulebook_readme_states_are_the_ones_the_loader_enforces():
    readme = (ROOT / "rules" / "README.md").read_text()
    limits = readme[readme.index("### Limits") :]
    rules_cap = RulesFile.model_fields["rules"].metadata[-1].max_length
    assert f"| rules in rules.yaml | {rules_cap:,} |" in limits
    assert f"| {MAX_RULE_VALUES:,} | `rules[i].when: condition too large" in limits
    assert f"the limit is {MAX_RULE_VALUES:,} per rule`" in limits
    assert f"| {MAX_RULEBOOK_VALUES:,} | `rules: the rules compare" in limits
    assert f"| ±{MAX_SAFE_INTEGER:,} |" in limits
    assert f"more than {MAX_CLAUSES} clauses" in limits
