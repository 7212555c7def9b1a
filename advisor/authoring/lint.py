"""`advisor rules lint`: what a valid rulebook can still get wrong. Each finding names FILE:LINE.

The checks (documented for rule authors in rules/README.md, "Linting"):
- never-fires / always-fires: a rule whose condition no answers can make true (contradictory) or false.
  Decided exactly, as the engine decides: every question has a finite set of answers, plus "unanswered" (no
  test on it holds), and an integer question's tests only change truth at the values they name, so its answers
  are reduced to those values, their neighbours, the bounds and the default. A question whose show_if does not
  surely hold is not applicable: unknown, like an unanswered one. "Always" means for every complete answer set
  (every question it reads answered): an unanswered question fires nothing, whatever the rule.
- opposite-effects: two rules that fire on exactly the same answers but push opposite ways (one towards
  orchestration, the other towards choreography, or any score up in one and down in the other).
- unread-question: a question no rule reads, and that gates (show_if) no question a rule reads.
- unused-option: an option of a choice question that no rule names. The default option is exempt: it is the
  neutral answer a rulebook is allowed to leave unscored.
- placeholder-source / placeholder-rationale: empty-looking text (TODO, TBD, "?", one word, "Seed article"), or
  a URL without a real host. A source needs at least two words naming a publication; a rationale at least four.
- unfindable-source: a source a reader cannot find: it has neither a URL (http(s)://...) nor a year (19xx,
  20xx). A findable reference names author or organisation, title, publisher or URL, and year.
- no-scenario-fires / no-scenario-silent: a rule that no scenario fires, or that every scenario fires.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from advisor.authoring.lint_samples import fingerprints, hide_not_applicable
from advisor.engine.scenarios import run_scenarios
from advisor.rulebook.compiler import domain
from advisor.rulebook.conditions import questions_read, tests
from advisor.rulebook.formats import STYLES, Effect, points_by_style
from advisor.rulebook.loading import Rulebook
from advisor.views.labels import effect_text

MAX_CASES = 200_000  # Why: beyond this many answer combinations a rule is left undecided rather than slow
_PLACEHOLDER = re.compile(
    r"\b(todo|tbd|tba|fixme|xxx|citation needed|source needed|lorem ipsum)\b|^\W*$|"
    r"^\W*(n/?a|none|unknown|source|sources|see above|placeholder|\?+)\W*$",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://\S*", re.IGNORECASE)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
# Why: references that point at nothing a reader can look up (issue 12: 15 rules cited "Seed article")
_VAGUE_SOURCE = re.compile(r"\b(seed (article|paper|post|source)|ibid)\b", re.IGNORECASE)
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


def source_problem(text: str) -> tuple[str, str] | None:
    """(finding code, why) when a rule's source is a placeholder or cannot be found by a reader, or None."""
    problem = placeholder_problem(text, 2)
    vague = _VAGUE_SOURCE.search(text)
    if problem is None and vague is not None:
        problem = f"looks like a placeholder ({vague[0]!r} names no publication)"
    if problem is not None:
        return "placeholder-source", f"has no real source: {problem}"
    if not _URL.search(text) and not _YEAR.search(text):
        return (
            "unfindable-source",
            "cites a source a reader cannot find: it has neither a URL nor a year; name the author or "
            "organisation, the title, the publisher or URL, and the year",
        )
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
        """The answers that decide `qid`'s tests, and None (unanswered), as the engine takes it."""
        q = self.rb.questions[qid]
        if q.kind != "integer":
            values = domain(q)
            assert values is not None  # only an integer range can be too large to tabulate
            return values  # the options (or true, false) and None
        lo, hi = q.minimum, q.maximum
        assert lo is not None and hi is not None  # checked by the model
        points = {lo, hi} | ({q.default} if isinstance(q.default, int) else set())
        conds = [r.when for r in self.rb.rules] + [x.show_if for x in self.rb.questions.values() if x.show_if]
        for cond in conds:
            for t in tests(cond):
                if t.question == qid:
                    for v in t.value if isinstance(t.value, list) else [t.value]:
                        if isinstance(v, int):  # an integer question's tests compare with integers (checked)
                            points.update((v - 1, v, v + 1))
        return [*sorted(v for v in points if lo <= v <= hi), None]

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
        """Each rule's value on every answer combination of the questions they read (unanswered included), or None
        if too many. The key -1 holds which combinations are complete: every one of those questions answered."""
        qids = self._closure({q for i in rule_indexes for q in self.rb.program.reads[i]})
        size = 1
        for qid in qids:
            size *= len(self.domains[qid])
        if size > MAX_CASES:
            return None
        visibility = {q: f for q, f in self.rb.visibility.items() if q in qids}
        preds = {i: self.rb.program.predicates[i] for i in rule_indexes}
        rows: dict[int, list[bool]] = {i: [] for i in [*rule_indexes, -1]}
        answers = dict(self.rb.blank)
        for combo in itertools.product(*(self.domains[q] for q in qids)):
            # Why one dict for every combination: each writes all of `qids`, and only those are ever hidden
            answers.update(zip(qids, combo))
            hide_not_applicable(answers, visibility)
            for i, pred in preds.items():
                rows[i].append(pred(answers))
            rows[-1].append(None not in combo)
        return {i: tuple(v) for i, v in rows.items()}

    def check_satisfiable(self) -> dict[int, tuple[bool, ...]]:
        outcomes = {}
        for i in range(len(self.rb.rules)):
            table = self.truth_table([i])
            if table is None:
                continue
            complete = [fires for fires, full in zip(table[i], table[-1]) if full]
            if not any(table[i]):
                self.rule_finding(
                    i,
                    "when",
                    "never-fires",
                    "can never fire: no answers satisfy its condition "
                    "(contradictory tests, or a test on a question hidden when the others hold)",
                )
            elif all(complete):
                self.rule_finding(
                    i,
                    "when",
                    "always-fires",
                    "fires for every possible answer (once its questions are answered): its condition "
                    "cannot be false, so it only shifts every score by a constant",
                )
            else:
                outcomes[i] = table[i]
        return outcomes

    def check_opposites(self, satisfiable: dict[int, tuple[bool, ...]]) -> None:
        rules = self.rb.rules
        prints = fingerprints(self.rb, self.domains, sorted(satisfiable))
        for i, j in itertools.combinations(sorted(satisfiable), 2):
            if prints[i] != prints[j] or not _opposite(rules[i].effect, rules[j].effect):
                continue
            table = self.truth_table([i, j])
            if table is not None and table[i] == table[j]:
                self.rule_finding(
                    j,
                    "when",
                    "opposite-effects",
                    f"fires on exactly the same answers as '{rules[i].id}' (line "
                    f"{self.rules_doc.where(('rules', i, 'when'), key=True)[0]}) but pushes the opposite way "
                    f"({effect_text(points_by_style(rules[j].effect))} against "
                    f"{effect_text(points_by_style(rules[i].effect))})",
                )

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
                self.question_finding(
                    ("questions", i, "id"),
                    "unread-question",
                    f"question '{qid}' is read by no rule and gates no question a rule reads",
                )
                continue
            if q.kind != "choice" or qid not in read:
                continue
            for j, option in enumerate(q.options):
                if option.value != q.default and option.value not in mentioned.get(qid, ()):
                    like = f"it scores like the default '{q.default}'" if q.default is not None else "it scores nothing"
                    self.question_finding(
                        ("questions", i, "options", j),
                        "unused-option",
                        f"option '{option.value}' of question '{qid}' is named by no rule, so {like}",
                    )

    def check_texts(self) -> None:
        for i, rule in enumerate(self.rb.rules):
            source = source_problem(rule.source)
            if source is not None:
                self.rule_finding(i, "source", *source)
            rationale = placeholder_problem(rule.rationale, 4)
            if rationale:
                self.rule_finding(i, "rationale", "placeholder-rationale", f"has no real rationale: {rationale}")

    def check_scenarios(self) -> None:
        run = run_scenarios(self.rb)
        index = {r.id: i for i, r in enumerate(self.rb.rules)}
        for rid in run.never_fired:
            self.rule_finding(
                index[rid],
                "id",
                "no-scenario-fires",
                "fires in no scenario: add a scenario in scenarios.yaml whose answers make it fire",
            )
        for rid in run.never_silent:
            self.rule_finding(
                index[rid],
                "id",
                "no-scenario-silent",
                "fires in every scenario: add a scenario in which it stays silent",
            )


def _opposite(a: Effect, b: Effect) -> bool:
    lean_a, lean_b = a.orchestration - a.choreography, b.orchestration - b.choreography
    if lean_a * lean_b < 0:
        return True
    return any(getattr(a, s) * getattr(b, s) < 0 for s in STYLES)
