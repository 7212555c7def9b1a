"""The blueprints (AsyncAPI, Step Functions): what each style gives, the same flow as the diagram, safe ids,
hostile names kept as data, byte-identical output. Their validity for each ecosystem's own validator is checked in
tests/test_validated_exports.py."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from exports import EXAMPLE_NAMES, HOSTILE, HOSTILE_MORE, evaluate_example, hostile_blueprint_evaluation

from advisor.engine.answers import Answers
from advisor.engine.evaluate import evaluate
from advisor.rulebook.formats import STYLES, Step
from advisor.views.blueprints import FORMATS, render_blueprint
from advisor.views.blueprints.flow import derive_flow, text
from advisor.views.blueprints.ids import Ids, identifier
from advisor.views.diagram.plan import plan
from advisor.views.diagram.theme import load_theme

AsyncAPI_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
STATE_NAME = re.compile(r"^[A-Za-z0-9_]{1,80}$")


def asyncapi(ev, style=None) -> dict:
    return yaml.safe_load(render_blueprint(ev, "asyncapi", style))


def asl(ev, style=None) -> dict:
    return json.loads(render_blueprint(ev, "asl", style))


@pytest.fixture(scope="module")
def checkout(rulebook):
    return evaluate_example(rulebook, "order-checkout")


@pytest.fixture(scope="module")
def hostile(rulebook):
    return hostile_blueprint_evaluation(rulebook)


def test_the_registry_offers_asyncapi_and_asl_with_their_file_types():
    assert FORMATS["asyncapi"].extension == "asyncapi.yaml" and FORMATS["asyncapi"].media_type == "application/yaml"
    assert FORMATS["asl"].extension == "asl.json" and FORMATS["asl"].media_type == "application/json"


def test_orchestrated_asyncapi_has_a_command_and_a_reply_channel_per_step(checkout):
    doc = asyncapi(checkout, "orchestration")
    channels = doc["channels"]
    for i, step in enumerate(checkout.steps):
        command = next(c for c in channels.values() if c["title"] == f"{i + 1}. {step.action}")
        assert command["address"].split(".")[1] == "commands"
    replies = [c for c in channels.values() if c["address"].split(".")[1] == "replies"]
    compensable = [s for s in checkout.steps if s.compensation]
    assert len(replies) == len(checkout.steps) + len(compensable)  # each command and each compensation replies
    sends = [op for op in doc["operations"].values() if op["action"] == "send"]
    assert {op["tags"][0]["name"] for op in sends} == {"Order checkout orchestrator"}
    assert all("reply" in op for op in doc["operations"].values())


def test_choreographed_asyncapi_has_each_service_send_its_event_and_the_next_receive_it(checkout):
    doc = asyncapi(checkout, "choreography")
    ops = doc["operations"]
    assert "Payment_send_CardAuthorized" in ops and "Inventory_receive_CardAuthorized" in ops
    assert ops["Orders_receive_OrderCheckoutStarted"]["action"] == "receive"
    assert "OrderCheckoutInitiator_send_OrderCheckoutStarted" in ops
    # a compensation waits for the failure of the next core step
    assert "Payment_send_AuthorizeCardFailed" in ops and "Orders_receive_AuthorizeCardFailed" in ops
    assert "undo 1: Cancel order" in ops["Orders_receive_AuthorizeCardFailed"]["summary"]
    assert not any(c["address"].split(".")[1] == "commands" for c in doc["channels"].values())


def test_hybrid_asyncapi_commands_the_core_and_publishes_the_event_the_reactions_receive(checkout):
    doc = asyncapi(checkout, "hybrid")
    modes = {a.service: a.mode for a in checkout.allocation}
    receivers = {op["tags"][0]["name"] for op in doc["operations"].values() if op["action"] == "receive"}
    assert receivers == set(modes)
    published = [op for op in doc["operations"].values() if "publishes" in op["summary"]]
    assert [op["channel"]["$ref"] for op in published] == ["#/channels/DeliveryScheduled"]


def test_every_operation_refers_to_its_channels_message_and_every_id_is_safe(hostile):
    for style in STYLES:
        doc = asyncapi(hostile, style)
        for section in ("channels", "operations"):
            assert all(AsyncAPI_ID.match(key) for key in doc[section]), section
        assert all(AsyncAPI_ID.match(key) for key in doc["components"]["messages"])
        for op in doc["operations"].values():
            channel = op["channel"]["$ref"].removeprefix("#/channels/")
            for ref in op["messages"]:
                assert ref["$ref"].startswith(f"#/channels/{channel}/messages/")
                assert ref["$ref"].rsplit("/", 1)[1] in doc["channels"][channel]["messages"]


def test_the_asl_machine_commands_each_core_step_in_order_and_ends_in_success(checkout):
    machine = asl(checkout, "hybrid")
    states = machine["States"]
    path, name = [], machine["StartAt"]
    while states[name]["Type"] != "Succeed":
        path.append(name)
        name = states[name]["Next"]
    core = [a.action for a in checkout.allocation if a.mode == "orchestrated"]
    tasks = [states[n]["Parameters"]["MessageBody"]["command"] for n in path if n.startswith("Step")]
    assert tasks == core
    assert path[-1] == "Publish_DeliveryScheduled"  # the reactions: a final publish step
    entry = states[path[-1]]["Parameters"]["Entries"][0]
    assert entry["DetailType"] == "DeliveryScheduled" and entry["EventBusName"] == "${EventBusName}"


def test_a_failing_step_runs_the_compensations_done_so_far_in_reverse_order(checkout):
    states = asl(checkout, "orchestration")["States"]
    name = states["Step3_ReserveStock"]["Catch"][0]["Next"]
    undone = []
    while states[name]["Type"] == "Task":
        undone.append(states[name]["Parameters"]["MessageBody"]["command"])
        assert states[name]["Catch"][0]["Next"] == "CompensationFailed"
        name = states[name]["Next"]
    assert undone == ["Release stock", "Void authorization", "Cancel order"]
    assert states[name] == {
        "Type": "Fail",
        "Error": "WorkflowFailed",
        "Cause": "A step failed; the compensations of the steps done ran in reverse order.",
    }


def test_a_choreography_machine_only_publishes_the_start_event(checkout):
    machine = asl(checkout, "choreography")
    assert machine["StartAt"] == "Publish_OrderCheckoutStarted"
    assert [s["Type"] for s in machine["States"].values()] == ["Task", "Succeed", "Fail"]
    assert "no coordinator" in machine["Comment"]


@pytest.mark.parametrize("style", STYLES)
def test_the_flow_has_the_diagrams_commands_and_events(rulebook, style):
    theme = load_theme()
    for name in EXAMPLE_NAMES:
        ev = evaluate_example(rulebook, name)
        flow, drawing = derive_flow(ev, style), plan(ev, theme, style)
        commands = [e.label for e in drawing.edges if e.kind == "command"]
        assert [f"{c.step + 1}. {c.action}" for c in flow.commands] == commands
        events = {n.label.split(". ", 1)[-1] for n in drawing.nodes if n.kind == "event"}
        drawn = {e.name for e in flow.events if not e.failure and flow.initiator not in e.publishers}
        assert drawn == events  # the choreography's start event is the diagram's start node


def test_without_steps_the_blueprints_use_the_generic_example_and_say_so(rulebook):
    ev = evaluate(rulebook, Answers({}, (), None))
    assert "A generic example" in asyncapi(ev)["info"]["description"]
    assert "A generic example" in asl(ev)["Comment"]


def test_hostile_names_round_trip_as_data(hostile):
    names = {text(h) for h in HOSTILE + HOSTILE_MORE if text(h)}
    doc = asyncapi(hostile, "orchestration")
    tags = {op["tags"][0]["name"] for op in doc["operations"].values()}
    titles = {c["title"] for c in doc["channels"].values()}
    assert names <= tags  # every service, in full (the 10,000-character one too)
    assert {f"{i + 1}. {text(s.action)}" for i, s in enumerate(hostile.steps) if text(s.action)} <= titles
    machine = asl(hostile, "orchestration")
    bodies = [s["Parameters"]["MessageBody"] for s in machine["States"].values() if s["Type"] == "Task"]
    assert names <= {b["command"] for b in bodies} and names <= {b["service"] for b in bodies}
    assert all(STATE_NAME.match(n) for n in machine["States"])


def test_ids_are_ascii_identifiers_unique_whatever_the_case():
    ids = Ids()
    assert [ids.make(t, "Step") for t in ["Authorize card", "authorize CARD!", "שלום", "שלום", "Café"]] == [
        "AuthorizeCard",
        "AuthorizeCARD_2",
        "Step",
        "Step_2",
        "Cafe",
    ]
    assert identifier("${x} ~1/a") == "X1A" and len(identifier("x" * 10_000)) == 60


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_same_answers_give_byte_identical_blueprints(rulebook, fmt):
    for name in EXAMPLE_NAMES:
        for style in FORMATS[fmt].styles:
            first = render_blueprint(evaluate_example(rulebook, name), fmt, style)
            assert render_blueprint(evaluate_example(rulebook, name), fmt, style) == first


def test_a_blank_or_unspeakable_name_gets_a_numbered_fallback(rulebook):
    ev = evaluate(rulebook, Answers({}, (Step(service="   ", action="שלום"), Step(service="B", action="x")), None))
    flow = derive_flow(ev, "orchestration")
    assert flow.commands[0].service == "Service 1"
    machine = asl(ev, "orchestration")
    assert machine["StartAt"] == "Step1" and "Step2_X" in machine["States"]


def test_an_unknown_style_is_refused(checkout):
    with pytest.raises(ValueError, match="unknown style 'fancy'"):
        render_blueprint(checkout, "asl", "fancy")
