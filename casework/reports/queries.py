"""The report's SQL: window functions over `traject_events`, portable to SQLite and PostgreSQL.

Every figure is aggregated in the database; Python receives one row per programme, phase and
period (or per candidate traject for the aging list), never the events themselves.
Phase-changing events are those whose `to_fase` differs from `from_fase` (the sign-up has no
`from_fase`); fact events (`adviseur_gekoppeld`, `gegevens_gewijzigd`) keep the phase.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    case,
    extract,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import FromClause

from casework.db.models import Bestuur, School, Traject, TrajectEvent
from casework.reports.model import (
    AANMELDING_TOT_KENNISMAKING,
    DOORLOOPTIJD_BAKKEN,
    TOT_MATCH,
    Periode,
)
from states import GEPAUZEERD, HERVAT, PAUZEREN

E = TrajectEvent.__table__
T = Traject.__table__
#: events that confirm a match besides an accepted `adviseur_gekoppeld` (the matching module's)
ACCEPT_TRIGGERS = ("adviseur_geaccepteerd", "match_bevestigd")
AANMELDEN = "aanmelden"
PERCENTIELEN = (50, 80, 95)


@dataclass(frozen=True)
class Bereik:
    """What a report covers: programmes, [start, eind) in UTC, and the dialect to speak."""

    programmas: tuple[str, ...]
    start: datetime
    eind: datetime
    eindfasen: tuple[str, ...]
    sqlite: bool


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


def _traject_join() -> FromClause:
    return E.join(T, T.c.id == E.c.traject_id)


def _meetellen(bereik: Bereik) -> ColumnElement[bool]:
    """Real trajecten of the chosen programmes (test data is kept out of management figures)."""
    return and_(T.c.is_test.is_(False), T.c.programma.in_(bereik.programmas))


def _faseovergang(events: Any = E) -> ColumnElement[bool]:
    return and_(
        events.c.to_fase.is_not(None),
        or_(events.c.from_fase.is_(None), events.c.from_fase != events.c.to_fase),
    )


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


def stroom(session: Session, bereik: Bereik, perioden: Sequence[Periode]) -> list[Any]:
    """Per period and programme: aanmeldingen and the trajecten that reached each end phase."""
    dagkolom = dag(E.c.at, bereik.sqlite)
    per_dag = (
        select(
            T.c.programma,
            dagkolom.label("dag"),
            func.sum(case((E.c.trigger == AANMELDEN, 1), else_=0)).label("instroom"),
            *[
                func.sum(
                    case((and_(E.c.to_fase == fase, E.c.from_fase != fase), 1), else_=0)
                ).label(fase)
                for fase in bereik.eindfasen
            ],
        )
        .select_from(_traject_join())
        .where(
            _meetellen(bereik),
            E.c.at >= bereik.start,
            E.c.at < bereik.eind,
            or_(E.c.trigger == AANMELDEN, E.c.to_fase.in_(bereik.eindfasen)),
        )
        .group_by(T.c.programma, dagkolom)
        .subquery("per_dag")
    )
    p = perioden_cte(perioden)
    query = (
        select(
            p.c.nr,
            per_dag.c.programma,
            func.sum(per_dag.c.instroom).label("instroom"),
            *[func.sum(per_dag.c[fase]).label(fase) for fase in bereik.eindfasen],
        )
        .select_from(p.join(per_dag, and_(per_dag.c.dag >= p.c.start, per_dag.c.dag < p.c.eind)))
        .group_by(p.c.nr, per_dag.c.programma)
    )
    return list(session.execute(query).mappings())


def onderhanden(session: Session, bereik: Bereik, perioden: Sequence[Periode]) -> list[Any]:
    """Trajecten per phase at the end of each period: entries minus exits, summed cumulatively."""
    basis = (_traject_join(), _meetellen(bereik), _faseovergang(), E.c.at < bereik.eind)
    dagkolom = dag(E.c.at, bereik.sqlite)
    wijzigingen = union_all(
        select(
            T.c.programma,
            E.c.to_fase.label("fase"),
            dagkolom.label("dag"),
            literal(1, Integer).label("delta"),
        )
        .select_from(basis[0])
        .where(*basis[1:]),
        select(
            T.c.programma,
            E.c.from_fase.label("fase"),
            dagkolom.label("dag"),
            literal(-1, Integer).label("delta"),
        )
        .select_from(basis[0])
        .where(*basis[1:], E.c.from_fase.is_not(None)),
    ).subquery("wijzigingen")
    w = wijzigingen.c
    per_dag = (
        select(w.programma, w.fase, w.dag, func.sum(w.delta).label("netto"))
        .group_by(w.programma, w.fase, w.dag)
        .subquery("per_dag")
    )
    p = perioden_cte(perioden)
    # whatever happened before the first period counts in the first period's balance
    per_periode = (
        select(
            p.c.nr, per_dag.c.programma, per_dag.c.fase, func.sum(per_dag.c.netto).label("netto")
        )
        .select_from(
            p.join(
                per_dag,
                and_(per_dag.c.dag < p.c.eind, or_(per_dag.c.dag >= p.c.start, p.c.nr == 0)),
            )
        )
        .group_by(p.c.nr, per_dag.c.programma, per_dag.c.fase)
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


def _fase_duren(bereik: Bereik) -> Select[Any]:
    """Per traject and phase left in the period: calendar days spent in it, pauses excluded."""
    overgangen = (
        select(
            E.c.traject_id,
            T.c.programma,
            E.c.at,
            E.c.from_fase,
            E.c.to_fase,
            func.lag(E.c.at).over(partition_by=E.c.traject_id, order_by=E.c.seq).label("vorige_at"),
        )
        .select_from(_traject_join())
        .where(_meetellen(bereik), _faseovergang(), E.c.at < bereik.eind)
        .subquery("overgangen")
    )
    o = overgangen.c
    klaar_op = func.max(case((o.to_fase != GEPAUZEERD, o.at)))
    return (
        select(
            o.programma,
            o.from_fase.label("fase"),
            func.sum(dagen_tussen(o.at, o.vorige_at, bereik.sqlite)).label("dagen"),
        )
        .where(o.from_fase.is_not(None), o.from_fase != GEPAUZEERD)
        .group_by(o.programma, o.from_fase, o.traject_id)
        .having(_klaar_in_periode(klaar_op, bereik))
    )


def _aanmelding_tot_kennismaking(bereik: Bereik) -> Select[Any]:
    """Calendar days from the aanmelding to the first kennismaking (pauses included)."""
    kennismaking = func.min(case((E.c.to_fase == "kennismaking", E.c.at)))
    aanmelding = func.min(case((E.c.trigger == AANMELDEN, E.c.at)))
    return (
        select(
            T.c.programma,
            literal(AANMELDING_TOT_KENNISMAKING, String).label("fase"),
            dagen_tussen(kennismaking, aanmelding, bereik.sqlite).label("dagen"),
        )
        .select_from(_traject_join())
        .where(
            _meetellen(bereik),
            E.c.at < bereik.eind,
            or_(
                E.c.trigger == AANMELDEN,
                and_(E.c.to_fase == "kennismaking", E.c.from_fase != "kennismaking"),
            ),
        )
        .group_by(T.c.programma, E.c.traject_id)
        .having(_klaar_in_periode(kennismaking, bereik))
    )


def _tot_match(bereik: Bereik) -> Select[Any]:
    """Calendar days from the first entry into matching to the first confirmed match after it."""
    matching = (
        select(E.c.traject_id, T.c.programma, func.min(E.c.at).label("sinds"))
        .select_from(_traject_join())
        .where(
            _meetellen(bereik),
            E.c.to_fase == "matching",
            E.c.from_fase != "matching",
            E.c.at < bereik.eind,
        )
        .group_by(E.c.traject_id, T.c.programma)
        .subquery("matching")
    )
    acc = E.alias("acc")
    geaccepteerd = or_(
        and_(
            acc.c.trigger == "adviseur_gekoppeld",
            acc.c.data["geaccepteerd"].as_boolean() == true(),
        ),
        acc.c.trigger.in_(ACCEPT_TRIGGERS),
    )
    bevestigd = func.min(acc.c.at)
    return (
        select(
            matching.c.programma,
            literal(TOT_MATCH, String).label("fase"),
            dagen_tussen(bevestigd, func.min(matching.c.sinds), bereik.sqlite).label("dagen"),
        )
        .select_from(
            matching.join(
                acc, and_(acc.c.traject_id == matching.c.traject_id, acc.c.at >= matching.c.sinds)
            )
        )
        .where(geaccepteerd, acc.c.at < bereik.eind)
        .group_by(matching.c.programma, matching.c.traject_id)
        .having(_klaar_in_periode(bevestigd, bereik))
    )


def doorlooptijden(session: Session, bereik: Bereik) -> list[Any]:
    """Count, nearest-rank percentiles and histogram bins per programme and lead-time kind."""
    duren = union_all(
        _fase_duren(bereik), _aanmelding_tot_kennismaking(bereik), _tot_match(bereik)
    ).subquery("duren")
    d = duren.c
    gerangschikt = select(
        d.programma,
        d.fase,
        d.dagen,
        func.row_number().over(partition_by=(d.programma, d.fase), order_by=d.dagen).label("rn"),
        func.count().over(partition_by=(d.programma, d.fase)).label("n"),
    ).subquery("gerangschikt")
    r = gerangschikt.c

    def percentiel(p: int) -> Any:
        # nearest rank: the value at rank ceil(p/100 * n), in integer arithmetic on both dialects
        return func.max(case((r.rn == (r.n * p + 99) // 100, r.dagen))).label(f"p{p}")

    def bak(onder: int, boven: int | None) -> Any:
        binnen = r.dagen >= onder if boven is None else and_(r.dagen >= onder, r.dagen < boven)
        return func.sum(case((binnen, 1), else_=0)).label(f"bak_{onder}")

    query = (
        select(
            r.programma,
            r.fase,
            func.count().label("aantal"),
            *[percentiel(p) for p in PERCENTIELEN],
            *[bak(onder, boven) for onder, boven in DOORLOOPTIJD_BAKKEN],
        )
        .group_by(r.programma, r.fase)
        .order_by(r.programma, r.fase)
    )
    return list(session.execute(query).mappings())


def huidige_fasen(session: Session, bereik: Bereik) -> Any:
    """Per traject at the end of the range: its phase, the entry into it and the last resume."""
    laatste = (
        select(
            E.c.traject_id,
            T.c.programma,
            E.c.to_fase,
            E.c.at,
            E.c.trigger,
            func.row_number()
            .over(partition_by=E.c.traject_id, order_by=E.c.seq.desc())
            .label("rn"),
        )
        .select_from(_traject_join())
        .where(_meetellen(bereik), _faseovergang(), E.c.at < bereik.eind)
        .subquery("laatste")
    )
    l_ = laatste.c
    return (
        select(
            l_.traject_id,
            l_.programma,
            func.max(case((l_.rn == 1, l_.to_fase))).label("fase"),
            # a pause and its resume do not restart the phase's clock
            func.max(case((l_.trigger.not_in((PAUZEREN, HERVAT)), l_.at))).label("sinds"),
            func.max(case((l_.trigger == HERVAT, l_.at))).label("hervat_op"),
        )
        .group_by(l_.traject_id, l_.programma)
        .subquery("huidig")
    )


def onderhanden_per_fase(session: Session, huidig: Any) -> list[Any]:
    h = huidig.c
    query = select(h.programma, h.fase, func.count().label("aantal")).group_by(h.programma, h.fase)
    return list(session.execute(query).mappings())


def kandidaten_over_norm(
    session: Session, huidig: Any, grenzen: dict[tuple[str, str], datetime]
) -> list[Any]:
    """Trajecten whose entry lies before their phase's cutoff (pauses are subtracted later)."""
    if not grenzen:
        return []
    h = huidig.c
    voorwaarde = or_(
        *[
            and_(h.programma == programma, h.fase == fase, h.sinds < grens)
            for (programma, fase), grens in grenzen.items()
        ]
    )
    query = select(h.traject_id, h.programma, h.fase, h.sinds, h.hervat_op).where(voorwaarde)
    return list(session.execute(query).mappings())


def pauzes(session: Session, traject_ids: Sequence[int], eind: datetime) -> dict[int, list[Any]]:
    """The pauzeren/hervat events of a few trajecten, oldest first."""
    result: dict[int, list[Any]] = {}
    if not traject_ids:
        return result
    query = (
        select(E.c.traject_id, E.c.trigger, E.c.at)
        .where(
            E.c.traject_id.in_(list(traject_ids)),
            E.c.trigger.in_((PAUZEREN, HERVAT)),
            E.c.at < eind,
        )
        .order_by(E.c.traject_id, E.c.seq)
    )
    for row in session.execute(query):
        result.setdefault(row.traject_id, []).append(row)
    return result


def namen(session: Session, traject_ids: Sequence[int]) -> dict[int, tuple[str, date]]:
    """Organisation name and sign-up date of a few trajecten."""
    if not traject_ids:
        return {}
    query = (
        select(
            T.c.id,
            func.coalesce(School.naam, Bestuur.naam),
            T.c.aangemeld_op,
        )
        .select_from(
            T.join(Bestuur, Bestuur.id == T.c.bestuur_id).outerjoin(
                School, School.id == T.c.school_id
            )
        )
        .where(T.c.id.in_(list(traject_ids)))
    )
    return {row[0]: (row[1], row[2]) for row in session.execute(query)}


def uitkomsten(session: Session, bereik: Bereik) -> list[Any]:
    """Trajecten that reached an end phase in the range, by end phase and recorded result."""
    resultaat = func.lower(func.coalesce(T.c.resultaat, ""))
    klasse = case(
        (resultaat.like("%onvoldoende%"), "onvoldoende"),
        (resultaat.like("%voldoende%"), "voldoende"),
        else_="onbekend",
    ).label("klasse")
    query = (
        select(T.c.programma, E.c.to_fase.label("fase"), klasse, func.count().label("aantal"))
        .select_from(_traject_join())
        .where(
            _meetellen(bereik),
            E.c.to_fase.in_(bereik.eindfasen),
            E.c.from_fase != E.c.to_fase,
            E.c.at >= bereik.start,
            E.c.at < bereik.eind,
        )
        .group_by(T.c.programma, E.c.to_fase, klasse)
    )
    return list(session.execute(query).mappings())
