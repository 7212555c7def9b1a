"""Saved assessments: save the current assessment under a name (every save a new version), list them, open one
(any version) into the questionnaire, see its history, rename, delete, export its answers; and re-evaluate them
all against the current rulebook to see which recommendations changed."""

import pandas as pd
import streamlit as st

from advisor.access import Permission
from advisor.engine.answers import revalidate
from advisor.errors import UserError
from advisor.rulebook.formats import STYLES
from advisor.web import display, notices, rulebook_state, session, signin, widgets
from advisor.web.stored import open_or_stop, read

NOTICE = "saved:notice"  # (kind, message) from the last action
REEVALUATION = "saved:reevaluation"
OPENED = "saved:opened"  # (id, name, workflow) of the assessment last opened or saved in this session

rulebook = rulebook_state.current_rulebook()
lit = display.md_literal
names = {s: getattr(rulebook.styles, s).name for s in STYLES}

st.title("Saved assessments")
notices.show_notices()
signin.show_account()  # Sign in / Sign out and your role (drawn by the pages where a role matters: see rules.py)

store, url = open_or_stop()
st.caption(f"Stored in {lit(url)} (set ADVISOR_DB_URL to use another database, e.g. a team's PostgreSQL).")


def stamp(version) -> str:
    return version.saved_at.strftime("%Y-%m-%d %H:%M UTC")


def notify(kind: str, message: str) -> None:
    st.session_state[NOTICE] = (kind, message)


# ---------------------------------------------------------------- save the current assessment
answers = session.current_answers()
ev = session.current_assessment().evaluation
opened: tuple[int, str, str | None] | None = st.session_state.get(OPENED)
if "saved-name" not in st.session_state:  # Why: the answers opened (or saved) from an assessment save under its name,
    # while they describe the same workflow; other answers (imported, a portfolio row) under their workflow's name
    if opened is not None and opened[2] == answers.workflow:
        st.session_state["saved-name"] = opened[1]
    else:
        st.session_state["saved-name"] = answers.workflow or ""


def on_save() -> None:
    name, note = st.session_state["saved-name"], st.session_state.get("saved-note", "")
    try:
        saved = store.save(name, session.current_assessment(), rulebook, note, by=signin.current_actor())
    except UserError as e:
        notify("error", f"Not saved: {display.error_text(e)}")
        return
    st.session_state["saved-note"] = ""
    st.session_state["saved-select"] = saved.id
    st.session_state[OPENED] = (saved.id, saved.name, saved.answers.workflow)
    st.session_state.pop("saved-version", None)
    if saved.unchanged:
        kept = "; the note was not kept" if note.strip() else ""
        notify("info", f"No change since version {saved.version.number} of “{saved.name}”: no version added{kept}.")
        return
    notify("success", f"Saved version {saved.version.number} of “{saved.name}”.")


actor = signin.current_actor()  # the store checks it again at every write
with st.container(border=True, key="saved-save-box"):
    st.subheader("Save the current assessment", anchor=False)
    may_save = signin.read_only_notice(Permission.SAVE, "Saving")
    st.markdown(
        f"Current answers: **{lit(names[ev.style])}**, confidence {ev.confidence:.2f}, "
        f"{len(ev.given)} answers given, {len(ev.steps)} steps."
    )
    name_col, note_col = st.columns(2)
    name_col.text_input(
        "Name",
        key="saved-name",
        max_chars=200,
        help="Saving under a name that exists adds a new version to that assessment.",
    )
    note_col.text_input(
        "Note for this version (optional)", key="saved-note", max_chars=2000, placeholder="e.g. after the design review"
    )
    st.button("Save", key="saved-save", type="primary", icon=":material/save:", on_click=on_save, disabled=not may_save)

notice = st.session_state.pop(NOTICE, None)
if notice:
    kind, message = notice
    {"success": st.success, "info": st.info}.get(kind, st.error)(lit(message), icon=":material/info:")

# ---------------------------------------------------------------- the list
summaries = read(store.list_all)
st.subheader("Saved", anchor=False)
if not summaries:
    st.info("Nothing saved yet. Answer the questionnaire, then save it above.", icon=":material/inventory_2:")
    st.stop()
by_id = {s.id: s for s in summaries}
st.container(key="saved-list").dataframe(
    pd.DataFrame(
        [
            {
                "name": s.name,
                "owner": s.owner or "(not recorded)",
                "versions": s.versions,
                "last saved": stamp(s.latest),
                "style": names[s.latest.style],
                "confidence": s.latest.confidence,
                "rulebook": s.latest.rulebook_version,
            }
            for s in summaries
        ]
    ),
    hide_index=True,
    column_config={
        "confidence": st.column_config.ProgressColumn("confidence", min_value=0.0, max_value=1.0, format="%.2f")
    },
)

if st.session_state.get("saved-select") not in by_id:  # the first visit, or the one selected was deleted
    st.session_state["saved-select"] = opened[0] if opened and opened[0] in by_id else summaries[0].id
    st.session_state.pop("saved-version", None)
chosen = st.selectbox("Assessment", list(by_id), key="saved-select", format_func=lambda i: by_id[i].name)
history = read(store.history, chosen)
numbers = [v.number for v in history]
if st.session_state.get("saved-version") not in numbers:
    st.session_state["saved-version"] = numbers[0]


def open_in_questionnaire() -> None:
    """Load the chosen version's answers and go to the questionnaire, which says what was opened."""
    try:
        saved = store.open(chosen, st.session_state["saved-version"])
    except UserError as e:
        notify("error", f"Not opened: {display.error_text(e)}")
        st.rerun()
    fitted, dropped = revalidate(saved.answers, rulebook)
    session.set_answers(fitted)
    st.session_state[OPENED] = (saved.id, saved.name, fitted.workflow)
    opened_note = f"Opened version {saved.version.number} of “{saved.name}” from Saved assessments."
    st.session_state[session.NOTES_KEY] = (opened_note, *dropped)  # shown first on the questionnaire
    st.switch_page("pages/questionnaire.py")


def on_rename() -> None:
    try:
        store.rename(chosen, st.session_state.get("saved-new-name", ""), by=signin.current_actor())
    except UserError as e:
        notify("error", f"Not renamed: {display.error_text(e)}")
        return
    notify("success", f"Renamed to “{st.session_state['saved-new-name'].strip()}”.")
    st.session_state["saved-new-name"] = ""


def on_delete() -> None:
    name = by_id[chosen].name
    try:
        store.delete(chosen, by=signin.current_actor())
    except UserError as e:
        notify("error", f"Not deleted: {display.error_text(e)}")
        return
    st.session_state["saved-delete-confirm"] = False
    notify("success", f"Deleted “{name}” and its versions.")


with st.container(border=True, key="saved-detail"):
    st.subheader(lit(by_id[chosen].name), anchor=False)
    st.markdown("**History** (newest first)")
    st.container(key="saved-history").dataframe(
        pd.DataFrame(
            [
                {
                    "version": v.number,
                    "saved": stamp(v),
                    "style": names[v.style],
                    "confidence": v.confidence,
                    "rulebook": f"{v.rulebook_version} ({v.rulebook_hash[:12]})",
                    "note": v.note,
                }
                for v in history
            ]
        ),
        hide_index=True,
    )
    version = st.selectbox(
        "Version",
        numbers,
        key="saved-version",
        format_func=lambda n: f"Version {n} ({stamp(history[numbers.index(n)])})",
    )
    saved = read(store.open, chosen, version)
    st.markdown(
        f"Version {saved.version.number}: **{lit(names[saved.version.style])}**, confidence "
        f"{saved.version.confidence:.2f}, {len(saved.answers.traits)} answers, "
        f"{len(saved.answers.steps)} steps" + (f" — {lit(saved.version.note)}" if saved.version.note else "")
    )
    if saved.version.rulebook_hash != rulebook.hash:
        st.caption(
            "Saved under another rulebook version; opening it evaluates the answers under the current one "
            "(see *Re-evaluate all* below for what changes)."
        )
    open_col, export_col = st.columns(2)
    if open_col.button(
        "Open in the questionnaire",
        key="saved-open",
        icon=":material/open_in_new:",
        width="stretch",
        help="Replace the current answers with this version's and go to the questionnaire.",
    ):
        open_in_questionnaire()
    widgets.download_button(
        export_col,
        "Export answers (YAML)",
        read(store.export_yaml, chosen, version),
        f"{display.file_stem(saved.name)}.v{version}.answers.yaml",
        "application/yaml",
        key="saved-export",
        icon=":material/download:",
        width="stretch",
    )
    may_manage = actor.may_manage(by_id[chosen].owner)
    if not may_manage:
        st.caption(
            lit(f"Only its owner ({by_id[chosen].owner or 'not recorded'}) or an admin may rename or delete it.")
        )
    rename_col, rename_button = st.columns([3, 1], vertical_alignment="bottom")
    rename_col.text_input("New name", key="saved-new-name", max_chars=200, disabled=not may_manage)
    rename_button.button(
        "Rename",
        key="saved-rename",
        icon=":material/edit:",
        width="stretch",
        on_click=on_rename,
        disabled=not may_manage,
    )
    count = by_id[chosen].versions
    confirm = st.checkbox(
        f"Yes, delete “{lit(by_id[chosen].name)}” and its {count} version(s)",
        key="saved-delete-confirm",
        disabled=not may_manage,
    )
    st.button(
        "Delete",
        key="saved-delete",
        icon=":material/delete:",
        disabled=not (confirm and may_manage),
        on_click=on_delete,
    )

# ---------------------------------------------------------------- re-evaluate all
with st.container(border=True, key="saved-reevaluate-box"):
    st.subheader("Re-evaluate all against the current rulebook", anchor=False)
    st.caption(
        f"The latest version of every saved assessment under the active rulebook (version "
        f"{lit(rulebook.version)}, {rulebook.short_hash}): which recommendations change, and the rules "
        "behind it."
    )
    if st.button("Re-evaluate all", key="saved-reevaluate", icon=":material/sync:"):
        from advisor.saved.reevaluation import reevaluate_all

        st.session_state[REEVALUATION] = (rulebook.hash, read(reevaluate_all, store, rulebook))
    if REEVALUATION in st.session_state:
        digest, results = st.session_state[REEVALUATION]
        if digest != rulebook.hash:
            st.caption("The rulebook changed since; re-evaluate again.")
        changed = [r for r in results if r.change == "style"]
        st.markdown(
            f"**{len(changed)} of {len(results)} recommendations change** "
            f"({sum(r.change == 'confidence' for r in results)} change only in confidence)."
        )
        st.container(key="saved-reevaluation").dataframe(
            pd.DataFrame(
                [
                    {
                        "assessment": r.name,
                        "version": r.version,
                        "saved": f"{names[r.saved_style]} ({r.saved_confidence:.2f})",
                        "saved under": r.saved_rulebook,
                        "now": f"{names[r.style]} ({r.confidence:.2f})",
                        "change": r.change or "-",
                        "rules now firing": ", ".join(r.started),
                        "rules no longer firing": ", ".join(r.stopped),
                        "answers reset": ", ".join(r.dropped),
                        "rule definitions changed": ", ".join(f"{c.kind} {c.id} ({c.status})" for c in r.rule_changes),
                    }
                    for r in results
                ]
            ),
            hide_index=True,
        )
