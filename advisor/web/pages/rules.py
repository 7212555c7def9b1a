"""Rules: browse the rulebook, edit a rule file with live validation, run its scenarios, preview the impact of the
edit on scenarios and example answers, save (refused when stale or invalid), restore a kept version, and move a
whole rulebook in and out as a zip.

This file is the page's layout; each part is drawn by `advisor.web.rules_editor` (the Edit tab's editor and its
callbacks), `advisor.web.rules_preview` (problems, scenarios, impact, the rules table) and
`advisor.web.rules_files` (History, Upload & download). The rulebook directory is `$ADVISOR_RULES` (or rules/);
`advisor.web.rulebook_state` hot-reloads it.
"""

import streamlit as st

from advisor.access import Permission
from advisor.web import rulebook_state, rules_editor, rules_files, rules_preview, signin
from advisor.web.display import md_literal as lit

directory = rulebook_state.location()  # the rule-file directory, or the rulebook database ($ADVISOR_RULES_URL)
active = rulebook_state.last_good_rulebook()  # None when the files on disk were never valid: fix them here

# ---------------------------------------------------------------- header
# Why: YAML is read by its indentation, so the editor uses a fixed-width font (static CSS, no user text)
st.html("<style>.st-key-rules-editor textarea {font-family: 'Source Code Pro', monospace; font-size: 0.85rem;}</style>")
st.title("Rules")
loaded = f"version {active.version}, sha256 {active.short_hash}" if active else "not loaded"
st.caption(
    lit(
        f"Rulebook {directory} ({loaded}). Set ADVISOR_RULES to use your organisation's own rulebook. "
        "The format is described in rules/README.md."
    )
)
disk_errors = rulebook_state.rulebook_errors()
if disk_errors is not None:
    st.warning(
        "The rule files on disk are not valid, so the app keeps using the last good rulebook. The problems:"
        if active
        else "The rule files on disk are not valid, so the app cannot use them. Fix the problems below in the editor:",
        icon=":material/warning:",
    )
    rules_preview.show_problems(disk_errors.problems, "")

# Why here and not in app.py: a page opened by its own URL (/rules) runs without the router, so the account box
# (Sign in, Sign out, your role) is drawn by the pages where a role matters: this one and Saved assessments
signin.show_account()
# Why a notice and disabled buttons: the writes themselves refuse (advisor.authoring checks the actor); this says why
signin.read_only_notice(Permission.EDIT_RULES, "The rulebook")
rules_editor.show_notice()  # the outcome of the last save, restore or reload

tab_edit, tab_rules, tab_history, tab_zip = st.tabs(["Edit", "Rules", "History", "Upload & download"])

with tab_edit:
    on_disk, draft = rules_editor.show_editor(directory)
    if draft.rulebook is not None:
        rules_preview.show_scenarios(draft.rulebook)
        st.subheader("Impact preview")
        st.caption(
            "Every scenario, every example answers file (examples/), your current answers and, if you "
            "like, every saved assessment, under the rulebook on disk and under this edit, side by side. "
            "Cases that change come first."
        )
        if active is not None:
            rules_preview.show_impact(active, draft.rulebook, "rules-impact")
        else:
            st.info("No valid rulebook is loaded to compare with; saving this edit makes the rulebook valid again.")

with tab_rules:
    st.caption("The active rulebook's rules: when each fires, the points it adds, why, and the source it cites.")
    if active is not None:
        rules_preview.show_rule_table(active)

with tab_history:
    rules_files.show_history(directory, on_disk)

with tab_zip:
    rules_files.show_zip(directory, active)
