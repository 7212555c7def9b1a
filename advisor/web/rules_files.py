"""The Rules page's History tab (the kept versions of a rule file, each diffed against the file now, and its
restore) and Upload & download tab (the whole rulebook as a zip). Computed by `advisor.authoring.versions`,
`advisor.authoring.history` and `advisor.authoring.bundle`; this module lays out widgets.
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from advisor.access import Permission
from advisor.authoring import bundle as rulezip
from advisor.authoring import history as rulestore
from advisor.authoring.location import Location
from advisor.errors import UserError
from advisor.rulebook.loading import Rulebook
from advisor.web import rulebook_state, rules_drafts, widgets
from advisor.web.display import md_literal as lit
from advisor.web.rules_editor import BASE, EDITOR, RESTORE_VERSION, on_restore
from advisor.web.rules_preview import show_impact, show_problems
from advisor.web.signin import current_actor

ZIP_BASE = "rules:zip-base"  # (the upload's file id, the rulebook hash on disk when the page first showed it)


def show_history(directory: Location, on_disk: rulestore.FileState) -> None:
    """The kept versions of the file `on_disk`, newest first, the chosen one diffed against it, and its restore."""
    filename = on_disk.name
    st.caption(
        lit(
            f"Kept versions of {filename} (choose the file in the Edit tab). A version is kept at every "
            "save, restore and upload, in .history/ inside the rulebook directory (or, for a rulebook "
            "database, as a version of the whole rulebook)."
        )
    )
    show_changes(directory)
    versions = rulestore.kept_versions(directory, filename)
    if not versions:
        st.info(lit(f"No previous version of {filename} is kept yet: one is kept at every save."))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "version": v.number,
                    "kept at (UTC)": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(v.modified)),
                    "bytes": v.size,
                }
                for v in reversed(versions)
            ]
        ),
        key="rules-versions",
        hide_index=True,
    )
    number = st.selectbox("Version to restore", [v.number for v in reversed(versions)], key=RESTORE_VERSION)
    chosen = next(v for v in versions if v.number == number)
    diff = rulestore.unified_diff(on_disk.text, chosen.read(), f"{filename} (now)", f"{filename} (version {number})")
    st.code(diff or "(identical to the current file)", language="diff")
    st.button(
        f"Restore version {number}",
        key="rules-restore",
        on_click=on_restore,
        args=(directory,),
        icon=":material/history:",
        disabled=not current_actor().may(Permission.EDIT_RULES),
        help="Validated first; the version it replaces is kept in turn. Replaces any unsaved edit in the editor.",
    )


def show_changes(directory: Location) -> None:
    """Who changed the rulebook, when and how (every save, restore and install), newest first."""
    log = rulestore.change_log(directory)
    if not log:
        return
    st.markdown("**Changes** (newest first)")
    st.container(key="rules-changes").dataframe(
        pd.DataFrame(
            [
                {
                    "at (UTC)": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(c.at)),
                    "by": c.by,
                    "change": c.action,
                    "files": ", ".join(c.files),
                    "kept as": ", ".join(f"{f} v{n}" for f, n in c.kept.items()),
                    "rulebook version": c.version,
                }
                for c in log
            ]
        ),
        hide_index=True,
    )


def show_zip(directory: Location, active: Rulebook | None) -> None:
    """Download the active rulebook as a zip; upload one, check it completely, preview its impact, install it."""
    if active is not None:
        widgets.download_button(
            st,
            "Download the rulebook (zip)",
            data=rulezip.to_zip(active.texts),
            key="rules-download",
            file_name=f"rulebook-{active.short_hash}.zip",
            mime="application/zip",
            icon=":material/folder_zip:",
        )
    upload = st.file_uploader(
        "Upload a rulebook (zip of questions.yaml, rules.yaml, styles.yaml, scenarios.yaml)",
        type=["zip"],
        key="rules-upload",
        max_upload_size=1,  # MiB, the smallest the uploader takes; the zip's own cap is checked below
        help=f"At most {rulezip.UPLOAD_LIMIT // 1024} KiB. Checked completely before "
        "anything is written; the current files are kept as previous versions.",
    )
    if upload is None:
        return
    raw = upload.getvalue()
    base = upload_base(directory, upload.file_id)
    try:
        uploaded = rulebook_state.build_once(rulezip.read_zip(raw, upload.name), upload.name)
    except UserError as e:
        st.error(lit(f"{upload.name} was refused; nothing was written."), icon=":material/error:")
        show_problems(e.problems, "")
        return
    st.success(
        lit(
            f"{upload.name} is a valid rulebook: {len(uploaded.questions)} questions, "
            f"{len(uploaded.rules)} rules (version {uploaded.version})."
        ),
        icon=":material/check:",
    )
    if rulestore.rulebook_hash(directory) != base:
        st.warning(
            "The rulebook on disk changed since you uploaded this zip (someone else saved): installing it "
            "will be refused. Upload it again to compare it with the rulebook as it is now.",
            icon=":material/sync_problem:",
        )
    if active is not None:
        show_impact(active, uploaded, "rules-upload-impact")
    actor = current_actor()
    may_install = actor.may(Permission.EDIT_RULES)
    if st.button(
        "Install this rulebook",
        key="rules-install",
        type="primary",
        disabled=not may_install,
        help=None if may_install else "Only a rule editor or an admin may install a rulebook.",
    ):
        try:
            result = rulezip.install_zip(directory, raw, base, label=upload.name, by=actor)
        except UserError as e:
            show_problems(e.problems, "")
        else:
            st.session_state.pop(BASE, None)
            rules_drafts.forget_all()  # every file starts again from what was installed
            st.session_state.pop(EDITOR, None)
            st.session_state[ZIP_BASE] = (upload.file_id, rulestore.rulebook_hash(directory))
            changed = ", ".join(f.name for f in result.written) or "nothing (identical)"
            raised = (
                f" The rulebook's version was raised from {result.raised[0]} to {result.raised[1]}."
                if result.raised
                else ""
            )
            st.success(lit(f"Installed; files changed: {changed}. Previous versions are kept.{raised}"))


def upload_base(directory: Location, file_id: str) -> str:
    """The hash of the rulebook on disk when this upload was first shown: what its install is made from, so a
    save by someone else in between makes the install stale (the click's own rerun would see their save)."""
    seen: tuple[str, str] | None = st.session_state.get(ZIP_BASE)
    if seen is None or seen[0] != file_id:
        seen = (file_id, rulestore.rulebook_hash(directory))
        st.session_state[ZIP_BASE] = seen
    return seen[1]
