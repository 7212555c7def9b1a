"""A database that cannot take a save: locked, read-only, unusable, or gone (a SQLite file deleted or moved while
the app runs). Each is a `UserError` that says so and what it means; a save is reported only when it reached the
file that will be read at the next start."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from advisor.errors import UserError
from advisor.saved.tables import BUSY_TIMEOUT, FILE_INFO, WRITE, identity

NOT_SAVED = "nothing was saved"
NOT_READ = "what it holds cannot be shown"


@contextlib.contextmanager
def writing(engine: sa.Engine, where: str) -> Iterator[sa.Connection]:
    """A transaction that will write: committed when the block ends, rolled back when it raises. `where` names the
    database in messages (without its password)."""
    try:
        with engine.execution_options(**{WRITE: True}).begin() as db:
            check_in_place(db, NOT_SAVED)
            yield db
            check_in_place(db, NOT_SAVED)  # Why again: the file may have gone while this transaction waited
    except OperationalError as e:
        raise unusable(e, where, NOT_SAVED) from None


@contextlib.contextmanager
def reading(engine: sa.Engine, where: str) -> Iterator[sa.Connection]:
    """A connection to read with."""
    try:
        with engine.connect() as db:
            check_in_place(db, NOT_READ)
            yield db
    except OperationalError as e:
        raise unusable(e, where, NOT_READ) from None


def vanished(db: sa.Connection) -> str | None:
    """The path of the SQLite file this connection opened, when it is no longer the file at that path (it or its
    directory was deleted or moved): SQLite would go on writing to the deleted file, and every save would be lost
    at the next start. None while the file is in place, and for other databases."""
    opened = db.info.get(FILE_INFO)
    if opened is None:
        return None
    path, opened_as = opened
    try:
        return None if identity(path) == opened_as else path
    except OSError:
        return path


def check_in_place(db: sa.Connection, consequence: str) -> None:
    path = vanished(db)
    if path is not None:
        raise UserError(
            f"the assessments database {path} was deleted or moved while the app runs, so {consequence}; put the "
            "file back, or restart the app to start a new database"
        )


def unusable(e: OperationalError, where: str, consequence: str) -> UserError:
    """What a database error means to a user: locked (named, with the time waited), read-only, or unusable."""
    text = str(e.orig or e).lower()
    if "locked" in text or "busy" in text:
        return UserError(
            f"the assessments database is locked by another program (waited {BUSY_TIMEOUT} s), so {consequence}; "
            "try again in a moment"
        )
    if "readonly" in text or "read-only" in text:
        return UserError(
            f"the assessments database ({where}) is read-only, so {consequence}; make the file and its directory "
            "writable, or set ADVISOR_DB_URL to a writable database"
        )
    first = str(e.orig or e).splitlines()[0][:200]
    return UserError(f"the assessments database ({where}) cannot be used, so {consequence}: {first}")
