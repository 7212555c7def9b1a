"""What the Rules page shows about a rulebook: its problems line by line, its scenarios run, the impact preview
of an edit or an upload, and its rules as a table. Computed by `advisor.authoring.edit` and
`advisor.engine.scenarios`; this module lays out widgets.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from advisor.authoring import edit as ruleedit
from advisor.authoring.diff import Case
from advisor.engine.scenarios import run_scenarios
from advisor.errors import Problem, UserError
from advisor.rulebook.loading import Rulebook
from advisor.web import session
from advisor.web.display import md_literal as lit


def show_problems(problems: Iterable[Problem], filename: str) -> None:
    """Each problem as an error line ('Line 12, column 5: ...'; files other than `filename` named)."""
    for problem in problems:
        st.error(lit(ruleedit.problem_line(problem, filename)), icon=":material/error:")


def show_scenarios(rulebook: Rulebook) -> None:
    """The rulebook's scenarios run: how many pass, the rule coverage, and one row per scenario."""
    st.subheader("Scenarios on the edited rulebook")
    run = run_scenarios(rulebook)
    failed = sum(not r.passed for r in run.results)
    st.metric(
        "Scenarios passing",
        f"{len(run.results) - failed} of {len(run.results)}",
        help="Rule coverage: every rule must fire in one scenario and stay silent in another.",
    )
    if not run.passed:
        st.warning(
            "Some scenarios fail or a rule is not covered with this edit. Saving is allowed, but "
            "`advisor rules test` fails until scenarios.yaml expects the new outcomes.",
            icon=":material/science:",
        )
    st.caption(
        lit(
            f"Rule coverage {run.coverage * 100:.0f}%"
            + (f"; never fire: {', '.join(run.never_fired)}" if run.never_fired else "")
            + (f"; never silent: {', '.join(run.never_silent)}" if run.never_silent else "")
        )
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "scenario": r.scenario.name,
                    "expected": r.scenario.expect.style,
                    "got": r.evaluation.style,
                    "result": "pass" if r.passed else "FAIL",
                    "why": "; ".join(r.failures),
                }
                for r in run.results
            ]
        ),
        key="rules-scenarios",
        hide_index=True,
        width="stretch",
    )


def show_impact(old: Rulebook, new: Rulebook, key: str) -> None:
    """The impact preview of `new` against `old`: scenarios, example answers, this session's answers and (if
    asked) the saved assessments, side by side, with the definitions that changed."""
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
        st.caption(
            "Definitions changed: "
            + lit(
                "; ".join(
                    f"{c.kind} {c.id} {c.status}" + (f" ({', '.join(c.fields)})" if c.fields else "")
                    for c in impact.changes
                )
            )
        )
    st.dataframe(
        pd.DataFrame(ruleedit.impact_rows(impact)),
        key=key,
        hide_index=True,
        width="stretch",
        column_config={"old": "Now", "new": "With this edit", "change": "Change"},
    )


def show_rule_table(rulebook: Rulebook) -> None:
    """The rules of `rulebook`, one row each: condition in words, effect, rationale, source and line."""
    st.dataframe(
        pd.DataFrame(ruleedit.rule_rows(rulebook)),
        key="rules-table",
        hide_index=True,
        width="stretch",
        column_config={"line": st.column_config.NumberColumn("line", help="line in rules.yaml")},
    )
