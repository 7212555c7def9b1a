"""Questionnaire: the workflow's name and steps, then every question of the catalog, section by section.

Why live widgets and not one `st.form` per section: a `show_if` question must appear as soon as the answer it
depends on is given, and the recommendation follows every answer without a "recompute" button. A rerun
evaluates the rulebook in microseconds (see bench/web.py for the measured rerun time).
Widget keys are the question ids; the answers live in `advisor.web.session` (per session, mirrored in the URL).

Why each widget gets both its key's session-state value and that same value as its default (`index=`/`value=`):
when quick edits interrupt a run, the browser can re-create widgets from their default; a bare radio's default
is its first option, which silently answered every question (seen in the end-to-end tests). The two never differ.
"""

import streamlit as st

from advisor.engine.answers import Answers
from advisor.engine.evaluate import confidence_words
from advisor.rulebook.formats import Question
from advisor.web import diagrams, display, form, notices, rulebook_state, session, steps_table, widgets

rulebook = rulebook_state.current_rulebook()
stored = session.current_answers()
widgets.seed_questionnaire(stored, rulebook)
lit = display.md_literal

st.title("Questionnaire")
st.caption(
    "Answer what you know and choose *Not sure* for the rest: an unanswered question is no evidence (it "
    "fires no rule) and lowers the confidence. What your steps already say (how many, their reactions, "
    "compensations, teams and contexts) counts unless you answer otherwise. The recommendation updates as you "
    "answer."
)
top = st.container()

# ---------------------------------------------------------------- the workflow and its steps
with st.container(border=True, key="workflow-section"):
    st.subheader("Your workflow")
    workflow = st.text_input(
        "Workflow name",
        key=widgets.WORKFLOW_WIDGET,
        value=st.session_state[widgets.WORKFLOW_WIDGET],
        placeholder="e.g. Order checkout",
    )
    st.caption(
        "The steps of one instance, in order: which service does what. Mark a step as a *reaction* when "
        "the core flow need not wait for it (a notification, analytics): one click on its box. Name each "
        "service's owning *team* and *bounded context* when you know them: links across contexts are candidates "
        "for events. *Add step* adds a row; pick a step below the table to move it up or down or delete it. "
        "Press *Apply steps* when done: the preview, the questions and the recommendation then update once."
    )
    steps_table.steps_editor()
    preview = st.container(key="diagram-preview")  # filled at the end, once this run's answers are known


# ---------------------------------------------------------------- the questions
def draw(q: Question, derived):
    """One question's widget, keyed by its id; its value is an option, "not sure", or None (unsure integer).
    `derived` is the answer the listed steps give when it is left unanswered (None: they give none)."""
    label = lit(q.text)
    if q.kind == "integer":
        return st.number_input(
            label,
            min_value=q.minimum,
            max_value=q.maximum,
            step=1,
            key=q.id,
            value=st.session_state.get(q.id),
            width=320,
            help=lit(q.help),
            placeholder=form.number_placeholder(derived),
        )
    values = form.choices(q)
    captions = [lit(o.help) for o in q.options] + [""] if any(o.help for o in q.options) else None
    index = values.index(st.session_state[q.id]) if st.session_state.get(q.id) in values else len(values) - 1
    return st.radio(
        label,
        values,
        index=index,
        key=q.id,
        help=lit(q.help),
        captions=captions,
        horizontal=q.kind == "yes_no",
        format_func=lambda v: lit(form.choice_label(q, v, derived)),
    )


# Every widget's value as of this interaction (the keys are seeded), so show_if sees the answer just given.
answers = form.answers_from_widgets(
    rulebook,
    Answers(stored.traits, stored.steps, workflow if workflow.strip() else None, stored.observed),
    st.session_state,
)
shown = form.shown_questions(rulebook, answers)
from_steps = form.steps_evidence(rulebook, answers)
for section in rulebook.sections:
    questions = [q for q in shown if q.section == section.id]
    if not questions:
        continue
    with st.container(border=True, key=f"section-{section.id}"):
        st.subheader(lit(section.title))
        if section.description:
            st.caption(lit(section.description))
        for q in questions:
            draw(q, from_steps.get(q.id))

if answers != stored:
    session.store_answers(answers)

# ---------------------------------------------------------------- progress and the live recommendation
ev = session.current_assessment().evaluation
done = form.progress(ev)
with top:
    notices.show_notices()
    st.progress(done.fraction, text=str(done))

with preview:
    if ev.steps:
        with st.expander(
            f"Preview: your services, {lit(getattr(rulebook.styles, ev.style).name.lower())}", expanded=True
        ):
            diagrams.show_diagram(ev, kind="preview")

with st.sidebar, st.container(border=True, key="live-recommendation"):
    st.caption("Recommendation so far")
    st.markdown(
        f"**{lit(getattr(rulebook.styles, ev.style).name)}**, confidence {ev.confidence:.2f}"
        + (" (a tie: see why)" if ev.tie else "")
    )
    st.caption(lit(confidence_words(ev.confidence)))
    st.page_link("pages/recommendation.py", label="Why, and what it costs", icon=":material/recommend:")
    st.page_link("pages/diagram.py", label="Your services' diagram", icon=":material/account_tree:")
