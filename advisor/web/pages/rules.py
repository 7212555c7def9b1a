"""Rules: browse the rulebook, edit a rule file with live validation, run its scenarios, preview the impact of the
edit on scenarios and example answers, save (refused when stale or invalid), restore a kept version, and move a
whole rulebook in and out as a zip.

Everything shown is computed by `advisor.authoring.edit`, `advisor.authoring.history` and `advisor.authoring.bundle`; this file lays out
widgets. The rulebook directory is `$ADVISOR_RULES` (or rules/); `advisor.web.ui` hot-reloads it.
"""
import time

import pandas as pd
import streamlit as st

from advisor.authoring import edit as ruleedit
from advisor.authoring import history as rulestore
from advisor.authoring import bundle as rulezip
from advisor.web import display
from advisor.web import rulebook_state
from advisor.web import session
from advisor.errors import UserError
from advisor.rulebook.loading import FILES, default_rules_dir
from advisor.authoring.diff import Case
from advisor.engine.scenarios import run_scenarios

BASE = "rules:base"  # the FileState the editor started from
NOTICE = "rules:notice"  # the outcome of the last save / restore / install, shown once
EDITOR = "rules-editor"

directory = default_rules_dir()
active = rulebook_state.last_good_rulebook()  # None when the files on disk were never valid: fix them here
lit = display.md_literal


def load_into_editor(filename: str) -> None:
    """Start editing `filename` from what is on disk now (discards the draft)."""
    state = rulestore.read_file(directory, filename)
    st.session_state[BASE] = state
    st.session_state[EDITOR] = state.text.decode("utf-8", "replace")


def attempt(verb: str, write):
    """Run a save or a restore; a refusal becomes the notice shown above the tabs (and None is returned)."""
    try:
        return write()
    except rulestore.StaleEditError as e:
        st.session_state[NOTICE] = ("stale", e.problems[0].message, e.diff)
    except UserError as e:
        st.session_state[NOTICE] = ("error", f"Not {verb}: " + "; ".join(str(p) for p in e.problems), "")
    return None


def on_save() -> None:
    base: rulestore.FileState = st.session_state[BASE]
    text = st.session_state[EDITOR].encode()
    result = attempt("saved", lambda: rulestore.save(directory, base.name, text, base.hash, base_text=base.text))
    if result is not None:
        st.session_state[BASE] = rulestore.read_file(directory, base.name)
        kept = f" The previous version is kept as version {result.kept[0].number}." if result.kept else ""
        st.session_state[NOTICE] = ("saved", f"Saved {base.name}.{kept}", "")


def on_restore() -> None:
    base: rulestore.FileState = st.session_state[BASE]
    version = st.session_state.get("rules-restore-version")
    result = attempt("restored", lambda: rulestore.restore(directory, base.name, version, base_hash=base.hash))
    if result is not None:
        load_into_editor(base.name)
        kept = f" The replaced version is kept as version {result.kept[0].number}." if result.kept else ""
        st.session_state[NOTICE] = ("saved", f"Restored version {version} of {base.name}.{kept}", "")


def on_reload() -> None:
    load_into_editor(st.session_state[BASE].name)
    st.session_state.pop(NOTICE, None)


def show_problems(problems, filename: str) -> None:
    for problem in problems:
        st.error(lit(ruleedit.problem_line(problem, filename)), icon=":material/error:")


def show_impact(old, new, key: str) -> None:
    extra = []
    if session.ANSWERS_KEY in st.session_state:  # the answers given in this session, if any
        answers = session.current_answers()
        extra.append(Case(f"your answers ({answers.workflow or 'this session'})", "answers", dict(answers.traits)))
    if st.checkbox("Include saved assessments (the latest version of each)", key=f"{key}-saved"):
        try:
            extra += ruleedit.saved_cases()
        except ImportError:
            st.info("Saved assessments need the `store` extra: `pip install 'coordination-advisor[store]'`.")
        except UserError as e:
            st.error(lit(f"Saved assessments could not be read: {e}"), icon=":material/error:")
    impact = ruleedit.impact(old, new, extra)
    st.metric("Recommendations that change", f"{len(impact.changed)} of {len(impact.results)}")
    if impact.changes:
        st.caption("Definitions changed: " + lit("; ".join(
            f"{c.kind} {c.id} {c.status}" + (f" ({', '.join(c.fields)})" if c.fields else "") for c in impact.changes)))
    st.dataframe(pd.DataFrame(ruleedit.impact_rows(impact)), key=key, hide_index=True, width="stretch",
                 column_config={"old": "Now", "new": "With this edit", "change": "Change"})


# ---------------------------------------------------------------- header
# Why: YAML is read by its indentation, so the editor uses a fixed-width font (static CSS, no user text)
st.html("<style>.st-key-rules-editor textarea {font-family: 'Source Code Pro', monospace; font-size: 0.85rem;}"
        "</style>")
st.title("Rules")
loaded = f"version {active.version}, sha256 {active.short_hash}" if active else "not loaded"
st.caption(lit(f"Rulebook {directory} ({loaded}). Set ADVISOR_RULES to use your organisation's own rulebook. "
               "The format is described in rules/README.md."))
disk_errors = rulebook_state.rulebook_errors()
if disk_errors is not None:
    st.warning("The rule files on disk are not valid, so the app keeps using the last good rulebook. The problems:"
               if active else "The rule files on disk are not valid, so the app cannot use them. Fix the problems "
               "below in the editor:", icon=":material/warning:")
    show_problems(disk_errors.problems, "")

# the outcome of the last save, restore or reload: above the tabs, so it is seen from any of them
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

tab_edit, tab_rules, tab_history, tab_zip = st.tabs(["Edit", "Rules", "History", "Upload & download"])

# ---------------------------------------------------------------- edit
with tab_edit:
    filename = st.selectbox("Rule file", list(FILES), index=list(FILES).index("rules.yaml"), key="rules-file")
    if st.session_state.get(BASE) is None or st.session_state[BASE].name != filename:
        load_into_editor(filename)
    base: rulestore.FileState = st.session_state[BASE]

    on_disk = rulestore.read_file(directory, filename)
    if on_disk.hash != base.hash:
        st.warning("This file was changed on disk since you opened it; saving will be refused. Download your "
                   "edit below if you want to keep it, then load the version on disk.", icon=":material/sync_problem:")
        st.button("Load the version on disk (discards your edit)", key="rules-reload", on_click=on_reload)

    text = st.text_area(f"{filename} (YAML)", key=EDITOR, height=480,
                        help="Edit the YAML; problems are shown below as you go (press Ctrl+Enter or click "
                             "outside the editor to check).")
    draft = ruleedit.draft(directory, filename, text.encode())
    unchanged = text.encode() == base.text
    if draft.valid:
        rb = draft.rulebook
        st.success(lit(f"Valid: {len(rb.questions)} questions, {len(rb.rules)} rules, {len(rb.scenarios)} "
                       "scenarios." + (" No changes yet." if unchanged else " Not saved yet.")),
                   icon=":material/check_circle:")
    else:
        st.error(lit(f"{len(draft.problems)} problem{'s' if len(draft.problems) != 1 else ''}: the file cannot be "
                     "saved until they are fixed."), icon=":material/error:")
        show_problems(draft.problems, filename)

    save_col, download_col = st.columns(2)
    save_col.button("Save", key="rules-save", type="primary", on_click=on_save, icon=":material/save:",
                    disabled=unchanged or not draft.valid,
                    help="Validates the whole rulebook again, refuses if someone saved meanwhile, keeps the "
                         "previous version.")
    download_col.download_button("Download my edit", data=text.encode(), file_name=filename, key="rules-download-draft",
                                 mime="application/yaml", icon=":material/download:")

    if draft.valid:
        st.subheader("Scenarios on the edited rulebook")
        run = run_scenarios(draft.rulebook)
        failed = sum(not r.passed for r in run.results)
        st.metric("Scenarios passing", f"{len(run.results) - failed} of {len(run.results)}",
                  help="Rule coverage: every rule must fire in one scenario and stay silent in another.")
        if not run.passed:
            st.warning("Some scenarios fail or a rule is not covered with this edit. Saving is allowed, but "
                       "`advisor rules test` fails until scenarios.yaml expects the new outcomes.",
                       icon=":material/science:")
        st.caption(lit(f"Rule coverage {run.coverage * 100:.0f}%"
                       + (f"; never fire: {', '.join(run.never_fired)}" if run.never_fired else "")
                       + (f"; never silent: {', '.join(run.never_silent)}" if run.never_silent else "")))
        st.dataframe(pd.DataFrame([{"scenario": r.scenario.name, "expected": r.scenario.expect.style,
                                    "got": r.evaluation.style, "result": "pass" if r.passed else "FAIL",
                                    "why": "; ".join(r.failures)} for r in run.results]),
                     key="rules-scenarios", hide_index=True, width="stretch")
        st.subheader("Impact preview")
        st.caption("Every scenario, every example answers file (examples/), your current answers and, if you "
                   "like, every saved assessment, under the rulebook on disk and under this edit, side by side. "
                   "Cases that change come first.")
        if active is not None:
            show_impact(active, draft.rulebook, "rules-impact")
        else:
            st.info("No valid rulebook is loaded to compare with; saving this edit makes the rulebook valid again.")

# ---------------------------------------------------------------- the rules as a table
with tab_rules:
    st.caption("The active rulebook's rules: when each fires, the points it adds, why, and the source it cites.")
    if active is not None:
        st.dataframe(pd.DataFrame(ruleedit.rule_rows(active)), key="rules-table", hide_index=True, width="stretch",
                     column_config={"line": st.column_config.NumberColumn("line", help="line in rules.yaml")})

# ---------------------------------------------------------------- history and restore
with tab_history:
    st.caption(lit(f"Kept versions of {filename} (choose the file in the Edit tab). A version is kept at every "
                   "save, restore and upload, in .history/ inside the rulebook directory."))
    versions = rulestore.history(directory, filename)
    if not versions:
        st.info(lit(f"No previous version of {filename} is kept yet: one is kept at every save."))
    else:
        st.dataframe(pd.DataFrame([{"version": v.number, "kept at (UTC)": time.strftime(
            "%Y-%m-%d %H:%M:%S", time.gmtime(v.modified)), "bytes": v.size} for v in reversed(versions)]),
            key="rules-versions", hide_index=True)
        number = st.selectbox("Version to restore", [v.number for v in reversed(versions)],
                              key="rules-restore-version")
        chosen = next(v for v in versions if v.number == number)
        diff = rulestore.unified_diff(on_disk.text, chosen.path.read_bytes(), f"{filename} (now)",
                                      f"{filename} (version {number})")
        st.code(diff or "(identical to the current file)", language="diff")
        st.button(f"Restore version {number}", key="rules-restore", on_click=on_restore,
                  icon=":material/history:", help="Validated first; the version it replaces is kept in turn. "
                                                   "Replaces any unsaved edit in the editor.")

# ---------------------------------------------------------------- the whole rulebook as a zip
with tab_zip:
    if active is not None:
        st.download_button("Download the rulebook (zip)", data=rulezip.to_zip(active.texts), key="rules-download",
                           file_name=f"rulebook-{active.short_hash}.zip", mime="application/zip",
                           icon=":material/folder_zip:")
    upload = st.file_uploader("Upload a rulebook (zip of questions.yaml, rules.yaml, styles.yaml, scenarios.yaml)",
                              type=["zip"], key="rules-upload",
                              help=f"At most {rulezip.UPLOAD_LIMIT // 1024} KiB. Checked completely before "
                                   "anything is written; the current files are kept as previous versions.")
    if upload is not None:
        raw = upload.getvalue()
        try:
            uploaded = rulezip.check_zip(raw, upload.name)
        except UserError as e:
            st.error(lit(f"{upload.name} was refused; nothing was written."), icon=":material/error:")
            show_problems(e.problems, "")
        else:
            st.success(lit(f"{upload.name} is a valid rulebook: {len(uploaded.questions)} questions, "
                           f"{len(uploaded.rules)} rules (version {uploaded.version})."), icon=":material/check:")
            if active is not None:
                show_impact(active, uploaded, "rules-upload-impact")
            if st.button("Install this rulebook", key="rules-install", type="primary"):
                try:
                    result = rulezip.install_zip(directory, raw, base_hash=active.hash if active else None,
                                                 label=upload.name)
                except UserError as e:
                    show_problems(e.problems, "")
                else:
                    st.session_state.pop(BASE, None)
                    changed = ", ".join(f.name for f in result.written) or "nothing (identical)"
                    st.success(lit(f"Installed; files changed: {changed}. Previous versions are kept."))
