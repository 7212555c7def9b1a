"""The `steps` cell of a portfolio CSV: a workflow's steps in one spreadsheet cell.

Two spellings (README, "Portfolio CSV format"):
- compact: `Payment: Authorize card; Stock: Reserve items; Email: Send receipt*` — steps in order, separated by
  `;`, each `service: action`, a trailing `*` marking a reaction the core flow need not wait for;
- JSON, when a name contains `;` or `:` or a step has a compensation, an event, a team or a bounded context: a list
  of step objects as in an answers file, `[{"service": "Payment", "action": "Authorize card", "compensation":
  "Refund", "team": "Payments", "context": "Billing"}]`. A cell that starts with `[` or `{` is read as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, overload

import numpy as np
from pydantic import ValidationError

from advisor.engine.batch_evidence import STEP_MEASURES, count_steps
from advisor.rulebook import jsonsafe
from advisor.rulebook.formats import Step
from advisor.rulebook.values import MAX_STEPS  # as in answers files
from advisor.rulebook.values import MAX_TEXT as MAX_NAME  # as `formats.Step` names


def parse_steps_cell(text: str) -> tuple[Step, ...]:
    """The steps written in one cell; `ValueError` with a plain message when it is not a valid spelling."""
    text = text.strip()
    if not text:
        return ()
    if text.startswith(("[", "{")):
        return _parse_json(text)
    return tuple(Step(service=s, action=a, reaction=r) for s, a, r in _split_compact(text))


def count_steps_cell(text: str) -> tuple[int, ...]:
    """What a cell's steps say, as `count_steps` counts it (`STEP_MEASURES`: steps, reactions, compensations,
    teams, contexts, event-driven in a hybrid), checking it as `parse_steps_cell` does; compact cells without
    building the steps.

    Why: building a validated `Step` costs microseconds; a 100k-row portfolio only needs the counts until a row
    is opened, so the steps are built then (`StepCells`).
    """
    text = text.strip()
    if not text:
        return (0,) * len(STEP_MEASURES)
    if text.startswith(("[", "{")):
        return count_steps(_parse_json(text))
    triples = _split_compact(text)
    reactions = sum(r for _, _, r in triples)
    return len(triples), reactions, 0, 0, 0, reactions  # no compensation, team or context: only reactions apart


class StepCells(Sequence[tuple[Step, ...]]):
    """Each row's steps from a CSV `steps` column (cells already checked by `count_steps_cell`), built on access."""

    def __init__(self, cells: Sequence[str]):
        self._cells = cells

    def __len__(self) -> int:
        return len(self._cells)

    @overload
    def __getitem__(self, i: int) -> tuple[Step, ...]: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[tuple[Step, ...], ...]: ...
    def __getitem__(self, i: int | slice) -> tuple[Step, ...] | tuple[tuple[Step, ...], ...]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        return parse_steps_cell(self._cells[i])


def read_steps_column(column: Any, errors: dict[int, list[str]], label: str) -> tuple[StepCells, np.ndarray]:
    """A CSV steps column (pyarrow, dictionary-encoded): each row's steps and `Columns.counts`, each distinct cell
    read once. A bad cell adds `label: problem` to the `errors` of the rows that hold it, which then have no steps."""
    cells: list[str] = []
    counts = []
    for chunk in column.chunks:
        texts = chunk.dictionary.to_pylist()
        table = np.zeros((len(STEP_MEASURES), len(texts)), np.int32)
        bad = {}
        for j, text in enumerate(texts):
            try:
                table[:, j] = count_steps_cell(text)
            except ValueError as e:
                bad[j] = f"{label}: {e}"
                texts[j] = ""
        idx = chunk.indices.to_numpy(zero_copy_only=False)
        for j, problem in bad.items():
            for i in np.flatnonzero(idx == j).tolist():
                errors.setdefault(len(cells) + i, []).append(problem)
        counts.append(table[:, idx])
        cells.extend(np.array(texts, object)[idx].tolist())
    return StepCells(cells), np.concatenate(counts, axis=1) if counts else np.zeros((len(STEP_MEASURES), 0), np.int32)


def _split_compact(text: str) -> list[tuple[str, str, bool]]:
    steps = []
    for n, part in enumerate(text.split(";"), 1):
        part = part.strip()
        if not part:
            raise ValueError(f"step {n} is empty (two ';' in a row?)")
        service, colon, action = part.partition(":")
        service, action = service.strip(), action.strip()
        reaction = action.endswith("*")
        if reaction:
            action = action[:-1].rstrip()
        if not colon or not service or not action:
            raise ValueError(f"step {n} '{_short(part)}' is not 'service: action'")
        if len(service) > MAX_NAME or len(action) > MAX_NAME:
            raise ValueError(f"step {n}: name too long (limit {MAX_NAME:,} characters)")
        steps.append((service, action, reaction))
    if len(steps) > MAX_STEPS:
        raise ValueError(f"too many steps ({len(steps)}; limit {MAX_STEPS})")
    return steps


def _parse_json(text: str) -> tuple[Step, ...]:
    try:
        data = jsonsafe.loads(text)
    except ValueError as e:
        raise ValueError(f"invalid JSON ({e})") from None
    if not isinstance(data, list):
        raise ValueError("JSON steps must be a list of {service, action} objects")
    if len(data) > MAX_STEPS:
        raise ValueError(f"too many steps ({len(data)}; limit {MAX_STEPS})")
    steps = []
    for n, item in enumerate(data, 1):
        try:
            steps.append(Step.model_validate(item))
        except ValidationError as e:
            first = e.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValueError(f"step {n}: {where + ': ' if where else ''}{first['msg']}") from None
    return tuple(steps)


def format_steps_cell(steps: Sequence[Step]) -> str:
    """The cell text that `parse_steps_cell` reads back as exactly `steps`: compact when it can be, else JSON."""
    if not steps:
        return ""
    if all(_compact_ok(s) for s in steps):
        return "; ".join(f"{s.service}: {s.action}{'*' if s.reaction else ''}" for s in steps)
    return json.dumps([s.model_dump(exclude_defaults=True) for s in steps], ensure_ascii=False, separators=(", ", ": "))


def _compact_ok(s: Step) -> bool:
    return (
        s.compensation is None
        and s.event is None
        and s.team is None
        and s.context is None
        and not any(c in s.service for c in ";:")
        and ";" not in s.action
        and not s.action.endswith("*")
        and s.service == s.service.strip()
        and s.action == s.action.strip()
        and bool(s.service)
        and bool(s.action)
        and not s.service.startswith(("[", "{"))
    )


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
