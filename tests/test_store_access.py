"""Saved assessments record their owner; only the owner or an admin renames, deletes or adds versions, checked in
the store's own transaction; a database made before owners existed keeps working. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from advisor.access import PERMISSIONS, AccessDenied, Actor, Policy, actor_for
from advisor.engine.answers import Answers, read_answers
from advisor.engine.assessment import assess
from advisor.saved.store import Store
from tests.conftest import ROOT
from tests.store_helpers import db_url  # noqa: F401 (fixture)

BOB = Actor("bob@example.org", "bob@example.org", "assessor", PERMISSIONS["assessor"], "signed-in", "")
CAROL = Actor("carol@example.org", "carol@example.org", "assessor", PERMISSIONS["assessor"], "signed-in", "")
ADMIN = Actor("root@example.org", "root@example.org", "admin", PERMISSIONS["admin"], "signed-in", "")
VIEWER = Actor("vic@example.org", "vic@example.org", "viewer", PERMISSIONS["viewer"], "signed-in", "")
ANONYMOUS = actor_for(Policy(allow_anonymous_saves=True), auth_configured=False, address="0.0.0.0", user=None)


@pytest.fixture
def store(db_url):  # noqa: F811
    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture(scope="module")
def checkout(rulebook):
    return assess(rulebook, read_answers(str(ROOT / "examples" / "order-checkout.yaml"), rulebook))


def edited(rulebook, assessment, n: int):
    """The assessment of its answers with the workflow renamed: an edit, so saving it adds a version."""
    a = assessment.answers
    return assess(rulebook, Answers(a.traits, a.steps, f"{a.workflow} (edit {n})"))


def names(store) -> list[tuple[str, str, int]]:
    return [(s.name, s.owner, s.versions) for s in store.list_all()]


def test_a_saved_assessment_records_who_saved_it_first(store, rulebook, checkout):
    saved = store.save("Checkout", checkout, rulebook, by=BOB)
    assert saved.owner == "bob@example.org"
    assert names(store) == [("Checkout", "bob@example.org", 1)]


def test_a_viewer_cannot_save(store, rulebook, checkout):
    with pytest.raises(AccessDenied, match="may not save assessments"):
        store.save("Checkout", checkout, rulebook, by=VIEWER)
    assert names(store) == []


def test_nobody_but_the_owner_or_an_admin_renames_or_deletes(store, rulebook, checkout):
    saved = store.save("Checkout", checkout, rulebook, by=BOB)
    for intruder in (CAROL, VIEWER, ANONYMOUS):
        with pytest.raises(AccessDenied, match=r"belongs to bob@example\.org"):
            store.rename(saved.id, "Mine now", by=intruder)
        with pytest.raises(AccessDenied, match=r"belongs to bob@example\.org"):
            store.delete(saved.id, by=intruder)
    assert names(store) == [("Checkout", "bob@example.org", 1)]
    store.rename(saved.id, "Checkout v2", by=BOB)
    store.rename(saved.id, "Checkout v3", by=ADMIN)
    assert names(store) == [("Checkout v3", "bob@example.org", 1)]
    store.delete(saved.id, by=ADMIN)
    assert names(store) == []


def test_saving_under_someone_elses_name_is_refused_and_their_history_is_unchanged(store, rulebook, checkout):
    store.save("Checkout", checkout, rulebook, by=BOB)
    with pytest.raises(AccessDenied, match=r"an assessment named .Checkout. exists and belongs to bob@example\.org"):
        store.save("Checkout", checkout, rulebook, by=CAROL)
    assert names(store) == [("Checkout", "bob@example.org", 1)]
    store.save("Checkout", edited(rulebook, checkout, 1), rulebook, by=ADMIN)  # an admin may add a version
    store.save("Checkout", edited(rulebook, checkout, 2), rulebook, by=BOB)  # the owner stays
    assert names(store) == [("Checkout", "bob@example.org", 3)]


def test_anonymous_saves_when_allowed_are_owned_by_anonymous_and_cannot_be_renamed_or_deleted(
    store, rulebook, checkout
):
    saved = store.save("Drop-in", checkout, rulebook, by=ANONYMOUS)
    store.save("Drop-in", edited(rulebook, checkout, 1), rulebook, by=ANONYMOUS)
    assert names(store) == [("Drop-in", "anonymous", 2)]
    with pytest.raises(AccessDenied):
        store.delete(saved.id, by=ANONYMOUS)


def test_the_command_line_is_the_local_user_and_may_manage_everything(store, rulebook, checkout):
    saved = store.save("Checkout", checkout, rulebook, by=BOB)
    store.rename(saved.id, "Renamed")  # no actor: the command line's local user
    store.delete(saved.id)
    assert names(store) == []


# ---------------------------------------------------------------- a database made before owners were recorded
OLD = sa.MetaData()
sa.Table(
    "assessments",
    OLD,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
OLD_VERSIONS = sa.Table(
    "versions",
    OLD,
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
sa.Table(
    "rulebooks",
    OLD,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("texts", sa.Text, nullable=False),
)


def test_a_database_made_before_owners_opens_its_assessments_have_no_owner_and_only_admins_manage_them(
    db_url,  # noqa: F811
    rulebook,
    checkout,
):
    engine = sa.create_engine(db_url)
    OLD.create_all(engine)
    with engine.begin() as db:
        aid = db.execute(
            OLD.tables["assessments"].insert().values(name="Legacy", created_at=datetime(2026, 1, 1, tzinfo=UTC))
        ).inserted_primary_key[0]
        db.execute(
            OLD_VERSIONS.insert().values(
                assessment_id=aid,
                number=1,
                saved_at=datetime(2026, 1, 1, tzinfo=UTC),
                note="",
                answers='{"traits": {"ordering": "strict"}}',
                evaluation="{}",
                style="orchestration",
                confidence=0.5,
                rulebook_version="1.0.0",
                rulebook_hash="0" * 64,
            )
        )
    engine.dispose()

    store = Store(db_url)
    Store(db_url).close()  # a second instance opening the migrated database adds nothing twice
    try:
        assert names(store) == [("Legacy", "", 1)]
        assert store.open(aid).answers.traits == {"ordering": "strict"}
        with pytest.raises(AccessDenied, match="has no recorded owner"):
            store.rename(aid, "Mine", by=BOB)
        store.save("Legacy", checkout, rulebook, by=ADMIN)
        store.rename(aid, "Legacy (kept)", by=ADMIN)
        store.save("New", checkout, rulebook, by=BOB)
        assert names(store) == [("Legacy (kept)", "", 2), ("New", "bob@example.org", 1)]
    finally:
        store.close()
