"""The report as Markdown: deterministic (no dates, no ids), readable as plain text, rendered well by GitHub,
GitLab and wikis (the diagram is a Mermaid block they draw).

Every text that comes from a user or a rule file passes through `md_inline` or `md_line`
(`advisor.views.labels`), so it shows literally: `*`, `_`, `[`, `|`, `<` and friends are escaped, HTML is
written as entities, and line breaks are folded.
"""

from __future__ import annotations

import re

from advisor.views.labels import effect_text, md_inline, md_line
from advisor.views.report.model import Report
from advisor.views.report.observed import observed_markdown
from advisor.views.report.rows import Change, TippingRow, numbers_text, step_reasons
from advisor.views.report.wording import NO_TIPPING


def fence(text: str, info: str = "") -> list[str]:
    """A fenced code block that no backticks in `text` can close early."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    marker = "`" * max(3, longest + 1)
    return [marker + info, *text.rstrip("\n").split("\n"), marker]


def to_markdown(report: Report) -> str:
    """The full report as Markdown."""
    r = report
    out = [f"# {md_inline(r.title)}", ""]
    out += [
        f"**Recommendation: {md_inline(r.style_name)}**, confidence {r.confidence:.2f} "
        f"({md_inline(r.confidence_words)}).",
        "",
        md_line(r.summary),
        "",
    ]
    out += [md_line(r.outcome), ""]
    if r.tie:
        if r.deciding:
            out += ["**A tie.** The questions that would decide it (open now; answering one changes the style):", ""]
            out += [f"- {md_inline(text)} (`{q}`)" for q, text in r.deciding]
        else:
            out.append("**A tie.** No open question decides it; one of the changes listed below does.")
        out.append("")
    out += ["| Style | Points | What the points are | |", "|---|---:|---|---|"]
    for o in r.options:
        mark = "recommended" if o.chosen else ("runner-up" if o.style == r.runner_up else "")
        out.append(f"| {md_inline(o.name)} | {o.score} | {md_inline(o.counts)} | {mark} |")
    out += ["", md_line(r.scores_note), "", r.evidence, "", *observed_markdown(r.observed)]

    out += ["## The workflow", ""]
    if r.steps:
        owners = ("Team", "Context") if r.owners else ()
        out += [
            "| # | Service | " + "".join(f"{h} | " for h in owners) + "Action | Coordination | Event | Compensation |",
            "|---:|---|" + "---|" * len(owners) + "---|---|---|---|",
        ]
        for s in r.steps:
            cells = f"{md_inline(s.team or '')} | {md_inline(s.context or '')} | " if r.owners else ""
            out.append(
                f"| {s.number} | {md_inline(s.service)} | {cells}{md_inline(s.action)} | {s.mode} | "
                f"{md_inline(s.event)} | {md_inline(s.compensation) if s.compensation else ''} |"
            )
        out += ["", "Why each step is coordinated this way:", ""]
        for mode, why, numbers in step_reasons(r.steps):
            out.append(f"- *{mode}* ({numbers_text(numbers)}): {md_inline(why)}")
    else:
        out.append("The answers name no steps; the diagram shows a generic flow in this style.")
    out += ["", "## Diagram", "", *fence(r.mermaid, "mermaid"), ""]

    out += [
        "## Why: the reasons",
        "",
        f"{len(r.reasons)} rule{'s' if len(r.reasons) != 1 else ''} of the rulebook fired, strongest first.",
        "",
    ]
    for i, reason in enumerate(r.reasons, 1):
        seen_text = "; ".join(f"`{q}` = {md_inline(a)}" for q, a in reason.seen)
        out.append(f"{i}. `{reason.rule}` ({effect_text(reason.effect)}), because {seen_text}.  ")
        out.append(f"   {md_line(reason.rationale)}  ")
        out.append(f"   *Source:* {md_inline(reason.source)}")
    out.append("")

    chosen = r.chosen
    out += [f"## Trade-offs of {md_inline(chosen.name)}", "", "What it gives:", ""]
    out += [f"- {md_inline(b)}" for b in chosen.benefits]
    out += ["", "What it costs:", ""] + [f"- {md_inline(d)}" for d in chosen.drawbacks]
    out += ["", "What to put in place (mitigations):", ""] + [f"- {md_inline(m)}" for m in chosen.mitigations]
    out.append("")

    out += ["## What would change the recommendation", ""]
    if r.tipping_points:
        out += [
            r.tipping_intro,
            "",
            "| Change | Recommendation | Confidence |",
            "|---|---|---:|",
        ]
        out += [f"| {tipping_text(t)} | {md_inline(t.style_name)} | {t.confidence:.2f} |" for t in r.tipping_points]
    else:
        out.append(NO_TIPPING)
    out.append("")

    out += ["## Answers", "", "| Section | Question | Answer | |", "|---|---|---|---|"]
    out += [
        f"| {md_inline(a.section)} | {md_inline(a.text)} | {'*not answered*' if a.assumed else md_inline(a.answer)} | "
        f"{'from the steps' if a.derived else ''} |"
        for a in r.answers
    ]
    if r.not_applicable:
        out += ["", "Not applicable to these answers: " + "; ".join(md_inline(t) for t in r.not_applicable) + "."]
    out.append("")

    out += [
        "## Reproduce",
        "",
        f"Rulebook version {md_inline(r.rulebook_version)}, sha256 `{r.rulebook_hash}`. "
        "Save the answers below as `answers.yaml` and run `advisor report answers.yaml --format md` "
        "with that rulebook to get this report again.",
        "",
        *fence(r.answers_yaml, "yaml"),
        "",
    ]
    return "\n".join(out)


def change_text(c: Change) -> str:
    """One change in Markdown: `Question? **Strict** instead of Some`, or `Question? answered **Yes** (open now)`."""
    if c.open:
        return f"{md_inline(c.text)} answered **{md_inline(c.alternative)}** (not answered now)"
    return f"{md_inline(c.text)} **{md_inline(c.alternative)}** instead of {md_inline(c.current or '')}"


def tipping_text(t: TippingRow) -> str:
    """A tipping point's changes in Markdown, a pair joined by "and"."""
    return ", and ".join(change_text(c) for c in t.changes)
