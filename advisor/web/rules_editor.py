"""The Rules page's editor: one rule file's draft in the session, validated as it is typed, and the save,
restore and reload callbacks, whose outcome is a notice shown once above the tabs.

Everything shown is computed by `advisor.authoring.edit` and `advisor.authoring.history`; this module lays out
widgets and keeps the editor's session state (`BASE`: the file as the edit started from it, `EDITOR`: the draft).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from advisor.access import Permission
from advisor.authoring import edit as ruleedit
from advisor.authoring import history as rulestore
from advisor.authoring.location import Location
from advisor.errors import UserError
from advisor.rulebook.loading import FILES
from advisor.web import rulebook_state, rules_code, rules_drafts, widgets
from advisor.web.display import md_literal as lit
from advisor.web.rules_preview import show_problems
from advisor.web.signin import current_actor

BASE = "rules:base"  # the FileState the editor's current file started from (kept for callers; see rules_drafts)
NOTICE = "rules:notice"  # the outcome of the last save / restore / install, shown once
EDITOR = "rules-editor"
EDITOR_FILE = "rules:editor-file"  # which file's draft the editor widget holds now
FILE = "rules-file"  # the file choice (a widget: refilled from rules_drafts.CHOSEN when Streamlit dropped it)
RESTORE_VERSION = "rules-restore-version"  # the History tab's choice of version


def load_into_editor(directory: Location, filename: str) -> None:
    """Start editing `filename` from what is on disk now (discards its draft). In a callback, or before the
    editor is drawn."""
    draft = rules_drafts.start(directory, filename)
    st.session_state[BASE] = draft.base
    st.session_state[EDITOR] = draft.text
    st.session_state[EDITOR_FILE] = filename
    rules_code.reload()


def on_typed() -> None:
    """Keep what is in the editor as its file's draft. Why a callback: it also runs when the next run is another
    page's (a click on the navigation), so an edit is kept even though the Rules page is not drawn again."""
    filename = st.session_state.get(EDITOR_FILE)
    if rules_code.component() is not None:  # the code editor: its last response, if not taken yet
        rules_code.take(filename)
    elif filename is not None and EDITOR in st.session_state:
        rules_drafts.update(filename, st.session_state[EDITOR])


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
    on_typed()
    base: rulestore.FileState = st.session_state[BASE]
    text = rules_drafts.current(directory, base.name).text.encode()
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


def on_discard(directory: Location) -> None:
    name = st.session_state[BASE].name
    load_into_editor(directory, name)
    st.session_state[NOTICE] = ("saved", f"Discarded your draft of {name}: the editor shows the file on disk.", "")


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


def choose_file() -> str:
    """The file choice, remembered across pages (Streamlit drops the selectbox's own state on another page)."""
    chosen = st.session_state.get(rules_drafts.CHOSEN, "rules.yaml")
    # Why index= and not the widget's state: a value set through session state before the widget showed the
    # wrong file in the browser for a moment after coming back; the index is what a fresh widget starts at
    filename: str = st.selectbox("Rule file", list(FILES), index=list(FILES).index(chosen), key=FILE)
    st.session_state[rules_drafts.CHOSEN] = filename
    others = [f for f in rules_drafts.unsaved_files() if f != filename]
    if others:
        st.caption(lit(f"Unsaved drafts of other files: {', '.join(others)} (choose one above to see it)."))
    return filename


def fill_editor(directory: Location, filename: str) -> tuple[rulestore.FileState, rules_drafts.Draft]:
    """Put this session's draft of `filename` into the editor when the editor does not hold it (another file was
    shown, or Streamlit dropped the widget's state on another page). Returns the file on disk and the draft.
    A draft with no edits follows the file on disk; one with edits keeps its base (so a save is refused)."""
    on_disk = rulestore.read_file(directory, filename)
    draft = rules_drafts.current(directory, filename)
    if not draft.unsaved and draft.base.hash != on_disk.hash:
        draft = rules_drafts.start(directory, filename)
        st.session_state.pop(EDITOR, None)
        rules_code.reload()
    if st.session_state.get(EDITOR_FILE) != filename or EDITOR not in st.session_state:
        st.session_state[EDITOR] = draft.text
        st.session_state[EDITOR_FILE] = filename
    st.session_state[BASE] = draft.base
    return on_disk, draft


def base_words(base: rulestore.FileState) -> str:
    """The file a draft started from, in words: its rulebook version (rules.yaml) and its hash."""
    version = re.search(rb"^version: *(\S+)", base.text, re.M) if base.name == "rules.yaml" else None
    return (f"version {version.group(1).decode('utf-8', 'replace')}, " if version else "") + f"sha256 {base.hash[:12]}"


def show_editor(directory: Location) -> tuple[rulestore.FileState, ruleedit.Draft]:
    """The Edit tab's file choice, editor, validation and Save / Discard / Download buttons. Returns the chosen
    file as it is on disk now and the draft in the editor, checked."""
    filename = choose_file()
    code = rules_code.component()
    if code is not None:  # the code editor's last response first: a draft with edits keeps its base in fill_editor
        rules_code.take(filename)
    on_disk, kept = fill_editor(directory, filename)
    base = kept.base
    stale = on_disk.hash != base.hash
    if stale:
        st.warning(
            lit(
                f"{filename} was changed on disk since you opened it (your draft started from {base_words(base)}; "
                f"on disk now: {base_words(on_disk)}): saving this draft will be refused. Download your edit "
                "below if you want to keep it, then load the version on disk."
            ),
            icon=":material/sync_problem:",
        )
        st.button(
            "Load the version on disk (discards your edit)", key="rules-reload", on_click=on_reload, args=(directory,)
        )

    may_edit = current_actor().may(Permission.EDIT_RULES)
    if code is None:
        text = st.text_area(
            f"{filename} (YAML)",
            key=EDITOR,
            height=480,
            on_change=on_typed,
            help="Edit the YAML; problems are shown below as you go (press Ctrl+Enter or click "
            "outside the editor to check). Your draft is kept while you visit other pages, until you save or "
            "discard it.",
        )
        rules_drafts.update(filename, text)
        if rules_code.wanted():
            st.caption(
                "The code editor (`streamlit-code-editor`, in the `web` extra) is not installed: a plain text box."
            )
    else:
        text = rules_drafts.current(directory, filename).text
    checked = ruleedit.draft(directory, filename, text.encode(), build=rulebook_state.build_once)
    if code is not None:
        rules_code.show(filename, text, checked.problems, read_only=not may_edit)
    unchanged = text.encode() == base.text
    with st.container(key="rules-draft-state"):
        if unchanged:
            st.caption(lit(f"No unsaved changes: the editor shows {filename} ({base_words(base)})."))
        else:
            st.info(
                lit(f"Draft, not saved: your edit of {filename}, started from {base_words(base)}."),
                icon=":material/edit_note:",
            )
    draft = checked
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

    save_col, discard_col, download_col = st.columns(3)
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
    discard_col.button(
        "Discard my draft",
        key="rules-discard",
        on_click=on_discard,
        args=(directory,),
        icon=":material/delete:",
        disabled=unchanged,
        help="Forget your unsaved edit of this file; the editor shows the file on disk again.",
    )
    widgets.download_button(
        download_col,
        "Download my edit",
        data=text.encode(),
        file_name=filename,
        key="rules-download-draft",
        mime="application/yaml",
        icon=":material/download:",
    )
    return on_disk, draft
