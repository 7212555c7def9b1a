"""The `advisor` command line, run as a user runs it: a subprocess, its output and its exit code."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT


def advisor(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=60)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_recommend_json_prints_the_answers_contract(path):
    run = advisor("recommend", str(path), "--format", "json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["style"] in ("orchestration", "choreography", "hybrid")
    assert 0 <= out["confidence"] <= 1
    assert set(out["scores"]) >= {"orchestration", "choreography"}
    assert out["fired"] and all({"rule", "because", "source"} <= set(f) for f in out["fired"])
    assert isinstance(out["assumed"], list)
    assert out["steps"] and all(s["mode"] in ("orchestrated", "event-driven") for s in out["steps"])
    assert out["rulebook"]["version"] == "1.0.0" and len(out["rulebook"]["hash"]) == 64


def test_the_checkout_example_is_a_hybrid_with_its_reactions_event_driven():
    out = json.loads(advisor("recommend", "examples/order-checkout.yaml", "--format", "json").stdout)
    assert out["style"] == "hybrid"
    modes = {s["service"]: s["mode"] for s in out["steps"]}
    assert modes == {"Orders": "orchestrated", "Payment": "orchestrated", "Inventory": "orchestrated",
                     "Shipping": "orchestrated", "Notification": "event-driven", "Analytics": "event-driven"}


def test_recommend_json_is_byte_identical_across_runs():
    first = advisor("recommend", "examples/travel-booking.yaml", "--format", "json").stdout
    assert first == advisor("recommend", "examples/travel-booking.yaml", "--format", "json").stdout


def test_recommend_text_shows_style_confidence_reasons_and_assumptions():
    run = advisor("recommend", "examples/loan-approval.yaml")
    assert run.returncode == 0
    text = run.stdout
    assert "Style:      ORCHESTRATION" in text
    assert "Confidence: 0." in text
    assert "Top reasons" in text and "Source:" in text
    assert "Assumed (not answered; defaults used): " in text and "parallel_tasks=no" in text


def test_a_bad_answers_file_gives_one_clear_message_and_exit_code_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("traits:\n  ordering: no\n")
    run = advisor("recommend", str(bad))
    assert run.returncode == 2
    assert run.stderr.startswith(f"{bad}:2:13: traits.ordering: invalid value false")
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_a_missing_answers_file_is_a_user_error_not_a_traceback(tmp_path):
    run = advisor("recommend", str(tmp_path / "nope.yaml"))
    assert run.returncode == 2 and "cannot read: No such file or directory" in run.stderr
    assert "Traceback" not in run.stderr


def test_rules_check_is_clean_on_the_default_rulebook():
    run = advisor("rules", "check", "rules")
    assert run.returncode == 0 and "rules: ok (18 questions, 31 rules" in run.stdout


def test_rules_check_prints_every_error_as_file_line_col_path_message(rules_copy):
    text = (rules_copy / "rules.yaml").read_text()
    text = text.replace("version: 1.0.0", "version: 1").replace("effect: {orchestration: 3, hybrid: 2}",
                                                                "effect: {orchestration: 3, hybird: 2}", 1)
    (rules_copy / "rules.yaml").write_text(text)
    run = advisor("rules", "check", str(rules_copy))
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"{rules_copy}/rules.yaml:4:10: version: expected text, got 1",
        f"{rules_copy}/rules.yaml:15:32: rules[0].effect.hybird: unknown key 'hybird'",
    ]


def test_rules_test_reports_every_scenario_and_full_coverage():
    run = advisor("rules", "test", "rules")
    assert run.returncode == 0, run.stdout
    assert "9 passed, 0 failed" in run.stdout
    assert "rule coverage: 100% of 31 rules" in run.stdout


def test_rules_test_fails_below_full_coverage(rules_copy):
    scenarios = (rules_copy / "scenarios.yaml").read_text()
    head, _, _ = scenarios.partition("  - name: Loan approval in one regulated team")
    (rules_copy / "scenarios.yaml").write_text(head)
    run = advisor("rules", "test", str(rules_copy))
    assert run.returncode == 1
    assert "never fires: branching.many" in run.stdout


def test_rules_test_names_a_failing_expectation(rules_copy):
    text = (rules_copy / "scenarios.yaml").read_text().replace("style: orchestration", "style: choreography", 1)
    (rules_copy / "scenarios.yaml").write_text(text)
    run = advisor("rules", "test", str(rules_copy))
    assert run.returncode == 1
    assert "FAIL  Loan approval in one regulated team" in run.stdout
    assert "expected style choreography, got orchestration" in run.stdout


def test_the_rules_option_selects_another_rulebook(rules_copy):
    text = (rules_copy / "rules.yaml").read_text().replace("version: 1.0.0", "version: 9.9.9")
    (rules_copy / "rules.yaml").write_text(text)
    out = json.loads(advisor("recommend", "examples/user-signup.yaml", "--rules", str(rules_copy),
                             "--format", "json").stdout)
    assert out["rulebook"]["version"] == "9.9.9"


def test_python_dash_m_and_the_console_script_are_the_same_program():
    script = Path(sys.executable).parent / "advisor"
    run = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("advisor ")
