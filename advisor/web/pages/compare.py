"""Compare: two answer sets side by side — two saved assessments (any versions), or the current answers against an
edited copy. Which answers differ, how the scores and the style change, which differences drove it, and both
diagrams. The comparison is `advisor.engine.compare`; this page only lays it out."""

import functools

import pandas as pd
import streamlit as st

from advisor.engine.answers import Answers, revalidate
from advisor.engine.compare import compare
from advisor.rulebook.formats import STYLES
from advisor.views.diagram.dot import comparison_diagrams
from advisor.views.labels import signed
from advisor.web import diagrams, display, form, notices, rulebook_state, session
from advisor.web.stored import open_or_stop, read

rulebook = rulebook_state.current_rulebook()
lit = display.md_literal
names = {s: getattr(rulebook.styles, s).name for s in STYLES}
COPY = "compare-copy-"  # widget key prefix of the edited copy's answers, + question id
MODES = {"copy": "Current answers vs an edited copy", "saved": "Two saved assessments"}

st.title("Compare")
notices.show_notices()
mode = st.segmented_control(
    "Compare",
    list(MODES),
    default="copy",
    required=True,
    key="compare-mode",
    persist_state="session",
    format_func=MODES.__getitem__,
)


def seed_copy(answers: Answers, force: bool = False) -> None:
    """The copy's widgets start from `answers` (and return to them on reset)."""
    for q in rulebook.questions.values():
        if force or COPY + q.id not in st.session_state:
            st.session_state[COPY + q.id] = form.widget_value(q, answers)


def saved_side(label: str, key: str, store, by_id: dict) -> tuple[str, Answers, list[str]]:
    """Pick an assessment and a version; its answers fitted to the current rulebook (and what was dropped)."""
    if st.session_state.get(key) not in by_id:
        st.session_state.pop(key, None)
    chosen = st.selectbox(label, list(by_id), key=key, format_func=lambda i: by_id[i].name)
    numbers = [v.number for v in read(store.history, chosen)]
    if st.session_state.get(f"{key}-version") not in numbers:
        st.session_state[f"{key}-version"] = numbers[0]
    number = st.selectbox("Version", numbers, key=f"{key}-version", format_func=lambda n: f"Version {n}")
    saved = read(store.open, chosen, number)
    fitted, dropped = revalidate(saved.answers, rulebook)
    return f"{saved.name} (version {number})", fitted, dropped


if mode == "saved":
    store, _ = open_or_stop()
    summaries = read(store.list_all)
    if not summaries:
        st.info(
            "Nothing is saved yet: save assessments first (two, or two versions of one).", icon=":material/inventory_2:"
        )
        st.page_link("pages/saved.py", label="Saved assessments", icon=":material/history:")
        st.stop()
    by_id = {s.id: s for s in summaries}
    left, right = st.columns(2)
    with left:
        label_a, answers_a, dropped_a = saved_side("A", "compare-a", store, by_id)
    with right:
        if "compare-b" not in st.session_state and len(summaries) > 1:
            st.session_state["compare-b"] = summaries[1].id
        label_b, answers_b, dropped_b = saved_side("B", "compare-b", store, by_id)
    for label, dropped in ((label_a, dropped_a), (label_b, dropped_b)):
        for note in dropped:
            st.info(f"{lit(label)}: {lit(note)}", icon=":material/sync_problem:")
else:
    answers_a = session.current_answers()
    label_a, label_b = "Current answers", "Edited copy"
    seed_copy(answers_a)
    with st.expander("Edit the copy", expanded=True):
        st.button(
            "Reset the copy to the current answers",
            key="compare-copy-reset",
            on_click=seed_copy,
            args=(answers_a, True),
            icon=":material/restart_alt:",
        )
        for i, q in enumerate(rulebook.questions.values()):
            if i % 3 == 0:
                row = st.columns(3)  # a row at a time: on a narrow screen the questions stay in order
            col = row[i % 3]
            if q.kind == "integer":
                col.number_input(
                    lit(q.text),
                    min_value=q.minimum,
                    max_value=q.maximum,
                    step=1,
                    key=COPY + q.id,
                    placeholder=form.number_placeholder(),
                )
            else:
                col.selectbox(
                    lit(q.text), form.choices(q), key=COPY + q.id, format_func=functools.partial(form.choice_label, q)
                )
    values = {q.id: st.session_state[COPY + q.id] for q in rulebook.questions.values()}
    answers_b = form.answers_from_widgets(rulebook, answers_a, values)

result = compare(rulebook, answers_a, answers_b)

# ---------------------------------------------------------------- side by side
col_a, col_b = st.columns(2)
for col, label, ev, key in (
    (col_a, label_a, result.a, "compare-result-a"),
    (col_b, label_b, result.b, "compare-result-b"),
):
    with col.container(border=True, key=key):
        st.caption(lit(label))
        st.header(lit(names[ev.style]), anchor=False)
        metrics = st.columns(4)
        metrics[0].metric("Confidence", f"{ev.confidence:.2f}")
        for m, s in zip(metrics[1:], STYLES):
            m.metric(lit(names[s]), ev.scores[s])

change = result.score_change
delta = ", ".join(f"{lit(names[s])} {signed(change[s])}" for s in STYLES)
if result.style_changed:
    st.markdown(
        f"**The recommendation changes from {lit(names[result.a.style])} to "
        f"{lit(names[result.b.style])}** (scores: {delta})."
    )
else:
    st.markdown(
        f"**Both get {lit(names[result.a.style])}** (scores: {delta}; confidence "
        f"{result.a.confidence:.2f} → {result.b.confidence:.2f})."
    )
if result.steps_differ:
    st.caption("The steps differ too: they change the diagrams and the per-step allocation, not the scores.")

# ---------------------------------------------------------------- the differences
with st.container(border=True, key="compare-differences-box"):
    count = len(result.differences)
    st.subheader(f"{count} answer differs" if count == 1 else f"{count} answers differ", anchor=False)
    if result.differences:
        questions = rulebook.questions

        def shown(qid: str, value, state: str, ev) -> str:
            """An answer of one side: as the evaluation read it (given, from the steps, not answered), or not
            applicable."""
            if state == "not applicable":
                return state
            return form.shown_answer(questions[qid], value, qid in ev.derived)

        st.container(key="compare-differences").dataframe(
            pd.DataFrame(
                [
                    {
                        "question": d.question,
                        "A": shown(d.question, d.a, d.a_state, result.a),
                        "B": shown(d.question, d.b, d.b_state, result.b),
                        **{names[s]: d.effect[s] for s in STYLES},
                        "alone turns A into B's style": "yes" if d.flips_alone else "",
                        "B's style needs it": "yes" if d.needed else "",
                    }
                    for d in result.differences
                ]
            ),
            hide_index=True,
        )
        st.caption(
            "Each difference's share of the score change from A to B (its Shapley value: the average "
            "effect of applying it, over every order of applying the differences; the shares add up to "
            "the change)."
            + (
                ""
                if result.exact
                else " Approximated: too many differences to try every "
                "order; each share is the mean of applying it alone and undoing it alone."
            )
        )
        drivers = result.drivers
        if result.style_changed and drivers:
            st.markdown("**What drove the change**")
            for d in drivers:
                why = []
                if d.flips_alone:
                    why.append(f"alone it turns A into {lit(names[result.b.style])}")
                if d.needed:
                    why.append(f"without it B is not {lit(names[result.b.style])}")
                gain = d.effect[result.b.style] - d.effect[result.a.style]
                why.append(f"{gain:+.2f} points for {lit(names[result.b.style])} over {lit(names[result.a.style])}")
                st.markdown(
                    f"- **{lit(questions[d.question].text)}** "
                    f"{lit(shown(d.question, d.a, d.a_state, result.a))} → "
                    f"{lit(shown(d.question, d.b, d.b_state, result.b))}: " + "; ".join(why)
                )
    else:
        st.caption(
            "The same answers"
            + (" (the steps or names differ)." if result.steps_differ or result.workflow_differs else ".")
        )


# ---------------------------------------------------------------- both diagrams
st.subheader("Diagrams", anchor=False)
col_a, col_b = st.columns(2)
for col, label, digraph, key in zip(
    (col_a, col_b), (label_a, label_b), comparison_diagrams(result), ("compare-diagram-a", "compare-diagram-b")
):
    with col.container(border=True, key=key):
        st.caption(lit(label))
        diagrams.show_digraph(digraph, "side", slot=key)
