"""What an executable blueprint (BPMN, Temporal) runs, before either is written: the orchestrator's commands, the
compensations and the events it publishes for the event-driven links.

Built from the same evaluation and per-step allocation as the diagram (`advisor.views.diagram.plan`): a step the
allocation orchestrates is a command (a BPMN service task, a Temporal activity), its compensation a handler; in a
hybrid, an event-driven step subscribes to the event of the latest orchestrated step before it (or the workflow's
`...Started` event), which the orchestrator publishes right after that step. Text is cleaned, unescaped: each
writer escapes for its format.

Why a choreography is refused: it has no coordinator, so nothing to execute as one process or one workflow; its
contract is the events (the AsyncAPI blueprint). The refusal is a `UserError` that says so and names the styles
that do have one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from advisor.engine.allocation import START, triggers
from advisor.engine.evaluate import Evaluation, allocate
from advisor.errors import UserError
from advisor.rulebook.formats import STYLES
from advisor.views.diagram.events import event_name, workflow_event
from advisor.views.labels import clean, shorten

MAX_NAME = 200  # Why: a name is a label in a modeler or a log line; a 10,000-character action must not make one
_ASCII_WORDS = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Command:
    """An orchestrated step: the orchestrator commands `service` to do `action` and waits for `event`."""

    number: int  # 1-based step number in the listed steps
    service: str
    action: str
    event: str
    compensation: str  # "" when the step has none


@dataclass(frozen=True)
class Subscriber:
    number: int
    service: str
    action: str


@dataclass(frozen=True)
class Publication:
    """An event the orchestrator publishes for event-driven steps, after command `after` (0: at the start)."""

    after: int  # the step number of the command it follows; 0 before any command
    event: str
    subscribers: tuple[Subscriber, ...]


@dataclass(frozen=True)
class Flow:
    workflow: str  # the workflow's name, or "Workflow"
    style: str
    commands: tuple[Command, ...]
    publications: tuple[Publication, ...]

    def published_after(self, number: int) -> tuple[Publication, ...]:
        return tuple(p for p in self.publications if p.after == number)


def name(text: str) -> str:
    """User text as a one-line name: cleaned, spaces collapsed, at most `MAX_NAME` characters."""
    return shorten(" ".join(clean(text).split()), MAX_NAME)


def ascii_words(text: str) -> list[str]:
    """The ASCII letters and digits of `text`, as words (accents dropped first: "Café" -> ["Cafe"])."""
    folded = unicodedata.normalize("NFKD", clean(text)).encode("ascii", "ignore").decode("ascii")
    return _ASCII_WORDS.findall(folded)


def slug(text: str, fallback: str, limit: int = 60) -> str:
    """`Order checkout` -> `order-checkout`: lower-case ASCII words joined by `-`, or `fallback` when none."""
    out = "-".join(w.lower() for w in ascii_words(text))[:limit].strip("-")
    return out or fallback


def unique(candidate: str, taken: set[str], sep: str = "-") -> str:
    """`candidate`, or `candidate-2`, `candidate-3`, ... : the first not in `taken` (which it joins)."""
    out, n = candidate, 1
    while out in taken:
        n += 1
        out = f"{candidate}{sep}{n}"
    taken.add(out)
    return out


def flow(ev: Evaluation, style: str | None, fmt: str) -> Flow:
    """The flow of `ev`'s steps in `style` (default: the recommended one), for the blueprint `fmt` (in messages)."""
    style = style or ev.style
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    if style == "choreography":
        raise UserError(
            f"no {fmt} blueprint for a choreography: it has no coordinator, so there is no process to run; "
            "each service reacts to events (see the AsyncAPI blueprint). Ask for the orchestration or hybrid "
            f"style to get the {fmt} of a coordinated flow."
        )
    if not ev.steps:
        raise UserError(f"no {fmt} blueprint without steps: list the workflow's steps (service and action) first.")
    workflow = name(ev.workflow or "") or "Workflow"
    commands: list[Command] = []
    publications: dict[str, tuple[int, list[Subscriber]]] = {}  # event -> (after, subscribers), first come
    steps = ev.steps
    for i, (step, heard) in enumerate(zip(steps, triggers(style, steps, allocate(style, steps)), strict=True)):
        number = i + 1
        if heard is None:  # commanded
            compensation = name(step.compensation or "")
            event = name(event_name(step, i))
            commands.append(Command(number, name(step.service), name(step.action), event, compensation))
            continue
        event = workflow_event(ev.workflow, "Started") if heard == START else name(event_name(steps[heard], heard))
        after = 0 if heard == START else heard + 1
        publications.setdefault(event, (after, []))[1].append(Subscriber(number, name(step.service), name(step.action)))
    return Flow(
        workflow,
        style,
        tuple(commands),
        tuple(Publication(after, event, tuple(subs)) for event, (after, subs) in publications.items()),
    )
