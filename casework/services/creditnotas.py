"""Credit notes: a full credit of a sent invoice, or of one corrected dagdeel's line.

A credit note is its own document with its own number from the same gapless series; its lines
are the credited lines negated, with the rate they were invoiced at.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.finance import Dagdeel, Factuur, FactuurRegel
from casework.errors import InvalidInput, StepNotAllowed
from casework.services.facturen import claim, freeze, recompute, resolve
from casework.services.factuur_read import FactuurRead, read_many


def credit(
    db: Database, *, factuur: str, reden: str, actor: str, vandaag: date | None = None
) -> FactuurRead:
    """Credit a sent (or paid) invoice in full: a credit note with its own number."""
    if not (reden or "").strip():
        raise InvalidInput('Een creditnota vraagt een reden: geef die met --reden "...".')
    factuur_id = resolve(db, factuur)
    with db.transaction() as session:
        original = claim(session, factuur_id, ("verzonden", "betaald"), "gecrediteerd")
        if original.soort != "factuur":
            raise StepNotAllowed("Een creditnota kan zelf niet gecrediteerd worden.")
        lines = list(
            session.scalars(
                select(FactuurRegel).where(
                    FactuurRegel.factuur_id.in_(_credit_family(session, original.id))
                )
            )
        )
        note = _credit_note(session, original, lines, reden, actor, vandaag or date.today())
        return read_many(session, [note])[0]


def _credit_family(session: Session, factuur_id: int) -> list[int]:
    """The invoice and the credit notes already made for it (so nothing is credited twice)."""
    notes = session.scalars(select(Factuur.id).where(Factuur.credit_voor_id == factuur_id))
    return [factuur_id, *notes]


def _credit_note(
    session: Session,
    original: Factuur,
    lines: list[FactuurRegel],
    reden: str,
    actor: str,
    vandaag: date,
) -> Factuur:
    # what is still open per dagdeel: invoiced minus what earlier credit notes took back
    open_: dict[int, FactuurRegel] = {}
    for line in lines:
        if line.dagdeel_id is not None:
            open_[line.dagdeel_id] = line
    for line in lines:
        if line.credit_dagdeel_id is not None:
            open_.pop(line.credit_dagdeel_id, None)
    if not open_:
        raise StepNotAllowed("Alle regels van deze factuur zijn al gecrediteerd.")
    note = Factuur(
        soort="creditnota",
        status="goedgekeurd",
        programma=original.programma,
        periode=original.periode,
        school_id=original.school_id,
        bestuur_id=original.bestuur_id,
        credit_voor_id=original.id,
        bedrag_excl=Decimal("0.00"),
        btw_bedrag=Decimal("0.00"),
        bedrag_incl=Decimal("0.00"),
        reden=reden.strip(),
        actor=actor,
    )
    session.add(note)
    session.flush()
    for dagdeel_id, line in open_.items():
        session.add(
            FactuurRegel(
                factuur_id=note.id,
                credit_dagdeel_id=dagdeel_id,
                traject_id=line.traject_id,
                datum=line.datum,
                omschrijving=f"Creditering: {line.omschrijving}"[:300],
                aantal=-line.aantal,
                tarief=line.tarief,
                aandeel=line.aandeel,
                prijs=line.prijs,
                bedrag=-line.bedrag,
                btw_percentage=line.btw_percentage,
            )
        )
    session.flush()
    recompute(session, [note.id])
    session.refresh(note)
    freeze(session, note, actor, vandaag)
    session.flush()
    return note


def release_dagdeel(session: Session, *, dagdeel: Dagdeel, reden: str, actor: str) -> str | None:
    """Take a corrected dagdeel off its invoice; returns the credit note's number if one was made.

    On a concept the line is simply removed; on an approved invoice it is credited.
    """
    line = session.scalar(select(FactuurRegel).where(FactuurRegel.dagdeel_id == dagdeel.id))
    if line is None:
        return None
    factuur = session.scalars(
        select(Factuur).where(Factuur.id == line.factuur_id).with_for_update()
    ).one()
    if factuur.status == "concept":
        session.delete(line)
        session.flush()
        recompute(session, [factuur.id])
        return None
    lines = [
        line,
        *session.scalars(select(FactuurRegel).where(FactuurRegel.credit_dagdeel_id == dagdeel.id)),
    ]
    if len(lines) > 1:  # already credited (the whole invoice was)
        return None
    note = _credit_note(session, factuur, lines, f"Correctie dagdeel: {reden}", actor, date.today())
    return note.nummer
