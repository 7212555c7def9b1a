"""Hostile names in every export format: the output renders, nothing active survives, names show literally.

The names (tests/exports.py HOSTILE): HTML and script tags, javascript: URLs, quotes, a trailing backslash,
Graphviz escapes, colons, newlines, a 10,000-character name, emoji, right-to-left text, Markdown and Mermaid
syntax. Each is a service, an action, a compensation, sometimes an event, and the first is the workflow name.
"""

from __future__ import annotations

import html as htmllib
import re
import xml.etree.ElementTree as ET

import pytest
from exports import HOSTILE, active_content, hostile_evaluation
from markdown_it import MarkdownIt

from advisor.engine.assessment import assess
from advisor.rulebook.formats import STYLES
from advisor.views.diagram.dot import build_diagram, render, to_dot, to_mermaid
from advisor.views.labels import clean
from advisor.views.report.adr import to_adr
from advisor.views.report.html import to_html
from advisor.views.report.markdown import to_markdown
from advisor.views.report.model import build_report


@pytest.fixture(scope="module")
def hostile(rulebook):
    return hostile_evaluation(rulebook)


@pytest.fixture(scope="module")
def report(hostile, rulebook):
    return build_report(assess(rulebook, hostile.input), rulebook)


def text_of(markup: str) -> str:
    """The visible text of HTML or SVG, entities decoded, whitespace folded."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]*>", " ", markup.replace("<wbr>", ""))).split())


@pytest.mark.parametrize("style", STYLES)
def test_a_diagram_of_hostile_names_renders_to_svg_with_nothing_active(hostile, rulebook, style):
    svg = render(build_diagram(hostile, style), "svg").decode("utf-8")
    ET.fromstring(svg.encode())  # well-formed XML: nothing broke out of its text node
    assert active_content(svg) == []
    visible = text_of(svg)
    for name in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "trailing backslash\\",
        "order:svc:port",
        "\\N \\G \\n \\l escapes",
    ):
        assert name in visible, f"{name!r} is not shown literally in the {style} SVG"


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_a_diagram_of_hostile_names_renders_to_png_and_pdf(hostile, rulebook, style, fmt):
    data = render(build_diagram(hostile, style), fmt)
    assert data.startswith(b"\x89PNG" if fmt == "png" else b"%PDF")


@pytest.mark.parametrize("style", STYLES)
def test_hostile_names_never_become_node_ids_or_ports_in_dot(hostile, rulebook, style):
    dot = to_dot(build_diagram(hostile, style))
    ids = set(re.findall(r"^\t(\S+) \[", dot, re.M)) - {"graph", "node", "edge"}
    assert ids and all(re.fullmatch(r"n\d+", i) for i in ids), ids
    edges = re.findall(r"^\t(\S+) -> (\S+)", dot, re.M)
    assert edges and all(re.fullmatch(r"n\d+", t) and re.fullmatch(r"n\d+", h) for t, h in edges)
    assert "<script>" not in dot  # inside HTML-like labels it is written as &lt;script&gt;


@pytest.mark.parametrize("style", STYLES)
def test_hostile_names_cannot_leave_their_mermaid_labels(hostile, rulebook, style):
    mermaid = to_mermaid(hostile, style)
    for line in mermaid.splitlines():
        if line.startswith("%%"):
            continue
        # outside quoted labels only our syntax: ids, arrows, keywords, our classes and styles
        outside = re.sub(r'"[^"]*"', '""', line)
        assert not re.search(r"click|call|href|javascript|<|script|%%\{", outside, re.I), line
    assert "click" not in re.sub(r'"[^"]*"', "", mermaid)
    assert not re.search("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", mermaid)  # no line break but our own
    assert "#60;script#62;" in mermaid  # the name is there, as Mermaid entity codes


def test_the_html_report_of_hostile_names_has_nothing_active_and_shows_them_literally(report):
    page = to_html(report)
    assert active_content(page) == []
    visible = text_of(page)
    for name in HOSTILE:
        assert " ".join(clean(name).split()) in visible, f"{name[:40]!r} is not shown literally"


def test_the_markdown_report_of_hostile_names_renders_to_safe_html_showing_them_literally(report):
    rendered = MarkdownIt("commonmark").enable("table").render(to_markdown(report))
    assert active_content(rendered) == []
    visible = text_of(rendered)
    for name in HOSTILE:
        assert " ".join(clean(name).split()) in visible, f"{name[:40]!r} is not shown literally"


def test_the_adr_of_hostile_names_renders_to_safe_html_showing_them_literally(report):
    rendered = MarkdownIt("commonmark").enable("table").render(to_adr(report))
    assert active_content(rendered) == []
    visible = text_of(rendered)
    for name in HOSTILE:
        assert " ".join(clean(name).split()) in visible, f"{name[:40]!r} is not shown literally"


def test_the_pdf_report_of_hostile_names_is_produced(report):
    from advisor.views.report.pdf import to_pdf

    assert to_pdf(report).startswith(b"%PDF")


def test_a_hostile_svg_is_disarmed_by_the_last_line_of_defence():
    from advisor.views.diagram.svgsafe import sanitize_svg

    evil = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
        '<script>alert(1)</script><g onclick="x()"><a xlink:href="javascript:alert(1)"><text>keep</text></a>'
        '</g><foreignObject><div>x</div></foreignObject><image href="https://evil/x.png"/></svg>'
    )
    out = sanitize_svg(evil)
    assert active_content(out) == []
    assert "keep" in out and "image" not in out and "foreignObject" not in out


@pytest.fixture(scope="module")
def owned_report(rulebook):
    """Hostile names as the steps' teams and bounded contexts too (at most 200 characters, as a step allows)."""
    from advisor.engine.answers import Answers
    from advisor.rulebook.formats import Step

    steps = [
        Step(service=f"S{i}", action=f"A{i}", team=h[:200], context=h[:200], reaction=i % 3 == 2)
        for i, h in enumerate(HOSTILE)
    ]
    return build_report(assess(rulebook, Answers({"ordering": "strict", "fan_out": 3}, steps, "Owned")), rulebook)


def test_hostile_team_and_context_names_show_literally_and_safely_in_every_report(owned_report):
    assert owned_report.owners
    page = to_html(owned_report, diagram_svg="<svg></svg>")
    md = MarkdownIt("commonmark").enable("table").render(to_markdown(owned_report))
    adr = MarkdownIt("commonmark").enable("table").render(to_adr(owned_report))
    for rendered in (page, md, adr):
        assert active_content(rendered) == []
        visible = text_of(rendered)
        for name in HOSTILE:
            assert " ".join(clean(name[:200]).split()) in visible, f"{name[:40]!r} is not shown literally"
