"""Export & import: take the answers, the diagram, the blueprints and the report away; bring answers back from a
file; share a link that restores the answers exactly."""

import functools
import importlib.util

import streamlit as st

from advisor.engine.answers import dump_json, dump_yaml, parse_answers
from advisor.errors import UserError
from advisor.rulebook.formats import STYLES
from advisor.rulebook.yamlsafe import MAX_BYTES as IMPORT_LIMIT
from advisor.views.blueprints import FORMATS, render_blueprint
from advisor.views.diagram.dot import build_diagram, to_dot
from advisor.views.diagram.sequence import to_mermaid_sequence, to_svg_sequence
from advisor.views.report.adr import to_adr
from advisor.views.report.html import to_html
from advisor.views.report.markdown import to_markdown
from advisor.views.report.model import build_report
from advisor.views.report.pdf import INSTALL_HINT as PDF_INSTALL_HINT
from advisor.views.report.pdf import to_pdf
from advisor.web import diagrams, display, notices, rulebook_state, session
from advisor.web.trace_import import show_trace_import

rulebook = rulebook_state.current_rulebook()
answers = session.current_answers()
assessment = session.current_assessment()
ev = assessment.evaluation
lit = display.md_literal
stem = display.file_stem(ev.workflow)
names = {s: getattr(rulebook.styles, s).name for s in STYLES}

st.title("Export & import")
notices.show_notices()

# ---------------------------------------------------------------- answers
with st.container(border=True, key="export-answers"):
    st.subheader("Answers", anchor=False)
    st.caption(
        "Your answers, workflow name and steps, in a file you can import again here or pass to "
        "`advisor recommend` on the command line."
    )
    yaml_col, json_col = st.columns(2)
    yaml_col.download_button(
        "Answers (YAML)",
        dump_yaml(answers),
        f"{stem}.answers.yaml",
        "application/yaml",
        key="download-answers-yaml",
        icon=":material/description:",
        width="stretch",
    )
    json_col.download_button(
        "Answers (JSON)",
        dump_json(answers),
        f"{stem}.answers.json",
        "application/json",
        key="download-answers-json",
        icon=":material/data_object:",
        width="stretch",
    )

# ---------------------------------------------------------------- share link
with st.container(border=True, key="share"):
    st.subheader("Share link", anchor=False)
    st.caption(
        "The answers live in the page's address: opening this link (or the address bar's) restores "
        "them exactly, in any browser. Anyone with the link sees the answers, workflow and step names."
    )
    link = session.share_link(answers, page_path="export")
    if link is None:
        st.warning(
            f"No share link: these answers are too long for one (over {session.MAX_LINK:,} characters, see above). "
            "Download the answers file above and import it instead.",
            icon=":material/link_off:",
        )
    else:
        # Why a maximum height, not a fixed one: 150 px left a short link (no answers yet) in a tall empty box;
        # a long one (every answer and steps) still scrolls past 150 px instead of pushing the page down
        st.html("<style>.st-key-share-link pre{max-height:150px;overflow:auto}</style>")
        with st.container(key="share-link"):
            st.code(link, language=None, wrap_lines=True, height="content")

# ---------------------------------------------------------------- diagram
with st.container(border=True, key="export-diagram"):
    st.subheader("Diagram", anchor=False)
    style = st.radio(
        "Style",
        ["recommended", *STYLES],
        key="export-style",
        horizontal=True,
        format_func=lambda s: f"Recommended: {lit(names[ev.style])}" if s == "recommended" else lit(names[s]),
    )
    drawn_style = ev.style if style == "recommended" else style
    digraph = build_diagram(ev, drawn_style)
    dot = to_dot(digraph)
    dot_col, svg_col, png_col = st.columns(3)
    dot_col.download_button(
        "DOT (Graphviz source)",
        dot,
        f"{stem}.dot",
        "text/vnd.graphviz",
        key="download-dot",
        icon=":material/code:",
        width="stretch",
    )
    try:
        svg = diagrams.rendered_diagram(dot, "svg", digraph)
        png = diagrams.rendered_diagram(dot, "png", digraph)
    except UserError as e:
        st.warning(display.error_text(e), icon=":material/warning:")
    else:
        svg_col.download_button(
            "SVG", svg, f"{stem}.svg", "image/svg+xml", key="download-svg", icon=":material/image:", width="stretch"
        )
        png_col.download_button(
            "PNG", png, f"{stem}.png", "image/png", key="download-png", icon=":material/image:", width="stretch"
        )
    seq_svg_col, seq_mermaid_col = st.columns(2)  # the sequence view of the same style
    seq_svg_col.download_button(
        "Sequence (SVG)",
        functools.partial(to_svg_sequence, ev, drawn_style),
        f"{stem}.{drawn_style}.sequence.svg",
        "image/svg+xml",
        key="download-sequence-svg",
        icon=":material/timeline:",
        width="stretch",
    )
    seq_mermaid_col.download_button(
        "Sequence (Mermaid)",
        functools.partial(to_mermaid_sequence, ev, drawn_style),
        f"{stem}.{drawn_style}.sequence.mmd",
        "text/plain",
        key="download-sequence-mermaid",
        icon=":material/timeline:",
        width="stretch",
    )

# ---------------------------------------------------------------- blueprints
with st.container(border=True, key="export-blueprints"):
    st.subheader("Blueprints", anchor=False)
    st.caption(
        "A starting point in another tool, in the style chosen for the diagram: the same commands, events and "
        "compensations. The same as `advisor blueprint` on the command line."
    )
    chosen = drawn_style
    for column, fmt in zip(st.columns(len(FORMATS)), FORMATS.values()):
        why_not = fmt.unavailable(ev, chosen)  # e.g. BPMN of a choreography: disabled, saying why
        column.download_button(
            fmt.title,
            # Why deferred: a blueprint of many long-named steps takes a while; it is made only when pressed.
            functools.partial(render_blueprint, ev, fmt.name, chosen) if why_not is None else b"",
            f"{stem}.{chosen}.{fmt.extension}",
            fmt.media_type,
            key=f"download-blueprint-{fmt.name}",
            icon=":material/schema:",
            width="stretch",
            disabled=why_not is not None,
            help=why_not,
        )

# ---------------------------------------------------------------- report
with st.container(border=True, key="export-report"):
    st.subheader("Report", anchor=False)
    st.caption(
        "The recommendation, reasons with sources, trade-offs, per-step allocation and diagram, ready for "
        "a design document; the ADR follows MADR 4.0."
    )
    report = build_report(assessment, rulebook)
    report_svg: str | None
    try:
        report_svg = diagrams.rendered_diagram(to_dot(report.diagram), "svg", report.diagram).decode("utf-8")
    except UserError:
        report_svg = None  # the HTML report then says how to install Graphviz in place of the diagram
    md_col, html_col, pdf_col, adr_col = st.columns(4)
    md_col.download_button(
        "Markdown",
        to_markdown(report),
        f"{stem}.report.md",
        "text/markdown",
        key="download-report-md",
        icon=":material/article:",
        width="stretch",
    )
    html_col.download_button(
        "HTML",
        to_html(report, report_svg),
        f"{stem}.report.html",
        "text/html",
        key="download-report-html",
        icon=":material/html:",
        width="stretch",
    )
    if importlib.util.find_spec("weasyprint") is None:  # the optional `pdf` extra is not installed
        pdf_col.caption(PDF_INSTALL_HINT)
    else:
        # Why deferred: PDF rendering takes about a second; it runs only when the button is pressed.
        pdf_col.download_button(
            "PDF",
            lambda: to_pdf(report),
            f"{stem}.report.pdf",
            "application/pdf",
            key="download-report-pdf",
            icon=":material/picture_as_pdf:",
            width="stretch",
        )
    adr_col.download_button(
        "ADR (MADR)",
        to_adr(report),
        f"{stem}.adr.md",
        "text/markdown",
        key="download-adr",
        icon=":material/gavel:",
        width="stretch",
    )

# ---------------------------------------------------------------- import
with st.container(border=True, key="import"):
    st.subheader("Import answers", anchor=False)
    st.caption(
        f"An answers file (YAML or JSON, up to {IMPORT_LIMIT // 2**20} MiB) replaces the current answers, "
        "workflow name and steps. Nothing changes until you press the button."
    )
    # Why 1 MiB: the cap of every answers file (as on the command line), and the smallest the uploader can show.
    uploaded = st.file_uploader(
        "Answers file", type=["yaml", "yml", "json"], key="import-file", max_upload_size=IMPORT_LIMIT // 2**20
    )
    if uploaded is not None:
        try:
            incoming = parse_answers(uploaded.getvalue(), uploaded.name, rulebook, max_bytes=IMPORT_LIMIT)
        except UserError as e:
            st.error(
                "This file cannot be imported; your current answers are unchanged.\n\n"
                + "\n".join(f"- {lit(str(p))}" for p in e.problems),
                icon=":material/error:",
            )
        else:
            label = f"“{incoming.workflow}”" if incoming.workflow else "the file"
            st.markdown(
                f"{lit(uploaded.name)}: {len(incoming.traits)} answers and {len(incoming.steps)} steps"
                + (f" for {lit(label)}" if incoming.workflow else "")
                + "."
            )
            if st.button(
                "Replace my answers with these",
                key="import-apply",
                type="primary",
                icon=":material/upload:",
                on_click=session.set_answers,
                args=(incoming,),
            ):
                st.success(
                    "Imported. The questionnaire, recommendation and diagram now show these answers.",
                    icon=":material/check_circle:",
                )

show_trace_import(rulebook)
