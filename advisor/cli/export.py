"""`advisor diagram` and `advisor report`: the diagram and the report of an answers file, in any export format.

    advisor diagram FILE [--rules DIR] [--style S] [--view graph|sequence] --format dot|svg|png|pdf|mermaid [-o PATH]
    advisor report FILE [--rules DIR] --format md|html|pdf|adr [--date YYYY-MM-DD] [-o PATH]

Text formats go to stdout without `-o`; binary ones (png, pdf) need `-o` (exit 2 with a clear message).

Why: start-up time, for the function-local imports (graphviz, the report renderers); see advisor/cli/core.py.
"""

from __future__ import annotations

import argparse

from advisor.cli.common import load_rules, write_output
from advisor.engine.answers import read_answers
from advisor.engine.assessment import Assessment, assess
from advisor.errors import UserError
from advisor.rulebook.formats import STYLES
from advisor.rulebook.loading import Rulebook

DIAGRAM_FORMATS = ("dot", "svg", "png", "pdf", "mermaid")
REPORT_FORMATS = ("md", "html", "pdf", "adr")
BINARY = ("png", "pdf")
SEQUENCE_FORMATS = ("svg", "mermaid")


def _assess(args: argparse.Namespace) -> tuple[Assessment, Rulebook]:
    rulebook = load_rules(args.rules)
    return assess(rulebook, read_answers(args.file, rulebook)), rulebook


def cmd_diagram(args: argparse.Namespace) -> int:
    if args.format in BINARY and args.output is None:  # fail before any work
        raise UserError(f"{args.format} is a binary format: give an output file with -o PATH")
    if args.view == "sequence" and args.format not in SEQUENCE_FORMATS:
        raise UserError(f"the sequence view is drawn as {' or '.join(SEQUENCE_FORMATS)}, not {args.format}")
    from advisor.views.diagram import dot as diagram

    assessment, _ = _assess(args)
    ev = assessment.evaluation
    if args.view == "sequence":
        from advisor.views.diagram.sequence import to_mermaid_sequence, to_svg_sequence

        text = to_svg_sequence(ev, args.style) if args.format == "svg" else to_mermaid_sequence(ev, args.style)
        write_output(text, args.output)
        return 0
    if args.format == "mermaid":
        write_output(diagram.to_mermaid(ev, args.style), args.output)
        return 0
    digraph = diagram.build_diagram(ev, args.style)
    if args.format == "dot":
        write_output(diagram.to_dot(digraph), args.output)
    else:
        data = diagram.render(digraph, args.format)
        write_output(data.decode("utf-8") if args.format == "svg" else data, args.output, binary=args.format in BINARY)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    if args.format in BINARY and args.output is None:
        raise UserError(f"{args.format} is a binary format: give an output file with -o PATH")
    if args.date is not None and args.format != "adr":
        raise UserError("--date applies to --format adr only (the other reports carry no date)")
    from advisor.views.report import adr, html, markdown, pdf
    from advisor.views.report.model import build_report

    assessment, rulebook = _assess(args)
    r = build_report(assessment, rulebook)
    if args.format == "md":
        write_output(markdown.to_markdown(r), args.output)
    elif args.format == "html":
        write_output(html.to_html(r), args.output)
    elif args.format == "adr":
        write_output(adr.to_adr(r, date=args.date, status=args.status), args.output)
    else:
        write_output(pdf.to_pdf(r), args.output, binary=True)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diagram", help="draw the services of an answers file (DOT, SVG, PNG, PDF or Mermaid)")
    p.add_argument("file", help="answers file (YAML or JSON)")
    p.add_argument("--rules", metavar="DIR", help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.add_argument("--style", choices=STYLES, default=None, help="draw in this style (default: the recommended one)")
    p.add_argument(
        "--view",
        choices=("graph", "sequence"),
        default="graph",
        help="graph: services and their links (default); sequence: the messages in order (svg or mermaid)",
    )
    p.add_argument("--format", choices=DIAGRAM_FORMATS, required=True)
    p.add_argument("-o", "--output", metavar="PATH", help="write to a file (required for png and pdf)")
    p.set_defaults(func=cmd_diagram)

    p = sub.add_parser("report", help="the full report of an answers file (Markdown, HTML, PDF or an ADR)")
    p.add_argument("file", help="answers file (YAML or JSON)")
    p.add_argument("--rules", metavar="DIR", help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.add_argument("--format", choices=REPORT_FORMATS, required=True)
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the ADR's date (default: 'undated', so output is stable)")
    p.add_argument(
        "--status",
        default="proposed",
        choices=("proposed", "accepted", "rejected", "deprecated", "superseded"),
        help="the ADR's status (default: proposed)",
    )
    p.add_argument("-o", "--output", metavar="PATH", help="write to a file (required for pdf)")
    p.set_defaults(func=cmd_report)
