"""`advisor saved ...`: list, history, export and re-evaluate the saved assessments from the command line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from advisor.engine.answers import Answers, parse_answers, read_answers
from advisor.engine.assessment import assess
from advisor.saved.store import Store
from tests.conftest import ROOT


@pytest.fixture
def database(tmp_path, rulebook):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = Store(url)
    for name, notes in (("order-checkout", ("first", "second")), ("media-pipeline", ("first",))):
        answers = read_answers(str(ROOT / "examples" / f"{name}.yaml"), rulebook)
        for i, note in enumerate(notes):  # a later version is an edit: saving the same answers adds none
            edit = Answers(answers.traits, answers.steps, answers.workflow + " (revised)" * i)
            store.save(answers.workflow, assess(rulebook, edit), rulebook, note=note)
    store.close()
    return url


def advisor(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "advisor", "saved", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "ADVISOR_DB_URL": url},
        timeout=120,
    )


def test_list_shows_every_assessment_with_its_version_count(database):
    run = advisor(database, "list")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["name", "versions", "last", "saved", "style", "confidence"]
    assert lines[2].startswith("Media processing pipeline  1 ") and lines[3].startswith("Order checkout             2 ")


def test_history_lists_the_versions_newest_first(database):
    lines = advisor(database, "history", "Order checkout").stdout.splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["2", "1"]
    assert lines[2].endswith("second") and lines[3].endswith("first")


def test_export_writes_a_versions_answers_file(database, rulebook, tmp_path):
    out = tmp_path / "v1.yaml"
    run = advisor(database, "export", "Order checkout", "--version", "1", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert parse_answers(out.read_bytes(), "v1.yaml", rulebook) == read_answers(
        str(ROOT / "examples" / "order-checkout.yaml"), rulebook
    )


def test_an_unknown_name_or_version_is_a_clear_error(database):
    run = advisor(database, "history", "Nope")
    assert run.returncode == 2 and "no saved assessment named 'Nope'" in run.stderr
    run = advisor(database, "export", "Order checkout", "--version", "9")
    assert run.returncode == 2 and "version 9 of saved assessment" in run.stderr and "Traceback" not in run.stderr


def test_reevaluate_under_an_edited_rulebook_lists_the_changes_and_can_fail_ci(database, rules_copy, rulebook):
    rules = rules_copy / "rules.yaml"
    text = rules.read_text()
    # fanout.some: the checkout's two consumers, link evidence that makes its orchestrated core a hybrid
    edited = "  - id: fanout.some\n    when: {question: fan_out, op: gte, value: 2}\n    effect: {hybrid: 2}"
    assert edited in text
    rules.write_text(text.replace(edited, edited.replace("{hybrid: 2}", "{choreography: 20}"), 1))
    run = advisor(database, "reevaluate", "--rules", str(rules_copy))
    assert run.returncode == 0, run.stderr
    assert "1 of 2 recommendations change under" in run.stdout  # the media pipeline stays choreographed
    row = next(line for line in run.stdout.splitlines() if line.startswith("Order checkout"))
    saved = assess(rulebook, read_answers(str(ROOT / "examples" / "order-checkout.yaml"), rulebook))
    assert saved.evaluation.style == "hybrid"
    assert f"hybrid ({saved.evaluation.confidence:.2f})" in row and "choreography" in row and " style " in row
    assert advisor(database, "reevaluate", "--rules", str(rules_copy), "--exit-code").returncode == 1
    assert advisor(database, "reevaluate", "--exit-code").returncode == 0
