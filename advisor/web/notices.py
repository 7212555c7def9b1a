"""What a page about the current answers must say first, above everything else."""

from __future__ import annotations

import streamlit as st

from advisor.web.display import md_literal
from advisor.web.rulebook_state import current_rulebook, rulebook_errors
from advisor.web.session import LINK_PROBLEMS_KEY, MAX_LINK, NOTES_KEY, answer_notes, link_problems, link_too_long


def show_notices() -> None:
    """What a page about the current answers must say first: rule files on disk that failed to load (the last
    good rulebook stays active), problems of the share link this session was opened with, and answers reset
    because the rulebook changed."""
    errors = rulebook_errors()
    if errors is not None:
        active = current_rulebook()
        st.warning(
            f"The rule files on disk have {len(errors.problems)} problem(s), so the app keeps using the last "
            f"good rulebook (version {md_literal(active.version)}, {active.short_hash}). Fix them in the "
            "files or on the Rules page:",
            icon=":material/rule:",
        )
        st.code(str(errors), language=None, wrap_lines=True)
    too_long = link_too_long()
    if too_long is not None:
        st.warning(
            f"These answers are too long for the page's address ({too_long:,} characters; a share link is limited "
            f"to {MAX_LINK:,}, what the server accepts with room for the browser's own headers), so the address "
            "does not carry them and a reload would lose them: keep them as an answers file (Export & import).",
            icon=":material/link_off:",
        )
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
