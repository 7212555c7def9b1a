"""Re-evaluate saved assessments against the current rulebook: which recommendations changed, and why.

For each assessment's latest version: the style and confidence it was saved with, and what the current rulebook
says for the same answers (answers that no longer fit the rulebook are dropped and listed). The why: the rules
that fire now but did not then, and the reverse; and, when the assessment was saved under another rulebook
(its files are kept in the store by hash), the definition changes between the two (`advisor.rulebook.changes`).
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.engine.answers import revalidate
from advisor.engine.evaluate import evaluate
from advisor.errors import UserError
from advisor.rulebook.changes import Change, definition_changes
from advisor.rulebook.loading import Rulebook, build_rulebook
from advisor.saved.store import Store


@dataclass(frozen=True)
class Reevaluation:
    """One saved assessment, as saved and under the current rulebook."""

    assessment_id: int
    name: str
    version: int
    saved_style: str
    saved_confidence: float
    saved_rulebook: str  # version and short hash, e.g. "1.0.0 (d27d1d8c060a)"
    style: str
    confidence: float
    started: tuple[str, ...]  # rules that fire now and did not when it was saved
    stopped: tuple[str, ...]  # rules that fired then and do not now
    dropped: tuple[str, ...]  # answers that no longer fit the rulebook (reset to their defaults)
    rule_changes: tuple[Change, ...]  # definitions changed since the rulebook it was saved under
    same_rulebook: bool

    @property
    def change(self) -> str:
        """'style' when the recommendation changed, 'confidence' when only the confidence did, else ''."""
        if self.style != self.saved_style:
            return "style"
        if self.confidence != self.saved_confidence:
            return "confidence"
        return ""


def reevaluate_all(store: Store, rulebook: Rulebook) -> list[Reevaluation]:
    """Every saved assessment's latest version under `rulebook`, in the store's order (by name)."""
    old_rulebooks: dict[str, Rulebook | None] = {}
    out = []
    for summary in store.list_all():
        saved = store.open(summary.id)
        answers, _ = revalidate(saved.answers, rulebook)  # the notes are for a person re-opening it
        ev = evaluate(rulebook, answers)
        then = {f["rule"] for f in saved.evaluation.get("fired", [])}
        now = {r.rule_id for r in ev.fired}
        digest = saved.version.rulebook_hash
        changes: tuple[Change, ...] = ()
        if digest != rulebook.hash:
            if digest not in old_rulebooks:
                old_rulebooks[digest] = _rebuild(store, digest)
            old = old_rulebooks[digest]
            if old is not None:
                changes = tuple(definition_changes(old, rulebook))
        out.append(
            Reevaluation(
                summary.id,
                summary.name,
                saved.version.number,
                saved.version.style,
                saved.version.confidence,
                f"{saved.version.rulebook_version} ({digest[:12]})",
                ev.style,
                ev.confidence,
                tuple(sorted(now - then)),
                tuple(sorted(then - now)),
                tuple(sorted(qid for qid in saved.answers.traits if qid not in answers.traits)),
                changes,
                digest == rulebook.hash,
            )
        )
    return out


def _rebuild(store: Store, digest: str) -> Rulebook | None:
    """The rulebook an assessment was saved under, from the store; None when it is not there or invalid now."""
    texts = store.rulebook_texts(digest)
    if texts is None:
        return None
    try:
        return build_rulebook(texts, f"saved rulebook {digest[:12]}")
    except UserError:
        return None
