"""`advisor import-trace`: the current design of a workflow, read from OpenTelemetry traces (OTLP JSON).

    advisor import-trace TRACES [--format yaml|json] [--flow NAME] [--rules DIR] [-o PATH]

`yaml` (the default) writes an answers file for one flow, ready for `advisor recommend`; `json` lists every flow
with its steps, each step's mode and the style the traces show.

Why: start-up time, for the function-local imports (see advisor/cli/core.py).
"""

from __future__ import annotations

import argparse

from advisor.cli.common import load_rules, write_output
from advisor.errors import UserError


def cmd_import_trace(args: argparse.Namespace) -> int:
    from advisor.engine.answers import dump_yaml
    from advisor.tracing import design, flows, otlp

    try:
        with open(args.file, "rb") as f:
            raw = f.read(otlp.MAX_BYTES + 1)
    except OSError as e:
        raise UserError.at(args.file, f"cannot read: {e.strerror}") from None
    found = flows.find_flows(otlp.read_spans(raw, args.file))
    if args.format == "json":
        chosen = found if args.flow is None else [design.choose(found, args.flow)]
        write_output(design.to_json(chosen), args.output)
        return 0
    answers = design.to_answers(design.choose(found, args.flow), load_rules(args.rules))
    write_output(dump_yaml(answers), args.output)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import-trace", help="read a workflow's current design from OpenTelemetry traces (OTLP JSON or JSON Lines)"
    )
    p.add_argument("file", metavar="TRACES", help="OTLP JSON trace export (one request, or one per line)")
    p.add_argument(
        "--format",
        choices=("yaml", "json"),
        default="yaml",
        help="yaml: an answers file for one flow (default); json: every flow, its steps and current style",
    )
    p.add_argument("--flow", metavar="NAME", help="the flow to take (its root span's name), when there are several")
    p.add_argument("--rules", metavar="DIR", help="rulebook directory: which traits to answer (default: packaged)")
    p.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    p.set_defaults(func=cmd_import_trace)
