"""Each listed step's place in the recommended style (per link): commanded by the orchestrator or reacting to an
event, and then which event it reacts to (`triggers`). `Evaluation.allocation` reads it; the diagrams, the
blueprints and the batch call `allocate` too, and the diagrams and blueprints `triggers`.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from advisor.rulebook.formats import Step


class StepAllocation(NamedTuple):
    index: int  # type: ignore[assignment]  # shadows tuple.index on purpose: views read the step's .index
    service: str
    action: str
    mode: str  # "orchestrated" | "event-driven"
    reason: str


def core_context(steps: tuple[Step, ...]) -> str | None:
    """The bounded context of the core: the one most of the steps that are not reactions name (the first named
    breaks a tie), or None when no step names one."""
    named = [context for s in steps if (context := s.context) and not s.reaction]  # Why :=, each read once
    if not named:
        return None
    first = named[0]
    if 2 * named.count(first) >= len(named):  # named by half of them or more: the most named, or first in a tie
        return first
    counts = Counter(named)  # in the order first named: the first of the most named is the answer
    most = max(counts.values())
    return next(c for c, n in counts.items() if n == most)


_ORCHESTRATED = "the orchestrator commands every step and waits for its reply"
_CHOREOGRAPHED = "the service reacts to the previous step's event and publishes its own"
_REACTION = "a reaction the core flow need not wait for: it subscribes to the event the core publishes"
_ORCH, _EVENT = "orchestrated", "event-driven"
_CORE = "part of the core flow, where order, compensation or visibility matter: the orchestrator commands it"


def allocate(style: str, steps: tuple[Step, ...]) -> tuple[StepAllocation, ...]:
    """Decide per step (per link) whether it is commanded by the orchestrator or reacts to an event.

    In a hybrid, a step is event-driven when it is a reaction the core need not wait for, or when it lies in
    another bounded context than the core (events between contexts, orchestration within); otherwise the
    orchestrator commands it."""
    # Why tuple.__new__: the NamedTuple's own constructor is a Python function, a frame per step
    new = tuple.__new__
    if style == "orchestration":
        return tuple([new(StepAllocation, (i, s.service, s.action, _ORCH, _ORCHESTRATED)) for i, s in enumerate(steps)])
    if style == "choreography":
        return tuple(
            [new(StepAllocation, (i, s.service, s.action, _EVENT, _CHOREOGRAPHED)) for i, s in enumerate(steps)]
        )
    home = core_context(steps)
    out = []
    crossing: dict[str, str] = {}  # a context other than the core's -> its reason, written once
    for i, step in enumerate(steps):
        context = step.context
        if step.reaction:
            mode, reason = _EVENT, _REACTION
        elif home is not None and context and context != home:
            mode = _EVENT
            reason = crossing.get(context) or crossing.setdefault(
                context,
                f"in another bounded context ({context}) than the core ({home}): it reacts to the event "
                "the core publishes, so each context keeps its own model; orchestration stays within",
            )
        else:
            mode, reason = _ORCH, _CORE
        out.append(new(StepAllocation, (i, step.service, step.action, mode, reason)))
    return tuple(out)


START = -1  # in `triggers`: the workflow's own start event (`...Started`), heard before any step has run


def triggers(style: str, steps: tuple[Step, ...], allocation: tuple[StepAllocation, ...]) -> tuple[int | None, ...]:
    """Per step, what it reacts to: None for a step the orchestrator commands; else the index of the step whose
    event it hears, or START. In a choreography that is the latest step before it that is not a reaction (the
    core flow: reactions hang off it); with an orchestrator (a hybrid's event-driven steps), the latest commanded
    step, whose event the orchestrator publishes. The one reading of the links the diagram, the sequence view and
    the blueprints all draw, so they always agree."""
    out: list[int | None] = []
    latest = START
    for i, (step, placed) in enumerate(zip(steps, allocation, strict=True)):
        if placed.mode == _ORCH:
            out.append(None)
            latest = i
            continue
        out.append(latest)
        if style == "choreography" and not step.reaction:
            latest = i
    return tuple(out)
