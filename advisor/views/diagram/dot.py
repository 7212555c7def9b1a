"""Service interaction diagrams: an `Evaluation` drawn with Graphviz, and rendered by `dot` safely.

    build_diagram(ev, style=None) -> graphviz.Digraph    pure; the look comes from advisor/views/diagram/theme.yaml
    to_dot(digraph) -> str                              the DOT source (needs no Graphviz binary)
    render(digraph, "svg" | "png" | "pdf") -> bytes     runs `dot` with a size cap and a timeout
    to_mermaid(ev, style=None) -> str                   the same drawing as Mermaid text

Safety (shared/RELIABILITY.md): node ids are synthetic (n0, n1, ...); every user string is cleaned and escaped
into an HTML-like label (so `<b>`, `\\`, `:` and quotes are text); attributes come from an allow-list
(`advisor.views.diagram.theme.ALLOWED_ATTRIBUTES`); SVG output is sanitised as a last line of defence
(`advisor.views.diagram.svgsafe`).
"""

from __future__ import annotations

import itertools
import shutil
import subprocess

import graphviz

from advisor.engine.compare import Comparison
from advisor.engine.evaluate import Evaluation
from advisor.errors import UserError
from advisor.views.diagram.mermaid import to_mermaid
from advisor.views.diagram.plan import Drawing, Edge, Node, plan
from advisor.views.diagram.svgsafe import sanitize_svg
from advisor.views.diagram.theme import ALLOWED_ATTRIBUTES, Theme, load_theme
from advisor.views.labels import graphviz_html as html_text
from advisor.views.labels import shorten, wrap

__all__ = [
    "FORMATS",
    "INSTALL_HINT",
    "build_diagram",
    "check_size",
    "comparison_diagrams",
    "render",
    "to_dot",
    "to_mermaid",
]

FORMATS = ("svg", "png", "pdf")
DOT_PROGRAM = "dot"
INSTALL_HINT = (
    "Graphviz is not installed (the `dot` program was not found), so SVG, PNG and PDF diagrams "
    "cannot be drawn. Install Graphviz: sudo apt-get install graphviz (macOS: brew install graphviz). "
    "The DOT and Mermaid exports work without it."
)


def build_diagram(ev: Evaluation, style: str | None = None, theme: Theme | None = None) -> graphviz.Digraph:
    """The diagram of `ev`'s steps in `style` (default: the recommended one), with its title and legend.

    Pure: the same evaluation and theme give the same DOT, byte for byte (it reads nothing else).
    """
    theme = theme or load_theme()
    drawing = plan(ev, theme, style)
    return draw(drawing, theme)


def comparison_diagrams(
    comparison: Comparison, theme: Theme | None = None
) -> tuple[graphviz.Digraph, graphviz.Digraph]:
    """Both sides of a comparison (`advisor.engine.compare`) drawn, each in its own recommended style."""
    return build_diagram(comparison.a, theme=theme), build_diagram(comparison.b, theme=theme)


def draw(drawing: Drawing, theme: Theme) -> graphviz.Digraph:
    """A planned drawing as a Graphviz digraph."""
    g = graphviz.Digraph("advisor")
    g.attr("graph", **_allowed(theme.graph), rankdir=drawing.direction, label=_title_label(drawing, theme))
    g.attr("node", **_allowed(theme.node))
    g.attr("edge", **_allowed(theme.edge))
    in_cluster = {m for c in drawing.clusters for m in c.members}
    nodes = {n.id: n for n in drawing.nodes}
    for cluster in drawing.clusters:
        look = theme.clusters[cluster.id]
        with g.subgraph(name=f"cluster_{cluster.name}") as sub:
            sub.attr(
                **_allowed(
                    {
                        "style": look.style,
                        "fillcolor": look.fillcolor,
                        "color": look.color,
                        "fontcolor": look.fontcolor,
                        "fontsize": look.fontsize,
                        "labeljust": "l",
                        "labelloc": "t",
                    }
                ),
                label=f"<<B>{html_text(shorten(cluster.title or look.title, theme.labels.title_width))}</B>>",
            )
            for member in cluster.members:
                _node(sub, nodes[member], theme)
            members = set(cluster.members)
            for edge in drawing.edges:
                if edge.tail in members and edge.head in members:
                    _edge(sub, edge, theme)  # Why: declared inside, Graphviz keeps the cluster's order
            for rank in drawing.ranks:
                if set(rank) <= members:
                    # Why reversed: inside a cluster under rankdir=LR, Graphviz stacks a same-rank chain
                    # bottom to top (outside clusters, top to bottom); tests/test_diagram.py checks the order.
                    _same_rank(sub, rank[::-1])
    for node in drawing.nodes:
        if node.id not in in_cluster:
            _node(g, node, theme)
    inner = {m: c.name for c in drawing.clusters for m in c.members}
    for edge in drawing.edges:
        if not (edge.tail in inner and inner[edge.tail] == inner.get(edge.head)):
            _edge(g, edge, theme)
    for rank in drawing.ranks:
        if not set(rank) & in_cluster:
            _same_rank(g, rank)
    for lane in drawing.lanes:
        for tail, head in itertools.pairwise(lane):
            g.edge(tail, head, style="invis", weight="10")  # Why: heavy edges pull a lane into a straight line
    return g


def _same_rank(g: graphviz.Digraph, rank: tuple[str, ...]) -> None:
    """Nodes side by side in this order. Why: Graphviz orders a rank freely; invisible edges keep step order.
    (Inside a cluster the group must be declared in that cluster, or Graphviz ignores the order.)"""
    if len(rank) < 2:
        return
    with g.subgraph() as same:
        same.attr(rank="same")
        for tail, head in itertools.pairwise(rank):
            same.edge(tail, head, style="invis")


def _allowed(attrs: dict[str, str]) -> dict[str, str]:
    bad = [k for k in attrs if k not in ALLOWED_ATTRIBUTES]
    if bad:  # the theme model already refuses these; reaching here is a bug
        raise ValueError(f"attributes not on the allow-list: {bad}")
    return dict(attrs)


def _lines(text: str, theme: Theme) -> str:
    return "<BR/>".join(html_text(line) for line in wrap(text, theme.labels.width, theme.labels.lines))


def _node(g: graphviz.Digraph, node: Node, theme: Theme) -> None:
    if node.kind == "start":
        label = ""
    else:
        weight = ("<B>", "</B>") if node.kind == "orchestrator" and node.note else ("", "")
        text = f"{weight[0]}{_lines(node.label, theme)}{weight[1]}"
        if node.note:
            text += f'<BR/><FONT POINT-SIZE="9">{html_text(node.note)}</FONT>'
        if node.undo:
            colour = html_text(theme.edges["compensation"].get("fontcolor", "black"))
            text += "".join(
                f'<BR/><FONT POINT-SIZE="9" COLOR="{colour}">↩ {_lines(line, theme)}</FONT>' for line in node.undo
            )
        label = f"<{text}>"
    attrs = _allowed(theme.nodes[node.kind])
    g.node(node.id, label=label, **attrs)


def _edge(g: graphviz.Digraph, edge: Edge, theme: Theme) -> None:
    attrs = _allowed(theme.edges[edge.kind])
    if edge.label:
        attrs["label"] = f"<{_lines(edge.label, theme)}>"
    g.edge(edge.tail, edge.head, **attrs)


def _title_label(drawing: Drawing, theme: Theme) -> str:
    """Title, subtitle, legend and footer as one HTML-like table: the exported file explains itself."""
    lg = theme.legend
    gap = "&#160;" * 5
    edge_items, node_items = [], []
    for edge_kind in drawing.edge_kinds:
        entry, look = lg.edges[edge_kind], theme.edges[edge_kind]
        edge_items.append(
            f'<FONT COLOR="{html_text(look.get("color", "black"))}">{html_text(entry.sample)}</FONT>'
            f"&#160;{html_text(entry.label)}"
        )
    for node_kind in drawing.node_kinds:
        look = theme.nodes[node_kind]
        filled = node_kind == "orchestrator"  # the only dark fill; light fills show by their border colour
        colour = look.get("fillcolor" if filled else "color", "black")
        node_items.append(
            f'<FONT COLOR="{html_text(colour)}" POINT-SIZE="13">{"■" if filled else "▢"}</FONT>'
            f"&#160;{html_text(lg.nodes[node_kind])}"
        )
    # Why text runs and not nested tables: Graphviz stretches a nested table's cells to the widest row (the
    # subtitle), which scattered the legend; coloured glyphs in one line stay together.
    legend = "".join(f'<TR><TD ALIGN="LEFT">{gap.join(items)}</TD></TR>' for items in (edge_items, node_items) if items)
    title = html_text(shorten(drawing.title, theme.labels.title_width))
    subtitle = html_text(drawing.subtitle)
    footer = html_text(drawing.footer)
    return (
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="{html_text(lg.title_size)}" COLOR="{html_text(lg.text_color)}">'
        f"<B>{title}</B></FONT></TD></TR>"
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="{html_text(lg.subtitle_size)}" '
        f'COLOR="{html_text(lg.muted_color)}">{subtitle}</FONT></TD></TR>'
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9.5" COLOR="{html_text(lg.text_color)}"><TABLE BORDER="0" '
        f'CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{legend}</TABLE></FONT></TD></TR>'
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="{html_text(lg.muted_color)}">{footer}</FONT></TD></TR>'
        f"<TR><TD></TD></TR></TABLE>>"
    )


def to_dot(digraph: graphviz.Digraph) -> str:
    """The DOT source, ending in a newline (no Graphviz binary needed)."""
    source = digraph.source
    return source if source.endswith("\n") else source + "\n"


def check_size(digraph: graphviz.Digraph, theme: Theme | None = None) -> None:
    """Refuse a diagram with more statements (nodes + edges) than the theme's limit: "diagram too large"."""
    limit = (theme or load_theme()).limits.max_statements
    if len(digraph.body) > limit:
        raise UserError(
            f"diagram too large: {len(digraph.body):,} nodes and edges (the limit is {limit:,}); "
            "split the workflow into smaller ones"
        )


def render(digraph: graphviz.Digraph, fmt: str, timeout: float | None = None, theme: Theme | None = None) -> bytes:
    """Run `dot` on the diagram and return SVG, PNG or PDF bytes.

    Raises `UserError` when Graphviz is not installed (with how to install it), when the diagram is over the
    size cap, or when dot runs past `timeout` seconds (default: the theme's limit): "diagram too large".
    SVG is made deterministic (comments with the Graphviz version dropped) and sanitised.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown diagram format {fmt!r}; expected one of {', '.join(FORMATS)}")
    theme = theme or load_theme()
    check_size(digraph, theme)
    program = shutil.which(DOT_PROGRAM)
    if program is None:
        raise UserError(INSTALL_HINT)
    args = [program, f"-T{fmt}"]
    if fmt == "png":
        args.append(f"-Gdpi={theme.limits.png_dpi}")
    seconds = timeout if timeout is not None else theme.limits.dot_timeout_seconds
    try:
        done = subprocess.run(
            args, input=to_dot(digraph).encode("utf-8"), capture_output=True, timeout=seconds, check=False
        )
    except FileNotFoundError:
        raise UserError(INSTALL_HINT) from None
    except subprocess.TimeoutExpired:
        raise UserError(
            f"diagram too large: Graphviz did not finish drawing it within {seconds:g} seconds; "
            "split the workflow into smaller ones"
        ) from None
    if done.returncode != 0:
        # Our DOT is generated and escaped; dot refusing it is a bug, not a user error.
        raise RuntimeError(f"dot failed ({done.returncode}): {done.stderr.decode('utf-8', 'replace')[:2000]}")
    if fmt == "svg":
        return sanitize_svg(done.stdout.decode("utf-8")).encode("utf-8")
    return done.stdout
