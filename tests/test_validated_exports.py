"""Every blueprint and Mermaid diagram, for every example in every style, passes its ecosystem's own validator:
`@asyncapi/parser` (AsyncAPI), `asl-validator` (Step Functions) and `mermaid.parse` (Mermaid, under jsdom).

Each validator runs once, in one Node process, over all its documents (tests/validators.py), including a
deliberately broken one that it must reject, so a harness that passed everything would fail here.
"""

from __future__ import annotations

import pytest
from exports import EXAMPLE_NAMES, evaluate_example, hostile_blueprint_evaluation, hostile_evaluation
from validators import skip_reason, validate

from advisor.engine.answers import Answers
from advisor.engine.evaluate import evaluate
from advisor.rulebook.formats import STYLES
from advisor.views.blueprints import render_blueprint
from advisor.views.diagram.mermaid import to_mermaid

CASES = [(name, style) for name in EXAMPLE_NAMES for style in STYLES]
EXTRA = ["hostile", "hostile-blueprint", "no-steps"]  # beyond the examples: hostile names, the generic flow
BROKEN = "broken"
BROKEN_DOCUMENTS = {
    # an operation whose channel does not exist
    "asyncapi": "asyncapi: 3.0.0\ninfo: {title: t, version: 1.0.0}\noperations:\n"
    "  op: {action: send, channel: {$ref: '#/channels/missing'}}\n",
    # a transition to a state that does not exist
    "asl": '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}}',
    # an edge with no target node and an unclosed shape
    "mermaid": 'flowchart LR\n  a["x"] -->\n  b[[[[\n',
}


@pytest.fixture(scope="module")
def evaluations(rulebook):
    out = {name: evaluate_example(rulebook, name) for name in EXAMPLE_NAMES}
    out["hostile"] = hostile_evaluation(rulebook)
    out["hostile-blueprint"] = hostile_blueprint_evaluation(rulebook)
    out["no-steps"] = evaluate(rulebook, Answers({}, (), None))
    return out


def documents(evaluations, render) -> dict[str, str]:
    return {f"{name}/{style}": render(ev, style) for name, ev in evaluations.items() for style in STYLES}


def verdicts(kind: str, docs: dict[str, str]):
    reason = skip_reason(kind)
    if reason:
        pytest.skip(reason)
    return validate(kind, {**docs, BROKEN: BROKEN_DOCUMENTS[kind]})


@pytest.fixture(scope="module")
def asyncapi_verdicts(evaluations):
    return verdicts("asyncapi", documents(evaluations, lambda ev, s: render_blueprint(ev, "asyncapi", s)))


@pytest.fixture(scope="module")
def asl_verdicts(evaluations):
    return verdicts("asl", documents(evaluations, lambda ev, s: render_blueprint(ev, "asl", s)))


@pytest.fixture(scope="module")
def mermaid_verdicts(evaluations):
    return verdicts("mermaid", documents(evaluations, to_mermaid))


KEYS = [f"{name}/{style}" for name, style in CASES] + [f"{extra}/{style}" for extra in EXTRA for style in STYLES]


@pytest.mark.parametrize("key", KEYS)
def test_the_asyncapi_blueprint_is_valid_for_the_asyncapi_parser(asyncapi_verdicts, key):
    verdict = asyncapi_verdicts[key]
    assert verdict["valid"] and verdict["errors"] == [], verdict["errors"]


@pytest.mark.parametrize("key", KEYS)
def test_the_step_functions_blueprint_is_valid_for_asl_validator(asl_verdicts, key):
    verdict = asl_verdicts[key]
    assert verdict["valid"] and verdict["errors"] == [], verdict["errors"]


@pytest.mark.parametrize("key", KEYS)
def test_the_mermaid_diagram_parses_with_mermaid_itself(mermaid_verdicts, key):
    verdict = mermaid_verdicts[key]
    assert verdict["valid"] and verdict["errors"] == [], verdict["errors"]


@pytest.mark.parametrize("kind", ["asyncapi", "asl", "mermaid"])
def test_each_validator_rejects_a_broken_document(request, kind):
    verdict = request.getfixturevalue(f"{kind}_verdicts")[BROKEN]
    assert not verdict["valid"]
    assert verdict["errors"], "a rejected document must come with the validator's reasons"


def test_the_asyncapi_parser_names_the_missing_channel(asyncapi_verdicts):
    assert any("#/channels/missing" in e for e in asyncapi_verdicts[BROKEN]["errors"])


def test_asl_validator_names_the_missing_transition_target(asl_verdicts):
    assert any("MISSING_TRANSITION_TARGET" in e and "Missing" in e for e in asl_verdicts[BROKEN]["errors"])
