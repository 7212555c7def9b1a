"""The decision as an architecture decision record in MADR 4.0 form (adr.github.io/madr).

Sections, in MADR's order: front matter (status, date, decision-makers, consulted, informed); Context and
Problem Statement; Decision Drivers (the answers that pushed the scores hardest); Considered Options (the three
styles); Decision Outcome ("Chosen option: ..., because ...") with Consequences and Confirmation; Pros and Cons
of the Options (from rules/styles.yaml); More Information (diagram, per-step allocation, tipping points, how
to reproduce).

The date: an ADR is dated when a person accepts it, so `to_adr` writes no clock time. Pass `date`
("YYYY-MM-DD") to set it; without one the front matter says `date: undated`, which keeps the output
deterministic (golden tests, diffs) and is an obvious blank to fill in.
"""

from __future__ import annotations

import datetime
import re

from advisor.errors import UserError
from advisor.views.labels import effect_text, md_inline, md_line
from advisor.views.report.markdown import fence, tipping_text
from advisor.views.report.model import Report
from advisor.views.report.wording import NO_TIPPING

STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TOP_REASONS = 3  # Why: the outcome names the strongest reasons; every reason is in the report
_PHRASES = {
    "orchestration": "orchestration",
    "choreography": "choreography",
    "hybrid": "a hybrid of orchestration and choreography",
}


def check_date(date: str | None) -> str:
    """The front-matter date: `YYYY-MM-DD`, or `undated` when none is given."""
    if date is None:
        return "undated"
    if not _DATE.match(date):
        raise UserError(f"invalid ADR date {date!r}; expected YYYY-MM-DD")
    try:
        datetime.date.fromisoformat(date)  # Why: the pattern alone lets 2026-13-45 through
    except ValueError as e:
        raise UserError(f"invalid ADR date {date!r}: {e}; expected a calendar date as YYYY-MM-DD") from None
    return date


def to_adr(report: Report, date: str | None = None, status: str = "proposed") -> str:
    """The ADR as Markdown with YAML front matter."""
    if status not in STATUSES:
        raise UserError(f"invalid ADR status {status!r}; expected one of {', '.join(STATUSES)}")
    r = report
    chosen = r.chosen
    subject = md_inline(r.workflow) if r.workflow else "the workflow"
    out = [
        "---",
        f"status: {status}",
        f"date: {check_date(date)}",
        "decision-makers: to be named",
        "consulted: to be named",
        "informed: to be named",
        "---",
        "",
        f"# Use {_PHRASES.get(r.style, md_inline(chosen.name))} to coordinate {subject}",
        "",
    ]

    out += ["## Context and Problem Statement", ""]
    services = list(dict.fromkeys(s.service for s in r.steps))
    if r.steps:
        out.append(
            f"{subject[:1].upper() + subject[1:]} has {len(r.steps)} step{'s' if len(r.steps) != 1 else ''}"
            f" across {len(services)} service{'s' if len(services) != 1 else ''} ("
            + ", ".join(md_inline(s) for s in services)
            + ")."
        )
    else:
        out.append(f"The services of {subject} are not named yet.")
    out += [
        "How should they coordinate: one orchestrator that commands each step (orchestration), services "
        "that react to each other's events (choreography), or both, each where it fits (hybrid)?",
        "",
        "The answers to the Coordination Advisor's questionnaire are in *More Information*. " + r.evidence,
        "",
    ]

    out += ["## Decision Drivers", ""]
    for d in r.drivers:
        answer = "*not answered*" if d.assumed else f"**{md_inline(d.answer)}**"
        out.append(f"* {md_inline(d.text)} {answer}: pushes {effect_text(d.push)}")
    if not r.drivers:
        out.append("* No rule fired: the answers give no driver.")
    out.append("")

    out += ["## Considered Options", ""]
    out += [f"* {md_inline(o.name)}" for o in r.options]
    out.append("")

    out += ["## Decision Outcome", ""]
    out.append(
        f'Chosen option: "{md_inline(chosen.name)}", because {md_inline(r.because)}; '
        f"confidence {r.confidence:.2f} ({md_inline(r.confidence_words)})."
    )
    if r.tie:
        out.append("")
        if r.deciding:
            out += ["It is a tie, so the decision is open until one of these questions is answered:", ""]
            out += [f"* {md_inline(text)} (`{q}`)" for q, text in r.deciding]
        else:
            out.append("It is a tie; one of the changes under *What would change this decision* decides it.")
    # the core's reasons (for a hybrid, the orchestrated core's), then for a hybrid the links' reasons
    groups = [("hybrid", "for events on some links")] if r.style == "hybrid" else []
    groups.insert(0, (r.lean, f"for {md_inline(r.lean)} in the core" if r.style == "hybrid" else ""))
    for style, purpose in groups:
        pro = sorted((x for x in r.reasons if dict(x.effect).get(style, 0) > 0), key=lambda x: -dict(x.effect)[style])[
            :TOP_REASONS
        ]  # stable: ties keep report order
        if pro:
            out += ["", f"The strongest reasons {purpose or 'for ' + md_inline(chosen.name)}:", ""]
            out += [f"* `{x.rule}` ({effect_text(x.effect)}): {md_inline(x.rationale)}" for x in pro]
    if r.steps and r.style == "hybrid":
        core = [s for s in r.steps if s.mode == "orchestrated"]
        react = [s for s in r.steps if s.mode != "orchestrated"]
        out += [
            "",
            "Orchestrated core: "
            + (", ".join(f"{s.number}. {md_inline(s.action)} ({md_inline(s.service)})" for s in core) or "none")
            + ".",
            "Event-driven reactions: "
            + (", ".join(f"{s.number}. {md_inline(s.action)} ({md_inline(s.service)})" for s in react) or "none")
            + ".",
        ]
    out += ["", "### Consequences", ""]
    out += [f"* Good, because {md_line(_lower(b))}" for b in chosen.benefits]
    out += [f"* Bad, because {md_line(_lower(d))}" for d in chosen.drawbacks]
    out += ["", "Mitigations we commit to:", ""] + [f"* {md_inline(m)}" for m in chosen.mitigations]
    out += ["", "### Confirmation", ""]
    out += ["The decision is confirmed when a design or code review has checked each point:", ""]
    out += [f"* [ ] {md_inline(m)}" for m in chosen.mitigations]
    out += [
        "* [ ] The implemented interactions match the diagram below (commands, events, compensations).",
        f"* [ ] `advisor recommend` on the answers below, with rulebook {md_inline(r.rulebook_version)} "
        f"(sha256 `{r.rulebook_hash[:12]}`), still recommends {md_inline(chosen.name)}.",
        "* [ ] None of the tipping points listed below has become true; if one has, revisit this decision.",
        "",
    ]

    out += ["## Pros and Cons of the Options", ""]
    for o in r.options:
        out += [f"### {md_inline(o.name)}", "", md_line(o.summary) + (" (chosen)" if o.chosen else ""), ""]
        out += [f"* Good, because {md_line(_lower(b))}" for b in o.benefits]
        out += [f"* Bad, because {md_line(_lower(d))}" for d in o.drawbacks]
        out += [f"* {o.score} point{'s' if o.score != 1 else ''}: {md_inline(o.counts)}", ""]

    out += ["## More Information", "", "### Diagram", "", *fence(r.mermaid, "mermaid"), ""]
    if r.steps:
        owners = ("Team", "Context") if r.owners else ()
        out += [
            "### Per-step coordination",
            "",
            "| # | Service | " + "".join(f"{h} | " for h in owners) + "Action | Coordination | Event |",
            "|---:|---|" + "---|" * len(owners) + "---|---|---|",
        ]
        for s in r.steps:
            cells = f"{md_inline(s.team or '')} | {md_inline(s.context or '')} | " if r.owners else ""
            out.append(
                f"| {s.number} | {md_inline(s.service)} | {cells}{md_inline(s.action)} | {s.mode} | "
                f"{md_inline(s.event)} |"
            )
        out.append("")
    out += ["### What would change this decision", ""]
    if r.tipping_points:
        out += [r.tipping_intro, ""]
        out += [f"* {tipping_text(t)} would give {md_inline(t.style_name)}." for t in r.tipping_points]
    else:
        out.append(f"* {NO_TIPPING}")
    out += [
        "",
        "### Reproduce",
        "",
        f"Coordination Advisor, rulebook {md_inline(r.rulebook_version)} (sha256 `{r.rulebook_hash}`), "
        "with these answers:",
        "",
        *fence(r.answers_yaml, "yaml"),
        "",
    ]
    return "\n".join(out)


def _lower(text: str) -> str:
    """ "The flow is ..." -> "the flow is ..." after "because" (acronyms such as "IDs" keep their case)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:].lower() != first[1:]:
        return text
    return text[:1].lower() + text[1:]
