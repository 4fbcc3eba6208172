"""Reminders: phases past their norm in werkdagen, and each programme's yearly moments.

Waits live in the database, not in a paused flow: a scheduled flow calls these functions, they
scan for what is due and queue one message per reminder in the outbox. Each reminder is recorded
in `verstuurde_herinneringen` under a unique (traject, soort, sleutel) in the same transaction as
its outbox row, so a second run (or a second scheduler at the same time) queues nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from casework.db import Database
from casework.db.models import Traject, TrajectEvent
from casework.db.reminders import VerstuurdeHerinnering
from casework.services import outbox
from casework.services.programmas import programmes
from casework.services.trajecten import werkdagen_in_fase
from casework.settings import get_settings
from states import HERVAT

FASE_NORM = "fase_norm"
TEMPLATE = "herinnering"


class HerinneringRapport(BaseModel):
    """What one reminder scan did."""

    soort: str
    #: trajecten that are due (past the norm, or in a moment's phases this month)
    te_herinneren: int
    #: reminders queued by this run
    verstuurd: int
    #: reminders an earlier (or a concurrent) run already queued
    al_verstuurd: int
    traject_ids: list[int]

    @property
    def samenvatting(self) -> str:
        return (
            f"{self.soort}: {self.verstuurd} verstuurd, {self.al_verstuurd} al eerder "
            f"({self.te_herinneren} te herinneren)"
        )


def _with_relations() -> list[object]:
    return [
        joinedload(Traject.bestuur),
        joinedload(Traject.school),
        joinedload(Traject.contact),
        joinedload(Traject.adviseur),
    ]


def _already(
    session: Session, ids: Iterable[int], soorten: Iterable[str]
) -> set[tuple[int, str, str]]:
    ids, soorten = list(ids), list(soorten)
    if not ids:
        return set()
    rows = session.execute(
        select(
            VerstuurdeHerinnering.traject_id,
            VerstuurdeHerinnering.soort,
            VerstuurdeHerinnering.sleutel,
        ).where(VerstuurdeHerinnering.traject_id.in_(ids), VerstuurdeHerinnering.soort.in_(soorten))
    )
    return {(row[0], row[1], row[2]) for row in rows}


def _queue(db: Database, due: list[tuple[int, str, str, dict[str, Any]]]) -> tuple[list[int], int]:
    """Record and queue each (traject_id, soort, sleutel, extra context) not yet recorded.

    Each reminder gets its own savepoint: a unique violation means another scheduler queued it
    first, and only that one reminder is skipped.
    """
    if not due:
        return [], 0
    recipient = get_settings().mail_medewerkers
    sent: list[int] = []
    skipped = 0
    with db.transaction() as session:
        trajecten = {
            traject.id: traject
            for traject in session.scalars(
                select(Traject)
                .where(Traject.id.in_({item[0] for item in due}))
                .options(*_with_relations())  # type: ignore[arg-type]
            ).unique()
        }
        done = _already(session, trajecten, {item[1] for item in due})
        for traject_id, soort, sleutel, extra in due:
            if (traject_id, soort, sleutel) in done:
                skipped += 1
                continue
            traject = trajecten[traject_id]
            try:
                with session.begin_nested():
                    message = outbox.enqueue(
                        session,
                        template=TEMPLATE,
                        to_address=recipient,
                        context=outbox.traject_context(traject, **extra),
                        traject_id=traject.id,
                    )
                    session.add(
                        VerstuurdeHerinnering(
                            traject_id=traject.id,
                            soort=soort,
                            sleutel=sleutel,
                            fase=traject.fase,
                            outbox_message_id=message.message_id if message else None,
                        )
                    )
                    session.flush()
            except IntegrityError:
                skipped += 1
                continue
            sent.append(traject_id)
    return sent, skipped


def phase_reminders(db: Database, *, today: date | None = None) -> HerinneringRapport:
    """Queue one reminder per traject whose current phase is past its norm in werkdagen.

    Werkdagen skip weekends and Dutch public holidays, and do not count while a traject was
    paused. One reminder per phase entry: re-entering the phase later counts as a new entry.
    """
    today = today or date.today()
    norms = {
        (code, phase.name): phase.norm_werkdagen
        for code, programme in programmes().items()
        for phase in programme.phases
        if phase.norm_werkdagen is not None
    }
    if not norms:
        return HerinneringRapport(
            soort=FASE_NORM, te_herinneren=0, verstuurd=0, al_verstuurd=0, traject_ids=[]
        )
    phases = {phase for _, phase in norms}
    over: dict[int, tuple[str, int, int]] = {}
    with db.read() as session:
        for traject in session.scalars(select(Traject).where(Traject.fase.in_(phases))):
            norm = norms.get((traject.programma, traject.fase))
            if norm is None:
                continue
            spent = werkdagen_in_fase(traject, today)
            if spent > norm:
                over[traject.id] = (traject.fase, spent, norm)
        entries = _entry_seqs(session, over)
    due: list[tuple[int, str, str, dict[str, Any]]] = [
        (
            traject_id,
            FASE_NORM,
            f"{fase}:{entries.get(traject_id, 0)}",
            {"werkdagen_in_fase": spent, "norm_werkdagen": norm},
        )
        for traject_id, (fase, spent, norm) in sorted(over.items())
    ]
    sent, skipped = _queue(db, due)
    return HerinneringRapport(
        soort=FASE_NORM,
        te_herinneren=len(due),
        verstuurd=len(sent),
        al_verstuurd=skipped,
        traject_ids=sent,
    )


def _entry_seqs(session: Session, over: dict[int, tuple[str, int, int]]) -> dict[int, int]:
    """The seq of the event that entered each traject's current phase (a resume is no entry)."""
    if not over:
        return {}
    rows = session.execute(
        select(TrajectEvent.traject_id, TrajectEvent.to_fase, func.max(TrajectEvent.seq))
        .where(TrajectEvent.traject_id.in_(over), TrajectEvent.trigger != HERVAT)
        .group_by(TrajectEvent.traject_id, TrajectEvent.to_fase)
    )
    return {row[0]: row[2] for row in rows if over[row[0]][0] == row[1]}


def yearly_moments(db: Database, *, today: date | None = None) -> HerinneringRapport:
    """Queue each programme's yearly moments due this month (a voortgangsgesprek in feb/mrt).

    Every traject in one of the moment's phases gets one reminder per moment per year.
    """
    today = today or date.today()
    due: list[tuple[int, str, str, dict[str, Any]]] = []
    with db.read() as session:
        for code, programme in programmes().items():
            for moment in programme.moments:
                if today.month not in moment.months:
                    continue
                trajecten = session.scalars(
                    select(Traject).where(
                        Traject.programma == code, Traject.fase.in_(moment.phases)
                    )
                )
                due.extend(
                    (
                        traject.id,
                        f"moment:{moment.name}",
                        str(today.year),
                        {
                            "moment_label": moment.label,
                            "werkdagen_in_fase": werkdagen_in_fase(traject, today),
                            "norm_werkdagen": programme.phase(traject.fase).norm_werkdagen,
                        },
                    )
                    for traject in trajecten
                )
    sent, skipped = _queue(db, due)
    return HerinneringRapport(
        soort="jaarmomenten",
        te_herinneren=len(due),
        verstuurd=len(sent),
        al_verstuurd=skipped,
        traject_ids=sent,
    )
