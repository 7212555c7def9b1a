"""Diagrams on a page: drawn in the browser from DOT, and rendered to files for download (cached by DOT text)."""

from __future__ import annotations

import streamlit as st

from advisor.engine.evaluate import Evaluation
from advisor.errors import UserError
from advisor.views.diagram.dot import build_diagram, check_size, render
from advisor.web.display import error_text

DRAWN_KEY = "advisor:drawn-diagrams"


@st.cache_data(max_entries=64, show_spinner=False)
def rendered_diagram(dot_source: str, fmt: str, _digraph: object) -> bytes:
    """`advisor.views.diagram.dot.render` cached by the DOT text (the same DOT always gives the same bytes).
    Raises `UserError` when Graphviz is missing or the diagram is too large (errors are not cached)."""
    return render(_digraph, fmt)


def show_diagram(ev: Evaluation, style: str | None = None, height: int | None = None) -> None:
    """The diagram of the evaluation's steps in `style` (default: recommended), drawn in the browser (no Graphviz
    binary needed on the server), or why it cannot be drawn (too large for a page). With `height` (pixels) the
    drawing is scaled down to fit it."""
    digraph = build_diagram(ev, style)
    try:
        check_size(digraph)
    except UserError as e:
        st.error(error_text(e), icon=":material/error:")
        return
    # Why the flip: the browser must draw each changed diagram afresh. Updating a drawn one in place makes
    # d3-graphviz prepare path animations (getPointAtLength on every edge): 0.6 to 2 s in the profile of an
    # answer change, against about 0.1 s for a fresh drawing. Streamlit reuses the browser component at the same
    # position, so a changed diagram alternates between two positions (behind an empty placeholder or not).
    source = digraph.source
    drawn: dict = st.session_state.setdefault(DRAWN_KEY, {})
    slot = (style or "recommended", height)
    last, flip = drawn.get(slot, ("", False))
    if source != last:
        flip = not flip
        drawn[slot] = (source, flip)
    with st.container(key=f"graphviz-{slot[0]}-{height or 0}"):
        if flip:
            st.empty()
        st.graphviz_chart(source, width="stretch", height=height or "content")
