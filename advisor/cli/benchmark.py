"""`advisor benchmark [DIR]`: the advice measured on published decisions (benchmark/README.md).

Exit status: 0 when the run is printed, 2 when a case file is invalid (every problem with its line).

Why the function-local imports: start-up time; see advisor/cli/core.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from advisor.cli.common import load_rules, write_output

DEFAULT_CASES = Path("benchmark") / "cases"


def cmd_benchmark(args: argparse.Namespace) -> int:
    from advisor.authoring.benchmark import fit_confidence, read_cases, run_benchmark
    from advisor.authoring.benchmark_report import as_json, as_text, write_reliability_png

    rulebook = load_rules(args.rules)
    run = run_benchmark(rulebook, read_cases(args.dir, rulebook))
    fit = fit_confidence(run) if args.fit else None
    if args.plot:
        write_reliability_png(run, Path(args.plot))
    render = as_json if args.format == "json" else as_text
    write_output(render(run, fit), args.output)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("benchmark", help="measure the advice on published decisions (benchmark/cases)")
    p.add_argument("dir", nargs="?", default=str(DEFAULT_CASES), help="folder of case files (default: benchmark/cases)")
    p.add_argument("--rules", metavar="DIR", help="rulebook directory (default: $ADVISOR_RULES or the packaged one)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--fit", action="store_true", help="also fit the confidence and report its leave-one-out Brier score"
    )
    p.add_argument("--plot", metavar="PNG", help="write the reliability diagram (needs matplotlib: the bench extra)")
    p.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    p.set_defaults(func=cmd_benchmark)
