"""The report's SQL: window functions over `traject_events`, portable to SQLite and PostgreSQL.

Every figure is aggregated in the database; Python receives one row per programme, phase and
period (or per candidate traject for the aging list), never the events themselves.

Two passes over the history do all the work:
1. `samenvatting`: one window pass (partitioned by traject, ordered by seq) over the events a
   report needs (phase changes and match acceptances: the partial index of migration
   0007_reports covers exactly those) folds each traject's history into one row of a temporary
   table: sign-up, first matching, confirmed match, first kennismaking, end, the current phase
   and its entry, and per phase the days spent in it and when it was left.
2. `onderhanden`: the phase changes per programme, phase and day, summed per period and then
   cumulatively (a window sum) into the work in progress at the end of every period.
Phase changes are events whose `to_fase` differs from `from_fase` (the sign-up has no
`from_fase`); fact events (`adviseur_gekoppeld`, `gegevens_gewijzigd`) keep the phase.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Float,
    FromClause,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    extract,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from casework.db.base import UTCDateTime
from casework.db.models import Traject, TrajectEvent
from casework.reports.model import (
    AANMELDING_TOT_KENNISMAKING,
    DOORLOOPTIJD_BAKKEN,
    TOT_MATCH,
    Periode,
)
from states import GEPAUZEERD, HERVAT, PAUZEREN

log = logging.getLogger(__name__)
E = TrajectEvent.__table__
T = Traject.__table__
#: events that confirm a match (the matching module's), besides an accepted `adviseur_gekoppeld`
ACCEPT_TRIGGERS = ("adviseur_geaccepteerd", "match_bevestigd")
KOPPEL = "adviseur_gekoppeld"
AANMELDEN = "aanmelden"
PERCENTIELEN = (50, 80, 95)
#: the partial index's predicate, word for word: both databases use a partial index only for a
#: query whose WHERE clause contains this very condition (literals, no bound parameters)
RAPPORT_PREDICAAT = (
    'from_fase IS NULL OR from_fase <> to_fase OR "trigger" IN '
    f"('{KOPPEL}', '{ACCEPT_TRIGGERS[0]}', '{ACCEPT_TRIGGERS[1]}')"
)


@dataclass(frozen=True)
class Bereik:
    """What a report covers: programmes, [start, eind) in UTC, and the dialect to speak."""

    programmas: tuple[str, ...]
    start: datetime
    eind: datetime
    eindfasen: tuple[str, ...]
    sqlite: bool
    #: the phases whose lead time is measured (not final, not paused)
    fasen: tuple[str, ...] = ()


def dag(column: Any, sqlite: bool) -> ColumnElement[str]:
    """The UTC calendar day of a timestamp as 'YYYY-MM-DD' text (comparable as text)."""
    if sqlite:
        # SQLAlchemy stores SQLite timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
        return func.substr(column, 1, 10)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")


def dagen_tussen(later: Any, eerder: Any, sqlite: bool) -> ColumnElement[Any]:
    """Calendar days (fractional) from `eerder` to `later`."""
    if sqlite:
        return func.julianday(later) - func.julianday(eerder)
    return extract("epoch", later - eerder) / 86400.0


def _relevant() -> ColumnElement[bool]:
    """RAPPORT_PREDICAAT as an expression (same structure, literal values)."""
    triggers: list[Any] = [literal_column(f"'{t}'") for t in (KOPPEL, *ACCEPT_TRIGGERS)]
    return or_(E.c.from_fase.is_(None), E.c.from_fase != E.c.to_fase, E.c.trigger.in_(triggers))


def _wissel(events: Any = E) -> ColumnElement[bool]:
    return and_(
        events.c.to_fase.is_not(None),
        or_(events.c.from_fase.is_(None), events.c.from_fase != events.c.to_fase),
    )


def _voor_eind(bereik: Bereik) -> ColumnElement[bool]:
    """Events before the range's end, compared by day: the index on `at` alone would make
    SQLite visit the table for every event instead of reading the covering partial index."""
    return dag(E.c.at, bereik.sqlite) < bereik.eind.date().isoformat()


def perioden_cte(perioden: Sequence[Periode]) -> Any:
    rows = [
        select(
            literal(p.nr, Integer).label("nr"),
            literal(p.start.isoformat(), String).label("start"),
            literal((p.eind + timedelta(days=1)).isoformat(), String).label("eind"),
        )
        for p in perioden
    ]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).cte("perioden")


def _tabel(bereik: Bereik) -> Table:
    kolommen: list[Any] = [
        Column("traject_id", Integer, primary_key=True),
        Column("programma", String(20)),
        Column("aangemeld_op", UTCDateTime()),
        Column("matching_op", UTCDateTime()),
        Column("match_op", UTCDateTime()),
        Column("kennismaking_op", UTCDateTime()),
        Column("eind_op", UTCDateTime()),
        Column("eindfase", String(30)),
        Column("fase", String(30)),
        Column("fase_sinds", UTCDateTime()),
        Column("hervat_op", UTCDateTime()),
    ]
    for i in range(len(bereik.fasen)):
        kolommen += [Column(f"duur_{i}", Float), Column(f"klaar_{i}", UTCDateTime())]
    return Table("rapport_trajecten", MetaData(), *kolommen, prefixes=["TEMPORARY"])


def _dagnummer(column: Any, sqlite: bool) -> ColumnElement[Any]:
    """A timestamp as a fractional day number: differences are calendar days."""
    if sqlite:
        return func.julianday(column)
    return extract("epoch", column) / 86400.0


def vouw(
    bereik: Bereik, *, tot_eind: bool = True, trajecten: Any = None
) -> tuple[Any, list[tuple[str, Any]]]:
    """The fold of every traject's history: the grouped subquery and (column name, expression)
    for every column of the summary (`_tabel`), `programma` taken from `trajecten`.

    `tot_eind` keeps only events before the range's end; `trajecten` (a subquery of ids)
    restricts the fold to those trajecten (the incremental summary re-folds only them).
    """
    wissel = _wissel()
    geaccepteerd = or_(
        E.c.trigger.in_(ACCEPT_TRIGGERS),
        and_(E.c.trigger == KOPPEL, E.c.data["geaccepteerd"].as_boolean() == true()),
    )
    voorwaarden: list[Any] = [_relevant()]
    if tot_eind:
        voorwaarden.append(_voor_eind(bereik))
    if trajecten is not None:
        voorwaarden.append(E.c.traject_id.in_(trajecten))
    stroom = (
        select(
            E.c.id,
            E.c.traject_id,
            E.c.at,
            _dagnummer(E.c.at, bereik.sqlite).label("dagnr"),
            E.c.trigger,
            E.c.from_fase,
            E.c.to_fase,
            case((wissel, 1), else_=0).label("wissel"),
            # the phase this event left and entered (None for a fact event)
            case((wissel, E.c.from_fase)).label("uit_fase"),
            case((wissel, E.c.to_fase)).label("in_fase"),
            case((geaccepteerd, 1), else_=0).label("geaccepteerd"),
            func.lead(E.c.seq)
            .over(partition_by=E.c.traject_id, order_by=E.c.seq)
            .label("volgende"),
        )
        .where(*voorwaarden)
        .subquery("stroom")
    )
    s = stroom.c
    is_wissel = s.wissel == 1
    eind = and_(is_wissel, s.to_fase.in_(bereik.eindfasen))
    kolommen: list[Any] = [
        s.traject_id,
        func.max(s.id).label("laatste_event"),
        func.min(case((s.trigger == AANMELDEN, s.at))).label("aangemeld_op"),
        func.min(case((and_(is_wissel, s.to_fase == "matching"), s.at))).label("matching_op"),
        # the first acceptance recorded while the traject is in matching
        func.min(case((and_(s.geaccepteerd == 1, s.to_fase == "matching"), s.at))).label(
            "match_op"
        ),
        func.min(case((and_(is_wissel, s.to_fase == "kennismaking"), s.at))).label(
            "kennismaking_op"
        ),
        func.min(case((eind, s.at))).label("eind_op"),
        func.max(case((eind, s.to_fase))).label("eindfase"),
        func.max(case((s.volgende.is_(None), s.to_fase))).label("fase"),
        # a pause and its resume do not restart the phase's clock
        func.max(case((and_(is_wissel, s.trigger.not_in((PAUZEREN, HERVAT))), s.at))).label(
            "fase_sinds"
        ),
        func.max(case((s.trigger == HERVAT, s.at))).label("hervat_op"),
    ]
    for i, fase in enumerate(bereik.fasen):
        kolommen += [
            # exits count +, entries -: the sum is the time spent in closed spells
            func.sum(
                case((s.uit_fase == fase, s.dagnr), (s.in_fase == fase, -s.dagnr), else_=0)
            ).label(f"saldo_{i}"),
            # 1 while a spell is open (entered, not yet left)
            func.sum(case((s.in_fase == fase, 1), (s.uit_fase == fase, -1), else_=0)).label(
                f"open_{i}"
            ),
            func.max(case((s.in_fase == fase, s.dagnr))).label(f"laatste_in_{i}"),
            func.max(case((and_(s.uit_fase == fase, s.to_fase != GEPAUZEERD), s.at))).label(
                f"klaar_{i}"
            ),
        ]
    per_traject = select(*kolommen).group_by(s.traject_id).subquery("per_traject")
    p = per_traject.c
    bron_kolommen: list[tuple[str, Any]] = []
    for kolom in _tabel(bereik).columns:
        naam = kolom.name
        if naam == "programma":
            bron_kolommen.append((naam, T.c.programma))
        elif naam.startswith("duur_"):
            nr = naam.removeprefix("duur_")
            open_spell = case((p[f"open_{nr}"] > 0, p[f"laatste_in_{nr}"]), else_=0)
            bron_kolommen.append((naam, p[f"saldo_{nr}"] + open_spell))
        else:
            bron_kolommen.append((naam, p[naam]))
    return per_traject, bron_kolommen


def samenvatting(session: Session, bereik: Bereik) -> Table:
    """Fold every counted traject's history into one row of a temporary table (one pass).

    Time in a phase is the sum of its exit times minus the sum of its entry times (a pause is
    an exit, the resume an entry), so no per-spell pairing is needed; an open spell's entry is
    the latest one and is left out. LEAD over the traject's events marks its last event, whose
    `to_fase` is where the traject is (fact events carry the current phase too).
    """
    per_traject, bron_kolommen = vouw(bereik)
    tabel = _tabel(bereik)
    bron = (
        select(*[expressie for _, expressie in bron_kolommen])
        .select_from(per_traject.join(T, T.c.id == per_traject.c.traject_id))
        .where(T.c.is_test.is_(False), T.c.programma.in_(bereik.programmas))
    )
    connection = session.connection()
    tabel.drop(connection, checkfirst=True)
    tabel.create(connection)
    session.execute(tabel.insert().from_select([naam for naam, _ in bron_kolommen], bron))
    if not bereik.sqlite:
        # autovacuum never analyzes a temporary table: without statistics the planner joins
        # it to the events by nested loops
        session.execute(text(f"ANALYZE {tabel.name}"))
    return tabel


def opruimen(session: Session, tabel: Table) -> None:
    """Drop the temporary table; after a failed query the read session's rollback does it."""
    try:
        tabel.drop(session.connection(), checkfirst=True)
    except SQLAlchemyError:
        log.warning("temporary report table left to the rollback", exc_info=True)


def stroom(
    session: Session, tabel: FromClause, bereik: Bereik, perioden: Sequence[Periode]
) -> list[Any]:
    """Per period and programme: aanmeldingen and the trajecten that reached each end phase."""
    r = tabel.c
    gebeurtenissen = union_all(
        select(
            r.programma,
            dag(r.aangemeld_op, bereik.sqlite).label("dag"),
            literal("instroom", String).label("soort"),
        ).where(r.aangemeld_op >= bereik.start),
        select(
            r.programma, dag(r.eind_op, bereik.sqlite).label("dag"), r.eindfase.label("soort")
        ).where(r.eind_op >= bereik.start),
    ).subquery("gebeurtenissen")
    g = gebeurtenissen.c
    per_dag = (
        select(g.programma, g.soort, g.dag, func.count().label("aantal"))
        .group_by(g.programma, g.soort, g.dag)
        .subquery("per_dag")
    )
    p = perioden_cte(perioden)
    query = (
        select(p.c.nr, per_dag.c.programma, per_dag.c.soort, func.sum(per_dag.c.aantal))
        .select_from(p.join(per_dag, and_(per_dag.c.dag >= p.c.start, per_dag.c.dag < p.c.eind)))
        .group_by(p.c.nr, per_dag.c.programma, per_dag.c.soort)
    )
    return list(session.execute(query))


def onderhanden(
    session: Session, tabel: FromClause, bereik: Bereik, perioden: Sequence[Periode]
) -> list[Any]:
    """Trajecten per phase at the end of each period: entries minus exits, summed cumulatively."""
    r = tabel.c
    basis = E.join(tabel, r.traject_id == E.c.traject_id)
    voorwaarden = (_relevant(), _wissel(), _voor_eind(bereik))
    dagkolom = dag(E.c.at, bereik.sqlite)
    per_soort = []
    for fase_kolom, delta in ((E.c.to_fase, 1), (E.c.from_fase, -1)):
        per_soort.append(
            select(
                r.programma,
                fase_kolom.label("fase"),
                dagkolom.label("dag"),
                (func.count() * delta).label("netto"),
            )
            .select_from(basis)
            .where(*voorwaarden, fase_kolom.is_not(None))
            .group_by(r.programma, fase_kolom, dagkolom)
        )
    return standen(session, union_all(*per_soort).subquery("per_dag"), perioden)


def standen(session: Session, per_dag: Any, perioden: Sequence[Periode]) -> list[Any]:
    """The cumulative balance per programme and phase at the end of each period, from net
    phase changes per day (columns programma, fase, dag, netto)."""
    d = per_dag.c
    p = perioden_cte(perioden)
    # whatever happened before the first period counts in the first period's balance
    per_periode = (
        select(p.c.nr, d.programma, d.fase, func.sum(d.netto).label("netto"))
        .select_from(p.join(per_dag, and_(d.dag < p.c.eind, or_(d.dag >= p.c.start, p.c.nr == 0))))
        .group_by(p.c.nr, d.programma, d.fase)
        .subquery("per_periode")
    )
    q = per_periode.c
    query = select(
        q.nr,
        q.programma,
        q.fase,
        func.sum(q.netto).over(partition_by=(q.programma, q.fase), order_by=q.nr).label("stand"),
    ).order_by(q.programma, q.fase, q.nr)
    return list(session.execute(query).mappings())


def _klaar_in_periode(kolom: Any, bereik: Bereik) -> ColumnElement[bool]:
    return and_(kolom >= bereik.start, kolom < bereik.eind)


def doorlooptijden(session: Session, tabel: FromClause, bereik: Bereik) -> list[Any]:
    """Count, nearest-rank percentiles and histogram bins per programme and lead-time kind."""
    r = tabel.c
    soorten = [
        select(
            r.programma, literal(fase, String).label("fase"), r[f"duur_{i}"].label("dagen")
        ).where(_klaar_in_periode(r[f"klaar_{i}"], bereik))
        for i, fase in enumerate(bereik.fasen)
    ]
    soorten.append(
        select(
            r.programma,
            literal(AANMELDING_TOT_KENNISMAKING, String).label("fase"),
            dagen_tussen(r.kennismaking_op, r.aangemeld_op, bereik.sqlite).label("dagen"),
        ).where(_klaar_in_periode(r.kennismaking_op, bereik), r.aangemeld_op.is_not(None))
    )
    soorten.append(
        select(
            r.programma,
            literal(TOT_MATCH, String).label("fase"),
            dagen_tussen(r.match_op, r.matching_op, bereik.sqlite).label("dagen"),
        ).where(_klaar_in_periode(r.match_op, bereik))
    )
    duren = union_all(*soorten).subquery("duren")
    d = duren.c
    gerangschikt = select(
        d.programma,
        d.fase,
        d.dagen,
        func.row_number().over(partition_by=(d.programma, d.fase), order_by=d.dagen).label("rn"),
        # the same partition and order as the rank (one sort), over the whole partition
        func.count()
        .over(partition_by=(d.programma, d.fase), order_by=d.dagen, rows=(None, None))
        .label("n"),
    ).subquery("gerangschikt")
    g = gerangschikt.c

    def percentiel(p: int) -> Any:
        # nearest rank: the value at rank ceil(p/100 * n), in integer arithmetic on both dialects
        return func.max(case((g.rn == (g.n * p + 99) // 100, g.dagen))).label(f"p{p}")

    def bak(onder: int, boven: int | None) -> Any:
        binnen = g.dagen >= onder if boven is None else and_(g.dagen >= onder, g.dagen < boven)
        return func.sum(case((binnen, 1), else_=0)).label(f"bak_{onder}")

    query = (
        select(
            g.programma,
            g.fase,
            func.count().label("aantal"),
            *[percentiel(p) for p in PERCENTIELEN],
            *[bak(onder, boven) for onder, boven in DOORLOOPTIJD_BAKKEN],
        )
        .group_by(g.programma, g.fase)
        .order_by(g.programma, g.fase)
    )
    return list(session.execute(query).mappings())


def uitkomsten(session: Session, tabel: FromClause, bereik: Bereik) -> list[Any]:
    """Trajecten that reached an end phase in the range, by end phase and recorded result."""
    r = tabel.c
    resultaat = func.lower(func.coalesce(T.c.resultaat, ""))
    klasse = case(
        (resultaat.like("%onvoldoende%"), "onvoldoende"),
        (resultaat.like("%voldoende%"), "voldoende"),
        else_="onbekend",
    ).label("klasse")
    query = (
        select(r.programma, r.eindfase.label("fase"), klasse, func.count().label("aantal"))
        .select_from(tabel.join(T, T.c.id == r.traject_id))
        .where(_klaar_in_periode(r.eind_op, bereik))
        .group_by(r.programma, r.eindfase, klasse)
    )
    return list(session.execute(query).mappings())
