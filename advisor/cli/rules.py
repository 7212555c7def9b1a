"""`advisor rules lint | diff | history | restore`: look after a rulebook from the command line.

Exit status: 0 fine, 1 findings (lint) or changed recommendations (diff --exit-code), 2 a user error.

Why: start-up time: the authoring modules are imported inside the command that uses them; see advisor/cli/core.py.
"""

from __future__ import annotations

import argparse
import getpass
import time

from advisor.access import local_actor
from advisor.authoring.location import RulesDatabase, configured
from advisor.cli.common import load_rules, write_output
from advisor.rulebook.changes import definition_changes
from advisor.rulebook.loading import FILES, default_rules_dir

DIR_HELP = "rulebook directory (default: $ADVISOR_RULES_URL's database, else $ADVISOR_RULES or rules/)"


def cmd_lint(args: argparse.Namespace) -> int:
    from advisor.authoring.lint import lint

    rulebook = load_rules(args.dir)
    findings = lint(rulebook)
    for finding in findings:
        print(finding)
    print(
        f"{len(findings)} finding{'s' if len(findings) != 1 else ''} in {rulebook.origin}"
        if findings
        else f"{rulebook.origin}: no findings"
    )
    return 1 if findings else 0


def cmd_diff(args: argparse.Namespace) -> int:
    from advisor.authoring import diff as rulesdiff

    old, new = load_rules(args.old), load_rules(args.new)
    cases = rulesdiff.scenario_cases(old, new)
    for directory in args.answers or ():
        cases += rulesdiff.answer_cases(directory)
    changes = definition_changes(old, new)
    results = rulesdiff.recommendation_changes(old, new, cases)
    render = {"text": rulesdiff.as_text, "md": rulesdiff.as_markdown, "json": rulesdiff.as_json}[args.format]
    write_output(render(old, new, changes, results), args.output)
    changed = any(r.change in ("style", "validity") for r in results)
    return 1 if args.exit_code and changed else 0


def cmd_history(args: argparse.Namespace) -> int:
    from advisor.authoring.history import kept_versions

    directory = args.dir or configured() or str(default_rules_dir())
    versions = kept_versions(directory, args.file)
    if not versions:
        print(f"{directory}: no previous versions kept yet (they are kept at each save, in .history/)")
        return 0
    print(f"{'file':<16} {'version':>7}  {'kept at (UTC)':<20} {'bytes':>7}")
    for v in versions:
        kept = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(v.modified))
        print(f"{v.file:<16} {v.number:>7}  {kept:<20} {v.size:>7}")
    named = "" if isinstance(directory, RulesDatabase) else f"{directory} "
    print(f"\nrestore one with: advisor rules restore {named}FILE --version N")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from advisor.authoring.history import restore

    directory = args.dir or configured() or str(default_rules_dir())
    result = restore(directory, args.file, args.version, by=local_actor(login_name()))
    if not result.written:
        print(f"{args.file} already has that content; nothing changed")
        return 0
    kept = result.kept[0]
    raised = f", version raised from {result.raised[0]} to {result.raised[1]}" if result.raised else ""
    print(
        f"restored {args.file} in {directory} (rulebook sha256 {result.rulebook.short_hash}{raised}); "
        f"the replaced version is kept as version {kept.number}"
    )
    return 0


def login_name() -> str:
    """The operating-system user running the command, for the rulebook's change log ('' when unknown)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER variable and no passwd entry (some containers)
        return ""


def register_rules(rsub: argparse._SubParsersAction) -> None:
    """Add lint, diff, history and restore to the `advisor rules` group."""
    p = rsub.add_parser(
        "lint",
        help="find rules that never fire, contradictions, unread questions, unused "
        "options, placeholder or unfindable sources and rules no scenario covers (exit 1 on findings)",
    )
    p.add_argument("dir", nargs="?", default=None, help=DIR_HELP)
    p.set_defaults(func=cmd_lint)

    p = rsub.add_parser("diff", help="what changed between two rulebooks, and which recommendations change")
    p.add_argument("old", help="the old rulebook directory")
    p.add_argument("new", help="the new rulebook directory")
    p.add_argument(
        "--answers",
        metavar="DIR",
        action="append",
        help="re-run every answers file in DIR under both rulebooks (repeatable)",
    )
    p.add_argument("--format", choices=("text", "md", "json"), default="text")
    p.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    p.add_argument(
        "--exit-code",
        action="store_true",
        help="exit 1 when any recommendation changes (for CI), as `git diff --exit-code`",
    )
    p.set_defaults(func=cmd_diff)

    p = rsub.add_parser("history", help="list the kept previous versions of the rule files")
    p.add_argument("dir", nargs="?", default=None, help=DIR_HELP)
    p.add_argument("--file", choices=tuple(FILES), help="only this file's versions")
    p.set_defaults(func=cmd_history)

    p = rsub.add_parser("restore", help="make a kept previous version of a rule file current again (validated)")
    p.add_argument("dir", nargs="?", default=None, help=DIR_HELP)
    p.add_argument("file", choices=tuple(FILES), help="the rule file to restore")
    p.add_argument("--version", type=int, metavar="N", help="the version to restore (default: the most recent)")
    p.set_defaults(func=cmd_restore)
