"""Optimistic concurrency: two people changing the same traject at once, one wins.

The race is made certain, not hoped for: both threads read the traject (at the same version)
and wait at a barrier inside the step before either writes; each has its own connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from casework.db import Database
from casework.errors import ConcurrentChange
from casework.services import trajecten, verify
from tests.fixtures_trajecten import ACTOR, Organisaties, lv_traject, row_counts

DUTCH = "door iemand anders gewijzigd"


def race(
    monkeypatch: pytest.MonkeyPatch, *actions: Callable[[], Any]
) -> tuple[list[Any], list[BaseException]]:
    """Run the actions in threads that all read before any of them writes."""
    barrier = threading.Barrier(len(actions), timeout=20)
    connections: set[int] = set()
    real = trajecten.guard_context

    def guard_context_then_wait(session: Any, traject: Any, *args: Any, **kwargs: Any) -> Any:
        ctx = real(session, traject, *args, **kwargs)
        # a Session (ORM units of work) or a Core Connection (the step's hot path)
        conn = session.connection() if isinstance(session, Session) else session
        connections.add(id(conn.connection.dbapi_connection))
        barrier.wait()
        return ctx

    monkeypatch.setattr(trajecten, "guard_context", guard_context_then_wait)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            results.append(action())
        except BaseException as exc:  # collected and asserted by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    monkeypatch.setattr(trajecten, "guard_context", real)
    assert len(connections) == len(actions), "each writer must have its own connection"
    return results, errors


def event_count(db: Database, traject_id: int) -> int:
    with db.engine.connect() as conn:
        return int(
            conn.execute(
                sa.text("SELECT COUNT(*) FROM traject_events WHERE traject_id = :id"),
                {"id": traject_id},
            ).scalar_one()
        )


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_two_advances_at_once_on_postgres(
    db: Database, organisaties: Organisaties, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert db.engine.dialect.name == "postgresql"
    t = lv_traject(db, organisaties)
    before = row_counts(db)

    def step() -> Any:
        return trajecten.advance(db, traject_id=t.id, fase="intake", actor=ACTOR)

    results, errors = race(monkeypatch, step, step)

    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], ConcurrentChange)
    assert DUTCH in str(errors[0])
    assert results[0].version == 2
    assert event_count(db, t.id) == 2  # aanmelden + exactly one new step
    after = row_counts(db)
    assert after["traject_events"] == before["traject_events"] + 1
    assert trajecten.show(db, traject_id=t.id).fase == "intake"
    assert verify.verify(db).ok


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_advance_and_koppel_at_once_on_postgres(
    db: Database, organisaties: Organisaties, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Different steps collide too: the loser writes neither its event nor its outbox rows."""
    t = lv_traject(db, organisaties)
    trajecten.advance(db, traject_id=t.id, fase="intake", actor=ACTOR)
    trajecten.advance(db, traject_id=t.id, fase="matching", actor=ACTOR)
    before = row_counts(db)

    def koppel() -> Any:
        return trajecten.koppel(db, traject_id=t.id, adviseur=organisaties.adviseur, actor=ACTOR)

    def stop() -> Any:
        return trajecten.advance(
            db, traject_id=t.id, fase="gestopt", actor=ACTOR, reden="Bestuur ziet ervan af"
        )

    # koppel reads no guards: it waits at the barrier once it has found the adviseur
    barrier = threading.Barrier(2, timeout=20)
    real_find = trajecten.find_adviseur_for_koppel
    real_guard = trajecten.guard_context

    def find_then_wait(session: Any, ref: str) -> Any:
        found = real_find(session, ref)
        barrier.wait()
        return found

    def guard_then_wait(session: Any, traject: Any, *args: Any, **kwargs: Any) -> Any:
        ctx = real_guard(session, traject, *args, **kwargs)
        barrier.wait()
        return ctx

    monkeypatch.setattr(trajecten, "find_adviseur_for_koppel", find_then_wait)
    monkeypatch.setattr(trajecten, "guard_context", guard_then_wait)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            results.append(action())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in (koppel, stop)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], ConcurrentChange) and DUTCH in str(errors[0])
    after = row_counts(db)
    assert after["traject_events"] == before["traject_events"] + 1
    winner = results[0]
    outbox_added = after["outbox"] - before["outbox"]
    # koppel queues two messages, stoppen none: only the winner's rows are there
    assert outbox_added == (2 if winner.fase == "matching" else 0)
    assert verify.verify(db).ok


def test_two_advances_at_once_on_each_database(
    db: Database, organisaties: Organisaties, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same race on SQLite too: its single writer waits, then finds the version moved."""
    t = lv_traject(db, organisaties)

    def step() -> Any:
        return trajecten.advance(db, traject_id=t.id, fase="intake", actor=ACTOR)

    results, errors = race(monkeypatch, step, step)
    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], ConcurrentChange)
    assert event_count(db, t.id) == 2


def test_expected_version(db: Database, organisaties: Organisaties, cli) -> None:
    """Who saw version 1 cannot step after someone else moved the traject on."""
    t = lv_traject(db, organisaties)
    moved = trajecten.advance(db, traject_id=t.id, fase="intake", actor=ACTOR, expected_version=1)
    assert moved.version == 2
    before = row_counts(db)
    for action in (
        lambda: trajecten.advance(
            db, traject_id=t.id, fase="gepauzeerd", actor=ACTOR, expected_version=1
        ),
        lambda: trajecten.koppel(
            db, traject_id=t.id, adviseur=organisaties.adviseur, actor=ACTOR, expected_version=1
        ),
        lambda: trajecten.wijzig(
            db, traject_id=t.id, actor=ACTOR, risico="Daling", expected_version=1
        ),
    ):
        with pytest.raises(ConcurrentChange, match=DUTCH):
            action()
    assert row_counts(db) == before

    stale = cli("traject", "advance", str(t.id), "gepauzeerd", "--versie", "1")
    assert stale.code == 1 and DUTCH in stale.err
    assert row_counts(db) == before
    fresh = cli("traject", "advance", str(t.id), "gepauzeerd", "--versie", "2", "--json")
    assert fresh.code == 0, fresh.err
    assert '"version": 3' in fresh.out and '"paused_from": "intake"' in fresh.out
