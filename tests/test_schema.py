"""The committed JSON Schemas match the models, and every rule file points editors at its schema."""

from __future__ import annotations

import json

import pytest

from advisor.rulebook.loading import FILES
from advisor.rulebook.schema import schema_texts
from tests.conftest import RULES


@pytest.mark.parametrize("name", sorted(schema_texts()))
def test_the_committed_schema_is_up_to_date(name):
    committed = (RULES / "schema" / name).read_text(encoding="utf-8")
    assert committed == schema_texts()[name], f"rules/schema/{name} is stale: run `make schema`"


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_rule_file_starts_with_its_yaml_language_server_schema_line(name):
    first = (RULES / name).read_text(encoding="utf-8").splitlines()[0]
    stem = name.removesuffix(".yaml")
    assert first == f"# yaml-language-server: $schema=schema/{stem}.schema.json"


def test_the_schema_documents_the_operator_set():
    rules = json.loads(schema_texts()["rules.schema.json"])
    assert rules["$defs"]["Test"]["properties"]["op"]["enum"] == ["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte"]


def test_the_schema_forbids_unknown_keys():
    rules = json.loads(schema_texts()["rules.schema.json"])
    assert rules["$defs"]["Rule"]["additionalProperties"] is False


def test_the_answers_schema_lets_a_step_name_its_team_and_context_optionally():
    step = json.loads(schema_texts()["answers.schema.json"])["$defs"]["Step"]
    assert step["required"] == ["service", "action"]  # team and context are optional: older files stay valid
    for key in ("team", "context"):
        text = next(t for t in step["properties"][key]["anyOf"] if t["type"] == "string")
        assert (text["minLength"], text["maxLength"]) == (1, 200)


def test_the_schema_documents_the_decision_model():
    """What an editor offers for `decision` and `from_steps`: the link threshold, the confidence fit, the measures."""
    decision = json.loads(schema_texts()["rules.schema.json"])["$defs"]["Decision"]
    assert {"tie_break", "hybrid_links", "confidence"} <= set(decision["properties"])
    assert decision["properties"]["hybrid_links"]["minimum"] == 1
    measures = json.loads(schema_texts()["questions.schema.json"])["$defs"]["FromSteps"]["properties"]["measure"]
    assert measures["enum"] == ["steps", "reactions", "compensations", "teams", "contexts"]
