"""The `advisor` command line, run as a user runs it: a subprocess, its output and its exit code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.rulebook.loading import load_rulebook
from tests.conftest import EXAMPLES, ROOT, RULES

DEFAULT = load_rulebook(RULES)  # the expectations below are computed from the default rulebook, not copied


def advisor(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True, text=True, cwd=cwd, timeout=60)


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
    assert out["rulebook"]["version"] == DEFAULT.version and len(out["rulebook"]["hash"]) == 64
    # the decision model's facts: the core's lean, a tie, what the steps answered, what is unknown
    assert out["lean"] in ("orchestration", "choreography") and isinstance(out["tie"], bool)
    assert out["lean"] == ("orchestration" if out["style"] == "hybrid" else out["style"])
    assert isinstance(out["derived"], dict) and isinstance(out["unanswered"], list)
    assert out["unanswered"] == out["assumed"]  # the old name, kept for compatibility
    assert all(out["answers"][q] is None for q in out["unanswered"])
    assert out["deciding_questions"] == []  # no example is a tie
    for t in out["tipping_points"]:
        assert {"question", "from", "to", "open", "style", "confidence", "also"} <= set(t)
        assert t["open"] == (t["from"] is None) and t["style"] != out["style"]
        assert all({"question", "from", "to", "open"} <= set(c) for c in t["also"])


def test_recommend_json_gives_a_ties_deciding_questions_and_what_the_steps_answered(tmp_path):
    sparse = tmp_path / "sparse.yaml"
    sparse.write_text("steps:\n  - {service: A, action: Start}\n  - {service: B, action: Notify, reaction: true}\n")
    out = json.loads(advisor("recommend", str(sparse), "--format", "json").stdout)
    assert out["derived"] == {"step_count": 2, "fan_out": 1}  # read from the two steps, one a reaction
    assert all(q not in out["unanswered"] for q in out["derived"])
    assert out["answers"]["step_count"] == 2
    text = advisor("recommend", str(sparse)).stdout
    assert "From the steps: step_count=2, fan_out=1" in text and "None" not in text
    empty = tmp_path / "empty.yaml"
    empty.write_text("traits: {}\n")
    out = json.loads(advisor("recommend", str(empty), "--format", "json").stdout)
    assert out["tie"] is True and out["confidence"] < 0.5
    assert out["scores"]["orchestration"] == out["scores"]["choreography"]
    opened = [t["question"] for t in out["tipping_points"] if t["open"]]
    assert out["deciding_questions"] == list(dict.fromkeys(opened)) and out["deciding_questions"]
    assert set(out["deciding_questions"]) <= set(out["unanswered"])


def test_recommend_json_gives_pairs_when_no_single_change_flips_the_style():
    out = json.loads(advisor("recommend", "examples/media-pipeline.yaml", "--format", "json").stdout)
    assert out["tipping_points"] and all(len(t["also"]) == 1 for t in out["tipping_points"])
    text = advisor("recommend", "examples/media-pipeline.yaml").stdout
    assert "What would change it (no single change does; the closest pairs):" in text
    first = out["tipping_points"][0]
    second = first["also"][0]
    assert f"{first['question']}: {first['from']} -> {first['to']} and {second['question']}: " in text


def test_the_checkout_example_is_a_hybrid_with_its_reactions_event_driven():
    out = json.loads(advisor("recommend", "examples/order-checkout.yaml", "--format", "json").stdout)
    assert out["style"] == "hybrid"
    modes = {s["service"]: s["mode"] for s in out["steps"]}
    assert modes == {
        "Orders": "orchestrated",
        "Payment": "orchestrated",
        "Inventory": "orchestrated",
        "Shipping": "orchestrated",
        "Notification": "event-driven",
        "Analytics": "event-driven",
    }


def test_recommend_json_is_byte_identical_across_runs():
    first = advisor("recommend", "examples/travel-booking.yaml", "--format", "json").stdout
    assert first == advisor("recommend", "examples/travel-booking.yaml", "--format", "json").stdout


def test_recommend_text_shows_style_confidence_reasons_and_assumptions():
    run = advisor("recommend", "examples/loan-approval.yaml")
    assert run.returncode == 0
    text = run.stdout
    assert "Style:      ORCHESTRATION" in text and "a tie" not in text
    assert re.search(r"^Confidence: (0\.\d\d|1\.00) \(", text, re.M)
    assert "Top reasons" in text and "Source:" in text
    assert "the core's points (it leans to orchestration)" in text and "hybrid 0: link evidence" in text
    listed = text.split("Not answered (no evidence; each lowers the confidence): ")[1].split("\n\n")[0]
    unanswered = " ".join(listed.split())
    assert "parallel_tasks" in unanswered.split(", ")  # unknown, not a default "no"
    assert "parallel_tasks=no" not in text and "None" not in text
    assert "  - answer parallel_tasks: yes gives hybrid" in text  # an open question, answered, is a tipping point


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
    assert run.returncode == 0
    assert f"rules: ok ({len(DEFAULT.questions)} questions, {len(DEFAULT.rules)} rules" in run.stdout


def test_rules_check_prints_every_error_as_file_line_col_path_message(rules_copy):
    text = (rules_copy / "rules.yaml").read_text()
    first_effect = "effect: {orchestration: 3}"  # the first rule's, in the default rulebook
    assert text.index(first_effect) < text.index("effect:", text.index(first_effect) + 1)
    text = text.replace(f"version: {DEFAULT.version}", "version: 1").replace(
        first_effect, "effect: {orchestration: 3, hybird: 2}", 1
    )
    (rules_copy / "rules.yaml").write_text(text)
    lines = text.splitlines()
    where = lambda needle: next((i + 1, line.index(needle) + 1) for i, line in enumerate(lines) if needle in line)
    (vline, _), (eline, ecol) = where("version: 1"), where("hybird")
    run = advisor("rules", "check", str(rules_copy))
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"{rules_copy}/rules.yaml:{vline}:10: version: expected text, got 1",
        f"{rules_copy}/rules.yaml:{eline}:{ecol}: rules[0].effect.hybird: unknown key 'hybird'",
    ]


def test_rules_test_reports_every_scenario_and_full_coverage():
    run = advisor("rules", "test", "rules")
    assert run.returncode == 0, run.stdout
    assert f"{len(DEFAULT.scenarios)} passed, 0 failed" in run.stdout
    assert f"rule coverage: 100% of {len(DEFAULT.rules)} rules" in run.stdout


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
    text = (rules_copy / "rules.yaml").read_text().replace(f"version: {DEFAULT.version}", "version: 9.9.9")
    (rules_copy / "rules.yaml").write_text(text)
    out = json.loads(
        advisor("recommend", "examples/user-signup.yaml", "--rules", str(rules_copy), "--format", "json").stdout
    )
    assert out["rulebook"]["version"] == "9.9.9"


def test_python_dash_m_and_the_console_script_are_the_same_program():
    script = Path(sys.executable).parent / "advisor"
    run = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("advisor ")


def test_recommend_imports_only_what_the_recommendation_needs():
    """Start-up time (issue 17): `advisor recommend` must not pay for the other commands (the rule authoring
    tools, the store, the exports, the web app, the portfolio). (`tempfile` and `importlib.resources` would be
    worth keeping out too, but pydantic's plugin loader imports both through `importlib.metadata`.)"""
    probe = (
        "import sys\n"
        "from advisor.cli.main import main\n"
        f"code = main(['recommend', {str(ROOT / 'examples' / 'order-checkout.yaml')!r}, '--format', 'json'])\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
        "raise SystemExit(code)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(run.stdout)["style"] == "hybrid"
    loaded = set(run.stderr.split())
    unwanted = {
        "advisor.cli.rules",
        "advisor.cli.rules_db",
        "advisor.authoring.lint",
        "advisor.authoring.history",
        "advisor.saved.store",
        "advisor.views.report.model",
        "advisor.views.diagram.dot",
        "pandas",
        "numpy",
        "sqlalchemy",
        "streamlit",
        "graphviz",
    }
    assert not unwanted & loaded, sorted(unwanted & loaded)


def test_help_is_wrapped_to_the_terminal_width_it_is_given():
    """The help formatter finds the width without shutil (start-up time), as argparse's own does: `$COLUMNS`."""

    def help_at(columns: int) -> str:
        return subprocess.run(
            [sys.executable, "-m", "advisor", "recommend", "--help"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=os.environ | {"COLUMNS": str(columns)},
            check=True,
        ).stdout

    narrow, wide = help_at(50), help_at(200)
    assert max(map(len, narrow.splitlines())) <= 50 < max(map(len, wide.splitlines()))
    assert narrow.split() == wide.split()  # the same words, wrapped differently
