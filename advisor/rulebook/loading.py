"""A rulebook: the four rule files of a directory, validated and cross-checked, with a version and a hash.

`load_rulebook(dir)` reads the files; `build_rulebook(texts)` validates file contents held in memory (the app's
editor uses it before anything is written). Every problem in every file is reported at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.errors import Problem, UserError
from advisor.rulebook import conditions

# Why re-exported: the rulebook's reader-side half lives in `book` (no pydantic); callers read it from here too
from advisor.rulebook.book import (  # noqa: F401
    DEFAULT_DIR,
    ENV_VAR,
    FILE_NAMES,
    Rulebook,
    answer_problem,
    assemble,
    content_hash,
    default_rules_dir,
    read_texts,
    value_problem,
)
from advisor.rulebook.condition_format import Condition
from advisor.rulebook.formats import (
    Question,
    QuestionsFile,
    RulesFile,
    ScenariosFile,
    StylesFile,
)
from advisor.rulebook.messages import parse
from advisor.rulebook.yamlsafe import Document

FILES: dict[str, type] = dict(zip(FILE_NAMES, (QuestionsFile, RulesFile, StylesFile, ScenariosFile), strict=True))
# Why caps on the values a condition names: compiling costs what the conditions name (each value cuts an integer
# question's answers into intervals, `advisor.rulebook.intervals`), so that is what is capped, not the file alone
MAX_RULE_VALUES = 200  # the tests and listed values one rule's condition may compare with
MAX_RULEBOOK_VALUES = 10_000  # the same over every rule of a rulebook


def load_rulebook(directory: Path | str | None = None) -> Rulebook:
    """Read, validate and cross-check the rulebook in `directory` (default: `default_rules_dir()`)."""
    directory = Path(directory) if directory is not None else default_rules_dir()
    return build_rulebook(read_texts(directory), str(directory))


def build_rulebook(texts: dict[str, bytes], origin: str = "rules") -> Rulebook:
    """Validate rule files given as bytes; raise one `UserError` with every problem of every file."""
    parsed: dict[str, Any] = {}
    docs: dict[str, Document] = {}
    problems: list[Problem] = []
    for name, model in FILES.items():
        label = f"{origin.rstrip('/')}/{name}"
        if name not in texts:
            problems.append(Problem(label, None, None, "", "missing rule file"))
            continue
        try:
            parsed[name], docs[name] = parse(texts[name], label, model)
        except UserError as e:
            problems.extend(e.problems)
    if problems:
        raise UserError(problems)
    qf: QuestionsFile = parsed["questions.yaml"]
    rf: RulesFile = parsed["rules.yaml"]
    sf: ScenariosFile = parsed["scenarios.yaml"]
    checker = _CrossChecker(qf, docs)
    checker.check_questions()
    checker.check_rules(rf, docs["rules.yaml"])
    checker.check_scenarios(sf, rf, docs["scenarios.yaml"])
    if checker.problems:
        raise UserError(sorted(checker.problems, key=lambda p: (p.file, p.line or 0, p.column or 0)))
    return assemble(
        tuple(qf.sections),
        tuple(qf.questions),
        tuple(rf.rules),
        rf.decision,
        parsed["styles.yaml"],
        tuple(sf.scenarios),
        rf.version,
        origin,
        dict(texts),
        docs,
    )


class _CrossChecker:
    """The checks no single file can make: ids unique across the file, references that resolve."""

    def __init__(self, qf: QuestionsFile, docs: dict[str, Document]):
        self.qf = qf
        self.docs = docs
        self.questions: dict[str, Question] = {}
        for q in qf.questions:
            self.questions.setdefault(q.id, q)  # a duplicate is reported; later checks use the first definition
        self.problems: list[Problem] = []

    def duplicates(self, doc: Document, items: list[Any], attr: str, list_key: str, what: str) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            value = getattr(item, attr)
            if value in seen:
                first_line = doc.where((list_key, seen[value], attr))[0]
                self.problems.append(
                    doc.problem((list_key, i, attr), f"duplicate {what} '{value}' (first defined at line {first_line})")
                )
            else:
                seen[value] = i

    def check_questions(self) -> None:
        doc = self.docs["questions.yaml"]
        self.duplicates(doc, self.qf.sections, "id", "sections", "section id")
        self.duplicates(doc, self.qf.questions, "id", "questions", "question id")
        sections = {s.id for s in self.qf.sections}
        for i, q in enumerate(self.qf.questions):
            if q.section not in sections:
                self.problems.append(
                    doc.problem(
                        ("questions", i, "section"), f"unknown section '{q.section}'; expected {'|'.join(sections)}"
                    )
                )
            if q.show_if is not None:
                if q.id in conditions.questions_read(q.show_if):
                    self.problems.append(doc.problem(("questions", i, "show_if"), "a question cannot depend on itself"))
                self.check_condition(q.show_if, doc, ("questions", i, "show_if"))

    def check_rules(self, rf: RulesFile, doc: Document) -> None:
        self.duplicates(doc, rf.rules, "id", "rules", "rule id")
        sizes = [
            sum(len(t.value) if isinstance(t.value, list) else 1 for t in conditions.tests(r.when)) for r in rf.rules
        ]
        for i, rule in enumerate(rf.rules):
            self.check_condition(rule.when, doc, ("rules", i, "when"))
            if sizes[i] > MAX_RULE_VALUES:
                message = f"condition too large: it compares {sizes[i]:,} values (tests and listed values)"
                self.problems.append(
                    doc.problem(("rules", i, "when"), f"{message}; the limit is {MAX_RULE_VALUES:,} per rule")
                )
        if sum(sizes) > MAX_RULEBOOK_VALUES:
            message = f"the rules compare {sum(sizes):,} values in all (tests and listed values)"
            self.problems.append(
                doc.problem(("rules",), f"{message}; the limit is {MAX_RULEBOOK_VALUES:,} per rulebook", key=True)
            )

    def check_scenarios(self, sf: ScenariosFile, rf: RulesFile, doc: Document) -> None:
        self.duplicates(doc, sf.scenarios, "name", "scenarios", "scenario name")
        rule_ids = {r.id for r in rf.rules}
        for i, scenario in enumerate(sf.scenarios):
            for qid, value in scenario.traits.items():
                path = ("scenarios", i, "traits", qid)
                message = answer_problem(self.questions, qid, value)
                if message:
                    self.problems.append(doc.problem(path, message, key=message.startswith("unknown question")))
            for key in ("fires", "silent"):
                for j, rid in enumerate(getattr(scenario.expect, key)):
                    if rid not in rule_ids:
                        self.problems.append(doc.problem(("scenarios", i, "expect", key, j), f"unknown rule '{rid}'"))

    def check_condition(self, cond: Condition, doc: Document, path: tuple) -> None:
        for test, test_path in conditions.tests_with_places(cond, path):
            q = self.questions.get(test.question)
            if q is None:
                self.problems.append(
                    doc.problem(
                        test_path + ("question",),
                        f"unknown question '{test.question}'; expected one of {', '.join(sorted(self.questions))}",
                    )
                )
                continue
            allowed = conditions.OPERATORS_FOR_KIND[q.kind]
            if test.op not in allowed:
                self.problems.append(
                    doc.problem(
                        test_path + ("op",),
                        f"operator '{test.op}' does not apply to {q.kind} question '{q.id}'; use {'|'.join(allowed)}",
                    )
                )
                continue
            values = test.value if isinstance(test.value, list) else [test.value]
            for j, v in enumerate(values):
                vpath = test_path + ("value", j) if isinstance(test.value, list) else test_path + ("value",)
                message = value_problem(q, v, compare_only=test.op in ("gt", "gte", "lt", "lte"))
                if message:
                    self.problems.append(doc.problem(vpath, message))
