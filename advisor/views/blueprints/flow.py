"""What every blueprint builds on: the commands, events, reactions and compensations of one style of a workflow.

Read from the evaluation exactly as the diagram reads it (`advisor.views.diagram.plan`), so a blueprint and the
drawing of the same style say the same thing:
- which step is commanded and which reacts to an event: the engine's per-link allocation (`allocate`), for the
  style asked (the recommended one by default);
- the event a step publishes or replies with: `event_name` (its own `event:`, else derived from the action);
- the orchestrated part (orchestration, the core of a hybrid): a coordinator (`<workflow> orchestrator`) commands
  each step in order, the service replies with its event, and a step with a compensation can be undone;
- the event-driven links: in choreography each step reacts to the latest core event (the workflow's
  `...Started` event first, published by `<workflow> initiator`) and publishes its own, and a compensation is
  triggered by the failure of the next core step (`<Action>Failed`, published by that step's service); in a
  hybrid the coordinator publishes the event of the latest core step (or `...Started`) that each event-driven
  step reacts to, and, when no step reacts, a `...Completed` event that other contexts can subscribe to;
- no steps listed: the diagram's generic example steps (the theme's `generic`), and `generic` says so.

User text here is cleaned (`clean`: one line, no control characters) and single-spaced, never escaped: each
format escapes it with its own serializer.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.engine.allocation import START, triggers
from advisor.engine.evaluate import Evaluation, allocate
from advisor.rulebook.formats import STYLES, Step
from advisor.views.diagram.events import event_name, workflow_event
from advisor.views.diagram.theme import load_theme
from advisor.views.labels import clean


@dataclass(frozen=True)
class Command:
    """An orchestrated step: the coordinator commands `service` to do `action` and waits for its `reply`."""

    step: int  # 0-based position in the steps
    service: str
    action: str
    reply: str  # the event the service replies with
    compensation: str  # what undoes it; "" when nothing does


@dataclass(frozen=True)
class Subscriber:
    step: int
    service: str
    does: str  # what it does on the event: the step's action, or `undo N: <compensation>`


@dataclass(frozen=True)
class Event:
    """An event on the bus: who publishes it and who reacts to it, in step order."""

    name: str
    publishers: tuple[str, ...]  # service names; the coordinator in a hybrid; the initiator for a choreography's start
    subscribers: tuple[Subscriber, ...]
    after: int | None  # published after this step (0-based), None: when the workflow starts
    failure: bool = False  # a step's failure, which triggers compensations (choreography)


@dataclass(frozen=True)
class Flow:
    style: str
    workflow: str  # the workflow's name (the theme's generic one without steps)
    coordinator: str | None  # who commands the orchestrated part; None in choreography
    initiator: str  # who starts a choreography (publishes its `...Started` event)
    commands: tuple[Command, ...]  # in step order
    events: tuple[Event, ...]  # in order of first publication
    generic: bool  # the answers name no steps: a generic example
    rulebook: str  # "version (hash12)", for the blueprint's provenance

    @property
    def compensable(self) -> tuple[Command, ...]:
        """The commands that can be undone, in step order (a failure undoes them in reverse)."""
        return tuple(c for c in self.commands if c.compensation)


def text(value: str | None) -> str:
    """User text on one line, single-spaced; "" for None."""
    return " ".join(clean(value or "").split())


def derive_flow(ev: Evaluation, style: str | None = None) -> Flow:
    """The flow of `ev`'s steps in `style` (default: the recommended one)."""
    style = style or ev.style
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    theme = load_theme()
    generic = not ev.steps
    steps = tuple(theme.generic.steps) if generic else ev.steps
    workflow = theme.generic.workflow if generic else (text(ev.workflow) or "Workflow")
    coordinator = None if style == "choreography" else f"{workflow} orchestrator"
    initiator = f"{workflow} initiator"
    events = _Events()
    commands: list[Command] = []
    heard = triggers(style, steps, allocate(style, steps))
    if style == "choreography":
        _choreography(steps, heard, workflow, initiator, events)
    else:
        assert coordinator is not None
        for i, (step, after) in enumerate(zip(steps, heard, strict=True)):
            if after is None:  # commanded
                commands.append(_command(step, i))
                continue
            name = workflow_event(workflow, "Started") if after == START else event_name(steps[after], after)
            events.publish(name, coordinator, None if after == START else after)
            events.subscribe(name, Subscriber(i, _service(step, i), _action(step, i)))
        if style == "hybrid" and all(after is None for after in heard):  # no step reacts to an event
            events.publish(workflow_event(workflow, "Completed"), coordinator, len(steps) - 1)
    version = f"{ev.rulebook_version} ({ev.rulebook_hash[:12]})"
    return Flow(style, workflow, coordinator, initiator, tuple(commands), events.done(), generic, version)


def _service(step: Step, i: int) -> str:
    return text(step.service) or f"Service {i + 1}"


def _action(step: Step, i: int) -> str:
    return text(step.action) or f"Step {i + 1}"


def _command(step: Step, i: int) -> Command:
    return Command(i, _service(step, i), _action(step, i), event_name(step, i), text(step.compensation))


def _choreography(
    steps: tuple[Step, ...], heard: tuple[int | None, ...], workflow: str, initiator: str, events: _Events
) -> None:
    """Each step reacts to the latest core event (`heard`: `triggers`) and publishes its own; a compensation waits
    for the failure of the next core step (as `plan._choreography` draws it)."""
    start = workflow_event(workflow, "Started")
    events.publish(start, initiator, None)
    pending: list[tuple[int, Step]] = []  # compensable core steps since the previous core step
    for i, step in enumerate(steps):
        service, after = _service(step, i), heard[i]
        assert after is not None  # a choreography commands no step
        trigger = start if after == START else event_name(steps[after], after)
        events.subscribe(trigger, Subscriber(i, service, _action(step, i)))
        own = event_name(step, i)
        events.publish(own, service, i)
        if step.reaction:
            continue
        if pending:
            failed = workflow_event(_action(step, i), "Failed")
            events.publish(failed, service, i, failure=True)
            for j, earlier in pending:
                undo = f"undo {j + 1}: {text(earlier.compensation)}"
                events.subscribe(failed, Subscriber(j, _service(earlier, j), undo))
        pending = [(i, step)] if text(step.compensation) else []


class _Events:
    """Events by name, in order of first publication: a second publication adds a publisher, not an event."""

    def __init__(self) -> None:
        self._order: list[str] = []
        self._publishers: dict[str, list[str]] = {}
        self._subscribers: dict[str, list[Subscriber]] = {}
        self._after: dict[str, int | None] = {}
        self._failure: dict[str, bool] = {}

    def publish(self, name: str, publisher: str, after: int | None, failure: bool = False) -> None:
        if name not in self._publishers:
            self._order.append(name)
            self._publishers[name], self._subscribers[name] = [], []
            self._after[name], self._failure[name] = after, failure
        if publisher not in self._publishers[name]:
            self._publishers[name].append(publisher)

    def subscribe(self, name: str, subscriber: Subscriber) -> None:
        self._subscribers[name].append(subscriber)

    def done(self) -> tuple[Event, ...]:
        return tuple(
            Event(n, tuple(self._publishers[n]), tuple(self._subscribers[n]), self._after[n], self._failure[n])
            for n in self._order
        )
