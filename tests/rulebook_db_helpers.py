"""Fixtures for the rulebook in a database (ADVISOR_RULES_URL): a fresh database per test, SQLite and, when
ADVISOR_TEST_PG_URL is set (scripts/with-postgres.sh), PostgreSQL in a schema of its own; and a PostgreSQL cluster
of the test's own, for the restart test (restarting the shared one would break the tests running beside it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from advisor.authoring import rulesdb
from advisor.authoring.location import RulesDatabase
from tests.store_helpers import PG_ENV, PG_SKIP, postgres_schema


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def rules_url(request, tmp_path, monkeypatch):
    """A fresh, empty rulebook database URL for one test, exported as ADVISOR_RULES_URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'rules.db'}"
        monkeypatch.setenv("ADVISOR_RULES_URL", url)
        yield url
        rulesdb.forget(RulesDatabase(url))
        return
    with postgres_schema("rules") as url:
        monkeypatch.setenv("ADVISOR_RULES_URL", url)
        try:
            yield url
        finally:
            rulesdb.forget(RulesDatabase(url))


class Cluster:
    """A throwaway PostgreSQL cluster on a Unix socket in `root` (as scripts/with-postgres.sh makes one)."""

    def __init__(self, root: Path):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not found or not (found[-1] / "initdb").exists():
            pytest.skip("PostgreSQL is not installed (the Debian package postgresql)")
        self.bin = found[-1]
        self.root = root
        self.data = root / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.skip("running as root without runuser to start PostgreSQL as its own user")
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(root, "postgres")
        self.url = f"postgresql+psycopg://advisor@/postgres?host={root}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "advisor", "--no-sync")

    def start(self) -> None:
        options = f"-c listen_addresses= -k {self.root} -p 5432 -c fsync=off"
        log = str(self.root / "server.log")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", log, "-w", "-t", "60", "-o", options, "start")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def own_postgres(tmp_path_factory):
    """A PostgreSQL server of this test's own (started; stopped and removed afterwards)."""
    if not os.environ.get(PG_ENV):
        pytest.skip(PG_SKIP)
    root = Path(f"/tmp/advisor-rpg-{uuid.uuid4().hex[:8]}")  # Why /tmp: a Unix socket path is at most 107 bytes
    root.mkdir()
    cluster = Cluster(root)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        subprocess.run(
            [*cluster.as_user, str(cluster.bin / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=120,
        )
        rulesdb.forget(RulesDatabase(cluster.url))
        shutil.rmtree(root, ignore_errors=True)
