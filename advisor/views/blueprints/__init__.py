"""Blueprints: the workflow as a starting point in another tool's format, built from the same evaluation and
allocation as the diagram (`advisor.views.blueprints.flow`): the commands of the orchestrated part, the events of
the event-driven links, the compensations.

`FORMATS` is the one list of formats: the command line (`advisor blueprint --format`) and the Export page offer
exactly these. Each renders `(evaluation, style or None for the recommended one) -> text`, deterministically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from advisor.engine.evaluate import Evaluation
from advisor.rulebook.formats import STYLES
from advisor.views.blueprints.asl import to_asl
from advisor.views.blueprints.asyncapi import to_asyncapi
from advisor.views.blueprints.bpmn import to_bpmn
from advisor.views.blueprints.temporal import to_temporal

_COORDINATED = ("orchestration", "hybrid")


@dataclass(frozen=True)
class BlueprintFormat:
    name: str  # the `--format` value
    title: str  # what the Export page's button says
    render: Callable[[Evaluation, str | None], str]
    extension: str  # the downloaded file's name ends with it: `order-checkout.asyncapi.yaml`
    media_type: str
    styles: tuple[str, ...] = STYLES  # the styles it has a blueprint for (BPMN, Temporal: a coordinator's)
    needs_steps: bool = False  # True: without listed steps there is nothing to run (no generic example)

    def unavailable(self, ev: Evaluation, style: str | None = None) -> str | None:
        """Why there is no blueprint of `ev` in this format and style, or None when there is one."""
        style = style or ev.style
        if style not in self.styles:
            return f"no {self.title} blueprint for a {style}: it has no coordinator to run it"
        if self.needs_steps and not ev.steps:
            return f"no {self.title} blueprint without steps: list the workflow's steps first"
        return None


FORMATS: dict[str, BlueprintFormat] = {
    f.name: f
    for f in (
        BlueprintFormat("asyncapi", "AsyncAPI 3.0 (events)", to_asyncapi, "asyncapi.yaml", "application/yaml"),
        BlueprintFormat("asl", "Step Functions (ASL)", to_asl, "asl.json", "application/json"),
        BlueprintFormat("bpmn", "BPMN 2.0 (Camunda 8)", to_bpmn, "bpmn", "application/xml", _COORDINATED, True),
        BlueprintFormat(
            "temporal", "Temporal (Python)", to_temporal, "temporal.py", "text/x-python", _COORDINATED, True
        ),
    )
}


def render_blueprint(ev: Evaluation, name: str, style: str | None = None) -> str:
    """The blueprint of `ev` in format `name` (a key of `FORMATS`) and `style` (default: the recommended one)."""
    return FORMATS[name].render(ev, style)
