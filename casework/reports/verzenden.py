"""The weekly throughput report by email: the management list gets the HTML report attached.

Idempotent per ISO week: the outbox row's Message-ID is derived from the week, so a doubled or
repeated schedule finds the row and queues nothing twice.
"""

from __future__ import annotations

import base64
from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy import select

from casework.db import Database
from casework.db.base import utcnow
from casework.db.models import OutboxMessage
from casework.reports.doorstroom import doorstroom
from casework.reports.html import als_html
from casework.reports.model import DoorstroomRapport
from casework.reports.periodes import datum_lang, getal, procent, schooljaar_start
from casework.services import outbox
from casework.settings import get_settings


class WeekrapportRead(BaseModel):
    week: str
    aan: str
    van: date
    tot: date
    #: False when this week's report was already queued
    verstuurd: bool
    message_id: str


def _samenvatting(r: DoorstroomRapport) -> str:
    regels = [
        f"Doorstroom van {datum_lang(r.van)} tot en met {datum_lang(r.tot)} "
        f"(per {r.periode_soort}).",
        "",
    ]
    for code in r.programmas:
        cijfers = [c for c in r.cijfers if c.programma == code]
        uit = next(u for u in r.uitkomsten if u.programma == code)
        instroom = sum(c.instroom for c in cijfers)
        over = sum(v.over_norm for v in r.veroudering if v.programma == code)
        mediaan = next(
            (
                d.mediaan
                for d in r.doorlooptijden
                if d.programma == code and d.fase == "aanmelding_tot_kennismaking"
            ),
            None,
        )
        regels.append(
            f"{r.programma_namen[code]}: {getal(instroom, 0)} aanmeldingen, "
            f"{getal(uit.beeindigd, 0)} beëindigd ({procent(uit.aandeel_afgewezen_gestopt)} "
            f"afgewezen of gestopt), {getal(over, 0)} over de norm, mediaan aanmelding tot "
            f"kennismaking {getal(mediaan)} dagen."
        )
    regels += ["", "Het volledige rapport met grafieken staat in de bijlage."]
    return "\n".join(regels)


def verstuur_weekrapport(
    db: Database, *, vandaag: date | None = None, actor: str = "rapportage"
) -> WeekrapportRead:
    """Queue this week's report (school year to date, per week) for the management list."""
    today = vandaag or utcnow().date()
    tot = today - timedelta(days=1)
    van = schooljaar_start(tot)
    year, week, _ = today.isocalendar()
    settings = get_settings()
    domain = settings.mail_from.rsplit("@", 1)[-1].strip(" >") or "casework.local"
    message_id = f"<casework.weekrapport.{year}-w{week:02d}@{domain}>"
    resultaat = WeekrapportRead(
        week=f"{year}-W{week:02d}",
        aan=settings.mail_management,
        van=van,
        tot=tot,
        verstuurd=False,
        message_id=message_id,
    )
    with db.read() as session:
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.message_id == message_id)):
            return resultaat
    rapport = doorstroom(db, van=van, tot=tot, periode="week", vandaag=today)
    html = als_html(rapport).encode("utf-8")
    with db.transaction() as session:
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.message_id == message_id)):
            return resultaat
        message = outbox.enqueue(
            session,
            template="generiek",
            to_address=settings.mail_management,
            context={
                "onderwerp": f"Doorstroomrapport week {week} ({datum_lang(tot)})",
                "tekst": _samenvatting(rapport),
                "attachments": [
                    {
                        "filename": f"doorstroomrapport-{tot.isoformat()}.html",
                        "content_type": "text/html",
                        "content_base64": base64.b64encode(html).decode("ascii"),
                    }
                ],
            },
            actor=actor,
        )
        if message is not None:
            message.message_id = message_id
    return resultaat.model_copy(update={"verstuurd": message is not None})
