"""The Streamlit adapter: the only module under `advisor/` that imports streamlit.

It holds each browser session's state (`st.session_state`; never module-level state) and caches the parsed
rulebook (`st.cache_resource`, keyed by content hash; a Rulebook is frozen and never mutated):

- `current_rulebook()`: the rule files of `$ADVISOR_RULES` or `rules/`, hot-reloaded. Each call stats the four
  files (cheap); when (mtime_ns, size) changed it reads them and compares the content hash; a new valid
  rulebook becomes active at that interaction, an invalid one leaves the last good one active and its
  problems in `rulebook_errors()`.
- `current_answers()` / `set_answers()`: the session's answers. On a session's first run they come from the
  share link (the URL's query parameters); afterwards the URL follows the answers, so copying it shares them.
- `current_evaluation()`: the engine's evaluation of the current answers (cheap: the engine takes microseconds).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from advisor.web import form
from advisor.engine.answers import Answers, from_query_params, to_query_params
from advisor.web.display import error_text, file_stem, md_literal  # noqa: F401  (re-exported for pages)
from advisor.engine.evaluate import Evaluation, evaluate
from advisor.errors import Problem, UserError
from advisor.rulebook.loading import FILES, Rulebook, build_rulebook, content_hash, default_rules_dir, read_texts

# Session-state keys. Why the ':' and '-': question ids match [a-z0-9_.], so these never collide with the
# widget keys, which are the question ids themselves.
RULEBOOK_KEY = "advisor:rulebook"
ANSWERS_KEY = "advisor:answers"
LINK_PROBLEMS_KEY = "advisor:link-problems"
NOTES_KEY = "advisor:answer-notes"
STEPS_EDITOR_KEY = "advisor:steps-editor"
DRAWN_KEY = "advisor:drawn-diagrams"
WORKFLOW_WIDGET = "workflow-name"
LINK_KEYS = ("workflow", "steps")  # share-link parameters that are not question ids


@dataclass(frozen=True)
class _RulebookState:
    directory: str
    signature: tuple
    rulebook: Rulebook | None
    errors: UserError | None


@dataclass(frozen=True)
class _AnswersState:
    answers: Answers
    rulebook_hash: str


@dataclass(frozen=True)
class StepsEditor:
    """The rows the steps table editor starts from; a new `version` gives the editor a fresh widget key."""

    version: int
    rows: tuple[dict, ...]

    @property
    def key(self) -> str:
        return f"steps-editor-{self.version}"


# ---------------------------------------------------------------- the rulebook, hot-reloaded
@st.cache_resource(max_entries=16, show_spinner=False)
def _built(digest: str, origin: str, _texts: dict[str, bytes]) -> Rulebook | UserError:
    """The rulebook for these file contents, or its problems. Why cached by digest: every session shares one
    parsed copy, and a broken file is parsed once, not at every interaction."""
    try:
        return build_rulebook(_texts, origin)
    except UserError as e:
        return e


def _signature(directory: Path) -> tuple:
    """(name, mtime_ns, size) per rule file: a change detector that costs four stat calls."""
    out = []
    for name in FILES:
        try:
            s = os.stat(directory / name)
            out.append((name, s.st_mtime_ns, s.st_size))
        except OSError:
            out.append((name, None, None))
    return tuple(out)


def _rulebook_state() -> _RulebookState:
    directory = default_rules_dir()
    signature = _signature(directory)
    state: _RulebookState | None = st.session_state.get(RULEBOOK_KEY)
    if state is not None and state.directory == str(directory) and state.signature == signature:
        return state
    last_good = state.rulebook if state is not None else None
    try:
        texts = read_texts(directory)
    except UserError as e:
        state = _RulebookState(str(directory), signature, last_good, e)
    else:
        digest = content_hash(texts)
        if last_good is not None and last_good.hash == digest and last_good.origin == str(directory):
            state = _RulebookState(str(directory), signature, last_good, None)
        else:
            built = _built(digest, str(directory), texts)
            if isinstance(built, UserError):
                state = _RulebookState(str(directory), signature, last_good, built)
            else:
                state = _RulebookState(str(directory), signature, built, None)
    st.session_state[RULEBOOK_KEY] = state
    return state


def current_rulebook() -> Rulebook:
    """The active rulebook. When the files have never been valid in this session there is none: the page shows
    the problems and stops."""
    state = _rulebook_state()
    if state.rulebook is None:
        st.error("The rulebook cannot be loaded, so the questionnaire is unavailable. Fix these problems in the "
                 "rule files (the app picks up the corrected files at the next interaction):")
        st.code(str(state.errors), language=None)
        st.stop()
    return state.rulebook


def rulebook_errors() -> UserError | None:
    """The problems of the rule files on disk when they are invalid (the last good rulebook stays active)."""
    return _rulebook_state().errors


def last_good_rulebook() -> Rulebook | None:
    """The active rulebook, or None when the files have never been valid in this session. Unlike
    `current_rulebook()` it never stops the page: the Rules page uses it, so a broken rulebook can be fixed there."""
    return _rulebook_state().rulebook


# ---------------------------------------------------------------- answers
def current_answers() -> Answers:
    """The session's answers, valid for the current rulebook (restored from the share link on a first visit)."""
    rulebook = current_rulebook()
    state: _AnswersState | None = st.session_state.get(ANSWERS_KEY)
    if state is None:
        answers, problems = from_query_params(st.query_params.to_dict(), rulebook)
        st.session_state[LINK_PROBLEMS_KEY] = tuple(problems)
        for p in problems:
            if p.path in st.query_params:
                del st.query_params[p.path]
        set_answers(answers)
        return answers
    if state.rulebook_hash != rulebook.hash:
        answers, notes = form.revalidate(state.answers, rulebook)
        st.session_state[NOTES_KEY] = tuple(notes)
        set_answers(answers)
        return answers
    _sync_share_link(state.answers, rulebook)
    return state.answers


def set_answers(answers: Answers) -> None:
    """Replace the session's answers (an import, a share link) and show them in the questionnaire's widgets."""
    rulebook = current_rulebook()
    store_answers(answers)
    for q in rulebook.questions.values():
        _set_widget(q.id, form.widget_value(q, answers))
    _set_widget(WORKFLOW_WIDGET, answers.workflow or "")
    previous: StepsEditor | None = st.session_state.get(STEPS_EDITOR_KEY)
    st.session_state[STEPS_EDITOR_KEY] = StepsEditor((previous.version + 1) if previous else 0,
                                                     tuple(form.steps_to_rows(answers.steps)))


def store_answers(answers: Answers) -> None:
    """Record answers read from the questionnaire's own widgets (their state is already right) and update
    the share link."""
    rulebook = current_rulebook()
    st.session_state[ANSWERS_KEY] = _AnswersState(answers, rulebook.hash)
    _sync_share_link(answers, rulebook)


def current_evaluation() -> Evaluation:
    """The engine's evaluation of the session's answers under the active rulebook."""
    answers = current_answers()
    return evaluate(current_rulebook(), answers.traits, answers.steps, answers.workflow)


def link_problems() -> tuple[Problem, ...]:
    """What was wrong with the share link this session was opened with (the valid parts were kept)."""
    return st.session_state.get(LINK_PROBLEMS_KEY, ())


def answer_notes() -> tuple[str, ...]:
    """Answers reset because the rulebook changed under them."""
    return st.session_state.get(NOTES_KEY, ())


def share_link(answers: Answers, page_path: str = "") -> str:
    """The URL that opens the app's first page with exactly these answers. `page_path` is the calling page's
    URL path (e.g. "export"), removed from the browser's address to reach the app's root."""
    base = (st.context.url or "").rstrip("/")
    if page_path and base.endswith("/" + page_path):
        base = base[: -len(page_path) - 1]
    query = urlencode(to_query_params(answers), quote_via=quote)
    return f"{base}?{query}" if query else base


def show_notices() -> None:
    """What a page about the current answers must say first: rule files on disk that failed to load (the last
    good rulebook stays active), problems of the share link this session was opened with, and answers reset
    because the rulebook changed."""
    errors = rulebook_errors()
    if errors is not None:
        active = current_rulebook()
        st.warning(f"The rule files on disk have {len(errors.problems)} problem(s), so the app keeps using the last "
                   f"good rulebook (version {md_literal(active.version)}, {active.short_hash}). Fix them in the "
                   "files or on the Rules page:", icon=":material/rule:")
        st.code(str(errors), language=None, wrap_lines=True)
    problems = link_problems()
    notes = answer_notes()
    if problems or notes:
        with st.container(border=True, key="answer-notices"):
            for p in problems:
                st.warning(f"Share link: {md_literal(p.path)}: {md_literal(p.message)}", icon=":material/link_off:")
            for note in notes:
                st.info(md_literal(note), icon=":material/sync_problem:")
            st.button("Dismiss", key="dismiss-notices", on_click=_dismiss_notices, type="tertiary")


def _dismiss_notices() -> None:
    st.session_state[LINK_PROBLEMS_KEY] = ()
    st.session_state[NOTES_KEY] = ()


def _set_widget(key: str, value: object) -> None:
    try:
        st.session_state[key] = value
    except StreamlitAPIException:
        # Why: a widget already drawn in this run cannot be changed; the stored answers are still right and
        # the widget is re-seeded from them the next time the questionnaire is drawn.
        pass


def _sync_share_link(answers: Answers, rulebook: Rulebook) -> None:
    """Make the URL's answer parameters equal `to_query_params(answers)`; leave other parameters alone."""
    wanted = to_query_params(answers)
    params = st.query_params
    for key in list(params.keys()):
        if (key in rulebook.questions or key in LINK_KEYS) and key not in wanted:
            del params[key]
    for key, value in wanted.items():
        if params.get(key) != value:
            params[key] = value


# ---------------------------------------------------------------- the questionnaire's widgets
def seed_questionnaire(answers: Answers) -> StepsEditor:
    """Before the questionnaire draws its widgets: give every widget without state (first visit, or state
    dropped by Streamlit while another page was shown) the stored answer. Returns the steps editor to draw."""
    rulebook = current_rulebook()
    present = set(st.session_state.keys())  # Why once: each `in st.session_state` copies the whole state
    for q in rulebook.questions.values():
        if q.id not in present:
            st.session_state[q.id] = form.widget_value(q, answers)
    if WORKFLOW_WIDGET not in present:
        st.session_state[WORKFLOW_WIDGET] = answers.workflow or ""
    editor: StepsEditor | None = st.session_state.get(STEPS_EDITOR_KEY)
    if editor is None or editor.key not in present:
        # Why: the editor's widget state holds edits relative to its starting rows; without it (another page
        # was shown) the stored steps are the truth, so the editor starts from them.
        editor = StepsEditor((editor.version + 1) if editor else 0, tuple(form.steps_to_rows(answers.steps)))
        st.session_state[STEPS_EDITOR_KEY] = editor
    return editor


def move_step(index: int, delta: int) -> None:
    """Callback: move step `index` by `delta` places; the editor restarts from the reordered steps."""
    answers = current_answers()
    set_answers(Answers(answers.traits, form.move_step(answers.steps, index, delta), answers.workflow))


# ---------------------------------------------------------------- downloads
@st.cache_data(max_entries=64, show_spinner=False)
def rendered_diagram(dot_source: str, fmt: str, _digraph: object) -> bytes:
    """`advisor.views.diagram.dot.render` cached by the DOT text (the same DOT always gives the same bytes).
    Raises `UserError` when Graphviz is missing or the diagram is too large (errors are not cached)."""
    from advisor.views.diagram.dot import render

    return render(_digraph, fmt)  # type: ignore[arg-type]


def show_diagram(ev: Evaluation, rulebook: Rulebook, style: str | None = None, height: int | None = None) -> None:
    """The diagram of the evaluation's steps in `style` (default: recommended), drawn in the browser (no Graphviz
    binary needed on the server), or why it cannot be drawn (too large for a page). With `height` (pixels) the
    drawing is scaled down to fit it."""
    from advisor.views.diagram.dot import build_diagram, check_size

    digraph = build_diagram(ev, rulebook, style)
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
