"""The rulebook in a database (`ADVISOR_RULES_URL`): every version of the whole rulebook, who saved it and when, and
which one is current.

Tables: `rulebook_versions` (one row per version: its number, the four files as JSON, their content hash, the
rulebook's `version:`, who saved it, when, the action and the files it changed, the version it was made from) and
`rulebook_current` (one row: the number and hash of the current version). A version is never changed or deleted;
a restore is a new version.

A commit is ONE transaction: it locks the current row (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's
`BEGIN IMMEDIATE` takes the write lock first), hands the current texts to the caller's `prepare` (the stale check,
the validation and the version raise of `advisor.authoring`), validates the result again with `build_rulebook`,
inserts the version and moves the current pointer with a compare-and-set (`UPDATE ... WHERE number = :base`). Two
processes committing at once therefore take turns: the second sees the first's version as its base, and its own
stale check refuses it or it lands after it; never lost, never interleaved.

What is read is checked: a row whose texts do not match its hash, or that does not validate, is never served
(`TamperedRulebook`); the caller keeps serving the last good rulebook.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from advisor.errors import Problem, UserError
from advisor.rulebook.loading import Rulebook, build_rulebook, content_hash
from advisor.saved.store import _first_line, _without_password, printable_url
from advisor.saved.tables import MAX_OWNER, WRITE, connect

ENV_VAR = "ADVISOR_RULES_URL"
CURRENT = 1  # the id of the one row of `rulebook_current`

metadata = sa.MetaData()
rulebook_versions = sa.Table(
    "rulebook_versions",
    metadata,
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("texts", sa.Text, nullable=False),  # JSON {file name: text}
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("saved_by", sa.String(MAX_OWNER), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("action", sa.String(80), nullable=False),
    sa.Column("files", sa.Text, nullable=False),  # JSON [file name, ...]: the files this version changed
    sa.Column("base", sa.Integer, nullable=True),  # the version it was made from (None: the first)
)
rulebook_current = sa.Table(
    "rulebook_current",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("number", sa.Integer, sa.ForeignKey("rulebook_versions.number"), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)


class StaleRulebook(UserError):
    """Another save became current first; nothing was written."""


class TamperedRulebook(UserError):
    """A stored version does not match its hash or does not validate: it is never served."""


@dataclass(frozen=True)
class StoredVersion:
    """One version of the rulebook as stored (texts as bytes, checked against `hash` when read)."""

    number: int
    hash: str
    texts: dict[str, bytes]
    version: str
    saved_by: str
    saved_at: datetime
    action: str
    files: tuple[str, ...]
    base: int | None


class RulebookStore:
    """The rulebook's versions in one database. Thread-safe (SQLAlchemy's pool); one per process and URL."""

    def __init__(self, url: str, clock: Callable[[], datetime] | None = None):
        self.url = url
        self.where = _without_password(printable_url(url) if "://" in url else url, url)
        self._clock = clock or (lambda: datetime.now(UTC))
        try:
            self.engine = connect(url)
            metadata.create_all(self.engine)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as e:
            raise UserError(f"{ENV_VAR}: not a usable database URL: {_without_password(f'{url} ({e})', url)}") from None
        except (OperationalError, OSError) as e:
            shown = _without_password(f"{self.where}: {_first_line(e)}", url)
            raise UserError(f"{ENV_VAR}: cannot open the rulebook database {shown}") from None

    def close(self) -> None:
        self.engine.dispose()

    def _fault(self, e: Exception, consequence: str) -> UserError:
        shown = _without_password(_first_line(e), self.url)
        return UserError(f"the rulebook database ({self.where}) cannot be used, so {consequence}: {shown}")

    # ------------------------------------------------------------ reads
    def current_marker(self) -> tuple[int, str] | None:
        """(number, hash) of the current version, None when nothing was published: one small query, what a
        replica asks at every interaction to learn whether to reload."""
        try:
            with self.engine.connect() as db:
                row = db.execute(sa.select(rulebook_current.c.number, rulebook_current.c.hash)).first()
        except (OperationalError, sa.exc.DBAPIError) as e:
            raise self._fault(e, "the current rulebook cannot be checked") from None
        return None if row is None else (row.number, row.hash)

    def current(self) -> StoredVersion | None:
        """The current version, checked (`TamperedRulebook` when it does not match its hash); None when empty."""
        marker = self.current_marker()
        return None if marker is None else self.version(marker[0], expected_hash=marker[1])

    def version(self, number: int, expected_hash: str | None = None) -> StoredVersion:
        """One version, its texts checked against its stored hash (and `expected_hash`, the current row's)."""
        try:
            with self.engine.connect() as db:
                row = db.execute(sa.select(rulebook_versions).where(rulebook_versions.c.number == number)).first()
        except (OperationalError, sa.exc.DBAPIError) as e:
            raise self._fault(e, "the rulebook cannot be read") from None
        if row is None:
            raise UserError(f"{self.where}: no rulebook version {number}")
        return _checked(row, expected_hash)

    def editable_texts(self) -> dict[str, bytes]:
        """What an edit starts from: the current version's texts, or, when it was tampered with, the newest version
        that checks (a save over it repairs the rulebook); {} before the first push."""
        marker = self.current_marker()
        if marker is None:
            return {}
        try:
            with self.engine.connect() as db:
                return _good_texts(db, marker[0], marker[1])
        except (OperationalError, sa.exc.DBAPIError) as e:
            raise self._fault(e, "the rulebook cannot be read") from None

    def versions(self) -> list[StoredVersion]:
        """Every version, oldest first (a tampered one is left out: it is never offered for restore)."""
        try:
            with self.engine.connect() as db:
                rows = list(db.execute(sa.select(rulebook_versions).order_by(rulebook_versions.c.number)))
        except (OperationalError, sa.exc.DBAPIError) as e:
            raise self._fault(e, "the rulebook's history cannot be read") from None
        found = []
        for row in rows:
            try:
                found.append(_checked(row, None))
            except TamperedRulebook:
                continue
        return found

    def rulebook(self, stored: StoredVersion) -> Rulebook:
        """The validated rulebook of a stored version (`TamperedRulebook` when it does not validate)."""
        try:
            return build_rulebook(stored.texts, f"{self.where}#{stored.number}")
        except UserError as e:
            message = f"rulebook version {stored.number} in {self.where} does not validate; it is not served"
            raise TamperedRulebook([Problem("", None, None, "", message), *e.problems]) from None

    # ------------------------------------------------------------ the one write
    def commit(
        self,
        prepare: Callable[[int | None, dict[str, bytes]], tuple[dict[str, bytes], tuple[str, ...]] | None],
        by: str,
        action: str,
        origin: str = "",
    ) -> tuple[StoredVersion | None, int | None, Rulebook | None]:
        """In one transaction: lock the current version, call `prepare(current number, current texts)`, which
        returns (new texts, files changed) or None for no change and raises to refuse; validate the new texts;
        insert them as the next version and make it current. Returns (the new version or None, the number it
        replaced, its rulebook)."""
        try:
            with self.engine.execution_options(**{WRITE: True}).begin() as db:
                row = db.execute(
                    sa.select(rulebook_current.c.number, rulebook_current.c.hash)
                    .where(rulebook_current.c.id == CURRENT)
                    .with_for_update()
                ).first()
                base = None if row is None else int(row.number)
                current: dict[str, bytes] = {}
                if row is not None:
                    current = _good_texts(db, base, row.hash)
                prepared = prepare(base, current)
                if prepared is None:
                    return None, base, None
                texts, files = prepared
                rulebook = build_rulebook(texts, origin or self.where)  # Why again: the store never makes an
                # invalid rulebook current, whoever calls it
                number = (db.scalar(sa.select(sa.func.max(rulebook_versions.c.number))) or 0) + 1
                record = StoredVersion(
                    number, rulebook.hash, dict(texts), rulebook.version, by, self._clock(), action, files, base
                )
                db.execute(rulebook_versions.insert().values(**_row(record)))
                if row is None:
                    db.execute(rulebook_current.insert().values(id=CURRENT, number=number, hash=rulebook.hash))
                else:
                    moved = db.execute(
                        rulebook_current.update()
                        .where(rulebook_current.c.id == CURRENT, rulebook_current.c.number == base)
                        .values(number=number, hash=rulebook.hash)
                    ).rowcount
                    if moved != 1:  # Why: belt and braces over the lock; a compare-and-set that missed is stale
                        raise StaleRulebook(f"{self.where}: another save became current first; nothing was written")
        except IntegrityError:
            raise StaleRulebook(
                f"{self.where}: another save was published at the same moment; nothing was written; try again"
            ) from None
        except (sa.exc.DBAPIError, OSError) as e:
            raise self._fault(e, "nothing was saved (what was saved before is intact)") from None
        return record, base, rulebook


def _good_texts(db: sa.Connection, number: int | None, expected_hash: str) -> dict[str, bytes]:
    """The texts of version `number`, or, when it was tampered with, of the newest version before it that checks:
    what a save is made over. Why: a tampered version is treated as never written, so a save repairs it."""
    rows = db.execute(
        sa.select(rulebook_versions)
        .where(rulebook_versions.c.number <= number)
        .order_by(rulebook_versions.c.number.desc())
    )
    for row in rows:
        try:
            return _checked(row, expected_hash if row.number == number else None).texts
        except TamperedRulebook:
            continue
    return {}


def _row(v: StoredVersion) -> dict:
    texts = {k: t.decode("utf-8") for k, t in sorted(v.texts.items())}
    return {
        "number": v.number,
        "hash": v.hash,
        "texts": json.dumps(texts, ensure_ascii=False),
        "version": v.version,
        "saved_by": v.saved_by,
        "saved_at": v.saved_at,
        "action": v.action,
        "files": json.dumps(list(v.files)),
        "base": v.base,
    }


def _checked(row, expected_hash: str | None) -> StoredVersion:
    """A row as a `StoredVersion`, refused when its texts do not hash to its hash (or to `expected_hash`)."""
    try:
        texts = {str(k): str(t).encode("utf-8") for k, t in json.loads(row.texts).items()}
        files = tuple(str(f) for f in json.loads(row.files))
    except (ValueError, TypeError, AttributeError):
        raise TamperedRulebook(f"rulebook version {row.number} is unreadable; it is not served") from None
    digest = content_hash(texts)
    if digest != row.hash or (expected_hash is not None and digest != expected_hash):
        raise TamperedRulebook(
            f"rulebook version {row.number} does not match its recorded hash (sha256 {digest[:12]} now, "
            f"{(expected_hash or row.hash)[:12]} recorded): it was changed outside the advisor and is not served"
        )
    saved_at = row.saved_at if row.saved_at.tzinfo else row.saved_at.replace(tzinfo=UTC)
    return StoredVersion(row.number, row.hash, texts, row.version, row.saved_by, saved_at, row.action, files, row.base)
