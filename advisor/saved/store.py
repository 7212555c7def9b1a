"""Saved assessments: named, with every save kept as a new version, in a real database through SQLAlchemy.

SQLite by default, in a file in the user's data directory (`platformdirs.user_data_dir("advisor")`); set
`ADVISOR_DB_URL` to any SQLAlchemy URL to use another, e.g. `postgresql+psycopg://user@host/db` so that several
app instances of a team share one store. Only code that saves imports this module (the `store` extra).

Tables (`advisor.saved.tables`): `assessments` (id, unique name), `versions` (one row per save: answers, the
evaluation as the JSON contract of `advisor recommend --format json`, style, confidence, the rulebook's version
and hash, a timestamp) and `rulebooks` (each rulebook an assessment was saved under, by hash, so a
re-evaluation can say what changed).

Every write is one transaction: a failed save, rename or delete leaves everything saved before as it was.
"""

from __future__ import annotations

import json
import os
import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from advisor.engine.answers import Answers, dump_yaml, to_dict
from advisor.engine.assessment import Assessment
from advisor.errors import UserError
from advisor.rulebook.formats import AnswersFile
from advisor.rulebook.loading import Rulebook
from advisor.saved.tables import MAX_NAME, WRITE, assessments, connect, metadata, rulebooks, versions
from advisor.views.contract import as_dict
from advisor.views.names import check_visible

ENV_VAR = "ADVISOR_DB_URL"
MAX_NOTE = 2000
SAVE_ATTEMPTS = 5  # Why: two instances creating one new assessment at once race for its name; the loser retries


@dataclass(frozen=True)
class SavedVersion:
    """One save of an assessment."""

    number: int
    saved_at: datetime
    style: str
    confidence: float
    rulebook_version: str
    rulebook_hash: str
    note: str


@dataclass(frozen=True)
class Summary:
    """An assessment in the list: its id, name, how many versions, and the latest one."""

    id: int
    name: str
    versions: int
    latest: SavedVersion


@dataclass(frozen=True)
class Saved:
    """One version of an assessment, opened: its answers and the evaluation as it was saved."""

    id: int
    name: str
    version: SavedVersion
    answers: Answers
    evaluation: dict[str, Any]


def default_url() -> str:
    """`$ADVISOR_DB_URL`, else a SQLite file in the user's data directory."""
    url = os.environ.get(ENV_VAR, "").strip()
    if url:
        return url
    return f"sqlite:///{Path(platformdirs.user_data_dir('advisor')) / 'assessments.db'}"


def printable_url(url: str) -> str:
    """The database URL to show (in a caption, a message): without its password."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


class Store:
    """The saved assessments in one database. Thread-safe (SQLAlchemy's pool); create one per process."""

    def __init__(self, url: str | None = None, clock: Callable[[], datetime] | None = None):
        self.url = url or default_url()
        self._clock = clock or (lambda: datetime.now(UTC))
        try:
            self.engine = connect(self.url)
            metadata.create_all(self.engine)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as e:
            raise UserError(f"{ENV_VAR}: not a usable database URL ({e})") from None
        except (OperationalError, OSError) as e:
            raise UserError(f"cannot open the assessments database ({self.url}): {_first_line(e)}") from None

    def close(self) -> None:
        self.engine.dispose()

    def _writing(self):
        """A transaction that will write: committed when the block ends, rolled back when it raises."""
        return self.engine.execution_options(**{WRITE: True}).begin()

    # ------------------------------------------------------------ writes (each one transaction)
    def save(self, name: str, assessment: Assessment, rulebook: Rulebook, note: str = "") -> Saved:
        """Save a new version of the assessment called `name` (created on its first save)."""
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
                    aid = db.scalar(sa.select(assessments.c.id).where(assessments.c.name == name).with_for_update())
                    now = self._clock()
                    if aid is None:
                        aid = db.execute(assessments.insert().values(name=name, created_at=now)).inserted_primary_key[0]
                    number = (
                        db.scalar(sa.select(sa.func.max(versions.c.number)).where(versions.c.assessment_id == aid)) or 0
                    ) + 1
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
        return self.open(aid, number)

    def rename(self, assessment_id: int, new_name: str) -> None:
        """Give an assessment another name (its versions keep theirs); refused when the name is taken."""
        new_name = check_name(new_name)
        try:
            with self._writing() as db:
                done = db.execute(
                    assessments.update().where(assessments.c.id == assessment_id).values(name=new_name)
                ).rowcount
        except IntegrityError:
            raise UserError(f"an assessment named '{new_name}' already exists; choose another name") from None
        if not done:
            raise _missing(assessment_id)

    def delete(self, assessment_id: int) -> None:
        """Delete an assessment and every version of it."""
        with self._writing() as db:
            db.execute(versions.delete().where(versions.c.assessment_id == assessment_id))
            done = db.execute(assessments.delete().where(assessments.c.id == assessment_id)).rowcount
        if not done:
            raise _missing(assessment_id)

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
            sa.select(assessments.c.id, assessments.c.name, latest.c.version_count, *_version_columns())
            .join(latest, latest.c.assessment_id == assessments.c.id)
            .join(versions, sa.and_(versions.c.assessment_id == assessments.c.id, versions.c.number == latest.c.number))
            .order_by(assessments.c.name)
        )
        with self.engine.connect() as db:  # the label is not `count`: that is a method of every Row
            return [Summary(r.id, r.name, r.version_count, _version(r)) for r in db.execute(query)]

    def find(self, name: str) -> int | None:
        """The id of the assessment called `name`, or None."""
        with self.engine.connect() as db:
            return db.scalar(sa.select(assessments.c.id).where(assessments.c.name == name.strip()))

    def history(self, assessment_id: int) -> list[SavedVersion]:
        """Every version of an assessment, newest first."""
        query = (
            sa.select(*_version_columns())
            .where(versions.c.assessment_id == assessment_id)
            .order_by(versions.c.number.desc())
        )
        with self.engine.connect() as db:
            rows = [_version(r) for r in db.execute(query)]
        if not rows:
            raise _missing(assessment_id)
        return rows

    def open(self, assessment_id: int, number: int | None = None) -> Saved:
        """One version of an assessment (default: the latest)."""
        query = (
            sa.select(assessments.c.name, versions.c.answers, versions.c.evaluation, *_version_columns())
            .join(versions, versions.c.assessment_id == assessments.c.id)
            .where(assessments.c.id == assessment_id)
            .order_by(versions.c.number.desc())
            .limit(1)
        )
        if number is not None:
            query = query.where(versions.c.number == number)
        with self.engine.connect() as db:
            row = db.execute(query).first()
        if row is None:
            raise _missing(assessment_id, number)
        model = AnswersFile.model_validate(json.loads(row.answers))
        answers = Answers(dict(model.traits), tuple(model.steps), model.workflow)
        return Saved(assessment_id, row.name, _version(row), answers, json.loads(row.evaluation))

    def export_yaml(self, assessment_id: int, number: int | None = None) -> str:
        """A version's answers as an answers file (re-importable in the app and by `advisor recommend`)."""
        return dump_yaml(self.open(assessment_id, number).answers)

    def rulebook_texts(self, digest: str) -> dict[str, bytes] | None:
        """The files of a rulebook some assessment was saved under, by content hash."""
        with self.engine.connect() as db:
            text = db.scalar(sa.select(rulebooks.c.texts).where(rulebooks.c.hash == digest))
        return None if text is None else {k: v.encode("utf-8") for k, v in json.loads(text).items()}


def check_name(name: str) -> str:
    """A valid assessment name (trimmed), or a `UserError` saying why not."""
    name = (name or "").strip()
    if not name:
        raise UserError("give the assessment a name")
    if len(name) > MAX_NAME:
        raise UserError(f"name too long ({len(name)} characters; limit {MAX_NAME})")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise UserError("a name cannot contain control characters (such as line breaks)")
    return check_visible(name)


def check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise UserError(f"note too long ({len(note)} characters; limit {MAX_NOTE})")
    return note


def _version_columns() -> tuple:
    c = versions.c
    return (c.number, c.saved_at, c.style, c.confidence, c.rulebook_version, c.rulebook_hash, c.note)


def _version(row: Any) -> SavedVersion:
    saved_at = row.saved_at if row.saved_at.tzinfo else row.saved_at.replace(tzinfo=UTC)  # SQLite: naive
    return SavedVersion(
        row.number,
        saved_at.astimezone(UTC),
        row.style,
        row.confidence,
        row.rulebook_version,
        row.rulebook_hash,
        row.note,
    )


def _missing(assessment_id: int, number: int | None = None) -> UserError:
    what = f"version {number} of saved assessment {assessment_id}" if number else f"saved assessment {assessment_id}"
    return UserError(f"{what} does not exist (it may have been deleted)")


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0][:200]
