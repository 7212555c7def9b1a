"""What the Rules page shows about an edit in progress, computed without Streamlit.

The page holds a draft of one rule file; everything it displays comes from here: the rulebook the draft would
make (or its problems, line by line), the rules as table rows, and the impact preview (the scenarios, the
example answers and any extra answers, under the rulebook on disk and under the draft, side by side).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from advisor.authoring.backend import Where, current_texts
from advisor.authoring.diff import EXAMPLES_DIR, Case, CaseResult, answer_cases, recommendation_changes, scenario_cases
from advisor.authoring.location import RulesDatabase
from advisor.errors import Problem, UserError
from advisor.rulebook.changes import Change, definition_changes
from advisor.rulebook.conditions import condition_words
from advisor.rulebook.formats import points_by_style
from advisor.rulebook.loading import Rulebook, build_rulebook, read_texts
from advisor.views.labels import effect_text


@dataclass(frozen=True)
class Draft:
    """The rulebook an edited file would make, or every problem that stops it (`problems` then non-empty)."""

    rulebook: Rulebook | None
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return self.rulebook is not None


@dataclass(frozen=True)
class Impact:
    """What saving the draft would change: definitions, and each case's recommendation before and after."""

    changes: tuple[Change, ...]
    results: tuple[CaseResult, ...]

    @property
    def changed(self) -> tuple[CaseResult, ...]:
        """The cases whose recommended style (or validity) changes."""
        return tuple(r for r in self.results if r.change in ("style", "validity"))


def draft(
    directory: Where,
    filename: str,
    text: bytes,
    build: Callable[[dict[str, bytes], str], Rulebook] = build_rulebook,
) -> Draft:
    """Validate the whole rulebook of `directory` with `filename` replaced by `text` (nothing is written).
    `build` is `build_rulebook` or one that remembers what it built (the app's, so a rerun does not redo it)."""
    try:
        # Why current_texts for a database: its versions are whole rulebooks, there is no file to be missing
        texts = current_texts(directory) if isinstance(directory, RulesDatabase) else read_texts(directory)
        texts[filename] = text
        return Draft(build(texts, str(directory)), ())
    except UserError as e:
        return Draft(None, tuple(e.problems))


def problem_line(problem: Problem, filename: str) -> str:
    """A problem in words for the editor: 'Line 12, column 5: rules[0].when: ...' (other files named)."""
    where = "" if problem.file.endswith("/" + filename) or problem.file == filename else f"In {problem.file}, "
    if problem.line is not None:
        where += f"{'l' if where else 'L'}ine {problem.line}" + (f", column {problem.column}" if problem.column else "")
    else:
        where += "the whole file" if not where else "the file"
    path = f"{problem.path}: " if problem.path else ""
    return f"{where}: {path}{problem.message}"


def impact(old: Rulebook, new: Rulebook, extra: Sequence[Case] = (), examples: Path | None = EXAMPLES_DIR) -> Impact:
    """The impact preview: scenarios, the example answers files and `extra` cases, old vs new."""
    cases = scenario_cases(old, new)
    if examples is not None and Path(examples).is_dir():
        cases += [replace(c, name=f"{Path(examples).name}/{Path(c.name).name}") for c in answer_cases(examples)]
    cases += list(extra)
    return Impact(tuple(definition_changes(old, new)), tuple(recommendation_changes(old, new, cases)))


def saved_cases(url: str | None = None) -> list[Case]:
    """The latest version of every saved assessment (`advisor.saved.store`; default database: `$ADVISOR_DB_URL` or the
    user's SQLite file) as cases for the impact preview. Needs the `store` extra."""
    # Why: the store is an optional extra (SQLAlchemy), and this module also serves `advisor rules lint` without it
    from advisor.saved.store import Store

    store = Store(url)
    try:
        return [Case(f"saved: {s.name}", "saved", dict(store.open(s.id).answers.traits)) for s in store.list_all()]
    finally:
        store.close()


def rule_rows(rulebook: Rulebook) -> list[dict[str, object]]:
    """One row per rule, as the page's table shows it: id, condition in words, effect, rationale, source, line."""
    return [
        {
            "id": r.id,
            "condition": condition_words(r.when),
            "effect": effect_text(points_by_style(r.effect)),
            "rationale": r.rationale,
            "source": r.source,
            "line": rulebook.rule_line(r.id),
        }
        for r in rulebook.rules
    ]


def impact_rows(result: Impact) -> list[dict[str, object]]:
    """One row per case: its name and kind, the old and new recommendation side by side, what changed."""
    return [
        {"case": r.name, "kind": r.kind, "old": str(r.old), "new": str(r.new), "change": r.change or "-"}
        for r in sorted(result.results, key=lambda r: r.change not in ("style", "validity"))
    ]
