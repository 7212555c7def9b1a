"""The benchmark of published decisions: the advice meets the issue's aims on it, every case is cited and
evidenced, a bad case file is refused naming its line, and the committed confidence is the benchmark's fit."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from advisor.authoring.benchmark import fit_confidence, read_cases, run_benchmark
from advisor.errors import UserError
from advisor.rulebook.formats import STYLES
from tests.conftest import ROOT

CASES = ROOT / "benchmark" / "cases"


@pytest.fixture(scope="module")
def run(rulebook):
    return run_benchmark(rulebook, read_cases(CASES, rulebook))


def test_the_benchmark_holds_at_least_thirty_published_decisions_of_every_style(run):
    assert len(run.results) >= 30
    assert {r.case.chosen for r in run.results} == set(STYLES)


def test_the_advice_agrees_with_at_least_90_percent_of_the_solid_cases(run):
    hit, total = run.agreement("solid")
    assert hit / total >= 0.9, [(r.case.id, r.style) for r in run.misses]


@pytest.mark.parametrize("style", STYLES)
def test_every_style_is_recalled_in_at_least_80_percent_of_its_solid_cases(run, style):
    hit, total = run.recall(style, "solid")
    assert total and hit / total >= 0.8


def test_the_advice_is_more_confident_when_it_is_right_than_when_it_is_wrong(run):
    assert run.mean_confidence(True) > run.mean_confidence(False)
    assert run.brier() < 0.25  # better than a constant 0.5


def test_the_committed_confidence_is_the_benchmarks_fit_and_out_of_sample_it_still_beats_chance(run, rulebook):
    fit = fit_confidence(run)
    committed = rulebook.decision.confidence
    assert fit.fit.bias == pytest.approx(committed.bias, abs=0.01)
    assert fit.fit.per_point == pytest.approx(committed.per_point, abs=0.01)
    assert fit.fit.per_answer == pytest.approx(committed.per_answer, abs=0.01)
    assert fit.brier_leave_one_out < 0.25


@pytest.mark.parametrize("path", sorted(CASES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_case_cites_a_findable_source_quotes_it_briefly_and_evidences_every_answer(path):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = case["source"]
    assert source["author"] and source["title"] and (source.get("url") or source.get("publisher"))
    assert source.get("year") or source.get("url")
    assert 0 < len(case["quote"].split()) <= 40
    traits = case["answers"].get("traits", {})
    assert set(traits) <= set(case.get("evidence", {})), "every encoded trait needs its evidence"


def test_a_case_with_an_unknown_question_is_refused_naming_its_file_and_line(tmp_path, rulebook):
    text = (CASES / "orch-netflix-conductor-2016.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "orch-netflix-conductor-2016.yaml"
    bad.write_text(
        text.replace("    ordering: strict", "    ordering: strict\n    orderings: strict", 1), encoding="utf-8"
    )
    with pytest.raises(UserError) as e:
        read_cases(tmp_path, rulebook)
    problem = e.value.problems[0]
    assert problem.file == str(bad) and problem.line and "unknown question 'orderings'" in problem.message


def test_a_case_whose_id_is_not_its_file_name_is_refused(tmp_path, rulebook):
    text = (CASES / "orch-netflix-conductor-2016.yaml").read_text(encoding="utf-8")
    (tmp_path / "renamed.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match="must be the file's name"):
        read_cases(tmp_path, rulebook)


def test_advisor_benchmark_prints_the_figures_and_refuses_an_empty_folder(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "benchmark", str(CASES), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["cases"] >= 30 and set(data["confusion"]) == set(STYLES)
    assert all(m["fired"] is not None for m in data["misses"])
    empty = subprocess.run(
        [sys.executable, "-m", "advisor", "benchmark", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert empty.returncode == 2 and re.search(r"no benchmark cases", empty.stderr)
    assert "Traceback" not in empty.stderr
