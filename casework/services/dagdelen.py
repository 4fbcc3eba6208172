"""Dagdelen: the half-days an adviseur works on a traject, within the programme's budget.

A dagdeel is never edited. A correction marks it `vervallen` and registers its replacement; when
the dagdeel was already on an approved invoice, a credit note for its line goes out with it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.finance import DEELLEN, BudgetBlok, Dagdeel, Factuur, FactuurRegel
from casework.db.models import Adviseur, Traject
from casework.errors import InvalidInput, NotFound, StepNotAllowed
from casework.services import creditnotas, facturen
from casework.services.programmas import definition
from casework.services.tarieven import begin_write

#: the phases in which adviseur time is spent and registered
WERKFASEN = ("kennismaking", "bestuursscan", "plan", "uitvoering")


class DagdeelRead(BaseModel):
    id: int
    traject_id: int
    adviseur_id: int
    adviseur: str
    datum: date
    deel: str
    activiteit: str
    notitie: str | None
    programma: str
    school_aandeel: Decimal
    programma_aandeel: Decimal
    vervallen: bool
    vervangt_id: int | None
    factuur: str | None


class BudgetRead(BaseModel):
    traject_id: int
    programma: str
    blokken: int
    max_blokken: int | None
    budget: int | None
    gebruikt: int
    over: int | None
    redenen: list[str]


class CorrectieRead(BaseModel):
    vervallen: DagdeelRead
    nieuw: DagdeelRead | None
    creditnota: str | None


# -- reading ---------------------------------------------------------------------------------


def _read(session: Session, dagdeel: Dagdeel) -> DagdeelRead:
    adviseur = session.get(Adviseur, dagdeel.adviseur_id)
    nummer = session.execute(
        select(Factuur.nummer, Factuur.id)
        .join(FactuurRegel, FactuurRegel.factuur_id == Factuur.id)
        .where(FactuurRegel.dagdeel_id == dagdeel.id)
    ).first()
    return DagdeelRead(
        id=dagdeel.id,
        traject_id=dagdeel.traject_id,
        adviseur_id=dagdeel.adviseur_id,
        adviseur=adviseur.email if adviseur else str(dagdeel.adviseur_id),
        datum=dagdeel.datum,
        deel=dagdeel.deel,
        activiteit=dagdeel.activiteit,
        notitie=dagdeel.notitie,
        programma=dagdeel.programma,
        school_aandeel=dagdeel.school_aandeel,
        programma_aandeel=dagdeel.programma_aandeel,
        vervallen=dagdeel.vervallen,
        vervangt_id=dagdeel.vervangt_id,
        factuur=None if nummer is None else (nummer[0] or f"concept {nummer[1]}"),
    )


def list_dagdelen(
    db: Database,
    *,
    traject_id: int | None = None,
    periode: str | None = None,
    adviseur: str | None = None,
    ook_vervallen: bool = False,
) -> list[DagdeelRead]:
    """Dagdelen by traject, month (YYYY-MM) and adviseur, oldest first."""
    with db.read() as session:
        query = select(Dagdeel).order_by(Dagdeel.datum, Dagdeel.deel.desc(), Dagdeel.id)
        if traject_id is not None:
            query = query.where(Dagdeel.traject_id == traject_id)
        if periode is not None:
            start, end = facturen.parse_periode(periode)
            query = query.where(Dagdeel.datum >= start, Dagdeel.datum <= end)
        if adviseur is not None:
            query = query.where(Dagdeel.adviseur_id == _find_adviseur(session, adviseur).id)
        if not ook_vervallen:
            query = query.where(Dagdeel.vervallen.is_(False))
        return [_read(session, row) for row in session.scalars(query)]


def budget(db: Database, *, traject_id: int) -> BudgetRead:
    """How many dagdelen the traject may use, has used, and has left."""
    with db.read() as session:
        return _budget(session, _traject(session, traject_id))


def _budget(session: Session, traject: Traject) -> BudgetRead:
    funding = definition(traject.programma).funding
    extra = list(
        session.scalars(
            select(BudgetBlok)
            .where(BudgetBlok.traject_id == traject.id)
            .order_by(BudgetBlok.nummer)
        )
    )
    gebruikt = session.scalar(
        select(func.count())
        .select_from(Dagdeel)
        .where(Dagdeel.traject_id == traject.id, Dagdeel.vervallen.is_(False))
    )
    blokken = 1 + len(extra)
    total = None if funding.dagdelen_per_blok is None else funding.dagdelen_per_blok * blokken
    return BudgetRead(
        traject_id=traject.id,
        programma=traject.programma,
        blokken=blokken,
        max_blokken=funding.max_blokken,
        budget=total,
        gebruikt=int(gebruikt or 0),
        over=None if total is None else max(total - int(gebruikt or 0), 0),
        redenen=[blok.reden for blok in extra],
    )


# -- helpers ---------------------------------------------------------------------------------


def _traject(session: Session, traject_id: int, lock: bool = False) -> Traject:
    query = select(Traject).where(Traject.id == traject_id)
    if lock:
        # two registrations at once on one traject must not both pass the budget check
        query = query.with_for_update()
    traject = session.scalar(query)
    if traject is None:
        raise NotFound(
            f"Traject {traject_id} bestaat niet. Zoek het id op met 'casework traject list'."
        )
    return traject


def _find_adviseur(session: Session, ref: str) -> Adviseur:
    ref = ref.strip()
    found = (
        session.get(Adviseur, int(ref))
        if ref.isdigit()
        else session.scalar(select(Adviseur).where(func.lower(Adviseur.email) == ref.lower()))
    )
    if found is None:
        raise NotFound(
            f"Adviseur {ref!r} bestaat niet. Geef het id of e-mailadres uit "
            "'casework adviseur list'."
        )
    return found


def _free_deel(session: Session, adviseur_id: int, datum: date, deel: str | None) -> str:
    taken = set(
        session.scalars(
            select(Dagdeel.deel).where(
                Dagdeel.adviseur_id == adviseur_id,
                Dagdeel.datum == datum,
                Dagdeel.vervallen.is_(False),
            )
        )
    )
    if deel is None:
        free = [d for d in DEELLEN if d not in taken]
        if not free:
            raise StepNotAllowed(
                f"Deze adviseur heeft op {datum.isoformat()} al een ochtend en een middag "
                "geregistreerd: kies een andere datum."
            )
        return free[0]
    deel = deel.strip().lower()
    if deel not in DEELLEN:
        raise InvalidInput(f"Dagdeel {deel!r} bestaat niet: kies ochtend of middag.")
    if deel in taken:
        raise StepNotAllowed(
            f"Deze adviseur heeft op {datum.isoformat()} al een dagdeel in de {deel} "
            "geregistreerd: kies het andere dagdeel of een andere datum."
        )
    return deel


def _check_budget(session: Session, traject: Traject) -> None:
    stand = _budget(session, traject)
    if stand.budget is None or stand.gebruikt < stand.budget:
        return
    if stand.max_blokken is not None and stand.blokken >= stand.max_blokken:
        raise StepNotAllowed(
            f"Het budget van traject {traject.id} is op: {stand.gebruikt} van het maximum van "
            f"{stand.budget} dagdelen ({stand.blokken} blokken) gebruikt, 0 over; meer kan niet."
        )
    raise StepNotAllowed(
        f"Het budget van traject {traject.id} is op: {stand.gebruikt} van {stand.budget} "
        f"dagdelen gebruikt, 0 over. Ken eerst een extra blok toe met 'casework traject budget "
        f'{traject.id} --extra-blok --reden "..."\'.'
    )


def _new_dagdeel(
    session: Session,
    traject: Traject,
    *,
    datum: date,
    activiteit: str,
    deel: str | None,
    adviseur: str | None,
    notitie: str | None,
    actor: str,
    vervangt: Dagdeel | None = None,
) -> Dagdeel:
    # a correction may follow the traject's end; a new registration may not
    if vervangt is None and traject.fase not in WERKFASEN:
        raise StepNotAllowed(
            f"Traject {traject.id} staat in fase {traject.fase}: dagdelen registreer je alleen "
            f"in {', '.join(WERKFASEN)}."
        )
    activiteit = (activiteit or "").strip().lower()
    if not activiteit or len(activiteit) > 60:
        raise InvalidInput("Geef een activiteit van hoogstens 60 tekens, bijvoorbeeld schoolscan.")
    if adviseur is not None:
        adviseur_row = _find_adviseur(session, adviseur)
    elif vervangt is not None:
        adviseur_row = session.get_one(Adviseur, vervangt.adviseur_id)
    elif traject.adviseur_id is not None:
        adviseur_row = session.get_one(Adviseur, traject.adviseur_id)
    else:
        raise InvalidInput(
            f"Traject {traject.id} heeft nog geen adviseur: geef er een op met --adviseur."
        )
    gekozen = _free_deel(session, adviseur_row.id, datum, deel)
    _check_budget(session, traject)
    school_share = definition(traject.programma).funding.school_share
    dagdeel = Dagdeel(
        traject_id=traject.id,
        adviseur_id=adviseur_row.id,
        datum=datum,
        deel=gekozen,
        activiteit=activiteit,
        notitie=(notitie or "").strip() or None,
        programma=traject.programma,
        school_aandeel=school_share,
        programma_aandeel=Decimal(1) - school_share,
        vervangt_id=vervangt.id if vervangt is not None else None,
        actor=actor,
    )
    session.add(dagdeel)
    try:
        session.flush()
    except IntegrityError:
        # somebody registered the same half-day a moment ago
        raise StepNotAllowed(
            f"Deze adviseur heeft op {datum.isoformat()} al een dagdeel in de {gekozen} "
            "geregistreerd: kies het andere dagdeel of een andere datum."
        ) from None
    return dagdeel


# -- actions ---------------------------------------------------------------------------------


def add(
    db: Database,
    *,
    traject_id: int,
    datum: date,
    activiteit: str,
    deel: str | None = None,
    adviseur: str | None = None,
    notitie: str | None = None,
    actor: str,
) -> DagdeelRead:
    """Register a dagdeel; refused outside the working phases, on a taken half-day or over budget.

    Without `deel` the first free half-day of the adviseur on that date is taken.
    """
    with db.transaction() as session:
        begin_write(session)
        traject = _traject(session, traject_id, lock=True)
        dagdeel = _new_dagdeel(
            session,
            traject,
            datum=datum,
            activiteit=activiteit,
            deel=deel,
            adviseur=adviseur,
            notitie=notitie,
            actor=actor,
        )
        return _read(session, dagdeel)


def grant_block(db: Database, *, traject_id: int, reden: str, actor: str) -> BudgetRead:
    """Grant the next block of dagdelen to a traject, with the reason; never past the maximum."""
    reden = (reden or "").strip()
    if len(reden) < 5:
        raise InvalidInput('Een extra blok vraagt een reden: geef die met --reden "...".')
    with db.transaction() as session:
        begin_write(session)
        traject = _traject(session, traject_id, lock=True)
        stand = _budget(session, traject)
        if stand.budget is None:
            raise StepNotAllowed(
                f"Programma {traject.programma} werkt niet met blokken dagdelen: een extra blok "
                "is niet nodig."
            )
        if stand.max_blokken is not None and stand.blokken >= stand.max_blokken:
            raise StepNotAllowed(
                f"Traject {traject.id} heeft al het maximum van {stand.max_blokken} blokken "
                f"({stand.budget} dagdelen, {stand.over} over): meer kan niet."
            )
        session.add(
            BudgetBlok(traject_id=traject.id, nummer=stand.blokken + 1, reden=reden, actor=actor)
        )
        session.flush()
        return _budget(session, traject)


def correct(
    db: Database,
    *,
    dagdeel_id: int,
    reden: str,
    actor: str,
    datum: date | None = None,
    deel: str | None = None,
    activiteit: str | None = None,
    notitie: str | None = None,
    adviseur: str | None = None,
    intrekken: bool = False,
) -> CorrectieRead:
    """Replace a dagdeel by a corrected one (or withdraw it with `intrekken`).

    A dagdeel on a concept invoice leaves that concept; one on an approved invoice is credited
    with a credit note of its own number, and the replacement goes on the next invoice.
    """
    reden = (reden or "").strip()
    if not reden:
        raise InvalidInput('Een correctie vraagt een reden: geef die met --reden "...".')
    if not intrekken and not any(
        v is not None for v in (datum, deel, activiteit, notitie, adviseur)
    ):
        raise InvalidInput(
            "Geef aan wat er verandert (--datum, --dagdeel, --activiteit, --notitie, --adviseur) "
            "of trek het dagdeel in met --intrekken."
        )
    with db.transaction() as session:
        begin_write(session)
        old = session.scalar(select(Dagdeel).where(Dagdeel.id == dagdeel_id).with_for_update())
        if old is None:
            raise NotFound(
                f"Dagdeel {dagdeel_id} bestaat niet. Zoek het id op met 'casework dagdeel list'."
            )
        if old.vervallen:
            raise StepNotAllowed(
                f"Dagdeel {dagdeel_id} is al vervangen of ingetrokken: corrigeer de nieuwe versie."
            )
        traject = _traject(session, old.traject_id, lock=True)
        old.vervallen = True
        old.correctie_reden = reden
        session.flush()
        creditnota = creditnotas.release_dagdeel(session, dagdeel=old, reden=reden, actor=actor)
        new = None
        if not intrekken:
            new = _new_dagdeel(
                session,
                traject,
                datum=datum or old.datum,
                activiteit=activiteit or old.activiteit,
                deel=deel or (old.deel if datum is None and adviseur is None else None),
                adviseur=adviseur,
                notitie=notitie if notitie is not None else old.notitie,
                actor=actor,
                vervangt=old,
            )
        return CorrectieRead(
            vervallen=_read(session, old),
            nieuw=None if new is None else _read(session, new),
            creditnota=creditnota,
        )
