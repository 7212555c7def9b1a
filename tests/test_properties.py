"""Properties that hold for every input, checked on generated ones (hypothesis).

- Any valid answers evaluate without error, deterministically, and the evaluation is consistent with itself.
- Random bytes, random YAML structures and mutations of the real files, fed to the rule loader
  (`build_rulebook`) and the answers loader (`parse_answers`), only ever raise `UserError`, and every problem
  names its file (and its line, once the text is readable YAML). Any other exception is a bug.
"""

from __future__ import annotations

import json
import math
import os

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from advisor.engine.answers import Answers, dump_json, dump_yaml, from_query_params, parse_answers, to_query_params
from advisor.engine.assessment import assess
from advisor.engine.evaluate import evaluate
from advisor.errors import UserError
from advisor.rulebook.formats import STYLES, Step
from advisor.rulebook.loading import FILES, build_rulebook, load_rulebook
from advisor.rulebook.yamlsafe import MAX_BYTES
from advisor.views import contract as recommendation

RULEBOOK = load_rulebook()  # Why module level: hypothesis strategies are built at import time
# Why an environment variable: CI runs 300 examples per property; a longer hunt is `ADVISOR_PROPERTY_EXAMPLES=5000`
EXAMPLES = int(os.environ.get("ADVISOR_PROPERTY_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Problems about a file as a whole: there is no line to point at
FILE_LEVEL = ("file is empty", "file too large", "missing rule file")


# ---------------------------------------------------------------- strategies
def answer_for(q) -> st.SearchStrategy:
    if q.kind == "choice":
        return st.sampled_from(q.option_values())
    if q.kind == "yes_no":
        return st.booleans()
    return st.integers(q.minimum, q.maximum)


TRAITS = st.fixed_dictionaries({}, optional={qid: answer_for(q) for qid, q in RULEBOOK.questions.items()})
NAMES = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
STEPS = st.lists(
    st.builds(
        Step,
        service=NAMES,
        action=NAMES,
        reaction=st.booleans(),
        compensation=st.none() | NAMES,
        event=st.none() | NAMES,
        # few distinct owners, so that steps share a team or a context (what the engine counts)
        team=st.none() | st.sampled_from(["Payments", "Orders", "🚀 ops"]),
        context=st.none() | st.sampled_from(["Sales", "Billing", "שלום"]),
    ),
    max_size=8,
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["strict", "yes", "no", "on", "~", "2024-01-01", "0x1f", ".inf"])
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=12) | st.integers(0, 5) | st.booleans(), inner, max_size=4)
    ),
    max_leaves=25,
)


def assert_only_user_errors(load) -> None:
    """`load()` either succeeds or raises UserError whose every problem names a file (and a line when one applies)."""
    try:
        load()
    except UserError as e:
        assert e.problems, "a UserError without problems"
        for p in e.problems:
            assert p.file, p
            assert p.message, p
            assert p.line is not None or p.message.startswith(FILE_LEVEL), p
            assert p.line is None or p.line >= 1, p
            assert p.column is None or p.column >= 1, p


def yaml_bytes(data) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


# ---------------------------------------------------------------- valid answers
@SETTINGS
@given(traits=TRAITS, steps=STEPS, workflow=st.none() | NAMES)
def test_any_valid_answers_evaluate_deterministically_and_consistently(traits, steps, workflow):
    first = evaluate(RULEBOOK, Answers(traits, steps, workflow))
    second = evaluate(RULEBOOK, Answers(dict(traits), list(steps), workflow))
    assert first == second
    contract = recommendation.as_json(assess(RULEBOOK, first.input), RULEBOOK)
    assert contract == recommendation.as_json(assess(RULEBOOK, second.input), RULEBOOK)
    assert first.style in STYLES and first.runner_up in STYLES and first.style != first.runner_up
    assert 0.0 <= first.confidence <= 1.0
    # the decision model (rules/README.md): the core's points decide the lean, the link points make a hybrid
    o, c, h = (first.scores[s] for s in STYLES)
    decision = RULEBOOK.decision
    assert first.lead == abs(o - c) and first.tie == (o == c)
    assert first.lean == ("orchestration" if o > c else "choreography" if c > o else decision.first_core_style)
    hybrid = first.lean == "orchestration" and h >= decision.hybrid_links
    assert first.style == ("hybrid" if hybrid else first.lean)
    assert first.runner_up == (
        "orchestration" if hybrid else "choreography" if first.lean == "orchestration" else "orchestration"
    )
    if first.tie:  # balanced evidence picks no side: the confidence stays at chance
        assert first.confidence == round(1 / (1 + math.exp(-decision.confidence.bias)), 3)
    for style in STYLES:
        assert sum(getattr(r, style) for r in first.trace) == first.scores[style]
    assert [r.rule_id for r in first.trace] == [r.id for r in RULEBOOK.rules]
    assert list(first.trace) == [first.trace[i] for i in range(len(first.trace))]
    assert all(first.answers[q] == v for r in first.trace for q, v in r.values)  # the trace reads the answers
    # unknown is None, never a default; the steps answer only what was left open
    assert set(first.assumed).isdisjoint(traits) and set(first.assumed).isdisjoint(first.derived)
    assert all(first.answers[q] is None for q in first.assumed)
    known = [q for q in RULEBOOK.questions if q not in first.assumed + first.not_applicable]
    assert all(first.answers[q] is not None for q in known)
    assert set(first.derived).isdisjoint(traits) and all(first.answers[q] == v for q, v in first.derived.items())
    if not steps:
        assert first.derived == {}
    assert set(first.answers) == set(RULEBOOK.questions)
    assert [a.service for a in first.allocation] == [s.service for s in steps]
    out = json.loads(contract)
    assert out["unanswered"] == out["assumed"] == list(first.assumed)
    assert (out["lean"], out["tie"], out["derived"]) == (first.lean, first.tie, first.derived)


@SETTINGS
@given(traits=TRAITS, steps=STEPS, workflow=st.none() | NAMES)
def test_any_valid_answers_survive_a_yaml_and_a_json_file_unchanged(traits, steps, workflow):
    answers = Answers(traits, tuple(steps), workflow)
    for text, name in ((dump_yaml(answers), "a.yaml"), (dump_json(answers), "a.json")):
        back = parse_answers(text.encode(), name, RULEBOOK)
        assert back.traits == traits and back.steps == tuple(steps)
        assert back.workflow == (workflow or None)


@SETTINGS
@given(traits=TRAITS, steps=STEPS, workflow=st.none() | NAMES)
def test_any_valid_answers_survive_a_share_link_unchanged(traits, steps, workflow):
    answers = Answers(traits, tuple(steps), workflow)
    back, problems = from_query_params(to_query_params(answers), RULEBOOK)
    assert problems == []
    assert (back.traits, back.steps, back.workflow) == (traits, tuple(steps), workflow or None)


@SETTINGS
@given(params=st.dictionaries(st.text(max_size=30), st.text(max_size=60), max_size=8))
def test_a_tampered_share_link_never_raises(params):
    answers, problems = from_query_params(params, RULEBOOK)
    assert all(p.file == "link" and p.message for p in problems)
    evaluate(RULEBOOK, answers)


# ---------------------------------------------------------------- hostile input to the answers loader
@SETTINGS
@given(raw=st.binary(max_size=400))
def test_random_bytes_as_an_answers_file_give_only_user_errors(raw):
    assert_only_user_errors(lambda: parse_answers(raw, "answers.yaml", RULEBOOK))


@SETTINGS
@given(text=st.text(max_size=300))
def test_random_text_as_an_answers_file_gives_only_user_errors(text):
    assert_only_user_errors(lambda: parse_answers(text.encode("utf-8", "surrogatepass"), "answers.yaml", RULEBOOK))


@SETTINGS
@given(data=STRUCTURES)
def test_random_yaml_structures_as_an_answers_file_give_only_user_errors(data):
    assert_only_user_errors(lambda: parse_answers(yaml_bytes(data), "answers.yaml", RULEBOOK))


@SETTINGS
@given(
    traits=st.dictionaries(st.sampled_from(sorted(RULEBOOK.questions)) | st.text(max_size=10), SCALARS, max_size=6),
    steps=st.lists(
        st.dictionaries(
            st.sampled_from(["service", "action", "reaction", "compensation", "event", "other"]),
            SCALARS | STRUCTURES,
            max_size=5,
        ),
        max_size=3,
    ),
)
def test_wrongly_typed_answers_and_steps_give_only_user_errors(traits, steps):
    raw = yaml_bytes({"workflow": "w", "traits": traits, "steps": steps})
    assert_only_user_errors(lambda: parse_answers(raw, "answers.yaml", RULEBOOK))
    assert_only_user_errors(
        lambda: parse_answers(json.dumps({"traits": traits, "steps": steps}).encode(), "answers.json", RULEBOOK)
    )


# ---------------------------------------------------------------- hostile input to the rule loader
def mutated(path: tuple, data, replacement):
    """`data` with the value at `path` replaced."""
    if not path:
        return replacement
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: mutated(rest, data[head], replacement)}
    copy = list(data)
    copy[head] = mutated(rest, data[head], replacement)
    return copy


def paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from paths(v, prefix + (i,))


PARSED = {name: yaml.safe_load(RULEBOOK.texts[name]) for name in FILES}
ALL_PATHS = {name: list(paths(PARSED[name])) for name in FILES}


@SETTINGS
@given(name=st.sampled_from(sorted(FILES)), raw=st.binary(max_size=400))
def test_random_bytes_as_a_rule_file_give_only_user_errors(name, raw):
    texts = {**RULEBOOK.texts, name: raw}
    assert_only_user_errors(lambda: build_rulebook(texts, "rules"))


@SETTINGS
@given(name=st.sampled_from(sorted(FILES)), data=STRUCTURES)
def test_random_yaml_structures_as_a_rule_file_give_only_user_errors(name, data):
    texts = {**RULEBOOK.texts, name: yaml_bytes(data)}
    assert_only_user_errors(lambda: build_rulebook(texts, "rules"))


@settings(max_examples=2 * EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_random_value_anywhere_in_a_real_rule_file_gives_only_user_errors(data):
    name = data.draw(st.sampled_from(sorted(FILES)))
    path = data.draw(st.sampled_from(ALL_PATHS[name]))
    replacement = data.draw(STRUCTURES)
    texts = {**RULEBOOK.texts, name: yaml_bytes(mutated(path, PARSED[name], replacement))}
    assert_only_user_errors(lambda: build_rulebook(texts, "rules"))


@SETTINGS
@given(name=st.sampled_from(sorted(FILES)), at=st.floats(0, 1), cut=st.integers(0, 40), insert=st.binary(max_size=12))
def test_a_real_rule_file_with_random_bytes_spliced_in_gives_only_user_errors(name, at, cut, insert):
    raw = RULEBOOK.texts[name]
    i = int(at * len(raw))
    texts = {**RULEBOOK.texts, name: raw[:i] + insert + raw[i + cut :]}
    assert_only_user_errors(lambda: build_rulebook(texts, "rules"))


@SETTINGS
@given(depth=st.integers(1, 3000), opener=st.sampled_from(["[", "{a: ", "- "]))
def test_nesting_at_any_depth_gives_only_user_errors(depth, opener):
    raw = ("traits:\n  " + opener * depth + "x").encode()
    assume(len(raw) <= MAX_BYTES)
    assert_only_user_errors(lambda: parse_answers(raw, "answers.yaml", RULEBOOK))
    assert_only_user_errors(lambda: build_rulebook({**RULEBOOK.texts, "rules.yaml": raw}, "rules"))


def test_the_unmodified_rulebook_loads(rulebook):
    # the control for the tests above: the real files give no error at all
    assert build_rulebook(dict(rulebook.texts), "rules").hash == rulebook.hash


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_rule_file_survives_the_yaml_round_trip_used_above(name):
    # the mutations above start from yaml.safe_dump of the parsed file; unmutated, that must still load
    texts = {**RULEBOOK.texts, name: yaml_bytes(PARSED[name])}
    assert build_rulebook(texts, "rules").rules == RULEBOOK.rules
