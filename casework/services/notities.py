"""Notes on a traject."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from casework.db import Database
from casework.db.models import Traject, TrajectNotitie
from casework.errors import NotFound
from casework.services import validation


class NotitieRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    tekst: str


def add_notitie(db: Database, *, traject_id: int, tekst: str, actor: str) -> NotitieRead:
    """Add a note to a traject."""
    body = validation.tekst(tekst, "notitie", 10000)
    if not body:
        from casework.errors import InvalidInput

        raise InvalidInput("Een lege notitie wordt niet bewaard: schrijf iets op.")
    with db.transaction() as session:
        if session.get(Traject, traject_id) is None:
            raise NotFound(f"Traject {traject_id} bestaat niet.")
        note = TrajectNotitie(traject_id=traject_id, tekst=body, actor=actor)
        session.add(note)
        session.flush()
        return NotitieRead.model_validate(note)


def list_notities(db: Database, *, traject_id: int) -> list[NotitieRead]:
    with db.read() as session:
        rows = session.scalars(
            select(TrajectNotitie)
            .where(TrajectNotitie.traject_id == traject_id)
            .order_by(TrajectNotitie.at.desc(), TrajectNotitie.id.desc())
        )
        return [NotitieRead.model_validate(row) for row in rows]
