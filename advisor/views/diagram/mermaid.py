"""The diagram as Mermaid text, for ADRs, wikis and Markdown viewers that draw Mermaid (GitHub, GitLab).

It draws the same plan as the Graphviz diagram (`advisor.views.diagram.plan`): the same nodes, edges, numbering and
clusters, coloured from the same theme. User text is quoted and every character that Mermaid could read as
syntax (quotes, `#`, `<`, `>`, `&`, backticks, `|`, `%`) is written as a Mermaid entity code, so a name can
neither end its label nor add a directive, a link or a click handler.
"""

from __future__ import annotations

import re

from advisor.engine.evaluate import Evaluation
from advisor.views.diagram.plan import Drawing, Node, plan
from advisor.views.diagram.theme import EdgeKind, Theme, load_theme
from advisor.views.labels import shorten

_ENTITY = {ch: f"#{ord(ch)};" for ch in '"#<>&`|%;{}[]()\\'}
_COLOUR = re.compile(r"^(#[0-9A-Fa-f]{3,8}|[a-z]{3,20})$")
_SHAPES = {
    "orchestrator": ('[["', '"]]'),
    "service": ('("', '")'),
    "reaction": ('("', '")'),
    "event": ('>"', '"]'),
    "start": ('(("', '"))'),
    "placeholder": ('("', '")'),
}
_ARROWS = {"command": "-->", "reply": "-.->", "event": "==>", "compensation": "-.->"}


def mermaid_text(text: str, limit: int = 80) -> str:
    """User text for a quoted Mermaid label: shortened to `limit` characters, syntax characters as entities."""
    return "".join(_ENTITY.get(ch, ch) for ch in " ".join(shorten(text, limit).split()))


def to_mermaid(ev: Evaluation, style: str | None = None, theme: Theme | None = None) -> str:
    """The diagram of `ev` (in `style`, default the recommended one) as a Mermaid flowchart; deterministic."""
    theme = theme or load_theme()
    return render_mermaid(plan(ev, theme, style), theme)


def render_mermaid(drawing: Drawing, theme: Theme) -> str:
    limit = theme.labels.width * theme.labels.lines
    # Why a comment and not Mermaid's front-matter title: a comment is never rendered as markup, whatever it says.
    title = " ".join(f"{shorten(drawing.title, theme.labels.title_width)}. {drawing.subtitle}".split())
    lines = [f"%% {title}", f"%% {drawing.footer}", f"flowchart {drawing.direction}"]
    clustered = {m for c in drawing.clusters for m in c.members}
    nodes = {n.id: n for n in drawing.nodes}
    for cluster in drawing.clusters:
        look = theme.clusters[cluster.id]
        title = shorten(cluster.title or look.title, theme.labels.title_width)
        lines.append(f'  subgraph {cluster.name}["{mermaid_text(title)}"]')
        lines += [f"    {_node(nodes[m], limit)}" for m in cluster.members]
        lines.append("  end")
    lines += [f"  {_node(n, limit)}" for n in drawing.nodes if n.id not in clustered]
    by_kind: dict[EdgeKind, list[int]] = {}
    for i, e in enumerate(drawing.edges):
        text = mermaid_text(e.label, limit)
        label = f'|"{text}"|' if text else ""  # Why not `|""|`: Mermaid refuses an empty quoted text
        lines.append(f"  {e.tail} {_ARROWS[e.kind]}{label} {e.head}")
        by_kind.setdefault(e.kind, []).append(i)
    for kind in ("orchestrator", "service", "reaction", "event", "start", "placeholder"):
        style = _class_style(theme.nodes[kind])
        if style:
            lines.append(f"  classDef {kind} {style}")
    for kind in ("orchestrator", "service", "reaction", "event", "start", "placeholder"):
        ids = [n.id for n in drawing.nodes if n.kind == kind]
        if ids:
            lines.append(f"  class {','.join(ids)} {kind}")
    for cluster in drawing.clusters:
        look = theme.clusters[cluster.id]
        style = _class_style({"fillcolor": look.fillcolor, "color": look.color})
        if style:
            lines.append(f"  style {cluster.name} {style}")
    for kind, indexes in by_kind.items():
        edge_look = theme.edges[kind]
        colour = edge_look.get("color", "")
        if _COLOUR.match(colour):
            dash = ",stroke-dasharray:5 4" if "dashed" in edge_look.get("style", "") else ""
            lines.append(f"  linkStyle {','.join(map(str, indexes))} stroke:{colour}{dash}")
    return "\n".join(lines) + "\n"


def _node(node: Node, limit: int) -> str:
    opening, closing = _SHAPES[node.kind]
    text = mermaid_text(node.label, limit) or " "  # a blank name ("   "): `("")` would not parse
    if node.note:
        text += f"<br/><small>{mermaid_text(node.note)}</small>"
    for line in node.undo:  # a step's compensation, in its service's box as in the Graphviz drawing
        text += f"<br/><small>↩ {mermaid_text(line, limit)}</small>"
    return f"{node.id}{opening}{text}{closing}"


def _class_style(look: dict[str, str]) -> str:
    """Theme colours as Mermaid CSS; only values that are plainly colours pass (a theme is data, not code)."""
    parts = []
    for attr, css in (("fillcolor", "fill"), ("color", "stroke"), ("fontcolor", "color")):
        value = look.get(attr, "")
        if _COLOUR.match(value):
            parts.append(f"{css}:{value}")
    if "dashed" in look.get("style", ""):
        parts.append("stroke-dasharray:5 4")
    return ",".join(parts)
