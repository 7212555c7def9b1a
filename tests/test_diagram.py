"""The diagram builder: what each style draws for the user's own steps, and how it stays safe and stable."""

from __future__ import annotations

import re
import subprocess

import pytest
from exports import EXAMPLE_NAMES, ROOT, evaluate_example

from advisor.engine.answers import Answers
from advisor.engine.evaluate import evaluate
from advisor.errors import UserError
from advisor.rulebook.formats import STYLES, Step
from advisor.views.diagram.dot import build_diagram, check_size, render, to_dot, to_mermaid
from advisor.views.diagram.events import derive_event, event_name
from advisor.views.diagram.plan import plan
from advisor.views.diagram.theme import load_theme


def labels(digraph) -> list[str]:
    """Every label's visible text, in DOT order."""
    return [re.sub(r"<[^>]*>", " ", m).strip() for m in re.findall(r"label=<(.*?)>[\]\s]", to_dot(digraph))]


def edges_of(drawing, kind):
    return [e for e in drawing.edges if e.kind == kind]


@pytest.fixture(scope="module")
def theme():
    return load_theme()


@pytest.fixture(scope="module")
def checkout(rulebook):
    return evaluate_example(rulebook, "order-checkout")


def test_orchestration_numbers_a_command_to_each_service_in_step_order(checkout, theme):
    drawing = plan(checkout, theme, "orchestration")
    commands = [e.label for e in edges_of(drawing, "command")]
    assert commands == [
        "1. Create order",
        "2. Authorize card",
        "3. Reserve stock",
        "4. Schedule delivery",
        "5. Email receipt",
        "6. Record sale",
    ]


def test_orchestration_draws_a_reply_per_command_named_after_the_event(checkout, theme):
    replies = [e.label for e in edges_of(plan(checkout, theme, "orchestration"), "reply")]
    assert replies[:3] == ["OrderCreated", "CardAuthorized", "StockReserved"]
    assert len(replies) == 6


@pytest.mark.parametrize("style", STYLES)
def test_each_compensation_is_written_beside_the_step_it_undoes_the_same_in_every_style(rulebook, theme, style):
    # Compensation edges once ran across the drawing, labels beside other services, and choreography dropped
    # the last one: now each is in its service's box, in every style alike, and no compensation edge is drawn.
    drawing = plan(evaluate_example(rulebook, "order-checkout"), theme, style)
    undo = {n.label: n.undo for n in drawing.nodes if n.undo}
    assert undo == {
        "Orders": ("undo 1: Cancel order",),
        "Payment": ("undo 2: Void authorization",),
        "Inventory": ("undo 3: Release stock",),
    }
    assert not edges_of(drawing, "compensation") and "compensation" in drawing.edge_kinds  # the legend says it
    dot = to_dot(build_diagram(evaluate_example(rulebook, "order-checkout"), style, theme))
    assert len(re.findall(r"↩ undo \d", dot)) == 3 and "undoes step N when a later step fails" in dot


def test_a_long_choreography_is_drawn_top_down_and_a_short_one_left_to_right(rulebook, theme):
    long_flow = evaluate_example(rulebook, "motor-claim")  # 7 steps
    assert plan(long_flow, theme, "choreography").direction == "TB"
    assert "rankdir=TB" in to_dot(build_diagram(long_flow, "choreography", theme))
    assert to_mermaid(long_flow, "choreography").splitlines()[2] == "flowchart TB"
    assert plan(long_flow, theme, "orchestration").direction == "LR"
    short = evaluate_example(rulebook, "user-signup")
    assert len(short.steps) <= 5 and plan(short, theme, "choreography").direction == "LR"


def test_choreography_has_each_service_publish_its_event_for_the_next_to_react(checkout, theme):
    drawing = plan(checkout, theme, "choreography")
    names = {n.id: n.label for n in drawing.nodes}
    events = [names[n.id] for n in drawing.nodes if n.kind == "event"]
    assert events == [
        "1. OrderCreated",
        "2. CardAuthorized",
        "3. StockReserved",
        "4. DeliveryScheduled",
        "5. ReceiptEmailed",
        "6. SaleRecorded",
    ]
    reacts = {(names[e.tail], names[e.head]) for e in edges_of(drawing, "event") if e.label}
    assert ("1. OrderCreated", "Payment") in reacts
    assert ("4. DeliveryScheduled", "Notification") in reacts and ("4. DeliveryScheduled", "Analytics") in reacts
    assert not edges_of(drawing, "command") and not edges_of(drawing, "reply")


def test_hybrid_puts_the_core_and_the_reactions_in_two_clusters_with_the_crossing_event(checkout, theme):
    drawing = plan(checkout, theme, "hybrid")
    names = {n.id: n.label for n in drawing.nodes}
    clusters = {c.id: [names[m] for m in c.members] for c in drawing.clusters}
    assert clusters == {
        "core": ["Order checkout", "Orders", "Payment", "Inventory", "Shipping"],
        "reactions": ["Notification", "Analytics"],
    }
    crossing = [n for n in drawing.nodes if n.kind == "event"]
    assert [(n.label, n.note) for n in crossing] == [("DeliveryScheduled", "published after step 4")]
    into_reactions = [names[e.head] for e in drawing.edges if e.tail == crossing[0].id]
    assert into_reactions == ["Notification", "Analytics"]


def test_hybrid_draws_a_step_in_another_bounded_context_as_event_driven_as_the_allocation_says(rulebook, theme):
    steps = (
        Step(service="Orders", action="Create order", context="Sales"),
        Step(service="Payment", action="Charge card", context="Sales", compensation="Refund"),
        Step(service="Ledger", action="Book revenue", context="Accounting"),  # not a reaction: another context
        Step(service="Email", action="Send receipt", context="Sales", reaction=True),
    )
    ev = evaluate(rulebook, Answers({"ordering": "strict", "compensation": True, "fan_out": 2}, steps, "Sale"))
    assert ev.style == "hybrid"
    modes = {a.service: a.mode for a in ev.allocation}
    assert modes == {
        "Orders": "orchestrated",
        "Payment": "orchestrated",
        "Ledger": "event-driven",
        "Email": "event-driven",
    }
    drawing = plan(ev, theme, "hybrid")
    names = {n.id: n.label for n in drawing.nodes}
    clusters = {c.title: [names[m] for m in c.members] for c in drawing.clusters}
    # the clusters are the ownership boundaries the allocation used: one per bounded context outside the core
    assert clusters == {
        "Orchestrated core: Sales context": ["Sale", "Orders", "Payment"],
        "Event-driven: Accounting context": ["Ledger"],
        "Event-driven: Sales context": ["Email"],
    }
    assert [e.label for e in edges_of(drawing, "command")] == ["1. Create order", "2. Charge card"]
    # the same steps drawn as a hybrid from an evaluation that recommends another style split the same way
    other = evaluate(rulebook, Answers({"ordering": "none", "coupling_tolerance": "low"}, steps, "Sale"))
    assert other.style != "hybrid"
    again = plan(other, theme, "hybrid")
    assert [[{n.id: n.label for n in again.nodes}[m] for m in c.members] for c in again.clusters] == list(
        clusters.values()
    )


def test_hybrid_clusters_by_team_where_no_context_is_named_and_every_event_crosses_a_boundary(rulebook, theme):
    steps = (
        Step(service="Claims", action="Open claim", team="Claims team"),
        Step(service="Assessment", action="Assess damage", team="Claims team"),
        Step(service="Fraud", action="Score the claim", team="Risk", reaction=True),
        Step(service="Archive", action="File the documents", reaction=True),
    )
    ev = evaluate(rulebook, Answers({"ordering": "strict"}, steps, "Claim"))
    drawing = plan(ev, theme, "hybrid")
    names = {n.id: n.label for n in drawing.nodes}
    assert [(c.title, [names[m] for m in c.members]) for c in drawing.clusters] == [
        ("Orchestrated core: team Claims team", ["Claim", "Claims", "Assessment"]),
        ("Event-driven: team Risk", ["Fraud"]),
        ("Event-driven, no owner named", ["Archive"]),
    ]
    cluster_of = {m: c.name for c in drawing.clusters for m in c.members}
    events = {n.id for n in drawing.nodes if n.kind == "event"}
    into = [e for e in drawing.edges if e.tail in events]
    assert into and all(cluster_of[e.head] != "core" for e in into)
    dot, mermaid = to_dot(build_diagram(ev, "hybrid", theme)), to_mermaid(ev, "hybrid")
    for title in ("Orchestrated core: team Claims team", "Event-driven: team Risk"):
        assert title in dot and title in mermaid
    assert dot.count("subgraph cluster_") == 3 and mermaid.count("  subgraph ") == 3


def test_hybrid_without_reactions_still_shows_the_boundary_and_the_completion_event(rulebook, theme):
    drawing = plan(evaluate_example(rulebook, "loan-approval"), theme, "hybrid")
    events = [n.label for n in drawing.nodes if n.kind == "event"]
    assert events == ["LoanApprovalCompleted"]
    assert [n.label for n in drawing.nodes if n.kind == "placeholder"] == ["Other contexts"]


@pytest.mark.parametrize("style", STYLES)
def test_without_steps_each_style_has_a_generic_drawing_that_says_so(rulebook, theme, style):
    ev = evaluate(rulebook, Answers({}))
    drawing = plan(ev, theme, style)
    assert drawing.generic and "generic example" in drawing.subtitle
    assert {"Service A", "Service B"} <= {n.label for n in drawing.nodes}


@pytest.mark.parametrize("style", STYLES)
def test_every_diagram_has_its_title_and_a_legend_of_exactly_the_kinds_it_uses(checkout, rulebook, style):
    dot = to_dot(build_diagram(checkout, style))
    assert f"Order checkout: {style}" in dot
    used = plan(checkout, load_theme(), style).edge_kinds
    for kind, text in (
        ("command", "command (numbered in order)"),
        ("reply", "</FONT>&#160;reply"),
        ("event", "event: published"),
        ("compensation", "compensation: undoes step N"),
    ):
        assert (text in dot) == (kind in used), kind


def test_the_default_style_is_the_recommended_one(checkout, rulebook):
    assert to_dot(build_diagram(checkout)) == to_dot(build_diagram(checkout, checkout.style))


def test_an_unknown_style_is_refused(checkout, rulebook):
    with pytest.raises(ValueError, match="unknown style"):
        build_diagram(checkout, "mesh")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_node_ids_are_synthetic_whatever_the_names(rulebook, name):
    dot = to_dot(build_diagram(evaluate_example(rulebook, name)))
    ids = set(re.findall(r"^\t(\S+) \[", dot, re.M)) - {"graph", "node", "edge"}
    assert ids and all(re.fullmatch(r"n\d+", i) for i in ids)


@pytest.mark.parametrize("style", ["orchestration", "hybrid"])
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_commanded_services_stand_top_to_bottom_in_step_order(rulebook, theme, name, style):
    """Graphviz orders nodes of a rank freely; the builder pins the order (see advisor.views.diagram.dot._same_rank)."""
    ev = evaluate_example(rulebook, name)
    drawing = plan(ev, theme, style)
    plain = subprocess.run(
        ["dot", "-Tplain"], input=to_dot(build_diagram(ev, style)).encode(), capture_output=True, check=True
    ).stdout.decode()
    y = {p[1]: float(p[3]) for p in (line.split() for line in plain.splitlines()) if p[0] == "node"}
    for rank in drawing.ranks:
        assert sorted(rank, key=lambda n: -y[n]) == list(rank)


@pytest.mark.parametrize("style", STYLES)
def test_dot_and_svg_are_byte_identical_for_the_same_answers(rulebook, style):
    a = build_diagram(evaluate_example(rulebook, "travel-booking"), style)
    b = build_diagram(evaluate_example(rulebook, "travel-booking"), style)
    assert to_dot(a) == to_dot(b)
    svg = render(a, "svg")
    assert svg == render(b, "svg")
    assert b"<!--" not in svg and b"DOCTYPE" not in svg  # no Graphviz version comment, no external DTD


def test_png_and_pdf_render(checkout, rulebook):
    digraph = build_diagram(checkout)
    assert render(digraph, "png").startswith(b"\x89PNG")
    assert render(digraph, "pdf").startswith(b"%PDF")


def test_without_graphviz_rendering_says_how_to_install_it_and_dot_export_still_works(checkout, rulebook, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    digraph = build_diagram(checkout)
    with pytest.raises(UserError, match=r"sudo apt-get install graphviz"):
        render(digraph, "svg")
    assert to_dot(digraph).startswith("digraph advisor {")
    assert "flowchart LR" in to_mermaid(checkout)


def test_a_diagram_over_the_size_cap_is_refused_as_too_large(rulebook):
    steps = [Step(service=f"S{i}", action=f"Do thing {i}") for i in range(500)]
    ev = evaluate(rulebook, Answers({}, steps, "Big"))
    digraph = build_diagram(ev, "choreography")
    small = load_theme().model_copy(update={"limits": load_theme().limits.model_copy(update={"max_statements": 100})})
    with pytest.raises(UserError, match="diagram too large"):
        check_size(digraph, small)
    with pytest.raises(UserError, match="diagram too large"):
        render(digraph, "svg", theme=small)


def test_dot_running_past_its_timeout_is_reported_as_too_large(rulebook):
    steps = [Step(service=f"S{i % 40}", action=f"Do thing {i}", compensation="undo") for i in range(300)]
    digraph = build_diagram(evaluate(rulebook, Answers({}, steps, "Slow")), "orchestration")
    with pytest.raises(UserError, match=r"diagram too large.*within 0\.01 seconds"):
        render(digraph, "svg", timeout=0.01)


def test_a_theme_with_a_link_attribute_is_refused_naming_the_line(tmp_path):
    text = (ROOT / "advisor" / "views" / "diagram" / "theme.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "theme.yaml"
    bad.write_text(text.replace('  bgcolor: "white"', '  bgcolor: "white"\n  URL: "javascript:alert(1)"'), "utf-8")
    with pytest.raises(UserError) as err:
        load_theme(bad)
    assert "URL" in str(err.value) and "not allowed" in str(err.value) and ":" in str(err.value)


@pytest.mark.parametrize(
    "action, event",
    [
        ("Authorize card", "CardAuthorized"),
        ("Create order", "OrderCreated"),
        ("Ship parcel", "ParcelShipped"),
        ("Send welcome email", "WelcomeEmailSent"),
        ("Verify identity", "IdentityVerified"),
        ("Review by underwriter", "ReviewedByUnderwriter"),
        ("Pay invoice", "InvoicePaid"),
        ("Cancel flight", "FlightCancelled"),
        ("Add contact", "ContactAdded"),
        ("Play video", "VideoPlayed"),
        ("Email receipt", "ReceiptEmailed"),
        ("Send trip tips to customer", "TripTipsSentToCustomer"),
        ("Register the claim", "ClaimRegistered"),
        ("Review by the underwriter", "ReviewedByUnderwriter"),
        ("Send an offer", "OfferSent"),
    ],
)
def test_event_names_say_what_happened(action, event):
    assert derive_event(action) == event


def test_a_steps_own_event_name_wins_and_a_nameless_action_gets_a_numbered_one():
    assert event_name(Step(service="S", action="Authorize card", event="PaymentAuthorised"), 0) == "PaymentAuthorised"
    assert event_name(Step(service="S", action="!!! ???"), 2) == "Step3Completed"
