"""`advisor rules export [DIR] --format jdm [-o PATH]`: the rulebook in another engine's format.

JDM is GoRules' JSON Decision Model: the export opens in GoRules' editors and runs in zen-engine, computing the
same scores, style and confidence as `advisor recommend` (tests/test_peer_zen.py checks this).

Why: start-up time: the exporter is imported inside the command; see advisor/cli/core.py.
"""

from __future__ import annotations

import argparse

from advisor.cli.common import load_rules, write_output


def cmd_rules_export(args: argparse.Namespace) -> int:
    from advisor.authoring.jdm import export_json

    rulebook = load_rules(args.dir)
    write_output(export_json(rulebook), args.output)
    return 0


def register_rules(rsub: argparse._SubParsersAction) -> None:
    """Add `export` to the `advisor rules` group."""
    p = rsub.add_parser("export", help="export the rulebook as a GoRules JDM decision graph (zen-engine)")
    p.add_argument("dir", nargs="?", default=None, help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.add_argument(
        "--format", choices=("jdm",), default="jdm", help="jdm: GoRules JSON Decision Model (the only format so far)"
    )
    p.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    p.set_defaults(func=cmd_rules_export)
