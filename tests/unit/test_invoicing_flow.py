"""The invoice-run flow's period and its place in the deployment registry."""

from __future__ import annotations

from datetime import date

from flows.invoicing import invoice_run, previous_month
from flows.registry import by_name


def test_previous_month() -> None:
    assert previous_month(date(2026, 12, 1)) == "2026-11"
    assert previous_month(date(2027, 1, 31)) == "2026-12"


def test_registered_monthly() -> None:
    deployment = by_name("invoice-run")
    assert deployment.cron == "0 6 1 * *"
    assert deployment.load_flow() is invoice_run
