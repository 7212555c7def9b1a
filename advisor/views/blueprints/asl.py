"""The blueprint as an AWS Step Functions state machine (Amazon States Language, JSON).

The machine is the orchestrator (the flow: `advisor.views.blueprints.flow`):
- **a Task per orchestrated step**, in step order (`Step1_AuthorizeCard`): it sends the command to the service's
  queue (`arn:aws:states:::sqs:sendMessage.waitForTaskToken`, queue URLs as `${PaymentQueueUrl}` placeholders
  for the deployment's definition substitutions) and waits until the service returns the task token with its
  reply event, or the timeout.
- **a Catch that runs the compensations in reverse order**: when step N fails (or times out), the machine goes
  to the compensation of the latest compensable step up to N, then each earlier one (`Undo1_VoidAuthorization`),
  then fails with `WorkflowFailed`. Why the failing step too: a timeout or a lost reply does not tell that it did
  nothing, so its compensation (idempotent, like every compensation) runs as well. A compensation is retried; one
  that still fails ends in `CompensationFailed`, for a person to repair.
- **the event-driven reactions as a publish step** (`arn:aws:states:::events:putEvents`, on `${EventBusName}`):
  the machine publishes the event the reacting steps subscribe to right after the core step it follows; when
  the reactions follow the last core step (the usual hybrid) that is the final step. When no step reacts, a
  hybrid publishes its `...Completed` event last.

Per style: **orchestration** is the commands and compensations; **hybrid** adds the publish steps;
**choreography** has no coordinator, so the machine is minimal: it publishes the workflow's `...Started` event
and succeeds; the services react to each other's events (the AsyncAPI blueprint describes them) and undo their
own work. State names are ids made from the names (`advisor.views.blueprints.ids`); the names themselves are
in `Comment` fields and message bodies, escaped by `json.dumps`. The same answers give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from advisor.engine.evaluate import Evaluation
from advisor.views.blueprints.flow import Command, Event, Flow, derive_flow
from advisor.views.blueprints.ids import Ids, identifier

SUCCEEDED, FAILED, COMPENSATION_FAILED = "Succeeded", "Failed", "CompensationFailed"
COMMAND_TIMEOUT = 3600  # seconds a service has to reply before the step counts as failed
_COMMAND = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
_PUBLISH = "arn:aws:states:::events:putEvents"
_RETRY = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.0}]


def to_asl(ev: Evaluation, style: str | None = None) -> str:
    """The state machine of `ev`'s workflow in `style` (default: the recommended one) as ASL JSON; deterministic."""
    return json.dumps(state_machine(derive_flow(ev, style)), indent=2, ensure_ascii=False) + "\n"


def state_machine(flow: Flow) -> dict[str, Any]:
    names = _Names(flow)
    undo = {c.step: names.undo(c) for c in flow.compensable}
    forward = _forward(flow)
    states: dict[str, Any] = {}
    rollback = FAILED  # where a failure goes: the compensation of the latest compensable step so far
    used = {SUCCEEDED}
    for n, item in enumerate(forward):
        following = names.of(forward[n + 1]) if n + 1 < len(forward) else SUCCEEDED
        if isinstance(item, Command):
            rollback = undo.get(item.step, rollback)
            states[names.of(item)] = _command_state(flow, item, names, following, rollback)
        else:
            states[names.of(item)] = _publish_state(item, names, following, rollback)
        used.add(rollback)
    earlier = FAILED
    for c in flow.compensable:  # in step order; each one's Next is the one before it
        states[undo[c.step]] = _undo_state(c, names, earlier)
        earlier = undo[c.step]
    if flow.compensable:
        used |= {FAILED, COMPENSATION_FAILED}
    states[SUCCEEDED] = {"Type": "Succeed", "Comment": "Every step is done."}
    if FAILED in used:
        undone = "; the compensations of the steps done ran in reverse order" if flow.compensable else ""
        states[FAILED] = {"Type": "Fail", "Error": "WorkflowFailed", "Cause": f"A step failed{undone}."}
    if COMPENSATION_FAILED in used:
        states[COMPENSATION_FAILED] = {
            "Type": "Fail",
            "Error": "CompensationFailed",
            "Cause": "A compensation still failed after its retries: the workflow needs a person to repair it.",
        }
    generic = " A generic example: the answers name no steps." if flow.generic else ""
    return {
        "Comment": f"{flow.workflow} ({flow.style}): {_meaning(flow)}{generic} A blueprint from the Coordination "
        f"Advisor, rulebook {flow.rulebook}; replace the ${{...}} placeholders when deploying.",
        "StartAt": names.of(forward[0]) if forward else SUCCEEDED,
        "States": states,
    }


def _meaning(flow: Flow) -> str:
    if flow.style == "choreography":
        return (
            "no coordinator runs a choreography, so this machine only publishes the event that starts it; "
            "each service reacts to the previous event, publishes its own and undoes its own work on a failure."
        )
    if flow.style == "hybrid":
        return "the machine commands the core steps and publishes the events the other steps react to."
    return "the machine commands each step and waits for its reply."


def _forward(flow: Flow) -> list[Command | Event]:
    """The machine's path when all goes well: the events it publishes at the start, then each command followed by
    the events published after it."""
    mine = {name for name in (flow.coordinator, flow.initiator) if name}
    published = [e for e in flow.events if mine & set(e.publishers)]
    path: list[Command | Event] = [e for e in published if e.after is None]
    for c in flow.commands:
        path.append(c)
        path += [e for e in published if e.after == c.step]
    return path


class _Names:
    """The state names and the placeholders of the services' queues, each unique."""

    def __init__(self, flow: Flow) -> None:
        self.states = Ids((SUCCEEDED, FAILED, COMPENSATION_FAILED))
        self.queues = Ids(("EventBusName",))
        self._of: dict[Command | Event, str] = {}
        self._queue: dict[str, str] = {}
        self.source = identifier(flow.workflow) or "Workflow"

    def of(self, item: Command | Event) -> str:
        if item not in self._of:
            if isinstance(item, Command):
                base = f"Step{item.step + 1}"
                self._of[item] = self.states.claim(_joined(base, item.action))
            else:
                self._of[item] = self.states.claim(_joined("Publish", item.name, "Event"))
        return self._of[item]

    def undo(self, c: Command) -> str:
        return self.states.claim(_joined(f"Undo{c.step + 1}", c.compensation))

    def queue(self, service: str) -> str:
        if service not in self._queue:
            self._queue[service] = self.queues.make(service, "Service", "") + "QueueUrl"
        return "${" + self._queue[service] + "}"


def _joined(prefix: str, text: str, fallback: str = "") -> str:
    word = identifier(text, 48) or fallback
    return f"{prefix}_{word}" if word else prefix


def _message(c: Command, command: str, names: _Names) -> dict[str, Any]:
    return {
        "QueueUrl": names.queue(c.service),
        "MessageBody": {
            "command": command,
            "service": c.service,
            "step": c.step + 1,
            "correlationId.$": "$$.Execution.Id",
            "taskToken.$": "$$.Task.Token",
            "input.$": "$",
        },
    }


def _command_state(flow: Flow, c: Command, names: _Names, following: str, rollback: str) -> dict[str, Any]:
    params = _message(c, c.action, names)
    params["MessageBody"]["reply"] = c.reply
    return {
        "Type": "Task",
        "Comment": f"{c.step + 1}. {c.action}: {flow.coordinator} commands {c.service} and waits for {c.reply}",
        "Resource": _COMMAND,
        "Parameters": params,
        "TimeoutSeconds": COMMAND_TIMEOUT,
        "ResultPath": f"$.results.{names.of(c)}",
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": rollback}],
        "Next": following,
    }


def _undo_state(c: Command, names: _Names, earlier: str) -> dict[str, Any]:
    params = _message(c, c.compensation, names)
    params["MessageBody"]["undoes"] = c.step + 1
    return {
        "Type": "Task",
        "Comment": f"undo {c.step + 1}: {c.compensation} ({c.service}, undoing {c.action})",
        "Resource": _COMMAND,
        "Parameters": params,
        "TimeoutSeconds": COMMAND_TIMEOUT,
        "ResultPath": None,
        "Retry": _RETRY,
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.compensationError", "Next": COMPENSATION_FAILED}],
        "Next": earlier,
    }


def _publish_state(e: Event, names: _Names, following: str, rollback: str) -> dict[str, Any]:
    reacting = "; ".join(f"{s.service} ({s.step + 1}. {s.does})" for s in e.subscribers) or "other contexts"
    return {
        "Type": "Task",
        "Comment": f"publish {e.name}; reacting: {reacting}",
        "Resource": _PUBLISH,
        "Parameters": {
            "Entries": [
                {
                    "EventBusName": "${EventBusName}",
                    "Source": names.source,
                    "DetailType": identifier(e.name) or "WorkflowEvent",
                    "Detail": {"event": e.name, "correlationId.$": "$$.Execution.Id", "input.$": "$"},
                }
            ]
        },
        "ResultPath": None,
        "Retry": _RETRY,
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": rollback}],
        "Next": following,
    }
