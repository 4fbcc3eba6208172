"""The production set-up of deploy/ on loopback: a Prefect server on PostgreSQL (its own
database), a process work pool, the deployments of deploy/prefect.yaml and a worker.

One test walks the whole story, so the set-up (about half a minute) is paid once: a real step
asks for a delivery and the email arrives; a worker killed in the middle of a delivery batch is
started again and every message arrives exactly once; Ctrl-C leaves no process behind.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from aiosmtpd.controller import Controller

from casework.cli.processes import descendants
from casework.db import Database, migrate
from casework.db.base import utcnow
from casework.db.models import OutboxMessage
from casework.services import outbox
from casework.settings import get_settings
from notifications.catcher import CatcherHandler, MailStore
from tests.conftest import PG_ADMIN_URL, create_pg_schema, drop_pg_schema, pg_available
from tests.e2e.helpers_processes import (
    cmdline,
    kill_tree,
    processes_with,
    stop_and_check,
    wait_for,
)
from tests.fixtures_prefect import free_port
from tests.fixtures_trajecten import Organisaties, lv_traject

ROOT = Path(__file__).resolve().parents[2]
DELIVERY = "deliver-outbox/deliver-outbox"


def test_prefect_yaml_declares_every_deployment_of_the_registry() -> None:
    from flows.registry import prefect_yaml_deployments

    declared = yaml.safe_load((ROOT / "deploy" / "prefect.yaml").read_text())
    assert declared["deployments"] == prefect_yaml_deployments()
    for entry in declared["deployments"]:
        assert entry["work_pool"]["name"] == "casework"
        assert entry["schedules"], entry["name"]
        path, function = entry["entrypoint"].split(":")
        assert f"def {function}(" in (ROOT / path).read_text()


class SlowCatcher(CatcherHandler):
    """The product's catcher (drops duplicate Message-IDs), slowed down so a batch takes time."""

    delay = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def prefect_pg_url() -> Iterator[str]:
    """A database of its own for the Prefect server on the PostgreSQL at 127.0.0.1:5432."""
    if not pg_available():
        pytest.fail("PostgreSQL at 127.0.0.1:5432 is not answering")
    name = f"prefect_e2e_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(PG_ADMIN_URL).set(drivername="postgresql+asyncpg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def app_db(monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    pg = create_pg_schema()
    db = Database(pg.url)
    migrate.upgrade(db.engine)
    monkeypatch.setenv("CASEWORK_DATABASE_URL", pg.url)
    get_settings.cache_clear()
    try:
        yield db
    finally:
        db.dispose()
        drop_pg_schema(pg.schema)


def test_production_setup_delivers_survives_a_killed_worker_and_stops_clean(
    app_db: Database, prefect_pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from casework import orchestration
    from casework.services import adviseurs
    from casework.services import organisaties as organisatie_service

    store = MailStore(tmp_path / "caught")
    handler = SlowCatcher(store)
    smtp_port, prefect_port = free_port(), free_port()
    catcher = Controller(handler, hostname="127.0.0.1", port=smtp_port, ready_timeout=10)
    catcher.start()
    api = f"http://127.0.0.1:{prefect_port}/api"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PREFECT_", "CASEWORK_"))
    }
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_API_DATABASE_CONNECTION_URL=prefect_pg_url,
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_LOGGING_LEVEL="WARNING",
        CASEWORK_DATABASE_URL=app_db.url,
        CASEWORK_SMTP_HOST="127.0.0.1",
        CASEWORK_SMTP_PORT=str(smtp_port),
        CASEWORK_DATA_DIR=str(tmp_path / "data"),
    )
    log = tmp_path / "start.log"
    with log.open("wb") as out:
        start = subprocess.Popen(
            [sys.executable, str(ROOT / "deploy" / "start.py"), "--port", str(prefect_port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our own group: a stuck test can end it all at once
        )
    try:
        wait_for("the set-up", lambda: "ready" in log.read_text(), 240, start, log)
        assert start.poll() is None

        # 1. a real step asks for a delivery run; the worker delivers; the email arrives
        org = Organisaties()
        organisatie_service.add_bestuur(app_db, nummer=org.bestuur, naam="Stichting Voorbeeld")
        organisatie_service.add_school(
            app_db, brin=org.school_po, naam="De Regenboog", bestuur=org.bestuur, sector="po"
        )
        adviseurs.add_adviseur(app_db, naam="Anna de Boer", email=org.adviseur)
        trigger = orchestration.install(app_db, api_url=api)
        assert trigger is not None
        lv_traject(app_db, org)
        with app_db.read() as session:
            first = session.scalars(sa.select(OutboxMessage.message_id)).one()
        wait_for("the first email", lambda: first in caught_ids(store), 120, start, log)
        assert trigger.created == 1
        wait_for("the row marked sent", lambda: statuses(app_db) == {"sent": 1}, 30)

        # 2. 300 more messages; the worker is killed in the middle of the delivery batch
        handler.delay = 0.03
        with app_db.transaction() as session:
            row = session.scalars(sa.select(OutboxMessage)).one()
            for _ in range(300):
                outbox.enqueue(
                    session,
                    template=row.template,
                    to_address=row.to_address,
                    to_name=row.to_name,
                    context=row.context,
                    traject_id=row.traject_id,
                )
        wait_for("a delivery under way", lambda: store.count() >= 40, 120, start, log)
        workers = [pid for pid in descendants(start.pid) if "worker start" in cmdline(pid)]
        assert len(workers) == 1
        kill_tree(workers[0])
        caught_when_killed = store.count()
        assert caught_when_killed < 301, "the batch ended before the worker was killed"

        def restarted() -> bool:
            return any(
                "worker start" in cmdline(pid) and pid != workers[0]
                for pid in descendants(start.pid)
            )

        wait_for("the worker started again", restarted, 60, start, log)
        # the killed run's rows keep their lease (10 minutes): a run as if 11 minutes later
        later = (utcnow() + timedelta(minutes=11)).isoformat()
        with temporary_settings(updates={PREFECT_API_URL: api}):
            run_deployment(DELIVERY, parameters={"now": later}, timeout=0)
        wait_for("all 301 rows sent", lambda: statuses(app_db) == {"sent": 301}, 180, start, log)
        with app_db.read() as session:
            ids = set(session.scalars(sa.select(OutboxMessage.message_id)))
        caught = Counter(mail.message_id for mail in store.list())
        assert set(caught) == ids
        assert set(caught.values()) == {1}  # each exactly once (the catcher drops resends)

        # 3. Ctrl-C: everything stops, nothing is left
        left = stop_and_check(start)
        assert left == [], [cmdline(pid) for pid in left]
        assert start.returncode == 0
        assert processes_with(str(tmp_path)) == []
    finally:
        catcher.stop()
        if start.poll() is None:
            kill_tree(start.pid)


def caught_ids(store: MailStore) -> set[str | None]:
    return {mail.message_id for mail in store.list()}


def statuses(db: Database) -> dict[str, int]:
    with db.read() as session:
        rows = session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        )
        return {status: count for status, count in rows}
