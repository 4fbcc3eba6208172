"""Soak: a simulated school year on PostgreSQL, several processes at once (issue 9).

Each simulated month two medewerker processes (aanmeldingen, steps, koppelingen) and two
adviseur processes (dagdelen) work at the same time on one schema-bound PostgreSQL database;
then the outbox is delivered to the product's mail catcher and the invoice run of the month
makes concepts that are approved (numbered). At the end: `casework verify` passes, every outbox
message arrived exactly once (by Message-ID), every dagdeel is on at most one invoice and the
invoice numbers have no gaps.

Short form (default, for CI): four months of light work. Full form (`--soak-full` or
CASEWORK_SOAK_FULL=1): ten months, three times the work per process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from casework.db import Database, migrate
from casework.db.finance import Factuur, FactuurRegel
from casework.db.models import OutboxMessage, School, Traject
from casework.services import delivery, demo_schaal, facturen, reminders, tarieven, verify
from notifications.catcher import MailStore, start_catcher
from tests.conftest import create_pg_schema, drop_pg_schema, pg_available
from tests.fixtures_smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def soak_db() -> Iterator[tuple[Database, str]]:
    """A migrated PostgreSQL schema of this test, and its schema-bound URL."""
    if not pg_available():
        pytest.fail("PostgreSQL at 127.0.0.1:5432 is not answering")
    pg = create_pg_schema()
    database = Database(pg.url)
    migrate.upgrade(database.engine)
    try:
        yield database, pg.url
    finally:
        database.dispose()
        drop_pg_schema(pg.schema)


def _workers(url: str, periode: str, actions: int, first: int, brins: list[str]) -> list[Any]:
    env = {**os.environ, "CASEWORK_DATABASE_URL": url}
    roles = ["medewerker1", "medewerker2", "adviseur1", "adviseur2"]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.e2e.soak_worker",
                role,
                "9",
                periode,
                str(actions),
                str(first),
                ",".join(brins),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for role in roles
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err.decode()[-2000:]
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    return results


def test_a_school_year(
    soak_db: tuple[Database, str], soak_full: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, url = soak_db
    months = 10 if soak_full else 4
    actions = 60 if soak_full else 20
    demo_schaal.generate_scale(db, scale="small", seed=9)  # organisations, adviseurs, history
    with db.read() as session:
        first = int(session.scalar(sa.select(sa.func.max(Traject.id))) or 0) + 1
        brins = list(session.scalars(sa.select(School.brin).where(School.sector == "po").limit(12)))
    for n, brin in enumerate(brins):
        tarieven.set_adres(
            db, school=brin, straat="Schoolstraat 1", postcode="1234 AB", plaats="Utrecht",
            email=f"administratie{n}@school.example.nl", contact_naam="Administratie",
        )  # fmt: skip
    store = MailStore(tmp_path / "caught")
    port = free_port()
    catcher = start_catcher("127.0.0.1", port, store)
    monkeypatch.setenv("CASEWORK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CASEWORK_SMTP_PORT", str(port))
    from casework.settings import get_settings

    get_settings.cache_clear()
    totals: Counter[str] = Counter()
    started = time.perf_counter()
    try:
        for month in range(1, months + 1):
            periode = f"2026-{month:02d}"
            for counts in _workers(url, periode, actions, first, brins):
                totals.update(counts)
            # the scheduled flows' work of the month: reminders and yearly moments (as the
            # flows call them), then two delivery runs at once (they must never share a row)
            einde = date(2026, month, 28)
            totals["herinneringen"] += reminders.phase_reminders(db, today=einde).verstuurd
            totals["momenten"] += reminders.yearly_moments(db, today=einde).verstuurd
            with ThreadPoolExecutor(2) as pool:
                runs = [pool.submit(delivery.deliver_due, db, limit=100_000) for _ in range(2)]
                totals["verzonden"] += sum(future.result().verzonden for future in runs)
            run = facturen.run(db, periode=periode, actor="finance@soak.nl")
            with db.read() as session:
                concepts = list(
                    session.scalars(
                        sa.select(Factuur.id)
                        .where(Factuur.status == "concept")
                        .order_by(Factuur.id)
                    )
                )
            for factuur_id in concepts:
                facturen.approve(
                    db,
                    factuur=str(factuur_id),
                    actor="finance@soak.nl",
                    vandaag=date(2026, month + 1, 1),
                )
            totals["facturen"] += len(concepts)
            totals["factuurregels"] += run.regels
        totals["verzonden"] += delivery.deliver_due(db, limit=100_000).verzonden
    finally:
        catcher.stop()
    seconds = time.perf_counter() - started
    print(f"soak {months} months in {seconds:.1f} s: {dict(totals)}")  # the figures for the docs

    # the work really happened, concurrently
    assert totals["aanmeldingen"] > 0 and totals["stappen"] > 0 and totals["dagdelen"] > 0
    assert totals["facturen"] > 0
    # 1. every history replays
    report = verify.verify(db)
    assert report.ok, report.afwijkingen[:5]
    with db.read() as session:
        outbox = list(session.execute(sa.select(OutboxMessage.message_id, OutboxMessage.status)))
        doubles = session.execute(
            sa.select(FactuurRegel.dagdeel_id, sa.func.count())
            .where(FactuurRegel.dagdeel_id.is_not(None))
            .group_by(FactuurRegel.dagdeel_id)
            .having(sa.func.count() > 1)
        ).all()
        nummers = list(
            session.scalars(sa.select(Factuur.nummer).where(Factuur.nummer.is_not(None)))
        )
    # 2. every outbox message arrived exactly once
    assert outbox and {status for _, status in outbox} == {"sent"}
    caught = Counter(mail.message_id for mail in store.list())
    assert set(caught) == {message_id for message_id, _ in outbox}
    assert set(caught.values()) == {1} and store.duplicates == 0
    # 3. every dagdeel on at most one invoice
    assert doubles == []
    # 4. invoice numbers without gaps, per programme and year
    series: dict[str, list[int]] = {}
    for nummer in filter(None, nummers):
        match = re.fullmatch(r"([A-Z]+-\d{4})-(\d+)", nummer)
        assert match, nummer
        series.setdefault(match.group(1), []).append(int(match.group(2)))
    assert series
    for numbers in series.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
