"""Reading the current design from OpenTelemetry traces: real SDK-made spans, encoded by the OTLP encoder, in both
JSON encodings and as JSON Lines; the services, the order of the steps, each step's mode and the current style."""

from __future__ import annotations

import json

import pytest

from advisor.engine.answers import dump_yaml, from_query_params, parse_answers, to_query_params
from advisor.tracing import design
from advisor.tracing.flows import find_flows
from advisor.tracing.otlp import read_spans
from tests.trace_helpers import (
    CLIENT,
    SERVER,
    System,
    choreographed,
    json_lines,
    mixed,
    orchestrated,
    protobuf_json,
    spec_json,
)

WORKFLOWS = {"orchestrated": orchestrated, "choreographed": choreographed, "mixed": mixed}
STYLES = {"orchestrated": "orchestration", "choreographed": "choreography", "mixed": "hybrid"}
ENCODINGS = {"protobuf-json": protobuf_json, "otlp-json": spec_json}


def flows_of(text: str):
    return find_flows(read_spans(text.encode(), "traces.json"))


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("workflow", WORKFLOWS)
def test_a_generated_flow_gives_its_services_their_order_and_its_current_style(workflow, encoding):
    system = System()
    expected = WORKFLOWS[workflow](system)
    [flow] = flows_of(ENCODINGS[encoding](system.spans()))
    assert [(s.service, s.action, s.mode) for s in flow.steps] == expected
    assert flow.style == STYLES[workflow]


def test_the_two_encodings_really_differ_in_ids_and_kinds():
    system = System()
    orchestrated(system)
    proto, spec = json.loads(protobuf_json(system.spans())), json.loads(spec_json(system.spans()))
    proto_span = proto["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    spec_span = spec["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    assert proto_span["kind"].startswith("SPAN_KIND_") and isinstance(spec_span["kind"], int)
    assert len(proto_span["traceId"]) == 24 and len(spec_span["traceId"]) == 32
    assert [s.key for s in read_spans(json.dumps(proto), "a")] == [s.key for s in read_spans(json.dumps(spec), "b")]


def test_an_orchestrated_flow_names_its_coordinator_and_workflow():
    system = System()
    orchestrated(system)
    [flow] = flows_of(protobuf_json(system.spans()))
    assert (flow.workflow, flow.coordinator, flow.fan_out) == ("Checkout order", "Checkout", None)
    assert all(s.trigger == "command" for s in flow.steps)


def test_a_choreography_joins_its_traces_through_links_and_counts_the_consumers_of_one_event():
    system = System()
    choreographed(system)
    spans = read_spans(spec_json(system.spans()), "traces.json")
    assert len({s.trace_id for s in spans}) == 4  # the producer's trace and one per linked consumer
    [flow] = find_flows(spans)
    assert flow.coordinator is None and flow.fan_out == 2
    assert [s.trigger for s in flow.steps] == ["request", "event", "event", "event"]
    assert [(s.consumes, s.event) for s in flow.steps] == [
        (None, "OrderPlaced"),
        ("OrderPlaced", "PaymentCharged"),
        ("PaymentCharged", None),
        ("PaymentCharged", None),
    ]


def test_a_mixed_flow_finds_consumers_by_parent_and_by_link():
    system = System()
    mixed(system)
    [flow] = flows_of(spec_json(system.spans()))
    assert flow.coordinator == "Booking" and flow.fan_out == 2
    assert [s.consumes for s in flow.steps] == [None, None, "TripBooked", "TripBooked"]


@pytest.mark.parametrize("spec", [False, True], ids=["protobuf-json", "otlp-json"])
def test_json_lines_one_request_per_line_join_into_the_flows(spec):
    system = System()
    expected = mixed(system)
    spans = system.spans()
    text = json_lines(spans[:3], spans[3:], spec=spec)
    assert text.count("\n") == 2
    [flow] = flows_of(text)
    assert [(s.service, s.action, s.mode) for s in flow.steps] == expected and flow.style == "hybrid"


def test_several_workflows_are_several_flows_and_repeated_executions_are_counted():
    system = System()
    orchestrated(system)
    choreographed(system)
    orchestrated(system)
    flows = flows_of(protobuf_json(system.spans()))
    assert [(f.workflow, f.style, f.executions) for f in flows] == [
        ("Checkout order", "orchestration", 2),
        ("Place order", "choreography", 1),
    ]
    assert design.choose(flows, "Place order").style == "choreography"
    with pytest.raises(Exception, match="2 flows; choose one with --flow NAME"):
        design.choose(flows, None)


def test_a_flow_becomes_answers_with_only_the_traits_the_traces_show(rulebook):
    system = System()
    mixed(system)
    [flow] = flows_of(protobuf_json(system.spans()))
    answers = design.to_answers(flow, rulebook)
    assert answers.traits == {"step_count": 4, "fan_out": 2}
    assert [s.reaction for s in answers.steps] == [False, False, True, True]
    assert answers.observed is not None and answers.observed.style == "hybrid"
    again = parse_answers(dump_yaml(answers), "again.yaml", rulebook)
    assert again == answers  # the answers file reads back as written, the observed style with it


HOSTILE = [
    "Pay \"now\" 'quoted'",
    "line\nbreak\r\nand\ttab",
    "x" * 10_000,
    "<img src=x onerror=alert(1)> **bold** | `code` [link](javascript:alert(1))",
    "ctl\x00\x07\x1b[31mred\x7f\u0085\u2028",
]


@pytest.mark.parametrize("name", HOSTILE, ids=["quotes", "newlines", "10k", "markup", "control"])
def test_hostile_span_and_service_names_survive_into_an_answers_file_that_reads_back(name, rulebook):
    system = System()
    system.span(
        "Gateway",
        name,
        SERVER,
        body=lambda root: system.span(
            "Gateway", "call", CLIENT, root, body=lambda c: system.span(name[:200], name, SERVER, c)
        ),
    )
    text = protobuf_json(system.spans())
    [flow] = flows_of(text)
    expected = name.strip()
    assert flow.workflow == expected and flow.steps[0].action == expected
    answers = design.to_answers(flow, rulebook)
    again = parse_answers(dump_yaml(answers), "hostile.yaml", rulebook)
    assert again.steps[0].action == expected and again.workflow == expected
    assert json.loads(design.to_json([flow]))["flows"][0]["steps"][0]["action"] == expected


def test_a_lone_surrogate_escape_in_a_name_becomes_a_replacement_character(rulebook):
    # Why by hand: the SDK's encoder cannot write a lone surrogate, but a JSON file can hold "\\ud800"
    system = System()
    orchestrated(system)
    text = protobuf_json(system.spans()).replace('"Authorize card"', '"\\ud800 card"')
    [flow] = flows_of(text)
    assert flow.steps[0].action == "\ufffd card"
    assert (
        parse_answers(dump_yaml(design.to_answers(flow, rulebook)), "s.yaml", rulebook).steps[0].action == "\ufffd card"
    )


def test_the_observed_style_survives_a_share_link(rulebook):
    system = System()
    mixed(system)
    [flow] = flows_of(spec_json(system.spans()))
    answers = design.to_answers(flow, rulebook)
    restored, problems = from_query_params(to_query_params(answers), rulebook)
    assert problems == [] and restored == answers
    tampered, problems = from_query_params({**to_query_params(answers), "observed": '{"style": "chaos"}'}, rulebook)
    assert tampered.observed is None and [p.path for p in problems] == ["observed"]
