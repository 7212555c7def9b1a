"""How cost grows with the rulebook: 30, 300 and 3,000 generated rules over the default questions.

Each size is a valid rulebook built in memory with `build_rulebook` (random `all`/`any`/`not` conditions, seeded).
Per size: the time to validate and compile it, and one evaluation with its full trace, over
the same random answer sets (and once more with Python's cyclic garbage collector paused, to separate the
algorithm from the collector). Linear growth shows as ~10x per row; a quadratic regression as ~100x. Then the
collector's share: the time it adds, and how many of its passes (per generation) one evaluation triggers.

Why the collector still costs something at 3,000 rules: one evaluation allocates two tracked tuples (its values
and its RuleResult) per rule over several questions whose answers make too many combinations to tabulate
(`advisor.rulebook.scoring_rows.ready`), and keeps them alive in the trace until it returns. Past 700 net
allocations a gen0 pass runs; what it finds alive moves on to gen1 and then gen2, and every so often a full pass
walks the whole heap, the large rulebook included, unless `gc.freeze()` moved that out of the generations
(what the CLI does once the rulebook is loaded: `advisor.cli.common.load_rules`).

Why x10 rules cost more than x10 time: the ready results (`advisor.rulebook.scoring`, READY_CELLS) have one budget
for any rulebook, which covers most rules over several questions of 300 rules and few of 3,000, so the smaller one
runs faster than its rules alone would make it. Measured here in turns (2026-12-02), the 3,000 rules cost the
same with and without ready results (~1,100 us), the 300 rules 62 us with them and 77-81 without: growth x18 with
them, x14-15 without. A larger budget does not help the large rulebook (its tables fall out of the CPU's caches:
see READY_CELLS), so the section also times both sizes without ready results (`without_ready`).
Diagram time against steps comes from bench/diagram_report.py when that module exists.

Then the attack of issue 13 (bench/wide.py): a valid rulebook of threshold rules on one integer question 0..4095,
checked in a fresh process as a user would (`advisor rules check` on 1,000 rules; the Rules page's zip check on
5,000), with its wall time and peak RSS against the aim: under 10 s and under 1 GiB.
"""

from __future__ import annotations

import functools
import gc
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from advisor.engine.answers import Answers
from bench.samples import answer_sets, generated_rulebook, steady
from bench.timing import Measurement, once_each

SECTION = "growth: rules"
WIDE_SECTION = "growth: a wide integer question (issue 13)"
AIM_SECONDS, AIM_BYTES = 10.0, 1 << 30
ROOT = Path(__file__).resolve().parent.parent
SIZES = (30, 300, 3000)
SETS = 50
LINEAR = 15  # x10 rules costing at most x15 is linear growth with noise; a quadratic walk would cost ~x100


EVALUATIONS = (
    "evaluate() + full trace",
    "evaluate() + full trace, collector paused",
    "evaluate() + full trace, after gc.freeze()",
)
REPEAT = 7


def _built(base, size: int):
    """A generated rulebook validated and compiled, its generated scorer built too (what the figure has always
    included; a process now builds it once its evaluations have cost as much: `steady`)."""
    return steady(generated_rulebook(base, size))


def measurements() -> list[Measurement]:
    """Build and evaluation times per rulebook size, with the growth factor from the previous size."""
    from advisor.engine.evaluate import evaluate
    from advisor.rulebook.loading import load_rulebook

    base = load_rulebook()
    builds, runs = {}, {}
    for size in SIZES:
        builds[size] = once_each(functools.partial(_built, base, size), repeat=3 if size >= 3000 else 5)
        rulebook = steady(generated_rulebook(base, size))
        sets = answer_sets(rulebook, SETS)

        def full(sets=sets, rulebook=rulebook):
            for traits in sets:
                tuple(evaluate(rulebook, Answers(traits)).trace)

        runs[size] = full
    samples = _in_turns(runs)
    out: list[Measurement] = []
    previous: dict[str, float] = {}
    for size in SIZES:
        figures = {"build_rulebook (validate + compile)": (builds[size], "ms")}
        for name in EVALUATIONS:
            xs = samples[size, name]
            figures[name] = ((statistics.median(xs), min(xs), max(xs)), "µs")
        for name, ((med, lo, hi), unit) in figures.items():
            growth = f"x{med / previous[name]:.1f} for x10 rules" if name in previous else ""
            if name in previous and size == SIZES[-1]:
                growth += f" (aim linear, <= x{LINEAR:g}: {'met' if med / previous[name] <= LINEAR else 'NOT met'})"
            if unit == "µs":
                growth = f"{med / size * 1000:.0f} ns per rule" + (f"; {growth}" if growth else "")
            out.append(
                Measurement(
                    SECTION, f"{size:>5} rules: {name}", med, lo, hi, unit, growth, {"rules": size, "what": name}
                )
            )
            previous[name] = med
        on, paused = samples[size, EVALUATIONS[0]], samples[size, EVALUATIONS[1]]
        out.append(collector_share(size, runs[size], on, paused))
    return out + without_ready(base) + wide_measurements()


def _in_turns(runs) -> dict[tuple[int, str], list[float]]:
    """Per-evaluation times (µs) of each size in each of `EVALUATIONS`, the sizes and ways taking turns, so that a
    load spike on the shared machine hits them alike and the growth factors compare like with like."""
    samples: dict[tuple[int, str], list[float]] = {(s, n): [] for s in SIZES for n in EVALUATIONS}
    for full in runs.values():
        full()  # warm up
    for _ in range(REPEAT):
        for size, full in runs.items():
            number = max(1, 3000 // size)
            for name in EVALUATIONS:
                if name.endswith("paused"):
                    # Why: a full trace allocates two tracked objects per untabulated rule over several questions,
                    # so at 3,000 rules an evaluation triggers collector passes. Paused: the algorithm alone.
                    gc.disable()
                elif name.endswith("gc.freeze()"):
                    # Why: what the CLI does (`advisor.cli.common.load_rules`): the long-lived objects (modules,
                    # the rulebook) leave the collector's generations, so its full passes no longer walk them
                    gc.collect()
                    gc.freeze()
                start = time.perf_counter()
                for _ in range(number):
                    full()
                elapsed = time.perf_counter() - start
                gc.enable()
                gc.unfreeze()
                samples[size, name].append(elapsed / number / SETS * 1e6)
    return samples


def without_ready(base) -> list[Measurement]:
    """300 and 3,000 rules again with scorers that tabulate no ready results (`scoring.READY_CELLS = 0`), taking
    turns: the growth of the walk alone. Why: the ready results have one budget for any rulebook, so they cover
    most rules of a small rulebook and few of a large one; this separates that from the cost per rule."""
    from advisor.engine.evaluate import evaluate
    from advisor.rulebook import scoring

    sizes = (300, 3000)
    budget = scoring.READY_CELLS
    scoring.READY_CELLS = 0
    try:
        books = {size: steady(generated_rulebook(base, size)) for size in sizes}
    finally:
        scoring.READY_CELLS = budget
    sets = {size: answer_sets(books[size], SETS) for size in sizes}
    samples: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(REPEAT):
        for size in sizes:
            number = max(1, 3000 // size)
            start = time.perf_counter()
            for _ in range(number):
                for traits in sets[size]:
                    tuple(evaluate(books[size], Answers(traits)).trace)
            samples[size].append((time.perf_counter() - start) / number / SETS * 1e6)
    out = []
    for size in sizes:
        xs = samples[size]
        med = statistics.median(xs)
        note = f"{med / size * 1000:.0f} ns per rule; for information: no ready results, the walk alone"
        if size == sizes[-1]:
            growth = med / statistics.median(samples[sizes[0]])
            note += f"; x{growth:.1f} for x10 rules (with ready results: the rows above)"
        name = f"{size:>5} rules: evaluate() + full trace, no ready results"
        out.append(Measurement(SECTION, name, med, min(xs), max(xs), "µs", note, {"rules": size}))
    return out


def collector_share(size: int, full, on: list[float], paused: list[float]) -> Measurement:
    """The collector's share of one evaluation at this size (collector on vs paused in the same turn: median and
    range over the turns), with the passes of each generation that one evaluation triggers, counted over a fresh
    run of the answer sets."""
    runs = 20
    before = [g["collections"] for g in gc.get_stats()]
    for _ in range(runs):
        full()
    passes = [(g["collections"] - b) / (runs * SETS) for g, b in zip(gc.get_stats(), before)]
    shares = sorted((a - b) / a * 100 for a, b in zip(on, paused, strict=True))
    note = "on vs paused, per turn (negative: noise); passes per evaluation: "
    note += ", ".join(f"gen{i} {n:.2f}" for i, n in enumerate(passes))
    return Measurement(
        SECTION,
        f"{size:>5} rules: the collector's share",
        statistics.median(shares),
        shares[0],
        shares[-1],
        "%",
        note,
        {"rules": size, "passes": passes},
    )


_CHECK = """
import resource, sys, time
sys.path.insert(0, {root!r})
from bench.wide import wide_rulebook_zip, write_wide_rulebook
rules, how, where = {rules}, {how!r}, {where!r}
if how == "cli":
    write_wide_rulebook(where, rules)
else:
    raw = wide_rulebook_zip(rules)
start = time.perf_counter()
if how == "cli":
    from advisor.cli.main import main
    assert main(["rules", "check", where]) == 0
else:
    from advisor.authoring.bundle import check_zip
    check_zip(raw, "wide.zip")
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def wide_measurements() -> list[Measurement]:
    """Check time and peak memory of the wide rulebooks, each in a fresh process, with the aim met or not."""
    out = []
    for rules, how, what in ((1000, "cli", "advisor rules check"), (5000, "zip", "zip check (Rules page)")):
        with tempfile.TemporaryDirectory() as where:
            code = textwrap.dedent(_CHECK.format(root=str(ROOT), rules=rules, how=how, where=where))
            run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
        if run.returncode:
            raise RuntimeError(run.stderr[-500:])
        seconds, peak = (float(x) for x in run.stdout.split()[-2:])
        met = "met" if seconds < AIM_SECONDS and peak < AIM_BYTES else "NOT met"
        aim = f"aim < {AIM_SECONDS:.0f} s and < 1 GiB: {met}"
        extra = {"rules": rules, "width": 4096, "peak_bytes": int(peak)}
        out.append(
            Measurement(
                WIDE_SECTION, f"{rules:>5} rules on 0..4095: {what}", seconds, seconds, seconds, "s", aim, extra
            )
        )
        out.append(
            Measurement(
                WIDE_SECTION,
                f"{rules:>5} rules on 0..4095: peak RSS",
                peak / 2**20,
                peak / 2**20,
                peak / 2**20,
                "MiB",
                aim,
                extra,
            )
        )
    return out
