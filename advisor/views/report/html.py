"""The report as one self-contained HTML file: inline CSS and the diagram as inline SVG, no external assets.

Safe by construction: every text from a user or a rule file goes through `e()` (cleaned, the five markup
characters as entities) and is placed only in element content, never in an attribute; the only attribute
values are fixed words and numbers computed here. A Content-Security-Policy forbids scripts and any fetch,
and the SVG is sanitised (`advisor.views.diagram.svgsafe`) before it is inlined. The same HTML is WeasyPrint's
input for PDF, so the stylesheet carries the print layout too (A4, running header, page numbers).
"""

from __future__ import annotations

import re

from advisor.errors import UserError
from advisor.resources import STYLESHEET
from advisor.rulebook.formats import STYLES
from advisor.views.diagram.dot import render
from advisor.views.diagram.svgsafe import inline_svg, sanitize_svg
from advisor.views.labels import clean, html_text, signed
from advisor.views.report.model import Report
from advisor.views.report.observed import observed_html
from advisor.views.report.rows import Change, TippingRow, numbers_text, step_reasons
from advisor.views.report.wording import NO_TIPPING

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
WORD_BREAK = 40


_LONG_WORD = re.compile(rf"\S{{{WORD_BREAK + 1},}}")


def e(text: str) -> str:
    """User or rule text as HTML element content; very long words get <wbr> break opportunities.

    Why <wbr>: WeasyPrint lays out an unbreakable 10,000-character word in a table cell in minutes (it measures
    ever shorter prefixes); with a break opportunity every WORD_BREAK characters it takes a moment. The text
    itself is unchanged (a <wbr> has no text), and browsers wrap it the same way.
    """
    return breakable(clean(text))


def breakable(text: str) -> str:
    """Escaped text with a <wbr> every WORD_BREAK characters inside longer words."""
    out, pos = [], 0
    for match in _LONG_WORD.finditer(text):
        word = match.group()
        out.append(html_text(text[pos : match.start()]))
        out.append("<wbr>".join(html_text(word[i : i + WORD_BREAK]) for i in range(0, len(word), WORD_BREAK)))
        pos = match.end()
    out.append(html_text(text[pos:]))
    return "".join(out)


def _pct(value: float) -> str:
    return f"{max(0.0, min(100.0, value)):.0f}%"


def to_html(report: Report, diagram_svg: str | None = None) -> str:
    """The report page. `diagram_svg` is the rendered diagram; by default it is drawn here with Graphviz, and
    without Graphviz the page says how to install it instead of failing."""
    r = report
    if diagram_svg is None:
        try:
            diagram_svg = render(r.diagram, "svg").decode("utf-8")
        except UserError as err:
            diagram_svg = None
            missing = str(err)
    figure = (
        f'<figure class="diagram">{inline_svg(sanitize_svg(diagram_svg))}</figure>'
        if diagram_svg
        else f'<p class="notice">The diagram could not be drawn here. {e(missing)}</p>'
    )
    css = STYLESHEET.read_text(encoding="utf-8")
    style_class = r.style if r.style in STYLES else "hybrid"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Coordination Advisor">',
        f"<title>{e(r.title)}: {e(r.style_name)}</title>",
        f"<style>\n{css}</style>",
        "</head>",
        "<body>",
        "<main>",
        '<header class="masthead">',
        '<p class="kicker">Coordination Advisor report</p>',
        f"<h1>{e(r.title)}</h1>",
        "</header>",
        _verdict(r, style_class) + observed_html(r.observed, e),
        _workflow(r),
        '<section class="diagram-section">',
        "<h2>Diagram</h2>",
        figure,
        "</section>",
        _reasons(r),
        _tradeoffs(r),
        _tipping(r),
        _answers(r),
        _reproduce(r),
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _verdict(r: Report, style_class: str) -> str:
    top = max((o.score for o in r.options), default=1) or 1
    rows = []
    for o in r.options:
        mark = "recommended" if o.chosen else ("runner-up" if o.style == r.runner_up else "")
        rows.append(
            f'<tr><th scope="row">{e(o.name)}</th><td class="num">{o.score}</td>'
            f'<td class="barcell"><div class="bar {o.style}"><span style="width:{_pct(o.score / top * 100)}">'
            f'</span></div></td><td class="counts">{e(o.counts)}</td><td class="mark">{mark}</td></tr>'
        )
    tie = []
    if r.tie:
        tie.append('<div class="tie"><p><strong>A tie.</strong> ')
        if r.deciding:
            tie.append(
                "The questions that would decide it (open now; answering one changes the style):</p><ul>"
                + "".join(f"<li>{e(text)} (<code>{e(q)}</code>)</li>" for q, text in r.deciding)
                + "</ul></div>"
            )
        else:
            tie.append("No open question decides it; one of the changes listed below does.</p></div>")
    return "\n".join(
        [
            f'<section class="verdict {style_class}">',
            '<div class="verdict-head">',
            f'<p class="label">Recommendation</p><p class="style-name">{e(r.style_name)}</p>',
            f'<p class="confidence">Confidence <strong>{r.confidence:.2f}</strong>'
            f'<span class="meter"><span style="width:{_pct(r.confidence * 100)}"></span></span></p>',
            f'<p class="confidence-words">{e(r.confidence_words)}</p>',
            "</div>",
            f'<p class="summary">{e(r.summary)}</p>',
            f'<p class="outcome">{e(r.outcome)}</p>',
            *(["".join(tie)] if tie else []),
            '<div class="table-wrap"><table class="scores"><thead>'
            '<tr><th>Style</th><th class="num">Points</th><th></th>'
            "<th>What the points are</th><th></th></tr></thead>",
            "<tbody>",
            *rows,
            "</tbody></table></div>",
            f'<p class="small">{e(r.scores_note)}</p>',
            f'<p class="small">{e(r.evidence)}</p>',
            "</section>",
        ]
    )


def _workflow(r: Report) -> str:
    out = ['<section class="workflow">', "<h2>The workflow</h2>"]
    if not r.steps:
        out += ["<p>The answers name no steps; the diagram shows a generic flow in this style.</p>", "</section>"]
        return "\n".join(out)
    out.append(
        '<div class="table-wrap"><table class="steps"><thead><tr><th class="num">#</th><th>Service</th>'
        + ("<th>Team</th><th>Context</th>" if r.owners else "")
        + "<th>Action</th><th>Coordination</th><th>Event</th><th>Compensation</th></tr></thead><tbody>"
    )
    for s in r.steps:
        mode = "orchestrated" if s.mode == "orchestrated" else "event-driven"
        owners = f"<td>{e(s.team or '')}</td><td>{e(s.context or '')}</td>" if r.owners else ""
        out.append(
            f'<tr><td class="num">{s.number}</td><td>{e(s.service)}</td>{owners}<td>{e(s.action)}</td>'
            f'<td><span class="badge {mode}">{mode}</span></td><td class="mono">{e(s.event)}</td>'
            f"<td>{e(s.compensation) if s.compensation else ''}</td></tr>"
        )
    out.append("</tbody></table></div>")
    out.append(
        '<ul class="modes">'
        + "".join(
            f'<li><span class="badge {"orchestrated" if m == "orchestrated" else "event-driven"}">{e(m)}</span> '
            f"{e(numbers_text(numbers))}: {e(reason)}</li>"
            for m, reason, numbers in step_reasons(r.steps)
        )
        + "</ul>"
    )
    out.append("</section>")
    return "\n".join(out)


def _reasons(r: Report) -> str:
    out = [
        '<section class="reasons">',
        "<h2>Why: the reasons</h2>",
        f"<p>{len(r.reasons)} rule{'s' if len(r.reasons) != 1 else ''} of the rulebook fired, strongest first.</p>",
        '<ol class="reasons">',
    ]
    for reason in r.reasons:
        effect = " ".join(f'<span class="effect {s}">{signed(p)} {s}</span>' for s, p in reason.effect)
        seen = "; ".join(f"<code>{e(q)}</code> = {e(a)}" for q, a in reason.seen)
        out.append(
            f'<li><p class="rule"><code>{e(reason.rule)}</code> {effect}</p>'
            f'<p>{e(reason.rationale)}</p><p class="because">Because {seen}.</p>'
            f'<p class="source">Source: {e(reason.source)}</p></li>'
        )
    out += ["</ol>", "</section>"]
    return "\n".join(out)


def _tradeoffs(r: Report) -> str:
    c = r.chosen
    lists = [
        ("What it gives", c.benefits, "gives"),
        ("What it costs", c.drawbacks, "costs"),
        ("What to put in place", c.mitigations, "mitigate"),
    ]
    out = ['<section class="tradeoffs">', f"<h2>Trade-offs of {e(c.name)}</h2>", '<div class="columns">']
    for title, items, cls in lists:
        out.append(
            f'<div class="col {cls}"><h3>{title}</h3><ul>' + "".join(f"<li>{e(i)}</li>" for i in items) + "</ul></div>"
        )
    out.append("</div>")
    out.append("<h3>The other options</h3>")
    for o in r.options:
        if o.chosen:
            continue
        out.append(
            f'<div class="option"><p><strong>{e(o.name)}</strong> ({o.score} point{"s" if o.score != 1 else ""}; '
            f"{e(o.counts)}): {e(o.summary)}</p>"
            '<ul class="pros">' + "".join(f"<li>{e(b)}</li>" for b in o.benefits) + "</ul>"
            '<ul class="cons">' + "".join(f"<li>{e(d)}</li>" for d in o.drawbacks) + "</ul></div>"
        )
    out.append("</section>")
    return "\n".join(out)


def _tipping(r: Report) -> str:
    out = ['<section class="tipping">', "<h2>What would change the recommendation</h2>"]
    if not r.tipping_points:
        out += [f"<p>{e(NO_TIPPING)}</p>", "</section>"]
        return "\n".join(out)
    out.append(f"<p>{e(r.tipping_intro)}</p>")
    out.append(
        '<div class="table-wrap"><table><thead>'
        "<tr><th>Question</th><th>Now</th><th>If instead</th><th>Recommendation</th>"
        '<th class="num">Confidence</th></tr></thead><tbody>'
    )
    for t in r.tipping_points:
        out.append(_tipping_row(t))
    out += ["</tbody></table></div>", "</section>"]
    return "\n".join(out)


def _now(c: Change) -> str:
    return '<span class="badge unanswered">not answered</span>' if c.current is None else e(c.current)


def _tipping_row(t: TippingRow) -> str:
    """One tipping point: a row per change, the pair's rows joined (the result cells span both)."""
    span = f' rowspan="{len(t.changes)}"' if t.pair else ""
    first, *rest = t.changes
    row = (
        f"<tr><td>{e(first.text)}</td><td>{_now(first)}</td><td>{e(first.alternative)}</td>"
        f'<td{span}><strong>{e(t.style_name)}</strong></td><td class="num"{span}>{t.confidence:.2f}</td></tr>'
    )
    return row + "".join(
        f'<tr class="also"><td>and {e(c.text)}</td><td>{_now(c)}</td><td>{e(c.alternative)}</td></tr>' for c in rest
    )


def _answers(r: Report) -> str:
    out = [
        '<section class="answers">',
        "<h2>Answers</h2>",
        '<div class="table-wrap"><table><thead>'
        "<tr><th>Section</th><th>Question</th><th>Answer</th><th></th></tr></thead><tbody>",
    ]
    for a in r.answers:
        answer = '<span class="badge unanswered">not answered</span>' if a.assumed else e(a.answer)
        mark = '<span class="badge derived">from the steps</span>' if a.derived else ""
        out.append(f"<tr><td>{e(a.section)}</td><td>{e(a.text)}</td><td>{answer}</td><td>{mark}</td></tr>")
    out.append("</tbody></table></div>")
    if r.not_applicable:
        out.append(
            '<p class="small">Not applicable to these answers: ' + "; ".join(e(t) for t in r.not_applicable) + ".</p>"
        )
    out.append("</section>")
    return "\n".join(out)


def _reproduce(r: Report) -> str:
    return "\n".join(
        [
            '<section class="reproduce">',
            "<h2>Reproduce</h2>",
            f"<p>Rulebook version {e(r.rulebook_version)}, sha256 <code>{html_text(r.rulebook_hash)}</code>. "
            "Save the answers below as <code>answers.yaml</code> and run "
            "<code>advisor report answers.yaml --format html</code> with that rulebook to get this report again.</p>",
            f"<pre>{breakable(r.answers_yaml)}</pre>",
            "</section>",
        ]
    )
