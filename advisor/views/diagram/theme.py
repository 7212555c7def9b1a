"""The diagram theme: `advisor/views/diagram/theme.yaml` as a strict model, every Graphviz attribute on an
allow-list.

Why an allow-list: attributes such as URL, href, target, tooltip or id end up as links and attributes in the
SVG; an edited theme (or a bug) must never be able to put a link or a script there. Unknown keys, unknown
attributes and wrong types are errors with FILE:LINE:COL, like every other file the advisor reads.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator

from advisor.resources import THEME
from advisor.rulebook.formats import Step, Strict
from advisor.rulebook.messages import parse

DEFAULT_THEME = THEME

# Every attribute the builder may set on a graph, node, edge or cluster. Nothing that makes a link or a
# tooltip, nothing that names a file (image, fontpath, imagepath), nothing that sets a raw SVG id or class.
ALLOWED_ATTRIBUTES = frozenset(
    {
        "arrowhead",
        "arrowsize",
        "arrowtail",
        "bgcolor",
        "color",
        "compound",
        "concentrate",
        "constraint",
        "dir",
        "fillcolor",
        "fixedsize",
        "fontcolor",
        "fontname",
        "fontsize",
        "height",
        "label",
        "labeljust",
        "labelloc",
        "margin",
        "minlen",
        "newrank",
        "nodesep",
        "ordering",
        "outputorder",
        "pad",
        "penwidth",
        "peripheries",
        "rank",
        "rankdir",
        "ranksep",
        "shape",
        "splines",
        "style",
        "weight",
        "width",
        "xlabel",
        "headport",
        "tailport",
        "labelfloat",
        "decorate",
        "group",
        "forcelabels",
        "fontnames",
        "pencolor",
    }
)
AttrValue = Annotated[str, Field(max_length=200)]
Attrs = dict[str, AttrValue]
NodeKind = Literal["orchestrator", "service", "reaction", "event", "start", "placeholder"]
EdgeKind = Literal["command", "reply", "event", "compensation"]
LegendNodeKind = Literal["orchestrator", "service", "reaction", "event"]  # the kinds the legend explains
ClusterId = Literal["core", "reactions"]


def _check_attrs(value: dict[str, str]) -> dict[str, str]:
    bad = sorted(k for k in value if k not in ALLOWED_ATTRIBUTES)
    if bad:
        raise ValueError(
            f"attribute(s) not allowed in a diagram theme: {', '.join(bad)} "
            f"(allowed: {', '.join(sorted(ALLOWED_ATTRIBUTES))})"
        )
    return value


class ClusterLook(Strict):
    title: Annotated[str, Field(min_length=1, max_length=80)]
    style: AttrValue = "rounded"
    fillcolor: AttrValue = "white"
    color: AttrValue = "black"
    fontcolor: AttrValue = "black"
    fontsize: AttrValue = "11"


class LegendEdge(Strict):
    sample: Annotated[str, Field(min_length=1, max_length=20)]
    label: Annotated[str, Field(min_length=1, max_length=80)]


class Legend(Strict):
    title_size: AttrValue
    subtitle_size: AttrValue
    text_color: AttrValue
    muted_color: AttrValue
    edges: dict[EdgeKind, LegendEdge]
    nodes: dict[LegendNodeKind, Annotated[str, Field(max_length=80)]]


class Generic(Strict):
    workflow: Annotated[str, Field(min_length=1, max_length=80)]
    steps: list[Step] = Field(min_length=1, max_length=10)


class Labels(Strict):
    width: Annotated[int, Field(ge=8, le=80)]
    lines: Annotated[int, Field(ge=1, le=10)]
    title_width: Annotated[int, Field(ge=20, le=200)]


class Limits(Strict):
    max_statements: Annotated[int, Field(ge=10, le=100_000)]
    dot_timeout_seconds: Annotated[int, Field(ge=1, le=600)]
    png_dpi: AttrValue


class Theme(Strict):
    """The whole look of a diagram, as data."""

    graph: Attrs
    node: Attrs
    edge: Attrs
    nodes: dict[NodeKind, Attrs]
    edges: dict[EdgeKind, Attrs]
    clusters: dict[ClusterId, ClusterLook]
    legend: Legend
    generic: Generic
    labels: Labels
    limits: Limits

    @field_validator("graph", "node", "edge")
    @classmethod
    def _allowed(cls, v: dict[str, str]) -> dict[str, str]:
        return _check_attrs(v)

    @field_validator("nodes", "edges")
    @classmethod
    def _allowed_each(cls, v: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for attrs in v.values():
            _check_attrs(attrs)
        return v

    @field_validator("nodes")
    @classmethod
    def _every_node_kind(cls, v: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        missing = sorted(set(NodeKind.__args__) - set(v))  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"a look is needed for every kind of node; missing: {', '.join(missing)}")
        return v

    @field_validator("edges")
    @classmethod
    def _every_edge_kind(cls, v: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        missing = sorted(set(EdgeKind.__args__) - set(v))  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"a look is needed for every kind of edge; missing: {', '.join(missing)}")
        return v


def load_theme(path: Path | str | None = None) -> Theme:
    """Read and validate a theme file (default: `advisor/views/diagram/theme.yaml`); a bad file is a `UserError`."""
    return _load(str(Path(path) if path is not None else DEFAULT_THEME))


@lru_cache(maxsize=8)
def _load(path: str) -> Theme:
    # Why cached: the theme is immutable (frozen models) and read on every diagram; the app draws on each rerun.
    with open(path, "rb") as f:
        raw = f.read()
    theme, _ = parse(raw, path, Theme)
    return theme
