"""Aging: trajecten past their phase norm (werkdagen, pauses not counted), the oldest named.

SQL picks the candidates (entered before the latest date from which the norm is exceeded, a
bound that ignores pauses); Python subtracts the paused werkdagen of the few that resumed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import FromClause, and_, func, or_, select
from sqlalchemy.orm import Session

from casework.db.models import Bestuur, School
from casework.reports.model import TrajectOverNorm, Veroudering
from casework.reports.queries import Bereik, E, T
from casework.services.programmas import definition
from casework.werkdagen import werkdagen_tussen
from states import HERVAT, PAUZEREN

#: how many of the trajecten longest past their norm the report names
OUDSTE = 10


def utc_middernacht(day: date) -> datetime:
    """Midnight UTC at the start of `day`: the report's periods start there."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def kandidaten_over_norm(
    session: Session, tabel: FromClause, grenzen: dict[tuple[str, str], datetime]
) -> list[Any]:
    """Trajecten whose entry lies before their phase's cutoff (pauses are subtracted later)."""
    if not grenzen:
        return []
    r = tabel.c
    voorwaarde = or_(
        *[
            and_(r.programma == programma, r.fase == fase, r.fase_sinds < grens)
            for (programma, fase), grens in grenzen.items()
        ]
    )
    query = select(r.traject_id, r.programma, r.fase, r.fase_sinds.label("sinds"), r.hervat_op)
    return list(session.execute(query.where(voorwaarde)).mappings())


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
        select(T.c.id, func.coalesce(School.naam, Bestuur.naam), T.c.aangemeld_op)
        .select_from(
            T.join(Bestuur, Bestuur.id == T.c.bestuur_id).outerjoin(
                School, School.id == T.c.school_id
            )
        )
        .where(T.c.id.in_(list(traject_ids)))
    )
    return {row[0]: (row[1], row[2]) for row in session.execute(query)}


def _grens(peildatum: date, norm: int) -> date:
    """The latest entry date from which more than `norm` werkdagen have passed on `peildatum`."""
    day = peildatum
    while werkdagen_tussen(day, peildatum) <= norm:
        day -= timedelta(days=1)
    return day


def _gepauzeerde_werkdagen(events: list[Any], sinds: datetime, peildatum: date) -> int:
    total = 0
    pauze_op: date | None = None
    for event in events:
        if event.at < sinds:
            continue
        if event.trigger == PAUZEREN:
            pauze_op = event.at.date()
        elif event.trigger == HERVAT and pauze_op is not None:
            total += werkdagen_tussen(pauze_op, event.at.date())
            pauze_op = None
    if pauze_op is not None:
        total += werkdagen_tussen(pauze_op, peildatum)
    return total


def bereken_veroudering(
    session: Session,
    tabel: FromClause,
    bereik: Bereik,
    peildatum: date,
    aantallen: dict[tuple[str, str], int],
) -> tuple[list[Veroudering], list[TrajectOverNorm]]:
    """Per phase with a norm: how many are in it and how many past the norm on `peildatum`;
    `aantallen` are the trajecten per programme and phase then (the report's last balance)."""
    normen = {
        (code, phase.name): phase.norm_werkdagen
        for code in bereik.programmas
        for phase in definition(code).phases
        if phase.norm_werkdagen is not None and not phase.final
    }
    grenzen = {
        key: utc_middernacht(_grens(peildatum, norm) + timedelta(days=1))
        for key, norm in normen.items()
    }
    kandidaten = kandidaten_over_norm(session, tabel, grenzen)
    hervat = [row["traject_id"] for row in kandidaten if row["hervat_op"] is not None]
    per_traject = pauzes(session, hervat, bereik.eind)
    over: list[tuple[int, Any]] = []
    for row in kandidaten:
        werkdagen = werkdagen_tussen(row["sinds"].date(), peildatum)
        werkdagen -= _gepauzeerde_werkdagen(
            per_traject.get(row["traject_id"], []), row["sinds"], peildatum
        )
        if werkdagen > normen[(row["programma"], row["fase"])]:
            over.append((werkdagen, row))
    per_fase = {key: 0 for key in normen}
    for _, row in over:
        per_fase[(row["programma"], row["fase"])] += 1
    veroudering = [
        Veroudering(
            programma=code,
            fase=fase,
            norm_werkdagen=normen[(code, fase)],
            onderhanden=aantallen.get((code, fase), 0),
            over_norm=count,
        )
        for (code, fase), count in per_fase.items()
    ]
    over.sort(key=lambda item: (-item[0], item[1]["traject_id"]))
    top = over[:OUDSTE]
    gegevens = namen(session, [row["traject_id"] for _, row in top])
    oudste = [
        TrajectOverNorm(
            traject_id=row["traject_id"],
            referentie=(
                f"{row['programma'].upper()}-{gegevens[row['traject_id']][1].year}-"
                f"{row['traject_id']:05d}"
            ),
            programma=row["programma"],
            fase=row["fase"],
            organisatie=gegevens[row["traject_id"]][0],
            sinds=row["sinds"],
            werkdagen=werkdagen,
            norm_werkdagen=normen[(row["programma"], row["fase"])],
        )
        for werkdagen, row in top
    ]
    return veroudering, oudste
