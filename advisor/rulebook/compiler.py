"""Compile a validated rulebook into lookup tables, so one evaluation costs a few dict lookups, not 30 calls.

Every question has a finite set of answers (its options, true/false, or the integers between its bounds), so
every `{question, op, value}` test is fully described by a table: answer -> true or false. For each question we
fold its tests into one table, answer -> (bits of the single-question rules that fire, bits of the tests that
hold, the points those rules add). A rule that reads several questions is rewritten once into conjunctive normal
form over test bits (negations pushed into the tests), so it fires when `tests & required == required` and each
remaining `any` clause has a bit set. Rules that do not fit (too many clauses, a question too wide to tabulate)
stay closures. The trace is precomputed too: each table entry carries the ready `RuleResult`s of its question's
rules, so a complete trace costs one list fill, not 30 object constructions.

Why: the issue asks for <= 10 us per evaluation with a full trace; calling 30 nested closures costs several us
alone, a lookup per question about 0.15 us. `tests/test_engine.py`
(`test_the_compiled_tables_agree_with_the_plain_conditions_on_random_answers`) checks the result against the
plain closures (`Program.predicates`) on thousands of random answer sets.

Why slotted dataclasses and not NamedTuples for the records: `evaluate()` reads them in its hot loop, and on
CPython 3.11 reading a slot is as fast as unpacking a plain tuple, while unpacking a NamedTuple (a tuple subclass)
takes the slow generic path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from typing import Any, NamedTuple

from advisor.rulebook.condition_format import Condition, Test
from advisor.rulebook.conditions import compile_condition, fold, negated, questions_read
from advisor.rulebook.formats import Question, Rule

MAX_TABLE = 4096  # an integer question with a wider range keeps its rules as closures
MAX_CLAUSES = 64  # a condition whose normal form is larger keeps its closure


class RuleResult(NamedTuple):
    """One rule's outcome: whether it fired, what it added, and the answer values it looked at."""

    rule_id: str
    fired: bool
    orchestration: int
    choreography: int
    hybrid: int
    values: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class TableEntry:
    """What one answer to one question gives, for the rules that read only that question and for the tests."""

    fired: int  # bits (by rule index) of the single-question rules that fire
    tests: int  # bits of the tests of multi-question rules that hold
    orchestration: int  # the points the fired single-question rules add
    choreography: int
    hybrid: int
    results: tuple[tuple[int, RuleResult], ...]  # the ready trace of the question's single-question rules


@dataclass(frozen=True, slots=True)
class QuestionTable:
    """Every answer to one question, looked up: answer -> `TableEntry`."""

    question: str
    entries: dict[Any, TableEntry]


@dataclass(frozen=True, slots=True)
class NormalRule:
    """A rule over several questions in conjunctive normal form over test bits: it fires when every `required`
    bit is set and each of `clauses` has a bit set."""

    index: int  # in the rulebook
    required: int
    clauses: tuple[int, ...]
    orchestration: int
    choreography: int
    hybrid: int
    rule_id: str
    reads: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClosureRule:
    """A rule left as a closure (its normal form is too large, or it reads a question too wide to tabulate)."""

    index: int  # in the rulebook
    predicate: Callable[[Any], bool]
    orchestration: int
    choreography: int
    hybrid: int
    rule_id: str
    reads: tuple[str, ...]


@dataclass(frozen=True)
class Program:
    """The compiled form of a rulebook's rules."""

    rule_ids: tuple[str, ...]
    reads: tuple[tuple[str, ...], ...]
    effects: tuple[tuple[int, int, int], ...]
    tables: tuple[QuestionTable, ...]  # in catalog order, only questions some rule reads
    normal: tuple[NormalRule, ...]  # multi-question rules
    closures: tuple[ClosureRule, ...]
    # every rule's plain closure: the reference the compiled form is tested against
    predicates: tuple[Callable[[Any], bool], ...]


def domain(q: Question) -> list[Any] | None:
    """Every valid answer to `q`, and None (unanswered: no test holds), or None when there are too many to
    tabulate."""
    if q.kind == "integer":
        assert q.minimum is not None and q.maximum is not None  # checked by the model
        if q.maximum - q.minimum + 1 > MAX_TABLE:
            return None
        return [*range(q.minimum, q.maximum + 1), None]
    return [*q.option_values(), None]


def compile_rules(rules: tuple[Rule, ...], questions: dict[str, Question]) -> Program:
    predicates = tuple(compile_condition(r.when) for r in rules)
    reads = tuple(questions_read(r.when) for r in rules)
    effects = tuple((r.effect.orchestration, r.effect.choreography, r.effect.hybrid) for r in rules)
    domains = {qid: domain(q) for qid, q in questions.items()}
    single: dict[str, list[int]] = {}
    tests: dict[tuple, int] = {}  # test key -> test bit index
    test_conds: dict[str, list[tuple[int, Test]]] = {}
    normal: list[NormalRule] = []
    closures: list[ClosureRule] = []
    for i, (rule, qs) in enumerate(zip(rules, reads)):
        if len(qs) == 1 and domains[qs[0]] is not None:
            single.setdefault(qs[0], []).append(i)
            continue
        clauses = _cnf(_nnf(rule.when))
        if clauses is None or any(domains[t.question] is None for clause in clauses for t in clause):
            closures.append(ClosureRule(i, predicates[i], *effects[i], rule.id, qs))
            continue
        masks = []
        for clause in clauses:
            mask = 0
            for t in clause:
                key = (t.question, t.op, _hashable(t.value))
                if key not in tests:
                    tests[key] = len(tests)
                    test_conds.setdefault(t.question, []).append((tests[key], t))
                mask |= 1 << tests[key]
            masks.append(mask)
        required = 0
        anys = []
        for mask in masks:
            if mask & (mask - 1) == 0:
                required |= mask
            elif mask not in anys:
                anys.append(mask)
        normal.append(NormalRule(i, required, tuple(anys), *effects[i], rule.id, qs))
    tables = []
    for qid in questions:  # catalog order: deterministic
        if qid not in single and qid not in test_conds:
            continue
        table: dict[Any, TableEntry] = {}
        leaf_preds = [(bit, compile_condition(t)) for bit, t in test_conds.get(qid, [])]
        for value in domains[qid] or ():  # a tabulated question: its domain is known
            answers = {qid: value}
            mask = true_tests = o = c = h = 0
            results = []
            for i in single.get(qid, []):
                if predicates[i](answers):
                    mask |= 1 << i
                    o += effects[i][0]
                    c += effects[i][1]
                    h += effects[i][2]
                    results.append((i, RuleResult(rules[i].id, True, *effects[i], ((qid, value),))))
                else:
                    results.append((i, RuleResult(rules[i].id, False, 0, 0, 0, ((qid, value),))))
            for bit, pred in leaf_preds:
                if pred(answers):
                    true_tests |= 1 << bit
            table[value] = TableEntry(mask, true_tests, o, c, h, tuple(results))
        tables.append(QuestionTable(qid, table))
    return Program(
        tuple(r.id for r in rules), reads, effects, tuple(tables), tuple(normal), tuple(closures), predicates
    )


def _hashable(value: Any) -> Any:
    return tuple((type(v), v) for v in value) if isinstance(value, list) else (type(value), value)


def _nnf(cond: Condition) -> tuple:
    """Negation normal form: ("test", Test) | ("and", [...]) | ("or", [...]), with `not` pushed into tests.

    Each part is folded to both its forms, (as written, negated), so a `not` only swaps them."""
    as_written, _ = fold(
        cond,
        lambda t: (("test", t), ("test", negated(t))),
        lambda _, parts: (("and", [p for p, _ in parts]), ("or", [n for _, n in parts])),
        lambda _, parts: (("or", [p for p, _ in parts]), ("and", [n for _, n in parts])),
        lambda _, inner: (inner[1], inner[0]),
    )
    return as_written


def _cnf(node: tuple) -> list[tuple[Test, ...]] | None:
    """Conjunctive normal form as a list of clauses (each an `or` of tests), or None when too large."""
    kind, body = node
    if kind == "test":
        return [(body,)]
    maybe = [_cnf(child) for child in body]
    children = [c for c in maybe if c is not None]
    if len(children) < len(maybe):
        return None
    if kind == "and":
        clauses = [clause for child in children for clause in child]
        return clauses if len(clauses) <= MAX_CLAUSES else None
    size = 1
    for child in children:
        size *= len(child)
        if size > MAX_CLAUSES:
            return None
    return [tuple(t for clause in combo for t in clause) for combo in product(*children)]
