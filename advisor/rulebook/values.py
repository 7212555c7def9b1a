"""Answer values and effects as text: shared by every view and by the share link and CSV readers."""

from __future__ import annotations

from typing import Any

STYLES: tuple[str, ...] = ("orchestration", "choreography", "hybrid")  # in this order everywhere
# What `from_steps` may count over the listed steps, in this order in `measure_steps` (formats.StepMeasure)
STEP_MEASURES: tuple[str, ...] = ("steps", "reactions", "compensations", "teams", "contexts")
MAX_STEPS = 500  # the most steps an answers file, a share link or a portfolio row may list
MAX_TEXT = 10_000  # characters of a workflow's name, a step's service, action, compensation or event
MAX_OWNER = 200  # characters of a step's team or bounded context


def answer_text(value: Any) -> str:
    """An answer value in words where no option label names it: `yes`/`no` for true/false, else as written."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def answer_literal(value: Any) -> str:
    """An answer value as text that reads back as the same value (a share link, a CSV cell): `true`/`false` for
    yes/no, else as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def points_by_style(effect: Any) -> tuple[tuple[str, Any], ...]:
    """The styles an effect moves, with its points, in `STYLES` order: `(("orchestration", 3), ("hybrid", 2))`.

    For anything with `orchestration`, `choreography` and `hybrid` attributes: a rule's `Effect`, a fired rule's
    result, an answer's contribution."""
    return tuple((s, getattr(effect, s)) for s in STYLES if getattr(effect, s))


TYPE_NAMES = {
    bool: "true/false",
    int: "integer",
    float: "number",
    str: "text",
    list: "list",
    dict: "mapping",
    type(None): "nothing (null)",
}


def as_written(value: Any) -> str:
    """A value as the user wrote it (YAML spelling), with its type when that helps."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return f"a {TYPE_NAMES[type(value)]}"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
