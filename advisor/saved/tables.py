"""The saved assessments' tables, and connecting to their database (SQLite tuned for safe concurrent writes).

`assessments` (id, unique name, owner), `versions` (one row per save: answers and evaluation as JSON, style, confidence,
the rulebook's version and hash, a timestamp, a note), and `rulebooks` (each rulebook an assessment was saved
under, by content hash). Created when missing; all writes go through `advisor.saved.store.Store`.

`owner` (the `advisor.access.Actor.id` of whoever first saved it) came later: `add_missing_columns` adds it to a
database made before, with '' (no owner recorded) for the assessments already there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa

MAX_NAME = 200
MAX_OWNER = 320  # Why: an e-mail address is at most 254 characters; `sub:` and a provider's subject fit too
WRITE = "advisor_write"  # execution option marking a transaction that writes

metadata = sa.MetaData()
assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(MAX_NAME), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("owner", sa.String(MAX_OWNER), nullable=False, server_default=""),
)
versions = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("answers", sa.Text, nullable=False),
    sa.Column("evaluation", sa.Text, nullable=False),
    sa.Column("style", sa.String(20), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("rulebook_version", sa.String(40), nullable=False),
    sa.Column("rulebook_hash", sa.String(64), nullable=False),
    sa.UniqueConstraint("assessment_id", "number", name="one_number_per_version"),
)
rulebooks = sa.Table(
    "rulebooks",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("texts", sa.Text, nullable=False),  # JSON {file name: text}
)


BUSY_TIMEOUT = 3  # seconds a SQLite write waits for another writer's lock before it is refused, named
FILE_INFO = "advisor_sqlite_file"  # connection info: (path, (device, inode)) of the SQLite file it opened


def add_missing_columns(engine: sa.Engine) -> None:
    """Add the columns later versions introduced to tables an earlier version created (an additive migration:
    each new column has a default, so existing rows and older readers keep working)."""
    if "owner" in {c["name"] for c in sa.inspect(engine).get_columns("assessments")}:
        return
    try:
        with engine.execution_options(**{WRITE: True}).begin() as db:
            db.exec_driver_sql(f"ALTER TABLE assessments ADD COLUMN owner VARCHAR({MAX_OWNER}) NOT NULL DEFAULT ''")
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):
        # Why not raise at once: another instance starting at the same moment may have added it first
        if "owner" not in {c["name"] for c in sa.inspect(engine).get_columns("assessments")}:
            raise


def connect(url: str) -> sa.Engine:
    """An engine for `url`; for SQLite: foreign keys on, WAL, write transactions that take the lock first (waiting
    at most `BUSY_TIMEOUT` seconds), and each connection remembers which file it opened (`faults.vanished`)."""
    if url.startswith("sqlite"):
        database = sqlite_file(url)
        if database:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # Why short: a locked database (another program holding a write lock) is said within seconds; saves
        # themselves hold the lock for milliseconds.
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})

        @sa.event.listens_for(engine, "connect")
        def _connect(connection: Any, record: Any) -> None:
            connection.isolation_level = None  # we issue BEGIN ourselves (below)
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")  # Why: readers never wait for a writer
            cursor.close()
            if database and os.path.exists(database):
                record.info[FILE_INFO] = (database, identity(database))

        @sa.event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            # Why IMMEDIATE for writes: a transaction that reads and then writes would otherwise fail at once
            # with "database is locked" when another writer committed in between; IMMEDIATE takes the write
            # lock first, and waits (up to the timeout) for it.
            write = connection.get_execution_options().get(WRITE, False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def sqlite_file(url: str) -> str | None:
    """The file a SQLite URL names (`sqlite:///path`, or `sqlite:///file:path?mode=ro&uri=true`), or None for an
    in-memory database."""
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    if database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    return str(Path(database).expanduser())


def identity(path: str) -> tuple[int, int]:
    """(device, inode) of a file: which file a path names now."""
    s = os.stat(path)
    return (s.st_dev, s.st_ino)
