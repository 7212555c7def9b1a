"""The questionnaire's widgets: seeded from the session's answers, so a widget always shows the stored answer; and
`download_button`, the one way the app draws a download.

Why: Streamlit drops a widget's state while another page is shown; the stored answers are the truth, and every
widget without state gets its answer back before the questionnaire draws it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from advisor.engine.answers import Answers
from advisor.rulebook.loading import Rulebook
from advisor.web import form

STEPS_EDITOR_KEY = "advisor:steps-editor"
WORKFLOW_WIDGET = "workflow-name"


@dataclass(frozen=True)
class StepsEditor:
    """The rows the steps table editor starts from; a new `version` gives the editor a fresh widget key.
    `restarted`: made by a table action (add, move, delete) from the draft, and kept until it is drawn."""

    version: int
    rows: tuple[dict, ...]
    restarted: bool = False

    @property
    def key(self) -> str:
        return f"steps-editor-{self.version}"


def show_answers(answers: Answers, rulebook: Rulebook) -> None:
    """Put `answers` into every question's widget, the workflow name and a fresh steps editor (an import, a link)."""
    for q in rulebook.questions.values():
        set_widget(q.id, form.widget_value(q, answers))
    set_widget(WORKFLOW_WIDGET, answers.workflow or "")
    previous: StepsEditor | None = st.session_state.get(STEPS_EDITOR_KEY)
    st.session_state[STEPS_EDITOR_KEY] = StepsEditor(
        (previous.version + 1) if previous else 0, tuple(form.steps_to_rows(answers.steps))
    )


def set_widget(key: str, value: object) -> None:
    # Why suppressed: a widget already drawn in this run cannot be changed; the stored answers are still right
    # and the widget is re-seeded from them the next time the questionnaire is drawn.
    with contextlib.suppress(StreamlitAPIException):
        st.session_state[key] = value


def seed_questionnaire(answers: Answers, rulebook: Rulebook) -> StepsEditor:
    """Before the questionnaire draws its widgets: give every widget without state (first visit, or state
    dropped by Streamlit while another page was shown) the stored answer. Returns the steps editor to draw."""
    present = set(st.session_state.keys())  # Why once: each `in st.session_state` copies the whole state
    for q in rulebook.questions.values():
        if q.id not in present:
            st.session_state[q.id] = form.widget_value(q, answers)
    if WORKFLOW_WIDGET not in present:
        st.session_state[WORKFLOW_WIDGET] = answers.workflow or ""
    editor: StepsEditor | None = st.session_state.get(STEPS_EDITOR_KEY)
    if editor is None or (editor.key not in present and not editor.restarted):
        # Why: the editor's widget state holds edits relative to its starting rows; without it (another page
        # was shown) the stored steps are the truth, so the editor starts from them.
        editor = StepsEditor((editor.version + 1) if editor else 0, tuple(form.steps_to_rows(answers.steps)))
        st.session_state[STEPS_EDITOR_KEY] = editor
    return editor


def download_button(where: Any, label: str, data: Any, file_name: str, mime: str, **options: Any) -> None:
    """`where.download_button(...)` (`where`: `st` or a column) as every download of the app is drawn: pressing it
    starts no rerun.

    Why on_click="ignore": a download changes nothing on any page, and the rerun Streamlit starts by default
    discards the files of deferred buttons (`data` a callable) while one is still being fetched: in Chromium, a
    second download clicked during that rerun never came ("Deferred file ... not found" in the server's log) and
    the buttons stayed disabled for over 30 s (tests/e2e/test_web_app.py)."""
    where.download_button(label, data, file_name, mime, on_click="ignore", **options)
