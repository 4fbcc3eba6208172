"""Reading the matching engine's input from the database: trajecten waiting, adviseurs' state."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from casework.db.matching import (
    AdviseurAfwezigheid,
    AdviseurConflict,
    AdviseurExpertise,
    AdviseurProfiel,
    AdviseurSector,
    MatchUitsluiting,
    TrajectThema,
)
from casework.db.models import Adviseur, School, Traject
from casework.matching import AdviseurInfo, TrajectInfo
from casework.services.adviseurs import final_fasen
from casework.services.programmas import definition

#: the phase in which a traject waits for an adviseur
MATCHING = "matching"


def waiting_trajecten(session: Session) -> list[Traject]:
    """Trajecten in the matching phase without an adviseur, in order of arrival."""
    query = (
        select(Traject)
        .where(Traject.fase == MATCHING, Traject.adviseur_id.is_(None))
        .options(joinedload(Traject.school), joinedload(Traject.bestuur))
        .order_by(Traject.fase_sinds, Traject.id)
    )
    return list(session.scalars(query))


def traject_infos(session: Session, trajecten: Iterable[Traject]) -> list[TrajectInfo]:
    """The engine's view of each traject: sectors, organisation, region, themes, exclusions."""
    rows = list(trajecten)
    ids = [t.id for t in rows]
    themas: dict[int, set[str]] = defaultdict(set)
    uitgesloten: dict[int, set[int]] = defaultdict(set)
    bestuur_sectoren: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(ids):
        for traject_id, thema in session.execute(
            select(TrajectThema.traject_id, TrajectThema.thema).where(
                TrajectThema.traject_id.in_(chunk)
            )
        ):
            themas[traject_id].add(thema)
        for traject_id, adviseur_id in session.execute(
            select(MatchUitsluiting.traject_id, MatchUitsluiting.adviseur_id).where(
                MatchUitsluiting.traject_id.in_(chunk)
            )
        ):
            uitgesloten[traject_id].add(adviseur_id)
    board_ids = sorted({t.bestuur_id for t in rows if t.school_id is None})
    for chunk in _chunks(board_ids):
        for bestuur_id, sector in session.execute(
            select(School.bestuur_id, School.sector).where(School.bestuur_id.in_(chunk))
        ):
            bestuur_sectoren[bestuur_id].add(sector)
    infos = []
    for t in rows:
        sectoren: set[str]
        if t.school is not None:
            sectoren = {t.school.sector}
        else:
            # a board's traject: the sectors of its schools that the programme serves
            programma_sectoren: set[str] = set(definition(t.programma).sectoren)
            sectoren = (bestuur_sectoren[t.bestuur_id] & programma_sectoren) or programma_sectoren
        infos.append(
            TrajectInfo(
                id=t.id,
                sectoren=frozenset(sectoren),
                bestuur_id=t.bestuur_id,
                school_id=t.school_id,
                regio=(t.school.regio if t.school and t.school.regio else t.bestuur.regio),
                themas=frozenset(themas[t.id]),
                uitgesloten=frozenset(uitgesloten[t.id]),
            )
        )
    return infos


def adviseur_infos(session: Session, only: Iterable[int] | None = None) -> list[AdviseurInfo]:
    """The engine's view of every adviseur (or those in `only`), with their current workload."""
    query = select(Adviseur).order_by(Adviseur.id)
    if only is not None:
        query = query.where(Adviseur.id.in_(list(only)))
    adviseurs = list(session.scalars(query))
    wanted = [a.id for a in adviseurs]

    def of(select_: Any, column: Any) -> Any:
        # one adviseur (a confirm) reads only its own rows; a run reads them all
        return select_ if only is None else select_.where(column.in_(wanted))

    profielen = {
        p.adviseur_id: p
        for p in session.scalars(of(select(AdviseurProfiel), AdviseurProfiel.adviseur_id))
    }
    sectoren: dict[int, set[str]] = defaultdict(set)
    for adviseur_id, sector in session.execute(
        of(select(AdviseurSector.adviseur_id, AdviseurSector.sector), AdviseurSector.adviseur_id)
    ):
        sectoren[adviseur_id].add(sector)
    expertise: dict[int, set[str]] = defaultdict(set)
    for adviseur_id, thema in session.execute(
        of(
            select(AdviseurExpertise.adviseur_id, AdviseurExpertise.thema),
            AdviseurExpertise.adviseur_id,
        )
    ):
        expertise[adviseur_id].add(thema)
    afwezig: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for adviseur_id, van, tot in session.execute(
        of(
            select(
                AdviseurAfwezigheid.adviseur_id, AdviseurAfwezigheid.van, AdviseurAfwezigheid.tot
            ),
            AdviseurAfwezigheid.adviseur_id,
        )
    ):
        afwezig[adviseur_id].append((van, tot))
    conflict_besturen: dict[int, set[int]] = defaultdict(set)
    conflict_scholen: dict[int, set[int]] = defaultdict(set)
    for c in session.scalars(of(select(AdviseurConflict), AdviseurConflict.adviseur_id)):
        if c.bestuur_id is not None:
            conflict_besturen[c.adviseur_id].add(c.bestuur_id)
        if c.school_id is not None:
            conflict_scholen[c.adviseur_id].add(c.school_id)
    actief: dict[int, int] = defaultdict(int)
    besturen: dict[int, set[int]] = defaultdict(set)
    for holder, bestuur_id in session.execute(
        of(
            select(Traject.adviseur_id, Traject.bestuur_id).where(
                Traject.adviseur_id.is_not(None), Traject.fase.not_in(final_fasen())
            ),
            Traject.adviseur_id,
        )
    ):
        if holder is not None:
            actief[holder] += 1
            besturen[holder].add(bestuur_id)
    result = []
    for a in adviseurs:
        profiel = profielen.get(a.id)
        result.append(
            AdviseurInfo(
                id=a.id,
                naam=a.naam,
                sectoren=frozenset(sectoren[a.id]),
                expertise=frozenset(expertise[a.id]),
                regio=profiel.regio if profiel else None,
                dagdelen_per_maand=profiel.dagdelen_per_maand if profiel else 0,
                max_trajecten=profiel.max_trajecten if profiel else 0,
                actief=a.actief,
                afwezigheid=tuple(afwezig[a.id]),
                conflict_besturen=frozenset(conflict_besturen[a.id]),
                conflict_scholen=frozenset(conflict_scholen[a.id]),
                actieve_trajecten=actief[a.id],
                besturen=frozenset(besturen[a.id]),
            )
        )
    return result


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
