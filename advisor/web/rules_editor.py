"""The Rules page's editor: one rule file's draft in the session, validated as it is typed, and the save,
restore and reload callbacks, whose outcome is a notice shown once above the tabs.

Everything shown is computed by `advisor.authoring.edit` and `advisor.authoring.history`; this module lays out
widgets and keeps the editor's session state (`BASE`: the file as the edit started from it, `EDITOR`: the draft).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from advisor.access import Permission
from advisor.authoring import edit as ruleedit
from advisor.authoring import history as rulestore
from advisor.authoring.location import Location
from advisor.errors import UserError
from advisor.rulebook.loading import FILES
from advisor.web import rulebook_state
from advisor.web.display import md_literal as lit
from advisor.web.rules_preview import show_problems
from advisor.web.signin import current_actor

BASE = "rules:base"  # the FileState the editor started from
NOTICE = "rules:notice"  # the outcome of the last save / restore / install, shown once
EDITOR = "rules-editor"
RESTORE_VERSION = "rules-restore-version"  # the History tab's choice of version


def load_into_editor(directory: Location, filename: str) -> None:
    """Start editing `filename` from what is on disk now (discards the draft)."""
    state = rulestore.read_file(directory, filename)
    st.session_state[BASE] = state
    st.session_state[EDITOR] = state.text.decode("utf-8", "replace")


def attempt(verb: str, write: Callable[[], rulestore.SaveResult]) -> rulestore.SaveResult | None:
    """Run a save or a restore; a refusal becomes the notice shown above the tabs (and None is returned)."""
    try:
        return write()
    except rulestore.StaleEditError as e:
        st.session_state[NOTICE] = ("stale", e.problems[0].message, e.diff)
    except UserError as e:
        st.session_state[NOTICE] = ("error", f"Not {verb}: " + "; ".join(str(p) for p in e.problems), "")
    return None


def on_save(directory: Location) -> None:
    base: rulestore.FileState = st.session_state[BASE]
    text = st.session_state[EDITOR].encode()
    by = current_actor()
    result = attempt("saved", lambda: rulestore.save(directory, base.name, text, base.hash, base_text=base.text, by=by))
    if result is not None:
        # Why reload the draft: the save may have raised rules.yaml's version, so the file on disk is the truth
        load_into_editor(directory, base.name)
        kept = f" The previous version is kept as version {result.kept[0].number}." if result.kept else ""
        st.session_state[NOTICE] = ("saved", f"Saved {base.name}.{kept}{raised_text(result)}", "")


def on_restore(directory: Location) -> None:
    base: rulestore.FileState = st.session_state[BASE]
    version = st.session_state.get(RESTORE_VERSION)
    by = current_actor()
    result = attempt("restored", lambda: rulestore.restore(directory, base.name, version, base_hash=base.hash, by=by))
    if result is not None:
        load_into_editor(directory, base.name)
        kept = f" The replaced version is kept as version {result.kept[0].number}." if result.kept else ""
        st.session_state[NOTICE] = (
            "saved",
            f"Restored version {version} of {base.name}.{kept}{raised_text(result)}",
            "",
        )


def raised_text(result: rulestore.SaveResult) -> str:
    """The sentence saying that a save raised the rulebook's version (every result records it), or nothing."""
    if result.raised is None:
        return ""
    before, after = result.raised
    return f" The rulebook's version was raised from {before} to {after}."


def on_reload(directory: Location) -> None:
    load_into_editor(directory, st.session_state[BASE].name)
    st.session_state.pop(NOTICE, None)


def show_notice() -> None:
    """The outcome of the last save, restore or reload, once: above the tabs, so it is seen from any of them."""
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        kind, message, diff = notice
        if kind == "saved":
            st.success(lit(message), icon=":material/check_circle:")
        elif kind == "stale":
            st.error(lit(message), icon=":material/sync_problem:")
            if diff:
                st.code(diff, language="diff")
        else:
            st.error(lit(message), icon=":material/error:")


def show_editor(directory: Location) -> tuple[rulestore.FileState, ruleedit.Draft]:
    """The Edit tab's file choice, editor, validation and Save / Download buttons. Returns the chosen file as it
    is on disk now and the draft in the editor."""
    filename = st.selectbox("Rule file", list(FILES), index=list(FILES).index("rules.yaml"), key="rules-file")
    if st.session_state.get(BASE) is None or st.session_state[BASE].name != filename:
        load_into_editor(directory, filename)
    base: rulestore.FileState = st.session_state[BASE]

    on_disk = rulestore.read_file(directory, filename)
    if on_disk.hash != base.hash:
        st.warning(
            "This file was changed on disk since you opened it; saving will be refused. Download your "
            "edit below if you want to keep it, then load the version on disk.",
            icon=":material/sync_problem:",
        )
        st.button(
            "Load the version on disk (discards your edit)", key="rules-reload", on_click=on_reload, args=(directory,)
        )

    text = st.text_area(
        f"{filename} (YAML)",
        key=EDITOR,
        height=480,
        help="Edit the YAML; problems are shown below as you go (press Ctrl+Enter or click "
        "outside the editor to check).",
    )
    draft = ruleedit.draft(directory, filename, text.encode(), build=rulebook_state.build_once)
    unchanged = text.encode() == base.text
    if draft.rulebook is not None:
        rb = draft.rulebook
        st.success(
            lit(
                f"Valid: {len(rb.questions)} questions, {len(rb.rules)} rules, {len(rb.scenarios)} "
                "scenarios." + (" No changes yet." if unchanged else " Not saved yet.")
            ),
            icon=":material/check_circle:",
        )
    else:
        st.error(
            lit(
                f"{len(draft.problems)} problem{'s' if len(draft.problems) != 1 else ''}: the file cannot be "
                "saved until they are fixed."
            ),
            icon=":material/error:",
        )
        show_problems(draft.problems, filename)

    save_col, download_col = st.columns(2)
    may_edit = current_actor().may(Permission.EDIT_RULES)
    save_col.button(
        "Save",
        key="rules-save",
        type="primary",
        on_click=on_save,
        args=(directory,),
        icon=":material/save:",
        disabled=unchanged or not draft.valid or not may_edit,
        help="Validates the whole rulebook again, refuses if someone saved meanwhile, keeps the previous version."
        if may_edit
        else "Only a rule editor or an admin may save (see the note above the tabs).",
    )
    download_col.download_button(
        "Download my edit",
        data=text.encode(),
        file_name=filename,
        key="rules-download-draft",
        mime="application/yaml",
        icon=":material/download:",
    )
    return on_disk, draft
