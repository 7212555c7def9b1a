"""The blueprint as an AsyncAPI 3.0 document (YAML): the channels, operations and messages of the workflow.

What each style gives (the flow: `advisor.views.blueprints.flow`):
- **orchestration**: no events on a bus, but messages all the same: per step a command channel (`AuthorizeCard`)
  that the orchestrator sends on and the service receives from, with its reply channel (`AuthorizeCardReply`,
  message `CardAuthorized`) as the operations' `reply`; a step with a compensation gets a command channel of
  its own (`VoidAuthorization`) with its reply.
- **choreography**: one channel per event (`CardAuthorized`): the service that publishes it `send`s, each
  service that reacts to it `receive`s; the initiator publishes the workflow's `...Started` event; a step's
  failure event (`ReserveItemsFailed`) is received by the services whose compensation it triggers.
- **hybrid**: the core's command and reply channels, and the event channels the orchestrator publishes for the
  event-driven steps (or its `...Completed` event when no step reacts).

One operation per service, direction and channel (`Payment_receive_AuthorizeCard`), tagged with the service's
name. Each message has a payload schema stub (a `correlationId`) to fill in. Ids are made from the names
(`advisor.views.blueprints.ids`): safe and unique; the names themselves are in full in the `title`s and tags,
shortened to `BRIEF` characters in the `summary` prose (plain text both: never in a `description`, which tools
render as Markdown). Written by PyYAML's safe dumper, without aliases,
in a fixed order, so the same answers give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.engine.evaluate import Evaluation
from advisor.pyyaml import yaml
from advisor.views.blueprints.flow import Command, Event, Flow, derive_flow
from advisor.views.blueprints.ids import Ids, identifier
from advisor.views.diagram.events import derive_event
from advisor.views.labels import shorten

VERSION = "3.0.0"
BRIEF = 80  # characters of a name in a summary; Why: a 10,000-character name repeated in every summary bloats it
_MEANING = {
    "orchestration": "the orchestrator sends each service a command and receives its reply",
    "choreography": "each service publishes an event and the next ones react to it; no coordinator",
    "hybrid": "an orchestrated core (commands and replies) and events for the event-driven steps",
}


def to_asyncapi(ev: Evaluation, style: str | None = None) -> str:
    """The AsyncAPI 3.0 document of `ev`'s workflow in `style` (default: the recommended one); deterministic."""
    return dump_yaml(asyncapi_document(derive_flow(ev, style)))


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # Why: a shared dict (a `$ref`) would otherwise be written as an anchor and an alias


def dump_yaml(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


def asyncapi_document(flow: Flow) -> dict[str, Any]:
    doc = _Document(flow)
    for command in flow.commands:
        doc.command(command)
    for event in flow.events:
        doc.event(event)
    generic = " A generic example: the answers name no steps." if flow.generic else ""
    return {
        "asyncapi": VERSION,
        "info": {
            "title": f"{flow.workflow} ({flow.style})",
            "version": "1.0.0",
            "description": (
                f"The messages of the workflow coordinated by {flow.style}: {_MEANING[flow.style]}.{generic} "
                f"A blueprint from the Coordination Advisor, rulebook {flow.rulebook}: "
                "fill in the payload schemas and add the servers."
            ),
        },
        "defaultContentType": "application/json",
        "channels": doc.channels,
        "operations": doc.operation_objects(),
        "components": {"messages": doc.messages, "schemas": doc.schemas},
    }


@dataclass
class _Operation:
    action: str  # "send" | "receive"
    service: str
    channel: str
    message: str
    summaries: list[str] = field(default_factory=list)
    reply: tuple[str, str] | None = None  # (channel id, message id)


@dataclass
class _Document:
    flow: Flow
    channels: dict[str, Any] = field(default_factory=dict)
    messages: dict[str, Any] = field(default_factory=dict)
    schemas: dict[str, Any] = field(default_factory=dict)
    operations: dict[tuple[str, str, str], _Operation] = field(default_factory=dict)
    channel_ids: Ids = field(default_factory=Ids)
    message_ids: Ids = field(default_factory=Ids)
    operation_ids: Ids = field(default_factory=Ids)
    message_by_name: dict[tuple[str, str], str] = field(default_factory=dict)

    def command(self, c: Command) -> None:
        """A command channel and its reply channel; the coordinator sends, the service receives."""
        coordinator = self.flow.coordinator or ""
        number = c.step + 1
        self._commanded(c.service, coordinator, c.action, f"{number}. {c.action}", c.reply, number, "")
        if c.compensation:
            done = derive_event(c.compensation) or f"Step{number}Compensated"
            title = f"undo {number}: {c.compensation}"
            self._commanded(c.service, coordinator, c.compensation, title, done, number, "Undo")

    def _commanded(self, service: str, coordinator: str, what: str, title: str, reply: str, n: int, pre: str) -> None:
        svc, coord, said = _brief(service), _brief(coordinator), _brief(title)
        channel = self._channel(what, f"{pre}Step{n}", "commands", title, f"{coord} commands {svc}: {said}")
        message = self._message("command", what, f"{pre}Step{n}", title, f"The command to {svc}: {said}")
        self._attach(channel, message)
        reply_channel = self.channel_ids.claim(channel + "Reply")
        summary = f"{svc} replies to {coord}: {_brief(reply)}"
        self._add_channel(reply_channel, "replies", f"reply to {said}", summary)
        reply_message = self._message("event", reply, f"Step{n}Reply", reply, f"The event {_brief(reply)}")
        self._attach(reply_channel, reply_message)
        sent = self._operation("send", coordinator, channel, message, f"{coord} sends {said} to {svc}")
        got = self._operation("receive", service, channel, message, f"{svc} receives {said}")
        sent.reply = got.reply = (reply_channel, reply_message)

    def event(self, e: Event) -> None:
        """An event channel: each publisher sends, each subscriber receives (one operation per service)."""
        fallback = f"Step{e.after + 1}Event" if e.after is not None else "StartEvent"
        kind = "a failure, which triggers compensations" if e.failure else "an event"
        name = _brief(e.name)
        summary = f"{name}: {kind}, published by {', '.join(_brief(p) for p in e.publishers)}"
        channel = self._channel(e.name, fallback, "events", e.name, summary)
        message = self._message("event", e.name, fallback, e.name, f"The event {name}")
        self._attach(channel, message)
        for publisher in e.publishers:
            self._operation("send", publisher, channel, message, f"{_brief(publisher)} publishes {name}")
        for s in e.subscribers:
            said = f"{_brief(s.service)} reacts to {name}: {_brief(s.does)}"
            self._operation("receive", s.service, channel, message, said)

    def _channel(self, name: str, fallback: str, kind: str, title: str, summary: str) -> str:
        channel = self.channel_ids.make(name, fallback)
        self._add_channel(channel, kind, title, summary)
        return channel

    def _add_channel(self, channel: str, kind: str, title: str, summary: str) -> None:
        workflow = identifier(self.flow.workflow) or "Workflow"
        self.channels[channel] = {"address": f"{workflow}.{kind}.{channel}", "title": title, "summary": summary}

    def _attach(self, channel: str, message: str) -> None:
        self.channels[channel]["messages"] = {message: {"$ref": f"#/components/messages/{message}"}}

    def _message(self, kind: str, name: str, fallback: str, title: str, summary: str) -> str:
        """The message named `name` (one per kind and name, reused by every channel that carries it)."""
        key = (kind, name)
        if key not in self.message_by_name:
            message = self.message_ids.make(name, fallback)
            self.message_by_name[key] = message
            self.messages[message] = {
                "name": message,
                "title": title,
                "summary": summary,
                "payload": {"$ref": f"#/components/schemas/{message}Payload"},
            }
            self.schemas[f"{message}Payload"] = _payload_stub(_brief(title))
        return self.message_by_name[key]

    def _operation(self, action: str, service: str, channel: str, message: str, summary: str) -> _Operation:
        key = (service, action, channel)
        if key not in self.operations:
            self.operations[key] = _Operation(action, service, channel, message)
        op = self.operations[key]
        op.summaries.append(summary)
        return op

    def operation_objects(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for op in self.operations.values():
            op_id = self.operation_ids.claim(f"{identifier(op.service, 28) or 'Service'}_{op.action}_{op.channel}")
            out[op_id] = {
                "action": op.action,
                "channel": {"$ref": f"#/channels/{op.channel}"},
                "summary": "; ".join(op.summaries),
                "messages": [{"$ref": f"#/channels/{op.channel}/messages/{op.message}"}],
                "tags": [{"name": op.service}],
            }
            if op.reply is not None:
                reply_channel, reply_message = op.reply
                out[op_id]["reply"] = {
                    "channel": {"$ref": f"#/channels/{reply_channel}"},
                    "messages": [{"$ref": f"#/channels/{reply_channel}/messages/{reply_message}"}],
                }
        return out


def _brief(name: str) -> str:
    """A name as prose mentions it: at most `BRIEF` characters (the title or tag that names it holds it in full)."""
    return shorten(name, BRIEF)


def _payload_stub(title: str) -> dict[str, Any]:
    return {
        "type": "object",
        "title": title,
        "properties": {
            "correlationId": {"type": "string", "description": "Identifies the run of the workflow it belongs to."}
        },
        "required": ["correlationId"],
        "additionalProperties": True,
    }
