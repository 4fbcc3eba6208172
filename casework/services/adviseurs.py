"""Adviseurs: the registry matching reads (sectors, expertise, region, capacity, absences,
conflicts of interest, active or not)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.matching import (
    AdviseurAfwezigheid,
    AdviseurConflict,
    AdviseurExpertise,
    AdviseurProfiel,
    AdviseurSector,
)
from casework.db.models import Adviseur, Traject
from casework.errors import AlreadyExists, InvalidInput, NotFound
from casework.matching.themas import parse_themas
from casework.services import validation
from casework.services.organisaties import find_bestuur, find_school


class AfwezigheidRead(BaseModel):
    van: date
    tot: date
    reden: str | None


class ConflictRead(BaseModel):
    organisatie: str
    reden: str | None


class AdviseurRead(BaseModel):
    id: int
    naam: str
    email: str
    actief: bool
    sectoren: list[str] = []
    expertise: list[str] = []
    regio: str | None = None
    #: capacity in dagdelen per month
    capaciteit: int = 0
    max_trajecten: int = 0
    #: trajecten held now (proposed-not-accepted included, ended ones not)
    actieve_trajecten: int = 0
    afwezigheid: list[AfwezigheidRead] = []
    conflicten: list[ConflictRead] = []


def final_fasen() -> set[str]:
    """The end phases of every programme: a traject there no longer takes an adviseur's time."""
    from casework.services.programmas import programmes

    return {fase for p in programmes().values() for fase in p.final_phases}


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


def _sectoren(value: str | list[str] | None) -> list[str] | None:
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else value
    result = []
    for item in items:
        if item.strip() and (code := validation.sector(item)) not in result:
            result.append(code)
    return result


def _capacity(value: int | None, what: str, maximum: int) -> int | None:
    if value is not None and not 0 <= value <= maximum:
        raise InvalidInput(f"{what} moet tussen 0 en {maximum} liggen, niet {value}.")
    return value


def _regio(value: str | None) -> str | None:
    if value is None:
        return None
    return validation.naam(value, "regio", 40).lower()


def add_adviseur(
    db: Database,
    *,
    naam: str,
    email: str,
    sectoren: str | list[str] | None = None,
    expertise: str | list[str] | None = None,
    regio: str | None = None,
    capaciteit: int | None = None,
    max_trajecten: int | None = None,
) -> AdviseurRead:
    """Register an adviseur with what matching needs to know (all but name and email optional)."""
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
        _write_profile(
            session,
            adviseur,
            sectoren=_sectoren(sectoren),
            expertise=parse_themas(expertise) if expertise is not None else None,
            regio=_regio(regio),
            capaciteit=_capacity(capaciteit, "De capaciteit (dagdelen per maand)", 200),
            max_trajecten=_capacity(max_trajecten, "Het maximum aantal trajecten", 100),
        )
        session.flush()
        return _read(session, adviseur)


def edit_adviseur(
    db: Database,
    *,
    adviseur: str,
    naam: str | None = None,
    email: str | None = None,
    sectoren: str | list[str] | None = None,
    expertise: str | list[str] | None = None,
    regio: str | None = None,
    capaciteit: int | None = None,
    max_trajecten: int | None = None,
    actief: bool | None = None,
) -> AdviseurRead:
    """Change an adviseur's details; only what is given changes."""
    new_naam = validation.naam(naam) if naam is not None else None
    new_email = validation.email(email) if email is not None else None
    parsed_sectoren = _sectoren(sectoren)
    parsed_expertise = parse_themas(expertise) if expertise is not None else None
    new_regio = _regio(regio)
    _capacity(capaciteit, "De capaciteit (dagdelen per maand)", 200)
    _capacity(max_trajecten, "Het maximum aantal trajecten", 100)
    with db.transaction() as session:
        row = find_adviseur(session, adviseur)
        if new_email is not None and new_email.lower() != row.email.lower():
            taken = session.scalar(
                select(Adviseur.id).where(func.lower(Adviseur.email) == new_email.lower())
            )
            if taken:
                raise AlreadyExists(f"Er is al een adviseur met e-mailadres {new_email}.")
            row.email = new_email
        if new_naam is not None:
            row.naam = new_naam
        if actief is not None:
            row.actief = actief
        _write_profile(
            session,
            row,
            sectoren=parsed_sectoren,
            expertise=parsed_expertise,
            regio=new_regio,
            capaciteit=capaciteit,
            max_trajecten=max_trajecten,
        )
        session.flush()
        return _read(session, row)


def _write_profile(
    session: Session,
    adviseur: Adviseur,
    *,
    sectoren: list[str] | None,
    expertise: list[str] | None,
    regio: str | None,
    capaciteit: int | None,
    max_trajecten: int | None,
) -> None:
    profiel = session.get(AdviseurProfiel, adviseur.id)
    if profiel is None:
        profiel = AdviseurProfiel(adviseur_id=adviseur.id, dagdelen_per_maand=0, max_trajecten=0)
        session.add(profiel)
    if regio is not None:
        profiel.regio = regio
    if capaciteit is not None:
        profiel.dagdelen_per_maand = capaciteit
    if max_trajecten is not None:
        profiel.max_trajecten = max_trajecten
    if sectoren is not None:
        session.execute(delete(AdviseurSector).where(AdviseurSector.adviseur_id == adviseur.id))
        session.add_all(AdviseurSector(adviseur_id=adviseur.id, sector=s) for s in sectoren)
    if expertise is not None:
        session.execute(
            delete(AdviseurExpertise).where(AdviseurExpertise.adviseur_id == adviseur.id)
        )
        session.add_all(AdviseurExpertise(adviseur_id=adviseur.id, thema=t) for t in expertise)


def add_conflict(
    db: Database,
    *,
    adviseur: str,
    bestuur: str | None = None,
    school: str | None = None,
    reden: str | None = None,
) -> AdviseurRead:
    """Record a bestuur (bestuursnummer) or school (BRIN) the adviseur may not work for."""
    if (bestuur is None) == (school is None):
        raise InvalidInput("Geef precies één van --bestuur NUMMER of --school BRIN.")
    reden = validation.tekst(reden, "reden", 200)
    try:
        with db.transaction() as session:
            row = find_adviseur(session, adviseur)
            conflict = AdviseurConflict(adviseur_id=row.id, reden=reden)
            if bestuur is not None:
                conflict.bestuur_id = find_bestuur(session, bestuur).id
            else:
                conflict.school_id = find_school(session, school or "").id
            session.add(conflict)
            session.flush()
            return _read(session, row)
    except IntegrityError:
        raise AlreadyExists("Dit belangenconflict is al vastgelegd.") from None


def add_afwezigheid(
    db: Database, *, adviseur: str, van: date, tot: date, reden: str | None = None
) -> AdviseurRead:
    """Record a period (first and last day) in which the adviseur takes no new traject."""
    if tot < van:
        raise InvalidInput("De einddatum ligt vóór de begindatum: geef --tot op of na --van.")
    reden = validation.tekst(reden, "reden", 200)
    with db.transaction() as session:
        row = find_adviseur(session, adviseur)
        session.add(AdviseurAfwezigheid(adviseur_id=row.id, van=van, tot=tot, reden=reden))
        session.flush()
        return _read(session, row)


def active_counts(session: Session) -> dict[int, int]:
    """Per adviseur: the trajecten they hold now (accepted or not yet), ended ones not counted."""
    query = (
        select(Traject.adviseur_id, func.count())
        .where(Traject.adviseur_id.is_not(None), Traject.fase.not_in(final_fasen()))
        .group_by(Traject.adviseur_id)
    )
    return {int(a or 0): int(n) for a, n in session.execute(query)}


def _read(
    session: Session, adviseur: Adviseur, counts: dict[int, int] | None = None
) -> AdviseurRead:
    from casework.db.models import Bestuur, School

    profiel = session.get(AdviseurProfiel, adviseur.id)
    sectoren = session.scalars(
        select(AdviseurSector.sector).where(AdviseurSector.adviseur_id == adviseur.id)
    )
    expertise = session.scalars(
        select(AdviseurExpertise.thema).where(AdviseurExpertise.adviseur_id == adviseur.id)
    )
    afwezig = session.scalars(
        select(AdviseurAfwezigheid)
        .where(AdviseurAfwezigheid.adviseur_id == adviseur.id)
        .order_by(AdviseurAfwezigheid.van)
    )
    conflicten = []
    for c in session.scalars(
        select(AdviseurConflict).where(AdviseurConflict.adviseur_id == adviseur.id)
    ):
        if c.bestuur_id is not None:
            b = session.get(Bestuur, c.bestuur_id)
            name = f"bestuur {b.bestuursnummer} {b.naam}" if b else "?"
        else:
            s = session.get(School, c.school_id)
            name = f"school {s.brin} {s.naam}" if s else "?"
        conflicten.append(ConflictRead(organisatie=name, reden=c.reden))
    if counts is None:
        counts = active_counts(session)
    return AdviseurRead(
        id=adviseur.id,
        naam=adviseur.naam,
        email=adviseur.email,
        actief=adviseur.actief,
        sectoren=sorted(sectoren),
        expertise=sorted(expertise),
        regio=profiel.regio if profiel else None,
        capaciteit=profiel.dagdelen_per_maand if profiel else 0,
        max_trajecten=profiel.max_trajecten if profiel else 0,
        actieve_trajecten=counts.get(adviseur.id, 0),
        afwezigheid=[AfwezigheidRead(van=a.van, tot=a.tot, reden=a.reden) for a in afwezig],
        conflicten=conflicten,
    )


def show_adviseur(db: Database, *, adviseur: str) -> AdviseurRead:
    """One adviseur with profile, absences and conflicts."""
    with db.read() as session:
        return _read(session, find_adviseur(session, adviseur))


def list_adviseurs(db: Database) -> list[AdviseurRead]:
    """Every adviseur, by name, with profile and current workload."""
    with db.read() as session:
        counts = active_counts(session)
        return [
            _read(session, row, counts)
            for row in session.scalars(select(Adviseur).order_by(Adviseur.naam))
        ]
