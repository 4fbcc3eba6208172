"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, and the CLI runner.

PostgreSQL is the server at 127.0.0.1:5432 (trust auth, database `test`); every test gets its
own schema, so parallel runs never collide. SQLite tests copy a database migrated once.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework import bootstrap
from casework.db import Database, migrate
from casework.settings import get_settings

pytest_plugins = [
    "tests.fixtures_trajecten",
    "tests.fixtures_reports",
    "tests.fixtures_prefect",
    "tests.fixtures_smtp",
    "tests.fixtures_web",
    "tests.fixtures_finance",
    "tests.fixtures_soak",
]

PG_ADMIN_URL = os.environ.get(
    "CASEWORK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pg_available() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    db.dispose()
    return path


@dataclass
class PgSchema:
    url: str
    schema: str


def create_pg_schema() -> PgSchema:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    return PgSchema(url=url, schema=schema)


def drop_pg_schema(schema: str) -> None:
    admin = sa.create_engine(PG_ADMIN_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A fresh, migrated application database URL on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "casework.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    if not pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is not answering")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not answering")
    pg = create_pg_schema()
    engine = sa.create_engine(pg.url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield pg.url
    finally:
        drop_pg_schema(pg.schema)


@pytest.fixture
def db(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Database]:
    """The application database, also wired as the one the CLI and settings see."""
    monkeypatch.setenv("CASEWORK_DATABASE_URL", db_url)
    monkeypatch.setenv("CASEWORK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CASEWORK_ACTOR", "medewerker@test")
    get_settings.cache_clear()
    bootstrap.database.cache_clear()
    database = bootstrap.database()
    yield database
    database.dispose()
    bootstrap.database.cache_clear()
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads a developer's .env or writes casework.db into the checkout."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("CASEWORK_") and key != "CASEWORK_TEST_PG_URL":
            monkeypatch.delenv(key)
    get_settings.cache_clear()


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `casework ARGS...` in-process; returns exit code, stdout and stderr."""
    from casework.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code=code, out=captured.out, err=captured.err)

    return run
