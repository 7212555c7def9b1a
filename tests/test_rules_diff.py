"""`advisor rules diff OLD NEW --answers DIR`: what changed in the definitions, and which recommendations change,
as a table. Both rulebooks are scratch copies of rules/."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.authoring.diff import answer_cases, recommendation_changes, scenario_cases
from advisor.engine.answers import Answers, read_answers
from advisor.engine.evaluate import evaluate
from advisor.rulebook.changes import definition_changes
from advisor.rulebook.loading import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NEW_RULE = """
  - id: audit.event_store
    when: {question: audit, op: eq, value: true}
    effect: {choreography: 20, orchestration: -20}
    rationale: A test rule that pushes every audited workflow to choreography.
    source: Test data, written for tests/test_rules_diff.py
"""


@pytest.fixture
def new_copy(rules_copy: Path, tmp_path: Path) -> Path:
    """A second copy with one rule added, one rule's rationale changed and the question `audit` reworded."""
    new = tmp_path / "new"
    shutil.copytree(rules_copy, new)
    rules = (new / "rules.yaml").read_text()
    assert "      If even a durable" in rules, "test setup"
    rules = rules.replace("      If even a durable", "      Even if a durable", 1)
    (new / "rules.yaml").write_text(rules + NEW_RULE)
    questions = (new / "questions.yaml").read_text()
    (new / "questions.yaml").write_text(
        questions.replace(
            "Is a complete audit trail per instance required?", "Must every instance keep a complete audit trail?"
        )
    )
    return new


def audited_examples() -> list[Path]:
    found = [p for p in sorted(EXAMPLES.glob("*.yaml")) if "audit: true" in p.read_text()]
    assert found, "test setup: an example answers 'audit: true'"
    return found


def test_identical_rulebooks_have_no_changes(rules_copy):
    rb = load_rulebook(rules_copy)
    assert definition_changes(rb, rb) == []
    results = recommendation_changes(rb, rb, scenario_cases(rb, rb) + answer_cases(EXAMPLES))
    assert len(results) == len(rb.scenarios) + len(list(EXAMPLES.glob("*.yaml")))
    assert {r.change for r in results} == {""}


def test_added_and_changed_definitions_are_listed_with_the_fields_that_changed(rules_copy, new_copy):
    changes = definition_changes(load_rulebook(rules_copy), load_rulebook(new_copy))
    assert {(c.kind, c.id, c.status, c.fields) for c in changes} == {
        ("question", "audit", "changed", ("text",)),
        ("rule", "coordinator.unacceptable", "changed", ("rationale",)),
        ("rule", "audit.event_store", "added", ()),
    }


def test_answers_files_whose_recommendation_changes_are_found(rules_copy, new_copy):
    old, new = load_rulebook(rules_copy), load_rulebook(new_copy)
    results = {r.name: r for r in recommendation_changes(old, new, answer_cases(EXAMPLES))}
    for path in audited_examples():
        answers = read_answers(path, old)
        before = evaluate(old, Answers(answers.traits, answers.steps)).style
        result = results[str(path)]
        assert (result.old.style, result.new.style) == (before, "choreography")
        assert result.change == ("style" if before != "choreography" else "confidence")
    unaudited = [r for name, r in results.items() if Path(name) not in audited_examples()]
    assert unaudited and all(r.old == r.new for r in unaudited)


def test_a_removed_question_makes_the_answers_that_use_it_invalid_under_the_new_rulebook(rules_copy, tmp_path):
    answers = tmp_path / "answers"
    answers.mkdir()
    (answers / "a.yaml").write_text("traits:\n  ordering: partial\n")
    new = tmp_path / "new"
    shutil.copytree(rules_copy, new)
    q = (new / "questions.yaml").read_text()
    (new / "questions.yaml").write_text(
        q.replace(
            '      - {value: some, label: "Some steps depend on others"}\n',
            '      - {value: some, label: "Some steps depend on others"}\n      - {value: partial, label: "Partly"}\n',
        )
    )
    (result,) = recommendation_changes(load_rulebook(rules_copy), load_rulebook(new), answer_cases(answers))
    assert result.change == "validity"
    assert str(result.old).startswith("invalid: line 2: invalid value 'partial' for 'ordering'")
    assert result.new.problem is None


def test_the_diff_command_prints_the_changed_recommendations_as_a_table(rules_copy, new_copy):
    run = subprocess.run(
        [sys.executable, "-m", "advisor", "rules", "diff", str(rules_copy), str(new_copy), "--answers", str(EXAMPLES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "  added    rule      audit.event_store\n" in out
    assert "  changed  question  audit (text)\n" in out
    header = re.search(r"^  kind +case +old +new +change$", out, re.M)
    assert header, out
    for path in audited_examples():
        row = re.search(
            rf"^  answers +{re.escape(str(path))} +(\w+) \((\d\.\d\d)\) +choreography \(\d\.\d\d\) +(\S+)$", out, re.M
        )
        assert row, out
    rows = re.findall(r"^  (scenario|answers) ", out, re.M)
    assert len(rows) == len(load_rulebook(rules_copy).scenarios) + len(list(EXAMPLES.glob("*.yaml")))


def test_the_diff_command_can_fail_ci_when_recommendations_change(rules_copy, new_copy):
    args = [sys.executable, "-m", "advisor", "rules", "diff", str(rules_copy), str(new_copy), "--exit-code"]
    assert subprocess.run(args, cwd=ROOT, capture_output=True, timeout=60).returncode == 1
    same = [sys.executable, "-m", "advisor", "rules", "diff", str(rules_copy), str(rules_copy), "--exit-code"]
    assert subprocess.run(same, cwd=ROOT, capture_output=True, timeout=60).returncode == 0


def test_the_diff_as_json_lists_every_case_with_both_outcomes(rules_copy, new_copy):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "advisor",
            "rules",
            "diff",
            str(rules_copy),
            str(new_copy),
            "--answers",
            str(EXAMPLES),
            "--format",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    data = json.loads(run.stdout)
    cases = {c["name"]: c for c in data["cases"]}
    (audited, *_) = audited_examples()
    assert cases[str(audited)]["new"]["style"] == "choreography"
    assert {"kind": "rule", "id": "audit.event_store", "status": "added", "fields": []} in data["definitions"]
