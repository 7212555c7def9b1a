"""The two kinds of failure: a user's input was wrong, or the program is.

Why: the CLI and the app show a `UserError` as a clear message (with its places) and keep running; any other
exception is a bug and keeps its traceback.
"""

from __future__ import annotations

from advisor.records import Ordered, _set


class Problem(Ordered):
    """One thing wrong with an input, at one place: FILE:LINE:COL: dotted.path: message. Ordered by those."""

    FIELDS = ("file", "line", "column", "path", "message")
    __slots__ = FIELDS
    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __init__(self, file: str, line: int | None, column: int | None, path: str, message: str) -> None:
        _set(self, "file", file)
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "path", path)
        _set(self, "message", message)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class UserError(Exception):
    """Bad input from the user. Carries every problem found, so all of them can be shown at once."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("", None, None, "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(
        cls, file: str, message: str, line: int | None = None, column: int | None = None, path: str = ""
    ) -> UserError:
        return cls([Problem(file, line, column, path, message)])
