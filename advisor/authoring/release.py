"""A save that changes a rulebook raises its version: rules.yaml's `version` gets its patch number raised.

Every result records the rulebook's version, so two different rulebooks must not carry the same one. A save
(`advisor.authoring.history.commit`: the app's editor, `advisor rules restore`, a zip upload) that changes any
rule file therefore raises the patch number of the version on disk (2.0.0 -> 2.0.1), unless the new texts
already carry a higher version (the author raised it, e.g. to 2.1.0 for new rules). A restore of an older
rules.yaml is no exception: versions only go up (restoring 2.0.0 over 2.0.1 makes 2.0.2).

Only the version's characters are rewritten, in place, so comments and layout stay as the author wrote them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from advisor.errors import UserError
from advisor.rulebook.formats import RulesFile
from advisor.rulebook.loading import Rulebook, build_rulebook
from advisor.rulebook.messages import parse


def version_key(version: str) -> tuple[int, int, int]:
    """`"2.0.10"` -> `(2, 0, 10)`: versions compare by number, not as text."""
    major, minor, patch = (int(part) for part in version.split("."))
    return major, minor, patch


def version_of(rules_text: bytes | None) -> str | None:
    """The `version` of a rules.yaml text, or None when there is none or the file does not validate."""
    if rules_text is None:
        return None
    try:
        parsed, _ = parse(rules_text, "rules.yaml", RulesFile)
    except UserError:
        return None
    return str(parsed.version)


def next_version(on_disk: str | None, new: str) -> str | None:
    """The version a save must write when it changes the rulebook from one whose rules.yaml says `on_disk` to
    texts that say `new`: the patch after `on_disk`, or None when `new` stands (it is higher, or nothing valid
    is on disk to compare it with)."""
    if on_disk is None or version_key(new) > version_key(on_disk):
        return None
    major, minor, patch = version_key(on_disk)
    return f"{major}.{minor}.{patch + 1}"


def with_version(rulebook: Rulebook, version: str) -> bytes:
    """The rulebook's rules.yaml text with its `version` value replaced by `version`, nothing else changed."""
    text = rulebook.texts["rules.yaml"].decode("utf-8")
    line, column = rulebook.documents["rules.yaml"].where(("version",))
    lines = text.splitlines(keepends=True)
    if line is None or column is None or line > len(lines):
        raise AssertionError("rules.yaml's version has no position")  # a validated file always has one
    at = lines[line - 1].find(rulebook.version, column - 1)
    if at < 0:
        raise AssertionError(f"rules.yaml line {line} does not hold its version {rulebook.version!r}")
    lines[line - 1] = lines[line - 1][:at] + version + lines[line - 1][at + len(rulebook.version) :]
    return "".join(lines).encode("utf-8")


@dataclass(frozen=True)
class Plan:
    """What a save will write: the files that change (rules.yaml too when its version was raised), the whole
    rulebook after it (validated), and (version before, version written) when the save raised it."""

    changed: dict[str, bytes]
    merged: dict[str, bytes]
    rulebook: Rulebook
    raised: tuple[str, str] | None


def plan(
    current: dict[str, bytes],
    changes: dict[str, bytes],
    check: Callable[[dict[str, bytes]], None] | None,
    origin: str,
) -> Plan:
    """The save of `changes` over the `current` texts, whatever holds them (a directory, a database): `check`
    (the stale test) first, then the whole rulebook validated (raises `UserError`: nothing is written), then the
    version raised when any file changes and the changes do not raise it themselves."""
    if check is not None:
        check(current)
    merged = {**current, **changes}
    rulebook = build_rulebook(merged, origin)
    changed = {n: t for n, t in changes.items() if t != current.get(n)}
    raised = None
    before = version_of(current.get("rules.yaml"))
    after = next_version(before, rulebook.version) if changed else None
    if after is not None:
        changed["rules.yaml"] = merged["rules.yaml"] = with_version(rulebook, after)
        rulebook = build_rulebook(merged, origin)
        assert rulebook.version == after  # the rewrite touched the version and nothing else
        raised = (str(before), after)
    return Plan(changed, merged, rulebook, raised)
