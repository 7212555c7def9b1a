"""The data the generated scorer (`advisor.rulebook.scoring`) reads: one integer per row for the points and the
unanswered questions (`Packing`), the nested rows of several small questions at once (`grouped`), the ready
results of small rules over several questions (`ready`), and the text of a `RuleResult` it builds (`built_result`)."""

from __future__ import annotations

import math
from typing import Any

from advisor.rulebook.program import NormalRule, QuestionTable, RuleResult, TableEntry

GROUP_CELLS = 256  # the answer combinations one nested table of several small questions may hold (`grouped`)
# Why a bound on the items too: a row repeats every member's trace, and rows a few cache lines long each cost
# more to reach than the lookups they save (bench/growth.py's 3,000 rules)
GROUP_ITEMS = 4096
CHUNK = 8  # the unanswered questions decoded per lookup (`Packing.unanswered`): tables of 2^CHUNK tuples


class Packing:
    """Three signed point totals and the unanswered questions in one integer: bit j of the lowest `len(questions)`
    bits says the j-th question is unanswered (each row sets at most its own bit, so the sum never carries out of
    them); above, h in `width` bits, c above, o above that (two's complement carries between the point fields are
    undone when decoding). `width` leaves room for the largest sum the rulebook can make (every rule's largest
    effect, 20 points, adding up)."""

    def __init__(self, rule_count: int, questions: tuple[str, ...]):
        self.width = (20 * max(rule_count, 1)).bit_length() + 2
        self.half = 1 << (self.width - 1)
        self.questions = questions
        self.bit = {q: 1 << j for j, q in enumerate(questions)}

    def pack(self, o: int, c: int, h: int) -> int:
        return ((o << 2 * self.width) + (c << self.width) + h) << len(self.questions)

    def decoding(self, total: str) -> list[str]:
        """Lines that split the packed `total` into the locals m (the unanswered bits), o, c and h."""
        w, half, mask = self.width, hex(self.half), hex((1 << self.width) - 1)
        q = len(self.questions)
        return [
            *([f"m = {total} & {hex((1 << q) - 1)}", f"{total} >>= {q}"] if q else []),
            f"h = (({total} + {half}) & {mask}) - {half}",
            f"{total} = ({total} - h) >> {w}",
            f"c = (({total} + {half}) & {mask}) - {half}",
            f"o = ({total} - c) >> {w}",
        ]

    def unanswered(self, namespace: dict[str, Any]) -> str:
        """The expression of the unanswered questions, in catalog order, from the bits `m`: one lookup per `CHUNK`
        questions in tables of every combination (put in `namespace` as `Q0`, `Q1`, ...)."""
        parts = []
        for j in range(0, len(self.questions), CHUNK):
            chunk = self.questions[j : j + CHUNK]
            combos: list[tuple[str, ...]] = [()]  # by bits: bit i says chunk[i] is unanswered
            for q in chunk:  # Why doubling: the combinations with q are those without, q last (in catalog order)
                combos += [c + (q,) for c in combos]
            namespace[f"Q{j}"] = tuple(combos)
            index = f"(m >> {j})" if j else "m"
            if j + CHUNK < len(self.questions):  # the last chunk needs no mask: nothing lies above it
                index = f"{index} & {hex((1 << CHUNK) - 1)}"
            parts.append(f"Q{j}[{index}]")
        return " + ".join(parts) or "()"


def groups(tables: tuple[QuestionTable, ...], together: list[list[int]]) -> list[list[int]]:
    """The tables (by index) looked up together: first those each list of `together` names (the questions of a
    ready result, so that it can join their rows), then the others in order; as many as fit `GROUP_CELLS`
    combinations and `GROUP_ITEMS` row items, and a unit too wide to share its combinations alone."""
    out: list[list[int]] = []
    current: list[int] | None = None
    cells, span, seen = 1, 0, set()
    for unit in [*together, *([k] for k in range(len(tables)))]:
        unit = [k for k in dict.fromkeys(unit) if k not in seen]
        if not unit:
            continue
        size = math.prod(len(tables[k].entries) for k in unit)
        width = sum(1 + len(next(iter(tables[k].entries.values())).trace) for k in unit)
        if current is not None and cells * size <= GROUP_CELLS and cells * size * (span + width) <= GROUP_ITEMS:
            current += unit
            cells, span = cells * size, span + width
        elif len(unit) > 1 and size * width > GROUP_ITEMS:
            continue  # Why: every combination repeats each table's trace; its tables come again one by one
        elif size * 3 > GROUP_CELLS:
            out.append(unit)
        else:
            current, cells, span = unit, size, width
            out.append(current)
        seen.update(unit)
    return out


def grouped(
    tables: list[QuestionTable], tested: bool, paired: list[bool], packing: Packing, rules: list[NormalRule]
) -> dict[Any, Any]:
    """Nested dicts, one level per table: answers -> the row the generated scorer unpacks: the packed points and
    unanswered bits of them all, their test bits (when `tested`), the (question, answer) pairs of the tables that
    `paired` marks, each table's ready trace in table order, then the ready results of `rules` (which read only
    these tables' questions)."""

    # Why each table's part of a row made once per answer and carried down the levels: the leaves are every
    # combination (2,565 in the default rulebook), and this runs at every cold start (issue 17)
    parts = [
        {
            value: (
                packing.pack(e.orchestration, e.choreography, e.hybrid)
                + (packing.bit[t.question] if value is None else 0),
                e.tests,
                (e.pair,) if keep else (),
                e.trace,
                e,
            )
            for value, e in t.entries.items()
        }
        for t, keep in zip(tables, paired)
    ]
    questions = [t.question for t in tables]

    def level(j: int, packed: int, tests: int, pairs: tuple, trace: tuple, chosen: tuple[TableEntry, ...]) -> Any:
        if j == len(tables):
            results: list[tuple[int, RuleResult]] = []
            if rules:
                by_question = dict(zip(questions, chosen))
                results = [ready_result(rule, [by_question[q] for q in rule.reads], packing) for rule in rules]
                packed += sum(points for points, _ in results)
            return (packed, *((tests,) if tested else ()), *pairs, *trace, *(result for _, result in results))
        return {
            value: level(j + 1, packed + p, tests | x, pairs + pair, trace + own, (*chosen, entry))
            for value, (p, x, pair, own, entry) in parts[j].items()
        }

    return level(0, 0, 0, (), (), ())


def ready(rule: NormalRule, tables: list[QuestionTable], packing: Packing) -> dict[Any, Any]:
    """Nested dicts, one level per question the rule reads (in `rule.reads` order): answers -> `ready_result`."""

    def level(j: int, chosen: tuple[TableEntry, ...]) -> Any:
        if j == len(tables):
            return ready_result(rule, list(chosen), packing)
        return {value: level(j + 1, (*chosen, entry)) for value, entry in tables[j].entries.items()}

    return level(0, ())


def ready_result(rule: NormalRule, entries: list[TableEntry], packing: Packing) -> tuple[int, RuleResult]:
    """(the packed points it adds, its RuleResult) for these entries of the questions it reads (in `rule.reads`
    order), decided by the same test bits as the generated test."""
    bits = 0
    for entry in entries:
        bits |= entry.tests
    values = tuple(entry.pair for entry in entries)
    if bits & rule.required == rule.required and all(bits & clause for clause in rule.clauses):
        effect = (rule.orchestration, rule.choreography, rule.hybrid)
        return packing.pack(*effect), RuleResult(rule.rule_id, True, *effect, values)
    return 0, RuleResult(rule.rule_id, False, 0, 0, 0, values)


def built_result(rule_id: str, fired: bool, o: int, c: int, h: int, values: str) -> str:
    """The expression that builds one `RuleResult` (`tuple.__new__`: the NamedTuple's own `__new__` is a Python
    function, a frame per call). Every part is a literal we write or a local we named."""
    return f"_new(_RR, ({rule_id!r}, {fired!r}, {int(o)!r}, {int(c)!r}, {int(h)!r}, {values}))"
