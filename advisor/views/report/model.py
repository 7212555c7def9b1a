"""The report: one model built from an `Assessment`, rendered to Markdown, HTML, PDF and an ADR.

    build_report(assessment, rulebook) -> Report      pure: everything a reader needs, already worded

and one renderer per format, each in its own module (they import this model; this model imports none of them):

    advisor.views.report.markdown.to_markdown(report) -> str   deterministic; Mermaid diagram
    advisor.views.report.html.to_html(report) -> str           one self-contained file; inline SVG and CSS
    advisor.views.report.pdf.to_pdf(report) -> bytes           WeasyPrint renders the HTML (the `pdf` extra)
    advisor.views.report.adr.to_adr(report, date=None) -> str  MADR 4.0

The model holds the user's text cleaned (no control characters) but unescaped; each renderer escapes for its
format. Nothing here recomputes the recommendation: it reads the evaluation, the rulebook's texts, and the
explanations of `advisor.engine.explain`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import graphviz

from advisor.engine.answers import Answers, dump_yaml
from advisor.views.diagram.dot import build_diagram
from advisor.engine.evaluate import Evaluation, confidence_words
from advisor.views.diagram.events import event_name
from advisor.engine.assessment import Assessment
from advisor.views.labels import clean
from advisor.views.diagram.mermaid import to_mermaid
from advisor.rulebook.formats import STYLES, points_by_style
from advisor.rulebook.loading import Rulebook

TOP_DRIVERS = 5  # Why: MADR's decision drivers are the few forces that matter; the full list is in the report


@dataclass(frozen=True)
class StepRow:
    number: int
    service: str
    action: str
    mode: str  # orchestrated | event-driven
    reason: str
    event: str
    compensation: str | None
    reaction: bool


@dataclass(frozen=True)
class AnswerRow:
    question: str  # id
    section: str  # section title
    text: str  # the question as asked
    answer: str  # the answer in words
    assumed: bool


@dataclass(frozen=True)
class Reason:
    rule: str
    rationale: str
    source: str
    effect: tuple[tuple[str, int], ...]  # (style, points) for the styles it moved
    seen: tuple[tuple[str, str], ...]  # (question id, answer in words) the rule read


@dataclass(frozen=True)
class Driver:
    """An answer that pushed the scores hardest (a MADR decision driver)."""

    question: str
    text: str
    answer: str
    assumed: bool
    push: tuple[tuple[str, float], ...]  # (style, points), only styles it moved
    toward: str  # the style it pushed most


@dataclass(frozen=True)
class OptionRow:
    style: str
    name: str
    summary: str
    score: int
    chosen: bool
    benefits: tuple[str, ...]
    drawbacks: tuple[str, ...]
    mitigations: tuple[str, ...]


@dataclass(frozen=True)
class TippingRow:
    """A tipping point of `advisor.engine.explain`, worded for the report."""

    question: str
    text: str
    current: str
    alternative: str
    style: str
    style_name: str


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
    lead: int
    runner_up: str
    options: tuple[OptionRow, ...]  # the three styles, chosen first, then by score
    steps: tuple[StepRow, ...]
    answers: tuple[AnswerRow, ...]
    not_applicable: tuple[str, ...]  # question texts that did not apply to these answers
    reasons: tuple[Reason, ...]
    drivers: tuple[Driver, ...]
    tipping_points: tuple[TippingRow, ...]
    rulebook_version: str
    rulebook_hash: str
    answers_yaml: str  # the given answers as a file: with the rulebook version, the report is reproducible
    mermaid: str
    diagram: graphviz.Digraph = field(compare=False, repr=False)

    @property
    def chosen(self) -> OptionRow:
        return next(o for o in self.options if o.chosen)

    @property
    def assumed_count(self) -> int:
        return sum(a.assumed for a in self.answers)


def build_report(assessment: Assessment, rulebook: Rulebook) -> Report:
    """The report of one assessment. Pure: no I/O, no clock; the same assessment gives an equal report."""
    ev = assessment.evaluation
    styles = rulebook.styles.model_dump()
    questions = rulebook.questions
    sections = {s.id: s.title for s in rulebook.sections}
    rules = {r.id: r for r in rulebook.rules}
    label = lambda qid, value: clean(questions[qid].label_of(value))  # noqa: E731
    workflow = clean(ev.workflow).strip() if ev.workflow and clean(ev.workflow).strip() else None

    ranked = sorted(STYLES, key=lambda s: (s != ev.style, -ev.scores[s], STYLES.index(s)))
    options = tuple(OptionRow(s, styles[s]["name"], styles[s]["summary"], ev.scores[s], s == ev.style,
                              tuple(styles[s]["benefits"]), tuple(styles[s]["drawbacks"]),
                              tuple(styles[s]["mitigations"])) for s in ranked)
    steps = tuple(StepRow(a.index + 1, clean(a.service), clean(a.action), a.mode, a.reason,
                          event_name(step, a.index), clean(step.compensation) if step.compensation else None,
                          step.reaction) for a, step in zip(ev.allocation, ev.steps))
    answers = tuple(AnswerRow(qid, sections.get(q.section, q.section), q.text, label(qid, ev.answers[qid]),
                              qid in ev.assumed)
                    for qid, q in questions.items() if qid not in ev.not_applicable)
    fired = sorted(ev.fired, key=lambda r: (-(r.orchestration + r.choreography + r.hybrid),
                                            -max(r.orchestration, r.choreography, r.hybrid)))
    reasons = tuple(Reason(r.rule_id, rules[r.rule_id].rationale, rules[r.rule_id].source, points_by_style(r),
                           tuple((q, label(q, v)) for q, v in r.values)) for r in fired)
    drivers = []
    for c in assessment.contributions[:TOP_DRIVERS]:
        push = points_by_style(c)
        toward = max(push, key=lambda sp: sp[1])[0] if push else ev.style
        drivers.append(Driver(c.question, questions[c.question].text, label(c.question, c.value), c.assumed,
                              push, toward))
    tips = tuple(TippingRow(t.question, questions[t.question].text, label(t.question, t.current),
                            label(t.question, t.value), t.style, styles[t.style]["name"])
                 for t in assessment.tipping_points)
    name = styles[ev.style]["name"]
    return Report(
        workflow=workflow,
        title=f"Coordination style for {workflow}" if workflow else "Coordination style",
        style=ev.style, style_name=name, summary=styles[ev.style]["summary"], confidence=ev.confidence,
        confidence_words=confidence_words(ev.confidence), lead=ev.lead, runner_up=ev.runner_up,
        options=options, steps=steps, answers=answers,
        not_applicable=tuple(questions[q].text for q in ev.not_applicable), reasons=reasons,
        drivers=tuple(drivers), tipping_points=tips, rulebook_version=ev.rulebook_version,
        rulebook_hash=ev.rulebook_hash, answers_yaml=dump_yaml(ev.input),
        mermaid=to_mermaid(ev), diagram=build_diagram(ev))
