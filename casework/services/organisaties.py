"""Besturen, scholen and their inspection verdicts."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.models import Bestuur, Oordeel, School
from casework.errors import AlreadyExists, InvalidInput, NotFound
from casework.services import validation


class BestuurRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    bestuursnummer: str
    naam: str
    regio: str | None


class SchoolRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    brin: str
    naam: str
    sector: str
    regio: str | None
    bestuursnummer: str


def _school_read(school: School) -> SchoolRead:
    return SchoolRead(
        id=school.id,
        brin=school.brin,
        naam=school.naam,
        sector=school.sector,
        regio=school.regio,
        bestuursnummer=school.bestuur.bestuursnummer,
    )


def find_bestuur(session: Session, nummer: str) -> Bestuur:
    nummer = validation.bestuursnummer(nummer)
    bestuur = session.scalar(select(Bestuur).where(Bestuur.bestuursnummer == nummer))
    if bestuur is None:
        raise NotFound(
            f"Bestuur {nummer} is niet bekend. Voeg het eerst toe met 'casework bestuur add'."
        )
    return bestuur


def find_school(session: Session, brin: str) -> School:
    code = validation.brin(brin)
    school = session.scalar(select(School).where(School.brin == code))
    if school is None:
        raise NotFound(
            f"School {code} is niet bekend. Voeg die eerst toe met 'casework school add'."
        )
    return school


def add_bestuur(db: Database, *, nummer: str, naam: str, regio: str | None = None) -> BestuurRead:
    """Register a schoolbestuur by its 5-digit bestuursnummer."""
    nummer = validation.bestuursnummer(nummer)
    naam = validation.naam(naam)
    with db.transaction() as session:
        if session.scalar(select(Bestuur.id).where(Bestuur.bestuursnummer == nummer)):
            raise AlreadyExists(f"Bestuur {nummer} bestaat al.")
        bestuur = Bestuur(bestuursnummer=nummer, naam=naam, regio=regio)
        session.add(bestuur)
        session.flush()
        return BestuurRead.model_validate(bestuur)


def add_school(
    db: Database, *, brin: str, naam: str, bestuur: str, sector: str, regio: str | None = None
) -> SchoolRead:
    """Register a school (BRIN) under its bestuur."""
    code = validation.brin(brin)
    naam = validation.naam(naam)
    sector = validation.sector(sector)
    with db.transaction() as session:
        owner = find_bestuur(session, bestuur)
        if session.scalar(select(School.id).where(School.brin == code)):
            raise AlreadyExists(f"School {code} bestaat al.")
        school = School(
            brin=code, naam=naam, bestuur=owner, sector=sector, regio=regio or owner.regio
        )
        session.add(school)
        session.flush()
        return _school_read(school)


def record_oordeel(
    session: Session,
    *,
    oordeel: str,
    school: School | None = None,
    bestuur: Bestuur | None = None,
    standaard: str | None = None,
    datum: date | None = None,
    rapport: str | None = None,
) -> Oordeel:
    """Record an inspection verdict inside the caller's unit of work."""
    if (school is None) == (bestuur is None):
        raise InvalidInput("Een oordeel hoort bij precies één school of één bestuur.")
    row = Oordeel(
        school_id=school.id if school else None,
        bestuur_id=bestuur.id if bestuur else None,
        oordeel=validation.oordeel(oordeel),
        standaard=standaard.strip().upper() if standaard else None,
        datum=datum or date.today(),
        rapport=rapport,
    )
    session.add(row)
    return row


# two columns, not whole rows, in statements built once: every step's read asks this
_LATEST = select(Oordeel.standaard, Oordeel.oordeel).order_by(
    Oordeel.datum.desc(), Oordeel.id.desc()
)
_LATEST_OF_SCHOOL = _LATEST.where(Oordeel.school_id == bindparam("school_id"))
_LATEST_OF_BESTUUR = _LATEST.where(Oordeel.bestuur_id == bindparam("bestuur_id"))


def latest_oordelen(
    session: Session, *, school_id: int | None = None, bestuur_id: int | None = None
) -> list[str]:
    """The latest verdict per standard of one school or bestuur."""
    if school_id is not None:
        rows = session.execute(_LATEST_OF_SCHOOL, {"school_id": school_id})
    else:
        rows = session.execute(_LATEST_OF_BESTUUR, {"bestuur_id": bestuur_id})
    latest: dict[str | None, str] = {}
    for standaard, oordeel in rows:
        latest.setdefault(standaard, oordeel)
    return list(latest.values())


def latest_school_oordelen(session: Session, *, bestuur_id: int) -> list[str]:
    """The latest verdict per standard of every school of a bestuur, in one query."""
    query = (
        select(Oordeel.school_id, Oordeel.standaard, Oordeel.oordeel)
        .join(School, School.id == Oordeel.school_id)
        .where(School.bestuur_id == bestuur_id)
        .order_by(Oordeel.school_id, Oordeel.datum.desc(), Oordeel.id.desc())
    )
    latest: dict[tuple[int | None, str | None], str] = {}
    for school_id, standaard, oordeel in session.execute(query):
        latest.setdefault((school_id, standaard), oordeel)
    return list(latest.values())


def list_besturen(db: Database) -> list[BestuurRead]:
    with db.read() as session:
        return [
            BestuurRead.model_validate(row)
            for row in session.scalars(select(Bestuur).order_by(Bestuur.bestuursnummer))
        ]


def list_scholen(db: Database, *, bestuur: str | None = None) -> list[SchoolRead]:
    with db.read() as session:
        query = select(School).join(School.bestuur).order_by(School.brin)
        if bestuur:
            query = query.where(Bestuur.bestuursnummer == validation.bestuursnummer(bestuur))
        return [_school_read(row) for row in session.scalars(query)]
