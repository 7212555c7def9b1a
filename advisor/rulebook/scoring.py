"""Scoring one answer set against a compiled rulebook: a function generated for the rulebook, and the plain walk
over the same tables that it is tested against.

`scorer` writes the walk out as straight-line Python, once per rulebook, at compile time: one nested table lookup
per few small questions (one per wide question), the ready `RuleResult`s of each row unpacked into locals, one
test per rule over several questions, and the trace returned as one tuple built in rule order. `interpret` is
the same walk as loops over the records; `tests/test_scoring.py` checks that both give identical traces and
points.

Why generated: the loops cost a loop step, an index store and several attribute reads per rule; written out
they cost a local store and load (issue 17 asks for a full trace faster than zen-engine's compiled expressions).
Why safe: the generated text names only what we make: locals by index (`e3`, `r17`), the tables by index in
its namespace, and each rule and question id as a `repr()` string literal, integers in hex; no answer value
and no other text from the rule files enters it.

Why tiered (`Tiered`): building the generated scorer costs about 10 ms for the default rulebook (its grouped tables
and the compile), as much as some 750 walks by `interpret` (13 us against 3.3 us generated, measured here),
while a cold `advisor recommend` scores 65 times. So a compiled program walks its tables until the walks have
taken `BUILD_AFTER` in all, then builds the scorer once and uses it from then on: a short process never builds
it, a long one (the web app, a batch, a benchmark) builds it once, having spent at most that much walking. The
two give identical results (tests/test_scoring.py), so only the speed differs.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from time import perf_counter
from typing import Any

from advisor.records import _set
from advisor.rulebook import step_reading
from advisor.rulebook.program import (
    ClosureRule,
    NormalRule,
    Program,
    QuestionTable,
    RangeTable,
    RuleResult,
)
from advisor.rulebook.scoring_rows import Packing, built_result, grouped, groups, ready

READY_PER_RULE = 64  # the answer combinations a rule over several questions may tabulate (`ready`)
# The same over the whole rulebook. Why this few: an evaluation touches every ready table it reads, scattered in
# memory; past a few thousand cells they no longer stay in the CPU's caches and cost more than the RuleResults
# they save (bench/growth.py, 3,000 generated rules: ~600 us an evaluation with 2,048 cells, ~800-1,000 with
# 65,536); the default rulebook needs far fewer (its scorer is the same at 1,024)
READY_CELLS = 2048
# Why a few larger ones: one rule over a wide and a small question (teams x flow owner: 303) saves a RuleResult
# per call; many of them (generated rulebooks) would fill the caches with ready results instead
READY_LARGE, READY_LARGE_CELLS = 512, 512
# The time the plain walks of one program may take in all before its generated scorer is built (see the module
# docstring): about the build's own cost for the default rulebook, so a process that builds it has lost at most that
BUILD_AFTER = 0.010  # seconds
# the trace, the orchestration, choreography and hybrid points, the questions unanswered (None) in catalog order
Scored = tuple[tuple[RuleResult, ...], int, int, int, tuple[str, ...]]
Scorer = Callable[[dict[str, Any]], Scored]
_POINTS = ("orchestration", "choreography", "hybrid")


def interpret(program: Program, answers: dict[str, Any]) -> Scored:
    """(the trace in rule order, orchestration, choreography, hybrid points, the questions whose answer is None):
    the reference walk, as loops (`answers` in catalog order)."""
    trace: list[Any] = [None] * len(program.rule_ids)
    tests = o = c = h = 0
    for table in program.tables:
        entry = table.entries[answers[table.question]]
        tests |= entry.tests
        o, c, h = o + entry.orchestration, c + entry.choreography, h + entry.hybrid
        for i, result in entry.results:
            trace[i] = result
    for ranged in program.ranges:
        part = ranged.look_up(answers[ranged.question], trace)
        tests |= part.tests
        o, c, h = o + part.orchestration, c + part.choreography, h + part.hybrid
    for rule in program.normal:
        values = tuple([(q, answers[q]) for q in rule.reads])
        if tests & rule.required == rule.required and all(tests & clause for clause in rule.clauses):
            do, dc, dh = rule.orchestration, rule.choreography, rule.hybrid
            trace[rule.index] = RuleResult(rule.rule_id, True, do, dc, dh, values)
            o, c, h = o + do, c + dc, h + dh
        else:
            trace[rule.index] = RuleResult(rule.rule_id, False, 0, 0, 0, values)
    for closure in program.closures:
        values = tuple([(q, answers[q]) for q in closure.reads])
        if closure.predicate(answers):
            do, dc, dh = closure.orchestration, closure.choreography, closure.hybrid
            trace[closure.index] = RuleResult(closure.rule_id, True, do, dc, dh, values)
            o, c, h = o + do, c + dc, h + dh
        else:
            trace[closure.index] = RuleResult(closure.rule_id, False, 0, 0, 0, values)
    return tuple(trace), o, c, h, tuple([q for q, v in answers.items() if v is None])


class Tiered:
    """A compiled program's `score` until its generated scorer is built: the plain walk, timed; once the walks have
    taken `BUILD_AFTER`, the generated scorer, built and put in the program's place (`generated`)."""

    __slots__ = ("program", "questions", "spent")

    def __init__(self, program: Program, questions: tuple[str, ...]) -> None:
        self.program = program
        self.questions = questions  # the catalog, in its order: what the generated scorer is given
        self.spent = 0.0

    def __call__(self, answers: dict[str, Any]) -> Scored:
        program = self.program
        if program.score is not self:  # built already: a caller kept this object
            return program.score(answers)
        start = perf_counter()
        out = interpret(program, answers)
        self.spent += perf_counter() - start
        if self.spent >= BUILD_AFTER:
            generated(program)
        return out


def generated(program: Program) -> Scorer:
    """The program's generated scorer, built now (and used by `program.score` from now on) if it was not yet, and
    its generated step reader with it (`program.read_steps`, see `advisor.rulebook.step_reading`: it pays at the
    same point). Why a race is harmless: two threads building at once build the same functions, and either is kept."""
    score = program.score
    if isinstance(score, Tiered):
        parts = (program.tables, program.ranges, program.normal, program.closures)
        score = scorer(*parts, len(program.rule_ids), score.questions)
        if program.evidence:
            _set(program, "read_steps", step_reading.reader(program.evidence))
        _set(program, "score", score)
    return score


def scorer(
    tables: tuple[QuestionTable, ...],
    ranges: tuple[RangeTable, ...],
    normal: tuple[NormalRule, ...],
    closures: tuple[ClosureRule, ...],
    rule_count: int,
    questions: tuple[str, ...],
) -> Scorer:
    """The generated scoring function of these tables: answers (every question of `questions`, the catalog in its
    order, present) -> as `interpret`."""
    source, namespace = scorer_source(tables, ranges, normal, closures, rule_count, questions)
    code = compile(source, "<advisor.rulebook.scoring: generated scorer>", "exec")
    exec(code, namespace)  # Why safe: see the module docstring; scorer_source builds every line
    return namespace["score"]


def scorer_source(
    tables: tuple[QuestionTable, ...],
    ranges: tuple[RangeTable, ...],
    normal: tuple[NormalRule, ...],
    closures: tuple[ClosureRule, ...],
    rule_count: int,
    questions: tuple[str, ...],
) -> tuple[str, dict[str, Any]]:
    """The generated function's text and the namespace it runs in (the tables, by index, as rows)."""
    # Why packed points: each answer's row carries its three point totals as one integer (`Packing`), so a table
    # costs one addition, not three attribute reads and additions; one decoding at the end splits the sum. Why
    # the unanswered bits in it too: each row says whether its answer is None, so the unanswered questions come
    # out of the lookups already made, a lookup per eight questions at the end.
    packing = Packing(rule_count, questions)
    namespace: dict[str, Any] = {"__builtins__": {}, "_new": tuple.__new__, "_RR": RuleResult, "_at": bisect_right}
    lines = ["def score(a):"]
    pairs: dict[str, str] = {}  # question -> the local holding its (question, answer) pair
    tested: dict[str, str] = {}  # question -> the local holding its test bits
    packed: list[str] = []  # the locals holding packed points
    placed = [False] * rule_count

    def row(entry: Any, bit: int, has_tests: bool, has_pair: bool, trace: tuple[RuleResult, ...]) -> tuple:
        return (
            packing.pack(entry.orchestration, entry.choreography, entry.hybrid) + bit,
            *((entry.tests,) if has_tests else ()),
            *((entry.pair,) if has_pair else ()),
            *trace,
        )

    # Why ready results: a rule over a few questions with few answers each gets a table of every combination
    # -> (its packed points, its RuleResult), so evaluating it allocates nothing (fewer collector passes too)
    by_question = {table.question: k for k, table in enumerate(tables)}
    budget, large, rest, prepared = READY_CELLS, READY_LARGE_CELLS, [], []
    for candidate in normal:
        sizes = [len(tables[by_question[q]].entries) if q in by_question else READY_LARGE + 1 for q in candidate.reads]
        cells = math.prod(sizes)
        limit = READY_LARGE if cells <= large else READY_PER_RULE
        if cells > budget or cells > limit:
            rest.append(candidate)
            continue
        budget -= cells
        large -= cells if cells > READY_PER_RULE else 0
        prepared.append(candidate)
    needed = {q for rule in rest for q in rule.reads}  # the test bits the remaining rules look at
    shown = needed | {q for rule in closures for q in rule.reads}  # the (question, answer) pairs they show
    # Why groups: several small questions looked up in one nested table cost one unpacking and one addition, not
    # one each; a ready result whose questions share a group joins its rows (`scoring_rows.grouped`)
    layout = groups(tables, [[by_question[q] for q in rule.reads] for rule in prepared])
    group_of = {k: g for g, members in enumerate(layout) for k in members}
    joined: dict[int, list[NormalRule]] = {}
    apart = []  # ready results looked up on their own, from answers kept in locals
    for candidate in prepared:
        homes = {group_of[by_question[q]] for q in candidate.reads}
        if len(homes) == 1:
            joined.setdefault(homes.pop(), []).append(candidate)
        else:
            apart.append(candidate)
    valued = {q for candidate in apart for q in candidate.reads}
    for g, members in enumerate(layout):
        chosen = [tables[k] for k in members]
        paired = [table.question in shown for table in chosen]
        has_tests = any(table.question in needed for table in chosen)
        namespace[f"T{g}"] = grouped(chosen, has_tests, paired, packing, joined.get(g, []))
        targets = [f"s{g}", *([f"x{g}"] if has_tests else [])]
        targets += [f"q{k}" for k, keep in zip(members, paired) if keep]
        targets += [f"r{i}" for table in chosen for i, _ in next(iter(table.entries.values())).results]
        targets += [f"r{candidate.index}" for candidate in joined.get(g, [])]
        keys = ""
        for k, table, keep in zip(members, chosen, paired):
            if table.question in valued:
                lines.append(f"    v{k} = a[{table.question!r}]")
            keys += f"[v{k}]" if table.question in valued else f"[a[{table.question!r}]]"
            pairs.update({table.question: f"q{k}"} if keep else {})
            tested.update({table.question: f"x{g}"} if has_tests else {})
        lines.append(f"    {', '.join(targets)}, = T{g}{keys}")
        packed.append(f"s{g}")
    for i in [i for table in tables for i, _ in next(iter(table.entries.values())).results]:
        placed[i] = True
    for candidate in prepared:
        placed[candidate.index] = True
    for candidate in apart:
        i = candidate.index
        namespace[f"N{i}"] = ready(candidate, [tables[by_question[q]] for q in candidate.reads], packing)
        lines.append(f"    u{i}, r{i} = N{i}{''.join(f'[v{by_question[q]}]' for q in candidate.reads)}")
        packed.append(f"u{i}")
    for k, ranged in enumerate(ranges):
        n = len(tables) + k
        has_tests = ranged.unknown.tests != 0 or any(part.tests for part in ranged.parts)
        unknown = row(ranged.unknown, packing.bit[ranged.question], has_tests, True, ranged.unknown.trace)
        namespace[f"U{n}"] = unknown
        namespace[f"P{n}"] = tuple((*row(part, 0, has_tests, False, ()), part.fired) for part in ranged.parts)
        indexes = [i for i, *_ in ranged.rules]
        head = [f"s{n}", *([f"x{n}"] if has_tests else [])]
        lines += [
            f"    v{n} = a[{ranged.question!r}]",
            f"    if v{n} is None:",
            f"        {', '.join([*head, f'q{n}', *(f'r{i}' for i in indexes)])}, = U{n}",
            "    else:",
            f"        {', '.join([*head, f'f{n}'])}, = P{n}[_at(C{n}, v{n})]",
            f"        q{n} = ({ranged.question!r}, v{n})",
            f"        w{n} = (q{n},)",
        ]
        namespace[f"C{n}"] = ranged.cuts
        for j, (i, rule_id, do, dc, dh) in enumerate(ranged.rules):
            fired = built_result(rule_id, True, do, dc, dh, f"w{n}")
            silent = built_result(rule_id, False, 0, 0, 0, f"w{n}")
            lines.append(f"        r{i} = {fired} if f{n} & {hex(1 << j)} else {silent}")
            placed[i] = True
        packed.append(f"s{n}")
        tested.update({ranged.question: f"x{n}"} if has_tests else {})
        pairs[ranged.question] = f"q{n}"
    multi: tuple[NormalRule | ClosureRule, ...] = (*rest, *closures)
    lines.append(f"    t = {' | '.join(dict.fromkeys(x for q, x in tested.items() if q in needed)) or '0'}")
    # a question no rule reads: no table holds its answer, so its unanswered bit is added here
    tabled = {table.question for table in tables} | {ranged.question for ranged in ranges}
    packed += [f"({hex(packing.bit[q])} if a[{q!r}] is None else 0)" for q in questions if q not in tabled]
    lines.append(f"    s = {' + '.join(packed) or '0'}")
    lines += [f"    {line}" for line in packing.decoding("s")]
    for q in sorted(shown - pairs.keys()):  # a question read only by closures: no table holds its pair
        pairs[q] = f"p{len(pairs)}"
        lines.append(f"    {pairs[q]} = ({q!r}, a[{q!r}])")
    for n, rule in enumerate(multi):
        if isinstance(rule, NormalRule):
            checks = ([f"t & {hex(rule.required)} == {hex(rule.required)}"] if rule.required else []) + [
                f"t & {hex(clause)}" for clause in rule.clauses
            ]
            holds = " and ".join(checks) or "True"
        else:
            namespace[f"F{n}"] = rule.predicate
            holds = f"F{n}(a)"
        values = "(" + "".join(f"{pairs[q]}, " for q in rule.reads) + ")"
        effect = (rule.orchestration, rule.choreography, rule.hybrid)
        adds = [f"{local} += {int(d)!r}" for local, d in zip("och", effect) if d]
        lines += [
            f"    if {holds}:",
            f"        r{rule.index} = {built_result(rule.rule_id, True, *effect, values)}",
            *(f"        {add}" for add in adds),
            "    else:",
            f"        r{rule.index} = {built_result(rule.rule_id, False, 0, 0, 0, values)}",
        ]
        placed[rule.index] = True
    if not all(placed):
        raise ValueError(f"rules without a place in the compiled tables: {[i for i, p in enumerate(placed) if not p]}")
    trace = "".join(f"r{i}, " for i in range(rule_count))
    lines.append(f"    return ({trace}), o, c, h, {packing.unanswered(namespace)}")
    return "\n".join(lines) + "\n", namespace
