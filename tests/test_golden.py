"""Golden files: the DOT, Mermaid, Markdown report, HTML report and ADR of every example, byte for byte.

Regenerate after an intended change with `make golden` (UPDATE_GOLDEN=1 pytest tests/test_golden.py), then
review the diff (`git diff tests/data/golden`) as you would review code: every changed line is a change users see.
The HTML golden has the inline SVG replaced by a marker, since SVG bytes depend on the Graphviz version (the SVG
itself is covered by the gallery test); everything else in these files depends on our code alone.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from exports import EXAMPLE_NAMES, assess_example, evaluate_example

from advisor.rulebook.formats import STYLES
from advisor.views.diagram.dot import build_diagram, to_dot, to_mermaid
from advisor.views.report.adr import to_adr
from advisor.views.report.html import to_html
from advisor.views.report.markdown import to_markdown
from advisor.views.report.model import build_report

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
SVG_MARKER = '<svg data-golden="diagram rendered by Graphviz"></svg>'


def check(path: Path, actual: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"no golden file {path}; run `make golden` and review it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} differs from its golden file; if intended, run `make golden` and review"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("style", STYLES)
def test_the_dot_of_each_example_in_each_style_matches_its_golden_file(rulebook, name, style):
    ev = evaluate_example(rulebook, name)
    check(GOLDEN / name / f"diagram-{style}.dot", to_dot(build_diagram(ev, style)))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("style", STYLES)
def test_the_mermaid_of_each_example_in_each_style_matches_its_golden_file(rulebook, name, style):
    ev = evaluate_example(rulebook, name)
    check(GOLDEN / name / f"diagram-{style}.mmd", to_mermaid(ev, style))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_markdown_report_of_each_example_matches_its_golden_file(rulebook, name):
    check(GOLDEN / name / "report.md", to_markdown(build_report(assess_example(rulebook, name), rulebook)))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_html_report_of_each_example_matches_its_golden_file(rulebook, name):
    html = to_html(build_report(assess_example(rulebook, name), rulebook), diagram_svg=SVG_MARKER)
    check(GOLDEN / name / "report.html", html)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_adr_of_each_example_matches_its_golden_file(rulebook, name):
    check(GOLDEN / name / "adr.md", to_adr(build_report(assess_example(rulebook, name), rulebook)))


def test_the_html_golden_marker_stands_where_the_rendered_svg_goes(rulebook):
    """The marker replaces exactly the diagram: with Graphviz, the same page holds a real <svg> there."""
    report = build_report(assess_example(rulebook, "order-checkout"), rulebook)
    real = to_html(report)
    marked = to_html(report, diagram_svg=SVG_MARKER)
    normalised = re.sub(
        r'<figure class="diagram"><svg.*?</svg>\s*</figure>',
        f'<figure class="diagram">{SVG_MARKER}\n</figure>',
        real,
        flags=re.S,
    )
    assert normalised == marked
