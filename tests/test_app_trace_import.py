"""The Export & import page's trace import (AppTest): a real SDK-made trace file loads the chosen flow into the
questionnaire; a bad file is refused with its place named and the answers unchanged."""

from __future__ import annotations

from app_helpers import example, open_app, shown, stored_answers

from advisor.tracing import design
from advisor.tracing.flows import find_flows
from advisor.tracing.otlp import read_spans
from tests.trace_helpers import System, choreographed, mixed, protobuf_json


def uploaded(at, name: str, data: bytes):
    at.file_uploader(key="import-trace-file").set_value((name, data, "application/json")).run()
    return at


def test_a_trace_file_loads_the_chosen_flow_into_the_questionnaire(rulebook):
    system = System()
    mixed(system)
    choreographed(system)
    data = protobuf_json(system.spans()).encode()
    before = example("order-checkout")
    at = open_app("export", before)

    uploaded(at, "traces.json", data)
    assert stored_answers(at) == before  # nothing changes until the button is pressed
    assert at.selectbox(key="import-trace-flow").options == ["Book trip (hybrid)", "Place order (choreography)"]
    at.selectbox(key="import-trace-flow").set_value(1).run()
    assert any("Place order" in m.value and "runs as **Choreography** today" in m.value for m in at.markdown)
    at.button(key="import-trace-apply").click().run()

    flows = find_flows(read_spans(data, "traces.json"))
    expected = design.to_answers(design.choose(flows, "Place order"), rulebook)
    assert stored_answers(at) == expected
    assert stored_answers(at).observed is not None and stored_answers(at).observed.style == "choreography"
    at.switch_page("pages/questionnaire.py").run()
    assert at.text_input(key="workflow-name").value == "Place order"
    assert stored_answers(at).observed == expected.observed  # the questionnaire keeps the observed style
    assert not at.exception


def test_a_bad_trace_file_is_refused_naming_the_place_and_the_answers_stay(rulebook):
    before = example("order-checkout")
    at = open_app("export", before)

    uploaded(at, "traces.json", b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"spanId": "eee19b7ec3c1b174"}]}]}]}')

    message = shown(at.error[0].value)
    assert "cannot be imported; your current answers are unchanged" in message
    assert "traces.json: resourceSpans[0].scopeSpans[0].spans[0].traceId: missing trace id" in message
    assert not [b for b in at.button if b.key == "import-trace-apply"]
    assert stored_answers(at) == before and not at.exception
