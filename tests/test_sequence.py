"""The sequence view: the messages of each style in the order they are sent, in Mermaid and SVG."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from exports import EXAMPLE_NAMES, ROOT, evaluate_example

from advisor.cli.main import main
from advisor.engine.answers import Answers
from advisor.engine.evaluate import evaluate
from advisor.rulebook.formats import STYLES, Step
from advisor.views.diagram.sequence import BROKER, sequence, to_mermaid_sequence, to_svg_sequence


def flow(seq):
    names = dict(seq.participants)
    return [(names[m.sender], names[m.receiver], m.kind, m.label) for m in seq.messages]


def test_an_orchestration_commands_each_service_in_order_and_undoes_in_reverse(rulebook):
    seq = sequence(evaluate_example(rulebook, "order-checkout"), "orchestration")
    messages = flow(seq)
    commands = [(to, label) for sender, to, kind, label in messages if kind == "command"]
    assert commands[:3] == [
        ("Orders", "1. Create order"),
        ("Payment", "2. Authorize card"),
        ("Inventory", "3. Reserve stock"),
    ]
    assert all(messages[2 * i + 1][2] == "reply" for i in range(len(commands)))  # each command is answered
    assert [m[3] for m in messages[seq.failure_at :]] == [
        "undo 3: Release stock",
        "undo 2: Void authorization",
        "undo 1: Cancel order",
    ]
    assert seq.participants[0][1] == "Order checkout" and BROKER not in dict(seq.participants).values()


def test_a_choreography_is_a_chain_of_publish_and_react_through_the_broker(rulebook):
    seq = sequence(evaluate_example(rulebook, "order-checkout"), "choreography")
    messages = flow(seq)
    assert not [m for m in messages if m[2] in ("command", "reply")]
    assert messages[0] == (BROKER, "Orders", "event", "OrderCheckoutStarted: 1. Create order")
    assert messages[1] == ("Orders", BROKER, "event", "publish OrderCreated")
    assert messages[2] == (BROKER, "Payment", "event", "OrderCreated: 2. Authorize card")
    assert all(m[0] == BROKER for m in messages[seq.failure_at :])


def test_a_hybrid_follows_the_allocation_and_publishes_each_event_once(rulebook):
    ev = evaluate_example(rulebook, "motor-claim")
    seq = sequence(ev)
    messages = flow(seq)
    reacting = {to for _, to, kind, label in messages if kind == "event" and ":" in label}
    assert reacting == {a.service for a in ev.allocation if a.mode == "event-driven"}
    published = [label for sender, _, kind, label in messages if kind == "event" and sender == "Motor claim"]
    assert published == ["publish DamageAssessed", "publish RepairShopBooked"]
    order = [name for _, name in seq.participants]
    assert order.index(BROKER) > max(order.index(s) for s in ("First notice", "Policy", "Repair booking"))


@pytest.mark.parametrize("style", STYLES)
def test_hostile_names_stay_text_in_svg_and_mermaid(rulebook, style):
    name = 'Pay"; <script>alert(1)</script> & ]]> -->>x: ;#%\nnext'
    steps = (Step(service=name, action=name, compensation=name), Step(service="B", action="b", reaction=True))
    ev = evaluate(rulebook, Answers({"ordering": "strict"}, steps, name))
    svg = to_svg_sequence(ev, style)
    ET.fromstring(svg)  # well-formed: no name closed an element
    assert "<script" not in svg and "alert(1)" in svg
    text = to_mermaid_sequence(ev, style)
    lines = text.splitlines()
    seq = sequence(ev, style)
    arrows = [line for line in lines if re.match(r"^  p\d+(->>|-->>|-\)|-x)p\d+: ", line)]
    assert len(arrows) == len(seq.messages)  # one line per message: nothing injected a line or an arrow
    labels = re.sub(r"#\d+;", "", "".join(line.split(": ", 1)[1] for line in arrows))  # entity codes are text
    assert not re.search(r"[;<>\"#]", labels)


def test_the_same_answers_give_the_same_bytes(rulebook):
    a, b = evaluate_example(rulebook, "travel-booking"), evaluate_example(rulebook, "travel-booking")
    assert to_svg_sequence(a) == to_svg_sequence(b) and to_mermaid_sequence(a) == to_mermaid_sequence(b)


@pytest.mark.skipif(
    not (shutil.which("node") and (ROOT / "node_modules" / "mermaid").exists()),
    reason="Node.js or the npm validators are not installed (scripts/setup.sh installs them)",
)
def test_every_example_in_every_style_parses_with_the_real_mermaid_parser(rulebook):
    texts = [to_mermaid_sequence(evaluate_example(rulebook, n), s) for n in EXAMPLE_NAMES for s in STYLES]
    broken = "sequenceDiagram\n  p0->>: no receiver\n"  # the harness must be able to fail
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "mermaid-parse.mjs")],
        input=json.dumps([*texts, broken]),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=True,
    )
    results = json.loads(done.stdout)
    assert results[:-1] == [{"ok": True, "type": "sequence"}] * len(texts)
    assert results[-1]["ok"] is False


def test_advisor_diagram_draws_the_sequence_view_and_refuses_a_format_it_has_not(capsys, tmp_path):
    example = str(ROOT / "examples" / "order-checkout.yaml")
    assert main(["diagram", example, "--view", "sequence", "--format", "mermaid"]) == 0
    assert capsys.readouterr().out.startswith("%% Order checkout: hybrid, as a sequence\nsequenceDiagram\n")
    assert main(["diagram", example, "--view", "sequence", "--format", "svg", "-o", str(tmp_path / "s.svg")]) == 0
    ET.parse(tmp_path / "s.svg")
    assert main(["diagram", example, "--view", "sequence", "--format", "png", "-o", str(tmp_path / "s.png")]) == 2
    assert "the sequence view is drawn as svg or mermaid, not png" in capsys.readouterr().err


def test_without_steps_the_sequence_is_the_generic_example_and_says_so(rulebook):
    seq = sequence(evaluate(rulebook, Answers({"ordering": "strict"})), "orchestration")
    assert seq.title.endswith("a generic example: the answers name no steps")
    assert [m.kind for m in seq.messages].count("command") == 4 and seq.failure_at  # the 4 generic steps of theme.yaml


def test_a_service_named_like_the_broker_is_a_service_of_its_own(rulebook):
    steps = (Step(service="Event broker", action="Route"), Step(service="Mail", action="Send", reaction=True))
    seq = sequence(evaluate(rulebook, Answers({"ordering": "strict"}, steps, "W")), "hybrid")
    assert [name for _, name in seq.participants].count(BROKER) == 2  # the user's service and ours
