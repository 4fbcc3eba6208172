"""The werkvoorraad: trajecten found by programme, phase, adviseur, search and norm, a page at a
time, and the counts per phase. Fast at 100,000 trajecten: ids come from the indexes first, then
only the page's rows with their joins; paging by key rather than by offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from casework.db import Database
from casework.db.models import Adviseur, Bestuur, School, Traject
from casework.errors import InvalidInput
from casework.services.programmas import definition
from casework.services.trajecten import TrajectRead, _read


@dataclass(frozen=True)
class TrajectFilter:
    programma: str | None = None
    fase: str | None = None
    adviseur: str | None = None
    zoek: str | None = None
    #: only those past their phase norm
    over_norm: bool = False


def _filtered(query: Select[Any], flt: TrajectFilter) -> Select[Any]:
    if flt.programma:
        query = query.where(Traject.programma == definition(flt.programma).code)
    if flt.fase:
        query = query.where(Traject.fase == flt.fase)
    if flt.adviseur:
        query = query.join(Adviseur, Traject.adviseur_id == Adviseur.id).where(
            func.lower(Adviseur.email) == flt.adviseur.lower()
        )
    if flt.zoek:
        term = f"%{flt.zoek.strip().lower()}%"
        # match the (small) organisation tables first, then trajecten by their indexed keys:
        # joining every traject to test a LIKE took a third of a second at 100,000 trajecten
        besturen = select(Bestuur.id).where(
            or_(func.lower(Bestuur.naam).like(term), Bestuur.bestuursnummer.like(term))
        )
        scholen = select(School.id).where(
            or_(func.lower(School.naam).like(term), func.lower(School.brin).like(term))
        )
        query = query.where(or_(Traject.bestuur_id.in_(besturen), Traject.school_id.in_(scholen)))
    if flt.over_norm:
        query = query.where(_over_norm_clause())
    return query


def _over_norm_clause() -> Any:
    """Trajecten whose phase has a norm and that entered it before the latest possible date.

    A coarse filter in SQL (calendar days give an upper bound of werkdagen); `_read` computes the
    exact werkdagen for the rows shown.
    """
    today = date.today()
    clauses = []
    for code, programme in _programmes().items():
        for phase in programme.phases:
            if phase.norm_werkdagen is None:
                continue
            # n werkdagen span at least n calendar days
            latest = datetime.combine(
                today - timedelta(days=phase.norm_werkdagen), datetime.min.time()
            )
            clauses.append(
                (Traject.programma == code)
                & (Traject.fase == phase.name)
                & (Traject.fase_sinds < latest.astimezone())
            )
    return or_(*clauses) if clauses else False


def _programmes() -> dict[str, Any]:
    from casework.services.programmas import programmes

    return programmes()


def list_trajecten(
    db: Database,
    *,
    filter: TrajectFilter | None = None,
    limit: int = 50,
    offset: int = 0,
    before_id: int | None = None,
) -> list[TrajectRead]:
    """Trajecten matching a filter, newest first, one page at a time.

    `before_id` pages by key (the last id of the previous page): as fast on page 2,000 as on
    page 1, where a large offset makes the database walk every skipped row.
    """
    flt = filter or TrajectFilter()
    if flt.fase and flt.programma and flt.fase not in definition(flt.programma).phase_names:
        raise InvalidInput(f"Programma {flt.programma} heeft geen fase {flt.fase!r}.")
    known = {name for p in _programmes().values() for name in p.phase_names}
    if flt.fase and flt.fase not in known:
        # a typo would otherwise show an empty list, as if no traject were in that phase
        raise InvalidInput(f"Onbekende fase {flt.fase!r}. Kies uit: {', '.join(sorted(known))}.")
    with db.read() as session:
        # the page's ids first (from the indexes alone), then only those rows with their joins:
        # sorting thousands of joined rows for one page of 50 is what made filtered pages slow
        ids_query = (
            _filtered(select(Traject.id), flt)
            .order_by(Traject.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if before_id is not None:
            ids_query = ids_query.where(Traject.id < before_id)
        ids = list(session.scalars(ids_query))
        query = select(Traject).where(Traject.id.in_(ids)).order_by(Traject.id.desc())
        query = query.options(
            joinedload(Traject.bestuur),
            joinedload(Traject.school),
            joinedload(Traject.contact),
            joinedload(Traject.adviseur),
        )
        rows = list(session.scalars(query).unique())
        oordelen = _page_oordelen(session, rows)
        reads = [_read(session, row, oordelen[row.id]) for row in rows]
        if flt.over_norm:
            reads = [row for row in reads if row.over_norm]
        return reads


def _page_oordelen(session: Session, rows: list[Traject]) -> dict[int, list[str]]:
    """The latest verdicts of a page of trajecten in one query (one per row made pages slow)."""
    from casework.db.models import Oordeel

    school_ids = {r.school_id for r in rows if r.school_id is not None}
    bestuur_ids = {r.bestuur_id for r in rows if r.school_id is None}
    per_school: dict[int, dict[str | None, str]] = {}
    per_bestuur: dict[int, dict[str | None, str]] = {}
    if school_ids or bestuur_ids:
        query = (
            select(Oordeel)
            .where(or_(Oordeel.school_id.in_(school_ids), Oordeel.bestuur_id.in_(bestuur_ids)))
            .order_by(Oordeel.datum.desc(), Oordeel.id.desc())
        )
        for verdict in session.scalars(query):
            if verdict.school_id is not None:
                latest = per_school.setdefault(verdict.school_id, {})
            else:
                latest = per_bestuur.setdefault(verdict.bestuur_id or 0, {})
            latest.setdefault(verdict.standaard, verdict.oordeel)
    return {
        r.id: list(
            (
                per_school.get(r.school_id, {})
                if r.school_id is not None
                else per_bestuur.get(r.bestuur_id, {})
            ).values()
        )
        for r in rows
    }


def count_trajecten(db: Database, *, filter: TrajectFilter | None = None) -> int:
    with db.read() as session:
        query = _filtered(select(func.count(Traject.id)), filter or TrajectFilter())
        return int(session.scalar(query) or 0)


def count_per_fase(db: Database, *, programma: str | None = None) -> dict[tuple[str, str], int]:
    """How many trajecten sit in each (programme, phase)."""
    with db.read() as session:
        query = select(Traject.programma, Traject.fase, func.count()).group_by(
            Traject.programma, Traject.fase
        )
        if programma:
            query = query.where(Traject.programma == definition(programma).code)
        return {(p, f): n for p, f, n in session.execute(query)}
