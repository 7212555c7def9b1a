"""The Export & import page's trace import: an OTLP JSON trace file in, one of its flows into the questionnaire.

Nothing changes until the button is pressed; a bad file is refused with its problems named and the current
answers stay as they were.
"""

from __future__ import annotations

import streamlit as st

from advisor.engine.answers import Answers
from advisor.errors import UserError
from advisor.rulebook.loading import Rulebook
from advisor.tracing import design
from advisor.tracing.flows import Flow, find_flows
from advisor.tracing.otlp import read_spans
from advisor.web import session
from advisor.web.display import md_literal

# Why 1,000,000 bytes: the app's server refuses uploads over 1 MB (server.maxUploadSize in .streamlit/config.toml);
# larger exports go through `advisor import-trace`, which reads up to 32 MiB.
TRACE_UPLOAD_LIMIT = 1_000_000


@st.cache_data(max_entries=8, show_spinner=False)
def _flows(data: bytes, filename: str) -> list[Flow]:
    """The flows of an uploaded file, read once per file (the page reruns on every interaction)."""
    return find_flows(read_spans(data, filename, max_bytes=TRACE_UPLOAD_LIMIT))


def show_trace_import(rulebook: Rulebook) -> None:
    """The trace import: upload, choose a flow, see its current style and steps, replace the answers with it."""
    with st.container(border=True, key="import-trace"):
        st.subheader("Import from traces", anchor=False)
        st.caption(
            "An OpenTelemetry trace export (OTLP JSON, or JSON Lines with one export request per line, up to 1 MB) "
            "gives the workflow's current design: its services, the steps in order, whether each is commanded "
            "or reacts to an event, and the style it runs in today. The steps and the traits the traces show "
            "replace the current answers; every other question is left unanswered."
        )
        uploaded = st.file_uploader("Trace file", type=["json", "jsonl"], key="import-trace-file")
        if uploaded is None:
            return
        try:
            flows = _flows(uploaded.getvalue(), uploaded.name)
        except UserError as e:
            st.error(
                "This trace file cannot be imported; your current answers are unchanged.\n\n"
                + "\n".join(f"- {md_literal(str(p) if p.file or p.path else p.message)}" for p in e.problems),
                icon=":material/error:",
            )
            return
        index = 0
        if len(flows) > 1:
            index = st.selectbox(
                "Flow",
                range(len(flows)),
                key="import-trace-flow",
                format_func=lambda i: f"{flows[i].workflow[:120]} ({flows[i].style})",
            )
        flow = flows[index]
        incoming: Answers = design.to_answers(flow, rulebook)
        style_name = md_literal(getattr(rulebook.styles, flow.style).name)
        st.markdown(
            f"{md_literal(uploaded.name)}: “{md_literal(flow.workflow)}” runs as **{style_name}** today "
            f"({len(flow.steps)} steps, {flow.executions} execution{'s' if flow.executions != 1 else ''} seen)."
        )
        st.container(key="import-trace-steps").dataframe(
            [{"service": s.service, "action": s.action, "mode": s.mode, "trigger": s.trigger} for s in flow.steps],
            hide_index=True,
        )
        if st.button(
            "Replace my answers with this flow",
            key="import-trace-apply",
            type="primary",
            icon=":material/upload:",
            on_click=session.set_answers,
            args=(incoming,),
        ):
            st.success(
                "Imported. The questionnaire, recommendation and report now show this flow; the report sets its "
                "current style beside the recommended one.",
                icon=":material/check_circle:",
            )
