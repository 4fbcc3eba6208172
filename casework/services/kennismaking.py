"""Planning the kennismaking: the date is kept on the traject and both parties get an invitation.

The adviseur and the contact person each get a message with an `.ics` invitation. The event's
UID is the same for every (re)planning of one traject's kennismaking and its SEQUENCE goes up,
so moving the date updates the appointment in their calendars instead of adding a second one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.base import utcnow
from casework.db.models import Traject, TrajectEvent
from casework.errors import InvalidInput, StepNotAllowed
from casework.services import outbox, validation
from casework.services.programmas import definition
from casework.services.trajecten import _append_event, _commit_guarded, _load
from casework.settings import get_settings

TRIGGER = "kennismaking_gepland"
TIJDZONE = ZoneInfo("Europe/Amsterdam")


class KennismakingRead(BaseModel):
    traject_id: int
    referentie: str
    op: datetime
    locatie: str | None
    #: how many invitations were queued (the actor gets none about their own step)
    uitnodigingen: int


def _invitation(traject: Traject, op: datetime, eind: datetime, sequence: int) -> dict[str, Any]:
    settings = get_settings()
    assert traject.adviseur is not None  # checked by the caller
    domain = settings.mail_from.rsplit("@", 1)[-1].strip(" >") or "casework.local"
    attendees = [{"email": traject.adviseur.email, "naam": traject.adviseur.naam}]
    if traject.contact is not None:
        attendees.append({"email": traject.contact.email, "naam": traject.contact.naam})
    return {
        "uid": f"kennismaking-{traject.id}@{domain}",
        "sequence": sequence,
        "start": op.isoformat(),
        "end": eind.isoformat(),
        "summary": f"Kennismaking {traject.referentie} {traject.organisatie_naam}"[:250],
        "location": traject.kennismaking_locatie,
        "description": (
            f"Kennismakingsgesprek {definition(traject.programma).naam}. "
            f"Traject: {settings.base_url.rstrip('/')}/trajecten/{traject.id}"
        ),
        "organizer_email": settings.mail_from.rsplit("<", 1)[-1].strip(" >"),
        "organizer_name": "Programmabureau",
        "attendees": attendees,
    }


def plan_kennismaking(
    db: Database,
    *,
    traject_id: int,
    op: datetime,
    locatie: str | None,
    actor: str,
    duur_minuten: int = 120,
    now: datetime | None = None,
) -> KennismakingRead:
    """Set (or move) the kennismaking of a traject and invite the adviseur and contact person.

    A time without a zone is Dutch time. Writes the date on the traject, a history event
    `kennismaking_gepland` and one outbox message with an .ics invitation per person.
    """
    if op.tzinfo is None:
        op = op.replace(tzinfo=TIJDZONE)
    if op <= (now or utcnow()):
        raise InvalidInput(
            "Dat moment ligt in het verleden: kies een datum en tijd in de toekomst, "
            "bijvoorbeeld --op 2026-12-01T10:00."
        )
    if not 15 <= duur_minuten <= 600:
        raise InvalidInput("Een kennismaking duurt tussen 15 en 600 minuten.")
    locatie = validation.tekst(locatie, "locatie", 200) or None

    def work(session: Session) -> KennismakingRead:
        traject = _load(session, traject_id)
        if traject.fase in definition(traject.programma).final_phases:
            raise StepNotAllowed(
                f"Dit traject is {traject.fase}: er valt geen kennismaking meer te plannen."
            )
        if traject.adviseur is None:
            raise StepNotAllowed(
                "Koppel eerst een adviseur aan dit traject: de uitnodiging gaat naar de "
                "adviseur en de contactpersoon."
            )
        if traject.kennismaking_op == op and traject.kennismaking_locatie == locatie:
            raise InvalidInput("De kennismaking staat al op dit moment en deze plek gepland.")
        earlier = session.scalar(
            select(func.count())
            .select_from(TrajectEvent)
            .where(TrajectEvent.traject_id == traject.id, TrajectEvent.trigger == TRIGGER)
        )
        _append_event(
            session,
            traject,
            actor=actor,
            trigger=TRIGGER,
            from_fase=traject.fase,
            to_fase=traject.fase,
            data={
                "op": op.isoformat(),
                "locatie": locatie,
                "vorige": traject.kennismaking_op.isoformat() if traject.kennismaking_op else None,
            },
        )
        traject.kennismaking_op = op
        traject.kennismaking_locatie = locatie
        traject.updated_at = utcnow()
        session.flush()
        context = outbox.traject_context(
            traject,
            kennismaking_op=op.isoformat(),
            kennismaking_locatie=locatie,
            ics=_invitation(traject, op, op + timedelta(minutes=duur_minuten), earlier or 0),
        )
        people = [(traject.adviseur.email, traject.adviseur.naam)]
        if traject.contact is not None:
            people.append((traject.contact.email, traject.contact.naam))
        queued = 0
        for address, name in people:
            message = outbox.enqueue(
                session,
                template="kennismaking",
                to_address=address,
                to_name=name,
                context=context,
                traject_id=traject.id,
                actor=actor,
            )
            queued += message is not None
        return KennismakingRead(
            traject_id=traject.id,
            referentie=traject.referentie,
            op=op,
            locatie=locatie,
            uitnodigingen=queued,
        )

    result: KennismakingRead = _commit_guarded(db, work)
    return result
