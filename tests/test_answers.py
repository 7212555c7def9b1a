"""Answers round-trip exactly through YAML, JSON and share-link parameters."""

from __future__ import annotations

import pytest

from advisor.engine.answers import (
    Answers,
    dump_json,
    dump_yaml,
    from_query_params,
    parse_answers,
    read_answers,
    to_query_params,
)
from advisor.rulebook.formats import Step
from tests.conftest import EXAMPLES

HOSTILE = Answers(
    {"ordering": "strict", "compensation": True, "fan_out": 3},
    (
        Step(service="<img src=x onerror=alert(1)>", action='say "hi" \\'),
        Step(service="order:svc", action="Ship 📦 שלום", reaction=True, compensation="undo: it"),
    ),
    'Checkout <b>v2</b>: "quoted"',
)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_an_example_survives_a_yaml_and_a_json_round_trip(rulebook, path):
    answers = read_answers(str(path), rulebook)
    assert parse_answers(dump_yaml(answers), "a.yaml", rulebook) == answers
    assert parse_answers(dump_json(answers), "a.json", rulebook) == answers


def test_hostile_names_survive_every_round_trip_literally(rulebook):
    assert parse_answers(dump_yaml(HOSTILE), "a.yaml", rulebook) == HOSTILE
    assert parse_answers(dump_json(HOSTILE), "a.json", rulebook) == HOSTILE
    restored, problems = from_query_params(to_query_params(HOSTILE), rulebook)
    assert problems == [] and restored == HOSTILE


def test_a_tampered_share_link_keeps_the_valid_parts_and_names_the_rest(rulebook):
    params = to_query_params(HOSTILE)
    params.update({"ordering": "total", "fan_out": "lots", "nonsense": "1", "steps": '[{"service": 1}'})
    restored, problems = from_query_params(params, rulebook)
    assert restored.traits == {"compensation": True}
    assert restored.workflow == HOSTILE.workflow
    assert {p.path for p in problems} == {"ordering", "fan_out", "nonsense", "steps"}
    assert all(p.message.endswith("ignored") for p in problems)


def test_yaml_export_is_deterministic_and_in_catalog_order(rulebook):
    text = dump_yaml(Answers({"teams": 3, "ordering": "none"}, (), None))
    assert text == dump_yaml(Answers({"teams": 3, "ordering": "none"}, (), None))
    parsed = parse_answers(text, "a.yaml", rulebook)
    assert list(parsed.traits) == ["ordering", "teams"]
