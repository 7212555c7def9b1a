"""`advisor rules check | test` and `advisor schema`: the core commands (`advisor recommend`: cli/recommend.py).

Why: start-up time, for the function-local imports. Every command module is imported to build the parser, so
each imports at the top only what building the parser needs, and the rest inside the command that uses it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from advisor.cli import rules as rules_commands
from advisor.cli import rules_db, rules_export
from advisor.cli.common import load_rules
from advisor.resources import DEFAULT_RULES


def cmd_rules_check(args: argparse.Namespace) -> int:
    rulebook = load_rules(args.dir)
    print(
        f"{rulebook.origin}: ok ({len(rulebook.questions)} questions, {len(rulebook.rules)} rules, "
        f"{len(rulebook.scenarios)} scenarios; version {rulebook.version}, sha256 {rulebook.short_hash})"
    )
    return 0


def cmd_rules_test(args: argparse.Namespace) -> int:
    from advisor.engine.scenarios import run_scenarios

    rulebook = load_rules(args.dir)
    run = run_scenarios(rulebook)
    for result in run.results:
        mark = "PASS" if result.passed else "FAIL"
        print(
            f"{mark}  {result.scenario.name}  -> {result.evaluation.style} "
            f"(confidence {result.evaluation.confidence:.2f})"
        )
        for failure in result.failures:
            print(f"      {failure}")
    failed = sum(not r.passed for r in run.results)
    print(f"\n{len(run.results) - failed} passed, {failed} failed")
    print(
        f"rule coverage: {run.coverage * 100:.0f}% of {run.rule_count} rules fire in at least one scenario "
        "and stay silent in at least one"
    )
    for rid in run.never_fired:
        print(f"  never fires: {rid} ({rulebook.origin}/rules.yaml:{rulebook.rule_line(rid)})")
    for rid in run.never_silent:
        print(f"  never silent: {rid} ({rulebook.origin}/rules.yaml:{rulebook.rule_line(rid)})")
    return 0 if run.passed else 1


def cmd_schema(args: argparse.Namespace) -> int:
    from advisor.rulebook.schema import write_schemas

    for path in write_schemas(Path(args.out)):
        print(path)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    rules = sub.add_parser("rules", help="check, test and manage rulebooks")
    rsub = rules.add_subparsers(dest="rules_command", required=True, metavar="COMMAND")
    p = rsub.add_parser("check", help="validate every rule file; print all errors as FILE:LINE:COL: path: message")
    p.add_argument("dir", nargs="?", default=None, help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.set_defaults(func=cmd_rules_check)
    p = rsub.add_parser("test", help="run the rule scenarios and report rule coverage (fails under 100%%)")
    p.add_argument("dir", nargs="?", default=None, help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.set_defaults(func=cmd_rules_test)
    for module in (rules_commands, rules_export, rules_db):
        module.register_rules(rsub)

    p = sub.add_parser("schema", help="write the JSON Schemas of the file formats")
    p.add_argument("--out", default=str(DEFAULT_RULES / "schema"), help="directory to write to (default: rules/schema)")
    p.set_defaults(func=cmd_schema)
