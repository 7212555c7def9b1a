"""Diagram: the proposed interaction of the user's own services, in the recommended style or any other, or the
three side by side; as a graph (our Graphviz SVG, the same as the export, in a box that zooms and pans:
`advisor.web.diagrams`) or as a sequence of messages (`advisor.views.diagram.sequence`, an SVG laid out in Python)."""

import streamlit as st

from advisor.rulebook.formats import STYLES
from advisor.views.diagram.sequence import to_svg_sequence
from advisor.web import diagrams, display, notices, rulebook_state, session

rulebook = rulebook_state.current_rulebook()
ev = session.current_assessment().evaluation
lit = display.md_literal
names = {s: getattr(rulebook.styles, s).name for s in STYLES}

st.title(f"Diagram of {lit(ev.workflow)}" if ev.workflow else "Diagram")
notices.show_notices()
choice, compare_col = st.columns([3, 1], vertical_alignment="bottom")
# Why a horizontal radio: its options wrap on a phone; segmented controls and pills run off the screen.
shown = choice.radio(
    "Draw the services as",
    ["recommended", *STYLES],
    key="diagram-style",
    horizontal=True,
    persist_state="session",
    disabled=bool(st.session_state.get("diagram-compare")),
    format_func=lambda s: f"Recommended: {lit(names[ev.style])}" if s == "recommended" else lit(names[s]),
)
view = choice.radio(
    "View",
    ["graph", "sequence"],
    key="diagram-view",
    horizontal=True,
    persist_state="session",
    disabled=bool(st.session_state.get("diagram-compare")),
    format_func=lambda v: "Services and links" if v == "graph" else "Sequence of messages",
    help="The sequence view shows who sends what to whom, in order, and the compensations when a step fails.",
)
compare = compare_col.toggle(
    "Compare all three",
    key="diagram-compare",
    persist_state="session",
    help="The same services drawn in each style, side by side.",
)
if not ev.steps:
    st.info(
        "No steps named yet, so this is a generic drawing of the style. Name your workflow's services and "
        "steps on the questionnaire to see your own.",
        icon=":material/info:",
    )
    st.page_link("pages/questionnaire.py", label="Name the steps", icon=":material/checklist:")


with st.container(border=True, key="diagram"):
    if compare:
        st.caption("Each drawing zooms and pans; open one full screen with its Full screen button.")
        for col, style in zip(st.columns(3), STYLES):
            with col.container(key=f"diagram-{style}"):
                st.markdown(f"**{lit(names[style])}**" + (" (recommended)" if style == ev.style else ""))
                diagrams.show_diagram(ev, style, kind="side")
    elif view == "sequence":
        # Why an <img> at its own size in a scrolling box: st.image shrinks it to the page's width (9 services
        # became unreadably small), and inline SVG is stripped by Streamlit's sanitiser (display.scrolling_svg_html)
        sequence = to_svg_sequence(ev, ev.style if shown == "recommended" else shown)
        st.html(display.scrolling_svg_html(sequence, "sequence"), unsafe_allow_javascript=True)
    else:
        diagrams.show_diagram(ev, ev.style if shown == "recommended" else shown)
st.caption("Download the diagram (SVG, PNG, DOT, or the sequence as SVG or Mermaid) on the Export page.")
