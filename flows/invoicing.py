"""The monthly invoice run: concept invoices for last month's dagdelen, for finance to review.

The run is idempotent (a dagdeel is never put on two invoices), so a retried or doubled
schedule adds nothing twice. Approval stays a person's act: the flow only makes concepts.
"""

from __future__ import annotations

from datetime import date, timedelta

from prefect import flow, task

from flows.common import database, name_run


def previous_month(today: date) -> str:
    """'2026-11' on any day of December 2026."""
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last:%Y-%m}"


@task(retries=2, retry_delay_seconds=30, task_run_name="factuurrun-{periode}")
def make_concepts(periode: str) -> dict[str, object]:
    from casework.services.facturen import run

    return run(database(), periode=periode, actor="factuurrun").model_dump(mode="json")


@flow(name="invoice-run", log_prints=True)
def invoice_run(periode: str | None = None) -> dict[str, object]:
    """Make the concept invoices of a period (default: last month)."""
    periode = periode or previous_month(date.today())
    result = make_concepts(periode)
    name_run(f"factuurrun {periode}: {result['facturen']} facturen, {result['regels']} regels")
    print(
        f"Periode {periode}: {result['facturen']} conceptfacturen, {result['regels']} nieuwe "
        f"regels, totaal incl EUR {result['bedrag_incl']}."
    )
    return result
