"""Reminder scans without Prefect: werkdagen with a paused clock, once per phase entry, and two
schedulers at the same time queue each reminder once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import sqlalchemy as sa

from casework.db import Database
from casework.db.models import OutboxMessage
from casework.services import reminders, trajecten
from tests.fixtures_trajecten import ACTOR, Organisaties, lv_traject


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def herinneringen(db: Database) -> list[dict[str, object]]:
    with db.read() as session:
        query = sa.select(OutboxMessage.traject_id, OutboxMessage.context).where(
            OutboxMessage.template == "herinnering"
        )
        return [{"traject_id": tid, **context} for tid, context in session.execute(query)]


def test_paused_time_does_not_count_and_a_resume_is_no_new_entry(
    db: Database, organisaties: Organisaties
) -> None:
    # aanmelding (norm 10 werkdagen) on Monday 2 March 2026; paused after 5 werkdagen
    traject = lv_traject(db, organisaties, at=at(date(2026, 3, 2)))
    trajecten.advance(
        db,
        traject_id=traject.id,
        fase="gepauzeerd",
        actor=ACTOR,
        reden="school dicht",
        at=at(date(2026, 3, 9)),
    )
    # resumed on Easter Monday (a public holiday, so it does not count either)
    trajecten.advance(
        db, traject_id=traject.id, fase="hervat", actor=ACTOR, at=at(date(2026, 4, 6))
    )

    assert reminders.phase_reminders(db, today=date(2026, 4, 13)).verstuurd == 0  # 5 + 5 = 10
    report = reminders.phase_reminders(db, today=date(2026, 4, 14))  # 11 > 10
    assert (report.verstuurd, report.traject_ids) == (1, [traject.id])
    assert herinneringen(db)[0]["werkdagen_in_fase"] == 11

    trajecten.advance(
        db,
        traject_id=traject.id,
        fase="gepauzeerd",
        actor=ACTOR,
        reden="vakantie",
        at=at(date(2026, 4, 15)),
    )
    trajecten.advance(
        db, traject_id=traject.id, fase="hervat", actor=ACTOR, at=at(date(2026, 4, 16))
    )
    again = reminders.phase_reminders(db, today=date(2026, 4, 20))
    assert (again.verstuurd, again.al_verstuurd) == (0, 1)
    assert len(herinneringen(db)) == 1


def test_a_new_phase_entry_gets_its_own_reminder(db: Database, organisaties: Organisaties) -> None:
    traject = lv_traject(db, organisaties, at=at(date(2026, 3, 2)))
    assert reminders.phase_reminders(db, today=date(2026, 3, 17)).verstuurd == 1
    trajecten.advance(
        db, traject_id=traject.id, fase="intake", actor=ACTOR, at=at(date(2026, 3, 17))
    )
    # intake's norm is 15 werkdagen; Goede Vrijdag (3 April) and Paasmaandag (6 April) do not
    # count, so the 16th werkdag after 17 March is 10 April
    assert reminders.phase_reminders(db, today=date(2026, 4, 9)).verstuurd == 0
    report = reminders.phase_reminders(db, today=date(2026, 4, 10))
    assert report.verstuurd == 1
    assert [r["fase"] for r in herinneringen(db)] == ["aanmelding", "intake"]


def test_two_schedulers_at_once_queue_each_reminder_once(
    db: Database, organisaties: Organisaties
) -> None:
    for brin in (organisaties.school_po, organisaties.school_vo):
        lv_traject(db, organisaties, school=brin, at=at(date(2026, 3, 2)))

    with ThreadPoolExecutor(4) as pool:
        reports = list(
            pool.map(lambda _: reminders.phase_reminders(db, today=date(2026, 3, 20)), range(4))
        )

    assert sum(report.verstuurd for report in reports) == 2
    assert sum(report.al_verstuurd for report in reports) == 6
    assert len(herinneringen(db)) == 2
