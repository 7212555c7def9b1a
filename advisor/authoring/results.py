"""What a save of the rulebook reports, wherever the rulebook lives: the file states, the save's result, the
stale-edit refusal and its diff (`advisor.authoring.history` re-exports them)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from advisor.authoring.versions import RuleFileVersion, file_hash
from advisor.errors import Problem, UserError
from advisor.rulebook.loading import Rulebook


@dataclass(frozen=True)
class FileState:
    """One rule file as read from disk: its name, its bytes and their hash."""

    name: str
    text: bytes
    hash: str


@dataclass(frozen=True)
class SaveResult:
    """What a save or restore did: the files written (new state), the versions kept, the new rulebook.

    The file saved comes first in `written` and `kept`; rules.yaml follows when the save raised the version."""

    written: tuple[FileState, ...]
    kept: tuple[RuleFileVersion, ...]
    rulebook: Rulebook
    raised: tuple[str, str] | None = None  # (version before, version written) when this save raised it


class StaleEditError(UserError):
    """The file changed on disk since the editor read it; `diff` shows what changed, nothing was written."""

    def __init__(self, problems: list[Problem], diff: str, current: dict[str, FileState]):
        super().__init__(problems)
        self.diff = diff
        self.current = current


def state(name: str, text: bytes) -> FileState:
    return FileState(name, text, file_hash(text))


def unified_diff(old: bytes, new: bytes, old_label: str, new_label: str) -> str:
    """A unified diff of two texts (undecodable bytes shown as �), '' when they are equal."""
    a = old.decode("utf-8", "replace").splitlines(keepends=True)
    b = new.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, old_label, new_label)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
