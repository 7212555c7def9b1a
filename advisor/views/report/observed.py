"""The style a workflow runs in today (read from its traces by `advisor import-trace`), beside the recommended one:
which links (steps) would change mode.

    compare_observed(evaluation, styles) -> Observation | None    pure; None when the answers carry no observation
    observed_markdown(observation) -> list[str]                   the report's Markdown lines
    observed_html(observation, escape) -> str                     its HTML section (`escape`: the renderer's own)

A step is matched to the observed one with the same service and action (in order, when a pair repeats); a
step the traces did not show has no observed mode and is not listed as a change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from advisor.engine.evaluate import Evaluation
from advisor.views.labels import clean, md_inline


@dataclass(frozen=True)
class LinkChange:
    number: int
    service: str
    action: str
    today: str  # orchestrated | event-driven, as the traces show it
    recommended: str


@dataclass(frozen=True)
class Observation:
    style: str
    style_name: str
    recommended: str
    recommended_name: str
    changes: tuple[LinkChange, ...]
    matched: int  # the steps whose mode the traces show

    @property
    def summary(self) -> str:
        """One sentence: the style today against the recommendation, and how many links would change."""
        same = self.style == self.recommended
        verdict = (
            f"the recommendation keeps it ({self.recommended_name})"
            if same
            else f"the recommendation is {self.recommended_name}"
        )
        links = len(self.changes)
        change = (
            "no link would change mode"
            if not links
            else f"{links} link{'s' if links != 1 else ''} would change mode (of {self.matched} the traces show)"
        )
        return f"Observed today, from its traces: {self.style_name}; {verdict}: {change}."


def compare_observed(ev: Evaluation, styles: dict[str, Any]) -> Observation | None:
    observed = ev.input.observed
    if observed is None:
        return None
    pending: dict[tuple[str, str], list[str]] = {}
    for step in observed.steps:
        pending.setdefault((step.service, step.action), []).append(step.mode)
    changes, matched = [], 0
    for a in ev.allocation:
        modes = pending.get((a.service, a.action))
        if not modes:
            continue
        today = modes.pop(0)
        matched += 1
        if today != a.mode:
            changes.append(LinkChange(a.index + 1, clean(a.service), clean(a.action), today, a.mode))
    return Observation(
        observed.style, styles[observed.style]["name"], ev.style, styles[ev.style]["name"], tuple(changes), matched
    )


def observed_markdown(obs: Observation | None) -> list[str]:
    if obs is None:
        return []
    out = ["## Today and recommended", "", md_inline(obs.summary), ""]
    if obs.changes:
        out += ["| # | Service | Action | Today | Recommended |", "|---:|---|---|---|---|"]
        out += [
            f"| {c.number} | {md_inline(c.service)} | {md_inline(c.action)} | {c.today} | {c.recommended} |"
            for c in obs.changes
        ]
        out.append("")
    return out


def observed_html(obs: Observation | None, escape: Callable[[str], str]) -> str:
    if obs is None:
        return ""
    rows = "".join(
        f'<tr><td class="num">{c.number}</td><td>{escape(c.service)}</td><td>{escape(c.action)}</td>'
        f"<td>{c.today}</td><td>{c.recommended}</td></tr>"
        for c in obs.changes
    )
    table = (
        "<table><thead><tr><th>#</th><th>Service</th><th>Action</th><th>Today</th><th>Recommended</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        if rows
        else ""
    )
    return f'\n<section class="observed"><h2>Today and recommended</h2><p>{escape(obs.summary)}</p>{table}</section>'
