"""`make bench`: every figure the issues ask for, as one table of medians (min-max), and bench/results.json.

Each section is a module of bench/ with a `measurements()` function returning `bench.timing.Measurement`s (or
plain dicts with the same keys). A section whose module is missing or cannot run prints one line saying so,
and the rest still runs. `--only engine,peer` runs some sections; `--json PATH` writes the results elsewhere.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import os
import platform
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # Why: `python bench/run.py` puts bench/ on the path, not the repository
    sys.path.insert(0, str(ROOT))

from bench.timing import Measurement  # noqa: E402

# (key, module, title): in the order of the table
SECTIONS = (
    ("advice", "bench.advice", "advice: agreement with published decisions (issue 12)"),
    ("engine", "bench.engine", "engine: one evaluation and a cold CLI (issue 2)"),
    ("peer", "bench.peer", "peer: GoRules zen-engine on the same rulebook"),
    ("growth", "bench.growth", "growth: evaluation time vs number of rules"),
    ("diagram", "bench.diagram_report", "diagrams and reports (diagram time vs steps)"),
    ("web", "bench.web", "web app"),
    ("batch", "bench.batch", "batch evaluation"),
    ("load", "bench.load", "load: 20 concurrent browser sessions"),
    ("protocol", "bench.protocol_load", "protocol load: 100 sessions through nginx to 1 and 2 replicas (issue 16)"),
)


def _as_measurement(item, default_section: str) -> Measurement:
    """Accept our dataclass or a dict with its field names (other helpers' modules may return either)."""
    if isinstance(item, Measurement):
        return item
    if isinstance(item, dict):
        d = dict(item)
        median = float(d.pop("median"))
        return Measurement(
            d.pop("section", default_section),
            str(d.pop("name")),
            median,
            float(d.pop("low", d.pop("min", median))),
            float(d.pop("high", d.pop("max", median))),
            str(d.pop("unit", "")),
            str(d.pop("note", "")),
            d.pop("extra", {}) | d,
        )
    raise TypeError(f"unexpected measurement {item!r}")


def run_section(module_name: str, title: str) -> tuple[list[Measurement], str | None]:
    """The section's figures, or why there are none."""
    if importlib.util.find_spec(module_name) is None:
        return [], "not available yet (no " + module_name.replace(".", "/") + ".py)"
    try:
        module = importlib.import_module(module_name)
        why_not = getattr(module, "available", lambda: None)()
        if why_not:
            return [], why_not
        return [_as_measurement(m, title) for m in module.measurements()], None
    except Exception as e:  # Why: one broken section must not hide the others; the traceback goes to stderr
        traceback.print_exc()
        return [], f"failed: {type(e).__name__}: {e}"


def number(value: float) -> str:
    """A figure with as many digits as a reader can use."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def print_table(rows: list[tuple[str, list[Measurement], str | None]], out=sys.stdout) -> None:
    width = max([len(m.name) for _, ms, _ in rows for m in ms] + [40])
    spreads = [f"{number(m.low)} - {number(m.high)}" for _, ms, _ in rows for m in ms if m.low != m.high]
    spread_width = max([len(x) for x in spreads] + [19])
    median_width = max([len(number(m.median)) for _, ms, _ in rows for m in ms] + [9])
    header = f"{'measure':<{width}}  {'median':>{median_width}}  {'min - max':>{spread_width}}  {'unit':<4}  note"
    print(header, file=out)
    print("-" * len(header), file=out)
    for title, measurements, why_not in rows:
        print(f"\n== {title}", file=out)
        if why_not:
            print(f"   {why_not}", file=out)
        current = None
        for m in measurements:
            if m.section != current and m.section != title and len({x.section for x in measurements}) > 1:
                print(f"  -- {m.section}", file=out)
            current = m.section
            spread = "" if m.low == m.high else f"{number(m.low)} - {number(m.high)}"
            print(
                f"{m.name:<{width}}  {number(m.median):>{median_width}}  {spread:>{spread_width}}  {m.unit:<4}  "
                f"{m.note}",
                file=out,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated sections: " + ",".join(k for k, _, _ in SECTIONS))
    parser.add_argument("--json", default=str(ROOT / "bench" / "results.json"), help="where to write the results")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else {k for k, _, _ in SECTIONS}
    unknown = wanted - {k for k, _, _ in SECTIONS}
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")

    started = time.perf_counter()
    rows = []
    for key, module, title in SECTIONS:
        if key not in wanted:
            continue
        print(f"running {key} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        measurements, why_not = run_section(module, title)
        print(f"  {key}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        rows.append((title, measurements, why_not))

    print(
        f"\nAdvisor benchmarks: medians with min - max over repeated runs "
        f"(Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()})\n"
    )
    print_table(rows)
    elapsed = time.perf_counter() - started
    print(f"\n(total {elapsed:.0f} s; results in {os.path.relpath(args.json, ROOT)})")
    Path(args.json).write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "machine": platform.machine(),
                "seconds": round(elapsed, 1),
                "sections": [
                    {"title": t, "skipped": w, "measurements": [m.as_dict() for m in ms]} for t, ms, w in rows
                ],
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
