"""The `advisor` command line. User errors: one clear message, exit 2, no traceback. Bugs keep their traceback.

Each command module registers its subcommands through `register(subparsers)`; heavy imports stay inside the
command functions so `advisor recommend` starts fast (no pandas, no streamlit on that path).
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from advisor.errors import UserError

# Modules that add subcommands (each has `register(subparsers)`), in help order.
COMMAND_MODULES = ("advisor.cli", "advisor.cli_batch", "advisor.cli_export", "advisor.cli_saved")
# Modules that add `advisor rules ...` subcommands (each has `register_rules(rules_subparsers)`), in help order.
RULES_COMMAND_MODULES: tuple[str, ...] = ("advisor.cli_rules", "advisor.cli_rules_export")


def write_output(text: str | bytes, output: str | None, binary: bool = False) -> None:
    """Text goes to stdout unless -o is given; binary output requires -o (a terminal is no place for bytes)."""
    if output is None:
        if binary:
            raise UserError("this format is binary: give an output file with -o PATH")
        sys.stdout.write(text if isinstance(text, str) else text.decode())
        return
    from advisor.files import write_atomic

    write_atomic(Path(output), text.encode() if isinstance(text, str) else text)


def load_rules(rules_dir: str | None):
    from advisor.rulebook import load_rulebook

    return load_rulebook(rules_dir)


def cmd_recommend(args: argparse.Namespace) -> int:
    from advisor.answers import read_answers
    from advisor.engine import evaluate
    from advisor import recommendation

    rulebook = load_rules(args.rules)
    answers = read_answers(args.file, rulebook)
    ev = evaluate(rulebook, answers.traits, answers.steps, answers.workflow)
    if args.format == "md":  # the full Markdown report (advisor.report), the same as `advisor report --format md`
        from advisor.report import build_report, to_markdown

        write_output(to_markdown(build_report(ev, rulebook)), args.output)
        return 0
    render = {"json": recommendation.as_json, "text": recommendation.as_text}
    write_output(render[args.format](ev, rulebook), args.output)
    return 0


def cmd_rules_check(args: argparse.Namespace) -> int:
    rulebook = load_rules(args.dir)
    print(f"{rulebook.origin}: ok ({len(rulebook.questions)} questions, {len(rulebook.rules)} rules, "
          f"{len(rulebook.scenarios)} scenarios; version {rulebook.version}, sha256 {rulebook.short_hash})")
    return 0


def cmd_rules_test(args: argparse.Namespace) -> int:
    from advisor.scenarios import run_scenarios

    rulebook = load_rules(args.dir)
    run = run_scenarios(rulebook)
    for result in run.results:
        mark = "PASS" if result.passed else "FAIL"
        print(f"{mark}  {result.scenario.name}  -> {result.evaluation.style} "
              f"(confidence {result.evaluation.confidence:.2f})")
        for failure in result.failures:
            print(f"      {failure}")
    failed = sum(not r.passed for r in run.results)
    print(f"\n{len(run.results) - failed} passed, {failed} failed")
    print(f"rule coverage: {run.coverage * 100:.0f}% of {run.rule_count} rules fire in at least one scenario "
          "and stay silent in at least one")
    for rid in run.never_fired:
        print(f"  never fires: {rid} ({rulebook.origin}/rules.yaml:{rulebook.rule_line(rid)})")
    for rid in run.never_silent:
        print(f"  never silent: {rid} ({rulebook.origin}/rules.yaml:{rulebook.rule_line(rid)})")
    return 0 if run.passed else 1


def cmd_schema(args: argparse.Namespace) -> int:
    from advisor.schema import write_schemas

    for path in write_schemas(Path(args.out)):
        print(path)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("recommend", help="recommend a coordination style for an answers file")
    p.add_argument("file", help="answers file (YAML or JSON)")
    p.add_argument("--rules", metavar="DIR", help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.add_argument("--format", choices=("text", "json", "md"), default="text")
    p.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    p.set_defaults(func=cmd_recommend)

    rules = sub.add_parser("rules", help="check, test and manage rulebooks")
    rsub = rules.add_subparsers(dest="rules_command", required=True, metavar="COMMAND")
    p = rsub.add_parser("check", help="validate every rule file; print all errors as FILE:LINE:COL: path: message")
    p.add_argument("dir", nargs="?", default=None, help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.set_defaults(func=cmd_rules_check)
    p = rsub.add_parser("test", help="run the rule scenarios and report rule coverage (fails under 100%%)")
    p.add_argument("dir", nargs="?", default=None, help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.set_defaults(func=cmd_rules_test)
    for name in RULES_COMMAND_MODULES:
        importlib.import_module(name).register_rules(rsub)

    p = sub.add_parser("schema", help="write the JSON Schemas of the file formats")
    p.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "rules" / "schema"),
                   help="directory to write to (default: rules/schema)")
    p.set_defaults(func=cmd_schema)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="advisor", description=(
        "Recommends orchestration, choreography or a hybrid for a workflow, and explains why."))
    from advisor import __version__

    parser.add_argument("--version", action="version", version=f"advisor {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = sys.modules[__name__] if name == __name__ else importlib.import_module(name)
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as e:
        for problem in e.problems:
            where = str(problem) if problem.file else (f"{problem.path}: {problem.message}" if problem.path
                                                       else problem.message)
            print(where if problem.file else f"error: {where}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
