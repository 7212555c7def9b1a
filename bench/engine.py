"""The engine's own figures (issue 2): one evaluation with its full trace, and a cold `advisor recommend`.

- `evaluate()` with its full trace: scores, style, confidence, allocation and a `RuleResult` for every rule (the
  trace is built eagerly; reading it afterwards costs nothing more).
- cold CLI: `advisor recommend examples/order-checkout.yaml --format json` as a fresh process, wall time,
  next to a bare `python -c pass` so the interpreter's own start-up is visible.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.timing import Measurement, auto_number, once_each, per_call

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "order-checkout.yaml"
ADVISOR = ROOT / ".venv" / "bin" / "advisor"
SECTION = "engine (issue 2)"


def evaluation_figures(repeat: int = 7) -> list[Measurement]:
    """Median time of one evaluation of the checkout example, with its full trace."""
    from advisor.engine.answers import read_answers
    from advisor.engine.evaluate import evaluate
    from advisor.rulebook.loading import load_rulebook

    rulebook = load_rulebook()
    answers = read_answers(str(EXAMPLE), rulebook)

    def with_trace():
        ev = evaluate(rulebook, answers)
        return tuple(ev.trace)

    rules = len(rulebook.rules)
    out = []
    for name, fn, note in (
        (
            "evaluate() with full trace",
            with_trace,
            f"aim <= 10 µs (issue 2); {rules} rules, {len(answers.steps)} steps allocated",
        ),
    ):
        med, lo, hi = per_call(fn, number=auto_number(fn), repeat=repeat)
        out.append(Measurement(SECTION, name, med, lo, hi, "µs", note))
    return out


def cold_cli_figures(runs: int = 20) -> list[Measurement]:
    """Wall time of a fresh `advisor recommend ... --format json` process, and of a bare Python start."""
    advisor = str(ADVISOR) if ADVISOR.exists() else None
    command = [advisor] if advisor else [sys.executable, "-m", "advisor"]
    command += ["recommend", str(EXAMPLE), "--format", "json"]

    def run(cmd):
        return lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)

    run(command)()  # warm the page cache: "cold" means a new process, not a cold disk
    med, lo, hi = once_each(run(command), repeat=runs)
    base = once_each(run([sys.executable, "-c", "pass"]), repeat=runs)
    # Why these two: they show where a cold start goes (imports of pydantic and the models, then validating the
    # rulebook), so a regression or an improvement can be placed
    models = once_each(run([sys.executable, "-c", "import advisor.rulebook.formats"]), repeat=runs // 2)
    loaded = once_each(
        run([sys.executable, "-c", "from advisor.rulebook.loading import load_rulebook; load_rulebook()"]),
        repeat=runs // 2,
    )
    return [
        Measurement(
            SECTION,
            "cold `advisor recommend FILE --format json`",
            med,
            lo,
            hi,
            "ms",
            f"aim <= 100 ms; median of {runs} processes",
        ),
        Measurement(SECTION, "  for comparison: `python -c pass`", *base, "ms", "the interpreter's own start-up"),
        Measurement(
            SECTION,
            "  for comparison: a process importing advisor.rulebook.formats",
            *models,
            "ms",
            "pydantic and the file models",
        ),
        Measurement(
            SECTION,
            "  for comparison: a process running load_rulebook()",
            *loaded,
            "ms",
            "read, validate, compile rules/",
        ),
    ]


def measurements() -> list[Measurement]:
    """Every figure of this section."""
    return evaluation_figures() + cold_cli_figures()
