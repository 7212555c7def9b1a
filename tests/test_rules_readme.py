"""rules/README.md's worked example works: its three snippets, appended to a copy of the rulebook, validate,
pass the scenarios with 100% coverage, and leave nothing for the linter."""

from __future__ import annotations

import re
from pathlib import Path

from advisor.authoring.history import read_file, save
from advisor.authoring.lint import lint
from advisor.engine.scenarios import run_scenarios
from advisor.rulebook.changes import definition_changes
from advisor.rulebook.loading import load_rulebook

README = Path(__file__).resolve().parent.parent / "rules" / "README.md"


def snippets() -> list[tuple[str, str]]:
    """(file, yaml) for every block the README marks `<!-- append-to: FILE -->`."""
    text = README.read_text()
    return re.findall(r"<!-- append-to: (\S+) -->\n```yaml\n(.*?)```", text, re.S)


def test_the_worked_example_adds_a_valid_tested_question_rule_and_scenario(rules_copy):
    found = snippets()
    assert [name for name, _ in found] == ["questions.yaml", "rules.yaml", "scenarios.yaml"]
    before = load_rulebook(rules_copy)
    for name, block in found:
        path = rules_copy / name
        path.write_text(path.read_text().rstrip("\n") + "\n\n" + block)
    after = load_rulebook(rules_copy)
    assert {(c.kind, c.id, c.status) for c in definition_changes(before, after)} == {
        ("question", "human_approval", "added"),
        ("rule", "approval.human", "added"),
        ("scenario", "Expense claim approved by a manager", "added"),
    }
    run = run_scenarios(after)
    assert [r.failures for r in run.results if not r.passed] == []
    assert run.coverage == 1.0
    assert lint(after) == []


def test_saving_the_worked_example_from_the_editor_raises_the_version_for_you(rules_copy):
    """The README says a save from the app raises `version`: each of the three saves raises the patch number."""
    before = load_rulebook(rules_copy).version
    major, minor, patch = (int(p) for p in before.split("."))
    versions = []
    for name, block in snippets():
        state = read_file(rules_copy, name)
        result = save(rules_copy, name, state.text.rstrip(b"\n") + b"\n\n" + block.encode(), state.hash)
        versions.append(result.rulebook.version)
    assert versions == [f"{major}.{minor}.{patch + n}" for n in (1, 2, 3)]
    after = load_rulebook(rules_copy)
    assert after.version == versions[-1] and lint(after) == []
