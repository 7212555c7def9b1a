"""The values of an OTLP JSON span, read and checked: ids (hex or base64), kinds (integers or names), times,
texts and the few attributes a design needs. Each reader records a problem at its JSON path and returns a
harmless value, so that every problem of a file is found in one pass (up to `MAX_PROBLEMS`)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from advisor.errors import Problem, UserError

MAX_TEXT = 10_000  # characters of a name or a kept attribute value (the answers file's limit for a name)
MAX_PROBLEMS = 20  # Why: all problems at once, but a file of 100k bad spans need not give 100k lines
ATTRIBUTES = frozenset(
    {
        "service.name",
        "messaging.destination.name",
        "messaging.system",
        "messaging.operation",
        "messaging.operation.type",
        "rpc.method",
        "rpc.service",
        "http.route",
        "peer.service",
    }
)
KINDS = ("unspecified", "internal", "server", "client", "producer", "consumer")  # SpanKind's numbers, in order
_KIND_NAMES = {f"SPAN_KIND_{k.upper()}": k for k in KINDS}
_HEX = re.compile(r"^[0-9a-fA-F]*$")
_SURROGATE = re.compile("[\ud800-\udfff]")


class Problems:
    """The problems found so far; reading stops at `MAX_PROBLEMS`."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.found: list[Problem] = []

    def add(self, line: int | None, path: str, message: str) -> None:
        self.found.append(Problem(self.filename, line, None, path, message))
        if len(self.found) >= MAX_PROBLEMS:
            raise UserError(self.found + [Problem(self.filename, None, None, "", "(stopped after 20 problems)")])


def member(obj: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in obj:
            return obj[name]
    return None


def as_list(value: Any, line: int | None, path: str, problems: Problems) -> list[Any]:
    if value is None:
        return []  # proto3 JSON leaves out empty repeated fields
    if not isinstance(value, list):
        problems.add(line, path, f"expected a list, got {kind_of(value)}")
        return []
    return value


def read_id(
    value: Any, size: int, line: int | None, path: str, problems: Problems, required: bool = False
) -> str | None:
    """An id as lowercase hex, from hex (OTLP/JSON) or base64 (protobuf JSON); `None` when absent and optional."""
    what = "trace id" if size == 16 else "span id"
    if value is None or value == "":
        if required:
            problems.add(line, path, f"missing {what}")
        return None
    if not isinstance(value, str):
        problems.add(line, path, f"expected a {what} as a string, got {kind_of(value)}")
        return None
    if len(value) == 2 * size and _HEX.match(value):
        data = bytes.fromhex(value)
    else:
        try:
            data = base64.b64decode(value, validate=True) if len(value) <= 4 * size else b""
        except (binascii.Error, ValueError):
            data = b""
        if len(data) != size:
            problems.add(
                line, path, f"invalid {what} {show(value)}: expected {2 * size} hex digits or {size} bytes in base64"
            )
            return None
    if not any(data):
        problems.add(line, path, f"invalid {what}: all zeros")
        return None
    return data.hex()


def read_kind(value: Any, line: int | None, path: str, problems: Problems) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(KINDS):
        return KINDS[value]
    if isinstance(value, str) and value in _KIND_NAMES:
        return _KIND_NAMES[value]
    problems.add(
        line, path, f"invalid span kind {show(value)}; expected 0..5 or SPAN_KIND_SERVER, SPAN_KIND_CLIENT, ..."
    )
    return "unspecified"


def read_nanos(value: Any, line: int | None, path: str, problems: Problems) -> int:
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 20:
        return int(value)
    problems.add(line, path, f"invalid time {show(value)}; expected Unix nanoseconds (digits)")
    return 0


def read_text(value: Any, line: int | None, path: str, problems: Problems) -> str:
    if not isinstance(value, str):
        problems.add(line, path, f"expected a string, got {kind_of(value)}")
        return ""
    if len(value) > MAX_TEXT:
        problems.add(line, path, f"text too long ({len(value):,} characters; limit {MAX_TEXT:,})")
        return ""
    return _SURROGATE.sub("\ufffd", value)  # Why: a lone "\ud800" escape is valid JSON but no text to write back


def read_attributes(value: Any, line: int | None, path: str, problems: Problems) -> dict[str, str | int | float | bool]:
    """The kept attributes (`ATTRIBUTES`) with scalar values; the others are skipped unread."""
    out: dict[str, str | int | float | bool] = {}
    for a, item in enumerate(as_list(value, line, path, problems)):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            problems.add(line, f"{path}[{a}]", "expected an attribute: {key, value}")
            continue
        if item["key"] not in ATTRIBUTES:
            continue
        any_value = item.get("value")
        if not isinstance(any_value, dict):
            continue  # an empty AnyValue: no value
        vpath = f"{path}[{a}].value"
        if "stringValue" in any_value or "string_value" in any_value:
            out[item["key"]] = read_text(member(any_value, "stringValue", "string_value"), line, vpath, problems)
        elif isinstance(member(any_value, "boolValue", "bool_value"), bool):
            out[item["key"]] = member(any_value, "boolValue", "bool_value")
        elif isinstance(member(any_value, "intValue", "int_value"), int | str):
            out[item["key"]] = str(member(any_value, "intValue", "int_value"))[:40]
    return out


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(type(value), "a number")


def show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True) if not isinstance(value, dict | list) else kind_of(value)
    return text if len(text) <= 60 else text[:57] + "..."
