"""The read-only records (`advisor.records`) behave as the frozen dataclasses they replace: read-only, equal and
hashed by their compared fields, ordered where asked, copied and pickled whole, replaced field by field."""

from __future__ import annotations

import copy
import pickle

import pytest

from advisor.engine.answers import Answers
from advisor.engine.explain import TippingPoint
from advisor.errors import Problem


def test_a_record_is_read_only():
    answers = Answers({"ordering": "strict"})
    with pytest.raises(AttributeError, match="read-only"):
        answers.workflow = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="read-only"):
        del answers.traits
    assert answers.workflow is None


def test_records_are_equal_by_their_fields_and_only_within_one_class():
    assert Problem("f", 1, 2, "a.b", "m") == Problem("f", 1, 2, "a.b", "m")
    assert Problem("f", 1, 2, "a.b", "m") != Problem("f", 1, 2, "a.b", "other")
    assert hash(Problem("f", 1, 2, "a.b", "m")) == hash(Problem("f", 1, 2, "a.b", "m"))
    assert Problem("f", 1, 2, "a.b", "m") != ("f", 1, 2, "a.b", "m")
    assert TippingPoint("q", None, 1, "hybrid", 0.5, {}) == TippingPoint("q", None, 1, "hybrid", 0.5, {}, ())


def test_problems_sort_by_file_then_line():
    later, earlier = Problem("b.yaml", 1, 1, "", "x"), Problem("a.yaml", 9, 1, "", "y")
    assert sorted([later, earlier, Problem("a.yaml", 2, 5, "", "z")]) == [
        Problem("a.yaml", 2, 5, "", "z"),
        earlier,
        later,
    ]


def test_records_survive_pickling_and_copying():
    answers = Answers({"ordering": "strict"}, [], "Shop")
    for again in (pickle.loads(pickle.dumps(answers)), copy.copy(answers), copy.deepcopy(answers)):
        assert again == answers and again.steps == () and again.workflow == "Shop"


def test_replace_changes_the_named_fields_and_refuses_unknown_ones():
    answers = Answers({"ordering": "strict"}, (), "Shop")
    assert answers.replace(workflow="Shop v2") == Answers({"ordering": "strict"}, (), "Shop v2")
    with pytest.raises(TypeError, match="no field 'workflw'"):
        answers.replace(workflw="typo")


def test_the_rulebook_compares_its_content_not_what_is_built_from_it(rulebook):
    assert rulebook == rulebook.replace(blank=dict(rulebook.blank))
    assert rulebook != rulebook.replace(version="0.0.0")
    assert "program=" not in repr(rulebook) and "texts=" not in repr(rulebook)
