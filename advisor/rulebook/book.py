"""A validated rulebook as the engine reads it (`Rulebook`), and what it is assembled from, without pydantic.

`advisor.rulebook.loading` validates rule files into a `Rulebook`; `advisor.rulebook.snapshot` reads a validated
one back without validating again. Both assemble it here, so the compiled program, visibility and defaults are
built by one function whichever way the parts came.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.errors import Problem, UserError
from advisor.files import read_input
from advisor.hashing import sha256
from advisor.records import Positional
from advisor.resources import DEFAULT_RULES
from advisor.rulebook import conditions
from advisor.rulebook.compiler import Program, compile_rules
from advisor.rulebook.plain import ReadyDecision
from advisor.rulebook.values import as_written

if TYPE_CHECKING:
    from advisor.rulebook.formats import Decision, FromSteps, Question, Rule, Scenario, Section, StylesFile
    from advisor.rulebook.yamlsafe import Document

FILE_NAMES = ("questions.yaml", "rules.yaml", "styles.yaml", "scenarios.yaml")  # a rulebook directory's files
DEFAULT_DIR = DEFAULT_RULES
ENV_VAR = "ADVISOR_RULES"


def default_rules_dir() -> Path:
    """The rulebook in use when none is named: `$ADVISOR_RULES`, else the repository's `rules/`."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_DIR)


def read_texts(directory: Path | str) -> dict[str, bytes]:
    """The raw bytes of a rulebook directory's files; a missing file is a `UserError` naming it."""
    directory = Path(directory)
    if not directory.is_dir():
        raise UserError.at(str(directory), "not a rulebook directory (it does not exist or is not a directory)")
    texts, problems = {}, []
    for name in FILE_NAMES:
        path = directory / name
        try:
            texts[name] = read_input(path)
        except FileNotFoundError:
            problems.append(Problem(str(path), None, None, "", "missing rule file"))
        except OSError as e:
            problems.append(Problem(str(path), None, None, "", f"cannot read: {e.strerror}"))
    if problems:
        raise UserError(problems)
    return texts


class Rulebook(Positional):
    """A validated rulebook: its parts, version and content hash (what equality compares), and what is built
    from them (the compiled program, visibility, defaults)."""

    FIELDS = (
        *("sections", "questions", "rules", "decision", "styles", "scenarios", "version", "hash", "origin"),
        *("texts", "documents", "program", "visibility", "defaults", "blank", "from_steps", "ready_decision"),
    )
    COMPARED = FIELDS[:9]
    HIDDEN = frozenset(FIELDS[9:])
    __slots__ = FIELDS
    sections: tuple[Section, ...]
    questions: dict[str, Question]
    rules: tuple[Rule, ...]
    decision: Decision
    styles: StylesFile
    scenarios: tuple[Scenario, ...]
    version: str
    hash: str
    origin: str
    texts: dict[str, bytes]
    documents: Mapping[str, Document]
    program: Program
    visibility: dict[str, Any]  # question id -> compiled show_if
    defaults: dict[str, Any]  # question id -> default; copy, never mutate
    blank: dict[str, None]  # every question unanswered: copy, never mutate
    from_steps: dict[str, FromSteps]  # questions the listed steps can answer
    ready_decision: ReadyDecision  # `decision` as the engine reads it

    def replace(self, **changes: Any) -> Rulebook:
        """A copy with some fields changed; what is built from the questions, rules and decision (the compiled
        program, visibility, defaults, the ready decision) is built again when one of those changes."""
        if changes.keys() & {"questions", "rules", "decision"} and not changes.keys() & set(BUILT):
            parts = [changes[f] if f in changes else getattr(self, f) for f in ("questions", "rules", "decision")]
            changes.update(zip(BUILT, built(*parts), strict=True))
        return super().replace(**changes)

    @property
    def short_hash(self) -> str:
        return self.hash[:12]

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def rule_line(self, rule_id: str) -> int | None:
        """The line of a rule's `id:` in rules.yaml (for findings that point at a rule)."""
        for i, r in enumerate(self.rules):
            if r.id == rule_id:
                return self.documents["rules.yaml"].where(("rules", i))[0]
        return None


def content_hash(texts: dict[str, bytes]) -> str:
    """sha256 over the files' names and bytes, in name order: equal hashes mean identical rulebooks."""
    digest = sha256()
    for name in sorted(texts):
        digest.update(name.encode() + b"\0" + str(len(texts[name])).encode() + b"\0" + texts[name])
    return digest.hexdigest()


def assemble(
    sections: tuple[Section, ...],
    questions: tuple[Question, ...],
    rules: tuple[Rule, ...],
    decision: Decision,
    styles: StylesFile,
    scenarios: tuple[Scenario, ...],
    version: str,
    origin: str,
    texts: dict[str, bytes],
    documents: Mapping[str, Document],
) -> Rulebook:
    """The rulebook of validated parts: its rules compiled, its visibility conditions compiled, its defaults."""
    by_id = {q.id: q for q in questions}
    return Rulebook(
        sections,
        by_id,
        rules,
        decision,
        styles,
        scenarios,
        version,
        content_hash(texts),
        origin,
        texts,
        documents,
        *built(by_id, rules, decision),
    )


BUILT = Rulebook.FIELDS[11:]  # what `built` gives, in order
assert BUILT == ("program", "visibility", "defaults", "blank", "from_steps", "ready_decision"), "built()'s order"


def built(by_id: dict[str, Question], rules: tuple[Rule, ...], decision: Decision) -> tuple[Any, ...]:
    """What a rulebook builds from its questions (by id), rules and decision, in `BUILT` order."""
    questions = by_id.values()
    return (
        compile_rules(rules, by_id),
        {q.id: conditions.compile_condition(q.show_if) for q in questions if q.show_if is not None},
        {q.id: q.default for q in questions},
        dict.fromkeys(by_id),
        {q.id: q.from_steps for q in questions if q.from_steps is not None},
        ReadyDecision(decision),
    )


def value_problem(q: Question, value: Any, compare_only: bool = False) -> str | None:
    """Why `value` is not a valid answer to `q`, or None when it is."""
    if q.kind == "choice":
        if not isinstance(value, str) or value not in q.option_values():
            hint = (
                " (YAML reads unquoted yes/no/on/off as true/false: quote the value)" if isinstance(value, bool) else ""
            )
            return f"invalid value {as_written(value)} for '{q.id}'; expected {'|'.join(q.option_values())}{hint}"
    elif q.kind == "yes_no":
        if not isinstance(value, bool):
            return f"invalid value {as_written(value)} for '{q.id}'; expected true|false"
    else:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"invalid value {as_written(value)} for '{q.id}'; expected an integer"
        if not compare_only and q.minimum is not None and q.maximum is not None and not q.minimum <= value <= q.maximum:
            return f"value {value} for '{q.id}' is outside {q.minimum}..{q.maximum}"
    return None


def answer_problem(questions: dict[str, Question], qid: str, value: Any) -> str | None:
    """Why `qid: value` is not a valid answer in this catalog, or None."""
    if qid not in questions:
        return f"unknown question '{qid}'; expected one of {', '.join(sorted(questions))}"
    return value_problem(questions[qid], value)
