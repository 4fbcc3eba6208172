"""Approvals at the same moment, on separate connections: distinct consecutive numbers, no gap.

The test is parametrized over both backends by the `db` fixture; on PostgreSQL the counter row
is locked with SELECT ... FOR UPDATE, on SQLite the writers are serialised.
"""

from __future__ import annotations

import threading
from datetime import date

from casework.db import Database
from casework.errors import CaseworkError
from casework.services import dagdelen, facturen
from tests.fixtures_finance import FinanceData

ACTOR = "financien@programma.nl"


def _concepts(db: Database, finance: FinanceData, n: int) -> list[int]:
    for i in range(n):
        traject = finance.traject("lv", adviseur=f"adviseur{i}@advies.nl")
        dagdelen.add(
            db, traject_id=traject, datum=date(2026, 11, 2), activiteit="scan", actor=ACTOR
        )
    facturen.run(db, periode="2026-11", actor=ACTOR)
    return sorted(f.id for f in facturen.list_facturen(db, status="concept"))


def _at_once(db: Database, refs: list[str]) -> tuple[list[str], list[str]]:
    """Approve each ref in its own thread (own connection), all released by one barrier."""
    barrier = threading.Barrier(len(refs))
    numbers: list[str] = []
    refused: list[str] = []
    lock = threading.Lock()

    def approve(ref: str) -> None:
        barrier.wait()
        try:
            result = facturen.approve(db, factuur=ref, actor=ACTOR, vandaag=date(2026, 12, 1))
            with lock:
                numbers.append(result.nummer or "")
        except CaseworkError as exc:
            with lock:
                refused.append(str(exc))

    threads = [threading.Thread(target=approve, args=(ref,)) for ref in refs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return numbers, refused


def test_simultaneous_approvals_get_consecutive_numbers(db: Database, finance: FinanceData) -> None:
    ids = _concepts(db, finance, 6)
    numbers, refused = _at_once(db, [str(i) for i in ids])
    assert refused == []
    assert sorted(numbers) == [f"LV-2026-{n:04d}" for n in range(1, 7)]
    # the next one continues the series
    more = _concepts(db, finance, 1)
    assert (
        facturen.approve(db, factuur=str(more[0]), actor=ACTOR, vandaag=date(2026, 12, 2)).nummer
        == "LV-2026-0007"
    )


def test_one_invoice_approved_twice_at_once_gets_one_number(
    db: Database, finance: FinanceData
) -> None:
    [only] = _concepts(db, finance, 1)
    numbers, refused = _at_once(db, [str(only)] * 4)
    assert numbers == ["LV-2026-0001"]
    assert len(refused) == 3 and all("goedgekeurd" in r for r in refused)


def test_two_registrations_for_the_last_dagdeel_at_once(db: Database, finance: FinanceData) -> None:
    """The budget check and the insert are one locked step: only one of two gets the 8th."""
    traject = finance.traject("lv")
    for day in range(2, 9):  # 7 of 8 used (mornings 2..8 november)
        dagdelen.add(
            db,
            traject_id=traject,
            datum=date(2026, 11, day),
            deel="ochtend",
            activiteit="scan",
            actor=ACTOR,
        )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def register(day: int) -> None:
        barrier.wait()
        try:
            dagdelen.add(
                db,
                traject_id=traject,
                datum=date(2026, 11, day),
                deel="middag",
                activiteit="scan",
                actor=ACTOR,
            )
            result = "ok"
        except CaseworkError as exc:
            result = str(exc)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=register, args=(day,)) for day in (10, 11)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes)[1] == "ok" and "0 over" in sorted(outcomes)[0]
    assert dagdelen.budget(db, traject_id=traject).gebruikt == 8
