"""What changes between two rulebooks' definitions: questions, rules and scenarios added, removed or changed.

`definition_changes(old, new)` is read by `advisor rules diff` and the Rules page's impact preview
(`advisor.authoring.diff`), and by the re-evaluation of saved assessments (`advisor.saved.reevaluation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.rulebook.loading import Rulebook


@dataclass(frozen=True)
class Change:
    """One definition added, removed or changed (`fields`: the keys whose values differ)."""

    kind: str  # "question" | "rule" | "scenario" | "decision"
    id: str
    status: str  # "added" | "removed" | "changed"
    fields: tuple[str, ...] = ()


def definition_changes(old: Rulebook, new: Rulebook) -> list[Change]:
    """Questions, rules and scenarios added, removed or changed, then the decision settings."""
    changes = _compare("question", old.questions, new.questions)
    changes += _compare("rule", {r.id: r for r in old.rules}, {r.id: r for r in new.rules})
    changes += _compare("scenario", {s.name: s for s in old.scenarios}, {s.name: s for s in new.scenarios})
    fields = tuple(
        k for k in ("tie_break", "hybrid_links", "confidence") if getattr(old.decision, k) != getattr(new.decision, k)
    )
    if fields:
        changes.append(Change("decision", "decision", "changed", fields))
    return changes


def _compare(kind: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out = [Change(kind, k, "removed") for k in old if k not in new]
    out += [Change(kind, k, "added") for k in new if k not in old]
    for k in old:
        if k in new and old[k] != new[k]:
            a, b = old[k].model_dump(mode="json"), new[k].model_dump(mode="json")
            out.append(Change(kind, k, "changed", tuple(f for f in b if a.get(f) != b.get(f))))
    return out
