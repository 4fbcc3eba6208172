"""What callers see of invoices: the pydantic views, built from rows in a few queries."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.db.finance import Factuur, FactuurRegel
from casework.db.models import Bestuur, School
from casework.invoicing.leverancier import leverancier
from casework.services.programmas import definition
from casework.services.tarieven import billing_address, cents, finance_contact


class FactuurRead(BaseModel):
    id: int
    nummer: str | None
    soort: str
    status: str
    programma: str
    periode: str
    school: str
    brin: str
    bestuur: str
    bedrag_excl: Decimal
    btw: Decimal
    bedrag_incl: Decimal
    regels: int
    factuurdatum: date | None
    vervaldatum: date | None
    credit_voor: str | None
    reden: str | None
    verzonden_op: datetime | None
    verzonden_aan: str | None
    betaald_op: date | None


class RegelRead(BaseModel):
    id: int
    dagdeel_id: int | None
    traject_id: int
    datum: date
    omschrijving: str
    aantal: Decimal
    tarief: Decimal
    aandeel: Decimal
    prijs: Decimal
    bedrag: Decimal
    btw_percentage: Decimal


class BtwGroep(BaseModel):
    percentage: Decimal
    grondslag: Decimal
    btw: Decimal


class FactuurDetail(FactuurRead):
    programma_naam: str
    klant: dict[str, Any]
    leverancier: dict[str, Any]
    regel_lijst: list[RegelRead]
    btw_groepen: list[BtwGroep]


class RunRead(BaseModel):
    periode: str
    facturen: int
    nieuw: int
    regels: int
    bedrag_excl: Decimal
    btw: Decimal
    bedrag_incl: Decimal


def read_many(session: Session, rows: list[Factuur]) -> list[FactuurRead]:
    """Views of these invoices with school, bestuur and line counts fetched in bulk."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    counts: dict[int, int] = {
        factuur_id: count
        for factuur_id, count in session.execute(
            select(FactuurRegel.factuur_id, func.count())
            .where(FactuurRegel.factuur_id.in_(ids))
            .group_by(FactuurRegel.factuur_id)
        )
    }
    scholen = {
        s.id: s
        for s in session.scalars(select(School).where(School.id.in_({r.school_id for r in rows})))
    }
    besturen = {
        b.id: b
        for b in session.scalars(
            select(Bestuur).where(Bestuur.id.in_({r.bestuur_id for r in rows}))
        )
    }
    originals = {
        f.id: f.nummer
        for f in session.scalars(
            select(Factuur).where(
                Factuur.id.in_({r.credit_voor_id for r in rows if r.credit_voor_id})
            )
        )
    }
    return [
        FactuurRead(
            id=row.id,
            nummer=row.nummer,
            soort=row.soort,
            status=row.status,
            programma=row.programma,
            periode=row.periode,
            school=scholen[row.school_id].naam,
            brin=scholen[row.school_id].brin,
            bestuur=besturen[row.bestuur_id].naam,
            bedrag_excl=row.bedrag_excl,
            btw=row.btw_bedrag,
            bedrag_incl=row.bedrag_incl,
            regels=int(counts.get(row.id, 0)),
            factuurdatum=row.factuurdatum,
            vervaldatum=row.vervaldatum,
            credit_voor=originals.get(row.credit_voor_id) if row.credit_voor_id else None,
            reden=row.reden,
            verzonden_op=row.verzonden_op,
            verzonden_aan=row.verzonden_aan,
            betaald_op=row.betaald_op,
        )
        for row in rows
    ]


def _live_klant(session: Session, row: Factuur) -> dict[str, Any]:
    """A concept's buyer as it stands now (an approved invoice keeps its frozen copy)."""
    adres = billing_address(session, school_id=row.school_id, bestuur_id=row.bestuur_id)
    contact = finance_contact(session, school_id=row.school_id, bestuur_id=row.bestuur_id)
    school = session.get_one(School, row.school_id)
    if adres is None:
        return {"naam": school.naam, "email": contact.email if contact else None}
    return klant_snapshot(adres, contact)


def klant_snapshot(adres: Any, contact: Any) -> dict[str, Any]:
    """The buyer's details as an invoice shows them (frozen into it when it is approved)."""
    return {
        "naam": adres.tenaamstelling,
        "straat": adres.straat,
        "postcode": adres.postcode,
        "plaats": adres.plaats,
        "land": adres.land,
        "kvk": adres.kvk,
        "oin": adres.oin,
        "btw_id": adres.btw_id,
        "referentie": adres.referentie,
        "email": contact.email if contact else None,
        "contact_naam": contact.naam if contact else None,
    }


def detail(session: Session, row: Factuur) -> FactuurDetail:
    """An invoice with its lines, parties and btw breakdown per rate."""
    base = read_many(session, [row])[0]
    lines = list(
        session.scalars(
            select(FactuurRegel)
            .where(FactuurRegel.factuur_id == row.id)
            .order_by(FactuurRegel.datum, FactuurRegel.id)
        )
    )
    groups: dict[Decimal, Decimal] = {}
    for line in lines:
        groups[line.btw_percentage] = groups.get(line.btw_percentage, Decimal("0.00")) + line.bedrag
    return FactuurDetail(
        **base.model_dump(),
        programma_naam=definition(row.programma).naam,
        klant=row.klant or _live_klant(session, row),
        leverancier=row.leverancier or leverancier().snapshot(),
        regel_lijst=[
            RegelRead(
                id=line.id,
                dagdeel_id=line.dagdeel_id or line.credit_dagdeel_id,
                traject_id=line.traject_id,
                datum=line.datum,
                omschrijving=line.omschrijving,
                aantal=line.aantal,
                tarief=line.tarief,
                aandeel=line.aandeel,
                prijs=line.prijs,
                bedrag=line.bedrag,
                btw_percentage=line.btw_percentage,
            )
            for line in lines
        ],
        btw_groepen=[
            BtwGroep(percentage=pct, grondslag=base_, btw=cents(base_ * pct / 100))
            for pct, base_ in sorted(groups.items())
        ],
    )


def summary(
    session: Session, *, periode: str, factuur_ids: list[int], nieuw: int, regels: int
) -> RunRead:
    """What a run produced: the invoices it touched and their totals."""
    totals = [Decimal("0.00")] * 3
    for offset in range(0, len(factuur_ids), 1000):
        chunk = factuur_ids[offset : offset + 1000]
        for excl, btw, incl in session.execute(
            select(Factuur.bedrag_excl, Factuur.btw_bedrag, Factuur.bedrag_incl).where(
                Factuur.id.in_(chunk)
            )
        ):
            totals = [totals[0] + excl, totals[1] + btw, totals[2] + incl]
    return RunRead(
        periode=periode,
        facturen=len(factuur_ids),
        nieuw=nieuw,
        regels=regels,
        bedrag_excl=cents(totals[0]),
        btw=cents(totals[1]),
        bedrag_incl=cents(totals[2]),
    )
