"""The workflows the BPMN and Temporal blueprint tests generate from: the examples, hostile names, and two edges
(a hybrid whose steps are all reactions, so the orchestrator only publishes; one step, compensable, last;
steps named like the workflow's own variables)."""

from __future__ import annotations

from advisor.engine.answers import Answers
from advisor.engine.evaluate import Evaluation, allocate, evaluate
from advisor.rulebook.formats import Step
from advisor.rulebook.loading import Rulebook
from advisor.views.diagram.events import event_name, workflow_event
from tests.exports import evaluate_example, hostile_evaluation

EDGES = {
    "reactions-only": [
        Step(service="Mail", action="Send mail", reaction=True),
        Step(service="CRM", action="Log", reaction=True),
    ],
    "one-step": [Step(service="Payments", action="Charge card", compensation="Refund card")],
    # names that are the workflow's own local variables: an activity called `request` must not be shadowed
    "shadowing": [
        Step(service="Requests", action="Request", compensation="Compensation"),
        Step(service="Events", action="Events", compensation="Compensations"),
        Step(service="Self", action="Self"),
    ],
}


def evaluation(rulebook: Rulebook, case: str) -> Evaluation:
    """The evaluation of an example of examples/, of "hostile" names, or of an edge of `EDGES`."""
    if case == "hostile":
        return hostile_evaluation(rulebook)
    if case in EDGES:
        return evaluate(rulebook, Answers({}, EDGES[case], f"Edge {case}"))
    return evaluate_example(rulebook, case)


def subscribed_events(rulebook: Rulebook, example: str) -> list[str]:
    """The events a hybrid's event-driven steps react to, as the diagram draws them: the latest orchestrated step's
    event before each, or the workflow's Started event; each once, in order."""
    ev, latest, out = evaluate_example(rulebook, example), None, []
    for (i, step), a in zip(enumerate(ev.steps), allocate("hybrid", ev.steps)):
        if a.mode == "orchestrated":
            latest = event_name(step, i)
        elif (event := latest or workflow_event(ev.workflow, "Started")) not in out:
            out.append(event)
    return out
