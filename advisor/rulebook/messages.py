"""Turn pydantic's validation errors into human ones: FILE:LINE:COL: dotted.path: plain sentence, all at once."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from advisor.errors import UserError
from advisor.rulebook import yamlsafe
from advisor.rulebook.values import as_written
from advisor.rulebook.yamlsafe import Document, Path

M = TypeVar("M", bound=BaseModel)


_WANTED = {
    "string_type": "text",
    "int_type": "an integer",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "float_type": "a number",
}


def _data_path(data: Any, loc: tuple) -> Path:
    """Keep the parts of pydantic's `loc` that are real keys or indexes (drop union member tags)."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and not path_is_tag(part):
            path.append(part)  # a missing or unknown key: still name it
            current = None
    return tuple(path)


def path_is_tag(part: str) -> bool:
    return part in ("test", "all", "any", "not", "bool", "int", "str") or part.startswith(("list[", "function-"))


def _message(err: ErrorDetails, path: Path) -> str:
    kind = err["type"]
    value = err["input"]
    if kind == "extra_forbidden":
        return f"unknown key '{path[-1]}'" if path else "unknown key"
    if kind == "missing":
        return f"missing required key '{path[-1]}'" if path else "missing required key"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        expected = expected.replace("'", "").replace(" or ", ", ").replace(", ", "|")
        return f"invalid value {as_written(value)}; expected {expected}"
    if kind in (
        "string_type",
        "int_type",
        "bool_type",
        "list_type",
        "dict_type",
        "model_type",
        "float_type",
        "model_attributes_type",
    ):
        return f"expected {_WANTED[kind]}, got {as_written(value)}"
    if kind == "string_pattern_mismatch":
        return f"invalid value {as_written(value)}; must match {err['ctx']['pattern']}"
    if kind == "string_too_short":
        return "must not be empty" if err["ctx"].get("min_length") == 1 else err["msg"].lower()
    if kind == "string_too_long":
        return f"too long ({len(value):,} characters; the limit is {err['ctx']['max_length']:,})"
    if kind in ("too_short", "too_long"):
        return err["msg"][0].lower() + err["msg"][1:]
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    msg = err["msg"]
    return msg[0].lower() + msg[1:] if msg else kind


def validate(doc: Document, model: type[M]) -> M:
    """Validate a parsed document against `model`; raise one `UserError` listing every problem."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as e:
        by_path: dict[Path, list[ErrorDetails]] = {}
        for err in e.errors(include_url=False):
            by_path.setdefault(_data_path(doc.data, err["loc"]), []).append(err)
        problems = []
        for path, errs in by_path.items():
            if len(errs) > 1 and all(err["type"].endswith("_type") for err in errs):
                # a union (text, integer or true/false) reports once per member: say it once
                kinds = list(dict.fromkeys(_WANTED.get(err["type"], err["type"]) for err in errs))
                wanted = ", ".join(kinds[:-1]) + f" or {kinds[-1]}"
                message = f"expected {wanted}, got {as_written(errs[0].get('input'))}"
            else:
                message = _message(errs[0], path)
            problems.append(doc.problem(path, message, key=errs[0]["type"] == "extra_forbidden"))
        raise UserError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path))) from None


def parse(raw: bytes | str, filename: str, model: type[M], max_bytes: int | None = None) -> tuple[M, Document]:
    """Read bytes as YAML/JSON and validate them into `model`, keeping positions for later cross-checks."""
    doc = yamlsafe.load(raw, filename, max_bytes or yamlsafe.MAX_BYTES)
    if not isinstance(doc.data, dict):
        raise UserError([doc.problem((), f"expected a mapping at the top of the file, got {as_written(doc.data)}")])
    return validate(doc, model), doc
