"""The recommendation as data (the JSON contract) and as terminal text. Both read one `Assessment`.

The Markdown report is `advisor.views.report.model` (`advisor recommend --format md` uses it).

An unanswered question is unknown: `None` in the data (`null` in JSON), "not answered" in every text; it is
listed in `unanswered` (and, for older readers, in `assumed`, the same list).
"""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING, Any

from advisor.engine.evaluate import confidence_words
from advisor.rulebook.values import answer_text, points_by_style
from advisor.views.labels import effect_text

if TYPE_CHECKING:
    from advisor.engine.assessment import Assessment
    from advisor.engine.explain import TippingPoint
    from advisor.rulebook.loading import Rulebook

NOT_ANSWERED = "not answered"  # how every text shows an unknown answer (never "None")


def value_text(value: Any) -> str:
    """An answer value in words for a terminal or a log: `yes`/`no`, as written, or "not answered" for None."""
    return NOT_ANSWERED if value is None else answer_text(value)


def deciding_questions(tipping_points: tuple[TippingPoint, ...] | list[TippingPoint]) -> list[str]:
    """The open questions (unanswered, no evidence) among the tipping points, in their order, each once: for a tie,
    the questions whose answer would decide it. Why from the tipping points: they are what the engine found to
    change the style, so only questions that do decide something are named."""
    out: list[str] = []
    for t in tipping_points:
        for question, current in ((t.question, t.current), *((q, c) for q, c, _ in t.also)):
            if current is None and question not in out:
                out.append(question)
    return out


def change_text(question: str, current: Any, value: Any) -> str:
    """One change of a tipping point, for a terminal: `ordering: some -> strict`, or `answer cross_context: yes`
    for an open question."""
    if current is None:
        return f"answer {question}: {answer_text(value)}"
    return f"{question}: {answer_text(current)} -> {answer_text(value)}"


def _change(question: str, current: Any, value: Any) -> dict[str, Any]:
    return {"question": question, "from": current, "to": value, "open": current is None}


def as_dict(assessment: Assessment, rulebook: Rulebook) -> dict[str, Any]:
    """The JSON contract of `advisor recommend --format json` (see README)."""
    ev = assessment.evaluation
    rules = {r.id: r for r in rulebook.rules}
    out: dict[str, Any] = {
        "workflow": ev.workflow,
        "style": ev.style,
        "confidence": ev.confidence,
        "confidence_meaning": confidence_words(ev.confidence),
        "scores": dict(ev.scores),
        "lead": ev.lead,
        "runner_up": ev.runner_up,
        "lean": ev.lean,
        "tie": ev.tie,
        "fired": [
            {
                "rule": r.rule_id,
                "because": rules[r.rule_id].rationale,
                "source": rules[r.rule_id].source,
                "effect": dict(points_by_style(r)),
                "values": dict(r.values),
            }
            for r in ev.fired
        ],
        "trace": [
            {"rule": r.rule_id, "fired": r.fired, "effect": dict(points_by_style(r)), "values": dict(r.values)}
            for r in ev.trace
        ],
        "answers": dict(ev.answers),
        "derived": dict(ev.derived),
        "unanswered": list(ev.assumed),
        "assumed": list(ev.assumed),  # the same list as `unanswered`, kept for readers of the 1.x contract
        "not_applicable": list(ev.not_applicable),
        "contributions": [
            {
                "question": c.question,
                "value": c.value,
                "orchestration": c.orchestration,
                "choreography": c.choreography,
                "hybrid": c.hybrid,
                "rules": list(c.rules),
                "unanswered": c.assumed,
                "assumed": c.assumed,  # the same as `unanswered` (1.x contract)
            }
            for c in assessment.contributions
        ],
        "tipping_points": [
            {
                **_change(t.question, t.current, t.value),
                "style": t.style,
                "confidence": t.confidence,
                "also": [_change(q, c, v) for q, c, v in t.also],
            }
            for t in assessment.tipping_points
        ],
        "deciding_questions": deciding_questions(assessment.tipping_points) if ev.tie else [],
        "rulebook": {"version": ev.rulebook_version, "hash": ev.rulebook_hash},
    }
    if ev.steps:
        out["steps"] = [
            {"index": a.index + 1, "service": a.service, "action": a.action, "mode": a.mode, "reason": a.reason}
            for a in ev.allocation
        ]
    return out


def as_json(assessment: Assessment, rulebook: Rulebook) -> str:
    return json.dumps(as_dict(assessment, rulebook), indent=2, ensure_ascii=False) + "\n"


def as_text(assessment: Assessment, rulebook: Rulebook, width: int = 88, top: int = 5) -> str:
    """A terminal summary: style, confidence, top reasons, allocation, assumptions, tipping points."""
    ev = assessment.evaluation
    style = getattr(rulebook.styles, ev.style)
    rules = {r.id: r for r in rulebook.rules}
    wrap = lambda text, indent="    ": textwrap.fill(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=indent,
    )
    lines = []
    title = f"Recommendation for {ev.workflow}" if ev.workflow else "Recommendation"
    lines += [title, "=" * min(len(title), width), ""]
    tie = " (a tie: the core's points were equal; the tie-break decided)" if ev.tie else ""
    lines.append(f"Style:      {style.name.upper()}{tie}")
    lines.append(f"Confidence: {ev.confidence:.2f} ({confidence_words(ev.confidence)})")
    lines.append(
        f"Scores:     orchestration {ev.scores['orchestration']}, choreography {ev.scores['choreography']}: "
        f"the core's points (it leans to {ev.lean})"
    )
    lines.append(
        f"            hybrid {ev.scores['hybrid']}: link evidence "
        f"({rulebook.decision.hybrid_links} make an orchestrated core a hybrid)"
    )
    lines += ["", wrap(style.summary, "  "), ""]
    fired = sorted(ev.fired, key=lambda r: -(r.orchestration + r.choreography + r.hybrid))
    if fired:
        lines.append(f"Top reasons ({min(top, len(fired))} of {len(fired)} rules that fired):")
    else:
        lines.append("Top reasons: no rule fired (nothing answered gives evidence).")
    for r in fired[:top]:
        seen = ", ".join(f"{q}={value_text(v)}" for q, v in r.values)
        lines.append(f"  - {r.rule_id} [{effect_text(points_by_style(r))}] because {seen}")
        lines.append(wrap(rules[r.rule_id].rationale))
        lines.append(wrap(f"Source: {rules[r.rule_id].source}"))
    if ev.allocation:
        lines += ["", "Per step:"]
        for a in ev.allocation:
            lines.append(f"  {a.index + 1}. {a.service}: {a.action} -> {a.mode}")
    lines.append("")
    if ev.derived:
        lines.append("From the steps: " + ", ".join(f"{q}={value_text(v)}" for q, v in ev.derived.items()))
    if ev.assumed:
        lines.append(
            textwrap.fill(
                "Not answered (no evidence; each lowers the confidence): " + ", ".join(ev.assumed),
                width,
                subsequent_indent="  ",
            )
        )
    else:
        lines.append("Not answered: nothing; every question was answered or read from the steps.")
    tips = assessment.tipping_points
    if tips:
        pairs = any(t.also for t in tips)
        lines += [
            "",
            "What would change it (no single change does; the closest pairs):" if pairs else "What would change it:",
        ]
        for t in tips:
            changes = [change_text(t.question, t.current, t.value)] + [change_text(*c) for c in t.also]
            lines.append(f"  - {' and '.join(changes)} gives {t.style}")
    else:
        lines += ["", "What would change it: no single change, and no pair of changes, gives another style."]
    if ev.tie:
        deciding = deciding_questions(tips)
        text = (
            "Deciding questions (open, and answering one changes the style): " + ", ".join(deciding)
            if deciding
            else "Deciding questions: none is open; a changed answer above would decide it."
        )
        lines += ["", textwrap.fill(text, width, subsequent_indent="  ")]
    lines += ["", f"Rulebook {ev.rulebook_version} ({ev.rulebook_hash[:12]})"]
    return "\n".join(lines) + "\n"
