"""`advisor blueprint`: the workflow as a starting point in another tool's format (AsyncAPI, Step Functions, ...).

    advisor blueprint FILE [--rules DIR] --format FORMAT [--style S] [-o PATH]

The formats are those of `advisor.views.blueprints.FORMATS`; every one is text, so it goes to stdout without `-o`.
"""

from __future__ import annotations

import argparse

from advisor.cli.common import load_rules, write_output
from advisor.engine.answers import read_answers
from advisor.engine.evaluate import evaluate
from advisor.rulebook.formats import STYLES
from advisor.views.blueprints import FORMATS, render_blueprint


def cmd_blueprint(args: argparse.Namespace) -> int:
    rulebook = load_rules(args.rules)
    ev = evaluate(rulebook, read_answers(args.file, rulebook))
    write_output(render_blueprint(ev, args.format, args.style), args.output)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "blueprint",
        help=f"the workflow as a blueprint for another tool ({', '.join(f.title for f in FORMATS.values())})",
    )
    p.add_argument("file", help="answers file (YAML or JSON)")
    p.add_argument("--rules", metavar="DIR", help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.add_argument("--format", choices=tuple(FORMATS), required=True)
    p.add_argument("--style", choices=STYLES, default=None, help="in this style (default: the recommended one)")
    p.add_argument("-o", "--output", metavar="PATH", help="write to a file (default: stdout)")
    p.set_defaults(func=cmd_blueprint)
