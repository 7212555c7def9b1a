"""`advisor rules push DIR | pull DIR`: publish a rule-file directory as the new current version of the rulebook in
the database `$ADVISOR_RULES_URL`, and write the current version out to a directory.

A push is refused when it is stale (the database's current version is not the one it was made from: `--base HASH`,
or the hash `pull` recorded in DIR/.rulebook-base) or invalid (every problem named by file, line and field); nothing
is written then. A pull writes each file atomically and records the base last.

Why: start-up time: the database modules are imported inside the commands (and need the optional `store` extra).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from advisor.access import local_actor
from advisor.authoring.location import RulesDatabase, configured
from advisor.errors import Problem, UserError
from advisor.files import write_atomic
from advisor.rulebook.loading import FILES, build_rulebook, content_hash, read_texts

BASE_FILE = ".rulebook-base"  # in a pulled directory: the sha256 of the version it was pulled (or pushed) as


def database() -> RulesDatabase:
    found = configured()
    if found is None:
        raise UserError(
            "ADVISOR_RULES_URL is not set: name the rulebook database, e.g. "
            "ADVISOR_RULES_URL=postgresql+psycopg://user@host/db (or sqlite:///rules.db)"
        )
    return found


def recorded_base(directory: Path) -> str | None:
    try:
        return (directory / BASE_FILE).read_text(encoding="utf-8").strip() or None
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def write_out(directory: Path, texts: dict[str, bytes], digest: str) -> None:
    """Each rule file atomically, then the base (so a pull cut short records no base it did not write)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            write_atomic(directory / name, texts[name])
        write_atomic(directory / BASE_FILE, (digest + "\n").encode())
    except OSError as e:
        raise UserError.at(str(directory), f"cannot write: {e.strerror or e}") from None


def cmd_push(args: argparse.Namespace) -> int:
    from advisor.authoring.history import StaleEditError, commit
    from advisor.cli.rules import login_name

    where = database()
    directory = Path(args.dir)
    texts = read_texts(directory)
    build_rulebook(texts, str(directory))  # Why first: the problems then name the files of DIR, line and field
    base = args.base or recorded_base(directory)

    def not_stale(current: dict[str, bytes]) -> None:
        if not current:
            return  # the first version: nothing to be stale against
        now = content_hash(current)
        if base is None or len(base) < 12 or not now.startswith(base):
            said = "no base was given" if base is None else f"it was made from sha256 {base[:12]}"
            message = (
                f"the rulebook in {where} is at sha256 {now[:12]} and {said}: the push was NOT published and the "
                f"current version is intact. Pull it (advisor rules pull {directory}), re-apply your changes and "
                "push again, or give --base HASH"
            )
            raise StaleEditError([Problem(str(directory), None, None, "", message)], "", {})

    result = commit(where, texts, not_stale, by=local_actor(login_name()), action="push")
    write_out(directory, result.rulebook.texts, result.rulebook.hash)  # DIR now holds what was published
    if not result.written:
        print(f"{where} already holds this rulebook (sha256 {result.rulebook.short_hash}); nothing changed")
        return 0
    raised = f", version raised from {result.raised[0]} to {result.raised[1]}" if result.raised else ""
    print(
        f"published {directory} to {where}: rulebook version {result.rulebook.version}, "
        f"sha256 {result.rulebook.short_hash}{raised}; files changed: {', '.join(f.name for f in result.written)}"
    )
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from advisor.authoring import rulesdb

    where = database()
    stored = rulesdb.store_for(where).current()
    if stored is None:
        raise UserError(f"{where} holds no rulebook yet: publish one with advisor rules push DIR")
    rulebook = rulesdb.store_for(where).rulebook(stored)  # a tampered version is refused, not written out
    write_out(Path(args.dir), rulebook.texts, rulebook.hash)
    print(
        f"wrote version {stored.number} of {where} (rulebook version {rulebook.version}, sha256 "
        f"{rulebook.short_hash}, saved by {stored.saved_by}) to {args.dir}"
    )
    return 0


def register_rules(rsub: argparse._SubParsersAction) -> None:
    """Add push and pull to the `advisor rules` group."""
    p = rsub.add_parser("push", help="publish a rulebook directory as the current version in $ADVISOR_RULES_URL")
    p.add_argument("dir", help="the rulebook directory to publish")
    p.add_argument("--base", metavar="HASH", help="the sha256 it was made from (default: the one pull recorded)")
    p.set_defaults(func=cmd_push)
    p = rsub.add_parser("pull", help="write the current version of $ADVISOR_RULES_URL's rulebook to a directory")
    p.add_argument("dir", help="the directory to write (created if missing)")
    p.set_defaults(func=cmd_pull)
