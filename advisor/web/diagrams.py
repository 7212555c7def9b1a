"""Diagrams on a page: our own Graphviz SVG (the same bytes as the export, cached by DOT text) in a box that
zooms and pans (`advisor.web.display.scrolling_svg_html`); drawn in the browser from DOT only where the server
has no Graphviz.

Why not `st.graphviz_chart` first: it draws DOT in the browser with d3-graphviz, which updates a drawn diagram in
place; when a node id (our ids are n0, n1, ...) changes shape between two drawings (a rounded service box, a
plain event box, the start circle), d3-graphviz keeps the old SVG element and gives it the new shape's
attributes, so a <polygon> gets a path's `d` and the service is drawn as bare text (issue 15, d3-graphviz issue
336; tests/e2e/test_diagram_boxes.py counts the boxes)."""

from __future__ import annotations

import graphviz
import streamlit as st

from advisor.engine.evaluate import Evaluation
from advisor.errors import UserError
from advisor.views.diagram.dot import INSTALL_HINT, build_diagram, check_size, render, to_dot
from advisor.web.display import error_text, scrolling_svg_html

DRAWN_KEY = "advisor:drawn-diagrams"


@st.cache_data(max_entries=64, show_spinner=False)
def rendered_diagram(dot_source: str, fmt: str, _digraph: object) -> bytes:
    """`advisor.views.diagram.dot.render` cached by the DOT text (the same DOT always gives the same bytes).
    Raises `UserError` when Graphviz is missing or the diagram is too large (errors are not cached)."""
    return render(_digraph, fmt)


def show_diagram(ev: Evaluation, style: str | None = None, kind: str = "diagram") -> None:
    """The diagram of the evaluation's steps in `style` (default: recommended), or why it cannot be drawn.
    `kind` is the box (`advisor.web.display.SVG_KINDS`): "diagram", "preview" or "side" (a narrow column)."""
    show_digraph(build_diagram(ev, style), kind, slot=style or "recommended")


def show_digraph(digraph: graphviz.Digraph, kind: str, slot: str) -> None:
    """A built diagram as our SVG in a zoomable box; in the browser from DOT when Graphviz is not installed;
    "diagram too large" when it is over the size cap or dot runs out of time. `slot` names its place on the page."""
    try:
        check_size(digraph)
        svg = rendered_diagram(to_dot(digraph), "svg", digraph).decode("utf-8")
    except UserError as e:
        if error_text(e) != INSTALL_HINT:
            st.error(error_text(e), icon=":material/error:")
            return
        _in_browser(digraph, slot)
        return
    st.html(scrolling_svg_html(svg, kind), unsafe_allow_javascript=True)


def _in_browser(digraph: graphviz.Digraph, slot: str) -> None:
    """Without Graphviz on the server: `st.graphviz_chart`, with a caption saying how to get the exact drawing."""
    # Why the flip: the browser must draw each changed diagram afresh. Updating a drawn one in place makes
    # d3-graphviz prepare path animations (0.6 to 2 s per answer change) and can lose node shapes (see above).
    # Streamlit reuses the browser component at the same position, so a changed diagram alternates between two
    # positions (behind an empty placeholder or not).
    source = digraph.source
    drawn: dict = st.session_state.setdefault(DRAWN_KEY, {})
    last, flip = drawn.get(slot, ("", False))
    if source != last:
        flip = not flip
        drawn[slot] = (source, flip)
    with st.container(key=f"graphviz-{slot}"):
        if flip:
            st.empty()
        st.graphviz_chart(source, width="stretch")
    st.caption(
        "Drawn in your browser: Graphviz is not installed on the server, so this drawing can differ from the "
        "exported files (sudo apt-get install graphviz)."
    )
