"""Reminders: phases past their norm (werkdagen) and the programmes' yearly moments.

Both scan the database for what is due and are idempotent, so a missed or doubled schedule
neither loses nor repeats a reminder. The reminders go out through the outbox.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, task

from flows.common import database, name_run


@task(retries=2, retry_delay_seconds=10, task_run_name="fase-herinneringen")
def queue_phase_reminders(today: date | None = None) -> dict[str, object]:
    from casework.services.reminders import phase_reminders as scan

    report = scan(database(), today=today)
    return {"samenvatting": report.samenvatting, **report.model_dump()}


@task(retries=2, retry_delay_seconds=10, task_run_name="jaarmomenten")
def queue_yearly_moments(today: date | None = None) -> dict[str, object]:
    from casework.services.reminders import yearly_moments as scan

    report = scan(database(), today=today)
    return {"samenvatting": report.samenvatting, **report.model_dump()}


@flow(name="phase-reminders", log_prints=True)
def phase_reminders(today: date | None = None) -> dict[str, object]:
    """Remind the programme office of every traject whose phase passed its norm."""
    result = queue_phase_reminders(today)
    name_run(f"herinneringen: {result['verstuurd']} verstuurd, {result['al_verstuurd']} al eerder")
    print(result["samenvatting"])
    return result


@flow(name="yearly-moments", log_prints=True)
def yearly_moments(today: date | None = None) -> dict[str, object]:
    """Remind the programme office of the yearly moments due this month, once per year."""
    result = queue_yearly_moments(today)
    name_run(f"jaarmomenten: {result['verstuurd']} verstuurd, {result['al_verstuurd']} al eerder")
    print(result["samenvatting"])
    return result
