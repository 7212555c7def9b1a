"""Real traces for the importer's tests: spans made with the OpenTelemetry SDK (one TracerProvider per service, so
each service has its own resource and `service.name`), exported to memory, encoded with the OTLP encoder, and
written in the three shapes collectors and SDKs write:

- `protobuf_json(spans)`: protobuf's JSON mapping (`MessageToJson`): ids in base64, enums by name;
- `spec_json(spans)`: the OTLP/JSON specification's form: ids in hex, enums as integers;
- `json_lines(...)`: one export request per line.

The three workflows (`orchestrated`, `choreographed`, `mixed`) return the spans and the steps a reader should find.
"""

from __future__ import annotations

import base64
import itertools
import json
from typing import Any

from google.protobuf.json_format import MessageToJson
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind

SERVER, CLIENT, PRODUCER, CONSUMER = SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER


class System:
    """Services that trace into one in-memory exporter, on a clock that ticks a millisecond per span event."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracers: dict[str, trace.Tracer] = {}
        self.clock = itertools.count(1_700_000_000_000_000_000, 1_000_000)

    def tracer(self, service: str) -> trace.Tracer:
        if service not in self.tracers:
            provider = TracerProvider(resource=Resource.create({"service.name": service}))
            provider.add_span_processor(SimpleSpanProcessor(self.exporter))
            self.tracers[service] = provider.get_tracer("advisor-tests")
        return self.tracers[service]

    def span(self, service: str, name: str, kind: SpanKind, parent=None, links=(), attributes=None, body=None):
        """One span of `service`, a child of `parent` (a span) or a new trace; `body(span)` runs inside it."""
        context = (
            trace.set_span_in_context(parent) if parent is not None else trace.set_span_in_context(trace.INVALID_SPAN)
        )
        span = self.tracer(service).start_span(
            name,
            context=context,
            kind=kind,
            links=[Link(link.get_span_context()) for link in links],
            attributes=attributes or {},
            start_time=next(self.clock),
        )
        result = body(span) if body is not None else None
        span.end(end_time=next(self.clock))
        return span if result is None else result

    def call(self, parent, caller: str, callee: str, action: str, body=None):
        """A command: the caller's CLIENT span and, under it, the callee's SERVER span."""
        return self.span(
            caller, action, CLIENT, parent, body=lambda c: self.span(callee, action, SERVER, c, body=body) and None
        )

    def publish(self, parent, service: str, event: str):
        """A message: the publisher's PRODUCER span, with `messaging.destination.name`."""
        attributes = {
            "messaging.system": "kafka",
            "messaging.destination.name": event,
            "messaging.operation": "publish",
        }
        return self.span(service, f"{event} publish", PRODUCER, parent, attributes=attributes)

    def consume(self, producer, service: str, action: str, linked: bool = True, body=None):
        """A consumer: in a new trace with a link to the producer's span (as messaging instrumentations do), or as
        the producer's child (`linked=False`)."""
        attributes = {"messaging.system": "kafka", "messaging.operation": "process"}
        if linked:
            return self.span(service, action, CONSUMER, links=[producer], attributes=attributes, body=body)
        return self.span(service, action, CONSUMER, producer, attributes=attributes, body=body)

    def spans(self) -> tuple[ReadableSpan, ...]:
        return self.exporter.get_finished_spans()


def orchestrated(system: System, names: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """Checkout commands Payment, Stock and Shipping in turn."""
    n = names or {}
    expected = [
        (n.get("Payment", "Payment"), n.get("authorize", "Authorize card")),
        ("Stock", "Reserve items"),
        ("Shipping", "Ship parcel"),
    ]

    def body(root):
        for service, action in expected:
            system.call(root, "Checkout", service, action)

    system.span("Checkout", n.get("flow", "Checkout order"), SERVER, body=body)
    return [(s, a, "orchestrated") for s, a in expected]


def choreographed(system: System) -> list[tuple[str, str, str]]:
    """Orders publishes OrderPlaced; Payment reacts and publishes PaymentCharged; Shipping and Email react to it."""

    def payment(consumer):
        charged = system.publish(consumer, "Payment", "PaymentCharged")
        system.consume(charged, "Shipping", "Ship parcel")
        system.consume(charged, "Email", "Send confirmation")

    def orders(root):
        placed = system.publish(root, "Orders", "OrderPlaced")
        system.consume(placed, "Payment", "Charge card", body=payment)

    system.span("Orders", "Place order", SERVER, body=orders)
    return [
        ("Orders", "Place order", "event-driven"),
        ("Payment", "Charge card", "event-driven"),
        ("Shipping", "Ship parcel", "event-driven"),
        ("Email", "Send confirmation", "event-driven"),
    ]


def mixed(system: System) -> list[tuple[str, str, str]]:
    """Booking commands Flights and Hotels, then publishes TripBooked: Email (a child span) and Loyalty (a linked
    trace) react to it."""

    def body(root):
        system.call(root, "Booking", "Flights", "Reserve flight")
        system.call(root, "Booking", "Hotels", "Reserve hotel")
        booked = system.publish(root, "Booking", "TripBooked")
        system.consume(booked, "Email", "Send itinerary", linked=False)
        system.consume(booked, "Loyalty", "Award points")

    system.span("Booking", "Book trip", SERVER, body=body)
    return [
        ("Flights", "Reserve flight", "orchestrated"),
        ("Hotels", "Reserve hotel", "orchestrated"),
        ("Email", "Send itinerary", "event-driven"),
        ("Loyalty", "Award points", "event-driven"),
    ]


# ---------------------------------------------------------------- the encodings
def request_dict(spans) -> dict[str, Any]:
    """The export request in protobuf's JSON mapping, as a dict."""
    return json.loads(MessageToJson(encode_spans(spans)))


def protobuf_json(spans) -> str:
    """What `MessageToJson` of the OTLP encoder's request gives: base64 ids, enum names."""
    return MessageToJson(encode_spans(spans))


_ID_FIELDS = ("traceId", "spanId", "parentSpanId")


def to_spec_form(value: Any) -> Any:
    """The OTLP/JSON specification's form of a protobuf-JSON request: hex ids, integer enums."""
    if isinstance(value, list):
        return [to_spec_form(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        if key in _ID_FIELDS and isinstance(v, str):
            out[key] = base64.b64decode(v).hex()
        elif key == "kind" and isinstance(v, str):
            out[key] = SpanKind[v.removeprefix("SPAN_KIND_")].value + 1  # the API's SpanKind counts from INTERNAL=0
        elif key == "code" and isinstance(v, str) and v.startswith("STATUS_CODE_"):
            out[key] = {"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2}[v]
        else:
            out[key] = to_spec_form(v)
    return out


def spec_json(spans) -> str:
    return json.dumps(to_spec_form(request_dict(spans)), indent=2)


def json_lines(*span_groups, spec: bool = False) -> str:
    """One export request per line, one per group of spans (as a file exporter writes batches)."""
    lines = []
    for spans in span_groups:
        request = request_dict(spans)
        lines.append(json.dumps(to_spec_form(request) if spec else request))
    return "\n".join(lines) + "\n"
