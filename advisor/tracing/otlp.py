"""Reading OTLP JSON trace exports: an `ExportTraceServiceRequest` (resourceSpans -> scopeSpans -> spans), or
one request per line (JSON Lines, as the OpenTelemetry file exporter and collectors write them).

Both JSON encodings are read: the OTLP/JSON specification's (trace and span ids in hex, enum values as
integers) and protobuf's canonical JSON mapping that SDKs' `MessageToJson` gives (ids in base64, enums by
name). The two are told apart per id by its length: a trace id is 16 bytes (32 hex digits, 24 base64
characters), a span id 8 bytes (16 hex digits, 12 base64 characters). Field names are lowerCamelCase, as the
specification says; the proto names (`scope_spans`) and the old `instrumentationLibrarySpans` are read too.
Unknown fields are ignored, as the specification asks of receivers.

Only what a design needs is kept of a span: ids, parent, name, kind, service, times, links and a few
attributes (`ATTRIBUTES`). Every problem names its place: the line (of a JSON Lines file) and the JSON path
(`resourceSpans[0].scopeSpans[1].spans[3].kind`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import Problem, UserError
from advisor.tracing.otlp_values import (
    Problems,
    as_list,
    kind_of,
    member,
    read_attributes,
    read_id,
    read_kind,
    read_nanos,
    read_text,
)

MAX_BYTES = 32 * 1024 * 1024  # Why: a day of one workflow's traces is a few MiB; bounds parse time and memory
MAX_SPANS = 100_000  # Why: the flows are rebuilt in memory; 100k spans take about a second
MAX_LINKS = 128  # per span (the SDK's default limit)


@dataclass(frozen=True)
class Span:
    """One span, as a design needs it: ids in lowercase hex, `kind` one of `KINDS`, times in Unix nanoseconds."""

    trace_id: str
    span_id: str
    parent_id: str | None
    name: str
    kind: str
    service: str
    start: int
    end: int
    attributes: dict[str, str | int | float | bool] = field(default_factory=dict, compare=False)
    links: tuple[tuple[str, str], ...] = ()  # (trace id, span id) of each linked span
    order: int = 0  # its position in the file: breaks ties of start time
    place: str = ""  # where it was read, for messages: "traces.jsonl:3: resourceSpans[0].scopeSpans[0].spans[2]"

    @property
    def key(self) -> tuple[str, str]:
        return (self.trace_id, self.span_id)


def read_spans(raw: bytes | str, filename: str, max_bytes: int = MAX_BYTES) -> list[Span]:
    """The spans of an OTLP JSON export (one request, or one per line); every problem in one `UserError`."""
    if len(raw) > max_bytes:
        raise UserError.at(filename, f"file too large ({len(raw):,} bytes; the limit is {max_bytes:,} bytes)")
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise UserError.at(filename, f"not UTF-8 text (byte {e.start}); expected OTLP JSON") from None
    else:
        text = raw
    if not text.strip():
        raise UserError.at(filename, "the file is empty; expected OTLP JSON (an ExportTraceServiceRequest)")
    problems = Problems(filename)
    spans: list[Span] = []
    documents = _documents(text, filename)
    for line, doc in documents:
        _read_request(doc, line if len(documents) > 1 else None, problems, spans)
    if problems.found:
        raise UserError(problems.found)
    if not spans:
        raise UserError.at(filename, "no spans found (expected resourceSpans[].scopeSpans[].spans[])")
    return spans


def _documents(text: str, filename: str) -> list[tuple[int, Any]]:
    """The requests of the file with their line: the whole file, or (JSON Lines) one per non-empty line."""
    try:
        return [(1, _loads(text))]
    except json.JSONDecodeError as e:
        if e.msg != "Extra data":
            raise UserError.at(filename, f"not JSON: {e.msg}", e.lineno, e.colno) from None
    documents = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                documents.append((number, _loads(line)))
            except json.JSONDecodeError as e:
                message = f"not JSON (JSON Lines: one request per line): {e.msg}"
                raise UserError.at(filename, message, number, e.colno) from None
    return documents


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def _read_request(doc: Any, line: int | None, problems: Problems, spans: list[Span]) -> None:
    if not isinstance(doc, dict):
        problems.add(line, "", f"expected an object (an ExportTraceServiceRequest), got {kind_of(doc)}")
        return
    if "resourceSpans" not in doc and "resource_spans" not in doc:
        problems.add(line, "", "not an OTLP trace export: no resourceSpans")
        return
    for r, resource_spans in enumerate(
        as_list(member(doc, "resourceSpans", "resource_spans"), line, "resourceSpans", problems)
    ):
        rpath = f"resourceSpans[{r}]"
        if not isinstance(resource_spans, dict):
            problems.add(line, rpath, f"expected an object, got {kind_of(resource_spans)}")
            continue
        resource = resource_spans.get("resource") or {}
        if not isinstance(resource, dict):
            problems.add(line, f"{rpath}.resource", f"expected an object, got {kind_of(resource)}")
            resource = {}
        attrs = read_attributes(resource.get("attributes"), line, f"{rpath}.resource.attributes", problems)
        service = attrs.get("service.name")
        service_name = service if isinstance(service, str) and service.strip() else "unknown_service"
        scopes = member(resource_spans, "scopeSpans", "scope_spans", "instrumentationLibrarySpans")
        for s, scope in enumerate(as_list(scopes, line, f"{rpath}.scopeSpans", problems)):
            spath = f"{rpath}.scopeSpans[{s}]"
            if not isinstance(scope, dict):
                problems.add(line, spath, f"expected an object, got {kind_of(scope)}")
                continue
            for i, raw_span in enumerate(as_list(scope.get("spans"), line, f"{spath}.spans", problems)):
                if len(spans) >= MAX_SPANS:
                    raise UserError(
                        problems.found
                        + [Problem(problems.filename, line, None, "", f"too many spans (limit {MAX_SPANS:,})")]
                    )
                span = _span(raw_span, service_name, line, f"{spath}.spans[{i}]", problems, len(spans))
                if span is not None:
                    spans.append(span)


def _span(raw: Any, service: str, line: int | None, path: str, problems: Problems, order: int) -> Span | None:
    if not isinstance(raw, dict):
        problems.add(line, path, f"expected an object (a span), got {kind_of(raw)}")
        return None
    before = len(problems.found)
    trace_id = read_id(member(raw, "traceId", "trace_id"), 16, line, f"{path}.traceId", problems, required=True)
    span_id = read_id(member(raw, "spanId", "span_id"), 8, line, f"{path}.spanId", problems, required=True)
    parent_id = read_id(member(raw, "parentSpanId", "parent_span_id"), 8, line, f"{path}.parentSpanId", problems)
    name = read_text(raw.get("name", ""), line, f"{path}.name", problems)
    kind = read_kind(raw.get("kind", 0), line, f"{path}.kind", problems)
    start = read_nanos(
        member(raw, "startTimeUnixNano", "start_time_unix_nano"), line, f"{path}.startTimeUnixNano", problems
    )
    end = read_nanos(member(raw, "endTimeUnixNano", "end_time_unix_nano"), line, f"{path}.endTimeUnixNano", problems)
    attributes = read_attributes(raw.get("attributes"), line, f"{path}.attributes", problems)
    links = []
    raw_links = as_list(raw.get("links"), line, f"{path}.links", problems)
    if len(raw_links) > MAX_LINKS:
        problems.add(line, f"{path}.links", f"too many links ({len(raw_links)}; limit {MAX_LINKS})")
        raw_links = []
    for k, link in enumerate(raw_links):
        lpath = f"{path}.links[{k}]"
        if not isinstance(link, dict):
            problems.add(line, lpath, f"expected an object (a link), got {kind_of(link)}")
            continue
        lt = read_id(member(link, "traceId", "trace_id"), 16, line, f"{lpath}.traceId", problems, required=True)
        ls = read_id(member(link, "spanId", "span_id"), 8, line, f"{lpath}.spanId", problems, required=True)
        if lt and ls:
            links.append((lt, ls))
    if len(problems.found) > before or trace_id is None or span_id is None:
        return None
    where = f"{problems.filename}:{line}: {path}" if line is not None else f"{problems.filename}: {path}"
    return Span(trace_id, span_id, parent_id, name, kind, service, start, end, attributes, tuple(links), order, where)
