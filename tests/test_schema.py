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
