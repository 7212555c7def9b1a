"""The compiled form of a rulebook (`advisor.rulebook.compiler` builds it): lookup tables per question, rules over
several questions in normal form over test bits, the closures left, and the function that scores answers.

Why slotted records (`advisor.records`) and not NamedTuples: the reference walk (`scoring.interpret`) reads them
in its loops, and on CPython 3.11 reading a slot is as fast as unpacking a plain tuple, while unpacking a
NamedTuple (a tuple subclass) takes the slow generic path; and not dataclasses, which cost start-up time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from advisor.records import Positional, _set


class RuleResult(NamedTuple):
    """One rule's outcome: whether it fired, what it added, and the answer values it looked at."""

    rule_id: str
    fired: bool
    orchestration: int
    choreography: int
    hybrid: int
    values: tuple[tuple[str, Any], ...]


class TableEntry(Positional):
    """What one answer to one question gives, for the rules that read only that question and for the tests."""

    FIELDS = ("tests", "orchestration", "choreography", "hybrid", "results", "pair", "trace")
    __slots__ = FIELDS
    tests: int  # bits of the tests of multi-question rules that hold
    orchestration: int  # the points the fired single-question rules add
    choreography: int
    hybrid: int
    results: tuple[tuple[int, RuleResult], ...]  # the ready trace of the question's single-question rules
    pair: tuple[str, Any]  # (question, answer): what a rule reading the question shows in its `values`
    trace: tuple[RuleResult, ...]  # the results alone, in rule order (the generated scorer unpacks them)

    def __init__(
        self,
        tests: int,
        orchestration: int,
        choreography: int,
        hybrid: int,
        results: tuple[tuple[int, RuleResult], ...],
        pair: tuple[str, Any],
        trace: tuple[RuleResult, ...],
    ) -> None:  # Why its own: a compile builds one per value of a narrow question (the generic one loops)
        _set(self, "tests", tests)
        _set(self, "orchestration", orchestration)
        _set(self, "choreography", choreography)
        _set(self, "hybrid", hybrid)
        _set(self, "results", results)
        _set(self, "pair", pair)
        _set(self, "trace", trace)


class QuestionTable(Positional):
    """Every answer to one question, looked up: answer -> `TableEntry`."""

    FIELDS = ("question", "entries")
    __slots__ = FIELDS
    question: str
    entries: dict[Any, TableEntry]


class RangeEntry(Positional):
    """What every answer in one interval of an integer question gives (see `RangeTable`)."""

    FIELDS = ("fired", "tests", "orchestration", "choreography", "hybrid")
    __slots__ = FIELDS
    fired: int  # bit j: the table's j-th single-question rule fires
    tests: int  # bits of the tests of multi-question rules that hold
    orchestration: int
    choreography: int
    hybrid: int


class RangeTable(Positional):
    """An integer question's answers by interval: `parts[k]` holds from `cuts[k - 1]` (the minimum for k = 0)
    up to `cuts[k]` excluded. The trace of its single-question rules is built per answer (it names the value)."""

    FIELDS = ("question", "cuts", "parts", "unknown", "rules")
    __slots__ = FIELDS
    question: str
    cuts: tuple[int, ...]
    parts: tuple[RangeEntry, ...]
    unknown: TableEntry  # the question unanswered
    rules: tuple[tuple[int, str, int, int, int], ...]  # bit j: (rule index, rule id, its points)

    def look_up(self, value: Any, trace: list[Any]) -> TableEntry | RangeEntry:
        """The entry for `value` (None: unanswered); fills the trace of the question's single-question rules."""
        if value is None:
            for i, result in self.unknown.results:
                trace[i] = result
            return self.unknown
        part = self.parts[bisect_right(self.cuts, value)]
        fired, pair = part.fired, ((self.question, value),)
        for j, (i, rule_id, o, c, h) in enumerate(self.rules):
            fires = fired >> j & 1
            trace[i] = RuleResult(rule_id, True, o, c, h, pair) if fires else RuleResult(rule_id, False, 0, 0, 0, pair)
        return part


class NormalRule(Positional):
    """A rule over several questions in conjunctive normal form over test bits: it fires when every `required`
    bit is set and each of `clauses` has a bit set."""

    FIELDS = ("index", "required", "clauses", "orchestration", "choreography", "hybrid", "rule_id", "reads")
    __slots__ = FIELDS
    index: int  # in the rulebook
    required: int
    clauses: tuple[int, ...]
    orchestration: int
    choreography: int
    hybrid: int
    rule_id: str
    reads: tuple[str, ...]


class ClosureRule(Positional):
    """A rule left as a closure (its normal form is too large, or it reads a question too wide to tabulate)."""

    FIELDS = ("index", "predicate", "orchestration", "choreography", "hybrid", "rule_id", "reads")
    __slots__ = FIELDS
    index: int  # in the rulebook
    predicate: Callable[[Any], bool]
    orchestration: int
    choreography: int
    hybrid: int
    rule_id: str
    reads: tuple[str, ...]


class StepEvidence(NamedTuple):
    """How one question is read from the listed steps when left unanswered (`FromSteps`), resolved at compile time:
    the question, the index of its measure in `STEP_MEASURES`, whether it takes the count (an integer question,
    clamped to its bounds) or is yes from `at_least` on, and whether a zero count is no evidence (teams, contexts)."""

    question: str
    measure: int
    integer: bool
    minimum: int
    maximum: int
    at_least: int
    named: bool


class Program(Positional):
    """The compiled form of a rulebook's rules."""

    FIELDS = (
        "rule_ids",
        "reads",
        "effects",
        "tables",
        "ranges",
        "normal",
        "closures",
        "predicates",
        "score",
        "evidence",
        "read_steps",
    )
    COMPARED = tuple(f for f in FIELDS if f not in ("score", "read_steps"))
    HIDDEN = frozenset({"score", "read_steps"})
    __slots__ = FIELDS

    rule_ids: tuple[str, ...]
    reads: tuple[tuple[str, ...], ...]
    effects: tuple[tuple[int, int, int], ...]
    tables: tuple[QuestionTable, ...]  # in catalog order, only questions some rule reads
    ranges: tuple[RangeTable, ...]  # integer questions tabulated by interval
    normal: tuple[NormalRule, ...]  # multi-question rules
    closures: tuple[ClosureRule, ...]
    # every rule's plain closure: the reference the compiled form is tested against
    predicates: tuple[Callable[[Any], bool], ...]
    # answers (every question present, in catalog order) -> (the trace, orchestration, choreography, hybrid points,
    # the questions unanswered): the tables above walked by a function generated for this rulebook, once it pays
    # to build one, and walked as loops until then (`advisor.rulebook.scoring`, "Why tiered")
    score: Callable[[dict[str, Any]], tuple[tuple[RuleResult, ...], int, int, int, tuple[str, ...]]]
    evidence: tuple[StepEvidence, ...]  # the questions the listed steps can answer, in catalog order
    # (traits, steps, at least one) -> what the steps answer to the `evidence` questions left unanswered: a walk
    # over `evidence` until the generated scorer is built, then a function generated alike (`step_reading`)
    read_steps: Callable[[dict[str, Any], Sequence[Any]], dict[str, Any]]
