"""The sequence view of a workflow: who sends what to whom, in order, beside the graph view.

An orchestration reads best as a sequence: the orchestrator's lifeline, a numbered command to each service and
its reply, and, when a step fails, the compensations in reverse order. A choreography reads as a chain of
publish and react arrows through the event broker. A hybrid is the orchestrated core, then the events the
orchestrator publishes and the services that react to them (the engine's per-link allocation, as in the
graph view).

    sequence(ev, style=None) -> Sequence       the plan: participants and messages (pure)
    to_mermaid_sequence(ev, style=None) -> str  Mermaid `sequenceDiagram` text
    to_svg_sequence(ev, style=None) -> str      a self-contained SVG, laid out here (no renderer needed)

Safety: participant ids are synthetic (p0, p1, ...); user text is cleaned, then escaped for its format (XML
for SVG; Mermaid entity codes, as in `advisor.views.diagram.mermaid`). Deterministic: the same evaluation gives
the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.engine.allocation import START, triggers
from advisor.engine.evaluate import Evaluation, allocate
from advisor.rulebook.formats import STYLES
from advisor.views.diagram.events import event_name, workflow_event
from advisor.views.diagram.mermaid import mermaid_text
from advisor.views.diagram.theme import EdgeKind, Theme, load_theme
from advisor.views.labels import clean, html_text, shorten

BROKER = "Event broker"
BROKER_KEY = "\x00broker"  # Why not the label: a service the user named "Event broker" is a service, not ours


@dataclass(frozen=True)
class Message:
    sender: str  # participant id
    receiver: str
    kind: EdgeKind
    label: str


@dataclass(frozen=True)
class Sequence:
    title: str
    participants: tuple[tuple[str, str], ...]  # (id, label), left to right
    messages: tuple[Message, ...]
    failure_at: int = 0  # index into messages where the "on failure" block starts (0: no block)


def sequence(ev: Evaluation, style: str | None = None) -> Sequence:
    """The messages of `ev`'s steps in `style` (default: the recommended one), in the order they are sent."""
    style = style or ev.style
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    generic = load_theme().generic  # without steps, the graph view's generic example (its title says so)
    steps = ev.steps or tuple(generic.steps)
    workflow = clean(ev.workflow).strip() if ev.workflow and clean(ev.workflow).strip() else None
    workflow = workflow or (generic.workflow if not ev.steps else "Workflow")
    names: dict[str, str] = {}  # key (a cleaned name; BROKER_KEY for the broker) -> participant id
    labels: dict[str, str] = {}  # participant id -> what its box says

    def who(name: str) -> str:
        key = name if name == BROKER_KEY else clean(name).strip() or "?"
        if key not in names:
            names[key] = f"p{len(names)}"
            labels[names[key]] = BROKER if key == BROKER_KEY else key
        return names[key]

    messages: list[Message] = []
    allocation = allocate(style, steps)
    modes = [a.mode for a in allocation]
    coordinator = who(workflow) if style != "choreography" else None
    published: set[str] = set()
    for i, (step, heard) in enumerate(zip(steps, triggers(style, steps, allocation), strict=True)):
        action = f"{i + 1}. {clean(step.action).strip()}"
        if heard is None:  # commanded
            assert coordinator is not None  # allocate orchestrates steps in orchestration and hybrid only
            service = who(step.service)
            messages.append(Message(coordinator, service, "command", action))
            messages.append(Message(service, coordinator, "reply", event_name(step, i)))
            continue
        trigger = workflow_event(workflow, "Started") if heard == START else event_name(steps[heard], heard)
        if coordinator is not None and trigger not in published:  # hybrid: the orchestrator publishes it
            published.add(trigger)
            messages.append(Message(coordinator, who(BROKER_KEY), "event", f"publish {trigger}"))
        messages.append(Message(who(BROKER_KEY), who(step.service), "event", f"{trigger}: {action}"))
        if style == "choreography":
            messages.append(Message(who(step.service), who(BROKER_KEY), "event", f"publish {event_name(step, i)}"))
    undo = [(i, s) for i, s in enumerate(steps) if s.compensation and clean(s.compensation).strip()]
    failure_at = len(messages) if undo else 0
    for i, step in reversed(undo):  # compensations run in reverse order of the steps they undo
        sender = coordinator if coordinator is not None and modes[i] == "orchestrated" else who(BROKER_KEY)
        messages.append(
            Message(
                sender, who(step.service), "compensation", f"undo {i + 1}: {clean(step.compensation or '').strip()}"
            )
        )
    # left to right: the coordinator, the services it commands, the broker, the services that react
    commanded = {m.receiver for m in messages if m.kind == "command"}

    def column(pid: str) -> tuple[int, int]:
        group = 0 if pid == coordinator else 1 if pid in commanded else 2 if pid == names.get(BROKER_KEY) else 3
        return group, int(pid[1:])

    participants = tuple((pid, labels[pid]) for pid in sorted(labels, key=column))
    title = f"{workflow}: {style}, as a sequence" + (
        "; a generic example: the answers name no steps" if not ev.steps else ""
    )
    return Sequence(title, participants, tuple(messages), failure_at)


_MERMAID_ARROWS: dict[EdgeKind, str] = {"command": "->>", "reply": "-->>", "event": "-)", "compensation": "-x"}


def to_mermaid_sequence(ev: Evaluation, style: str | None = None, theme: Theme | None = None) -> str:
    """The sequence as Mermaid `sequenceDiagram` text (user text as entity codes: it cannot add syntax)."""
    theme = theme or load_theme()
    limit = theme.labels.width * theme.labels.lines
    seq = sequence(ev, style)
    lines = [f"%% {mermaid_text(seq.title, theme.labels.title_width)}", "sequenceDiagram"]
    for pid, name in seq.participants:
        lines.append(f"  participant {pid} as {mermaid_text(name, limit)}")
    for n, m in enumerate(seq.messages):
        if seq.failure_at and n == seq.failure_at:
            lines.append("  opt a step fails: undo the completed steps, last first")
        lines.append(f"  {m.sender}{_MERMAID_ARROWS[m.kind]}{m.receiver}: {mermaid_text(m.label, limit)}")
    if seq.failure_at:
        lines.append("  end")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------- SVG layout
_COLUMN = 170  # px between lifelines
_ROW = 34  # px between messages
_TOP = 70  # the participant boxes' top
_BOX_H = 34
_FONT = "Liberation Sans,Arial,Helvetica,sans-serif"


def to_svg_sequence(ev: Evaluation, style: str | None = None, theme: Theme | None = None) -> str:
    """The sequence drawn as SVG: participant boxes, dashed lifelines, one arrow per message, the failure block."""
    theme = theme or load_theme()
    seq = sequence(ev, style)
    colours = {kind: theme.edges[kind].get("color", "#333333") for kind in _MERMAID_ARROWS}
    x = {pid: 40 + _COLUMN // 2 + k * _COLUMN for k, (pid, _) in enumerate(seq.participants)}
    width = max(480, 40 * 2 + _COLUMN * max(1, len(seq.participants)))
    first = _TOP + _BOX_H + 30
    block = 24 if seq.failure_at else 0
    height = first + _ROW * len(seq.messages) + block + 40
    title = html_text(shorten(seq.title, 90))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{_FONT}" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        "<defs>",
        *(
            f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{html_text(colour)}"/></marker>'
            for kind, colour in colours.items()
        ),
        "</defs>",
        f'<text x="20" y="32" font-size="18" font-weight="bold" fill="#333F4B">{title}</text>',
    ]
    for pid, name in seq.participants:
        cx = x[pid]
        out.append(
            f'<line x1="{cx}" y1="{_TOP + _BOX_H}" x2="{cx}" y2="{height - 20}" stroke="#9AA5B1" '
            'stroke-dasharray="4 4"/>'
        )
        out.append(
            f'<rect x="{cx - _COLUMN // 2 + 8}" y="{_TOP}" width="{_COLUMN - 16}" height="{_BOX_H}" rx="6" '
            f'fill="#F4F7FB" stroke="#1F4E79"/>'
        )
        out.append(f'<text x="{cx}" y="{_TOP + 21}" text-anchor="middle">{html_text(shorten(name, 24))}</text>')
    y = first
    undo_colour = html_text(colours["compensation"])
    for n, m in enumerate(seq.messages):
        if seq.failure_at and n == seq.failure_at:
            out.append(
                f'<text x="20" y="{y + 4}" font-size="11" font-style="italic" fill="{undo_colour}">'
                "if a step fails: undo the completed steps, last first</text>"
            )
            y += block
        x1, x2 = x[m.sender], x[m.receiver]
        dash = ' stroke-dasharray="5 4"' if m.kind in ("reply", "compensation") else ""
        colour = html_text(colours[m.kind])
        end = x2 - 4 if x2 > x1 else x2 + 4
        out.append(
            f'<line x1="{x1}" y1="{y}" x2="{end}" y2="{y}" stroke="{colour}" stroke-width="1.4"{dash} '
            f'marker-end="url(#arrow-{m.kind})"/>'
        )
        label = html_text(shorten(m.label, max(24, abs(x2 - x1) // 7)))  # about 7 px a character
        out.append(f'<text x="{(x1 + x2) // 2}" y="{y - 6}" text-anchor="middle" fill="{colour}">{label}</text>')
        y += _ROW
    out.append("</svg>")
    return "\n".join(out) + "\n"
