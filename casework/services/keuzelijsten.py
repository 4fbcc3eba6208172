"""Short lists for pickers in forms: only what a choice needs, in one cheap query."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select

from casework.db import Database
from casework.db.models import Adviseur


class AdviseurKeuze(BaseModel):
    id: int
    naam: str
    email: str
    actief: bool


def adviseurs(db: Database) -> list[AdviseurKeuze]:
    """Every adviseur by name: id, name, email, active (no workload or profile)."""
    with db.read() as session:
        rows = session.execute(
            select(Adviseur.id, Adviseur.naam, Adviseur.email, Adviseur.actief).order_by(
                Adviseur.naam
            )
        )
        return [AdviseurKeuze(id=i, naam=n, email=e, actief=a) for i, n, e, a in rows]
