"""How cost grows with the rulebook: 30, 300 and 3,000 generated rules over the default questions.

Each size is a valid rulebook built in memory with `build_rulebook` (random `all`/`any`/`not` conditions, seeded).
Per size: the time to validate and compile it, and one evaluation with its full trace, over
the same random answer sets (and once more with Python's cyclic garbage collector paused, to separate the
algorithm from the collector). Linear growth shows as ~10x per row; a quadratic regression as ~100x.
Diagram time against steps comes from bench/diagram_report.py when that module exists.
"""

from __future__ import annotations

import functools
import gc

from advisor.engine.answers import Answers
from bench.samples import answer_sets, generated_rulebook
from bench.timing import Measurement, once_each, per_call

SECTION = "growth: rules"
SIZES = (30, 300, 3000)
SETS = 50


def measurements() -> list[Measurement]:
    """Build and evaluation times per rulebook size, with the growth factor from the previous size."""
    from advisor.engine.evaluate import evaluate
    from advisor.rulebook.loading import load_rulebook

    base = load_rulebook()
    out: list[Measurement] = []
    previous: dict[str, float] = {}
    for size in SIZES:
        build = once_each(functools.partial(generated_rulebook, base, size), repeat=3 if size >= 3000 else 5)
        rulebook = generated_rulebook(base, size)
        sets = answer_sets(rulebook, SETS)
        number = max(1, 3000 // size)

        def full(sets=sets, rulebook=rulebook):
            for traits in sets:
                tuple(evaluate(rulebook, Answers(traits)).trace)

        def full_no_gc():
            # Why: a full trace allocates two objects per rule; at 3,000 rules Python's cyclic collector, walking
            # the large rulebook, costs more than the evaluation. Paused, the row shows the algorithm's own growth.
            gc.disable()
            try:
                full()
            finally:
                gc.enable()

        figures = {
            "build_rulebook (validate + compile)": (build, "ms"),
            "evaluate() + full trace": (tuple(x / SETS for x in per_call(full, number=number, repeat=5)), "µs"),
            "evaluate() + full trace, collector paused": (
                tuple(x / SETS for x in per_call(full_no_gc, number=number, repeat=5)),
                "µs",
            ),
        }
        for name, ((med, lo, hi), unit) in figures.items():
            growth = f"x{med / previous[name]:.1f} for x10 rules" if name in previous else ""
            out.append(
                Measurement(
                    SECTION, f"{size:>5} rules: {name}", med, lo, hi, unit, growth, {"rules": size, "what": name}
                )
            )
            previous[name] = med
    return out
