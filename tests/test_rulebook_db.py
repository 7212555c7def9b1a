"""The rulebook in a database (ADVISOR_RULES_URL): push and pull, stale and invalid pushes refused, concurrent saves
from two processes kept in order, a second replica seeing a new version at its next check, a tampered row never
served, a PostgreSQL restart mid-session, and the Rules page saving to the database. SQLite always; PostgreSQL
with ADVISOR_TEST_PG_URL (`bash scripts/with-postgres.sh .venv/bin/python -m pytest -q tests/test_rulebook_db.py`)."""

from __future__ import annotations

import multiprocessing
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from advisor.authoring import rulesdb
from advisor.authoring.history import StaleEditError, commit, read_file, save
from advisor.authoring.location import RulesDatabase
from advisor.cli.main import main
from advisor.errors import UserError
from advisor.rulebook.loading import FILES
from advisor.saved.rulebook_store import RulebookStore, TamperedRulebook
from tests.rulebook_db_helpers import own_postgres, rules_url  # noqa: F401 (fixtures)

SAVES_PER_PROCESS = 6


def push(directory: Path, *extra: str) -> int:
    return main(["rules", "push", str(directory), *extra])


def files_of(directory: Path) -> dict[str, bytes]:
    return {name: (directory / name).read_bytes() for name in FILES}


def versions(url: str) -> list:
    return rulesdb.store_for(RulesDatabase(url)).versions()


def test_a_pushed_directory_pulls_back_byte_identical(rules_url, rules_copy, tmp_path, capsys):  # noqa: F811
    assert push(rules_copy) == 0
    assert main(["rules", "pull", str(tmp_path / "pulled")]) == 0
    assert files_of(tmp_path / "pulled") == files_of(rules_copy)
    assert "wrote version 1 of" in capsys.readouterr().out


def test_the_command_line_serves_the_current_version_of_the_database(rules_url, rules_copy, tmp_path, capsys):  # noqa: F811
    push(rules_copy)
    main(["rules", "pull", str(tmp_path / "mine")])
    rules = tmp_path / "mine" / "rules.yaml"
    rules.write_text(rules.read_text().replace("hybrid_links: 2", "hybrid_links: 3"))
    assert push(tmp_path / "mine") == 0
    capsys.readouterr()
    assert main(["rules", "check"]) == 0
    out = capsys.readouterr().out
    assert "#2: ok" in out and "version 2.0.1" in out  # the version raised by the push, as a save raises it


def test_a_stale_push_is_refused_and_the_current_version_stays(rules_url, rules_copy, tmp_path, capsys):  # noqa: F811
    push(rules_copy)
    for who in ("alice", "bob"):
        main(["rules", "pull", str(tmp_path / who)])
    alices = tmp_path / "alice" / "rules.yaml"
    alices.write_text(alices.read_text().replace("hybrid_links: 2", "hybrid_links: 3"))
    assert push(tmp_path / "alice") == 0
    bobs = tmp_path / "bob" / "styles.yaml"
    bobs.write_bytes(bobs.read_bytes() + b"# bob\n")
    capsys.readouterr()
    assert push(tmp_path / "bob") == 2
    err = capsys.readouterr().err
    assert "the push was NOT published" in err and "Pull it" in err
    (current,) = [v for v in versions(rules_url) if v.number == 2]
    assert rulesdb.current_texts(RulesDatabase(rules_url)) == current.texts  # Alice's version is current
    assert b"hybrid_links: 3" in current.texts["rules.yaml"] and b"# bob" not in current.texts["styles.yaml"]


def test_a_push_without_a_base_over_a_published_rulebook_is_refused(rules_url, rules_copy, tmp_path, capsys):  # noqa: F811
    push(rules_copy)
    other = tmp_path / "other"
    other.mkdir()
    for name in FILES:
        (other / name).write_bytes((rules_copy / name).read_bytes())
    (other / "styles.yaml").write_bytes((other / "styles.yaml").read_bytes() + b"# other\n")
    assert push(other) == 2
    assert "no base was given" in capsys.readouterr().err
    assert len(versions(rules_url)) == 1


def test_an_invalid_push_is_refused_naming_the_file_line_and_field(rules_url, rules_copy, capsys):  # noqa: F811
    push(rules_copy)
    before = rulesdb.current_texts(RulesDatabase(rules_url))
    rules = rules_copy / "rules.yaml"
    text = rules.read_text()
    rules.write_text(text.replace("hybrid_links: 2", "hybrid_links: many", 1))
    capsys.readouterr()
    assert push(rules_copy) == 2
    err = capsys.readouterr().err
    line = text[: text.index("hybrid_links: 2")].count("\n") + 1
    assert re.search(rf"{re.escape(str(rules))}:{line}:\d+: decision.hybrid_links: ", err), err
    assert rulesdb.current_texts(RulesDatabase(rules_url)) == before
    assert len(versions(rules_url)) == 1


def _save_many(url: str, filename: str, tag: str) -> None:
    """One process's saves of its own file: each re-read and retried when stale (another save landed first)."""
    where = RulesDatabase(url)
    for i in range(SAVES_PER_PROCESS):
        for _attempt in range(50):
            state = read_file(where, filename)
            try:
                save(where, filename, state.text + f"# {tag} {i}\n".encode(), state.hash)
                break
            except StaleEditError:
                continue
            except UserError as e:  # SQLite: the other writer held the lock past the timeout; try again
                assert "cannot be used" in str(e) or "locked" in str(e), str(e)
    rulesdb.forget(where)


def test_two_processes_saving_at_once_keep_every_version_in_order(rules_url, rules_copy):  # noqa: F811
    push(rules_copy)
    rulesdb.forget(RulesDatabase(rules_url))
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=_save_many, args=(rules_url, "styles.yaml", "A")),
        spawn.Process(target=_save_many, args=(rules_url, "scenarios.yaml", "B")),
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(300)
        assert w.exitcode == 0
    found = versions(rules_url)
    assert [v.number for v in found] == list(range(1, 2 * SAVES_PER_PROCESS + 2))
    assert [v.base for v in found] == [None, *range(1, 2 * SAVES_PER_PROCESS + 1)]  # a chain: none lost
    final = rulesdb.current_texts(RulesDatabase(rules_url))
    for filename, tag in (("styles.yaml", "A"), ("scenarios.yaml", "B")):
        marks = re.findall(rf"^# {tag} (\d+)$", final[filename].decode(), re.M)
        assert marks == [str(i) for i in range(SAVES_PER_PROCESS)]  # every save, in its order
    patches = [int(v.version.rsplit(".", 1)[1]) for v in found]
    assert patches == sorted(patches) and len(set(patches)) == len(patches)  # versions only go up


def test_a_second_replica_sees_a_new_version_at_its_next_check(rules_url, rules_copy):  # noqa: F811
    push(rules_copy)
    replica = RulebookStore(rules_url)  # another process's store: its own engine and connections
    try:
        seen = replica.current_marker()
        state = read_file(RulesDatabase(rules_url), "styles.yaml")
        save(RulesDatabase(rules_url), "styles.yaml", state.text + b"# new\n", state.hash)
        now = replica.current_marker()
        assert now != seen and now[0] == seen[0] + 1
        assert replica.current().texts["styles.yaml"].endswith(b"# new\n")
    finally:
        replica.close()


def test_a_tampered_row_is_never_served(rules_url, rules_copy, capsys):  # noqa: F811
    push(rules_copy)
    engine = sa.create_engine(rules_url)
    with engine.begin() as db:
        texts = db.scalar(sa.text("SELECT texts FROM rulebook_versions WHERE number = 1"))
        db.execute(
            sa.text("UPDATE rulebook_versions SET texts = :t WHERE number = 1"),
            {"t": texts.replace("hybrid_links: 2", "hybrid_links: 9")},
        )
    engine.dispose()
    with pytest.raises(TamperedRulebook, match="does not match its recorded hash"):
        rulesdb.current_rulebook(RulesDatabase(rules_url))
    capsys.readouterr()
    assert main(["recommend", str(Path(__file__).parent.parent / "examples" / "order-checkout.yaml")]) == 2
    assert "is not served" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["postgresql+psycopg://reader:s3cret-pw@127.0.0.1:1/rules"])
def test_an_unreachable_database_is_named_without_its_password(url, monkeypatch, capsys):
    monkeypatch.setenv("ADVISOR_RULES_URL", url)
    assert main(["rules", "check"]) == 2
    err = capsys.readouterr().err
    assert "cannot open the rulebook database" in err and "127.0.0.1:1" in err
    assert "s3cret-pw" not in err
    rulesdb.forget(RulesDatabase(url))


@pytest.mark.postgres
def test_a_postgresql_restart_mid_session_is_a_clear_error_and_loses_nothing_saved(own_postgres, rules_copy):  # noqa: F811
    where = RulesDatabase(own_postgres.url)
    commit(where, files_of(rules_copy), action="push")  # the first version, as a push makes it
    state = read_file(where, "styles.yaml")
    save(where, "styles.yaml", state.text + b"# before the restart\n", state.hash)
    state = read_file(where, "styles.yaml")

    own_postgres.stop()
    with pytest.raises(UserError, match="cannot be used, so nothing was saved") as caught:
        save(where, "styles.yaml", state.text + b"# while it is down\n", state.hash)
    assert "Traceback" not in str(caught.value)
    own_postgres.start()

    after = read_file(where, "styles.yaml")  # the pool reconnects at the next use
    assert after == state  # what was saved before is there; the refused save is not
    save(where, "styles.yaml", after.text + b"# after the restart\n", after.hash)
    assert [v.number for v in rulesdb.store_for(where).versions()] == [1, 2, 3]
