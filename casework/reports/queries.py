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

The same fold, restricted to the trajecten that changed, keeps the summary of
`casework.reports.bijhouden` up to date; the report then reads kept tables shaped like what
these functions produce: `stroom_bron` (sign-ups and ends per day), `duren_bron` (one row per
completed lead time, read by `doorlooptijden` through counts per whole day and an index walk).
The fold over the whole history here serves only a report the kept summary cannot answer.
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
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    case,
    cast,
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
from sqlalchemy.dialects import sqlite as sqlite_dialect
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
#: the kind of a sign-up in the daily flow counts (the other kinds are end phases)
INSTROOM = "instroom"
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


def maand(column: Any, sqlite: bool) -> ColumnElement[str]:
    """The UTC month of a timestamp as 'YYYY-MM' text (comparable as text)."""
    if sqlite:
        return func.substr(column, 1, 7)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM")


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


#: a day before any history: the first period's start when it takes in all that came before
BEGIN = "0001-01-01"


def perioden_cte(perioden: Sequence[Periode], *, vanaf_begin: bool = False) -> Any:
    """The periods as rows (nr, start, eind) of ISO days, `eind` exclusive; with `vanaf_begin`
    the first period starts at BEGIN (a balance counts everything before the range)."""
    rows = [
        select(
            literal(p.nr, Integer).label("nr"),
            literal(BEGIN if vanaf_begin and i == 0 else p.start.isoformat(), String).label(
                "start"
            ),
            literal((p.eind + timedelta(days=1)).isoformat(), String).label("eind"),
        )
        for i, p in enumerate(perioden)
    ]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).cte("perioden")


def samenvatting_kolommen(fasen: int) -> list[Column[Any]]:
    """The columns of a traject's fold (new objects each call): the temporary table of a
    report's own fold and the kept `rapport_samenvatting` (with `fasen` phase slots) share
    them."""
    kolommen: list[Column[Any]] = [
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
        Column("klasse", String(12)),
    ]
    for i in range(fasen):
        kolommen += [Column(f"duur_{i}", Float), Column(f"klaar_{i}", UTCDateTime())]
    return kolommen


def duur_kolommen() -> list[Column[Any]]:
    """The columns of the lead-time rows (`duren_bron`, the kept `rapport_duur`): one per
    traject and kind."""
    return [
        Column("traject_id", Integer, primary_key=True),
        Column("soort", String(40), primary_key=True),
        Column("programma", String(20), nullable=False),
        Column("klaar_op", UTCDateTime(), nullable=False),
        Column("dagen", Float, nullable=False),
        Column("bak", Integer, nullable=False),
    ]


def _tabel(bereik: Bereik) -> Table:
    return Table(
        "rapport_trajecten",
        MetaData(),
        *samenvatting_kolommen(len(bereik.fasen)),
        prefixes=["TEMPORARY"],
    )


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
        elif naam == "klasse":
            bron_kolommen.append((naam, uitkomst_klasse(T.c.resultaat)))
        elif naam.startswith("duur_"):
            nr = naam.removeprefix("duur_")
            open_spell = case((p[f"open_{nr}"] > 0, p[f"laatste_in_{nr}"]), else_=0)
            bron_kolommen.append((naam, p[f"saldo_{nr}"] + open_spell))
        else:
            bron_kolommen.append((naam, p[naam]))
    return per_traject, bron_kolommen


def geraakt_tabel(session: Session, bereik: Bereik) -> Table:
    """The trajecten with an event on or after the range's end, in a temporary table."""
    geraakt = Table(
        "rapport_geraakt",
        MetaData(),
        Column("traject_id", Integer, primary_key=True),
        prefixes=["TEMPORARY"],
    )
    connection = session.connection()
    geraakt.drop(connection, checkfirst=True)
    geraakt.create(connection)
    later = select(E.c.traject_id).where(E.c.at >= bereik.eind)
    if bereik.sqlite:
        # with DISTINCT SQLite reads every event in traject order (to skip a sort) instead
        # of the few after the range's end; the primary key drops the repeats instead
        vul = sqlite_dialect.insert(geraakt).from_select(["traject_id"], later)
        session.execute(vul.on_conflict_do_nothing())
    else:
        session.execute(geraakt.insert().from_select(["traject_id"], later.distinct()))
    if not bereik.sqlite:
        session.execute(text("ANALYZE rapport_geraakt"))
    return geraakt


def samenvatting(session: Session, bereik: Bereik, geraakt: Table | None = None) -> Table:
    """Fold every counted traject's history into one row of a temporary table (one pass).

    Time in a phase is the sum of its exit times minus the sum of its entry times (a pause is
    an exit, the resume an entry), so no per-spell pairing is needed; an open spell's entry is
    the latest one and is left out. LEAD over the traject's events marks its last event, whose
    `to_fase` is where the traject is (fact events carry the current phase too).

    With `geraakt` only those trajecten are folded (for a range ending in the past: the ones
    with later events; every other traject's kept row is its history up to the range's end).
    """
    alleen = select(geraakt.c.traject_id) if geraakt is not None else None
    per_traject, bron_kolommen = vouw(bereik, trajecten=alleen)
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


def aangevuld(bewaard: FromClause, ids: Any, eigen: Table, kolommen: Sequence[str]) -> Any:
    """The kept rows of every traject but `ids`, and `eigen` (their own) for those: as one
    subquery with the columns `kolommen`."""
    return union_all(
        select(*[bewaard.c[k] for k in kolommen]).where(bewaard.c.traject_id.not_in(ids)),
        select(*[eigen.c[k] for k in kolommen]),
    ).subquery(f"{eigen.name}_aangevuld")


def opruimen(session: Session, tabel: Table) -> None:
    """Drop the temporary table; after a failed query the read session's rollback does it."""
    try:
        tabel.drop(session.connection(), checkfirst=True)
    except SQLAlchemyError:
        log.warning("temporary report table left to the rollback", exc_info=True)


def uitkomst_klasse(resultaat: Any) -> ColumnElement[str]:
    """The recorded herstelonderzoek result as voldoende, onvoldoende or onbekend."""
    tekst = func.lower(func.coalesce(resultaat, ""))
    return case(
        (tekst.like("%onvoldoende%"), "onvoldoende"),
        (tekst.like("%voldoende%"), "voldoende"),
        else_="onbekend",
    )


def stroom_bron(tabel: FromClause, bereik: Bereik) -> list[Any]:
    """Sign-ups and ends per programme, kind and UTC day (columns programma, soort, klasse, dag,
    aantal) from a summary-shaped table: the kept `rapport_stroom_dag` adds these up."""
    r = tabel.c
    instroom_dag = dag(r.aangemeld_op, bereik.sqlite)
    eind_dag = dag(r.eind_op, bereik.sqlite)
    return [
        select(
            r.programma,
            literal(INSTROOM, String).label("soort"),
            literal("", String).label("klasse"),
            instroom_dag.label("dag"),
            func.count().label("aantal"),
        )
        .where(r.aangemeld_op.is_not(None))
        .group_by(r.programma, instroom_dag),
        select(
            r.programma,
            r.eindfase.label("soort"),
            r.klasse,
            eind_dag.label("dag"),
            func.count().label("aantal"),
        )
        .where(r.eind_op.is_not(None))
        .group_by(r.programma, r.eindfase, r.klasse, eind_dag),
    ]


def stroom(
    session: Session, per_dag: FromClause, bereik: Bereik, perioden: Sequence[Periode]
) -> list[Any]:
    """Per period and programme: aanmeldingen and the trajecten that reached each end phase,
    from counts per day (`stroom_bron`'s columns)."""
    d = per_dag.c
    p = perioden_cte(perioden)
    query = (
        select(p.c.nr, d.programma, d.soort, func.sum(d.aantal))
        .select_from(p.join(per_dag, and_(d.dag >= p.c.start, d.dag < p.c.eind)))
        .where(d.programma.in_(bereik.programmas))
        .group_by(p.c.nr, d.programma, d.soort)
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
    # whatever happened before the first period counts in the first period's balance
    p = perioden_cte(perioden, vanaf_begin=True)
    per_periode = (
        select(p.c.nr, d.programma, d.fase, func.sum(d.netto).label("netto"))
        .select_from(p.join(per_dag, and_(d.dag >= p.c.start, d.dag < p.c.eind)))
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


def _bak(dagen: Any, sqlite: bool) -> ColumnElement[int]:
    """Whole days (floor) of a lead time: the bin the percentile search counts in."""
    if sqlite:
        heel = cast(dagen, Integer)
        return heel - case((dagen < heel, 1), else_=0)
    return cast(func.floor(dagen), Integer)


#: the lead times measured besides the phases
EXTRA_DUREN = (AANMELDING_TOT_KENNISMAKING, TOT_MATCH)
#: the columns of `duren_bron`, in order
DUUR_KOLOMMEN = ("traject_id", "programma", "soort", "klaar_op", "dagen", "bak")


def duren_bron(
    tabel: FromClause, bereik: Bereik, kolommen: dict[str, tuple[str, str]]
) -> list[Any]:
    """Every completed lead time of a summary-shaped table, one row per traject and kind
    (columns traject_id, programma, soort, klaar_op, dagen, bak): the phases (`kolommen` maps a
    phase to its duration and completion columns), aanmelding to kennismaking and to a match."""
    r = tabel.c

    def rij(soort: Any, klaar: Any, dagen: Any, *voorwaarden: Any) -> Any:
        return select(
            r.traject_id,
            r.programma,
            literal(soort, String).label("soort"),
            klaar.label("klaar_op"),
            dagen.label("dagen"),
            _bak(dagen, bereik.sqlite).label("bak"),
        ).where(klaar.is_not(None), dagen.is_not(None), *voorwaarden)

    delen = [rij(fase, r[klaar], r[duur]) for fase, (duur, klaar) in kolommen.items()]
    delen.append(
        rij(
            AANMELDING_TOT_KENNISMAKING,
            r.kennismaking_op,
            dagen_tussen(r.kennismaking_op, r.aangemeld_op, bereik.sqlite),
        )
    )
    delen.append(rij(TOT_MATCH, r.match_op, dagen_tussen(r.match_op, r.matching_op, bereik.sqlite)))
    return delen


def duur_tabel(session: Session, tabel: FromClause, bereik: Bereik) -> Table:
    """The lead times of a report's own fold in a temporary table shaped like the kept
    `rapport_duur`, with its index (the percentile search walks it)."""
    duur = Table(
        "rapport_duur_eigen",
        MetaData(),
        *duur_kolommen(),
        Index("ix_rapport_duur_eigen", "programma", "soort", "bak", "dagen", "klaar_op"),
        prefixes=["TEMPORARY"],
    )
    connection = session.connection()
    duur.drop(connection, checkfirst=True)
    duur.create(connection)
    kolommen = {f: (f"duur_{i}", f"klaar_{i}") for i, f in enumerate(bereik.fasen)}
    bron = union_all(*duren_bron(tabel, bereik, kolommen))
    session.execute(duur.insert().from_select(list(DUUR_KOLOMMEN), bron))
    if not bereik.sqlite:
        session.execute(text(f"ANALYZE {duur.name}"))
    return duur


def _hele_maanden(bereik: Bereik) -> tuple[datetime, datetime] | None:
    """The whole UTC months inside [start, eind) as [first month's start, end), if any."""
    begin = bereik.start
    if begin.day != 1:
        begin = (begin.replace(day=1) + timedelta(days=32)).replace(day=1)
    einde = bereik.eind.replace(day=1)
    return (begin, einde) if begin < einde else None


def doorlooptijden(
    session: Session,
    duur: FromClause,
    bereik: Bereik,
    per_maand: FromClause | None = None,
    vervangen: tuple[FromClause, Any, FromClause] | None = None,
) -> list[dict[str, Any]]:
    """Count, nearest-rank percentiles and histogram bins per programme and lead-time kind.

    Two steps instead of sorting every lead time: the lead times completed in the range are
    counted per whole day (`bak`) with a running total (a window sum), which tells in which
    day each percentile's rank falls; then the value at that rank is read from the index on
    (programma, soort, bak, dagen), a walk through one day's lead times. With `per_maand`
    (the kept counts per month) the whole months of the range are read from there and only
    the days at its edges from `duur`. `vervangen` = (kept lead times, ids, their own lead
    times): those trajecten's kept lead times are replaced by their own in the monthly counts
    (for a range ending in the past; `duur` is then the kept ones of the others and the own).
    """
    d = duur.c

    def tel(van: datetime, tot: datetime) -> Any:
        # no filter on programme or kind here: SQLite would pick their index over the range's
        return (
            select(d.programma, d.soort, d.bak, func.count().label("n"))
            .where(d.klaar_op >= van, d.klaar_op < tot)
            .group_by(d.programma, d.soort, d.bak)
        )

    maanden = _hele_maanden(bereik) if per_maand is not None else None
    if per_maand is not None and maanden is not None:
        m = per_maand.c
        delen = [
            select(m.programma, m.soort, m.bak, func.sum(m.aantal).label("n"))
            .where(m.maand >= maanden[0].strftime("%Y-%m"), m.maand < maanden[1].strftime("%Y-%m"))
            .group_by(m.programma, m.soort, m.bak)
        ]
        if vervangen is not None:
            bewaard, ids, eigen = vervangen

            def per_bak_in(tabel: FromClause, teken: int, *voorwaarden: Any) -> Any:
                t = tabel.c
                return (
                    select(t.programma, t.soort, t.bak, (func.count() * teken).label("n"))
                    .where(t.klaar_op >= maanden[0], t.klaar_op < maanden[1], *voorwaarden)
                    .group_by(t.programma, t.soort, t.bak)
                )

            delen.append(per_bak_in(bewaard, -1, bewaard.c.traject_id.in_(ids)))
            delen.append(per_bak_in(eigen, 1))
        if bereik.start < maanden[0]:
            delen.append(tel(bereik.start, maanden[0]))
        if maanden[1] < bereik.eind:
            delen.append(tel(maanden[1], bereik.eind))
    else:
        delen = [tel(bereik.start, bereik.eind)]
    samen = union_all(*delen).subquery("samen") if len(delen) > 1 else delen[0].subquery("samen")
    per_bak = (
        select(samen.c.programma, samen.c.soort, samen.c.bak, func.sum(samen.c.n).label("n"))
        .group_by(samen.c.programma, samen.c.soort, samen.c.bak)
        .subquery("per_bak")
    )
    b = per_bak.c
    query = select(
        b.programma,
        b.soort,
        b.bak,
        b.n,
        func.sum(b.n)
        .over(partition_by=(b.programma, b.soort), order_by=b.bak, rows=(None, 0))
        .label("t_m"),
    ).order_by(b.programma, b.soort, b.bak)
    gevraagd = {(p, s) for p in bereik.programmas for s in (*bereik.fasen, *EXTRA_DUREN)}
    groepen: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
    for programma, soort, bak, n, t_m in session.execute(query):
        if (programma, soort) not in gevraagd or not n:
            continue
        groepen.setdefault((programma, soort), []).append((int(bak), int(n), int(t_m)))
    waarde = (
        select(d.dagen)
        .where(
            d.programma == bindparam("programma"),
            d.soort == bindparam("soort"),
            d.bak == bindparam("bak"),
            _klaar_in_periode(d.klaar_op, bereik),
        )
        .order_by(d.dagen)
        .limit(1)
        .offset(bindparam("plek"))
    )
    result = []
    for (programma, soort), bakken in sorted(groepen.items()):
        aantal = bakken[-1][2]
        row: dict[str, Any] = {"programma": programma, "fase": soort, "aantal": aantal}
        for p in PERCENTIELEN:
            rang = (aantal * p + 99) // 100  # nearest rank, as an integer
            bak, n, t_m = next(item for item in bakken if item[2] >= rang)
            row[f"p{p}"] = session.execute(
                waarde,
                {"programma": programma, "soort": soort, "bak": bak, "plek": rang - (t_m - n) - 1},
            ).scalar_one()
        for onder, boven in DOORLOOPTIJD_BAKKEN:
            row[f"bak_{onder}"] = sum(
                n for bak, n, _ in bakken if bak >= onder and (boven is None or bak < boven)
            )
        result.append(row)
    return result


def uitkomsten(session: Session, per_dag: FromClause, bereik: Bereik) -> list[Any]:
    """Trajecten that reached an end phase in the range, by end phase and recorded result,
    from counts per day (`stroom_bron`'s columns)."""
    d = per_dag.c
    query = (
        select(d.programma, d.soort.label("fase"), d.klasse, func.sum(d.aantal).label("aantal"))
        .where(
            d.programma.in_(bereik.programmas),
            d.soort != INSTROOM,
            d.dag >= bereik.start.date().isoformat(),
            d.dag < bereik.eind.date().isoformat(),
        )
        .group_by(d.programma, d.soort, d.klasse)
    )
    return list(session.execute(query).mappings())
