"""Invoices: the monthly run, approval with gapless numbers, sending, payment, credit notes.

Amounts are exact decimals: each line is rounded half up to cents, btw is computed once per rate
over the invoice's total. An approved invoice is frozen: its lines carry the rate they used and
its parties are captured as they were on approval.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, and_, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.base import utcnow
from casework.db.finance import Dagdeel, Factuur, FactuurRegel, FactuurTeller
from casework.db.models import Traject
from casework.errors import ConcurrentChange, InvalidInput, NotFound, StepNotAllowed
from casework.invoicing.leverancier import leverancier
from casework.services.factuur_read import (
    FactuurDetail,
    FactuurRead,
    RunRead,
    detail,
    klant_snapshot,
    read_many,
    summary,
)
from casework.services.tarieven import (
    begin_write,
    billing_address,
    cents,
    finance_contact,
    missing_rate,
    rates,
)

#: schools handled per batch in the run: bounded memory, few round trips
BATCH = 500
DEEL_LABEL = {"ochtend": "ochtend", "middag": "middag"}

__all__ = ["FactuurDetail", "FactuurRead", "RunRead"]


def parse_periode(periode: str) -> tuple[date, date]:
    """'2026-11' → (2026-11-01, 2026-11-30)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (periode or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(
            f"Periode {periode!r} klopt niet: gebruik JJJJ-MM, bijvoorbeeld 2026-11."
        )
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def totals(lines: Iterable[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal, Decimal]:
    """(excl, btw, incl) of (amount, btw %) lines: btw once per rate over its total."""
    per_rate: dict[Decimal, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for bedrag, pct in lines:
        per_rate[pct] += bedrag
    excl = sum(per_rate.values(), Decimal("0.00"))
    btw = sum((cents(base * pct / 100) for pct, base in per_rate.items()), Decimal("0.00"))
    return excl, btw, excl + btw


# -- the run ---------------------------------------------------------------------------------


def _open_dagdelen(end: date) -> Any:
    """Dagdelen with a school share, up to the period's end, on no invoice yet."""
    return and_(
        Dagdeel.vervallen.is_(False),
        Dagdeel.school_aandeel > 0,
        Dagdeel.datum <= end,
        ~exists().where(FactuurRegel.dagdeel_id == Dagdeel.id),
    )


def run(
    db: Database,
    *,
    periode: str,
    actor: str,
    progress: Callable[[int, int], None] | None = None,
) -> RunRead:
    """Make one concept invoice per school with a line per dagdeel not yet invoiced.

    Dagdelen up to the period's end are taken (a late registration goes on the next run). A
    school that already has a concept invoice for this period gets the new lines on it.
    Re-running never puts a dagdeel on two invoices: the query skips invoiced dagdelen and a
    unique constraint on the line's dagdeel refuses a concurrent run's duplicate.
    """
    _start, end = parse_periode(periode)
    with db.transaction() as session:
        begin_write(session)
        tarieven = rates(session)
        schools: list[tuple[int, str]] = [
            (school_id, programma)
            for school_id, programma in session.execute(
                select(Traject.school_id, Dagdeel.programma)
                .join(Dagdeel, Dagdeel.traject_id == Traject.id)
                .where(_open_dagdelen(end), Traject.school_id.is_not(None))
                .distinct()
                .order_by(Traject.school_id, Dagdeel.programma)
            )
        ]
        made = lines = 0
        touched: list[int] = []
        for offset in range(0, len(schools), BATCH):
            chunk = schools[offset : offset + BATCH]
            ids, count, new = _run_batch(session, chunk, periode, end, tarieven, actor)
            touched += ids
            lines += count
            made += new
            if progress is not None:
                progress(min(offset + BATCH, len(schools)), len(schools))
        try:
            session.flush()
        except IntegrityError:
            raise ConcurrentChange("Deze factuurrun") from None
        return summary(session, periode=periode, factuur_ids=touched, nieuw=made, regels=lines)


def _run_batch(
    session: Session,
    chunk: list[tuple[int, str]],
    periode: str,
    end: date,
    tarieven: dict[tuple[str, int], Any],
    actor: str,
) -> tuple[list[int], int, int]:
    school_ids = sorted({school_id for school_id, _ in chunk})
    rows = session.execute(
        select(
            Dagdeel.id,
            Dagdeel.traject_id,
            Dagdeel.datum,
            Dagdeel.deel,
            Dagdeel.activiteit,
            Dagdeel.programma,
            Dagdeel.school_aandeel,
            Traject.school_id,
            Traject.bestuur_id,
            Traject.aangemeld_op,
        )
        .join(Traject, Traject.id == Dagdeel.traject_id)
        .where(_open_dagdelen(end), Traject.school_id.in_(school_ids))
        .order_by(Traject.school_id, Dagdeel.datum, Dagdeel.deel.desc(), Dagdeel.id)
    ).all()
    existing = {
        (row.school_id, row.programma): row.id
        for row in session.execute(
            select(Factuur.id, Factuur.school_id, Factuur.programma).where(
                Factuur.school_id.in_(school_ids),
                Factuur.periode == periode,
                Factuur.status == "concept",
                Factuur.soort == "factuur",
            )
        )
    }
    wanted = {(r.school_id, r.programma): r.bestuur_id for r in rows}
    missing = [key for key in wanted if key not in existing]
    if missing:
        now = utcnow()
        new_ids = session.scalars(
            insert(Factuur).returning(Factuur.id, sort_by_parameter_order=True),
            [
                {
                    "soort": "factuur",
                    "status": "concept",
                    "programma": programma,
                    "periode": periode,
                    "school_id": school_id,
                    "bestuur_id": wanted[(school_id, programma)],
                    "bedrag_excl": Decimal("0.00"),
                    "btw_bedrag": Decimal("0.00"),
                    "bedrag_incl": Decimal("0.00"),
                    "actor": actor,
                    "created_at": now,
                }
                for school_id, programma in missing
            ],
        ).all()
        existing.update(zip(missing, new_ids, strict=True))
    regels = []
    for r in rows:
        rate = tarieven.get((r.programma, r.datum.year))
        if rate is None:
            raise missing_rate(r.programma, r.datum.year)
        prijs = cents(rate.per_dagdeel * r.school_aandeel)
        referentie = f"{r.programma.upper()}-{r.aangemeld_op.year}-{r.traject_id:05d}"
        regels.append(
            {
                "factuur_id": existing[(r.school_id, r.programma)],
                "dagdeel_id": r.id,
                "traject_id": r.traject_id,
                "datum": r.datum,
                "omschrijving": (
                    f"Dagdeel {r.deel} {r.datum:%d-%m-%Y}, {r.activiteit}, traject {referentie}"
                )[:300],
                "aantal": Decimal("1"),
                "tarief": rate.per_dagdeel,
                "aandeel": r.school_aandeel,
                "prijs": prijs,
                "bedrag": prijs,
                "btw_percentage": rate.btw_percentage,
            }
        )
    if regels:
        try:
            # Core executemany: the ORM bulk path adds nothing here but per-row bookkeeping
            session.execute(insert(cast(Table, FactuurRegel.__table__)), regels)
        except IntegrityError:
            raise ConcurrentChange("Deze factuurrun") from None
    ids = sorted({existing[key] for key in wanted})
    recompute(session, ids)
    return ids, len(regels), len(missing)


def recompute(session: Session, factuur_ids: list[int]) -> None:
    """Derive the totals of these invoices from their lines again (never accumulated)."""
    if not factuur_ids:
        return
    per_factuur: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    # summed here, not with SQL SUM: SQLite keeps NUMERIC as a float, Decimal stays exact
    for factuur_id, pct, bedrag in session.execute(
        select(FactuurRegel.factuur_id, FactuurRegel.btw_percentage, FactuurRegel.bedrag).where(
            FactuurRegel.factuur_id.in_(factuur_ids)
        )
    ):
        per_factuur[factuur_id].append((bedrag, pct))
    values = []
    for factuur_id in factuur_ids:
        excl, btw, incl = totals(per_factuur.get(factuur_id, []))
        values.append(
            {"id": factuur_id, "bedrag_excl": excl, "btw_bedrag": btw, "bedrag_incl": incl}
        )
    session.execute(update(Factuur), values)


# -- finding ---------------------------------------------------------------------------------


def resolve(db: Database, ref: str) -> int:
    """The id of an invoice given by number (LV-2026-0001) or id."""
    ref = str(ref).strip()
    with db.read() as session:
        if ref.isdigit():
            found = session.scalar(select(Factuur.id).where(Factuur.id == int(ref)))
        else:
            found = session.scalar(select(Factuur.id).where(Factuur.nummer == ref.upper()))
    if found is None:
        raise NotFound(
            f"Factuur {ref!r} bestaat niet. Zoek het nummer of id op met 'casework factuur list'."
        )
    return int(found)


def list_facturen(
    db: Database, *, status: str | None = None, periode: str | None = None
) -> list[FactuurRead]:
    """Invoices and credit notes, newest first, by status and period."""
    from casework.db.finance import FACTUUR_STATUSSEN

    with db.read() as session:
        query = select(Factuur).order_by(Factuur.id.desc())
        if status is not None:
            if status not in FACTUUR_STATUSSEN:
                raise InvalidInput(
                    f"Status {status!r} bestaat niet: kies uit {', '.join(FACTUUR_STATUSSEN)}."
                )
            query = query.where(Factuur.status == status)
        if periode is not None:
            parse_periode(periode)
            query = query.where(Factuur.periode == periode)
        return read_many(session, list(session.scalars(query)))


def show(db: Database, *, factuur: str) -> FactuurDetail:
    """One invoice with its lines, parties and btw breakdown."""
    factuur_id = resolve(db, factuur)
    with db.read() as session:
        return detail(session, session.get_one(Factuur, factuur_id))


# -- steps -----------------------------------------------------------------------------------


def claim(session: Session, factuur_id: int, van: tuple[str, ...], naar: str) -> Factuur:
    """Move an invoice from one of `van` to `naar` with a conditional UPDATE.

    The UPDATE is the transaction's first statement, so it takes the write lock at once (SQLite
    serialises writers; PostgreSQL locks the row): of two people at once, exactly one succeeds.
    """
    result = session.execute(
        update(Factuur)
        .where(Factuur.id == factuur_id, Factuur.status.in_(van))
        .values(status=naar)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.get_one(Factuur, factuur_id)
        raise StepNotAllowed(
            f"Factuur {current.nummer or current.id} staat op {current.status}: dit kan alleen "
            f"bij status {' of '.join(van)}."
        )
    factuur = session.get_one(Factuur, factuur_id)
    session.refresh(factuur)
    return factuur


def next_nummer(session: Session, programma: str, jaar: int) -> str:
    """The next number of a programme's year, without gaps; locks the counter row."""
    values = {"programma": programma, "jaar": jaar, "laatste": 0}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(FactuurTeller).values(values).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(FactuurTeller).values(values).on_conflict_do_nothing())
    # SELECT ... FOR UPDATE: a second approver waits here until the first commits, then reads
    # the bumped value; a rollback returns the number, so there are no gaps
    teller = session.scalars(
        select(FactuurTeller)
        .where(FactuurTeller.programma == programma, FactuurTeller.jaar == jaar)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    teller.laatste += 1
    session.flush()
    return f"{programma.upper()}-{jaar}-{teller.laatste:04d}"


def freeze(session: Session, factuur: Factuur, actor: str, vandaag: date) -> None:
    adres = billing_address(session, school_id=factuur.school_id, bestuur_id=factuur.bestuur_id)
    if adres is None:
        raise StepNotAllowed(
            "Deze school heeft nog geen factuuradres: leg het vast met 'casework factuur adres "
            "--school BRIN --straat ... --postcode ... --plaats ...'."
        )
    contact = finance_contact(session, school_id=factuur.school_id, bestuur_id=factuur.bestuur_id)
    lev = leverancier()
    factuur.klant = klant_snapshot(adres, contact)
    factuur.leverancier = lev.snapshot()
    factuur.factuurdatum = vandaag
    factuur.vervaldatum = vandaag + timedelta(days=lev.betaaltermijn_dagen)
    factuur.goedgekeurd_door = actor
    factuur.nummer = next_nummer(session, factuur.programma, vandaag.year)


def approve(db: Database, *, factuur: str, actor: str, vandaag: date | None = None) -> FactuurRead:
    """Approve a concept: it is frozen and gets the next number of the year, e.g. LV-2026-0001."""
    factuur_id = resolve(db, factuur)
    with db.transaction() as session:
        row = claim(session, factuur_id, ("concept",), "goedgekeurd")
        if not session.scalar(select(func.count()).where(FactuurRegel.factuur_id == row.id)):
            raise StepNotAllowed(
                "Deze factuur heeft geen regels meer: er valt niets goed te keuren."
            )
        freeze(session, row, actor, vandaag or date.today())
        session.flush()
        return read_many(session, [row])[0]


def send(db: Database, *, factuur: str, actor: str) -> FactuurRead:
    """Send an approved invoice: the email with the PDF to the school's finance contact."""
    import base64

    from casework.invoicing.pdf import render_pdf
    from casework.services import outbox

    factuur_id = resolve(db, factuur)
    with db.transaction() as session:
        row = claim(session, factuur_id, ("goedgekeurd",), "verzonden")
        contact = finance_contact(session, school_id=row.school_id, bestuur_id=row.bestuur_id)
        email = contact.email if contact else (row.klant or {}).get("email")
        if not email:
            raise StepNotAllowed(
                "Er is geen financieel contactpersoon voor deze school of dit bestuur: leg die "
                "vast met 'casework factuur adres --school BRIN ... --email adres@school.nl'."
            )
        info = detail(session, row)
        soort = "Creditnota" if row.soort == "creditnota" else "Factuur"
        tekst = (
            f"Hierbij ontvangt u {soort.lower()} {row.nummer} voor de ondersteuning van "
            f"{info.school} binnen {info.programma_naam}, periode {row.periode}.\n\n"
            f"Bedrag exclusief btw: EUR {info.bedrag_excl}\n"
            f"Btw: EUR {info.btw}\n"
            f"Totaal: EUR {info.bedrag_incl}\n"
        )
        if row.soort == "factuur":
            tekst += (
                f"\nGraag ontvangen wij het bedrag uiterlijk {row.vervaldatum:%d-%m-%Y} op "
                f"{info.leverancier['iban']} onder vermelding van {row.nummer}."
            )
        outbox.enqueue(
            session,
            template="generiek",
            to_address=email,
            to_name=contact.naam if contact else None,
            context={
                "onderwerp": f"{soort} {row.nummer} - {info.programma_naam}",
                "tekst": tekst,
                "attachments": [
                    {
                        "filename": f"{row.nummer}.pdf",
                        "content_type": "application/pdf",
                        "content_base64": base64.b64encode(render_pdf(info)).decode("ascii"),
                    }
                ],
            },
            actor=actor,
        )
        row.verzonden_op = utcnow()
        row.verzonden_aan = email
        session.flush()
        return read_many(session, [row])[0]


def paid(db: Database, *, factuur: str, actor: str, datum: date | None = None) -> FactuurRead:
    """Record that a sent invoice was paid."""
    factuur_id = resolve(db, factuur)
    with db.transaction() as session:
        row = claim(session, factuur_id, ("verzonden",), "betaald")
        if row.soort != "factuur":
            raise StepNotAllowed("Een creditnota wordt niet betaald door de school.")
        row.betaald_op = datum or date.today()
        session.flush()
        return read_many(session, [row])[0]
