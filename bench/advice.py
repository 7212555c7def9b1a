"""The advice measured on the benchmark of published decisions (issue 12): agreement, recall per style, Brier.

Prints the full benchmark report (confusion matrix, every miss with the rules that fired) and returns the
headline figures, each with its aim. The confidence's two fitted numbers are reported out of sample
(leave-one-out); the style is not fitted, so its leave-one-out agreement is its agreement.
"""

from __future__ import annotations

from advisor.authoring.benchmark import fit_confidence, read_cases, run_benchmark
from advisor.authoring.benchmark_report import as_text
from advisor.rulebook.formats import STYLES
from advisor.rulebook.loading import load_rulebook
from bench.timing import Measurement

SECTION = "advice"
CASES = "benchmark/cases"


def _share(hit: int, total: int) -> float:
    return round(100 * hit / total, 1) if total else 0.0


def _aim(value: float, aim: float, higher: bool = True) -> str:
    met = value >= aim if higher else value <= aim
    return f"aim {'>=' if higher else '<='} {aim:g}: {'met' if met else 'MISSED'}"


def measurements() -> list[Measurement]:
    rulebook = load_rulebook()
    run = run_benchmark(rulebook, read_cases(CASES, rulebook))
    fit = fit_confidence(run)
    print(as_text(run, fit))
    out = []

    def add(name: str, value: float, unit: str, note: str) -> None:
        out.append(Measurement(SECTION, name, value, value, value, unit, note))

    solid = _share(*run.agreement("solid"))
    add(
        "agreement, solid cases",
        solid,
        "%",
        f"{run.agreement('solid')[0]}/{run.agreement('solid')[1]}; " + _aim(solid, 90),
    )
    every = _share(*run.agreement())
    add("agreement, all cases", every, "%", f"{run.agreement()[0]}/{run.agreement()[1]} (no aim; weak cases included)")
    for style in STYLES:
        for strength in ("solid", None):
            hit, total = run.recall(style, strength)
            value = _share(hit, total)
            label = "solid" if strength else "all"
            add(f"recall {style}, {label} cases", value, "%", f"{hit}/{total}; " + _aim(value, 80))
    add("Brier score of the confidence", round(run.brier(), 3), "", "0 is perfect, 0.25 is a constant 0.5")
    add(
        "Brier, leave-one-out fit of the confidence",
        round(fit.brier_leave_one_out, 3),
        "",
        "the headline: out of sample",
    )
    right, wrong = run.mean_confidence(True), run.mean_confidence(False)
    add(
        "mean confidence when right",
        round(right, 3),
        "",
        f"when wrong {wrong:.3f}; aim right > wrong: " + ("met" if right > wrong else "MISSED"),
    )
    return out
