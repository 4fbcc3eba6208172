"""Adviseur utilisation and budget burn, from the dagdelen, capacities and rates.

Utilisation: dagdelen worked (not withdrawn, on real trajecten) against the capacity the
adviseur offers (dagdelen per month, pro rata for the months the range covers). Budget burn:
dagdelen times the programme year's rate, split by the shares each dagdeel was registered with.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Integer, and_, case, cast, extract, func, or_, select
from sqlalchemy.orm import Session

from casework.db.finance import Dagdeel, Tarief
from casework.db.matching import AdviseurProfiel
from casework.db.models import Adviseur, Traject
from casework.reports.model import Benutting, Budget, BudgetPeriode, Periode
from casework.reports.queries import perioden_cte

CENT = Decimal("0.01")


def maanden(van: date, tot: date) -> Decimal:
    """How many months [van, tot] covers, each month pro rata by its days (Sep 1-Oct 31: 2)."""
    total = Decimal(0)
    day = date(van.year, van.month, 1)
    while day <= tot:
        days = calendar.monthrange(day.year, day.month)[1]
        last = date(day.year, day.month, days)
        covered = (min(last, tot) - max(day, van)).days + 1
        total += Decimal(covered) / Decimal(days)
        day = last + timedelta(days=1)
    return total


def _geldig(bereik: Any, van: date, tot: date) -> Any:
    # test trajecten are few: excluding them by id spares a join per dagdeel
    test_ids = select(Traject.id).where(Traject.is_test.is_(True))
    return and_(
        Dagdeel.vervallen.is_(False),
        Dagdeel.datum >= van,
        Dagdeel.datum <= tot,
        Dagdeel.programma.in_(bereik.programmas),
        Dagdeel.traject_id.not_in(test_ids),
    )


def benutting(session: Session, bereik: Any, van: date, tot: date) -> list[Benutting]:
    """Per adviseur with capacity or worked dagdelen: worked against offered, in the range."""
    gewerkt = (
        select(Dagdeel.adviseur_id, func.count().label("aantal"))
        .where(_geldig(bereik, van, tot))
        .group_by(Dagdeel.adviseur_id)
        .subquery("gewerkt")
    )
    query = (
        select(
            Adviseur.id,
            Adviseur.naam,
            func.coalesce(AdviseurProfiel.dagdelen_per_maand, 0),
            func.coalesce(gewerkt.c.aantal, 0),
        )
        .outerjoin(AdviseurProfiel, AdviseurProfiel.adviseur_id == Adviseur.id)
        .outerjoin(gewerkt, gewerkt.c.adviseur_id == Adviseur.id)
        .where(
            or_(
                and_(Adviseur.actief.is_(True), AdviseurProfiel.dagdelen_per_maand > 0),
                gewerkt.c.aantal > 0,
            )
        )
        .order_by(Adviseur.naam, Adviseur.id)
    )
    factor = maanden(van, tot)
    result = []
    for adviseur_id, naam, per_maand, aantal in session.execute(query):
        capaciteit = (Decimal(per_maand) * factor).quantize(Decimal("0.1"), ROUND_HALF_UP)
        result.append(
            Benutting(
                adviseur_id=adviseur_id,
                adviseur=naam,
                capaciteit_dagdelen=capaciteit,
                gewerkte_dagdelen=int(aantal),
                benutting=(
                    (Decimal(aantal) / capaciteit).quantize(Decimal("0.0001"), ROUND_HALF_UP)
                    if capaciteit
                    else None
                ),
            )
        )
    return result


def _jaar(sqlite: bool) -> Any:
    if sqlite:  # SQLite keeps a date as 'YYYY-MM-DD' text
        return cast(func.substr(Dagdeel.datum, 1, 4), Integer)
    return cast(extract("year", Dagdeel.datum), Integer)


def _dag(sqlite: bool) -> Any:
    return Dagdeel.datum if sqlite else func.to_char(Dagdeel.datum, "YYYY-MM-DD")


def budget(
    session: Session, bereik: Any, van: date, tot: date, perioden: Sequence[Periode]
) -> tuple[list[Budget], list[BudgetPeriode], int]:
    """Per programme: dagdelen, euros and the two shares; per period too; dagdelen unpriced."""

    dag = _dag(bereik.sqlite)
    jaar = _jaar(bereik.sqlite)
    # first per programme and day (a few thousand rows), then rates and periods
    per_dag = (
        select(
            Dagdeel.programma,
            dag.label("dag"),
            jaar.label("jaar"),
            func.count().label("dagdelen"),
            func.sum(Dagdeel.school_aandeel).label("school"),
            func.sum(Dagdeel.programma_aandeel).label("programma_deel"),
        )
        .where(_geldig(bereik, van, tot))
        .group_by(Dagdeel.programma, dag, jaar)
        .subquery("per_dag")
    )
    d = per_dag.c
    p = perioden_cte(perioden)
    tarief = Tarief.per_dagdeel
    query = (
        select(
            p.c.nr,
            d.programma,
            func.sum(d.dagdelen).label("dagdelen"),
            func.sum(tarief * d.dagdelen).label("bedrag"),
            func.sum(tarief * d.school).label("schooldeel"),
            func.sum(tarief * d.programma_deel).label("programmadeel"),
            func.sum(case((Tarief.id.is_(None), d.dagdelen), else_=0)).label("zonder_tarief"),
        )
        .select_from(per_dag)
        .join(p, and_(d.dag >= p.c.start, d.dag < p.c.eind))
        .outerjoin(Tarief, and_(Tarief.programma == d.programma, Tarief.jaar == d.jaar))
        .group_by(p.c.nr, d.programma)
    )
    totals: dict[str, dict[str, Decimal]] = {}
    per_periode = []
    zonder = 0
    for row in session.execute(query).mappings():
        bedrag = Decimal(str(row["bedrag"] or 0)).quantize(CENT, ROUND_HALF_UP)
        per_periode.append(
            BudgetPeriode(
                programma=row["programma"],
                periode=row["nr"],
                dagdelen=int(row["dagdelen"]),
                bedrag=bedrag,
            )
        )
        zonder += int(row["zonder_tarief"] or 0)
        t = totals.setdefault(row["programma"], {})
        for key in ("dagdelen", "bedrag", "schooldeel", "programmadeel"):
            t[key] = t.get(key, Decimal(0)) + Decimal(str(row[key] or 0))
    result = [
        Budget(
            programma=code,
            dagdelen=int(t["dagdelen"]),
            bedrag=t["bedrag"].quantize(CENT, ROUND_HALF_UP),
            schooldeel=t["schooldeel"].quantize(CENT, ROUND_HALF_UP),
            programmadeel=t["programmadeel"].quantize(CENT, ROUND_HALF_UP),
        )
        for code, t in sorted(totals.items())
    ]
    return result, per_periode, zonder
