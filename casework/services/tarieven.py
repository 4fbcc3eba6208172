"""Rates per programme year, billing details of schools and boards, the programme ledger."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pydantic import BaseModel
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.finance import Dagdeel, Factuuradres, Tarief
from casework.db.models import Contactpersoon, Traject
from casework.errors import InvalidInput
from casework.services.organisaties import find_bestuur, find_school
from casework.services.programmas import definition

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Round to cents, half up (the Dutch and EN 16931 convention)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class TariefRead(BaseModel):
    programma: str
    jaar: int
    per_dagdeel: Decimal
    school_aandeel: Decimal
    btw_percentage: Decimal
    actor: str


class AdresRead(BaseModel):
    organisatie: str
    tenaamstelling: str
    straat: str
    postcode: str
    plaats: str
    land: str
    kvk: str | None
    oin: str | None
    btw_id: str | None
    referentie: str | None
    email: str | None


class GrootboekRegel(BaseModel):
    traject_id: int
    referentie: str
    organisatie: str
    dagdelen: int
    tarief: Decimal
    programma_aandeel: Decimal
    bedrag: Decimal


class GrootboekRead(BaseModel):
    programma: str
    periode: str
    regels: list[GrootboekRegel]
    dagdelen: int
    totaal: Decimal


def begin_write(session: Session) -> None:
    """On SQLite, take the write lock as the transaction's first statement.

    A SQLite transaction that reads first and writes later fails at once ("database is locked")
    when another writer committed in between; one that writes first simply waits its turn
    (busy_timeout). A no-op UPDATE is such a first write. PostgreSQL locks rows instead.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE factuur_tellers SET laatste = laatste WHERE 1 = 0"))


# -- rates -----------------------------------------------------------------------------------


def _decimal(value: str | Decimal, what: str) -> Decimal:
    try:
        result = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(
            f"{what} {value!r} is geen getal: gebruik bijvoorbeeld 571.50."
        ) from None
    if not result.is_finite() or result < 0:
        raise InvalidInput(f"{what} moet een positief getal zijn, niet {value!r}.")
    return result


def _tarief_read(row: Tarief) -> TariefRead:
    return TariefRead(
        programma=row.programma,
        jaar=row.jaar,
        per_dagdeel=row.per_dagdeel,
        school_aandeel=row.school_aandeel,
        btw_percentage=row.btw_percentage,
        actor=row.actor,
    )


def set_tarief(
    db: Database,
    *,
    programma: str,
    jaar: int,
    per_dagdeel: str | Decimal,
    btw_percentage: str | Decimal = "21",
    school_aandeel: str | Decimal | None = None,
    actor: str,
) -> TariefRead:
    """Set the rate of a programme year; invoices already made keep the rate they froze."""
    code = definition(programma).code
    bedrag = cents(_decimal(per_dagdeel, "Het tarief"))
    btw = _decimal(btw_percentage, "Het btw-percentage")
    if btw > 100:
        raise InvalidInput("Het btw-percentage ligt tussen 0 en 100, bijvoorbeeld 21.")
    aandeel = (
        definition(code).funding.school_share
        if school_aandeel is None
        else _decimal(school_aandeel, "Het schoolaandeel")
    )
    if aandeel > 1:
        raise InvalidInput("Het schoolaandeel is een deel van 1, bijvoorbeeld 0.50 voor de helft.")
    if not 2000 <= jaar <= 2100:
        raise InvalidInput(f"Jaar {jaar} klopt niet: geef een jaartal als 2026.")
    with db.transaction() as session:
        row = session.scalar(
            select(Tarief).where(Tarief.programma == code, Tarief.jaar == jaar).with_for_update()
        )
        if row is None:
            row = Tarief(programma=code, jaar=jaar)
            session.add(row)
        row.per_dagdeel = bedrag
        row.btw_percentage = btw
        row.school_aandeel = aandeel
        row.actor = actor
        session.flush()
        return _tarief_read(row)


def list_tarieven(db: Database) -> list[TariefRead]:
    """All rates, by programme and year."""
    with db.read() as session:
        rows = session.scalars(select(Tarief).order_by(Tarief.programma, Tarief.jaar))
        return [_tarief_read(row) for row in rows]


def rates(session: Session) -> dict[tuple[str, int], Tarief]:
    """Every rate by (programme, year); there are a handful, so load them all."""
    return {(row.programma, row.jaar): row for row in session.scalars(select(Tarief))}


def missing_rate(programma: str, jaar: int) -> InvalidInput:
    return InvalidInput(
        f"Er is geen tarief voor {programma} in {jaar}: stel het eerst in met 'casework tarief "
        f"set --programma {programma} --jaar {jaar} --bedrag 571.50'."
    )


# -- billing details -------------------------------------------------------------------------


def set_adres(
    db: Database,
    *,
    school: str | None = None,
    bestuur: str | None = None,
    tenaamstelling: str | None = None,
    straat: str,
    postcode: str,
    plaats: str,
    land: str = "NL",
    kvk: str | None = None,
    oin: str | None = None,
    btw_id: str | None = None,
    referentie: str | None = None,
    email: str | None = None,
    contact_naam: str | None = None,
) -> AdresRead:
    """Record the billing address (and finance contact) of a school or bestuur."""
    if (school is None) == (bestuur is None):
        raise InvalidInput("Geef precies een van --school BRIN of --bestuur NUMMER.")
    if not straat.strip() or not postcode.strip() or not plaats.strip():
        raise InvalidInput("Een factuuradres heeft een straat, een postcode en een plaats.")
    if kvk is not None and not (kvk.isdigit() and len(kvk) == 8):
        raise InvalidInput(f"KvK-nummer {kvk!r} klopt niet: het heeft 8 cijfers.")
    if email is not None and "@" not in email:
        raise InvalidInput(f"{email!r} is geen e-mailadres.")
    with db.transaction() as session:
        if school is not None:
            org = find_school(session, school)
            row = session.scalar(select(Factuuradres).where(Factuuradres.school_id == org.id))
            key = {"school_id": org.id}
        else:
            org_b = find_bestuur(session, bestuur or "")
            row = session.scalar(select(Factuuradres).where(Factuuradres.bestuur_id == org_b.id))
            key = {"bestuur_id": org_b.id}
        naam = org.naam if school is not None else org_b.naam
        if row is None:
            row = Factuuradres(**key)
            session.add(row)
        row.tenaamstelling = (tenaamstelling or naam).strip()
        row.straat, row.postcode, row.plaats = straat.strip(), postcode.strip(), plaats.strip()
        row.land = land.strip().upper()[:2]
        row.kvk, row.oin, row.btw_id, row.referentie = kvk, oin, btw_id, referentie
        if email is not None:
            _set_finance_contact(session, key, email.strip(), contact_naam)
        session.flush()
        return _adres_read(session, row, naam)


def _set_finance_contact(
    session: Session, key: dict[str, int], email: str, naam: str | None
) -> None:
    column = Contactpersoon.school_id if "school_id" in key else Contactpersoon.bestuur_id
    contact = session.scalar(
        select(Contactpersoon).where(
            column == next(iter(key.values())), Contactpersoon.rol == "financieel"
        )
    )
    if contact is None:
        contact = Contactpersoon(rol="financieel", naam=naam or "Financiële administratie", **key)
        session.add(contact)
    contact.email = email
    if naam:
        contact.naam = naam


def _adres_read(session: Session, row: Factuuradres, organisatie: str) -> AdresRead:
    contact = finance_contact(session, school_id=row.school_id, bestuur_id=row.bestuur_id)
    return AdresRead(
        organisatie=organisatie,
        tenaamstelling=row.tenaamstelling,
        straat=row.straat,
        postcode=row.postcode,
        plaats=row.plaats,
        land=row.land,
        kvk=row.kvk,
        oin=row.oin,
        btw_id=row.btw_id,
        referentie=row.referentie,
        email=contact.email if contact else None,
    )


def billing_address(session: Session, *, school_id: int, bestuur_id: int) -> Factuuradres | None:
    """The school's own billing address, else its bestuur's (boards often pay)."""
    return session.scalar(
        select(Factuuradres).where(Factuuradres.school_id == school_id)
    ) or session.scalar(select(Factuuradres).where(Factuuradres.bestuur_id == bestuur_id))


def finance_contact(
    session: Session, *, school_id: int | None, bestuur_id: int | None
) -> Contactpersoon | None:
    """The contact with rol 'financieel' at the school, else at its bestuur."""
    for column, value in (
        (Contactpersoon.school_id, school_id),
        (Contactpersoon.bestuur_id, bestuur_id),
    ):
        if value is None:
            continue
        found = session.scalar(
            select(Contactpersoon)
            .where(column == value, Contactpersoon.rol == "financieel")
            .order_by(Contactpersoon.id.desc())
        )
        if found is not None:
            return found
    return None


# -- the programme's ledger ------------------------------------------------------------------


def grootboek(db: Database, *, programma: str, periode: str) -> GrootboekRead:
    """The programme's share of every dagdeel in a month, per traject, for the subsidy report.

    GWGB carries 100% of each dagdeel, LV the programme's half; the rate is that of the
    dagdeel's year, rounded half up per dagdeel like the invoice lines.
    """
    from casework.services.facturen import parse_periode

    code = definition(programma).code
    start, end = parse_periode(periode)
    with db.read() as session:
        tarieven = rates(session)
        rows = session.execute(
            select(Dagdeel.traject_id, Dagdeel.datum, Dagdeel.programma_aandeel, Traject)
            .join(Traject, Traject.id == Dagdeel.traject_id)
            .where(
                Dagdeel.programma == code,
                Dagdeel.vervallen.is_(False),
                Dagdeel.datum >= start,
                Dagdeel.datum <= end,
            )
            .order_by(Dagdeel.traject_id, Dagdeel.datum)
        ).all()
        per_traject: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
        trajecten: dict[int, Traject] = {}
        for traject_id, datum, aandeel, traject in rows:
            per_traject[traject_id].append((datum, aandeel))
            trajecten[traject_id] = traject
        regels = []
        for traject_id, items in per_traject.items():
            bedrag = Decimal("0.00")
            tarief = Decimal("0.00")
            for datum, aandeel in items:
                rate = tarieven.get((code, datum.year))
                if rate is None:
                    raise missing_rate(code, datum.year)
                tarief = rate.per_dagdeel
                bedrag += cents(rate.per_dagdeel * aandeel)
            traject = trajecten[traject_id]
            regels.append(
                GrootboekRegel(
                    traject_id=traject_id,
                    referentie=traject.referentie,
                    organisatie=traject.organisatie_naam,
                    dagdelen=len(items),
                    tarief=tarief,
                    programma_aandeel=items[0][1],
                    bedrag=bedrag,
                )
            )
        return GrootboekRead(
            programma=code,
            periode=periode,
            regels=regels,
            dagdelen=sum(r.dagdelen for r in regels),
            totaal=sum((r.bedrag for r in regels), Decimal("0.00")),
        )
