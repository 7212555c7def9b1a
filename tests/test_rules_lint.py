"""`advisor rules lint`: finds each problem planted in tests/data/rules-lint-planted at its file and line, and
nothing in the default rulebook."""

from __future__ import annotations

import itertools
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.authoring import lint as linting
from advisor.authoring.lint import lint, placeholder_problem, source_problem
from advisor.engine.answers import Answers
from advisor.rulebook.loading import build_rulebook, load_rulebook, read_texts

ROOT = Path(__file__).resolve().parent.parent
PLANTED = ROOT / "tests" / "data" / "rules-lint-planted"


def planted_markers() -> set[tuple[str, int, str]]:
    """(file, line, code) for every `# PLANTED code ...` comment in the planted rulebook."""
    found = set()
    for path in sorted(PLANTED.glob("*.yaml")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            m = re.search(r"# PLANTED ([a-z-]+(?: [a-z-]+)*)$", line)
            if m:
                found |= {(f"{PLANTED}/{path.name}", number, code) for code in m.group(1).split()}
    return found


def test_lint_finds_every_planted_problem_at_its_line_and_nothing_else():
    findings = lint(load_rulebook(PLANTED))
    markers = planted_markers()
    assert len(markers) == 18  # the test data still holds all its plants
    assert {(f.file, f.line, f.code) for f in findings} == markers


def test_lint_finds_nothing_in_the_default_rulebook(rulebook):
    assert lint(rulebook) == []


def test_the_lint_command_prints_file_and_line_and_exits_1_on_findings():
    run = subprocess.run(
        [sys.executable, "-m", "advisor", "rules", "lint", str(PLANTED)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1, run.stderr
    assert f"{PLANTED}/rules.yaml:22: never-fires: rule 'ordering.contradiction' can never fire" in run.stdout
    assert f"{PLANTED}/questions.yaml:45: unread-question: question 'budget'" in run.stdout
    assert (
        f"{PLANTED}/rules.yaml:13: placeholder-source: rule 'ordering.strict' has no real source: looks like a "
        "placeholder ('Seed article' names no publication)"
    ) in run.stdout
    assert (
        f"{PLANTED}/rules.yaml:19: unfindable-source: rule 'ordering.none' cites a source a reader cannot find: "
        "it has neither a URL nor a year"
    ) in run.stdout
    assert run.stdout.rstrip().endswith(f"18 findings in {PLANTED}")


def test_the_lint_command_exits_0_on_the_default_rulebook(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "advisor", "rules", "lint"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert (run.returncode, run.stdout.strip().endswith(": no findings")) == (0, True), run.stdout


def test_the_lint_command_reports_an_invalid_rulebook_as_a_user_error(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "advisor", "rules", "lint", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "missing rule file" in run.stderr and "Traceback" not in run.stderr


def with_rule(when: str, extra: str = "") -> list:
    """Lint findings of the planted rulebook's questions with one extra rule (plus optional others)."""
    texts = read_texts(PLANTED)
    texts["rules.yaml"] = (
        b"version: 1.0.0\nrules:\n  - id: probe\n    when: "
        + when.encode()
        + b"\n    effect: {orchestration: 1}\n    rationale: A rule to probe the linter with."
        b"\n    source: Test data, written for this test\n" + extra.encode()
    )
    texts["scenarios.yaml"] = b"scenarios:\n  - name: none\n    traits: {}\n    expect: {style: orchestration}\n"
    return [f for f in lint(build_rulebook(texts, "probe")) if f.code in ("never-fires", "always-fires")]


@pytest.mark.parametrize(
    "when,code",
    [
        ("{all: [{question: teams, op: gt, value: 5}, {question: teams, op: lt, value: 7}]}", None),  # teams == 6
        ("{all: [{question: teams, op: gt, value: 5}, {question: teams, op: lt, value: 6}]}", "never-fires"),
        ("{all: [{question: teams, op: gte, value: 100}, {question: teams, op: ne, value: 100}]}", "never-fires"),
        (
            "{all: [{question: teams, op: in, value: [3, 4]}, {question: teams, op: not_in, value: [4, 3]}]}",
            "never-fires",
        ),
        ("{not: {question: teams, op: gt, value: 100}}", "always-fires"),
        (
            "{all: [{question: compensation, op: eq, value: true},"
            " {question: compensation_can_fail, op: eq, value: true}]}",
            None,
        ),
        ("{question: compensation_can_fail, op: eq, value: true}", None),
        (
            "{all: [{question: compensation, op: ne, value: true},"
            " {question: compensation_can_fail, op: ne, value: false}]}",
            "never-fires",
        ),
    ],
)
def test_never_fires_is_decided_exactly_over_the_answers_the_engine_can_see(when, code):
    assert [f.code for f in with_rule(when)] == ([code] if code else [])


TESTS = st.one_of(
    st.builds(
        lambda op, v: {"question": "teams", "op": op, "value": v},
        st.sampled_from(["gt", "gte", "lt", "lte"]),
        st.integers(-2, 103),
    ),
    st.builds(
        lambda op, v: {"question": "teams", "op": op, "value": v}, st.sampled_from(["eq", "ne"]), st.integers(1, 100)
    ),
    st.builds(
        lambda op, v: {"question": "ordering", "op": op, "value": v},
        st.sampled_from(["eq", "ne"]),
        st.sampled_from(["none", "some", "strict", "partial"]),
    ),
    st.builds(lambda v: {"question": "compensation_can_fail", "op": "eq", "value": v}, st.booleans()),
    st.builds(lambda v: {"question": "compensation", "op": "eq", "value": v}, st.booleans()),
)
CONDITIONS = st.recursive(
    TESTS,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, inner),
    ),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None)
@given(CONDITIONS)
def test_the_reduced_integer_answers_decide_like_every_answer_would(condition):
    import json

    from advisor.engine.evaluate import evaluate

    texts_when = json.dumps(condition)
    rulebook_findings = {f.code for f in with_rule(texts_when)}
    texts = read_texts(PLANTED)
    texts["rules.yaml"] = (
        b"version: 1.0.0\nrules:\n  - id: probe\n    when: "
        + texts_when.encode()
        + b"\n    effect: {orchestration: 1}\n    rationale: x y z w\n    source: a b\n"
    )
    rb = build_rulebook(texts, "probe")
    # every answer set the engine can be given, each question also left unanswered (None: left out)
    fired_complete, fired_ever = set(), False
    for combo in itertools.product(
        [*range(1, 101), None], ["none", "some", "strict", "partial", None], [True, False, None], [True, False, None]
    ):
        given = dict(zip(("teams", "ordering", "compensation", "compensation_can_fail"), combo))
        fires = evaluate(rb, Answers({q: v for q, v in given.items() if v is not None})).fired != ()
        fired_ever |= fires
        if None not in combo:
            fired_complete.add(fires)
    # never: on no answers at all; always: on every complete answer set (an unanswered question fires nothing)
    expected = {"never-fires"} if not fired_ever else {"always-fires"} if fired_complete == {True} else set()
    assert rulebook_findings == expected


@pytest.mark.parametrize(
    "text,min_words,problem",
    [
        ("TODO", 2, "looks like a placeholder"),
        ("Azure Architecture Center, Saga pattern (TBD which section)", 2, "looks like a placeholder"),
        ("?", 2, "looks like a placeholder"),
        ("n/a", 2, "looks like a placeholder"),
        ("Wikipedia", 2, "too short to be useful (fewer than 2 words)"),
        ("https://example.com/saga", 2, "has no real host"),
        ("see http://intranet", 2, "has no real host"),
        ("https://learn.microsoft.com/azure/architecture/patterns/saga", 2, None),
        ("S. Newman, Building Microservices", 2, None),
        ("Because.", 4, "too short to be useful (fewer than 4 words)"),
    ],
)
def test_placeholder_texts_are_recognised_and_real_ones_are_not(text, min_words, problem):
    found = placeholder_problem(text, min_words)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    "text,code,fragment",
    [
        # issue 12: "Seed article" named no publication a reader could find, and lint said nothing
        ("Seed article", "placeholder-source", "'Seed article' names no publication"),
        ('Seed article, criterion "steps in a specific order"', "placeholder-source", "names no publication"),
        ("Seed article, Medium, 2024", "placeholder-source", "names no publication"),  # a year does not find it
        ("Ibid., Building Microservices, 2021", "placeholder-source", "names no publication"),
        ("TODO", "placeholder-source", "looks like a placeholder"),
        ("https://example.com/saga", "placeholder-source", "has no real host"),
        ("S. Newman, Building Microservices", "unfindable-source", "neither a URL nor a year"),
        ("Azure Architecture Center, Choreography pattern", "unfindable-source", "neither a URL nor a year"),
        ("Sam Newman, Building Microservices, 2nd ed., O'Reilly", "unfindable-source", "neither a URL nor a year"),
        ("Conductor documentation, version 12019", "unfindable-source", "neither a URL nor a year"),
        ("Sam Newman, Building Microservices, 2nd ed., O'Reilly, 2021", None, None),
        ("Gregor Hohpe and Bobby Woolf, Enterprise Integration Patterns, Addison-Wesley, 2003", None, None),
        ("Ralph Kimball, The Data Warehouse Toolkit, Wiley, 1996", None, None),
        (
            'Microsoft, "Choreography pattern", https://learn.microsoft.com/azure/architecture/patterns/choreography',
            None,
            None,
        ),
        (
            'Bugra Sitemkar, "Microservice Communication: Orchestration vs. Choreography", Medium, 24 July 2024',
            None,
            None,
        ),
    ],
)
def test_a_source_a_reader_cannot_find_is_flagged_and_a_findable_one_is_not(text, code, fragment):
    found = source_problem(text)
    if code is None:
        assert found is None
    else:
        assert found is not None and found[0] == code and fragment in found[1], found


def test_every_rule_citing_the_seed_article_or_no_findable_source_is_found_at_its_source_line(rules_copy):
    """The issue's case: rules citing "Seed article" (or a title alone) each get a finding at their `source:`."""
    path = rules_copy / "rules.yaml"
    text = path.read_text()
    marker = "    source: >-\n"
    first, second = text.index(marker), text.index(marker, text.index(marker) + 1)
    end_first = text.index("\n\n", first)
    end_second = text.index("\n\n", second)
    text = (
        text[:first]
        + "    source: Seed article\n"
        + text[end_first:second]
        + "    source: Bugra Sitemkar, Microservice Communication\n"
        + text[end_second:]
    )
    path.write_text(text)
    lines = text.splitlines()
    found = [(f.line, f.code) for f in lint(load_rulebook(rules_copy)) if f.code.endswith("-source")]
    assert found == [
        (lines.index("    source: Seed article") + 1, "placeholder-source"),
        (lines.index("    source: Bugra Sitemkar, Microservice Communication") + 1, "unfindable-source"),
    ]


def _small_rules(rng, count: int) -> list[dict]:
    """Random rules over three small questions, one of them shown only when another holds: many pairs that fire
    on exactly the same answers, written differently, so an opposite pair is common."""
    tests = [
        *({"question": "ordering", "op": op, "value": v} for op in ("eq", "ne") for v in ("strict", "some", "none")),
        {"question": "ordering", "op": "in", "value": ["strict", "some"]},
        {"question": "ordering", "op": "not_in", "value": ["none"]},
        *(
            {"question": q, "op": "eq", "value": v}
            for q in ("compensation", "compensation_can_fail")
            for v in (True, False)
        ),
    ]

    def condition(depth: int = 0) -> dict:
        pick = rng.random()
        if depth >= 2 or pick < 0.4:
            return dict(rng.choice(tests))
        if pick < 0.85:
            return {rng.choice(["all", "any"]): [condition(depth + 1) for _ in range(2)]}
        return {"not": condition(depth + 1)}

    styles = ("orchestration", "choreography", "hybrid")
    return [
        {
            "id": f"small.rule_{i}",
            "when": condition(),
            "effect": {rng.choice(styles): rng.choice([-1, 1, 2])},
            "rationale": "A generated rule for the lint's test.",
            "source": "Generated, tests/test_rules_lint.py, 2026",
        }
        for i in range(count)
    ]


def test_opposite_effects_found_through_fingerprints_are_every_pair_the_exact_tables_find(monkeypatch):
    texts = read_texts(ROOT / "rules")
    texts["rules.yaml"] = json.dumps({"version": "0.0.1", "rules": _small_rules(random.Random(3), 80)}).encode()
    texts["scenarios.yaml"] = b"scenarios:\n  - name: none\n    traits: {}\n    expect: {style: orchestration}\n"
    rulebook = build_rulebook(texts, "small")
    filtered = lint(rulebook)
    # every pair of rules compared by its exact table, as before the fingerprints: all rules print alike
    monkeypatch.setattr(linting, "fingerprints", lambda rulebook, domains, indexes: dict.fromkeys(indexes, 0))
    exhaustive = lint(rulebook)
    opposite = [f for f in exhaustive if f.code == "opposite-effects"]
    assert len(opposite) >= 20  # the test still has pairs to find
    assert filtered == exhaustive
