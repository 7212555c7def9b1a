"""Saved assessments: save, versions and history, open, rename, delete, export; transactions that lose nothing
under injected faults, a killed process, and concurrent saves. Each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from advisor.engine.answers import Answers, parse_answers, read_answers
from advisor.engine.assessment import assess
from advisor.engine.evaluate import evaluate
from advisor.errors import UserError
from advisor.rulebook.formats import Step
from advisor.saved.store import Store, default_url
from tests.conftest import EXAMPLES, ROOT
from tests.store_helpers import db_url  # noqa: F401 (fixture)

CHECKOUT = ROOT / "examples" / "order-checkout.yaml"


class Clock:
    """A clock that moves one minute per reading, from a fixed start (timestamps a test can predict)."""

    def __init__(self):
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def store(db_url):  # noqa: F811
    s = Store(db_url, clock=Clock())
    yield s
    s.close()


@pytest.fixture(scope="module")
def checkout(rulebook):
    answers = read_answers(str(CHECKOUT), rulebook)
    return answers, evaluate(rulebook, answers)


def save(store, rulebook, name, answers, note=""):
    return store.save(name, assess(rulebook, answers), rulebook, note)


def edited(answers: Answers, n: int) -> Answers:
    """The answers with the workflow renamed: an edit, so saving them adds a version."""
    return Answers(answers.traits, answers.steps, f"{answers.workflow} (edit {n})")


def test_a_saved_assessment_opens_with_its_answers_steps_and_evaluation(store, rulebook, checkout):
    answers, ev = checkout
    saved = store.save("Checkout", assess(rulebook, answers), rulebook)
    opened = store.open(saved.id)
    assert opened.name == "Checkout" and opened.answers == answers
    assert opened.evaluation["style"] == ev.style == opened.version.style
    assert opened.evaluation["confidence"] == ev.confidence == opened.version.confidence
    assert opened.evaluation["rulebook"] == {"version": rulebook.version, "hash": rulebook.hash}
    assert opened.version.rulebook_hash == rulebook.hash and opened.version.number == 1


def test_every_save_is_a_new_version_with_its_timestamp_and_the_history_lists_them_newest_first(
    store, rulebook, checkout
):
    answers, _ = checkout
    first = save(store, rulebook, "Checkout", answers, note="design review")
    changed = Answers({**answers.traits, "ordering": "none", "compensation": False}, answers.steps, answers.workflow)
    second = save(store, rulebook, "Checkout", changed, note="after the split")
    history = store.history(first.id)
    assert second.id == first.id
    assert [v.number for v in history] == [2, 1]
    assert [v.note for v in history] == ["after the split", "design review"]
    assert history[0].saved_at > history[1].saved_at and history[1].saved_at.tzinfo is not None
    assert store.open(first.id, 1).answers == answers and store.open(first.id).answers == changed


def test_saving_answers_equal_to_the_latest_version_adds_no_version_and_says_which_it_is(store, rulebook, checkout):
    answers, _ = checkout
    first = save(store, rulebook, "Checkout", answers, note="review")
    again = save(store, rulebook, "Checkout", Answers(dict(answers.traits), tuple(answers.steps), answers.workflow))

    assert again.unchanged and not first.unchanged
    assert again.version.number == 1 and again.id == first.id
    assert [(v.number, v.note) for v in store.history(first.id)] == [(1, "review")]


def test_answers_equal_to_an_older_version_but_not_the_latest_are_a_new_version(store, rulebook, checkout):
    answers, _ = checkout
    save(store, rulebook, "Checkout", answers)
    save(store, rulebook, "Checkout", edited(answers, 1))
    back = save(store, rulebook, "Checkout", answers)
    assert not back.unchanged and back.version.number == 3


def test_the_same_answers_under_another_rulebook_are_a_new_version(store, rulebook, rules_copy, checkout):
    from advisor.rulebook.loading import load_rulebook

    (rules_copy / "rules.yaml").write_text((rules_copy / "rules.yaml").read_text() + "\n# edited\n")
    other = load_rulebook(rules_copy)
    assert other.hash != rulebook.hash
    save(store, rulebook, "Checkout", checkout[0])
    again = store.save("Checkout", assess(other, checkout[0]), other)
    assert not again.unchanged and again.version.number == 2 and again.version.rulebook_hash == other.hash


def test_the_list_shows_each_assessment_once_with_its_version_count_and_latest_style(store, rulebook):
    for path in EXAMPLES[:3]:
        a = read_answers(str(path), rulebook)
        save(store, rulebook, a.workflow, a)
    a = read_answers(str(EXAMPLES[0]), rulebook)
    save(store, rulebook, a.workflow, edited(a, 1))
    listed = store.list_all()
    assert [s.name for s in listed] == sorted(read_answers(str(p), rulebook).workflow for p in EXAMPLES[:3])
    counts = {s.name: s.versions for s in listed}
    assert counts[a.workflow] == 2 and sum(counts.values()) == 4
    assert all(s.latest.style in ("orchestration", "choreography", "hybrid") for s in listed)


def test_rename_keeps_the_history(store, rulebook, checkout):
    saved = save(store, rulebook, "Checkout", checkout[0])
    save(store, rulebook, "Checkout", edited(checkout[0], 1))
    store.rename(saved.id, "Checkout (EU)")
    assert store.find("Checkout") is None and store.find("Checkout (EU)") == saved.id
    assert len(store.history(saved.id)) == 2


def test_renaming_to_a_taken_name_is_refused_and_both_assessments_stay(store, rulebook, checkout):
    a = save(store, rulebook, "Checkout", checkout[0])
    b = save(store, rulebook, "Sign-up", checkout[0])
    with pytest.raises(UserError, match="an assessment named 'Checkout' already exists"):
        store.rename(b.id, "Checkout")
    assert [s.name for s in store.list_all()] == ["Checkout", "Sign-up"]
    assert store.open(a.id).name == "Checkout" and store.open(b.id).name == "Sign-up"


def test_delete_removes_an_assessment_with_all_its_versions_and_nothing_else(store, rulebook, checkout):
    a = save(store, rulebook, "Checkout", checkout[0])
    save(store, rulebook, "Checkout", checkout[0])
    b = save(store, rulebook, "Sign-up", checkout[0])
    store.delete(a.id)
    assert [s.name for s in store.list_all()] == ["Sign-up"]
    with pytest.raises(UserError, match=f"saved assessment {a.id} does not exist"):
        store.history(a.id)
    with store.engine.connect() as db:
        assert db.scalar(sa.text("select count(*) from versions")) == 1
    assert store.open(b.id).name == "Sign-up"


@pytest.mark.parametrize("action", ["open", "rename", "delete", "history"])
def test_an_assessment_that_does_not_exist_is_a_clear_error(store, action):
    call = {
        "open": lambda: store.open(99),
        "rename": lambda: store.rename(99, "x"),
        "delete": lambda: store.delete(99),
        "history": lambda: store.history(99),
    }[action]
    with pytest.raises(UserError, match="saved assessment 99 does not exist"):
        call()


def test_opening_a_version_that_does_not_exist_names_it(store, rulebook, checkout):
    saved = save(store, rulebook, "Checkout", checkout[0])
    with pytest.raises(UserError, match=f"version 7 of saved assessment {saved.id} does not exist"):
        store.open(saved.id, 7)


def test_an_exported_version_is_an_answers_file_that_reads_back_the_same(store, rulebook, checkout):
    saved = save(store, rulebook, "Checkout", checkout[0])
    text = store.export_yaml(saved.id)
    assert parse_answers(text.encode(), "export.yaml", rulebook) == checkout[0]


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "give the assessment a name"),
        ("   ", "give the assessment a name"),
        ("x" * 201, "name too long (201 characters; limit 200)"),
        ("two\nlines", "a name cannot contain control characters"),
    ],
)
def test_a_bad_name_is_refused_and_nothing_is_saved(store, rulebook, checkout, name, message):
    with pytest.raises(UserError) as e:
        save(store, rulebook, name, checkout[0])
    assert e.value.problems[0].message.startswith(message)
    assert store.list_all() == []


def test_names_and_step_names_are_kept_literally(store, rulebook):
    hostile = "<img src=x onerror=alert(1)> 'quoted' \"double\" \\ 🚀 עברית"
    answers = Answers({"ordering": "strict"}, (Step(service=hostile, action="=1+1"),), hostile)
    saved = save(store, rulebook, f"  {hostile}  ", answers)
    opened = store.open(saved.id)
    assert opened.name == hostile and opened.answers == answers


def test_the_rulebook_an_assessment_was_saved_under_is_kept_once_by_hash(store, rulebook, checkout):
    save(store, rulebook, "A", checkout[0])
    save(store, rulebook, "B", checkout[0])
    assert store.rulebook_texts(rulebook.hash) == rulebook.texts
    with store.engine.connect() as db:
        assert db.scalar(sa.text("select count(*) from rulebooks")) == 1
    assert store.rulebook_texts("0" * 64) is None


def test_two_stores_on_one_database_see_each_others_saves(db_url, rulebook, checkout):  # noqa: F811
    one, two = Store(db_url), Store(db_url)
    try:
        save(one, rulebook, "Checkout", checkout[0])
        save(two, rulebook, "Checkout", edited(checkout[0], 1))
        assert [v.number for v in one.history(one.find("Checkout"))] == [2, 1]
    finally:
        one.close()
        two.close()


def test_concurrent_saves_of_one_assessment_keep_every_version(store, rulebook, checkout):
    answers, _ = checkout
    errors = []

    def work(k: int):
        for i in range(5):
            try:
                store.save("Checkout", assess(rulebook, edited(answers, 5 * k + i)), rulebook)
            except Exception as e:
                errors.append(repr(e))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [v.number for v in store.history(store.find("Checkout"))] == list(range(20, 0, -1))


# ---------------------------------------------------------------- faults
def fail_on(store: Store, statement_start: str):
    """Make the next SQL statement that starts with `statement_start` fail, as a full disk or a lost
    connection would."""

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(statement_start.upper()):
            raise OSError("injected fault: disk full")

    sa.event.listen(store.engine, "before_cursor_execute", before)
    return lambda: sa.event.remove(store.engine, "before_cursor_execute", before)


def snapshot(store: Store) -> list:
    return [(s.name, [(v.number, v.style, v.note) for v in store.history(s.id)]) for s in store.list_all()]


def test_a_save_that_fails_midway_leaves_no_half_created_assessment(store, rulebook, checkout):
    save(store, rulebook, "Earlier", checkout[0])
    before = snapshot(store)
    other = rulebook.texts | {"rules.yaml": rulebook.texts["rules.yaml"] + b"\n# edited\n"}
    from advisor.rulebook.loading import build_rulebook

    edited = build_rulebook(other, "edited")  # a new hash: the save writes its snapshot last
    undo = fail_on(store, "INSERT INTO rulebooks")
    with pytest.raises(OSError, match="injected fault"):
        save(store, edited, "New one", checkout[0])
    undo()
    assert snapshot(store) == before
    assert store.find("New one") is None


def test_a_new_version_that_fails_to_save_loses_nothing_saved_before(store, rulebook, checkout):
    save(store, rulebook, "Checkout", checkout[0], note="v1")
    save(store, rulebook, "Checkout", edited(checkout[0], 2), note="v2")
    before = snapshot(store)
    undo = fail_on(store, "INSERT INTO versions")
    with pytest.raises(OSError, match="injected fault"):
        save(store, rulebook, "Checkout", edited(checkout[0], 3), note="v3")
    undo()
    assert snapshot(store) == before
    again = save(store, rulebook, "Checkout", edited(checkout[0], 3), note="v3")
    assert again.version.number == 3  # and it still works


def test_a_delete_that_fails_midway_deletes_nothing(store, rulebook, checkout):
    saved = save(store, rulebook, "Checkout", checkout[0])
    save(store, rulebook, "Checkout", checkout[0])
    before = snapshot(store)
    undo = fail_on(store, "DELETE FROM assessments")
    with pytest.raises(OSError, match="injected fault"):
        store.delete(saved.id)
    undo()
    assert snapshot(store) == before


CRASHING_SAVE = """
import os, sys
import sqlalchemy as sa
from advisor.engine.answers import read_answers
from advisor.engine.evaluate import evaluate
from advisor.rulebook.loading import load_rulebook
from advisor.saved.store import Store
from advisor.engine.assessment import assess

rulebook = load_rulebook()
answers = read_answers(sys.argv[2], rulebook)
ev = evaluate(rulebook, answers)
store = Store(sys.argv[1])
store.save("Checkout", assess(rulebook, answers), rulebook, note="kept")

def crash(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip().upper().startswith("SELECT RULEBOOKS"):
        os._exit(9)  # killed after the new version's INSERT, before the COMMIT

sa.event.listen(store.engine, "before_cursor_execute", crash)
store.save("Checkout", assess(rulebook, answers), rulebook, note="lost")
"""


def test_a_process_killed_in_the_middle_of_a_save_leaves_the_earlier_versions_intact(db_url):  # noqa: F811
    run = subprocess.run(
        [sys.executable, "-c", CRASHING_SAVE, db_url, str(CHECKOUT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 9, run.stderr
    store = Store(db_url)
    try:
        history = store.history(store.find("Checkout"))
        assert [(v.number, v.note) for v in history] == [(1, "kept")]
        if db_url.startswith("sqlite"):
            with store.engine.connect() as db:
                assert db.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        store.close()


# ---------------------------------------------------------------- where the database is
def test_the_database_url_comes_from_advisor_db_url(monkeypatch, tmp_path):
    monkeypatch.setenv("ADVISOR_DB_URL", f"sqlite:///{tmp_path}/team.db")
    assert default_url() == f"sqlite:///{tmp_path}/team.db"


def test_without_advisor_db_url_the_database_is_a_file_in_the_users_data_directory(monkeypatch):
    import platformdirs

    monkeypatch.delenv("ADVISOR_DB_URL", raising=False)
    assert default_url() == f"sqlite:///{Path(platformdirs.user_data_dir('advisor')) / 'assessments.db'}"


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://x/y"])
def test_an_unusable_database_url_is_a_clear_error(url):
    with pytest.raises(UserError, match="ADVISOR_DB_URL: not a usable database URL"):
        Store(url)


def test_a_database_that_cannot_be_opened_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(UserError, match="cannot open the assessments database"):
        Store(f"sqlite:///{tmp_path}/file/assessments.db")
