"""The BPMN 2.0 blueprint: the orchestrated part of a workflow as a process Camunda 8 (Zeebe) can deploy, laid out.

- Each command (`bpmn_temporal_flow.Command`) is a service task with a Zeebe task type (`payment.authorize-card`)
  that a job worker subscribes to; in a hybrid, each event the orchestrator publishes for the event-driven links
  is a message throw event (Zeebe runs it as a job of type `publish-event`, with the event's name as a task header).
- A step with a compensation gets a compensation boundary event and a compensation handler (a service task of its
  own type). Every task after a compensable one gets an error boundary event (a worker throws the BPMN error
  `step-failed`): it leads to compensation throw events, one per compensable step in reverse order, so the undo
  runs last step first, as in the Temporal blueprint; a step that never completed has nothing to compensate.
- The diagram interchange (BPMN DI) is written here, deterministically, so the file opens laid out: the flow on
  one line, the failure path above it, each compensation handler below its task (bpmn-auto-layout would draw no
  associations).

Ids are synthetic (`Task_2`, `Flow_5`): never user text, so always unique NCNames; user text goes only into
attribute values and element text, which the XML serializer escapes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from advisor.engine.evaluate import Evaluation
from advisor.views.blueprints.bpmn_temporal_flow import Command, Flow, Publication, flow, slug, unique

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
MODELER = "http://camunda.org/schema/modeler/1.0"
PLATFORM_VERSION = "8.6.0"  # the Camunda release the file is checked against (bpmnlint camunda-cloud-8-6)
ERROR_CODE = "step-failed"
PUBLISH_TYPE = "publish-event"
RETRIES = "3"
_PREFIXES = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "zeebe": ZEEBE, "modeler": MODELER}
_PREFIX_OF = {uri: prefix for prefix, uri in _PREFIXES.items()}

# The layout (pixels): a column per node of the main line, the failure path above it, compensation below.
STEP = 150  # distance between the centres of two columns
MAIN_Y, FAIL_Y, HANDLER_TOP = 200, 60, 300
TASK_W, TASK_H, EVENT, GATEWAY = 100, 80, 36, 50
START_X = 170


def b(tag: str) -> str:
    return f"{{{BPMN}}}{tag}"


@dataclass
class _Writer:
    process: ET.Element
    plane: ET.Element
    counter: dict[str, int] = field(default_factory=dict)
    artifacts: list[ET.Element] = field(default_factory=list)  # after every flow element, as the schema wants

    def next_id(self, kind: str) -> str:
        self.counter[kind] = self.counter.get(kind, 0) + 1
        return f"{kind}_{self.counter[kind]}"

    def node(self, tag: str, node_id: str, node_name: str, box: tuple[float, float, float, float], **attrs: str):
        el = ET.SubElement(self.process, b(tag), {"id": node_id, "name": node_name, **attrs})
        shape = ET.SubElement(self.plane, f"{{{BPMNDI}}}BPMNShape", {"id": f"{node_id}_di", "bpmnElement": node_id})
        if tag == "exclusiveGateway":
            shape.set("isMarkerVisible", "true")
        x, y, w, h = box
        ET.SubElement(shape, f"{{{DC}}}Bounds", {"x": _n(x), "y": _n(y), "width": _n(w), "height": _n(h)})
        return el

    def edge(self, tag: str, edge_id: str, points: list[tuple[float, float]], **attrs: str) -> ET.Element:
        el = ET.Element(b(tag), {"id": edge_id, **attrs})
        shape = ET.SubElement(self.plane, f"{{{BPMNDI}}}BPMNEdge", {"id": f"{edge_id}_di", "bpmnElement": edge_id})
        for x, y in points:
            ET.SubElement(shape, f"{{{DI}}}waypoint", {"x": _n(x), "y": _n(y)})
        return el

    def sequence(self, source: ET.Element, target: ET.Element, points: list[tuple[float, float]]) -> None:
        flow_id = self.next_id("Flow")
        el = self.edge("sequenceFlow", flow_id, points, sourceRef=source.get("id", ""), targetRef=target.get("id", ""))
        self.process.append(el)
        _link(source, "outgoing", flow_id)
        _link(target, "incoming", flow_id)


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _link(node: ET.Element, kind: str, flow_id: str) -> None:
    """`bpmn:incoming`/`bpmn:outgoing`, where the schema puts them: after documentation and extensions, incoming
    before outgoing, before any event definition."""
    ref = ET.Element(b(kind))
    ref.text = flow_id
    order = ["documentation", "extensionElements", "incoming", "outgoing"]
    rank = order.index(kind)
    at = 0
    for i, child in enumerate(list(node)):
        local = child.tag.rsplit("}", 1)[-1]
        if local in order and order.index(local) <= rank:
            at = i + 1
    node.insert(at, ref)


def _documented(el: ET.Element, text: str) -> None:
    ET.SubElement(el, b("documentation")).text = text


def _task_definition(el: ET.Element, task_type: str, retries: str = RETRIES, headers: dict[str, str] | None = None):
    ext = ET.SubElement(el, b("extensionElements"))
    ET.SubElement(ext, f"{{{ZEEBE}}}taskDefinition", {"type": task_type, "retries": retries})
    if headers:
        holder = ET.SubElement(ext, f"{{{ZEEBE}}}taskHeaders")
        for key, value in headers.items():
            ET.SubElement(holder, f"{{{ZEEBE}}}header", {"key": key, "value": value})


def _event_box(cx: float, cy: float) -> tuple[float, float, float, float]:
    return cx - EVENT / 2, cy - EVENT / 2, EVENT, EVENT


def to_bpmn(ev: Evaluation, style: str | None = None) -> str:
    """The BPMN 2.0 XML (Camunda 8) of `ev`'s orchestrated part in `style` (default: the recommended one).

    Raises `UserError` for a choreography (no coordinator, so no process) or a workflow without steps."""
    f = flow(ev, style, "BPMN")
    process_id = slug(f.workflow, "workflow")
    if not process_id[0].isalpha():
        process_id = f"workflow-{process_id}"
    root = ET.Element(
        b("definitions"),
        {
            "id": "Definitions_1",
            "targetNamespace": "http://bpmn.io/schema/bpmn",
            "exporter": "Coordination Advisor",
            "exporterVersion": "1",
            f"{{{MODELER}}}executionPlatform": "Camunda Cloud",
            f"{{{MODELER}}}executionPlatformVersion": PLATFORM_VERSION,
        },
    )
    if any(c.compensation for c in f.commands[:-1]):  # a later step can fail after it: the failure path exists
        ET.SubElement(root, b("error"), {"id": "Error_step_failed", "name": "Step failed", "errorCode": ERROR_CODE})
    process = ET.SubElement(root, b("process"), {"id": process_id, "name": f.workflow, "isExecutable": "true"})
    _documented(process, _process_note(f))
    diagram = ET.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", {"id": "BPMNDiagram_1"})
    plane = ET.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", {"id": "BPMNPlane_1", "bpmnElement": process_id})
    w = _Writer(process, plane)
    _main_line(w, f)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(_prefixed(root), encoding="unicode") + "\n"


def _prefixed(root: ET.Element) -> ET.Element:
    """The tree with our prefixes written into its names, and the namespaces it uses declared on the root (in
    prefix order, before the root's attributes, as ElementTree writes them).

    Why not `ET.register_namespace`: ElementTree's prefix table is global to the process, and other libraries
    write into it (WeasyPrint registers `dc` for Dublin Core when it is imported): after a PDF export, the same
    BPMN came out with `ns4:` instead of `dc:`. Names written with their prefix are serialized as they are."""
    used: set[str] = set()

    def name(qualified: str) -> str:
        if not qualified.startswith("{"):
            return qualified
        uri, local = qualified[1:].split("}", 1)
        used.add(_PREFIX_OF[uri])
        return f"{_PREFIX_OF[uri]}:{local}"

    for el in root.iter():
        el.tag = name(el.tag)
        if any(k.startswith("{") for k in el.attrib):
            el.attrib = {name(k): v for k, v in el.attrib.items()}
    declared = {f"xmlns:{p}": _PREFIXES[p] for p in sorted(used)}
    root.attrib = {**declared, **root.attrib}
    return root


def _process_note(f: Flow) -> str:
    return (
        f"{f.workflow}: the orchestrated part ({f.style}), generated by Coordination Advisor. Each service task is "
        f"a job for a worker of its task type; a worker throws the BPMN error '{ERROR_CODE}' to undo the steps "
        "done so far (their compensation handlers run, last step first)."
    )


def _main_line(w: _Writer, f: Flow) -> None:
    """Start, the commands and publications in order, end; then the failure path and the compensation handlers."""
    types: set[str] = {PUBLISH_TYPE}
    cx = float(START_X)
    previous = w.node("startEvent", "StartEvent_1", f"{f.workflow} requested", _event_box(cx, MAIN_Y))
    prev_right = cx + EVENT / 2
    failing: list[tuple[ET.Element, float]] = []  # error boundary events and their x
    compensable: list[tuple[Command, ET.Element]] = []

    def advance(el: ET.Element, half_width: float) -> None:
        nonlocal previous, prev_right
        w.sequence(previous, el, [(prev_right, MAIN_Y), (cx - half_width, MAIN_Y)])
        previous, prev_right = el, cx + half_width

    def publish(items: tuple[Publication, ...]) -> None:
        nonlocal cx
        for p in items:
            cx += STEP
            el = w.node("intermediateThrowEvent", w.next_id("Event"), p.event, _event_box(cx, MAIN_Y))
            subscribers = ", ".join(f"{s.service} ({s.number}. {s.action})" for s in p.subscribers)
            _documented(el, f"Publishes {p.event} for the event-driven steps that subscribe to it: {subscribers}")
            _task_definition(el, PUBLISH_TYPE, headers={"event": p.event})
            # Why no messageRef: Zeebe runs a message throw event as a job; a bpmn:message would need a
            # subscription (correlation key) that only a catching event has.
            ET.SubElement(el, b("messageEventDefinition"), {"id": f"{el.get('id')}_message"})
            advance(el, EVENT / 2)

    publish(f.published_after(0))
    for c in f.commands:
        cx += STEP
        task_id = f"Task_{c.number}"
        task = w.node("serviceTask", task_id, c.action, (cx - TASK_W / 2, MAIN_Y - TASK_H / 2, TASK_W, TASK_H))
        _documented(task, f"Step {c.number}: {c.service} does '{c.action}' and replies {c.event}.")
        _task_definition(task, unique(f"{slug(c.service, 'service')}.{slug(c.action, f'step-{c.number}')}", types))
        advance(task, TASK_W / 2)
        if compensable:
            bx = cx + TASK_W / 4
            box = _event_box(bx, MAIN_Y - TASK_H / 2)
            boundary = w.node("boundaryEvent", f"Task_{c.number}_failed", "Step failed", box, attachedToRef=task_id)
            error = {"id": f"Task_{c.number}_failed_error", "errorRef": "Error_step_failed"}
            ET.SubElement(boundary, b("errorEventDefinition"), error)
            failing.append((boundary, bx))
        if c.compensation:
            compensable.append((c, task))
            _compensation(w, c, task, cx, types)
        publish(f.published_after(c.number))
    cx += STEP
    advance(w.node("endEvent", "EndEvent_done", f"{f.workflow} done", _event_box(cx, MAIN_Y)), EVENT / 2)
    if failing:
        _failure_path(w, f, failing, [c for c, _ in compensable])
    w.process.extend(w.artifacts)


def _compensation(w: _Writer, c: Command, task: ET.Element, cx: float, types: set[str]) -> None:
    bx = cx - TASK_W / 4
    box = _event_box(bx, MAIN_Y + TASK_H / 2)
    boundary = w.node("boundaryEvent", f"Task_{c.number}_undo", "Undo", box, attachedToRef=task.get("id", ""))
    ET.SubElement(boundary, b("compensateEventDefinition"), {"id": f"Task_{c.number}_undo_compensation"})
    handler_box = (bx - TASK_W / 2, HANDLER_TOP, TASK_W, TASK_H)
    handler = w.node("serviceTask", f"Compensation_{c.number}", c.compensation, handler_box, isForCompensation="true")
    _documented(handler, f"Undoes step {c.number} ({c.service}: '{c.action}'): {c.compensation}.")
    _task_definition(handler, unique(f"{slug(c.service, 'service')}.{slug(c.compensation, f'undo-{c.number}')}", types))
    points = [(bx, MAIN_Y + TASK_H / 2 + EVENT / 2), (bx, HANDLER_TOP)]
    ends = {"sourceRef": boundary.get("id", ""), "targetRef": handler.get("id", "")}
    w.artifacts.append(w.edge("association", f"Association_{c.number}", points, associationDirection="One", **ends))


def _failure_path(w: _Writer, f: Flow, failing: list[tuple[ET.Element, float]], undo: list[Command]) -> None:
    """Above the main line: the failed steps' error boundaries join (a gateway when there are several), then one
    compensation throw event per compensable step, last step first, then the failure end."""
    fx = max(bx for _, bx in failing) + STEP * 2 / 3
    boundary_top = MAIN_Y - TASK_H / 2 - EVENT / 2
    if len(failing) > 1:
        join = w.node(
            "exclusiveGateway",
            "Gateway_failed",
            "Step failed",
            (fx - GATEWAY / 2, FAIL_Y - GATEWAY / 2, GATEWAY, GATEWAY),
        )
        half = GATEWAY / 2
    else:
        join = _undo_event(w, undo[-1], fx)
        undo = undo[:-1]
        half = EVENT / 2
    for boundary, bx in failing:
        w.sequence(boundary, join, [(bx, boundary_top), (bx, FAIL_Y), (fx - half, FAIL_Y)])
    previous, right = join, fx + half
    for c in reversed(undo):
        fx += STEP * 2 / 3
        el = _undo_event(w, c, fx)
        w.sequence(previous, el, [(right, FAIL_Y), (fx - EVENT / 2, FAIL_Y)])
        previous, right = el, fx + EVENT / 2
    fx += STEP * 2 / 3
    end = w.node("endEvent", "EndEvent_failed", f"{f.workflow} undone", _event_box(fx, FAIL_Y))
    w.sequence(previous, end, [(right, FAIL_Y), (fx - EVENT / 2, FAIL_Y)])


def _undo_event(w: _Writer, c: Command, cx: float) -> ET.Element:
    """A compensation throw event for step `c`'s task: its handler runs if the task completed (else nothing)."""
    el = w.node(
        "intermediateThrowEvent", f"Undo_{c.number}", f"Undo {c.number}: {c.compensation}", _event_box(cx, FAIL_Y)
    )
    definition = {"id": f"Undo_{c.number}_compensation", "activityRef": f"Task_{c.number}", "waitForCompletion": "true"}
    ET.SubElement(el, b("compensateEventDefinition"), definition)
    return el
