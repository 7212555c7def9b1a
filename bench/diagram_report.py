"""Diagrams and reports (issue 4): diagram build and dot render for 10, 50 and 200 steps, and report export
per format.

- build: `build_diagram` alone (pure Python: plan, escape, DOT statements), per style;
- build + render SVG: the same plus `dot -Tsvg` as a subprocess and the SVG sanitiser, per style: what the
  Export page pays;
- report export: `build_report` + the renderer, for the order-checkout example, per format (html and pdf
  include drawing the diagram with dot; pdf includes WeasyPrint).

    python bench/diagram_report.py     # this section alone, as a table
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from advisor.engine.answers import Answers  # noqa: E402
from bench.timing import Measurement, auto_number, once_each, per_call  # noqa: E402

SECTION = "diagrams and reports (issue 4)"
SIZES = (10, 50, 200)
STYLES = ("orchestration", "choreography", "hybrid")
EXAMPLE = ROOT / "examples" / "order-checkout.yaml"


def available() -> str | None:
    """Why this section cannot run here, or None."""
    import shutil

    return None if shutil.which("dot") else "Graphviz's dot is not installed"


def synthetic(rulebook, n: int):
    """An evaluation with `n` steps: services reused every 12 steps, every third compensable, every fourth a
    reaction (so hybrid has both clusters)."""
    from advisor.engine.evaluate import evaluate
    from advisor.rulebook.formats import Step

    steps = [
        Step(
            service=f"Service {i % 12}",
            action=f"Handle request {i}",
            compensation=f"Undo request {i}" if i % 3 == 0 else None,
            reaction=i % 4 == 3,
        )
        for i in range(n)
    ]
    return evaluate(
        rulebook, Answers({"compensation": True, "ordering": "strict", "fan_out": 3}, steps, f"{n}-step flow")
    )


def measurements() -> list[Measurement]:
    from advisor.engine.answers import read_answers
    from advisor.rulebook.loading import load_rulebook
    from advisor.views.diagram.dot import build_diagram, render
    from advisor.views.report.adr import to_adr
    from advisor.views.report.html import to_html
    from advisor.views.report.markdown import to_markdown
    from advisor.views.report.model import build_report
    from advisor.views.report.pdf import to_pdf

    rulebook = load_rulebook()
    out: list[Measurement] = []
    for n in SIZES:
        ev = synthetic(rulebook, n)
        for style in STYLES:
            build = functools.partial(build_diagram, ev, style)
            med, lo, hi = per_call(build, number=auto_number(build), repeat=5, unit="ms")
            out.append(Measurement(SECTION, f"diagram build, {n} steps, {style}", med, lo, hi, "ms"))
            digraph = build()
            repeat = 5 if n < 200 else 3
            med, lo, hi = once_each(lambda ev=ev, style=style: render(build_diagram(ev, style), "svg"), repeat=repeat)
            out.append(
                Measurement(
                    SECTION,
                    f"diagram build + dot render SVG, {n} steps, {style}",
                    med,
                    lo,
                    hi,
                    "ms",
                    extra={"statements": len(digraph.body)},
                )
            )

    from advisor.engine.assessment import assess

    assessment = assess(rulebook, read_answers(str(EXAMPLE), rulebook))
    exports = {
        "md": lambda: to_markdown(build_report(assessment, rulebook)),
        "adr": lambda: to_adr(build_report(assessment, rulebook)),
        "html": lambda: to_html(build_report(assessment, rulebook)),
        "pdf": lambda: to_pdf(build_report(assessment, rulebook)),
    }
    for fmt, fn in exports.items():
        fn()  # warm up: lazy imports (WeasyPrint) and font loading are not what we measure
        med, lo, hi = once_each(fn, repeat=3 if fmt == "pdf" else 7)
        note = {
            "md": "includes tipping points and Mermaid",
            "adr": "MADR 4.0",
            "html": "includes dot -Tsvg",
            "pdf": "includes dot -Tsvg and WeasyPrint",
        }[fmt]
        out.append(Measurement(SECTION, f"report export {fmt} (order-checkout)", med, lo, hi, "ms", note))
    return out


def run() -> list[dict]:
    """The figures as plain dicts: name, median_ms, min_ms, max_ms."""
    return [{"name": m.name, "median_ms": m.median, "min_ms": m.low, "max_ms": m.high} for m in measurements()]


def main() -> int:
    why = available()
    if why:
        print(f"{SECTION}: skipped ({why})")
        return 0
    rows = measurements()
    width = max(len(m.name) for m in rows)
    print(f"{'':{width}}  {'median':>9}  {'min-max':>19}")
    for m in rows:
        print(f"{m.name:{width}}  {m.median:9.2f}  {m.low:8.2f}-{m.high:<8.2f} {m.unit}  {m.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
