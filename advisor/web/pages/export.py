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
from advisor.web import diagrams, display, notices, rulebook_state, session, widgets
from advisor.web.trace_import import show_trace_import

rulebook = rulebook_state.current_rulebook()
answers = session.current_answers()
assessment = session.current_assessment()
ev = assessment.evaluation
lit = display.md_literal
stem = display.file_stem(ev.workflow)
names = {s: getattr(rulebook.styles, s).name for s in STYLES}


def download(column, label: str, data, suffix: str, mime: str, key: str, icon: str, **more) -> None:
    """One download button filling its column, of the file `<stem><suffix>`, keyed `download-<key>`: every button
    of this page has that shape."""
    icon = f":material/{icon}:"
    widgets.download_button(
        column, label, data, stem + suffix, mime, key=f"download-{key}", icon=icon, width="stretch", **more
    )


def report_file(render):
    """`render(report)`, the report built when the button is pressed (Why deferred: building the report and writing
    its Markdown, HTML and ADR took ~27 ms of each run of this page, for files most runs never download)."""
    return lambda: render(build_report(assessment, rulebook))


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
    # Why deferred: writing the YAML took ~3 ms of each run of this page; it is written when the button is pressed
    yaml = functools.partial(dump_yaml, answers)
    download(yaml_col, "Answers (YAML)", yaml, ".answers.yaml", "application/yaml", "answers-yaml", "description")
    json = dump_json(answers)
    download(json_col, "Answers (JSON)", json, ".answers.json", "application/json", "answers-json", "data_object")

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
    download(dot_col, "DOT (Graphviz source)", dot, ".dot", "text/vnd.graphviz", "dot", "code")
    try:
        svg = diagrams.rendered_diagram(dot, "svg", digraph)
        png = diagrams.rendered_diagram(dot, "png", digraph)
    except UserError as e:
        st.warning(display.error_text(e), icon=":material/warning:")
    else:
        download(svg_col, "SVG", svg, ".svg", "image/svg+xml", "svg", "image")
        download(png_col, "PNG", png, ".png", "image/png", "png", "image")
    seq_svg_col, seq_mermaid_col = st.columns(2)  # the sequence view of the same style
    sequence = f".{drawn_style}.sequence"
    svg_sequence = functools.partial(to_svg_sequence, ev, drawn_style)
    mermaid_sequence = functools.partial(to_mermaid_sequence, ev, drawn_style)
    download(
        seq_svg_col, "Sequence (SVG)", svg_sequence, f"{sequence}.svg", "image/svg+xml", "sequence-svg", "timeline"
    )
    download(
        seq_mermaid_col,
        "Sequence (Mermaid)",
        mermaid_sequence,
        f"{sequence}.mmd",
        "text/plain",
        "sequence-mermaid",
        "timeline",
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
        download(
            column,
            fmt.title,
            # Why deferred: a blueprint of many long-named steps takes a while; it is made only when pressed.
            functools.partial(render_blueprint, ev, fmt.name, chosen) if why_not is None else b"",
            f".{chosen}.{fmt.extension}",
            fmt.media_type,
            f"blueprint-{fmt.name}",
            "schema",
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
    md_col, html_col, pdf_col, adr_col = st.columns(4)
    download(md_col, "Markdown", report_file(to_markdown), ".report.md", "text/markdown", "report-md", "article")
    # the HTML draws its diagram itself, and without Graphviz says how to install it in the diagram's place
    download(html_col, "HTML", report_file(to_html), ".report.html", "text/html", "report-html", "html")
    if importlib.util.find_spec("weasyprint") is None:  # the optional `pdf` extra is not installed
        pdf_col.caption(PDF_INSTALL_HINT)
    else:  # PDF rendering takes about a second
        download(pdf_col, "PDF", report_file(to_pdf), ".report.pdf", "application/pdf", "report-pdf", "picture_as_pdf")
    download(adr_col, "ADR (MADR)", report_file(to_adr), ".adr.md", "text/markdown", "adr", "gavel")

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
