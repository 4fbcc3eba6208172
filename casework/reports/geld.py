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

from sqlalchemy import Integer, and_, cast, extract, func, or_, select, union_all
from sqlalchemy.orm import Session

from casework.db.finance import Dagdeel, Tarief
from casework.db.matching import AdviseurProfiel
from casework.db.models import Adviseur
from casework.reports import dagdeel_totalen as totalen
from casework.reports.model import Benutting, Budget, BudgetPeriode, Periode
from casework.reports.queries import perioden_cte

CENT = Decimal("0.01")
#: the shares are summed in whole ten-thousandths
E4 = Decimal(10000)


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
    return and_(
        totalen.tellende(bereik.programmas, van, tot),
        Dagdeel.traject_id.not_in(totalen.testtrajecten()),
    )


def _hele_maanden(van: date, tot: date) -> tuple[date, date] | None:
    """The first days of the first and the last whole month in [van, tot], if it has one."""
    eerste = van if van.day == 1 else _volgende_maand(van)
    laatste = date(tot.year, tot.month, 1)
    if (tot + timedelta(days=1)).day != 1:  # tot's own month is partial
        laatste = (laatste - timedelta(days=1)).replace(day=1)
    return (eerste, laatste) if eerste <= laatste else None


def _volgende_maand(day: date) -> date:
    return (date(day.year, day.month, 28) + timedelta(days=4)).replace(day=1)


def _gewerkt(bereik: Any, van: date, tot: date) -> Any:
    """Per adviseur the dagdelen worked in [van, tot]: whole months kept, partial ones live."""
    maand = totalen.MAAND.c
    hele = _hele_maanden(van, tot)
    delen: list[Any] = []
    randen = [(van, tot)]
    if hele is not None:
        eerste, laatste = hele
        eind = _volgende_maand(laatste) - timedelta(days=1)
        randen = [
            (begin, einde)
            for begin, einde in ((van, eerste - timedelta(days=1)), (eind + timedelta(days=1), tot))
            if begin <= einde
        ]
        delen += [
            select(maand.adviseur_id, maand.dagdelen.label("aantal")).where(
                maand.maand >= eerste,
                maand.maand <= laatste,
                maand.programma.in_(bereik.programmas),
            ),
            select(Dagdeel.adviseur_id, (-func.count()).label("aantal"))
            .where(totalen.testdelen(bereik.programmas, eerste, eind))
            .group_by(Dagdeel.adviseur_id),
        ]
    delen += [
        select(Dagdeel.adviseur_id, func.count().label("aantal"))
        .where(_geldig(bereik, begin, einde))
        .group_by(Dagdeel.adviseur_id)
        for begin, einde in randen
    ]
    alle = union_all(*delen).subquery("delen")
    return (
        select(alle.c.adviseur_id, func.sum(alle.c.aantal).label("aantal"))
        .group_by(alle.c.adviseur_id)
        .subquery("gewerkt")
    )


def benutting(session: Session, bereik: Any, van: date, tot: date) -> list[Benutting]:
    """Per adviseur with capacity or worked dagdelen: worked against offered, in the range."""
    gewerkt = _gewerkt(bereik, van, tot)
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


def _dag_jaar(datum: Any, sqlite: bool) -> tuple[Any, Any]:
    """A date as 'YYYY-MM-DD' text (as the periods are) and its year."""
    if sqlite:  # SQLite keeps a date as 'YYYY-MM-DD' text
        return datum, cast(func.substr(datum, 1, 4), Integer)
    return func.to_char(datum, "YYYY-MM-DD"), cast(extract("year", datum), Integer)


def _per_dag(bereik: Any, van: date, tot: date) -> Any:
    """Per programme and day in [van, tot]: dagdelen and shares (x 10,000), the kept sums and,
    negated, the test trajecten's dagdelen in them (a day may come twice: sum per period)."""
    dag = totalen.DAG.c
    kept = _dag_jaar(dag.dag, bereik.sqlite)
    test = _dag_jaar(Dagdeel.datum, bereik.sqlite)
    return union_all(
        select(
            dag.programma,
            kept[0].label("dag"),
            kept[1].label("jaar"),
            dag.dagdelen,
            dag.school_e4,
            dag.programma_e4,
        ).where(dag.dag >= van, dag.dag <= tot, dag.programma.in_(bereik.programmas)),
        select(
            Dagdeel.programma,
            test[0],
            test[1],
            -func.count(),
            -func.sum(totalen.e4(Dagdeel.school_aandeel, bereik.sqlite)),
            -func.sum(totalen.e4(Dagdeel.programma_aandeel, bereik.sqlite)),
        )
        .where(totalen.testdelen(bereik.programmas, van, tot))
        .group_by(Dagdeel.programma, Dagdeel.datum),
    ).subquery("per_dag")


def budget(
    session: Session, bereik: Any, van: date, tot: date, perioden: Sequence[Periode]
) -> tuple[list[Budget], list[BudgetPeriode], int]:
    """Per programme: dagdelen, euros and the two shares; per period too; dagdelen unpriced."""

    per_dag = _per_dag(bereik, van, tot)
    d = per_dag.c
    p = perioden_cte(perioden)
    # sums per period, programme and rate; the euros in Python, exact on every database
    query = (
        select(
            p.c.nr,
            d.programma,
            Tarief.per_dagdeel,
            func.sum(d.dagdelen).label("dagdelen"),
            func.sum(d.school_e4).label("school_e4"),
            func.sum(d.programma_e4).label("programma_e4"),
        )
        .select_from(per_dag)
        .join(p, and_(d.dag >= p.c.start, d.dag < p.c.eind))
        .outerjoin(Tarief, and_(Tarief.programma == d.programma, Tarief.jaar == d.jaar))
        .group_by(p.c.nr, d.programma, Tarief.id, Tarief.per_dagdeel)
        .order_by(p.c.nr, d.programma)
    )
    totals: dict[str, dict[str, Decimal]] = {}
    per_periode: dict[tuple[str, int], dict[str, Decimal]] = {}
    zonder = 0
    for nr, programma, tarief, dagdelen, school_e4, programma_e4 in session.execute(query):
        if not dagdelen:  # only test trajecten's dagdelen, or sums fallen back to 0
            continue
        if tarief is None:
            zonder += int(dagdelen)
            tarief = Decimal(0)
        sommen = {
            "dagdelen": Decimal(int(dagdelen)),
            "bedrag": tarief * int(dagdelen),
            "schooldeel": tarief * int(school_e4) / E4,
            "programmadeel": tarief * int(programma_e4) / E4,
        }
        periode = per_periode.setdefault(
            (programma, nr), {"dagdelen": Decimal(0), "bedrag": Decimal(0)}
        )
        t = totals.setdefault(programma, {})
        for key, value in sommen.items():
            t[key] = t.get(key, Decimal(0)) + value
            if key in periode:
                periode[key] += value
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
    return (
        result,
        [
            BudgetPeriode(
                programma=programma,
                periode=nr,
                dagdelen=int(s["dagdelen"]),
                bedrag=s["bedrag"].quantize(CENT, ROUND_HALF_UP),
            )
            for (programma, nr), s in per_periode.items()
        ],
        zonder,
    )
