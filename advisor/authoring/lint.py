"""`advisor rules lint`: what a valid rulebook can still get wrong. Each finding names FILE:LINE.

The checks (documented for rule authors in rules/README.md, "Linting"):
- never-fires / always-fires: a rule whose condition no answers can make true (contradictory) or false.
  Decided exactly: every question has a finite set of answers, and an integer question's tests only change
  truth at the values they name, so its answers are reduced to those values, their neighbours, the bounds and
  the default. Conditional questions are taken as the engine takes them: a hidden question has its default.
- opposite-effects: two rules that fire on exactly the same answers but push opposite ways (one towards
  orchestration, the other towards choreography, or any score up in one and down in the other).
- unread-question: a question no rule reads, and that gates (show_if) no question a rule reads.
- unused-option: an option of a choice question that no rule names. The default option is exempt: it is the
  neutral answer a rulebook is allowed to leave unscored.
- placeholder-source / placeholder-rationale: empty-looking text (TODO, TBD, "?", one word), or a URL without
  a real host. A source needs at least two words naming a publication; a rationale at least four words.
- no-scenario-fires / no-scenario-silent: a rule that no scenario fires, or that every scenario fires.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from advisor.rulebook.compiler import domain
from advisor.rulebook.conditions import questions_read, tests
from advisor.rulebook.formats import STYLES, Effect, points_by_style
from advisor.rulebook.loading import Rulebook
from advisor.views.labels import effect_text
from advisor.engine.scenarios import run_scenarios

MAX_CASES = 200_000  # Why: beyond this many answer combinations a rule is left undecided rather than slow
_PLACEHOLDER = re.compile(r"\b(todo|tbd|tba|fixme|xxx|citation needed|source needed|lorem ipsum)\b|^\W*$|"
                          r"^\W*(n/?a|none|unknown|source|sources|see above|placeholder|\?+)\W*$", re.IGNORECASE)
_URL = re.compile(r"https?://\S*", re.IGNORECASE)
_FAKE_HOSTS = ("example.com", "example.org", "example.net", "localhost")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place: FILE:LINE: code: message."""

    file: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.code}: {self.message}"


def lint(rulebook: Rulebook) -> list[Finding]:
    """Every finding for a validated rulebook, in file and line order."""
    findings = _Linter(rulebook).run()
    return sorted(set(findings))


def placeholder_problem(text: str, min_words: int) -> str | None:
    """Why `text` looks like a placeholder rather than content, or None."""
    if _PLACEHOLDER.search(text):
        return "looks like a placeholder"
    words = [w for w in re.findall(r"[^\W\d_]{2,}", _URL.sub(" ", text))]
    if len(words) < min_words and not _URL.search(text):
        return f"too short to be useful (fewer than {min_words} words)"
    for url in _URL.findall(text):
        host = urlparse(url.rstrip(".,;)")).hostname or ""
        if "." not in host or host.endswith(_FAKE_HOSTS):
            return f"the URL {url!r} has no real host"
    return None


class _Linter:
    def __init__(self, rulebook: Rulebook):
        self.rb = rulebook
        self.rules_doc = rulebook.documents["rules.yaml"]
        self.questions_doc = rulebook.documents["questions.yaml"]
        self.qindex = {qid: i for i, qid in enumerate(rulebook.questions)}
        self.domains = {qid: self._domain(qid) for qid in rulebook.questions}
        self.findings: list[Finding] = []

    def run(self) -> list[Finding]:
        truth = self.check_satisfiable()
        self.check_opposites(truth)
        self.check_questions()
        self.check_texts()
        self.check_scenarios()
        return self.findings

    # ------------------------------------------------------------ places
    def rule_finding(self, i: int, key: str, code: str, message: str) -> None:
        line = self.rules_doc.where(("rules", i, key), key=True)[0] or 1
        self.findings.append(Finding(self.rules_doc.filename, line, code, f"rule '{self.rb.rules[i].id}' {message}"))

    def question_finding(self, path: tuple, code: str, message: str) -> None:
        line = self.questions_doc.where(path)[0] or 1
        self.findings.append(Finding(self.questions_doc.filename, line, code, message))

    # ------------------------------------------------------------ satisfiability
    def _domain(self, qid: str) -> list[Any]:
        q = self.rb.questions[qid]
        if q.kind != "integer":
            return domain(q)
        points = {q.minimum, q.maximum, q.default}
        conds = [r.when for r in self.rb.rules] + [x.show_if for x in self.rb.questions.values() if x.show_if]
        for cond in conds:
            for t in tests(cond):
                if t.question == qid:
                    for v in t.value if isinstance(t.value, list) else [t.value]:
                        points.update((v - 1, v, v + 1))
        return sorted(v for v in points if q.minimum <= v <= q.maximum)

    def _closure(self, qids: set[str]) -> list[str]:
        """The questions plus those their visibility depends on, in catalog order."""
        todo, seen = list(qids), set(qids)
        while todo:
            q = self.rb.questions[todo.pop()]
            for dep in questions_read(q.show_if) if q.show_if is not None else ():
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return sorted(seen, key=self.qindex.__getitem__)

    def truth_table(self, rule_indexes: list[int]) -> dict[int, tuple[bool, ...]] | None:
        """Each rule's value on every reachable answer combination of the questions they read, or None if too many."""
        qids = self._closure({q for i in rule_indexes for q in self.rb.program.reads[i]})
        size = 1
        for qid in qids:
            size *= len(self.domains[qid])
        if size > MAX_CASES:
            return None
        visibility = {q: f for q, f in self.rb.visibility.items() if q in qids}
        preds = {i: self.rb.program.predicates[i] for i in rule_indexes}
        rows: dict[int, list[bool]] = {i: [] for i in rule_indexes}
        for combo in itertools.product(*(self.domains[q] for q in qids)):
            answers = dict(self.rb.defaults)
            answers.update(zip(qids, combo))
            hidden = [q for q, shown in visibility.items() if not shown(answers)]  # as the engine: one pass
            for q in hidden:
                answers[q] = self.rb.defaults[q]
            for i, pred in preds.items():
                rows[i].append(pred(answers))
        return {i: tuple(v) for i, v in rows.items()}

    def check_satisfiable(self) -> dict[int, tuple[bool, ...]]:
        outcomes = {}
        for i, rule in enumerate(self.rb.rules):
            table = self.truth_table([i])
            if table is None:
                continue
            if not any(table[i]):
                self.rule_finding(i, "when", "never-fires", "can never fire: no answers satisfy its condition "
                                  "(contradictory tests, or a test on a question hidden when the others hold)")
            elif all(table[i]):
                self.rule_finding(i, "when", "always-fires", "fires for every possible answer: its condition "
                                  "cannot be false, so it only shifts every score by a constant")
            else:
                outcomes[i] = table[i]
        return outcomes

    def check_opposites(self, satisfiable: dict[int, tuple[bool, ...]]) -> None:
        rules = self.rb.rules
        for i, j in itertools.combinations(sorted(satisfiable), 2):
            if not _opposite(rules[i].effect, rules[j].effect):
                continue
            table = self.truth_table([i, j])
            if table is not None and table[i] == table[j]:
                self.rule_finding(j, "when", "opposite-effects",
                                  f"fires on exactly the same answers as '{rules[i].id}' (line "
                                  f"{self.rules_doc.where(('rules', i, 'when'), key=True)[0]}) but pushes the opposite way "
                                  f"({effect_text(points_by_style(rules[j].effect))} against "
                                  f"{effect_text(points_by_style(rules[i].effect))})")

    # ------------------------------------------------------------ questions and options
    def check_questions(self) -> None:
        read = {q for reads in self.rb.program.reads for q in reads}
        gates = self._closure(read)
        mentioned: dict[str, set] = {}
        for rule in self.rb.rules:
            for t in tests(rule.when):
                mentioned.setdefault(t.question, set()).update(t.value if isinstance(t.value, list) else [t.value])
        for i, (qid, q) in enumerate(self.rb.questions.items()):
            if qid not in gates:
                self.question_finding(("questions", i, "id"), "unread-question",
                                      f"question '{qid}' is read by no rule and gates no question a rule reads")
                continue
            if q.kind != "choice" or qid not in read:
                continue
            for j, option in enumerate(q.options):
                if option.value != q.default and option.value not in mentioned.get(qid, ()):
                    self.question_finding(("questions", i, "options", j), "unused-option",
                                          f"option '{option.value}' of question '{qid}' is named by no rule, so "
                                          f"it scores like the default '{q.default}'")

    def check_texts(self) -> None:
        for i, rule in enumerate(self.rb.rules):
            for key, min_words in (("source", 2), ("rationale", 4)):
                problem = placeholder_problem(getattr(rule, key), min_words)
                if problem:
                    self.rule_finding(i, key, f"placeholder-{key}", f"has no real {key}: {problem}")

    def check_scenarios(self) -> None:
        run = run_scenarios(self.rb)
        index = {r.id: i for i, r in enumerate(self.rb.rules)}
        for rid in run.never_fired:
            self.rule_finding(index[rid], "id", "no-scenario-fires", "fires in no scenario: add a scenario in "
                              "scenarios.yaml whose answers make it fire")
        for rid in run.never_silent:
            self.rule_finding(index[rid], "id", "no-scenario-silent", "fires in every scenario: add a scenario "
                              "in which it stays silent")


def _opposite(a: Effect, b: Effect) -> bool:
    lean_a, lean_b = a.orchestration - a.choreography, b.orchestration - b.choreography
    if lean_a * lean_b < 0:
        return True
    return any(getattr(a, s) * getattr(b, s) < 0 for s in STYLES)
