"""A flow read from traces, as the Advisor's input: an answers file (its steps, the traits the traces show, and
the style observed), or one entry of `advisor import-trace --format json`.

Only what the traces show is answered: the number of steps, and (when the flow sends messages) the most
services that consume one message (`fan_out`). Every other question stays unanswered: no evidence.
"""

from __future__ import annotations

import json
from typing import Any

from advisor.engine.answers import Answers
from advisor.errors import UserError
from advisor.rulebook.formats import Observed, ObservedStep, Step
from advisor.rulebook.loading import Rulebook, answer_problem
from advisor.tracing.flows import Flow

MAX_STEPS = 500  # the answers file's limit


def choose(flows: list[Flow], name: str | None) -> Flow:
    """The flow named `name`, or the only one; a `UserError` naming the flows found otherwise."""
    if name is not None:
        for flow in flows:
            if flow.workflow == name:
                return flow
        raise UserError(f"no flow named {json.dumps(name, ensure_ascii=False)[:200]}; found: {_names(flows)}")
    if len(flows) > 1:
        raise UserError(f"the traces show {len(flows)} flows; choose one with --flow NAME: {_names(flows)}")
    return flows[0]


def _names(flows: list[Flow]) -> str:
    shown = ", ".join(json.dumps(f.workflow[:80], ensure_ascii=False) for f in flows[:10])
    return shown + (f" and {len(flows) - 10} more" if len(flows) > 10 else "")


def observed_traits(flow: Flow) -> dict[str, int]:
    """The answers the traces give: `step_count`, and `fan_out` when the flow sends messages."""
    traits = {"step_count": len(flow.steps)}
    if flow.fan_out is not None:
        traits["fan_out"] = flow.fan_out
    return traits


def to_answers(flow: Flow, rulebook: Rulebook) -> Answers:
    """The flow as answers: its steps (event-driven ones of a coordinated flow as reactions), the traits the
    traces show that the rulebook asks about, and the style observed."""
    if len(flow.steps) > MAX_STEPS:
        raise UserError(
            f"the flow {flow.workflow[:80]!r} has {len(flow.steps)} steps; an answers file holds {MAX_STEPS}"
        )
    traits = {
        qid: value
        for qid, value in observed_traits(flow).items()
        if qid in rulebook.questions and answer_problem(rulebook.questions, qid, value) is None
    }
    steps = tuple(
        Step(
            service=s.service,
            action=s.action,
            reaction=flow.coordinator is not None and s.mode == "event-driven",
            event=s.event,
        )
        for s in flow.steps
    )
    observed = Observed(
        style=flow.style,  # type: ignore[arg-type]
        steps=[ObservedStep(service=s.service, action=s.action, mode=s.mode) for s in flow.steps],  # type: ignore[arg-type]
    )
    ordered = {qid: traits[qid] for qid in rulebook.questions if qid in traits}
    return Answers(ordered, steps, flow.workflow, observed)


def to_json(flows: list[Flow]) -> str:
    """`{"flows": [...]}`: each flow's workflow, current style, coordinator, executions seen, steps and traits."""
    out: list[dict[str, Any]] = []
    for flow in flows:
        steps = []
        for s in flow.steps:
            step: dict[str, Any] = {"service": s.service, "action": s.action, "mode": s.mode, "trigger": s.trigger}
            if s.consumes:
                step["consumes"] = s.consumes
            if s.event:
                step["publishes"] = s.event
            steps.append(step)
        out.append(
            {
                "workflow": flow.workflow,
                "current_style": flow.style,
                "coordinator": flow.coordinator,
                "executions": flow.executions,
                "steps": steps,
                "traits": observed_traits(flow),
            }
        )
    return json.dumps({"flows": out}, indent=2, ensure_ascii=False) + "\n"
