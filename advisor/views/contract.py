"""The recommendation as data (the JSON contract) and as terminal text. Both read one `Assessment`.

The Markdown report is `advisor.views.report.model` (`advisor recommend --format md` uses it)."""
from __future__ import annotations

import json
import textwrap
from typing import Any

from advisor.engine.assessment import Assessment
from advisor.engine.evaluate import confidence_words
from advisor.rulebook.formats import answer_text, points_by_style
from advisor.rulebook.loading import Rulebook
from advisor.views.labels import effect_text


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
        "fired": [
            {"rule": r.rule_id, "because": rules[r.rule_id].rationale, "source": rules[r.rule_id].source,
             "effect": dict(points_by_style(r)), "values": dict(r.values)}
            for r in ev.fired
        ],
        "trace": [{"rule": r.rule_id, "fired": r.fired, "effect": dict(points_by_style(r)), "values": dict(r.values)}
                  for r in ev.trace],
        "answers": dict(ev.answers),
        "assumed": list(ev.assumed),
        "not_applicable": list(ev.not_applicable),
        "contributions": [
            {"question": c.question, "value": c.value, "orchestration": c.orchestration,
             "choreography": c.choreography, "hybrid": c.hybrid, "rules": list(c.rules), "assumed": c.assumed}
            for c in assessment.contributions
        ],
        "tipping_points": [
            {"question": t.question, "from": t.current, "to": t.value, "style": t.style, "confidence": t.confidence}
            for t in assessment.tipping_points
        ],
        "rulebook": {"version": ev.rulebook_version, "hash": ev.rulebook_hash},
    }
    if ev.steps:
        out["steps"] = [{"index": a.index + 1, "service": a.service, "action": a.action, "mode": a.mode,
                         "reason": a.reason} for a in ev.allocation]
    return out


def as_json(assessment: Assessment, rulebook: Rulebook) -> str:
    return json.dumps(as_dict(assessment, rulebook), indent=2, ensure_ascii=False) + "\n"


def as_text(assessment: Assessment, rulebook: Rulebook, width: int = 88, top: int = 5) -> str:
    """A terminal summary: style, confidence, top reasons, allocation, assumptions, tipping points."""
    ev = assessment.evaluation
    style = rulebook.styles.model_dump()[ev.style]
    rules = {r.id: r for r in rulebook.rules}
    wrap = lambda text, indent="    ": textwrap.fill(text, width, initial_indent=indent,  # noqa: E731
                                                     subsequent_indent=indent)
    lines = []
    title = f"Recommendation for {ev.workflow}" if ev.workflow else "Recommendation"
    lines += [title, "=" * min(len(title), width), ""]
    lines.append(f"Style:      {style['name'].upper()}")
    lines.append(f"Confidence: {ev.confidence:.2f} ({confidence_words(ev.confidence)})")
    lines.append("Scores:     " + ", ".join(f"{k} {v}" for k, v in ev.scores.items()))
    lines += ["", wrap(style["summary"], "  "), ""]
    fired = sorted(ev.fired, key=lambda r: -(r.orchestration + r.choreography + r.hybrid))
    lines.append(f"Top reasons ({min(top, len(fired))} of {len(fired)} rules that fired):")
    for r in fired[:top]:
        seen = ", ".join(f"{q}={answer_text(v)}" for q, v in r.values)
        lines.append(f"  - {r.rule_id} [{effect_text(points_by_style(r))}] because {seen}")
        lines.append(wrap(rules[r.rule_id].rationale))
        lines.append(wrap(f"Source: {rules[r.rule_id].source}"))
    if ev.allocation:
        lines += ["", "Per step:"]
        for a in ev.allocation:
            lines.append(f"  {a.index + 1}. {a.service}: {a.action} -> {a.mode}")
    lines.append("")
    if ev.assumed:
        lines.append("Assumed (not answered; defaults used): " + ", ".join(
            f"{q}={answer_text(ev.answers[q])}" for q in ev.assumed))
    else:
        lines.append("Assumed: nothing; every question was answered.")
    tips = assessment.tipping_points
    if tips:
        lines += ["", "What would change it:"]
        for t in tips:
            lines.append(f"  - {t.question}: {answer_text(t.current)} -> {answer_text(t.value)} gives {t.style}")
    lines += ["", f"Rulebook {ev.rulebook_version} ({ev.rulebook_hash[:12]})"]
    return "\n".join(lines) + "\n"
