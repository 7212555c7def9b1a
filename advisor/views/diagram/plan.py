"""What a diagram shows, before anyone draws it: nodes, edges and clusters for one style of one workflow.

One plan, two renderers: `advisor.views.diagram.dot` turns it into Graphviz, `advisor.views.diagram.mermaid` into
Mermaid, so both say the same thing. The plan holds the user's text cleaned but unescaped; each renderer escapes
for its format.

- orchestration: an orchestrator commands each service in order (`1. Authorize card`) and each replies.
- choreography: a start, then each service publishes an event (`1. OrderCreated`) that the next step's
  service reacts to; reactions hang off the latest core event.
- In every style, a step's compensation is written in its service's box, in the compensation colour
  (`undo 3: Release stock`), next to the step it undoes and the same in all three styles. Why not an edge:
  compensation edges ran across the whole drawing and their labels landed beside other services (issue 15);
  saga diagrams (microservices.io) list the compensating transaction in the participant too.
- hybrid: the orchestrated core in one cluster, the event-driven steps in another, and between them the
  events the orchestrator publishes that cross the boundary. Which step is which is the engine's per-link
  allocation (`advisor.engine.evaluate.allocate`): a reaction, or a step in another bounded context than the
  core's, reacts to an event; so the drawing and the report's per-step table always agree. When steps name
  their owners, the clusters are the ownership boundaries the allocation used: the core is titled with its
  bounded context (and team, when one team owns it), and each other context (or, where no context is named,
  each team) gets its own event-driven cluster, so every event drawn crosses a boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from advisor.engine.allocation import START, triggers
from advisor.engine.evaluate import Evaluation, allocate, core_context
from advisor.rulebook.formats import STYLES, Step
from advisor.views.diagram.events import event_name, workflow_event
from advisor.views.diagram.theme import ClusterId, EdgeKind, LegendNodeKind, NodeKind, Theme
from advisor.views.labels import clean

DIRECTION = "LR"  # the flow reads left to right: Graphviz's rankdir and Mermaid's flowchart direction
# Why top-down for a long choreography: left to right, each step adds a column, so 9 steps made one row about
# 3,400 px wide, and text shrank to about 5 px on a 1400 px page. Top-down, each step adds a row instead.
TOP_DOWN_AFTER = 5  # steps; a choreography with more is drawn top-down ("TB")
_EDGE_ORDER: tuple[EdgeKind, ...] = ("command", "reply", "event", "compensation")  # the legend's order
_LEGEND_NODE_ORDER: tuple[LegendNodeKind, ...] = ("orchestrator", "service", "reaction", "event")


@dataclass(frozen=True)
class Node:
    id: str  # synthetic: n0, n1, ... (never user text: a colon in a name would become a Graphviz port)
    kind: NodeKind
    label: str
    note: str = ""  # a second, smaller line (e.g. "orchestrator", "after step 4")
    undo: tuple[str, ...] = ()  # the compensations of this service's steps: "undo 3: Release stock"


@dataclass(frozen=True)
class Edge:
    tail: str
    head: str
    kind: EdgeKind
    label: str = ""


@dataclass(frozen=True)
class Cluster:
    id: ClusterId  # the look (theme.yaml `clusters`)
    members: tuple[str, ...]
    title: str = ""  # shown instead of the look's title: the owner's names, cleaned, unescaped
    key: str = ""  # the renderers' subgraph name when one look serves several clusters ("reactions_1")

    @property
    def name(self) -> str:
        return self.key or self.id


@dataclass(frozen=True)
class Drawing:
    style: str
    title: str
    subtitle: str
    footer: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...] = ()
    generic: bool = False
    ranks: tuple[tuple[str, ...], ...] = ()  # nodes drawn side by side, in this order (layout only)
    lanes: tuple[tuple[str, ...], ...] = ()  # nodes kept on one straight line, in this order (layout only)
    direction: str = DIRECTION  # "LR", or "TB" for a long choreography

    @property
    def edge_kinds(self) -> tuple[EdgeKind, ...]:
        """The kinds of edge the legend explains, in legend order ("compensation": the undo lines in boxes)."""
        used = {e.kind for e in self.edges} | ({"compensation"} if any(n.undo for n in self.nodes) else set())
        return tuple(k for k in _EDGE_ORDER if k in used)

    @property
    def node_kinds(self) -> tuple[LegendNodeKind, ...]:
        """The kinds of node used that the legend explains, in legend order."""
        used = {n.kind for n in self.nodes}
        return tuple(k for k in _LEGEND_NODE_ORDER if k in used)


@dataclass
class _Builder:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    services: dict[str, str] = field(default_factory=dict)  # cleaned service name -> node id
    ranks: list[tuple[str, ...]] = field(default_factory=list)
    lanes: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, kind: NodeKind, label: str, note: str = "") -> str:
        node = Node(f"n{len(self.nodes)}", kind, label, note)
        self.nodes.append(node)
        return node.id

    def service(self, name: str, kind: NodeKind) -> str:
        """One node per distinct service name: a service with two steps gets two edges, not two boxes."""
        key = clean(name)
        if key not in self.services:
            self.services[key] = self.add(kind, key)
        return self.services[key]

    def link(self, tail: str, head: str, kind: EdgeKind, label: str = "") -> None:
        self.edges.append(Edge(tail, head, kind, label))

    def undo(self, service: str, i: int, step: Step) -> None:
        """Write step `i`'s compensation, if it has one, in its service's box."""
        if step.compensation and clean(step.compensation).strip():
            at = next(k for k, n in enumerate(self.nodes) if n.id == service)
            node = self.nodes[at]
            self.nodes[at] = replace(node, undo=(*node.undo, f"undo {i + 1}: {clean(step.compensation).strip()}"))


def plan(ev: Evaluation, theme: Theme, style: str | None = None) -> Drawing:
    """The drawing of `ev`'s steps in `style` (default: the recommended one); a generic flow without steps."""
    style = style or ev.style
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    generic = not ev.steps
    steps = tuple(theme.generic.steps) if generic else ev.steps
    workflow = clean(ev.workflow).strip() if ev.workflow and clean(ev.workflow).strip() else None
    if generic:
        workflow = theme.generic.workflow
    b = _Builder()
    clusters = {"orchestration": _orchestration, "choreography": _choreography, "hybrid": _hybrid}[style](
        b, steps, workflow
    )
    return Drawing(
        style,
        _title(workflow, style),
        _subtitle(ev, style, generic),
        _footer(ev),
        tuple(b.nodes),
        tuple(b.edges),
        clusters,
        generic,
        tuple(b.ranks),
        tuple(b.lanes),
        "TB" if style == "choreography" and len(steps) > TOP_DOWN_AFTER else DIRECTION,
    )


def _title(workflow: str | None, style: str) -> str:
    return f"{workflow}: {style}" if workflow else f"Coordination by {style}"


def _subtitle(ev: Evaluation, style: str, generic: bool) -> str:
    if style == ev.style:
        said = f"Recommended style (confidence {ev.confidence:.2f})"
    else:
        said = f"Alternative drawing; the recommended style is {ev.style} (confidence {ev.confidence:.2f})"
    return said + (". A generic example: the answers name no steps" if generic else "")


def _footer(ev: Evaluation) -> str:
    return f"Coordination Advisor, rulebook {ev.rulebook_version} ({ev.rulebook_hash[:12]})"


def _number(i: int, text: str) -> str:
    return f"{i + 1}. {clean(text)}"


def _orchestration(b: _Builder, steps: tuple[Step, ...], workflow: str | None) -> tuple[Cluster, ...]:
    orchestrator = b.add("orchestrator", workflow or "Workflow", "orchestrator")
    services: list[str] = []
    for i, step in enumerate(steps):
        service = _command(b, orchestrator, i, step, "service")
        if service not in services:
            services.append(service)
    b.ranks.append(tuple(services))
    return ()


def _command(b: _Builder, orchestrator: str, i: int, step: Step, kind: NodeKind) -> str:
    service = b.service(step.service, kind)
    b.link(orchestrator, service, "command", _number(i, step.action))
    b.link(service, orchestrator, "reply", event_name(step, i))
    b.undo(service, i, step)
    return service


def _choreography(b: _Builder, steps: tuple[Step, ...], workflow: str | None) -> tuple[Cluster, ...]:
    start = b.add("start", "", "start")
    published: list[str] = []  # each step's event node, by step
    service_lane: list[str] = []  # the core flow reads left to right: services above, their events below
    event_lane: list[str] = []
    heard = triggers("choreography", steps, allocate("choreography", steps))
    for i, step in enumerate(steps):
        service = b.service(step.service, "reaction")  # in choreography every service reacts to events
        after = heard[i]
        assert after is not None  # a choreography commands no step
        b.link(start if after == START else published[after], service, "event", clean(step.action))
        event = b.add("event", _number(i, event_name(step, i)))
        published.append(event)
        b.link(service, event, "event")
        b.ranks.append((service, event))
        b.undo(service, i, step)
        if not step.reaction and service not in service_lane:
            service_lane.append(service)
            event_lane.append(event)
    b.lanes += [tuple(service_lane), tuple(event_lane)]
    return ()


def _hybrid(b: _Builder, steps: tuple[Step, ...], workflow: str | None) -> tuple[Cluster, ...]:
    orchestrator = b.add("orchestrator", workflow or "Workflow", "orchestrator")
    core: list[str] = [orchestrator]
    reactions: list[str] = []
    owner: dict[str, str | None] = {}  # event-driven service -> its owning context or team, as first listed
    crossing: dict[str, str] = {}  # event name -> event node
    # Why allocate here and not ev.allocation: an alternative drawing (another style than the recommended one)
    # needs the hybrid allocation, which the evaluation holds only when hybrid is the recommendation.
    heard = triggers("hybrid", steps, allocate("hybrid", steps))
    for i, step in enumerate(steps):
        after = heard[i]
        if after is None:  # commanded
            service = _command(b, orchestrator, i, step, "service")
            if service not in core:
                core.append(service)
            continue
        if after == START:
            name, note = workflow_event(workflow, "Started"), "published at the start"
        else:
            name, note = event_name(steps[after], after), f"published after step {after + 1}"
        if name not in crossing:
            crossing[name] = b.add("event", name, note)
            b.link(orchestrator, crossing[name], "event")
        service = b.service(step.service, "reaction")
        if service not in core and service not in reactions:
            reactions.append(service)
            owner[service] = _owner(step)
        b.link(crossing[name], service, "event", _number(i, step.action))
        b.undo(service, i, step)
    if not reactions:
        # No reactions yet: still show the boundary, with the completion event other contexts can subscribe to.
        name = workflow_event(workflow, "Completed")
        event = b.add("event", name, "published on completion")
        b.link(orchestrator, event, "event")
        placeholder = b.add("placeholder", "Other contexts", "subscribe as needed")
        b.link(event, placeholder, "event")
        reactions.append(placeholder)
    b.ranks.append(tuple(core[1:]))
    core_steps = [s for s, after in zip(steps, heard, strict=True) if after is None]
    clusters = [Cluster("core", tuple(core), _core_title(core_steps))]
    if not any(owner.values()):
        b.ranks.append(tuple(reactions))
        return (*clusters, Cluster("reactions", tuple(reactions)))
    groups: dict[str | None, list[str]] = {}  # owner -> services, in step order; None: no owner named
    for service in reactions:
        groups.setdefault(owner.get(service), []).append(service)
    for n, (who, members) in enumerate(groups.items()):
        b.ranks.append(tuple(members))
        title = f"Event-driven: {who}" if who else "Event-driven, no owner named"
        clusters.append(Cluster("reactions", tuple(members), title, f"reactions_{n}"))
    return tuple(clusters)


def _owner(step: Step) -> str | None:
    """Who owns an event-driven step, as its cluster title: the bounded context, else the team, else nobody."""
    if step.context and clean(step.context).strip():
        return f"{clean(step.context).strip()} context"
    if step.team and clean(step.team).strip():
        return f"team {clean(step.team).strip()}"
    return None


def _core_title(core_steps: list[Step]) -> str:
    """The core cluster's title with the owners its steps name: "Orchestrated core: Sales context, team Orders".
    Empty (the theme's title) when they name none; a team only when exactly one is named."""
    home = core_context(tuple(core_steps))
    teams = {clean(s.team).strip() for s in core_steps if s.team and clean(s.team).strip()}
    owners = [f"{clean(home).strip()} context"] if home and clean(home).strip() else []
    if len(teams) == 1:
        owners.append(f"team {teams.pop()}")
    return f"Orchestrated core: {', '.join(owners)}" if owners else ""
