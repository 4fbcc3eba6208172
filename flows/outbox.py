"""Delivering the outbox: one flow run drains what is due, in batches over one SMTP connection."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task

from flows.common import database, name_run

#: a batch that delivered this many may have left more behind; another batch follows
BATCH = 500
#: an upper bound on batches per run, so one run never holds a worker forever
MAX_BATCHES = 40


@task(retries=3, retry_delay_seconds=[2, 10, 30], task_run_name="outbox-batch")
def deliver_batch(limit: int, now: datetime | None = None) -> dict[str, int]:
    """Send one batch of due outbox messages (touches the SMTP server: retried)."""
    from casework.services.delivery import deliver_due

    report = deliver_due(database(), limit=limit, now=now)
    return {
        "verzonden": report.verzonden,
        "mislukt": report.mislukt,
        "uitgesteld": report.uitgesteld,
    }


@flow(name="deliver-outbox", log_prints=True)
def deliver_outbox(limit: int = BATCH, now: datetime | None = None) -> dict[str, int]:
    """Deliver every due outbox message; the run is named after the result."""
    totals = {"verzonden": 0, "mislukt": 0, "uitgesteld": 0}
    for _ in range(MAX_BATCHES):
        batch = deliver_batch(limit, now)
        for key in totals:
            totals[key] += batch[key]
        if batch["verzonden"] + batch["mislukt"] + batch["uitgesteld"] < limit:
            break
    summary = f"outbox: {totals['verzonden']} verzonden, {totals['mislukt']} mislukt"
    if totals["uitgesteld"]:
        summary += f", {totals['uitgesteld']} uitgesteld"
    name_run(summary)
    print(summary)
    return totals
