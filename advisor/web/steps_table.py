"""The questionnaire's steps table: edited as a draft and applied to the answers in one go.

Why a draft: when every committed cell reran the whole page (questions, preview diagram, recommendation), a new
user measured 3.5-5 s per step added. Now the table's cell edits stay in the browser (`on_change="ignore"`: no
rerun at all); "Add step", "Move up", "Move down" and "Delete step" rerun only this fragment; "Apply steps" stores
the steps and reruns the page once, so the preview, the questions and the recommendation update together.
Answering a question meanwhile keeps the draft as it is, unapplied (the table says so).

Why up/down buttons for the order: the steps are the workflow's sequence, and the data editor can neither drag
rows nor report which row is selected; picking a step by its number and name and moving it one place per click
is what list editors offer (an order column to renumber would make every move a two-cell edit and leave ties).
The picked step follows its move, so repeated clicks keep moving the same step.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from advisor.engine.answers import Answers
from advisor.web import display, form, session, widgets

ADD_KEY = "steps-add"
APPLY_KEY = "steps-apply"
PICK_KEY = "move-step"
UP_KEY = "move-up"
DOWN_KEY = "move-down"
DELETE_KEY = "steps-delete"

_COLUMNS: dict[str, Any] = {
    "service": st.column_config.TextColumn(
        "Service", width=180, required=True, max_chars=200, help="The service that performs the step, e.g. Payment"
    ),
    "action": st.column_config.TextColumn(
        "Action", width=220, required=True, max_chars=200, help="What it does, e.g. Authorize card"
    ),
    "reaction": st.column_config.CheckboxColumn(
        "Reaction", width=90, default=False, help="The core flow need not wait for this step (one click on the box)"
    ),
    "compensation": st.column_config.TextColumn(
        "Compensation", max_chars=200, help="How the step is undone when a later step fails"
    ),
    "event": st.column_config.TextColumn(
        "Event (optional)", max_chars=200, help="The event the step publishes, e.g. CardAuthorized"
    ),
    "team": st.column_config.TextColumn(
        "Team (optional)", max_chars=200, help="The team that owns the service, e.g. Payments team"
    ),
    "context": st.column_config.TextColumn(
        "Context (optional)",
        max_chars=200,
        help="The service's bounded context, e.g. Billing: steps in another context than the core's react to "
        "events in a hybrid",
    ),
}


def draft_rows() -> tuple[dict[str, Any], ...]:
    """The table as the user last sent it: the editor's starting rows with its pending edits."""
    editor: widgets.StepsEditor = st.session_state[widgets.STEPS_EDITOR_KEY]
    return form.edited_rows(editor.rows, st.session_state.get(editor.key))


def _restart(rows: tuple[dict[str, Any], ...]) -> None:
    """A fresh editor (a new widget key) starting from `rows`: the way to change the rows it shows."""
    editor: widgets.StepsEditor = st.session_state[widgets.STEPS_EDITOR_KEY]
    st.session_state[widgets.STEPS_EDITOR_KEY] = widgets.StepsEditor(editor.version + 1, rows, restarted=True)


def _add() -> None:
    _restart((*draft_rows(), form.blank_row()))


def _move(delta: int) -> None:
    rows, index = draft_rows(), st.session_state.get(PICK_KEY) or 0
    _restart(form.move_step(rows, index, delta))
    st.session_state[PICK_KEY] = min(max(index + delta, 0), len(rows) - 1)  # the picked step follows its move


def _delete() -> None:
    rows, index = draft_rows(), st.session_state.get(PICK_KEY) or 0
    kept = tuple(r for i, r in enumerate(rows) if i != index)
    _restart(kept)
    st.session_state[PICK_KEY] = min(index, max(len(kept) - 1, 0))


def _apply() -> None:
    steps, _ = form.rows_to_steps(list(draft_rows()))
    answers = session.current_answers()
    session.store_answers(Answers(answers.traits, steps, answers.workflow, answers.observed))


@st.fragment
def steps_editor() -> None:
    """The table, its notes and its buttons; reruns on its own except when the steps are applied."""
    editor: widgets.StepsEditor = st.session_state[widgets.STEPS_EDITOR_KEY]
    if editor.restarted:  # drawn now: from here on, its widget state is the draft
        st.session_state[widgets.STEPS_EDITOR_KEY] = editor = widgets.StepsEditor(editor.version, editor.rows)
    frame = pd.DataFrame(list(editor.rows), columns=list(form.STEP_COLUMNS))
    # Why a nullable boolean: a row added in the grid arrives without its reaction, which a plain bool column cannot
    # hold; pandas warns that this will raise (the page would then fail for whoever adds a row that way). Why a
    # column assigned, not `astype`: 0.26 ms of each run against 1.4
    frame["reaction"] = pd.array([form.reaction_cell(row["reaction"]) for row in editor.rows], dtype="boolean")
    edited = st.data_editor(
        frame,
        key=editor.key,
        num_rows="dynamic",
        on_change="ignore",
        hide_index=True,
        width="stretch",
        placeholder="",
        column_config=_COLUMNS,
    )
    rows = tuple(edited.to_dict("records"))  # an added row's reaction is <NA>: `form.rows_to_steps` reads it as None
    steps, notes = form.rows_to_steps(list(rows))
    for note in notes:
        st.warning(display.md_literal(note), icon=":material/edit_note:")
    applied = session.current_answers().steps
    add, apply, status = st.columns([1, 1, 3], vertical_alignment="center")
    add.button("Add step", key=ADD_KEY, icon=":material/add:", width="stretch", on_click=_add)
    if apply.button(
        "Apply steps", key=APPLY_KEY, icon=":material/check:", type="primary", width="stretch", on_click=_apply
    ):
        st.rerun(scope="app")  # Why: the preview, the questions and the recommendation follow the new steps
    with status:
        if steps == applied:
            st.caption(f"The recommendation uses these {len(steps)} steps.")
        else:
            st.caption(
                f"**Not applied yet**: the recommendation still uses {len(applied)} steps. Edits in the table "
                "count once you press *Apply steps*."
            )
    _reorder(rows)


def _reorder(rows: tuple[dict[str, Any], ...]) -> None:
    """Pick a step; move it up or down one place, or delete it."""
    if not rows:
        return
    if (st.session_state.get(PICK_KEY) or 0) >= len(rows):
        st.session_state[PICK_KEY] = len(rows) - 1
    index = st.session_state.get(PICK_KEY) or 0
    pick, up, down, delete = st.columns([4, 1, 1, 1], vertical_alignment="bottom")
    pick.selectbox(
        "Step to move or delete",
        range(len(rows)),
        key=PICK_KEY,
        format_func=lambda i: form.row_label(i, rows[i]),  # Why no markdown escape: a selectbox shows plain text
    )
    up.button(
        "Move up",
        key=UP_KEY,
        icon=":material/arrow_upward:",
        width="stretch",
        disabled=index == 0,
        on_click=_move,
        args=(-1,),
    )
    down.button(
        "Move down",
        key=DOWN_KEY,
        icon=":material/arrow_downward:",
        width="stretch",
        disabled=index == len(rows) - 1,
        on_click=_move,
        args=(1,),
    )
    delete.button("Delete step", key=DELETE_KEY, icon=":material/delete:", width="stretch", on_click=_delete)
