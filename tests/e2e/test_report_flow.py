"""The weekly report flow runs under Prefect for real and is a registered deployment."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from casework.db import Database
from casework.db.models import OutboxMessage


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_weekly_report_flow_queues_the_mail(
    prefect_harness: None, rapport_geschiedenis: Database
) -> None:
    from flows.registry import by_name
    from flows.reports import weekly_report

    result = weekly_report(today=date(2026, 11, 2))
    assert result["verstuurd"] is True and result["week"] == "2026-W45"
    assert weekly_report(today=date(2026, 11, 3))["verstuurd"] is False
    with rapport_geschiedenis.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    deployment = by_name("weekly-report")
    assert deployment.cron == "0 7 * * 1" and deployment.load_flow() is weekly_report
