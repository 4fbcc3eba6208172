"""The weekly report by email: queued once per week for the management list, report attached."""

from __future__ import annotations

import base64
from datetime import date

from sqlalchemy import func, select

from casework.db import Database
from casework.db.models import OutboxMessage
from casework.reports.verzenden import verstuur_weekrapport
from notifications.render import render


def test_weekly_report_is_queued_once_with_the_html_attached(
    rapport_geschiedenis: Database,
) -> None:
    db = rapport_geschiedenis
    result = verstuur_weekrapport(db, vandaag=date(2026, 11, 2))
    assert result.verstuurd and result.week == "2026-W45"
    assert (result.van, result.tot) == (date(2026, 8, 1), date(2026, 11, 1))
    with db.read() as session:
        row = session.scalars(select(OutboxMessage)).one()
        template, to_address, message_id = row.template, row.to_address, row.message_id
        context = dict(row.context)
    assert template == "generiek" and to_address == "management@casework.local"
    assert message_id == result.message_id
    tekst = context["tekst"]
    assert "1 augustus 2026 tot en met 1 november 2026" in tekst
    # LV: 14 sign-ups since 1 August; 4 ended of which 3 afgewezen or gestopt; median 10 days
    assert "Leren verbeteren: 14 aanmeldingen, 4 beëindigd (75,0% afgewezen of gestopt)" in tekst
    assert "kennismaking 10,0 dagen" in tekst
    bijlage = context["attachments"][0]
    assert bijlage["filename"] == "doorstroomrapport-2026-11-01.html"
    html = base64.b64decode(bijlage["content_base64"]).decode("utf-8")
    assert "<svg" in html and "week 44 2026" in html
    rendered = render(template, context)
    assert rendered.subject == "Doorstroomrapport week 45 (1 november 2026)"
    assert rendered.attachments[0].content_type == "text/html"
    assert "doorstroomrapport-2026-11-01.html" in rendered.text

    again = verstuur_weekrapport(db, vandaag=date(2026, 11, 4))
    assert not again.verstuurd
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    next_week = verstuur_weekrapport(db, vandaag=date(2026, 11, 9))
    assert next_week.verstuurd and next_week.week == "2026-W46"
