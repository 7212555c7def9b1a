"""Recommendation: the style and its confidence, what the core flow leans to (and a tie, with the questions that
would decide it), what pushed the decision, the rules that fired, what the style costs, the per-step allocation,
and what would change it (single changes, or the closest pairs when no single one does). Everything shown is read
from one Assessment."""

import altair as alt
import pandas as pd
import streamlit as st

from advisor.engine.evaluate import confidence_words
from advisor.rulebook.formats import STYLES, points_by_style
from advisor.views.labels import effect_text
from advisor.web import display, form, notices, rulebook_state, session

rulebook = rulebook_state.current_rulebook()
assessment = session.current_assessment()
ev = assessment.evaluation
lit = display.md_literal
style = getattr(rulebook.styles, ev.style)
names = {s: getattr(rulebook.styles, s).name for s in STYLES}
questions = rulebook.questions
flips = assessment.tipping_points
points = {s: ev.scores[s] for s in STYLES}
hybrid_links = rulebook.decision.hybrid_links
MAX_DECIDING = 5  # open questions named in a tie's notice; the table below lists them all


def answer(qid: str, value) -> str:
    """An answer as the evaluation read it: its label, "(from the steps)" when read from them, or not answered."""
    return form.shown_answer(questions[qid], value, qid in ev.derived)


def core_text() -> str:
    """What the core flow leans to, and what the link evidence made of it, in one sentence."""
    o, c, h = points["orchestration"], points["choreography"], points["hybrid"]
    orch, chor, hyb = (lit(names[s].lower()) for s in STYLES)
    if ev.tie:
        core = f"The core's points are equal ({o} each for {orch} and {chor})"
    elif ev.lean == "orchestration":
        core = f"The core flow needs a coordinator: {o} points for {orch} against {c} for {chor}"
    else:
        core = f"The core flow needs no coordinator: {c} points for {chor} against {o} for {orch}"
    if ev.style == "hybrid":
        return (
            f"{core}. {h} points of link evidence (at least {hybrid_links} make a {hyb}) say that some links are "
            "better as events: those steps react to events the orchestrated core publishes (see *Per step*)."
        )
    if ev.lean == "orchestration":
        return core + (
            f"; the link evidence ({h} points) is under the {hybrid_links} that make a {hyb}."
            if h
            else "; no link evidence says a link is better as an event."
        )
    return core + ("; without a coordinator every link is an event, whatever the link evidence." if h else ".")


def deciding_questions() -> list[str]:
    """The open questions among the tipping points (singles and pairs), in the order found: what would decide a
    tie."""
    out: list[str] = []
    for t in flips:
        for qid, current in ((t.question, t.current), *((q, c) for q, c, _ in t.also)):
            if current is None and qid not in out:
                out.append(qid)
    return out


st.title(f"Recommendation for {lit(ev.workflow)}" if ev.workflow else "Recommendation")
notices.show_notices()

with st.container(border=True, key="recommendation"):
    st.caption("Recommended coordination style")
    st.header(lit(style.name), anchor=False)
    st.markdown(lit(style.summary))
    st.container(key="core-lean").markdown(core_text())
    if ev.tie:
        deciding = deciding_questions()
        more = len(deciding) - MAX_DECIDING
        st.warning(
            f"**A tie.** The core leans to {lit(names[ev.lean].lower())} only by the rulebook's tie-break, so "
            "the confidence stays at chance. "
            + (
                "The questions that would decide it: "
                + "; ".join(f"*{lit(questions[q].text)}*" for q in deciding[:MAX_DECIDING])
                + (f"; and {more} more (see *What would change it*)." if more > 0 else ".")
                if deciding
                else "Changing one of the answers under *What would change it* would decide it."
            ),
            icon=":material/balance:",
        )
    # Why a wrapping row rather than columns: on a phone columns stack one per line; these four wrap two by two.
    with st.container(horizontal=True, wrap=True, gap="medium", key="scores"):
        st.metric(
            "Confidence",
            f"{ev.confidence:.2f}",
            width=140,
            help="The probability, fitted on published decisions, that practitioners chose this style for answers "
            "like these: it grows with the core's lead and the share of questions answered (see the rulebook's "
            "README for the formula).",
        )
        for s in STYLES:
            st.metric(
                f"{lit(names[s])} score",
                ev.scores[s],
                width=140,
                help="Link evidence: points for links that are better as events"
                if s == "hybrid"
                else f"The core's points for {lit(names[s].lower())}: what the core flow needs",
            )
    st.caption(
        "Orchestration and choreography are the core's points (a coordinator, or none); hybrid is the link "
        f"evidence, which turns an orchestrated core into a hybrid from {hybrid_links} points."
    )
    st.markdown(f"**Confidence {ev.confidence:.2f}:** {lit(confidence_words(ev.confidence))}")
    if ev.derived:
        st.info(
            f"{len(ev.derived)} answers were read from the steps you listed (answer the question to override).",
            icon=":material/table_rows:",
        )
        with st.expander("The answers read from the steps"):
            st.markdown(
                "\n".join(
                    f"- {lit(questions[q].text)} *From the steps: {lit(form.answer_label(questions[q], v))}*"
                    for q, v in ev.derived.items()
                )
            )
    if ev.assumed:
        st.info(
            f"{len(ev.assumed)} of {ev.visible_count} questions were not answered: no evidence, so they fire no "
            "rule; each lowers the confidence.",
            icon=":material/help:",
        )
        with st.expander("The questions not answered"):
            st.markdown("\n".join(f"- {lit(questions[q].text)}" for q in ev.assumed))
        st.page_link("pages/questionnaire.py", label="Answer them", icon=":material/checklist:")

# ---------------------------------------------------------------- what pushed the decision
st.subheader("What pushed the decision", anchor=False)
pushes = assessment.contributions
if pushes:
    st.caption(
        "Each answer's share of the points of the rules it triggered: bars to the right push toward a "
        "style, bars to the left away from it; hybrid bars are link evidence. Hover a bar for the question."
    )
    frame = pd.DataFrame(
        [
            {
                "question": c.question,
                "text": questions[c.question].text,
                "answer": answer(c.question, c.value),
                "style": names[s],
                "points": getattr(c, s),
            }
            for c in pushes
            for s in STYLES
            if getattr(c, s)
        ]
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("sum(points):Q", title="points"),
            y=alt.Y("question:N", sort=[c.question for c in pushes], title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("style:N", title="toward", scale=alt.Scale(domain=[names[s] for s in STYLES])),
            tooltip=[
                alt.Tooltip("text:N", title="question"),
                alt.Tooltip("answer:N", title="answer"),
                alt.Tooltip("style:N", title="toward"),
                alt.Tooltip("points:Q", title="points", format=".2f"),
            ],
        )
        .properties(height=max(160, 28 * len(pushes)))
    )
    st.altair_chart(chart, width="stretch")
else:
    st.caption("No rule fired for these answers.")

# ---------------------------------------------------------------- the rules that fired
with st.expander(f"The {len(ev.fired)} rules that fired, with their reasons and sources", expanded=True):
    for r in sorted(ev.fired, key=lambda r: -(abs(r.orchestration) + abs(r.choreography) + abs(r.hybrid))):
        rule = rulebook.rule(r.rule_id)
        effect = effect_text(points_by_style(r), {s: name.lower() for s, name in names.items()})
        seen = "; ".join(f"{lit(questions[q].text)} **{lit(answer(q, v))}**" for q, v in r.values)
        st.markdown(
            f"**{lit(r.rule_id)}** ({lit(effect)}): {lit(rule.rationale)}  \n"
            f":small[Because: {seen}]  \n:small[Source: {lit(rule.source)}]"
        )

# ---------------------------------------------------------------- trade-offs
st.subheader(f"What {lit(style.name.lower())} gives, costs and needs", anchor=False)
gives, costs, needs = st.columns(3)
for col, title, items in (
    (gives, "Benefits", style.benefits),
    (costs, "Drawbacks", style.drawbacks),
    (needs, "Mitigations to plan for", style.mitigations),
):
    with col.container(border=True):
        st.markdown(f"**{title}**")
        st.markdown("\n".join(f"- {lit(item)}" for item in items))

# ---------------------------------------------------------------- per step
st.subheader("Per step", anchor=False)
if ev.allocation:
    owners = [c for c in ("team", "context") if any(getattr(s, c) for s in ev.steps)]  # shown when named
    st.container(key="allocation").dataframe(
        pd.DataFrame(
            [
                {
                    "#": a.index + 1,
                    "service": a.service,
                    "action": a.action,
                    **{c: getattr(step, c) or "" for c in owners},
                    "coordination": a.mode,
                    "why": a.reason,
                }
                for a, step in zip(ev.allocation, ev.steps)
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "#": st.column_config.NumberColumn(width="small"),
            "why": st.column_config.TextColumn(width="large"),
        },
    )
else:
    st.caption(
        "Name your workflow's steps on the questionnaire to see which are commanded by an orchestrator "
        "and which react to events."
    )

# ---------------------------------------------------------------- what if
st.subheader("What would change it", anchor=False)
pairs = any(t.also for t in flips)  # the engine gives single changes, or the closest pairs when none exists
if flips:
    st.caption(
        "No single change would change the recommendation; these are the closest changes that would: two "
        "answers changed together (open questions answered first, then the most confident result), found by "
        "re-running the engine."
        if pairs
        else "Each change that alone would change the recommendation (another answer, or an open question "
        "answered), found by re-running the engine with that one change."
    )

    def together(t) -> dict:
        """A pair's second change, as a column (only when the engine gave pairs)."""
        if not pairs:
            return {}
        return {
            "together with": "; ".join(
                f"{questions[q].text}: {answer(q, current)} → {form.answer_label(questions[q], value)}"
                for q, current, value in t.also
            )
        }

    st.container(key="tipping-points").dataframe(
        pd.DataFrame(
            [
                {
                    "question": questions[t.question].text,
                    "your answer": answer(t.question, t.current),
                    "if instead": form.answer_label(questions[t.question], t.value),
                    **together(t),
                    "recommendation": names[t.style],
                    "confidence": t.confidence,
                }
                for t in flips
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "question": st.column_config.TextColumn(width="medium" if pairs else "large"),
            "confidence": st.column_config.NumberColumn(format="%.2f"),
        },
    )
else:
    st.caption(
        f"No change of one answer, nor of two together, would change the recommendation: "
        f"{lit(style.name.lower())} holds whichever way any one or two questions are answered"
        + ("; answering the open questions changes only its confidence." if ev.assumed else ".")
    )
st.caption(f"Rulebook {lit(ev.rulebook_version)}, sha256 {ev.rulebook_hash[:12]}")
