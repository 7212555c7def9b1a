"""Portfolio: many workflows at once, from a CSV (one row per workflow) or several answers files. A table of each
workflow's style, confidence, top drivers and assumed answers; filters, sorting, the distribution of styles and
confidence; the table as CSV. Every row is evaluated by `advisor.engine.batch`, which gives exactly the engine's
results."""

import streamlit as st

from advisor.engine.answers import UPLOAD_LIMIT
from advisor.errors import UserError
from advisor.portfolio.assess import (
    EXAMPLE,
    MAX_FILES,
    MAX_ROWS,
    Portfolio,
    answers_of,
    read_portfolio,
    template_csv,
    template_examples,
    upload_label,
)
from advisor.portfolio.reading import CSV_UPLOAD_LIMIT, NOTE_PREFIX
from advisor.portfolio.table import (
    CONFIDENCE_BINS,
    confidence_histogram,
    filter_table,
    sort_table,
    style_counts,
    summary,
    table_csv,
)
from advisor.rulebook.formats import STYLES
from advisor.web import display, portfolio_charts, rulebook_state, session, widgets

LOADED = "portfolio:loaded"  # (label, rulebook hash, Portfolio)
ROWS = {"all": "All", "none": "Evaluated", "only": "With errors"}  # which rows the table shows
UPLOADS = "portfolio:uploads"  # how many uploads were evaluated: the uploader's key, so each one starts empty
PROBLEM = "portfolio:problem"
LOADED_NOTE = "portfolio:loaded-note"  # what the last load replaced
DISPLAY_ROWS = 10_000  # Why: the browser gets the shown rows; the CSV download has them all
SORTABLE = ("workflow", "style", "confidence", "lead", "assumed_count", "orchestration", "choreography", "hybrid")

rulebook = rulebook_state.current_rulebook()
lit = display.md_literal
names = {s: getattr(rulebook.styles, s).name for s in STYLES}


def load(label: str, files: list[tuple[str, bytes]]) -> None:
    """Evaluate files into the session's portfolio; on a problem keep the previous one and say why."""
    try:
        portfolio = read_portfolio(files, rulebook)
    except UserError as e:
        st.session_state[PROBLEM] = (label, display.error_text(e))
        return
    previous = st.session_state.get(LOADED)
    st.session_state[LOADED] = (label, rulebook.hash, portfolio)
    st.session_state[LOADED_NOTE] = previous[0] if previous else None
    st.session_state.pop(PROBLEM, None)
    st.session_state.pop("portfolio-table", None)  # a new table: no row selected


def on_upload() -> None:
    """Evaluate what was just uploaded, then empty the uploader. Why: Streamlit's multi-file uploader adds each
    new selection to the files it holds, so a second CSV made "2 files, not a mix"; here every upload (one CSV,
    or answers files chosen together) replaces the portfolio shown, and the uploader is ready for the next."""
    files = st.session_state.get(uploader_key()) or []
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
    if files:
        load(upload_label([f.name for f in files]), [(f.name, f.getvalue()) for f in files])


def uploader_key() -> str:
    return f"portfolio-upload-{st.session_state.get(UPLOADS, 0)}"


def load_example() -> None:
    load(f"Example portfolio ({EXAMPLE.name})", [(EXAMPLE.name, EXAMPLE.read_bytes())])


st.title("Portfolio")
st.caption(
    "Assess many workflows at once: upload a CSV with one row per workflow (columns named by question id), "
    "or several answers files exported from the questionnaire."
)

with st.container(border=True, key="portfolio-input"):
    st.container(key="portfolio-upload").file_uploader(
        "A portfolio CSV, or several answers files",
        type=["csv", "yaml", "yml", "json"],
        accept_multiple_files=True,
        key=uploader_key(),
        on_change=on_upload,
        max_upload_size=CSV_UPLOAD_LIMIT // 2**20,
        help=f"One CSV file (up to {CSV_UPLOAD_LIMIT // 2**20} MiB and {MAX_ROWS:,} rows) or up to {MAX_FILES} "
        f"answers files (YAML or JSON, up to {UPLOAD_LIMIT // 1024} KiB each) chosen together. Each upload "
        "replaces the portfolio shown.",
    )
    st.caption(
        f"Limits: a CSV file {CSV_UPLOAD_LIMIT // 2**20} MiB (the uploader's limit); an answers file "
        f"{UPLOAD_LIMIT // 1024} KiB. Each upload replaces the portfolio shown."
    )
    example_col, template_col = st.columns(2)
    example_col.button(
        "Try the example portfolio (50 workflows)",
        key="portfolio-example",
        on_click=load_example,
        icon=":material/science:",
        width="stretch",
    )
    widgets.download_button(
        template_col,
        "Download a template CSV",
        template_csv(rulebook, template_examples(rulebook)),
        "portfolio-template.csv",
        "text/csv",
        key="portfolio-template",
        icon=":material/download:",
        width="stretch",
        help="The header (workflow, every question id, steps) and the example workflows.",
    )
    with st.expander("The CSV format"):
        st.markdown(
            "- A header row, then one row per workflow.\n"
            "- A column per question, named by its id (see the template); an **empty cell** means *not sure*: "
            "no evidence (it fires no rule, lowers the confidence and is listed as not answered), unless the "
            "steps give the answer.\n"
            "- `workflow`: the workflow's name (optional).\n"
            "- `steps` (optional): `Payment: Authorize card; Stock: Reserve items; Email: Send receipt*` — steps "
            "in order, `service: action`, separated by `;`, a trailing `*` marking a reaction the core flow need "
            "not wait for; or a JSON list of steps as in an answers file (needed for a compensation, an event, "
            "a team or a bounded context).\n"
            "- Yes/no cells: `true`/`false` or `yes`/`no`. Integers: digits.\n"
            f"- Columns starting with `{NOTE_PREFIX}` are notes, carried into the table (e.g. `#owner`). "
            "Any other column is an error, so a misspelt question id cannot go unnoticed.\n"
            "- A row with an invalid cell is listed with its error; the other rows are evaluated."
        )

if PROBLEM in st.session_state:
    label, problem = st.session_state[PROBLEM]
    st.error(
        f"{lit(label)} cannot be evaluated"
        + (" (the previous portfolio is still shown)" if LOADED in st.session_state else "")
        + ":",
        icon=":material/error:",
    )
    st.code(problem, language=None, wrap_lines=True)

if LOADED not in st.session_state:
    st.info("Upload a portfolio, or try the example, to see the table and charts.", icon=":material/upload_file:")
    st.stop()

loaded: tuple[str, str, Portfolio] = st.session_state[LOADED]
label, loaded_hash, portfolio = loaded
if loaded_hash != rulebook.hash:
    st.warning(
        "The rulebook changed since this portfolio was evaluated; upload it again (or reload the example) "
        "to evaluate it under the current rules.",
        icon=":material/sync_problem:",
    )
table = portfolio.table
numbers = summary(table)

st.subheader(lit(label), anchor=False)
replaced = st.session_state.pop(LOADED_NOTE, None)
if replaced:
    st.success(f"Loaded {lit(label)} in place of {lit(replaced)}.", icon=":material/swap_horiz:")
metrics = st.columns(5)
metrics[0].metric("Workflows", f"{numbers['workflows']:,}")
metrics[1].metric("Evaluated", f"{numbers['evaluated']:,}")
metrics[2].metric("With errors", f"{numbers['errors']:,}")
metrics[3].metric("Mean confidence", f"{numbers['mean_confidence']:.2f}")
metrics[4].metric(f"Low confidence (< {CONFIDENCE_BINS[1]})", f"{numbers['low_confidence']:,}")
if numbers["errors"]:
    st.warning(
        f"{numbers['errors']:,} row(s) could not be evaluated; each is in the table with its error "
        "(choose *Rows: With errors* to see them).",
        icon=":material/warning:",
    )

# ---------------------------------------------------------------- filter and sort
with st.container(border=True, key="portfolio-filters"):
    left, middle, right = st.columns([3, 2, 2])
    styles = left.multiselect(
        "Styles", list(STYLES), default=list(STYLES), key="portfolio-styles", format_func=lambda s: names[s]
    )
    confidence = middle.slider("Confidence", 0.0, 1.0, (0.0, 1.0), step=0.05, key="portfolio-confidence")
    search = right.text_input("Workflow name contains", key="portfolio-search", max_chars=200)
    left, middle, right = st.columns([3, 2, 2])
    errors = left.segmented_control(
        "Rows",
        list(ROWS),
        default="all",
        required=True,
        key="portfolio-errors",
        format_func=ROWS.__getitem__,
    )
    sort_by = middle.selectbox("Sort by", SORTABLE, index=SORTABLE.index("confidence"), key="portfolio-sort")
    descending = right.toggle("Descending", value=False, key="portfolio-descending")
view = sort_table(filter_table(table, styles, confidence, search, errors), sort_by, descending)

# ---------------------------------------------------------------- charts
if not (view["error"] == "").any():
    st.info("Nothing to chart: no evaluated workflow matches the filters.", icon=":material/bar_chart_off:")
else:
    style_col, confidence_col = st.columns(2)
    with style_col.container(border=True, key="portfolio-style-chart"):
        st.markdown("**Recommended styles**")
        st.altair_chart(portfolio_charts.styles_chart(style_counts(view), names), width="stretch")
    with confidence_col.container(border=True, key="portfolio-confidence-chart"):
        st.markdown("**Confidence**")
        st.altair_chart(portfolio_charts.confidence_chart(confidence_histogram(view), names), width="stretch")
st.caption(f"Charts and table show the {len(view):,} rows that match the filters.")

# ---------------------------------------------------------------- the table
shown = view.head(DISPLAY_ROWS).assign(row=lambda f: f.index + 1)  # the row in the file (header not counted)
failed = shown["error"] != ""
if errors == "only":  # Why: error rows have no results; the error goes next to the name, visible at any width
    order = ["row", "workflow", "error", *[c for c in shown.columns if c.startswith(NOTE_PREFIX)]]
elif failed.any():
    order = ["workflow", "error", *[c for c in shown.columns if c not in ("row", "workflow", "error")]]
else:
    order = [c for c in shown.columns if c not in ("row", "error")]
with st.container(key="portfolio-table-box"):
    selection = st.dataframe(
        shown,
        key="portfolio-table",
        hide_index=True,
        column_order=order,
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "confidence": st.column_config.ProgressColumn("confidence", min_value=0.0, max_value=1.0, format="%.3f"),
            "top_drivers": st.column_config.TextColumn(
                "top drivers", help="The fired rules that gave the style most of its points"
            ),
            "assumed": st.column_config.TextColumn(
                "assumed", help="Questions left unanswered: no evidence, they fire no rule"
            ),
            "assumed_count": st.column_config.NumberColumn("# assumed"),
            "runner_up": st.column_config.TextColumn("runner-up"),
            "row": st.column_config.NumberColumn("row", help="The row in the file (the header not counted)"),
            "error": st.column_config.TextColumn("error", help="Why the row was not evaluated: the field and value"),
        },
    )
if len(view) > DISPLAY_ROWS:
    st.caption(f"Showing the first {DISPLAY_ROWS:,} of {len(view):,} rows; the CSV has them all.")

actions = st.columns([2, 2, 3])
widgets.download_button(  # the table's CSV is written when pressed (deferred)
    actions[0],
    "Download the table (CSV)",
    lambda: table_csv(view),
    "portfolio.csv",
    "text/csv",
    key="portfolio-download",
    icon=":material/download:",
    width="stretch",
    help="The rows that match the filters, in this order.",
)
rows = selection.selection.rows if selection else []
if rows:
    row = int(shown.index[rows[0]])
    answers = answers_of(portfolio.columns, rulebook, row) if loaded_hash == rulebook.hash else None
    name = table["workflow"].iloc[row]
    if answers is not None and actions[1].button(
        "Open in the questionnaire",
        key="portfolio-open",
        icon=":material/edit:",
        width="stretch",
        help="Replace the current answers with this row's, to look at it in detail or save it.",
    ):
        session.set_answers(answers)
        st.switch_page("pages/questionnaire.py")
    actions[2].caption(f"Selected: {lit(name) if isinstance(name, str) else f'row {row + 1}'}")
else:
    actions[2].caption("Select a row to open it in the questionnaire.")
