"""Compile a validated rulebook into lookup tables, so one evaluation costs a few dict lookups, not 30 calls.

A choice or yes/no question has a few answers, and an integer question's tests only change truth at the values
they name (`advisor.rulebook.intervals`), so every `{question, op, value}` test is fully described by a table:
answer (or interval of answers) -> true or false. For each question we fold its tests into one table, answer ->
(the single-question rules that fire, bits of the tests that hold, the points those rules add). A narrow integer
question is tabulated value by value, within a budget of `DENSE_CELLS` for the whole rulebook; any other is a
`RangeTable` of intervals, found with `bisect`, so compiling costs what the rules name, never the width of a
domain. A rule that reads several questions is rewritten once into conjunctive normal form over test bits
(`advisor.rulebook.normal_form`), so it fires when `tests & required == required` and each remaining `any` clause
has a bit set; one whose normal form has more than `normal_form.MAX_CLAUSES` clauses stays a closure.
The trace is precomputed too: each value table entry carries the ready `RuleResult`s of its question's rules,
so a complete trace costs one list fill, not 30 object constructions.

Why: the issue asks for <= 10 us per evaluation with a full trace; calling 30 nested closures costs several us
alone, a lookup per question about 0.15 us. `tests/test_engine.py`
(`test_the_compiled_tables_agree_with_the_plain_conditions_on_random_answers`) checks the result against the
plain closures (`Program.predicates`) on thousands of random answer sets.

The records are in `advisor.rulebook.program`; the function that walks them for one answer set is generated per
rulebook by `advisor.rulebook.scoring`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from advisor.records import Positional, _set
from advisor.rulebook.conditions import compile_condition, questions_read, tests
from advisor.rulebook.intervals import cuts_of, named_values, sweep
from advisor.rulebook.normal_form import cnf, hashable
from advisor.rulebook.program import (
    ClosureRule,
    NormalRule,
    Program,
    QuestionTable,
    RangeEntry,
    RangeTable,
    RuleResult,
    StepEvidence,
    TableEntry,
)
from advisor.rulebook.scoring import Tiered
from advisor.rulebook.step_reading import walk
from advisor.rulebook.values import STEP_MEASURES

if TYPE_CHECKING:  # Why: no pydantic at run time (a rulebook snapshot compiles `advisor.rulebook.plain` records)
    from advisor.rulebook.condition_format import Test
    from advisor.rulebook.formats import Question, Rule

# Why a budget: a value table holds a ready RuleResult per value and rule (fast lookups), so its size is the width
# times the rules; past the budget a question's table is of intervals, whose size is what the rules name.
DENSE_CELLS = 16_384  # value x rule cells the integer questions of a rulebook may tabulate value by value


def domain(q: Question) -> list[Any] | None:
    """Every answer to a choice or yes/no question, and None (unanswered: no test holds); None for an integer
    question, whose answers are taken by interval (`advisor.rulebook.intervals`)."""
    if q.kind == "integer":
        return None
    return [*q.option_values(), None]


def compile_rules(rules: tuple[Rule, ...], questions: dict[str, Question]) -> Program:
    predicates = tuple(compile_condition(r.when) for r in rules)
    reads = tuple(questions_read(r.when) for r in rules)
    effects = tuple((r.effect.orchestration, r.effect.choreography, r.effect.hybrid) for r in rules)
    single: dict[str, list[int]] = {}
    bits: dict[tuple, int] = {}  # test key -> test bit index
    test_conds: dict[str, list[tuple[int, Test]]] = {}
    normal: list[NormalRule] = []
    closures: list[ClosureRule] = []
    for i, (rule, qs) in enumerate(zip(rules, reads)):
        if len(qs) == 1:
            single.setdefault(qs[0], []).append(i)
            continue
        clauses = cnf(rule.when)
        if clauses is None:
            closures.append(ClosureRule(i, predicates[i], *effects[i], rule.id, qs))
            continue
        masks = []
        for clause in clauses:
            mask = 0
            for t in clause:
                key = (t.question, t.op, hashable(t.value))
                if key not in bits:
                    bits[key] = len(bits)
                    test_conds.setdefault(t.question, []).append((bits[key], t))
                mask |= 1 << bits[key]
            masks.append(mask)
        required = 0
        anys = []
        for mask in masks:
            if mask & (mask - 1) == 0:
                required |= mask
            elif mask not in anys:
                anys.append(mask)
        normal.append(NormalRule(i, required, tuple(anys), *effects[i], rule.id, qs))
    tables: list[QuestionTable] = []
    ranges: list[RangeTable] = []
    budget = DENSE_CELLS
    src = _Rules(rules, predicates, effects)
    for qid, q in questions.items():  # catalog order: deterministic
        if qid not in single and qid not in test_conds:
            continue
        mine, leaves = single.get(qid, []), test_conds.get(qid, [])
        if q.kind != "integer":
            tables.append(_value_table(qid, domain(q) or [], mine, leaves, src))
            continue
        ranged = _range_table(q, mine, leaves, src)
        assert q.minimum is not None and q.maximum is not None  # checked by the model
        cells = (q.maximum - q.minimum + 1) * (len(mine) + 1)
        if cells <= budget:
            budget -= cells
            tables.append(_values_of(ranged, q))
        else:
            ranges.append(ranged)
    parts = (tuple(tables), tuple(ranges), tuple(normal), tuple(closures))
    evidence = step_evidence(questions)
    program = Program(
        tuple(r.id for r in rules), reads, effects, *parts, predicates, None, evidence, partial(walk, evidence)
    )
    _set(program, "score", Tiered(program, tuple(questions)))  # the generated scorer is built when it pays
    return program


def step_evidence(questions: dict[str, Question]) -> tuple[StepEvidence, ...]:
    """The questions the listed steps can answer (`from_steps`), with their bounds resolved (catalog order)."""
    out = []
    for q in questions.values():
        source = q.from_steps
        if source is None:
            continue
        integer = q.kind == "integer"
        lo, hi = (q.minimum, q.maximum) if integer else (0, 0)
        assert lo is not None and hi is not None  # checked by the model
        named = source.measure in ("teams", "contexts")
        out.append(StepEvidence(q.id, STEP_MEASURES.index(source.measure), integer, lo, hi, source.at_least, named))
    return tuple(out)


class _Rules(Positional):
    """What the tables are built from: the rules, their plain predicates and their points, by rule index."""

    FIELDS = ("rules", "predicates", "effects")
    __slots__ = FIELDS

    rules: tuple[Rule, ...]
    predicates: tuple[Callable[[Any], bool], ...]
    effects: tuple[tuple[int, int, int], ...]


def _value_table(
    qid: str, values: list[Any], mine: list[int], leaves: list[tuple[int, Test]], src: _Rules
) -> QuestionTable:
    """A table of every answer in `values`: each entry with its ready trace."""
    rules, predicates, effects = src.rules, src.predicates, src.effects
    table: dict[Any, TableEntry] = {}
    leaf_preds = [(bit, compile_condition(t)) for bit, t in leaves]
    for value in values:
        answers = {qid: value}
        true_tests = o = c = h = 0
        results = []
        pair = (qid, value)
        for i in mine:
            if predicates[i](answers):
                o, c, h = o + effects[i][0], c + effects[i][1], h + effects[i][2]
                do, dc, dh = effects[i]
                results.append((i, RuleResult(rules[i].id, True, do, dc, dh, (pair,))))
            else:
                results.append((i, RuleResult(rules[i].id, False, 0, 0, 0, (pair,))))
        for bit, pred in leaf_preds:
            if pred(answers):
                true_tests |= 1 << bit
        table[value] = TableEntry(true_tests, o, c, h, tuple(results), pair, tuple(r for _, r in results))
    return QuestionTable(qid, table)


def _range_table(q: Question, mine: list[int], leaves: list[tuple[int, Test]], src: _Rules) -> RangeTable:
    """An integer question's table by interval: the rules reading only it, and the tests of the others."""
    rules, predicates, effects = src.rules, src.predicates, src.effects
    lo, hi = q.minimum, q.maximum
    assert lo is not None and hi is not None  # checked by the model
    rule_cuts = [cuts_of(named_values(tests(rules[i].when)), lo, hi) for i in mine]
    leaf_cuts = [cuts_of(named_values([t]), lo, hi) for _, t in leaves]
    cuts = tuple(sorted(set().union(*rule_cuts, *leaf_cuts)))
    fired = sweep(
        q.id, lo, cuts, [(predicates[i], own, effects[i], j) for j, (i, own) in enumerate(zip(mine, rule_cuts))]
    )
    held = sweep(
        q.id, lo, cuts, [(compile_condition(t), own, (0, 0, 0), bit) for (bit, t), own in zip(leaves, leaf_cuts)]
    )
    parts = tuple(RangeEntry(f.holds, t.holds, f.orchestration, f.choreography, f.hybrid) for f, t in zip(fired, held))
    unknown = _value_table(q.id, [None], mine, leaves, src).entries[None]
    return RangeTable(q.id, cuts, parts, unknown, tuple((i, rules[i].id, *effects[i]) for i in mine))


def _values_of(ranged: RangeTable, q: Question) -> QuestionTable:
    """The value table of a narrow integer question, from its intervals (no condition is evaluated again).

    Why interval by interval: each interval's rules fire alike, so which fire is read once per interval, and each
    value costs only its own results (they name the value); this runs at every cold start (issue 17), over every
    value of the narrow questions (about 1,600 in the default rulebook)."""
    assert q.minimum is not None and q.maximum is not None  # checked by the model
    entries: dict[Any, TableEntry] = {None: ranged.unknown}
    new, qid = tuple.__new__, ranged.question  # Why tuple.__new__: RuleResult's own __new__ is a Python function
    bounds = (q.minimum, *ranged.cuts, q.maximum + 1)  # part k holds from bounds[k] up to bounds[k + 1] excluded
    for k, part in enumerate(ranged.parts):
        rules = [(i, rule_id, o, c, h, part.fired >> j & 1) for j, (i, rule_id, o, c, h) in enumerate(ranged.rules)]
        tested, o_, c_, h_ = part.tests, part.orchestration, part.choreography, part.hybrid
        for value in range(bounds[k], bounds[k + 1]):
            pair = (qid, value)
            values = (pair,)
            results = tuple(
                [
                    (
                        i,
                        new(
                            RuleResult, (rule_id, True, o, c, h, values) if fires else (rule_id, False, 0, 0, 0, values)
                        ),
                    )
                    for i, rule_id, o, c, h, fires in rules
                ]
            )
            entries[value] = TableEntry(tested, o_, c_, h_, results, pair, tuple([r for _, r in results]))
    return QuestionTable(ranged.question, entries)
