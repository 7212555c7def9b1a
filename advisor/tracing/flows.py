"""Flows from spans: traces joined through span links, then per flow its coordinator, its steps in order, how
each is triggered, and the style it runs in today.

- A **flow** is the traces one execution spans: messaging instrumentations start a consumer's trace with a
  link to the producer's span, so traces that links join (a union-find over trace ids) are one flow.
- Its **root** is the earliest span with no parent in the flow and no link into it; the workflow is named after it.
- The root's service is the **coordinator** when it calls other services: a CLIENT span of its own whose child is
  another service's SERVER span.
- A **step** is where work enters a service: a SERVER span under another service's CLIENT span (a command:
  orchestrated), or a CONSUMER span (an event: event-driven; its producer is its parent or a linked span). With no
  coordinator, the root itself is the first step: the service that starts the chain of events. Steps are
  ordered by start time.
- The **style**: orchestration when every step is commanded, choreography when every step reacts to an event
  (and no service coordinates), hybrid when both.

Executions of one workflow (flows with the same name) are one flow here: the most frequent sequence of steps,
with the number of executions seen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from advisor.errors import UserError
from advisor.tracing.otlp import Span

Key = tuple[str, str]


@dataclass(frozen=True)
class FlowStep:
    service: str
    action: str
    mode: str  # orchestrated | event-driven
    trigger: str  # command (a call from another service) | event (a message) | request (the flow's start)
    event: str | None = None  # the first event it publishes, when it publishes one
    consumes: str | None = None  # the event it reacts to, when it is one


@dataclass(frozen=True)
class Flow:
    workflow: str
    style: str  # orchestration | choreography | hybrid
    coordinator: str | None
    steps: tuple[FlowStep, ...]
    fan_out: int | None  # most services that consume one message; None when the flow has no messages
    executions: int = 1
    trace_ids: tuple[str, ...] = field(default=(), compare=False)


def find_flows(spans: list[Span]) -> list[Flow]:
    """The flows of these spans, one per workflow name, in order of their first start; `UserError` when none."""
    by_key: dict[Key, Span] = {}
    for span in spans:
        by_key.setdefault(span.key, span)  # Why: exporters retry; a span delivered twice counts once
    groups = _join_traces(list(by_key.values()))
    executions = [flow for group in groups if (flow := _flow(group, by_key)) is not None]
    if not executions:
        raise UserError(
            "no flow found: the traces show no call between services (a CLIENT span with another service's SERVER "
            "span under it) and no message (a PRODUCER or CONSUMER span)"
        )
    named: dict[str, list[Flow]] = {}
    for flow in executions:
        named.setdefault(flow.workflow, []).append(flow)
    out = []
    for name, flows in named.items():
        shapes = Counter(flow.steps for flow in flows)
        top = max(shapes.values())
        chosen = next(flow for flow in flows if shapes[flow.steps] == top)  # the first of the most frequent
        trace_ids = tuple(t for flow in flows for t in flow.trace_ids)
        out.append(Flow(name, chosen.style, chosen.coordinator, chosen.steps, chosen.fan_out, len(flows), trace_ids))
    return out


def _join_traces(spans: list[Span]) -> list[list[Span]]:
    """Spans grouped by flow: by trace, traces joined when a span links to a span of another trace in the file."""
    parent: dict[str, str] = {s.trace_id: s.trace_id for s in spans}

    def find(t: str) -> str:
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    for span in spans:
        for linked_trace, _ in span.links:
            if linked_trace in parent:
                a, b = find(span.trace_id), find(linked_trace)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, list[Span]] = {}
    for span in spans:
        groups.setdefault(find(span.trace_id), []).append(span)
    ordered = [sorted(g, key=lambda s: (s.start, s.order)) for g in groups.values()]
    return sorted(ordered, key=lambda g: (g[0].start, g[0].order))


def _flow(spans: list[Span], by_key: dict[Key, Span]) -> Flow | None:
    """One execution's flow, or None when it shows no interaction between services."""
    children: dict[Key, list[Span]] = {}
    for s in spans:
        if s.parent_id is not None:
            children.setdefault((s.trace_id, s.parent_id), []).append(s)

    def parent(s: Span) -> Span | None:
        return by_key.get((s.trace_id, s.parent_id)) if s.parent_id else None

    roots = [s for s in spans if parent(s) is None]
    root = next((s for s in roots if not any(k in by_key for k in s.links)), roots[0] if roots else spans[0])

    def calls_out(client: Span) -> bool:
        return any(c.kind == "server" and c.service != client.service for c in children.get(client.key, ()))

    coordinator = (
        root.service if any(s.kind == "client" and s.service == root.service and calls_out(s) for s in spans) else None
    )
    entries: list[tuple[Span, str, str | None]] = []  # (span, trigger, event consumed)
    for s in spans:
        p = parent(s)
        if s.kind == "server" and p is not None and p.kind == "client" and p.service != s.service:
            entries.append((s, "command", None))
        elif s.kind == "consumer" and not (p is not None and p.kind == "consumer" and p.service == s.service):
            producers = [x for x in [p, *(by_key.get(k) for k in s.links)] if x is not None and x.kind == "producer"]
            entries.append((s, "event", _event_name(producers[0]) if producers else _destination(s)))
    if not entries:
        return None
    if coordinator is None and all(e[0].key != root.key for e in entries):
        entries.insert(0, (root, "request", None))
    step_keys = {e[0].key for e in entries}
    published = _published(spans, step_keys, parent)
    steps = tuple(
        FlowStep(
            s.service,
            _action(s),
            "orchestrated" if trigger == "command" else "event-driven",
            trigger,
            published.get(s.key),
            consumed,
        )
        for s, trigger, consumed in entries
    )
    modes = {step.mode for step in steps if step.trigger != "request"}
    if modes == {"orchestrated"}:
        style = "orchestration"
    elif modes == {"event-driven"} and coordinator is None:
        style = "choreography"
    else:
        style = "hybrid"
    consumers: dict[Key, set[str]] = {}
    for s in spans:
        if s.kind == "consumer":
            for k in [(s.trace_id, s.parent_id), *s.links]:
                if k in by_key and by_key[k].kind == "producer":
                    consumers.setdefault(k, set()).add(s.service)
    has_messages = any(s.kind in ("producer", "consumer") for s in spans)
    fan_out = max((len(v) for v in consumers.values()), default=0) if has_messages else None
    trace_ids = tuple(dict.fromkeys(s.trace_id for s in spans))
    return Flow(_action(root), style, coordinator, steps, fan_out, 1, trace_ids)


def _published(spans: list[Span], step_keys: set[Key], parent: Callable[[Span], Span | None]) -> dict[Key, str]:
    """For each step, the first event it publishes: a PRODUCER span whose nearest step ancestor it is."""
    out: dict[Key, str] = {}
    for s in spans:
        if s.kind != "producer":
            continue
        node, seen = parent(s), set()
        while node is not None and node.key not in step_keys and node.key not in seen:
            seen.add(node.key)  # Why: a hostile file may make a parent cycle
            node = parent(node)
        if node is not None and node.key in step_keys:
            out.setdefault(node.key, _event_name(s))
    return out


def _destination(span: Span) -> str | None:
    value = span.attributes.get("messaging.destination.name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _event_name(producer: Span) -> str:
    return _destination(producer) or _action(producer)


def _action(span: Span) -> str:
    """What a span does, in words: its name, else its RPC method, route or destination."""
    for value in (span.name, span.attributes.get("rpc.method"), span.attributes.get("http.route"), _destination(span)):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return f"(unnamed {span.kind} span)"
