"""A benchmark run in words and numbers: the terminal report, its JSON, and the reliability plot (PNG)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from advisor.authoring.benchmark import BenchmarkRun, ConfidenceFitResult
from advisor.errors import UserError
from advisor.rulebook.formats import STYLES

BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


def _pct(hit: int, total: int) -> str:
    return f"{hit}/{total} ({100 * hit / total:.0f}%)" if total else "0/0"


def reliability(run: BenchmarkRun) -> list[dict[str, Any]]:
    """Per confidence bin: how many cases, their mean confidence, and the share that was right."""
    out = []
    for lo, hi in itertools.pairwise(BINS):
        rows = [r for r in run.results if lo <= r.confidence < hi]
        if rows:
            out.append(
                {
                    "from": lo,
                    "to": min(hi, 1.0),
                    "cases": len(rows),
                    "mean_confidence": round(sum(r.confidence for r in rows) / len(rows), 3),
                    "right": round(sum(r.correct for r in rows) / len(rows), 3),
                }
            )
    return out


def as_dict(run: BenchmarkRun, fit: ConfidenceFitResult | None = None) -> dict[str, Any]:
    """The figures of a run, as data (`advisor benchmark --format json`)."""
    out: dict[str, Any] = {
        "cases": len(run.results),
        "agreement": dict(zip(("right", "cases"), run.agreement())),
        "agreement_solid": dict(zip(("right", "cases"), run.agreement("solid"))),
        "recall": {s: dict(zip(("right", "cases"), run.recall(s))) for s in STYLES},
        "recall_solid": {s: dict(zip(("right", "cases"), run.recall(s, "solid"))) for s in STYLES},
        "confusion": run.confusion(),
        "brier": round(run.brier(), 4),
        "mean_confidence_right": round(run.mean_confidence(True), 3),
        "mean_confidence_wrong": round(run.mean_confidence(False), 3),
        "reliability": reliability(run),
        "misses": [
            {
                "case": r.case.id,
                "chosen": r.case.chosen,
                "advised": r.style,
                "strength": r.case.strength,
                "confidence": r.confidence,
                "fired": [f.rule_id for f in r.assessment.evaluation.fired],
            }
            for r in run.misses
        ],
    }
    if fit is not None:
        out["confidence_fit"] = {
            **fit.fit.model_dump(),
            "brier_in_sample": round(fit.brier_in_sample, 4),
            "brier_leave_one_out": round(fit.brier_leave_one_out, 4),
        }
    return out


def as_json(run: BenchmarkRun, fit: ConfidenceFitResult | None = None) -> str:
    return json.dumps(as_dict(run, fit), indent=2, ensure_ascii=False) + "\n"


def as_text(run: BenchmarkRun, fit: ConfidenceFitResult | None = None) -> str:
    """The report `advisor benchmark` prints."""
    lines = [
        f"Benchmark: {len(run.results)} published decisions "
        f"({len(run.subset('solid'))} solid, {len(run.subset('weak'))} weak)",
        "",
    ]
    lines.append(f"Agreement, all cases:   {_pct(*run.agreement())}")
    lines.append(f"Agreement, solid cases: {_pct(*run.agreement('solid'))}")
    for style in STYLES:
        lines.append(
            f"  recall {style:<13} all {_pct(*run.recall(style)):<12} solid {_pct(*run.recall(style, 'solid'))}"
        )
    lines += [
        "",
        "Confusion (rows: the source chose; columns: the advisor said)",
        f"  {'':<14}" + "".join(f"{s:>15}" for s in STYLES),
    ]
    for chosen, row in run.confusion().items():
        lines.append(f"  {chosen:<14}" + "".join(f"{row[s]:>15}" for s in STYLES))
    lines += [
        "",
        f"Brier score of the confidence: {run.brier():.3f} (0 is perfect; always 0.5 gives 0.250)",
        f"Mean confidence when right: {run.mean_confidence(True):.2f}; when wrong: {run.mean_confidence(False):.2f}",
    ]
    if fit is not None:
        lines.append(
            f"Confidence fit: bias {fit.fit.bias}, per point {fit.fit.per_point}, per answered share "
            f"{fit.fit.per_answer}; Brier in sample {fit.brier_in_sample:.3f}, leave-one-out "
            f"{fit.brier_leave_one_out:.3f}"
        )
    lines += ["", "Reliability (confidence bin: cases, mean confidence, share right)"]
    for b in reliability(run):
        lines.append(
            f"  {b['from']:.1f}-{b['to']:.1f}: {b['cases']:>3} cases, {b['mean_confidence']:.2f}, {b['right']:.2f}"
        )
    lines += ["", f"Misses ({len(run.misses)}):"]
    for r in run.misses:
        fired = ", ".join(f.rule_id for f in r.assessment.evaluation.fired) or "no rule"
        lines.append(
            f"  - {r.case.id} [{r.case.strength}]: source chose {r.case.chosen}, advisor said {r.style} "
            f"({r.confidence:.2f})"
        )
        lines.append(f"      fired: {fired}")
    return "\n".join(lines) + "\n"


def write_reliability_png(run: BenchmarkRun, path: Path) -> None:
    """The reliability diagram: mean confidence per bin against the share right, with the diagonal.

    Why matplotlib is imported here: it is the optional `bench` extra, needed only for the plot."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UserError("the reliability plot needs matplotlib: pip install 'coordination-advisor[bench]'") from None

    bins = reliability(run)
    fig, ax = plt.subplots(figsize=(5, 5), dpi=120)
    ax.plot([0, 1], [0, 1], linestyle="--", color="#7B8794", label="perfectly calibrated")
    ax.plot(
        [b["mean_confidence"] for b in bins], [b["right"] for b in bins], marker="o", color="#1F4E79", label="advisor"
    )
    for b in bins:
        ax.annotate(
            str(b["cases"]),
            (b["mean_confidence"], b["right"]),
            textcoords="offset points",
            xytext=(6, -4),
            fontsize=8,
            color="#52606D",
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("confidence (mean per bin; labels: cases)")
    ax.set_ylabel("share of cases where the source chose the advised style")
    ax.set_title(f"Reliability on {len(run.results)} published decisions (Brier {run.brier():.3f})", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
