"""Writing messages to the outbox, inside the unit of work of the step that causes them.

Delivery (rendering, SMTP, retries) lives in the notification layer and its own service.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from casework.db.models import OutboxMessage, Traject
from casework.db.session import OUTBOX_WRITTEN
from casework.settings import get_settings


def new_message_id() -> str:
    """A globally unique, stable Message-ID (kept across retries, so duplicates can be seen)."""
    domain = get_settings().mail_from.rsplit("@", 1)[-1].strip(" >") or "casework.local"
    return f"<casework.{uuid.uuid4().hex}@{domain}>"


def enqueue(
    session: Session,
    *,
    template: str,
    to_address: str,
    to_name: str | None = None,
    context: dict[str, Any],
    traject_id: int | None = None,
    actor: str | None = None,
) -> OutboxMessage | None:
    """Add a message to the outbox in the caller's transaction.

    Nobody is mailed about their own action: when the recipient is the actor, nothing is queued.
    """
    if actor and actor.strip().lower() == to_address.strip().lower():
        return None
    message = OutboxMessage(
        message_id=new_message_id(),
        traject_id=traject_id,
        template=template,
        to_address=to_address,
        to_name=to_name,
        context=context,
    )
    session.add(message)
    session.info[OUTBOX_WRITTEN] = session.info.get(OUTBOX_WRITTEN, 0) + 1
    return message


def traject_context(traject: Traject, **extra: Any) -> dict[str, Any]:
    """The facts of a traject every template may use, captured at the time of the step."""
    from casework.services.programmas import definition

    programme = definition(traject.programma)
    settings = get_settings()
    contact = traject.contact
    adviseur = traject.adviseur
    context: dict[str, Any] = {
        "traject_id": traject.id,
        "referentie": traject.referentie,
        "programma": traject.programma,
        "programma_naam": programme.naam,
        "organisatie": traject.organisatie_naam,
        "brin": traject.school.brin if traject.school else None,
        "bestuur": traject.bestuur.naam,
        "bestuursnummer": traject.bestuur.bestuursnummer,
        "sector": traject.school.sector if traject.school else None,
        "hulpvraag": traject.hulpvraag,
        "risico": traject.risico,
        "fase": traject.fase,
        "fase_label": programme.label(traject.fase),
        "contact_naam": contact.naam if contact else None,
        "contact_email": contact.email if contact else None,
        "contact_telefoon": contact.telefoon if contact else None,
        "adviseur_naam": adviseur.naam if adviseur else None,
        "adviseur_email": adviseur.email if adviseur else None,
        "link": f"{settings.base_url.rstrip('/')}/trajecten/{traject.id}",
    }
    context.update(extra)
    return context
