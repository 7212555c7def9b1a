"""`advisor recommend FILE`: the recommendation for an answers file, as text, JSON (the contract) or Markdown.

Why a module of its own: start-up time. `advisor recommend` is the command scripts and pipelines run most, so
building its parser imports nothing but this module (see COMMANDS in advisor/cli/main.py), and running it only
what the chosen format needs (issue 17).
"""

from __future__ import annotations

import argparse

from advisor.cli.common import load_rules, write_output


def cmd_recommend(args: argparse.Namespace) -> int:
    from advisor.engine.answers import read_answers
    from advisor.engine.assessment import assess
    from advisor.views import contract

    # Why plain for text and JSON: they read only fields, so the rulebook may come from its snapshot and a surely
    # valid answers file may skip the models (no pydantic: start-up time, issue 17); the report needs the models
    fast = args.format != "md"
    rulebook = load_rules(args.rules, snapshot=fast)
    assessment = assess(rulebook, read_answers(args.file, rulebook, plain_steps=fast))
    if args.format == "md":  # the full Markdown report, the same as `advisor report --format md`
        from advisor.views.report.markdown import to_markdown
        from advisor.views.report.model import build_report

        write_output(to_markdown(build_report(assessment, rulebook)), args.output)
        return 0
    render = {"json": contract.as_json, "text": contract.as_text}
    write_output(render[args.format](assessment, rulebook), args.output)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("recommend", help="recommend a coordination style for an answers file")
    p.add_argument("file", help="answers file (YAML or JSON)")
    p.add_argument("--rules", metavar="DIR", help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.add_argument("--format", choices=("text", "json", "md"), default="text")
    p.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    p.set_defaults(func=cmd_recommend)
