"""What changes between two rulebooks: their definitions, and the recommendations they give.

`advisor.rulebook.changes.definition_changes(old, new)` lists the definitions added, removed or changed;
`recommendation_changes(old, new, answers)` re-runs every scenario and every given answers file under both
rulebooks, side by side; `as_text`, `as_markdown` and `as_json` render both. `advisor rules diff` and the Rules
page's impact preview read these.

Why a scenario is run on one set of traits under both rulebooks (the new rulebook's version of it when it has
one): the question is what the rule change does to that case, not what an edit of the case itself does.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from advisor.engine.answers import Answers, parse_answers
from advisor.engine.evaluate import evaluate
from advisor.errors import UserError
from advisor.resources import EXAMPLES
from advisor.rulebook.changes import Change
from advisor.rulebook.loading import Rulebook, answer_problem
from advisor.views.labels import md_inline

ANSWER_SUFFIXES = (".yaml", ".yml", ".json")
EXAMPLES_DIR = EXAMPLES


@dataclass(frozen=True)
class Outcome:
    """A recommendation under one rulebook, or why the case cannot be evaluated under it."""

    style: str | None
    confidence: float | None
    scores: dict[str, int] | None
    problem: str | None = None

    def __str__(self) -> str:
        if self.problem is not None:
            return f"invalid: {self.problem}"
        return f"{self.style} ({self.confidence:.2f})"


@dataclass(frozen=True)
class CaseResult:
    """One case (a scenario or an answers file) under the old and the new rulebook."""

    name: str
    kind: str  # "scenario" | "answers"
    old: Outcome
    new: Outcome

    @property
    def change(self) -> str:
        """'style' when the recommendation changes, 'validity' when the case became (in)valid, 'confidence'
        when only the confidence moved, '' when nothing did."""
        if (self.old.problem is None) != (self.new.problem is None):
            return "validity"
        if self.old.style != self.new.style:
            return "style"
        if self.old.confidence != self.new.confidence:
            return "confidence"
        return ""


@dataclass(frozen=True)
class Case:
    """An input to re-run: a name, and the answers as given (validated against each rulebook separately)."""

    name: str
    kind: str
    traits: dict[str, Any]
    raw: bytes | None = None  # an answers file's bytes: parsed against each rulebook


def answer_cases(directory: Path | str) -> list[Case]:
    """Every answers file (*.yaml, *.yml, *.json) directly in `directory`, by name."""
    directory = Path(directory)
    if not directory.is_dir():
        raise UserError.at(str(directory), "not a directory of answers files")
    paths = sorted(p for p in directory.iterdir() if p.suffix in ANSWER_SUFFIXES and p.is_file())
    return [Case(str(p), "answers", {}, p.read_bytes()) for p in paths]


def scenario_cases(old: Rulebook, new: Rulebook) -> list[Case]:
    """The scenarios of both rulebooks (new version first), each once, in rulebook order."""
    cases = {s.name: Case(s.name, "scenario", dict(s.traits)) for s in old.scenarios}
    cases.update({s.name: Case(s.name, "scenario", dict(s.traits)) for s in new.scenarios})
    order = [s.name for s in new.scenarios] + [s.name for s in old.scenarios]
    return [cases[name] for name in dict.fromkeys(order)]


def recommendation_changes(old: Rulebook, new: Rulebook, cases: list[Case]) -> list[CaseResult]:
    """Each case evaluated under both rulebooks."""
    return [CaseResult(c.name, c.kind, outcome(old, c), outcome(new, c)) for c in cases]


def outcome(rulebook: Rulebook, case: Case) -> Outcome:
    """The recommendation for a case under `rulebook`, or the first reason it is not valid there."""
    try:
        answers = parse_answers(case.raw, case.name, rulebook) if case.raw is not None else _checked(rulebook, case)
    except UserError as e:
        first = e.problems[0]
        more = f" (and {len(e.problems) - 1} more)" if len(e.problems) > 1 else ""
        where = f"line {first.line}: " if first.line else ""
        return Outcome(None, None, None, f"{where}{first.message}{more}")
    ev = evaluate(rulebook, answers)
    return Outcome(ev.style, ev.confidence, dict(ev.scores))


def _checked(rulebook: Rulebook, case: Case) -> Answers:
    for qid, value in case.traits.items():
        message = answer_problem(rulebook.questions, qid, value)
        if message:
            raise UserError(message)
    return Answers(dict(case.traits), (), case.name)


# ---------------------------------------------------------------- rendering
def as_text(old: Rulebook, new: Rulebook, changes: list[Change], results: list[CaseResult]) -> str:
    """The diff for a terminal: definitions, then a table of every case's recommendation under both rulebooks."""
    lines = [
        f"old: {old.origin} (version {old.version}, sha256 {old.short_hash})",
        f"new: {new.origin} (version {new.version}, sha256 {new.short_hash})",
        "",
        "Definitions",
    ]
    if not changes:
        lines.append("  no question, rule, scenario or decision setting changed")
    for c in changes:
        detail = f" ({', '.join(c.fields)})" if c.fields else ""
        lines.append(f"  {c.status:<8} {c.kind:<9} {c.id}{detail}")
    lines += ["", recommendation_summary(results)]
    rows = [("kind", "case", "old", "new", "change")]
    rows += [(r.kind, r.name, str(r.old), str(r.new), r.change or "-") for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for i, row in enumerate(rows):
        lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])
        if i == 0:
            lines.append("  " + "  ".join("-" * w for w in widths) + "  ------")
    return "\n".join(lines) + "\n"


def as_markdown(old: Rulebook, new: Rulebook, changes: list[Change], results: list[CaseResult]) -> str:
    """The same diff as Markdown tables (for a pull request description)."""
    out = [
        f"**old:** {md_inline(old.origin)} (version {old.version}, sha256 `{old.short_hash}`)  ",
        f"**new:** {md_inline(new.origin)} (version {new.version}, sha256 `{new.short_hash}`)",
        "",
        "| change | kind | id | fields |",
        "|---|---|---|---|",
    ]
    out += [f"| {c.status} | {c.kind} | {md_inline(c.id)} | {', '.join(c.fields)} |" for c in changes]
    out += ["", recommendation_summary(results), "", "| kind | case | old | new | change |", "|---|---|---|---|---|"]
    out += [
        f"| {r.kind} | {md_inline(r.name)} | {md_inline(str(r.old))} | {md_inline(str(r.new))} | {r.change or '-'} |"
        for r in results
    ]
    return "\n".join(out) + "\n"


def as_json(old: Rulebook, new: Rulebook, changes: list[Change], results: list[CaseResult]) -> str:
    """The diff as JSON (stable key order)."""
    data = {
        "old": {"origin": old.origin, "version": old.version, "hash": old.hash},
        "new": {"origin": new.origin, "version": new.version, "hash": new.hash},
        "definitions": [{"kind": c.kind, "id": c.id, "status": c.status, "fields": list(c.fields)} for c in changes],
        "cases": [
            {"name": r.name, "kind": r.kind, "change": r.change, "old": asdict(r.old), "new": asdict(r.new)}
            for r in results
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def recommendation_summary(results: list[CaseResult]) -> str:
    """'Recommendations: 2 of 14 cases change (style or validity)'."""
    changed = sum(r.change in ("style", "validity") for r in results)
    return f"Recommendations: {changed} of {len(results)} cases change (style or validity)"
