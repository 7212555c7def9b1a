"""Who changed the rulebook: one record per save, restore or install, in `.history/changes.jsonl` beside the kept
versions (`advisor.authoring.versions`).

A record says when, who (the actor's label: a verified e-mail, `local user`, `ann (command line)`), what
(`save`, `restore`, `install`), which files were written, which kept version each replaced file became, and the
rulebook version after it. `advisor.authoring.history.commit` appends it while holding the directory's lock, right
after the files are written. Why after: a record for a write that then failed would name a change never made; a
crash between the two loses one record, never a file. At most `KEEP_CHANGES` records are kept.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from advisor.authoring.versions import HISTORY_DIR
from advisor.files import write_atomic

LOG_NAME = "changes.jsonl"
KEEP_CHANGES = 1000  # Why: ~200 bytes a record; bounds the file and still covers years of edits


@dataclass(frozen=True)
class Change:
    """One change of the rulebook: `kept` maps each replaced file to the version number it was kept as."""

    at: float  # seconds since the epoch
    by: str
    action: str
    files: tuple[str, ...]
    version: str
    kept: dict[str, int] = field(default_factory=dict)


def append(directory: Path | str, change: Change) -> None:
    """Add `change` to the log (the caller holds the directory's lock)."""
    path = Path(directory) / HISTORY_DIR / LOG_NAME
    path.parent.mkdir(exist_ok=True)
    lines = _lines(path)[-(KEEP_CHANGES - 1) :]
    record = {
        "at": round(change.at, 3),
        "by": change.by,
        "action": change.action,
        "files": list(change.files),
        "kept": change.kept,
        "version": change.version,
    }
    lines.append(json.dumps(record, ensure_ascii=False))
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))


def changes(directory: Path | str) -> list[Change]:
    """Every recorded change, newest first. A line that is not a record (a hand edit) is skipped."""
    found = []
    for line in _lines(Path(directory) / HISTORY_DIR / LOG_NAME):
        with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
            r = json.loads(line)
            kept = {str(k): int(v) for k, v in dict(r.get("kept", {})).items()}
            found.append(
                Change(
                    float(r["at"]), str(r["by"]), str(r["action"]), tuple(map(str, r["files"])), str(r["version"]), kept
                )
            )
    return found[::-1]


def now() -> float:
    return time.time()


def _lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return [line for line in text.splitlines() if line.strip()]
