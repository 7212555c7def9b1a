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
from advisor.views.blueprints.asl import to_asl
from advisor.views.blueprints.asyncapi import to_asyncapi
from advisor.views.blueprints.bpmn import to_bpmn
from advisor.views.blueprints.temporal import to_temporal


@dataclass(frozen=True)
class BlueprintFormat:
    name: str  # the `--format` value
    title: str  # what the Export page's button says
    render: Callable[[Evaluation, str | None], str]
    extension: str  # the downloaded file's name ends with it: `order-checkout.asyncapi.yaml`
    media_type: str


FORMATS: dict[str, BlueprintFormat] = {
    f.name: f
    for f in (
        BlueprintFormat("asyncapi", "AsyncAPI 3.0 (events)", to_asyncapi, "asyncapi.yaml", "application/yaml"),
        BlueprintFormat("asl", "Step Functions (ASL)", to_asl, "asl.json", "application/json"),
        BlueprintFormat("bpmn", "BPMN 2.0 for Camunda 8 (orchestrated part)", to_bpmn, "bpmn", "application/xml"),
        BlueprintFormat("temporal", "Temporal workflow (Python)", to_temporal, "temporal.py", "text/x-python"),
    )
}


def render_blueprint(ev: Evaluation, name: str, style: str | None = None) -> str:
    """The blueprint of `ev` in format `name` (a key of `FORMATS`) and `style` (default: the recommended one)."""
    return FORMATS[name].render(ev, style)
