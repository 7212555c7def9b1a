"""`advisor saved ...`: the saved assessments from the command line (the same database as the web app).

    advisor saved list                         every assessment: versions, latest style and confidence
    advisor saved history NAME                 its versions, newest first
    advisor saved export NAME [--version N]    a version's answers as an answers file (YAML)
    advisor saved reevaluate [--rules DIR]     every latest version under a rulebook: which recommendations change
                                               (--exit-code: exit 1 when any style changes, for CI after rule edits)

Why: the store is an optional extra (`store`: SQLAlchemy), so its modules are imported inside the commands,
which say how to install it when it is missing; this also keeps start-up time down (see advisor/cli/core.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from advisor.cli.common import load_rules, write_output
from advisor.errors import UserError
from advisor.views.names import check_visible


def _store():
    try:
        from advisor.saved.store import Store
    except ImportError:
        raise UserError("saved assessments need the store extra: pip install 'coordination-advisor[store]'") from None
    return Store()


def _find(store, name: str) -> int:
    found = store.find(name)
    if found is None:
        check_visible(name)  # a name with an invisible character: say so, not only that none matches
        raise UserError(f"no saved assessment named '{name}' (see `advisor saved list`)")
    return found


def cmd_list(args: argparse.Namespace) -> int:
    store = _store()
    rows = [("name", "versions", "last saved", "style", "confidence")]
    rows += [
        (
            s.name,
            str(s.versions),
            s.latest.saved_at.strftime("%Y-%m-%d %H:%M UTC"),
            s.latest.style,
            f"{s.latest.confidence:.2f}",
        )
        for s in store.list_all()
    ]
    _print_table(rows, empty="no saved assessments")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    store = _store()
    rows = [("version", "saved", "style", "confidence", "rulebook", "note")]
    rows += [
        (
            str(v.number),
            v.saved_at.strftime("%Y-%m-%d %H:%M UTC"),
            v.style,
            f"{v.confidence:.2f}",
            f"{v.rulebook_version} ({v.rulebook_hash[:12]})",
            v.note,
        )
        for v in store.history(_find(store, args.name))
    ]
    _print_table(rows)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store = _store()
    write_output(store.export_yaml(_find(store, args.name), args.version), args.output)
    return 0


def cmd_reevaluate(args: argparse.Namespace) -> int:
    from advisor.saved.reevaluation import reevaluate_all

    rulebook = load_rules(args.rules)
    results = reevaluate_all(_store(), rulebook)
    rows = [("assessment", "version", "saved", "now", "change", "rules now firing", "no longer firing")]
    rows += [
        (
            r.name,
            str(r.version),
            f"{r.saved_style} ({r.saved_confidence:.2f})",
            f"{r.style} ({r.confidence:.2f})",
            r.change or "-",
            ", ".join(r.started) or "-",
            ", ".join(r.stopped) or "-",
        )
        for r in results
    ]
    _print_table(rows, empty="no saved assessments")
    changed = sum(r.change == "style" for r in results)
    print(
        f"\n{changed} of {len(results)} recommendations change under {rulebook.origin} "
        f"(version {rulebook.version}, sha256 {rulebook.short_hash})"
    )
    for r in results:
        if r.dropped:
            print(f"  {r.name}: answers that no longer fit the rulebook were reset: {', '.join(r.dropped)}")
    return 1 if args.exit_code and changed else 0


def _print_table(rows: Sequence[tuple[str, ...]], empty: str = "") -> None:
    if len(rows) == 1 and empty:
        print(empty)
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


def register(sub: argparse._SubParsersAction) -> None:
    saved = sub.add_parser(
        "saved",
        help="saved assessments: list, history, export, re-evaluate "
        "(database: $ADVISOR_DB_URL, default a SQLite file in your data directory)",
    )
    ssub = saved.add_subparsers(dest="saved_command", required=True, metavar="COMMAND")
    p = ssub.add_parser("list", help="every saved assessment with its latest version")
    p.set_defaults(func=cmd_list)
    p = ssub.add_parser("history", help="the versions of one assessment, newest first")
    p.add_argument("name")
    p.set_defaults(func=cmd_history)
    p = ssub.add_parser("export", help="a version's answers as an answers file (YAML)")
    p.add_argument("name")
    p.add_argument("--version", type=int, metavar="N", help="the version (default: the latest)")
    p.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    p.set_defaults(func=cmd_export)
    p = ssub.add_parser("reevaluate", help="re-run every saved assessment under a rulebook; list what changes")
    p.add_argument("--rules", metavar="DIR", help="rulebook directory (default: $ADVISOR_RULES or rules/)")
    p.add_argument("--exit-code", action="store_true", help="exit 1 when any recommended style changes")
    p.set_defaults(func=cmd_reevaluate)
