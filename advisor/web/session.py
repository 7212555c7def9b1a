"""A browser session's answers and their one assessment, and the share link that carries them.

On a session's first run the answers come from the share link (the URL's query parameters); afterwards the URL
follows the answers, so copying it shares them. The assessment (evaluation, contributions, tipping points) is
computed once per change of answers or rulebook and read by every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import streamlit as st

from advisor.engine.answers import Answers, from_query_params, revalidate, to_query_params
from advisor.engine.assessment import Assessment, assess
from advisor.errors import Problem
from advisor.rulebook.loading import Rulebook
from advisor.web.rulebook_state import current_rulebook
from advisor.web.widgets import show_answers

# Session-state keys. Why the ':' and '-': question ids match [a-z0-9_.], so these never collide with the
# widget keys, which are the question ids themselves.
ANSWERS_KEY = "advisor:answers"
ASSESSMENT_KEY = "advisor:assessment"
LINK_PROBLEMS_KEY = "advisor:link-problems"
NOTES_KEY = "advisor:answer-notes"
LINK_KEYS = ("workflow", "steps")  # share-link parameters that are not question ids
LINK_TOO_LONG_KEY = "advisor:link-too-long"
# Why 8 KiB: the app's server (uvicorn with h11) refuses a request whose line and headers exceed 16 KiB when they
# arrive in pieces, as over a network (measured against the running app: tests/e2e/test_link_limits.py); the
# browser's own headers (cookies, user agent, a sign-in cookie) need the rest. A longer link is never produced.
MAX_LINK = 8 * 1024


@dataclass(frozen=True)
class _AnswersState:
    answers: Answers
    rulebook_hash: str


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
        answers, notes = revalidate(state.answers, rulebook)
        st.session_state[NOTES_KEY] = tuple(notes)
        set_answers(answers)
        return answers
    _sync_share_link(state.answers, rulebook)
    return state.answers


def set_answers(answers: Answers) -> None:
    """Replace the session's answers (an import, a share link) and show them in the questionnaire's widgets."""
    store_answers(answers)
    show_answers(answers, current_rulebook())


def store_answers(answers: Answers) -> None:
    """Record answers read from the questionnaire's own widgets (their state is already right) and update
    the share link."""
    rulebook = current_rulebook()
    st.session_state[ANSWERS_KEY] = _AnswersState(answers, rulebook.hash)
    _sync_share_link(answers, rulebook)


def current_assessment() -> Assessment:
    """The assessment of the session's answers under the active rulebook: computed once per change of either
    (the engine and the tipping points run here, never in a page)."""
    answers = current_answers()
    rulebook = current_rulebook()
    cached: tuple[Answers, str, Assessment] | None = st.session_state.get(ASSESSMENT_KEY)
    if cached is not None and cached[0] == answers and cached[1] == rulebook.hash:
        return cached[2]
    assessment = assess(rulebook, answers)
    st.session_state[ASSESSMENT_KEY] = (answers, rulebook.hash, assessment)
    return assessment


def link_problems() -> tuple[Problem, ...]:
    """What was wrong with the share link this session was opened with (the valid parts were kept)."""
    return st.session_state.get(LINK_PROBLEMS_KEY, ())


def answer_notes() -> tuple[str, ...]:
    """What the pages say about the current answers first: answers reset because the rulebook changed under them, or
    the saved assessment they were opened from."""
    return st.session_state.get(NOTES_KEY, ())


def share_link(answers: Answers, page_path: str = "") -> str | None:
    """The URL that opens the app's first page with exactly these answers, or None when its query would be over
    `MAX_LINK` (the server would refuse it: export a file instead). `page_path` is the calling page's URL path
    (e.g. "export"), removed from the browser's address to reach the app's root."""
    base = (st.context.url or "").rstrip("/")
    if page_path and base.endswith("/" + page_path):
        base = base[: -len(page_path) - 1]
    query = link_query(to_query_params(answers))
    if len(query) > MAX_LINK:
        return None
    return f"{base}?{query}" if query else base


def link_query(params: dict[str, str]) -> str:
    """The query string of a share link, percent-encoded as the browser sends it."""
    return urlencode(params, quote_via=quote)


def link_too_long() -> int | None:
    """The length of the session's share link when it is over `MAX_LINK` (the address then carries no answers)."""
    return st.session_state.get(LINK_TOO_LONG_KEY)


def _sync_share_link(answers: Answers, rulebook: Rulebook) -> None:
    """Make the URL's answer parameters equal `to_query_params(answers)`; leave other parameters alone. Answers
    too long for a link leave the address without them (a reload would otherwise be refused by the server)."""
    wanted = to_query_params(answers)
    length = len(link_query(wanted))
    st.session_state[LINK_TOO_LONG_KEY] = length if length > MAX_LINK else None
    if length > MAX_LINK:
        wanted = {}
    params = st.query_params
    for key in list(params.keys()):
        if (key in rulebook.questions or key in LINK_KEYS) and key not in wanted:
            del params[key]
    for key, value in wanted.items():
        if params.get(key) != value:
            params[key] = value
