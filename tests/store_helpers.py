"""Storage test fixtures: every store test runs against SQLite and, when ADVISOR_TEST_PG_URL is set (`make test`
starts a throwaway server with scripts/with-postgres.sh), against PostgreSQL, each test in its own schema."""

from __future__ import annotations

import os
import uuid

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
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    import sqlalchemy as sa

    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(base)
    with admin.begin() as db:
        db.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    url = url.render_as_string(hide_password=False)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("ADVISOR_DB_URL", url)
            yield url
    finally:
        with admin.begin() as db:
            db.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
