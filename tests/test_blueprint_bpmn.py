"""The BPMN blueprint, checked by BPMN's own tools: the OMG BPMN 2.0 XSD (as shipped in the SpiffWorkflow wheel,
read with lxml) and bpmnlint with the rules Camunda Modeler applies for Camunda 8.6 (tests/js/bpmnlint.mjs).

Every example in the orchestration and hybrid styles, and a workflow of hostile names, is validated; a
choreography is refused with a message that says why."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from advisor.engine.evaluate import allocate
from advisor.errors import UserError
from advisor.views.blueprints.bpmn import BPMN, BPMNDI, ZEEBE, to_bpmn
from advisor.views.blueprints.bpmn_temporal_flow import name
from tests.blueprint_cases import evaluation, subscribed_events
from tests.exports import EXAMPLE_NAMES, HOSTILE, ROOT, evaluate_example

STYLES = ("orchestration", "hybrid")
DOCUMENTS = [(example, style) for example in EXAMPLE_NAMES for style in STYLES] + [("hostile", s) for s in STYLES]
DOCUMENTS += [("reactions-only", "hybrid"), ("one-step", "orchestration")]
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "zeebe": ZEEBE}
HARNESS = ROOT / "tests" / "js" / "bpmnlint.mjs"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    spiff = pytest.importorskip("SpiffWorkflow.bpmn.parser", reason="SpiffWorkflow (test extra) ships the BPMN XSD")
    return etree.XMLSchema(etree.parse(str(Path(spiff.__file__).parent / "schema" / "BPMN20.xsd")))


@pytest.fixture(scope="module")
def documents(rulebook) -> dict[tuple[str, str], str]:
    return {(example, style): to_bpmn(evaluation(rulebook, example), style) for example, style in DOCUMENTS}


def run_bpmnlint(paths: list[Path]) -> dict[str, dict[str, list[dict]]]:
    """bpmnlint's verdict on each file, from one node process."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "bpmnlint").is_dir():
        pytest.skip("node or node_modules missing: run scripts/setup.sh (npm ci) to lint BPMN with bpmnlint")
    done = subprocess.run(
        [node, str(HARNESS), *map(str, paths)], capture_output=True, text=True, timeout=300, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def lint(documents, tmp_path_factory) -> dict[tuple[str, str], dict[str, list[dict]]]:
    folder = tmp_path_factory.mktemp("bpmn")
    paths = {key: folder / f"{key[0]}-{key[1]}.bpmn" for key in documents}
    for key, path in paths.items():
        path.write_text(documents[key], encoding="utf-8")
    verdicts = run_bpmnlint(list(paths.values()))
    return {key: verdicts[str(path)] for key, path in paths.items()}


@pytest.mark.parametrize(("example", "style"), DOCUMENTS)
def test_the_bpmn_blueprint_is_valid_against_the_bpmn_2_0_xsd(documents, schema, example, style):
    doc = etree.fromstring(documents[example, style].encode("utf-8"))
    assert schema.validate(doc), schema.error_log


@pytest.mark.parametrize(("example", "style"), DOCUMENTS)
def test_bpmnlint_with_the_camunda_8_6_rules_finds_no_error_and_no_warning(lint, example, style):
    assert lint[example, style] == {"errors": [], "warnings": []}


def test_the_validators_reject_a_broken_document(documents, schema, tmp_path):
    """Both validators can fail: a task moved after the diagram breaks the XSD; a task without a Zeebe task
    type breaks camunda-compat's `implementation` rule."""
    doc = etree.fromstring(documents["order-checkout", "orchestration"].encode("utf-8"))
    root = doc.getroottree().getroot()
    root.append(etree.Element(f"{{{BPMN}}}serviceTask", id="Late"))  # after the diagram, where none may be
    assert not schema.validate(doc)
    doc = etree.fromstring(documents["order-checkout", "orchestration"].encode("utf-8"))
    definition = doc.find(".//zeebe:taskDefinition", NS)
    definition.getparent().remove(definition)
    path = tmp_path / "broken.bpmn"
    path.write_bytes(etree.tostring(doc))
    errors = run_bpmnlint([path])[str(path)]["errors"]
    assert [e["rule"] for e in errors] == ["camunda-compat/implementation"]


@pytest.mark.parametrize(("example", "style"), [d for d in DOCUMENTS if d[0] in EXAMPLE_NAMES])
def test_every_orchestrated_step_is_a_zeebe_service_task_named_after_its_action(rulebook, documents, example, style):
    ev = evaluate_example(rulebook, example)
    doc = etree.fromstring(documents[example, style].encode("utf-8"))
    tasks = doc.findall(".//bpmn:serviceTask", NS)
    commands = [t for t in tasks if t.get("isForCompensation") != "true"]
    orchestrated = [s for s, a in zip(ev.steps, allocate(style, ev.steps)) if a.mode == "orchestrated"]
    assert [t.get("name") for t in commands] == [s.action for s in orchestrated]
    types = [t.find(".//zeebe:taskDefinition", NS).get("type") for t in tasks]
    assert len(set(types)) == len(types)


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_each_compensation_has_a_boundary_event_a_handler_and_a_drawn_association(rulebook, documents, example):
    ev = evaluate_example(rulebook, example)
    doc = etree.fromstring(documents[example, "orchestration"].encode("utf-8"))
    handlers = doc.findall(".//bpmn:serviceTask[@isForCompensation='true']", NS)
    assert [h.get("name") for h in handlers] == [s.compensation for s in ev.steps if s.compensation]
    drawn = {e.get("bpmnElement") for e in doc.findall(".//bpmndi:BPMNEdge", NS)}
    for handler in handlers:
        (association,) = doc.findall(f".//bpmn:association[@targetRef='{handler.get('id')}']", NS)
        boundary = doc.find(f".//bpmn:boundaryEvent[@id='{association.get('sourceRef')}']", NS)
        assert boundary.find("bpmn:compensateEventDefinition", NS) is not None
        assert association.get("id") in drawn


def test_the_failure_path_undoes_the_compensable_steps_last_first(documents):
    doc = etree.fromstring(documents["travel-booking", "orchestration"].encode("utf-8"))
    undo = [
        e.get("activityRef") for e in doc.findall(".//bpmn:intermediateThrowEvent/bpmn:compensateEventDefinition", NS)
    ]
    assert undo == ["Task_4", "Task_3", "Task_2", "Task_1"]


def publish_events(doc) -> list:
    return [
        e
        for e in doc.findall(".//bpmn:intermediateThrowEvent", NS)
        if e.find("bpmn:messageEventDefinition", NS) is not None
    ]


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_a_hybrid_throws_the_events_its_reactions_subscribe_to(rulebook, documents, example):
    throws = publish_events(etree.fromstring(documents[example, "hybrid"].encode("utf-8")))
    assert [e.get("name") for e in throws] == subscribed_events(rulebook, example)
    headers = [e.find(".//zeebe:header", NS) for e in throws]
    assert [(h.get("key"), h.get("value")) for h in headers] == [("event", e.get("name")) for e in throws]
    assert publish_events(etree.fromstring(documents[example, "orchestration"].encode("utf-8"))) == []


def test_hostile_names_arrive_as_text_and_ids_stay_synthetic(rulebook, documents):
    doc = etree.fromstring(documents["hostile", "orchestration"].encode("utf-8"))
    names = [t.get("name") for t in doc.findall(".//bpmn:serviceTask", NS) if t.get("isForCompensation") != "true"]
    assert names == [name(h) for h in HOSTILE]
    ids = [el.get("id") for el in doc.iter() if el.get("id") is not None]
    assert len(ids) == len(set(ids))
    assert all(i.replace("_", "").replace("-", "").isalnum() and i.isascii() for i in ids)


def test_a_choreography_is_refused_with_the_reason(rulebook):
    with pytest.raises(UserError, match="no BPMN blueprint for a choreography: it has no coordinator"):
        to_bpmn(evaluate_example(rulebook, "user-signup"), "choreography")


def test_the_same_answers_give_byte_identical_bpmn(rulebook, documents):
    again = to_bpmn(evaluate_example(rulebook, "order-checkout"), "hybrid")
    assert again == documents["order-checkout", "hybrid"]


def test_a_hybrid_of_reactions_only_just_publishes_the_start(documents):
    doc = etree.fromstring(documents["reactions-only", "hybrid"].encode("utf-8"))
    assert doc.findall(".//bpmn:serviceTask", NS) == []
    assert [e.get("name") for e in doc.findall(".//bpmn:intermediateThrowEvent", NS)] == ["EdgeReactionsOnlyStarted"]


def test_a_last_step_compensation_has_a_handler_but_no_failure_path(documents):
    doc = etree.fromstring(documents["one-step", "orchestration"].encode("utf-8"))
    assert len(doc.findall(".//bpmn:serviceTask[@isForCompensation='true']", NS)) == 1
    assert doc.findall(".//bpmn:error", NS) == doc.findall(".//bpmn:errorEventDefinition", NS) == []


def test_no_blueprint_without_steps(rulebook):
    from advisor.engine.answers import Answers
    from advisor.engine.evaluate import evaluate

    with pytest.raises(UserError, match="no BPMN blueprint without steps"):
        to_bpmn(evaluate(rulebook, Answers({}, [], "Empty")), "orchestration")


def test_another_process_writes_the_same_bytes_for_both_blueprints(documents, rulebook, tmp_path):
    """Deterministic beyond one process: another interpreter with another hash seed writes identical files."""
    from advisor.views.blueprints.temporal import to_temporal

    script = (
        "import sys; from pathlib import Path; from advisor.rulebook.loading import load_rulebook;"
        "from tests.blueprint_cases import evaluation; from advisor.views.blueprints.bpmn import to_bpmn;"
        "from advisor.views.blueprints.temporal import to_temporal; rb = load_rulebook(Path('rules'));"
        "ev = evaluation(rb, 'hostile'); out = Path(sys.argv[1]);"
        "(out / 'a.bpmn').write_text(to_bpmn(ev, 'hybrid'), encoding='utf-8');"
        "(out / 'a.py').write_text(to_temporal(ev, 'hybrid'), encoding='utf-8')"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, env=env, check=True, timeout=120)
    assert (tmp_path / "a.bpmn").read_text(encoding="utf-8") == documents["hostile", "hybrid"]
    assert (tmp_path / "a.py").read_text(encoding="utf-8") == to_temporal(evaluation(rulebook, "hostile"), "hybrid")


def test_a_pdf_export_in_the_same_process_leaves_the_bpmn_prefixes_alone(rulebook):
    """WeasyPrint writes `dc` (Dublin Core) into ElementTree's process-wide prefix table when it is imported (a PDF
    export); a BPMN blueprint exported after it in the same app keeps `dc:` for its diagram bounds, not `ns4:`."""
    pytest.importorskip("weasyprint")
    import weasyprint.pdf.metadata  # noqa: F401  # what a PDF export imports

    text = to_bpmn(evaluation(rulebook, "hostile"), "hybrid")
    assert "<dc:Bounds " in text and 'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"' in text
    assert re.search(r"\bns\d+:", text) is None
