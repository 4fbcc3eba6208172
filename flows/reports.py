"""The weekly throughput report for management: built from the history, mailed via the outbox."""

from __future__ import annotations

from datetime import date

from prefect import flow, task

from flows.common import database, name_run


@task(retries=2, retry_delay_seconds=30, task_run_name="weekrapport")
def queue_weekly_report(today: date | None = None) -> dict[str, object]:
    from casework.reports.verzenden import verstuur_weekrapport

    return verstuur_weekrapport(database(), vandaag=today).model_dump(mode="json")


@flow(name="weekly-report", log_prints=True)
def weekly_report(today: date | None = None) -> dict[str, object]:
    """Mail this week's doorstroom report (school year to date) to the management list."""
    result = queue_weekly_report(today)
    status = "in de outbox" if result["verstuurd"] else "stond al klaar"
    name_run(f"weekrapport {result['week']}: {status}")
    print(f"Doorstroomrapport {result['week']} voor {result['aan']}: {status}")
    return result
