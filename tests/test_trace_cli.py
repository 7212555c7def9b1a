"""`advisor import-trace` as a user runs it (a subprocess), and the importer's answers to bad trace files: exit 2,
one message naming the place (the line of a JSON Lines file, the JSON path of the span), never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.errors import UserError
from advisor.tracing import otlp
from advisor.tracing.flows import find_flows
from advisor.tracing.otlp import read_spans
from tests.conftest import ROOT
from tests.trace_helpers import SERVER, System, choreographed, json_lines, mixed, orchestrated, protobuf_json, spec_json


def advisor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def write(tmp_path: Path, text: str, name: str = "traces.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(text: str, filename: str = "traces.json") -> str:
    with pytest.raises(UserError) as caught:
        find_flows(read_spans(text.encode(), filename))
    return "\n".join(str(p) for p in caught.value.problems)


def test_import_trace_json_lists_each_flow_with_its_steps_and_current_style(tmp_path):
    system = System()
    orchestrated(system)
    choreographed(system)
    mixed(system)
    run = advisor("import-trace", str(write(tmp_path, spec_json(system.spans()))), "--format", "json")
    assert run.returncode == 0, run.stderr
    flows = json.loads(run.stdout)["flows"]
    assert [(f["workflow"], f["current_style"]) for f in flows] == [
        ("Checkout order", "orchestration"),
        ("Place order", "choreography"),
        ("Book trip", "hybrid"),
    ]
    assert [s["service"] for s in flows[2]["steps"]] == ["Flights", "Hotels", "Email", "Loyalty"]
    assert all(s["mode"] in ("orchestrated", "event-driven") for f in flows for s in f["steps"])
    assert flows[1]["traits"] == {"step_count": 4, "fan_out": 2}


def test_import_trace_writes_an_answers_file_that_recommend_reads(tmp_path):
    system = System()
    mixed(system)
    traces = write(tmp_path, json_lines(system.spans()[:2], system.spans()[2:]), "traces.jsonl")
    answers = tmp_path / "book-trip.yaml"
    run = advisor("import-trace", str(traces), "-o", str(answers))
    assert run.returncode == 0 and run.stdout == "", run.stderr
    assert "observed:\n  style: hybrid" in answers.read_text()
    recommended = advisor("recommend", str(answers), "--format", "json")
    assert recommended.returncode == 0, recommended.stderr
    out = json.loads(recommended.stdout)
    assert [s["service"] for s in out["steps"]] == ["Flights", "Hotels", "Email", "Loyalty"]
    assert out["answers"]["step_count"] == 4 and out["answers"]["fan_out"] == 2
    assert out["answers"]["ordering"] is None  # what the traces do not show stays unanswered


def test_import_trace_with_several_flows_asks_for_one_and_flow_selects_it(tmp_path):
    system = System()
    orchestrated(system)
    choreographed(system)
    traces = write(tmp_path, protobuf_json(system.spans()))
    run = advisor("import-trace", str(traces))
    assert run.returncode == 2 and "choose one with --flow NAME" in run.stderr and "Traceback" not in run.stderr
    chosen = advisor("import-trace", str(traces), "--flow", "Place order")
    assert chosen.returncode == 0 and "workflow: Place order" in chosen.stdout
    missing = advisor("import-trace", str(traces), "--flow", "Nope")
    assert missing.returncode == 2 and 'no flow named "Nope"; found: "Checkout order", "Place order"' in missing.stderr


def test_import_trace_of_a_missing_file_or_to_an_unwritable_path_is_a_user_error(tmp_path):
    run = advisor("import-trace", str(tmp_path / "none.json"))
    assert run.returncode == 2 and "cannot read: No such file or directory" in run.stderr
    system = System()
    orchestrated(system)
    traces = write(tmp_path, spec_json(system.spans()))
    run = advisor("import-trace", str(traces), "-o", str(tmp_path / "no-dir" / "a.yaml"))
    assert run.returncode == 2 and "cannot write: no such folder" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"resourceSpans": [', "traces.json:1:20: not JSON: Expecting value"),
        ("[1, 2]", "expected an object (an ExportTraceServiceRequest), got a list"),
        ('{"resourceLogs": []}', "not an OTLP trace export: no resourceSpans"),
        ('{"resourceSpans": {}}', "traces.json: resourceSpans: expected a list, got an object"),
        ('{"resourceSpans": []}', "no spans found"),
        ("   \n", "the file is empty"),
        ("[" * 100_000, "nested too deeply"),
    ],
    ids=["syntax", "a-list", "logs-not-traces", "wrong-shape", "no-spans", "empty", "deep-nesting"],
)
def test_a_file_that_is_not_an_otlp_trace_export_is_refused_saying_why(text, message):
    assert message in errors_of(text)


def spans_json(*spans: dict) -> str:
    return json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": list(spans)}]}]})


GOOD = {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "name": "a", "kind": 2}


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ({**GOOD, "traceId": None}, "resourceSpans[0].scopeSpans[0].spans[0].traceId: missing trace id"),
        ({**GOOD, "spanId": "abc"}, 'spans[0].spanId: invalid span id "abc": expected 16 hex digits or 8 bytes'),
        ({**GOOD, "traceId": "0" * 32}, "spans[0].traceId: invalid trace id: all zeros"),
        ({**GOOD, "kind": "SPAN_KIND_BOGUS"}, 'spans[0].kind: invalid span kind "SPAN_KIND_BOGUS"'),
        ({**GOOD, "kind": 9}, "spans[0].kind: invalid span kind 9"),
        ({**GOOD, "startTimeUnixNano": "soon"}, 'spans[0].startTimeUnixNano: invalid time "soon"'),
        ({**GOOD, "name": "x" * 10_001}, "spans[0].name: text too long (10,001 characters; limit 10,000)"),
        ({**GOOD, "name": ["a"]}, "spans[0].name: expected a string, got a list"),
        ({**GOOD, "links": [{"traceId": GOOD["traceId"]}]}, "spans[0].links[0].spanId: missing span id"),
        ({**GOOD, "links": [GOOD] * 129}, "spans[0].links: too many links (129; limit 128)"),
        ({**GOOD, "attributes": ["service.name"]}, "spans[0].attributes[0]: expected an attribute: {key, value}"),
        ("span", "spans[0]: expected an object (a span), got a string"),
    ],
    ids=[
        "missing-id",
        "short-id",
        "zero-id",
        "kind-name",
        "kind-number",
        "time",
        "long-name",
        "name-type",
        "link-id",
        "links-cap",
        "attribute",
        "not-an-object",
    ],
)
def test_a_bad_span_is_named_by_its_json_path(span, message):
    assert message in errors_of(spans_json(span))


def test_every_bad_span_is_reported_at_once():
    text = errors_of(spans_json({**GOOD, "kind": 7}, {**GOOD, "spanId": None}, {**GOOD, "name": 3}))
    assert "spans[0].kind" in text and "spans[1].spanId" in text and "spans[2].name" in text


def test_a_bad_line_of_a_json_lines_file_is_named_by_its_line(tmp_path):
    system = System()
    orchestrated(system)
    good = json_lines(system.spans()).strip()
    bad_span = spans_json({**GOOD, "kind": "SERVER"})
    assert "traces.jsonl:3: resourceSpans[0].scopeSpans[0].spans[0].kind" in errors_of(
        f"{good}\n{good}\n{bad_span}\n", "traces.jsonl"
    )
    assert "traces.jsonl:2:1: not JSON (JSON Lines: one request per line)" in errors_of(
        f"{good}\nnot json\n", "traces.jsonl"
    )
    run = advisor("import-trace", str(write(tmp_path, f"{good}\n{{oops\n", "t.jsonl")))
    assert run.returncode == 2 and "t.jsonl:2:2: not JSON" in run.stderr and "Traceback" not in run.stderr


def test_a_file_over_the_size_cap_or_with_too_many_spans_is_refused_naming_the_limit(monkeypatch):
    with pytest.raises(UserError, match=r"file too large \(1,048,577 bytes; the limit is 1,048,576 bytes\)"):
        read_spans(b" " * (1024 * 1024 + 1), "big.json", max_bytes=1024 * 1024)
    monkeypatch.setattr(otlp, "MAX_SPANS", 3)
    system = System()
    orchestrated(system)  # 7 spans
    assert "too many spans (limit 3)" in errors_of(protobuf_json(system.spans()))


def test_non_utf8_bytes_are_refused():
    with pytest.raises(UserError, match=r"not UTF-8 text \(byte 2\)"):
        read_spans(b'{"\xff": 1}', "traces.json")


def test_spans_with_no_call_between_services_and_no_message_give_no_flow():
    system = System()
    system.span("Lonely", "GET /health", SERVER)
    assert "no flow found" in errors_of(spec_json(system.spans()))
