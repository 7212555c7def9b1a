"""The report: one model built from an `Assessment`, rendered to Markdown, HTML, PDF and an ADR.

    build_report(assessment, rulebook) -> Report      pure: everything a reader needs, already worded

and one renderer per format, each in its own module (they import this model; this model imports none of them):

    advisor.views.report.markdown.to_markdown(report) -> str   deterministic; Mermaid diagram
    advisor.views.report.html.to_html(report) -> str           one self-contained file; inline SVG and CSS
    advisor.views.report.pdf.to_pdf(report) -> bytes           WeasyPrint renders the HTML (the `pdf` extra)
    advisor.views.report.adr.to_adr(report, date=None) -> str  MADR 4.0

Its rows (steps, answers, reasons, options, tipping points) are `advisor.views.report.rows`, and the fixed
wording of the decision model (what each score counts, why the style) is `advisor.views.report.wording`.
The model holds the user's text cleaned (no control characters) but unescaped; each renderer escapes for its
format. Nothing here recomputes the recommendation: it reads the evaluation, the rulebook's texts, and the
explanations of `advisor.engine.explain`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import graphviz

from advisor.engine.answers import dump_yaml
from advisor.engine.assessment import Assessment
from advisor.engine.evaluate import confidence_words
from advisor.rulebook.formats import STYLES, points_by_style
from advisor.rulebook.loading import Rulebook
from advisor.views.contract import NOT_ANSWERED, deciding_questions
from advisor.views.diagram.dot import build_diagram
from advisor.views.diagram.events import event_name
from advisor.views.diagram.mermaid import to_mermaid
from advisor.views.labels import clean
from advisor.views.report.observed import Observation, compare_observed
from advisor.views.report.rows import (
    AnswerRow,
    Change,
    Driver,
    OptionRow,
    Reason,
    StepRow,
    TippingRow,
)
from advisor.views.report.wording import COUNTS, SCORES_NOTE, because_text

TOP_DRIVERS = 5  # Why: MADR's decision drivers are the few forces that matter; the full list is in the report


@dataclass(frozen=True)
class Report:
    """Everything a report, an HTML page, a PDF or an ADR says, worded once."""

    workflow: str | None
    title: str
    style: str
    style_name: str
    summary: str
    confidence: float
    confidence_words: str
    lead: int  # the core's margin: orchestration against choreography points
    runner_up: str
    lean: str  # what the core flow needs: orchestration (a coordinator) or choreography (none)
    tie: bool  # the core's points were equal: the lean came from the rulebook's tie-break
    outcome: str  # why this style, in one or two sentences (the core's points, the link evidence, a tie)
    because: str  # the same reason as a clause, for "Chosen option: ..., because ..."
    scores_note: str  # what the three scores mean
    deciding: tuple[tuple[str, str], ...]  # for a tie: (question id, text) of the open questions that decide it
    options: tuple[OptionRow, ...]  # the three styles: chosen first, then the runner-up, then the other
    steps: tuple[StepRow, ...]
    answers: tuple[AnswerRow, ...]
    not_applicable: tuple[str, ...]  # question texts that did not apply to these answers
    reasons: tuple[Reason, ...]
    drivers: tuple[Driver, ...]
    tipping_points: tuple[TippingRow, ...]  # single changes; or, when none changes the style, the closest pairs
    rulebook_version: str
    rulebook_hash: str
    answers_yaml: str  # the given answers as a file: with the rulebook version, the report is reproducible
    mermaid: str
    diagram: graphviz.Digraph = field(compare=False, repr=False)
    observed: Observation | None = None  # the style its traces show today, beside the recommended one

    @property
    def chosen(self) -> OptionRow:
        return next(o for o in self.options if o.chosen)

    @property
    def assumed_count(self) -> int:
        """The applicable questions not answered (no evidence)."""
        return sum(a.assumed for a in self.answers)

    @property
    def derived_count(self) -> int:
        """The applicable questions answered from the listed steps."""
        return sum(a.derived for a in self.answers)

    @property
    def pairs(self) -> bool:
        """The tipping points are pairs of changes: no single change changes the style."""
        return any(t.pair for t in self.tipping_points)

    @property
    def evidence(self) -> str:
        """How much evidence the answers give: the questions not answered, and those read from the steps."""
        n, d = self.assumed_count, self.derived_count
        parts = [f"{len(self.answers) - n - d} answered"]
        if d:
            parts.append(f"{d} read from the listed steps")
        parts.append(f"{n} not answered (no evidence; each lowers the confidence)" if n else "none left open")
        return f"Of {len(self.answers)} applicable questions: " + ", ".join(parts) + "."

    @property
    def tipping_intro(self) -> str:
        """The sentence above the tipping points: single changes, or (when none exists) the closest pairs."""
        if self.pairs:
            return (
                "No single change alters the recommendation; these are the closest pairs of changes, everything "
                "else kept (computed by the engine)."
            )
        return (
            "Each change below works on its own (an answer changed, or an open question answered), everything "
            "else kept (computed by the engine)."
        )

    @property
    def owners(self) -> bool:
        """Some step names its team or bounded context."""
        return any(s.team or s.context for s in self.steps)


def build_report(assessment: Assessment, rulebook: Rulebook) -> Report:
    """The report of one assessment. Pure: no I/O, no clock; the same assessment gives an equal report."""
    ev = assessment.evaluation
    styles = rulebook.styles.model_dump()
    questions = rulebook.questions
    sections = {s.id: s.title for s in rulebook.sections}
    section_order = {s.id: i for i, s in enumerate(rulebook.sections)}
    rules = {r.id: r for r in rulebook.rules}
    label = lambda qid, value: NOT_ANSWERED if value is None else clean(questions[qid].label_of(value))
    workflow = clean(ev.workflow).strip() if ev.workflow and clean(ev.workflow).strip() else None

    ranked = sorted(STYLES, key=lambda s: (s != ev.style, s != ev.runner_up, STYLES.index(s)))
    options = tuple(
        OptionRow(
            s,
            styles[s]["name"],
            styles[s]["summary"],
            ev.scores[s],
            s == ev.style,
            COUNTS[s],
            tuple(styles[s]["benefits"]),
            tuple(styles[s]["drawbacks"]),
            tuple(styles[s]["mitigations"]),
        )
        for s in ranked
    )
    steps = tuple(
        StepRow(
            a.index + 1,
            clean(a.service),
            clean(a.action),
            a.mode,
            a.reason,
            event_name(step, a.index),
            clean(step.compensation) if step.compensation else None,
            step.reaction,
            clean(step.team) if step.team else None,
            clean(step.context) if step.context else None,
        )
        for a, step in zip(ev.allocation, ev.steps)
    )
    answers = tuple(
        AnswerRow(
            qid,
            sections.get(q.section, q.section),
            q.text,
            label(qid, ev.answers[qid]),
            qid in ev.assumed,
            qid in ev.derived,
        )
        for qid, q in sorted(questions.items(), key=lambda item: section_order.get(item[1].section, len(section_order)))
        if qid not in ev.not_applicable
    )  # grouped by section, in the questionnaire's order (sorted is stable: the catalog's order within a section)
    fired = sorted(
        ev.fired,
        key=lambda r: (-(r.orchestration + r.choreography + r.hybrid), -max(r.orchestration, r.choreography, r.hybrid)),
    )
    reasons = tuple(
        Reason(
            r.rule_id,
            rules[r.rule_id].rationale,
            rules[r.rule_id].source,
            points_by_style(r),
            tuple((q, label(q, v)) for q, v in r.values),
        )
        for r in fired
    )
    drivers = []
    for c in assessment.contributions[:TOP_DRIVERS]:
        push = points_by_style(c)
        toward = max(push, key=lambda sp: sp[1])[0] if push else ev.style
        drivers.append(
            Driver(c.question, questions[c.question].text, label(c.question, c.value), c.assumed, push, toward)
        )
    change = lambda qid, current, value: Change(
        qid, questions[qid].text, None if current is None else label(qid, current), label(qid, value)
    )
    tips = tuple(
        TippingRow(
            (change(t.question, t.current, t.value), *(change(*c) for c in t.also)),
            t.style,
            styles[t.style]["name"],
            t.confidence,
        )
        for t in assessment.tipping_points
    )
    deciding = tuple((q, questions[q].text) for q in deciding_questions(assessment.tipping_points)) if ev.tie else ()
    because = because_text(ev.style, ev.lean, ev.tie, ev.scores, rulebook.decision.hybrid_links)
    outcome = because[:1].upper() + because[1:] + "."
    if ev.tie:
        outcome += (
            " Being a tie, its confidence stays at chance until one of the questions that would decide it is answered."
            if deciding
            else " Being a tie, its confidence stays at chance; one of the changes that would change the "
            "recommendation decides it."
        )
    name = styles[ev.style]["name"]
    return Report(
        workflow=workflow,
        title=f"Coordination style for {workflow}" if workflow else "Coordination style",
        style=ev.style,
        style_name=name,
        summary=styles[ev.style]["summary"],
        confidence=ev.confidence,
        confidence_words=confidence_words(ev.confidence),
        lead=ev.lead,
        runner_up=ev.runner_up,
        lean=ev.lean,
        tie=ev.tie,
        outcome=outcome,
        because=because,
        scores_note=SCORES_NOTE.format(links=rulebook.decision.hybrid_links),
        deciding=deciding,
        options=options,
        steps=steps,
        answers=answers,
        not_applicable=tuple(questions[q].text for q in ev.not_applicable),
        reasons=reasons,
        drivers=tuple(drivers),
        tipping_points=tips,
        rulebook_version=ev.rulebook_version,
        rulebook_hash=ev.rulebook_hash,
        answers_yaml=dump_yaml(ev.input),
        mermaid=to_mermaid(ev),
        diagram=build_diagram(ev),
        observed=compare_observed(ev, styles),
    )
