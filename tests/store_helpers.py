"""Storage test fixtures: every store test runs against SQLite and, when ADVISOR_TEST_PG_URL is set (`make test`
starts a throwaway server with scripts/with-postgres.sh), against PostgreSQL, each test in its own schema."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest

PG_ENV = "ADVISOR_TEST_PG_URL"
PG_SKIP = (
    f"{PG_ENV} is not set: `make test` starts a throwaway PostgreSQL for these tests "
    "(scripts/with-postgres.sh), or point it at a server you own"
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, empty database URL for one test (and ADVISOR_DB_URL set to it)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'assessments.db'}"
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("ADVISOR_DB_URL", url)
            yield url
        return
    with postgres_schema("test") as url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADVISOR_DB_URL", url)
        yield url


@contextlib.contextmanager
def postgres_schema(prefix: str) -> Iterator[str]:
    """The URL of a fresh schema named `prefix_<random>` on the test server (skipping the test when there is
    none), its search_path set; the schema and all in it are dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    import sqlalchemy as sa

    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(base)
    with admin.begin() as db:
        db.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as db:
            db.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
