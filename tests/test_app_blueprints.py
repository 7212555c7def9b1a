"""The Export page's blueprint downloads (AppTest): one per registered format, in the style chosen for the
diagram, exactly what `advisor blueprint` writes."""

from __future__ import annotations

import base64
import json

import pytest
import yaml
from app_helpers import download, example, open_app

from advisor.engine.answers import Answers
from advisor.engine.evaluate import evaluate
from advisor.rulebook.formats import Step
from advisor.views.blueprints import FORMATS, render_blueprint
from advisor.views.diagram.sequence import to_mermaid_sequence, to_svg_sequence


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_each_blueprint_downloads_in_the_recommended_style(rulebook, fmt):
    answers = example("order-checkout")
    ev = evaluate(rulebook, answers)
    at = open_app("export", answers)

    data, name = download(at, f"download-blueprint-{fmt}")

    assert name == f"order-checkout.{ev.style}.{FORMATS[fmt].extension}"
    assert data.decode("utf-8") == render_blueprint(ev, fmt, None)


def test_the_blueprints_follow_the_style_chosen_for_the_diagram(rulebook):
    answers = example("order-checkout")
    ev = evaluate(rulebook, answers)
    at = open_app("export", answers)

    at.radio(key="export-style").set_value("choreography").run()
    data, name = download(at, "download-blueprint-asl")

    assert name == "order-checkout.choreography.asl.json"
    assert data.decode("utf-8") == render_blueprint(ev, "asl", "choreography")
    assert json.loads(data)["StartAt"] == "Publish_OrderCheckoutStarted"


def test_hostile_names_reach_the_downloaded_blueprint_as_data(rulebook):
    names = ["<script>alert(1)</script>", "${x} 'q' \"qq\"", "key: value # not a comment"]
    answers = Answers({"ordering": "strict"}, tuple(Step(service=n, action=n) for n in names), names[0])
    at = open_app("export", answers)

    data, _ = download(at, "download-blueprint-asyncapi")

    doc = yaml.safe_load(data)
    assert {op["tags"][0]["name"] for op in doc["operations"].values()} >= set(names)
    assert doc["info"]["title"].startswith(names[0])


def test_a_blueprint_the_chosen_style_has_none_of_is_disabled_saying_why(rulebook):
    # BPMN and Temporal run a coordinator: for a choreography the page offers no download that would fail.
    at = open_app("export", example("order-checkout"))
    at.radio(key="export-style").set_value("choreography").run()
    assert not at.exception
    buttons = {b.key: b for b in at.get("download_button")}
    for fmt in ("bpmn", "temporal"):
        button = buttons[f"download-blueprint-{fmt}"]
        assert button.proto.disabled and "has no coordinator" in button.proto.help
    assert not buttons["download-blueprint-asyncapi"].proto.disabled


def test_the_sequence_view_downloads_in_the_chosen_style(rulebook):
    answers = example("order-checkout")
    ev = evaluate(rulebook, answers)
    at = open_app("export", answers)
    at.radio(key="export-style").set_value("orchestration").run()
    data, name = download(at, "download-sequence-mermaid")
    assert name == "order-checkout.orchestration.sequence.mmd"
    assert data.decode("utf-8") == to_mermaid_sequence(ev, "orchestration")
    svg, name = download(at, "download-sequence-svg")
    assert name.endswith(".sequence.svg") and svg.decode("utf-8") == to_svg_sequence(ev, "orchestration")


def test_the_diagram_page_shows_the_sequence_view(rulebook):
    at = open_app("diagram", example("order-checkout"))
    at.radio(key="diagram-view").set_value("sequence").run()
    assert not at.exception
    drawn = [e for e in at.main if type(e).__name__ == "Html" and "advisor-sequence" in e.proto.body]
    assert (
        drawn and "1. Create order" in base64.b64decode(drawn[0].proto.body.split("base64,")[1].split('"')[0]).decode()
    )
    at.radio(key="diagram-view").set_value("graph").run()
    assert not [e for e in at.main if type(e).__name__ == "Html" and "advisor-sequence" in e.proto.body]
