"""Adviseurs (a minimal registry; the matching issue adds sectors, capacity and the rest)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.models import Adviseur
from casework.errors import AlreadyExists, NotFound
from casework.services import validation


class AdviseurRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    naam: str
    email: str
    actief: bool


def find_adviseur(session: Session, ref: str) -> Adviseur:
    """An adviseur by email address or numeric id."""
    ref = ref.strip()
    if ref.isdigit():
        adviseur = session.get(Adviseur, int(ref))
    else:
        adviseur = session.scalar(select(Adviseur).where(func.lower(Adviseur.email) == ref.lower()))
    if adviseur is None:
        raise NotFound(
            f"Adviseur {ref} is niet bekend. Voeg die eerst toe met 'casework adviseur add'."
        )
    return adviseur


def add_adviseur(db: Database, *, naam: str, email: str) -> AdviseurRead:
    """Register an adviseur."""
    naam = validation.naam(naam)
    email = validation.email(email)
    with db.transaction() as session:
        exists = session.scalar(
            select(Adviseur.id).where(func.lower(Adviseur.email) == email.lower())
        )
        if exists:
            raise AlreadyExists(f"Er is al een adviseur met e-mailadres {email}.")
        adviseur = Adviseur(naam=naam, email=email)
        session.add(adviseur)
        session.flush()
        return AdviseurRead.model_validate(adviseur)


def list_adviseurs(db: Database) -> list[AdviseurRead]:
    with db.read() as session:
        return [
            AdviseurRead.model_validate(row)
            for row in session.scalars(select(Adviseur).order_by(Adviseur.naam))
        ]
