"""The Rules editor's drafts: one per rule file, kept in the browser session until it is saved or discarded.

Why a store of our own: Streamlit drops a widget's state when a run does not draw it, so going to another page
and back emptied the editor (and lost an unsaved edit). The draft lives here, under a key that is not a widget's,
and the editor widget is filled from it whenever Streamlit has dropped the widget's own state.

A draft is the text being edited and the `FileState` it was started from (its base): a save sends that base's hash,
so a draft whose file changed on disk meanwhile is refused by the stale-save check, whenever it is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from advisor.authoring import history as rulestore
from advisor.authoring.location import Location

DRAFTS = "rules:drafts"  # {file name: Draft}: not a widget key, so it survives going to another page
CHOSEN = "rules:chosen-file"  # the file last chosen in the editor (the selectbox's own state is dropped likewise)


@dataclass(frozen=True)
class Draft:
    """The text in the editor for one file and the file as it was when the edit started from it."""

    base: rulestore.FileState
    text: str

    @property
    def unsaved(self) -> bool:
        """True when the text differs from the file it started from."""
        return self.text.encode() != self.base.text


def _drafts() -> dict[str, Draft]:
    drafts: dict[str, Draft] | None = st.session_state.get(DRAFTS)
    if drafts is None:
        drafts = {}
        st.session_state[DRAFTS] = drafts
    return drafts


def start(directory: Location, filename: str) -> Draft:
    """A draft of `filename` as it is on disk now (any draft of it is discarded)."""
    state = rulestore.read_file(directory, filename)
    draft = Draft(state, state.text.decode("utf-8", "replace"))
    _drafts()[filename] = draft
    return draft


def current(directory: Location, filename: str) -> Draft:
    """This session's draft of `filename`, started from the file on disk if there is none yet."""
    draft = _drafts().get(filename)
    return draft if draft is not None else start(directory, filename)


def get(filename: str) -> Draft | None:
    """This session's draft of `filename`, or None."""
    return _drafts().get(filename)


def update(filename: str, text: str) -> None:
    """Keep `text` as the draft of `filename` (its base unchanged)."""
    draft = _drafts().get(filename)
    if draft is not None and draft.text != text:
        _drafts()[filename] = Draft(draft.base, text)


def unsaved_files() -> list[str]:
    """The files with an unsaved draft, in the order they were first edited."""
    return [name for name, d in _drafts().items() if d.unsaved]


def forget_all() -> None:
    """Drop every draft (after a whole rulebook was installed: each file starts again from disk)."""
    st.session_state.pop(DRAFTS, None)
