"""Reading the listed steps as evidence (`from_steps` in questions.yaml): what they say about the questions left
unanswered. Two forms that give the same answers: `walk`, a loop over a program's `StepEvidence`, and `reader`,
the same reading written out as a function generated for the rulebook.

Why generated: the loop costs a tuple unpacking, a few indexings and a call per measure for each `from_steps`
question, about 1.5 us of the 3.8 us the default rulebook's evidence took per answers file with steps (measured
in turns over the bench's answer sets, 2026-12-03); written out, each question is one membership test and its
measure one inline loop over the steps (2.6 us in all). Why tiered: compiling it costs ~0.4 ms, as much as some
300 readings save, so a program walks until its generated scorer is built (`advisor.rulebook.scoring.generated`
builds both) and a short process never compiles it. Why safe: the text names only what we make: locals by
measure index, the step fields from `_FIELD`, each question id as a `repr()` literal and the bounds as integers.
tests/test_scoring.py checks both forms against the catalog's own words for random rulebooks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.rulebook.formats import Step
    from advisor.rulebook.program import StepEvidence

StepReader = Callable[[dict[str, Any], Sequence[Any]], dict[str, Any]]  # (traits, steps) -> answers read
_FIELD = {1: "reaction", 2: "compensation", 3: "team", 4: "context"}  # by index in `STEP_MEASURES`


def walk(evidence: tuple[StepEvidence, ...], traits: dict[str, Any], steps: Sequence[Step]) -> dict[str, Any]:
    """What `steps` (at least one) answer to the `evidence` questions `traits` leave unanswered."""
    out: dict[str, Any] = {}
    counts: list[int | None] = [len(steps), None, None, None, None]  # by `STEP_MEASURES`, each counted when needed
    for source in evidence:
        if source.question in traits:  # Why before unpacking: a NamedTuple unpacks on the slow generic path
            continue
        qid, measure, integer, lo, hi, at_least, named = source
        count = counts[measure]
        if count is None:
            # Why per measure, not all at once: each reads every step, and most answers need only some
            count = counts[measure] = measure_of(steps, measure)
        if integer:
            if count or not named:  # no step names a team or context: no evidence
                out[qid] = lo if count < lo else hi if count > hi else count
        elif count >= at_least:
            out[qid] = True
    return out


def measure_of(steps: Sequence[Step], measure: int) -> int:
    """One of `STEP_MEASURES`, by its index (the step count excepted: `len`): how many steps are reactions (1) or
    have a compensation (2), how many different teams (3) or bounded contexts (4) they name."""
    if measure < 3:
        count = 0
        for s in steps:  # Why a loop: a comprehension is one more call, and this runs in most evaluations
            if s.reaction if measure == 1 else s.compensation:
                count += 1
        return count
    names = {s.team for s in steps} if measure == 3 else {s.context for s in steps}
    names.discard(None)
    return len(names)


def reader(evidence: tuple[StepEvidence, ...]) -> StepReader:
    """`walk` over `evidence`, generated (see the module docstring)."""
    namespace: dict[str, Any] = {"__builtins__": {"len": len, "set": set}}
    code = compile(reader_source(evidence), "<advisor.rulebook.step_reading: generated reader>", "exec")
    exec(code, namespace)  # Why safe: see the module docstring; reader_source builds every line
    return namespace["read_steps"]


def reader_source(evidence: tuple[StepEvidence, ...]) -> str:
    """The generated reader's text: per question, its test, its measure counted inline (once, if several
    questions share it) and the answer it gives."""
    uses: dict[int, int] = {}
    for source in evidence:
        uses[source.measure] = uses.get(source.measure, 0) + 1
    lines = ["def read_steps(traits, steps):", "    out = {}"]
    lines += [f"    m{m} = -1" for m, n in sorted(uses.items()) if n > 1]  # shared: not counted yet
    for source in evidence:
        m = int(source.measure)
        count, qid = f"m{m}", repr(source.question)
        lines.append(f"    if {qid} not in traits:")
        if uses[m] > 1:
            lines += [f"        if {count} < 0:", *_counting(m, 12)]
        else:
            lines += _counting(m, 8)
        lo, hi = int(source.minimum), int(source.maximum)
        if source.integer:
            value = f"{lo} if {count} < {lo} else {hi} if {count} > {hi} else {count}"
            if source.named:  # no step names a team or context: no evidence
                lines += [f"        if {count}:", f"            out[{qid}] = {value}"]
            else:
                lines.append(f"        out[{qid}] = {value}")
        else:
            lines += [f"        if {count} >= {int(source.at_least)}:", f"            out[{qid}] = True"]
    lines.append("    return out")
    return "\n".join(lines) + "\n"


def _counting(measure: int, indent: int) -> list[str]:
    """Lines that set the local `m<measure>` to `measure_of(steps, measure)`."""
    pad, count = " " * indent, f"m{measure}"
    if measure == 0:
        return [f"{pad}{count} = len(steps)"]
    field = _FIELD[measure]
    if measure < 3:
        return [f"{pad}{count} = 0", f"{pad}for s in steps:", f"{pad}    if s.{field}:", f"{pad}        {count} += 1"]
    # Why a loop and not a set comprehension: in Python 3.11 a comprehension is a call of its own
    return [
        f"{pad}n = set()",
        f"{pad}for s in steps:",
        f"{pad}    n.add(s.{field})",
        f"{pad}n.discard(None)",
        f"{pad}{count} = len(n)",
    ]
