"""`advisor blueprint`, run as a user runs it: a subprocess, its output, its exit code and its errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from advisor.engine.answers import read_answers
from advisor.engine.evaluate import evaluate
from advisor.rulebook.loading import load_rulebook
from advisor.views.blueprints import FORMATS, render_blueprint
from tests.conftest import ROOT, RULES

CHECKOUT = str(ROOT / "examples" / "order-checkout.yaml")


def advisor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def test_a_blueprint_goes_to_stdout_exactly_as_the_view_renders_it():
    rulebook = load_rulebook(RULES)
    ev = evaluate(rulebook, read_answers(CHECKOUT, rulebook))

    run = advisor("blueprint", CHECKOUT, "--format", "asl", "--style", "orchestration")

    assert run.returncode == 0, run.stderr
    assert run.stdout == render_blueprint(ev, "asl", "orchestration")
    assert json.loads(run.stdout)["StartAt"] == "Step1_CreateOrder"


def test_a_blueprint_is_written_to_the_output_file(tmp_path: Path):
    out = tmp_path / "checkout.asyncapi.yaml"

    run = advisor("blueprint", CHECKOUT, "--format", "asyncapi", "-o", str(out))

    assert run.returncode == 0 and run.stdout == "", run.stderr
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["asyncapi"] == "3.0.0"


def test_the_format_choices_are_the_registrys():
    run = advisor("blueprint", "--help")
    assert "{" + ",".join(FORMATS) + "}" in run.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["--format", "asl", "--style", "fancy"], "argument --style: invalid choice: 'fancy'"),
        (["--format", "asl", "-o", "/nonexistent-dir/x.json"], "/nonexistent-dir/x.json: cannot write:"),
    ],
)
def test_bad_options_are_a_clear_error_without_a_traceback(args, says):
    run = advisor("blueprint", CHECKOUT, *args)
    assert run.returncode == 2
    assert says in run.stderr and "Traceback" not in run.stderr


def test_a_missing_or_broken_answers_file_is_named_with_its_problem(tmp_path: Path):
    missing = advisor("blueprint", str(tmp_path / "nope.yaml"), "--format", "asl")
    broken = tmp_path / "broken.yaml"
    broken.write_text("steps:\n  - {service: Payment, action: Charge, colour: red}\n", encoding="utf-8")
    bad = advisor("blueprint", str(broken), "--format", "asyncapi")

    assert missing.returncode == 2 and "nope.yaml: cannot read" in missing.stderr
    assert bad.returncode == 2 and f"{broken}:2:" in bad.stderr and "colour" in bad.stderr
    assert "Traceback" not in missing.stderr + bad.stderr
