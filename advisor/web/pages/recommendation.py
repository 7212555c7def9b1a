"""Recommendation: the style and its confidence, what pushed the decision, the rules that fired, what the style
costs, the per-step allocation, and what would change it. Everything shown is read from one Evaluation."""
import altair as alt
import pandas as pd
import streamlit as st

from advisor.web import form
from advisor.web import display
from advisor.web import notices
from advisor.web import rulebook_state
from advisor.web import session
from advisor.engine.evaluate import confidence_words
from advisor.rulebook.formats import STYLES, points_by_style
from advisor.views.labels import effect_text

rulebook = rulebook_state.current_rulebook()
assessment = session.current_assessment()
ev = assessment.evaluation
lit = display.md_literal
style = getattr(rulebook.styles, ev.style)
names = {s: getattr(rulebook.styles, s).name for s in STYLES}
questions = rulebook.questions

st.title(f"Recommendation for {lit(ev.workflow)}" if ev.workflow else "Recommendation")
notices.show_notices()

with st.container(border=True, key="recommendation"):
    st.caption("Recommended coordination style")
    st.header(lit(style.name), anchor=False)
    st.markdown(lit(style.summary))
    # Why a wrapping row rather than columns: on a phone columns stack one per line; these four wrap two by two.
    with st.container(horizontal=True, wrap=True, gap="medium", key="scores"):
        st.metric("Confidence", f"{ev.confidence:.2f}", width=140, help="How clearly the answers point one way, "
                  "lowered by every assumed answer (see the rulebook's README for the formula).")
        for s in STYLES:
            st.metric(f"{names[s]} score", ev.scores[s], width=140)
    st.markdown(f"**Confidence {ev.confidence:.2f}:** {lit(confidence_words(ev.confidence))}")
    if ev.assumed:
        st.info(f"{len(ev.assumed)} of {ev.visible_count} questions were not answered, so their defaults were "
                "assumed; each lowers the confidence.", icon=":material/help:")
        with st.expander("The assumed answers"):
            st.markdown("\n".join(f"- {lit(questions[q].text)} *Assumed: {lit(form.answer_label(questions[q], ev.answers[q]))}*"
                                  for q in ev.assumed))
        st.page_link("pages/questionnaire.py", label="Answer them", icon=":material/checklist:")

# ---------------------------------------------------------------- what pushed the decision
st.subheader("What pushed the decision", anchor=False)
pushes = assessment.contributions
if pushes:
    st.caption("Each answer's share of the points of the rules it triggered: bars to the right push toward a "
               "style, bars to the left away from it. Hover a bar for the question.")
    frame = pd.DataFrame([
        {"question": c.question, "text": questions[c.question].text,
         "answer": form.answer_label(questions[c.question], c.value) + (" (assumed)" if c.assumed else ""),
         "style": names[s], "points": getattr(c, s)}
        for c in pushes for s in STYLES if getattr(c, s)])
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("sum(points):Q", title="points"),
        y=alt.Y("question:N", sort=[c.question for c in pushes], title=None, axis=alt.Axis(labelLimit=260)),
        color=alt.Color("style:N", title="toward", scale=alt.Scale(domain=[names[s] for s in STYLES])),
        tooltip=[alt.Tooltip("text:N", title="question"), alt.Tooltip("answer:N", title="answer"),
                 alt.Tooltip("style:N", title="toward"), alt.Tooltip("points:Q", title="points", format=".2f")],
    ).properties(height=max(160, 28 * len(pushes)))
    st.altair_chart(chart, width="stretch")
else:
    st.caption("No rule fired for these answers.")

# ---------------------------------------------------------------- the rules that fired
with st.expander(f"The {len(ev.fired)} rules that fired, with their reasons and sources", expanded=True):
    for r in sorted(ev.fired, key=lambda r: -(abs(r.orchestration) + abs(r.choreography) + abs(r.hybrid))):
        rule = rulebook.rule(r.rule_id)
        effect = effect_text(points_by_style(r), {s: name.lower() for s, name in names.items()})
        seen = "; ".join(f"{lit(questions[q].text)} **{lit(form.answer_label(questions[q], v))}**" for q, v in r.values)
        st.markdown(f"**{lit(r.rule_id)}** ({lit(effect)}): {lit(rule.rationale)}  \n"
                    f":small[Because: {seen}]  \n:small[Source: {lit(rule.source)}]")

# ---------------------------------------------------------------- trade-offs
st.subheader(f"What {lit(style.name.lower())} gives, costs and needs", anchor=False)
gives, costs, needs = st.columns(3)
for col, title, items in ((gives, "Benefits", style.benefits), (costs, "Drawbacks", style.drawbacks),
                          (needs, "Mitigations to plan for", style.mitigations)):
    with col.container(border=True):
        st.markdown(f"**{title}**")
        st.markdown("\n".join(f"- {lit(item)}" for item in items))

# ---------------------------------------------------------------- per step
st.subheader("Per step", anchor=False)
if ev.allocation:
    st.container(key="allocation").dataframe(
        pd.DataFrame([{"#": a.index + 1, "service": a.service, "action": a.action, "coordination": a.mode}
                      for a in ev.allocation]),
        hide_index=True, width="stretch", column_config={"#": st.column_config.NumberColumn(width="small")})
    reasons = {a.mode: a.reason for a in ev.allocation}  # one reason per mode: why a step is coordinated so
    st.caption("  \n".join(f"**{lit(mode)}**: {lit(reason)}" for mode, reason in reasons.items()))
else:
    st.caption("Name your workflow's steps on the questionnaire to see which are commanded by an orchestrator "
               "and which react to events.")

# ---------------------------------------------------------------- what if
st.subheader("What would change it", anchor=False)
flips = assessment.tipping_points
if flips:
    st.caption("For each question, the other answers that would change the recommendation, found by re-running "
               "the engine with that one answer changed.")
    st.container(key="tipping-points").dataframe(pd.DataFrame([
        {"question": questions[t.question].text,
         "your answer": form.answer_label(questions[t.question], t.current) + (" (assumed)" if t.question in ev.assumed
                                                                     else ""),
         "if instead": form.answer_label(questions[t.question], t.value),
         "recommendation": names[t.style], "confidence": t.confidence} for t in flips]),
        hide_index=True, width="stretch",
        column_config={"question": st.column_config.TextColumn(width="large"),
                       "confidence": st.column_config.NumberColumn(format="%.2f")})
else:
    st.caption(f"No single changed answer would change the recommendation: {lit(style.name.lower())} holds "
               "whichever way any one question is answered.")
st.caption(f"Rulebook {lit(ev.rulebook_version)}, sha256 {ev.rulebook_hash[:12]}")
