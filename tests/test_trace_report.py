"""The report sets the style the traces show beside the recommended one and lists the links that would change."""

from __future__ import annotations

import json

import pytest

from advisor.engine.answers import parse_answers
from advisor.engine.assessment import assess
from advisor.errors import UserError
from advisor.tracing import design
from advisor.tracing.flows import find_flows
from advisor.tracing.otlp import read_spans
from advisor.views.report.html import to_html
from advisor.views.report.markdown import to_markdown
from advisor.views.report.model import build_report
from tests.trace_helpers import System, choreographed, mixed, spec_json


def report_of(answers, rulebook):
    return build_report(assess(rulebook, answers), rulebook)


def imported(system, rulebook):
    [flow] = find_flows(read_spans(spec_json(system.spans()), "traces.json"))
    return design.to_answers(flow, rulebook)


def test_the_report_shows_the_observed_style_beside_the_recommended_one_and_the_links_that_change(rulebook):
    system = System()
    choreographed(system)
    r = report_of(imported(system, rulebook), rulebook)
    assert r.observed is not None and (r.observed.style, r.observed.recommended) == ("choreography", r.style)
    changed = [(c.service, c.today, c.recommended) for c in r.observed.changes]
    expected = [(s.service, "event-driven", s.mode) for s in r.steps if s.mode != "event-driven"]
    assert changed == expected and changed  # the recommendation commands steps the traces show as events
    md = to_markdown(r)
    assert "## Today and recommended" in md and "Observed today, from its traces: Choreography" in md
    assert f"| {r.observed.changes[0].number} | Orders | Place order | event-driven | " in md
    assert '<section class="observed">' in to_html(r, diagram_svg="<svg></svg>")


def test_a_mixed_flow_kept_as_a_hybrid_lists_no_change(rulebook):
    system = System()
    mixed(system)
    r = report_of(imported(system, rulebook), rulebook)
    assert r.observed is not None and r.style == "hybrid" and r.observed.changes == ()
    assert "the recommendation keeps it (Hybrid): no link would change mode" in to_markdown(r)


def test_answers_without_an_observed_style_give_no_such_section(rulebook):
    answers = parse_answers("steps:\n  - {service: A, action: Go}\n", "a.yaml", rulebook)
    r = report_of(answers, rulebook)
    assert r.observed is None and "Today and recommended" not in to_markdown(r)
    assert 'class="observed"' not in to_html(r, diagram_svg="<svg></svg>")


def test_hostile_names_in_the_observed_links_are_escaped(rulebook):
    evil = json.dumps("<img src=x onerror=alert(1)>|*x*")
    text = (
        "traits: {ordering: strict, central_monitoring: high, compensation: true}\n"
        f"steps: [{{service: {evil}, action: {evil}}}]\n"
        f"observed: {{style: choreography, steps: [{{service: {evil}, action: {evil}, mode: event-driven}}]}}\n"
    )
    r = report_of(parse_answers(text, "evil.yaml", rulebook), rulebook)
    assert r.observed is not None and len(r.observed.changes) == 1
    html = to_html(r, diagram_svg="<svg></svg>")
    observed = html[html.index('<section class="observed">') :]
    observed = observed[: observed.index("</section>")]
    assert "<img" not in observed and "&lt;img src=x onerror=alert(1)&gt;" in observed
    md = to_markdown(r)
    section = md[md.index("## Today and recommended") : md.index("## The workflow")]
    assert "<img" not in section and "&lt;img src=x onerror=alert(1)&gt;\\|\\*x\\*" in section


def test_an_observed_style_that_is_not_a_style_is_refused_at_its_line(rulebook):
    with pytest.raises(UserError) as caught:
        parse_answers("observed:\n  style: chaos\n", "a.yaml", rulebook)
    assert "a.yaml:2:10: observed.style" in str(caught.value)
