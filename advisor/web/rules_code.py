"""The Rules page's code editor: Ace (from `streamlit-code-editor`, in the `web` extra) with line numbers, YAML
highlighting and the lines of the draft's problems marked in the gutter; a plain text area when the component
cannot be imported (or `ADVISOR_PLAIN_EDITOR` is set, as the AppTest tests do: AppTest cannot drive a custom
component).

Why a key with a counter: the component keeps its own text once drawn, so a discard, save or load gives it a new
key (`reload`) and it starts again from the draft. Each response it sends carries an id; one is copied into the
draft store once (`take`), at the top of the page's run and in the callbacks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Any

import streamlit as st

from advisor.errors import Problem
from advisor.web import rules_drafts

COUNTER = "rules:editor-counter"  # changed on discard / save / load, so the component reloads its text
TAKEN = "rules:editor-taken"  # the id of the last response copied into the draft store
PLAIN = "ADVISOR_PLAIN_EDITOR"  # set: the plain text area, as when the component is not installed
# Why Ace's github theme and not the component's: every theme the component offers ("default", "light", "dark",
# "contrast") is its streamlit_light/dark CSS, which @imports Source Code Pro from fonts.googleapis.com at each first
# visit; the app fetches nothing from other hosts. `props` is spread last onto the Ace element, so this one wins; it
# is one of the Ace files the component serves itself (from this host).
ACE_THEME = "github"


def component() -> Callable[..., Any] | None:
    """The code editor component, or None when it is not installed (or the plain editor is asked for)."""
    if os.environ.get(PLAIN):
        return None
    try:
        # Why here: an optional part of the `web` extra; the page falls back to the text area without it
        from code_editor import code_editor
    except ImportError:
        return None
    return code_editor


def wanted() -> bool:
    """Whether the code editor was asked for (not turned off with ADVISOR_PLAIN_EDITOR)."""
    return not os.environ.get(PLAIN)


def key(filename: str) -> str:
    """The component's key for `filename` now (changes on `reload`)."""
    return f"rules-code-{filename}-{st.session_state.get(COUNTER, 0)}"


def reload() -> None:
    """Make the component start again from the draft (after a discard, save or load)."""
    st.session_state[COUNTER] = st.session_state.get(COUNTER, 0) + 1


def take(filename: str | None) -> str | None:
    """Copy the component's last response for `filename` into the draft store, once; returns its text if new."""
    if filename is None:
        return None
    response = st.session_state.get(key(filename))
    if not isinstance(response, dict) or not response.get("id") or response.get("id") == st.session_state.get(TAKEN):
        return None
    st.session_state[TAKEN] = response["id"]
    text = str(response.get("text", ""))
    rules_drafts.update(filename, text)
    return text


def gutter_marks(problems: Iterable[Problem], filename: str) -> list[dict[str, Any]]:
    """Ace annotations (gutter marks, rows from 0) for the problems in `filename` that name a line."""
    return [
        {"row": p.line - 1, "column": max((p.column or 1) - 1, 0), "type": "error", "text": p.message}
        for p in problems
        if p.line is not None and (not p.file or PurePath(p.file).name == filename)
    ]


def show(filename: str, text: str, problems: Iterable[Problem], *, read_only: bool) -> None:
    """Draw the editor holding `text` (the draft), with the lines of `problems` marked; read-only if asked."""
    editor = component()
    if editor is None:
        return
    marks = gutter_marks(problems, filename)
    st.caption(f"{filename} (YAML): problem lines are marked in the margin. Click outside or pause to check.")
    with st.container(key="rules-code"):
        # Why the draft as `code` each run: with a key the component keeps its identity (Streamlit) and, without
        # allow_reset, ignores a new `code` once mounted; a fresh mount (back from another page) shows the draft
        editor(
            text,
            lang="yaml",
            height=[24, 32],
            key=key(filename),
            response_mode=["debounce", "blur"],
            # Why no worker: Ace's own YAML worker sets the gutter's annotations too, replacing the draft's problems
            # (or clearing them) whenever it finishes after them; the marks are the rulebook's checks only
            options={
                "readOnly": read_only,
                "showLineNumbers": True,
                "tabSize": 2,
                "useSoftTabs": True,
                "useWorker": False,
            },
            props={"annotations": marks, "readOnly": read_only, "theme": ACE_THEME},
        )
