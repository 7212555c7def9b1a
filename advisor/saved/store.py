"""Saved assessments: named, with every save kept as a new version, in a real database through SQLAlchemy.

SQLite by default, in a file in the user's data directory (`platformdirs.user_data_dir("advisor")`); set
`ADVISOR_DB_URL` to any SQLAlchemy URL to use another, e.g. `postgresql+psycopg://user@host/db` so that several
app instances of a team share one store. Only code that saves imports this module (the `store` extra).

Tables (`advisor.saved.tables`): `assessments` (id, unique name, owner), `versions` (one row per save: answers, the
evaluation as the JSON contract of `advisor recommend --format json`, style, confidence, the rulebook's version
and hash, a timestamp) and `rulebooks` (each rulebook an assessment was saved under, by hash, so a
re-evaluation can say what changed).

Every write is one transaction: a failed save, rename or delete leaves everything saved before as it was.

Every write is made by an actor (`advisor.access.Actor`, default: the command line's local user): a save needs
`SAVE` and, for a new version of an existing assessment, to be its owner (or an admin); a rename or a delete needs
to be its owner or an admin. The owner is checked inside the write's transaction, so a check and its write are one
step. The web app always passes the session's actor (tests/test_architecture.py checks it).
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from advisor.access import Actor, Permission, local_actor
from advisor.engine.answers import Answers, dump_yaml, to_dict
from advisor.engine.assessment import Assessment
from advisor.errors import UserError
from advisor.rulebook.formats import AnswersFile
from advisor.rulebook.loading import Rulebook
from advisor.saved.faults import reading, writing
from advisor.saved.records import (
    Saved,
    SavedVersion,
    Summary,
    check_name,
    check_note,
    missing,
    version_columns,
    version_row,
)
from advisor.saved.tables import (
    add_missing_columns,
    assessments,
    connect,
    metadata,
    rulebooks,
    versions,
)
from advisor.views.contract import as_dict

ENV_VAR = "ADVISOR_DB_URL"
COMMAND_LINE = local_actor()
SAVE_ATTEMPTS = 5  # Why: two instances creating one new assessment at once race for its name; the loser retries


def default_url() -> str:
    """`$ADVISOR_DB_URL`, else a SQLite file in the user's data directory."""
    url = os.environ.get(ENV_VAR, "").strip()
    if url:
        return url
    return f"sqlite:///{Path(platformdirs.user_data_dir('advisor')) / 'assessments.db'}"


def printable_url(url: str) -> str:
    """The database URL to show (in a caption, a message): without its password."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _without_password(text: str, url: str) -> str:
    """`text` with the URL's password (`scheme://user:PASSWORD@host`) masked, even where the URL cannot be parsed.
    Why: these messages reach the page and the terminal; a database password must not."""
    found = re.search(r"://[^:/@\s]*:([^@\s]+)@", url)
    return text.replace(found.group(1), "***") if found else text


class Store:
    """The saved assessments in one database. Thread-safe (SQLAlchemy's pool); create one per process."""

    def __init__(self, url: str | None = None, clock: Callable[[], datetime] | None = None):
        self.url = url or default_url()
        self._clock = clock or (lambda: datetime.now(UTC))
        try:
            self.engine = connect(self.url)
            metadata.create_all(self.engine)
            add_missing_columns(self.engine)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as e:
            shown = _without_password(f"{self.url} ({e})", self.url)
            raise UserError(f"{ENV_VAR}: not a usable database URL: {shown}") from None
        except (OperationalError, OSError) as e:
            shown = _without_password(f"({self.url}): {_first_line(e)}", self.url)
            raise UserError(f"cannot open the assessments database {shown}") from None

    def close(self) -> None:
        self.engine.dispose()

    def _writing(self):
        """A transaction that will write: committed when the block ends, rolled back when it raises; a locked,
        read-only or vanished database is a `UserError` (`advisor.saved.faults`)."""
        return writing(self.engine, printable_url(self.url))

    def _reading(self):
        return reading(self.engine, printable_url(self.url))

    # ------------------------------------------------------------ writes (each one transaction)
    def save(
        self, name: str, assessment: Assessment, rulebook: Rulebook, note: str = "", *, by: Actor = COMMAND_LINE
    ) -> Saved:
        """Save a new version of the assessment called `name` (created on its first save, owned by `by`). Answers
        equal to its latest version's, under the same rulebook, add nothing: that version comes back `unchanged`."""
        by.require(Permission.SAVE)
        name, note = check_name(name), check_note(note)
        evaluation = assessment.evaluation
        record = {
            "note": note,
            "answers": json.dumps(to_dict(assessment.answers), ensure_ascii=False),
            "evaluation": json.dumps(as_dict(assessment, rulebook), ensure_ascii=False),
            "style": evaluation.style,
            "confidence": evaluation.confidence,
            "rulebook_version": rulebook.version,
            "rulebook_hash": rulebook.hash,
        }
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self._writing() as db:
                    # Why FOR UPDATE: concurrent saves of one assessment (several app instances on PostgreSQL)
                    # then take turns computing its next version number. SQLite's BEGIN IMMEDIATE does the same.
                    found = db.execute(
                        sa.select(assessments.c.id, assessments.c.owner)
                        .where(assessments.c.name == name)
                        .with_for_update()
                    ).first()
                    now = self._clock()
                    if found is None:
                        values = {"name": name, "created_at": now, "owner": by.id}
                        aid = db.execute(assessments.insert().values(**values)).inserted_primary_key[0]
                    else:
                        aid = found.id
                        if not by.may_add_version(found.owner):
                            by.require_owner(found.owner, f"an assessment named '{name}' exists and")
                    latest = db.execute(
                        sa.select(versions.c.number, versions.c.answers, versions.c.rulebook_hash)
                        .where(versions.c.assessment_id == aid)
                        .order_by(versions.c.number.desc())
                        .limit(1)
                    ).first()
                    unchanged = _same(latest, record)
                    number = (latest.number if latest else 0) + (0 if unchanged else 1)
                    if not unchanged:
                        db.execute(versions.insert().values(assessment_id=aid, number=number, saved_at=now, **record))
                    if db.scalar(sa.select(rulebooks.c.hash).where(rulebooks.c.hash == rulebook.hash)) is None:
                        texts = {k: v.decode("utf-8") for k, v in sorted(rulebook.texts.items())}
                        db.execute(
                            rulebooks.insert().values(
                                hash=rulebook.hash,
                                version=rulebook.version,
                                texts=json.dumps(texts, ensure_ascii=False),
                            )
                        )
                break
            except IntegrityError:
                if attempt == SAVE_ATTEMPTS - 1:
                    raise UserError(
                        f"could not save '{name}': others were saving it at the same time; try again"
                    ) from None
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        return replace(self.open(aid, number), unchanged=unchanged)

    def rename(self, assessment_id: int, new_name: str, *, by: Actor = COMMAND_LINE) -> None:
        """Give an assessment another name (its versions keep theirs); refused when the name is taken, or when
        `by` is neither its owner nor an admin."""
        new_name = check_name(new_name)
        try:
            with self._writing() as db:
                self._check_owner(db, assessment_id, by, "renamed")
                done = db.execute(
                    assessments.update().where(assessments.c.id == assessment_id).values(name=new_name)
                ).rowcount
        except IntegrityError:
            raise UserError(f"an assessment named '{new_name}' already exists; choose another name") from None
        if not done:
            raise missing(assessment_id)

    def delete(self, assessment_id: int, *, by: Actor = COMMAND_LINE) -> None:
        """Delete an assessment and every version of it; refused unless `by` is its owner or an admin."""
        with self._writing() as db:
            self._check_owner(db, assessment_id, by, "deleted")
            db.execute(versions.delete().where(versions.c.assessment_id == assessment_id))
            done = db.execute(assessments.delete().where(assessments.c.id == assessment_id)).rowcount
        if not done:
            raise missing(assessment_id)

    @staticmethod
    def _check_owner(db: sa.Connection, assessment_id: int, by: Actor, done: str) -> None:
        """Refuse (raising, so the transaction rolls back) unless `by` may change the assessment."""
        row = db.execute(
            sa.select(assessments.c.name, assessments.c.owner)
            .where(assessments.c.id == assessment_id)
            .with_for_update()
        ).first()
        if row is None:
            raise missing(assessment_id)
        if not by.may_manage(row.owner):
            by.require_owner(row.owner, f"not {done}: '{row.name}'")

    # ------------------------------------------------------------ reads
    def list_all(self) -> list[Summary]:
        """Every assessment with its latest version, by name."""
        latest = (
            sa.select(
                versions.c.assessment_id,
                sa.func.max(versions.c.number).label("number"),
                sa.func.count().label("version_count"),
            )
            .group_by(versions.c.assessment_id)
            .subquery()
        )
        query = (
            sa.select(
                assessments.c.id, assessments.c.name, assessments.c.owner, latest.c.version_count, *version_columns()
            )
            .join(latest, latest.c.assessment_id == assessments.c.id)
            .join(versions, sa.and_(versions.c.assessment_id == assessments.c.id, versions.c.number == latest.c.number))
            .order_by(assessments.c.name)
        )
        with self._reading() as db:  # the label is not `count`: that is a method of every Row
            return [Summary(r.id, r.name, r.version_count, version_row(r), r.owner) for r in db.execute(query)]

    def find(self, name: str) -> int | None:
        """The id of the assessment called `name`, or None."""
        with self._reading() as db:
            return db.scalar(sa.select(assessments.c.id).where(assessments.c.name == name.strip()))

    def history(self, assessment_id: int) -> list[SavedVersion]:
        """Every version of an assessment, newest first."""
        query = (
            sa.select(*version_columns())
            .where(versions.c.assessment_id == assessment_id)
            .order_by(versions.c.number.desc())
        )
        with self._reading() as db:
            rows = [version_row(r) for r in db.execute(query)]
        if not rows:
            raise missing(assessment_id)
        return rows

    def open(self, assessment_id: int, number: int | None = None) -> Saved:
        """One version of an assessment (default: the latest)."""
        query = (
            sa.select(
                assessments.c.name, assessments.c.owner, versions.c.answers, versions.c.evaluation, *version_columns()
            )
            .join(versions, versions.c.assessment_id == assessments.c.id)
            .where(assessments.c.id == assessment_id)
            .order_by(versions.c.number.desc())
            .limit(1)
        )
        if number is not None:
            query = query.where(versions.c.number == number)
        with self._reading() as db:
            row = db.execute(query).first()
        if row is None:
            raise missing(assessment_id, number)
        model = AnswersFile.model_validate(json.loads(row.answers))
        answers = Answers(dict(model.traits), tuple(model.steps), model.workflow)
        return Saved(assessment_id, row.name, version_row(row), answers, json.loads(row.evaluation), row.owner)

    def export_yaml(self, assessment_id: int, number: int | None = None) -> str:
        """A version's answers as an answers file (re-importable in the app and by `advisor recommend`)."""
        return dump_yaml(self.open(assessment_id, number).answers)

    def rulebook_texts(self, digest: str) -> dict[str, bytes] | None:
        """The files of a rulebook some assessment was saved under, by content hash."""
        with self._reading() as db:
            text = db.scalar(sa.select(rulebooks.c.texts).where(rulebooks.c.hash == digest))
        return None if text is None else {k: v.encode("utf-8") for k, v in json.loads(text).items()}


def _same(latest, record: dict) -> bool:
    """Whether the latest version (a row, or None) has the record's rulebook and answers (compared as data)."""
    same_rules = bool(latest) and latest.rulebook_hash == record["rulebook_hash"]
    return same_rules and json.loads(latest.answers) == json.loads(record["answers"])


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0][:200]
