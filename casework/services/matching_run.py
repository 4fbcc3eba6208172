"""Matching runs: the engine's proposals for every waiting traject, stored with their reasons."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from casework.db import Database
from casework.db.base import utcnow
from casework.db.matching import MatchVoorstel, TrajectThema
from casework.db.models import Adviseur, Traject
from casework.errors import InvalidInput
from casework.matching import Context, match
from casework.services.matching_data import adviseur_infos, traject_infos, waiting_trajecten

#: dagdelen per month a traject is assumed to take from an adviseur's capacity (default)
DAGDELEN_PER_TRAJECT = 2


class VoorstelRead(BaseModel):
    id: int
    ronde: str
    traject_id: int
    referentie: str
    organisatie: str
    themas: list[str]
    adviseur_id: int | None
    adviseur_naam: str | None
    adviseur_email: str | None
    score: float
    onderdelen: dict[str, float]
    alternatieven: list[dict[str, Any]]
    reden: str | None
    status: str
    uitleg: str


class RunRead(BaseModel):
    ronde: str
    wachtend: int
    toegewezen: int
    totaal_score: float
    voorstellen: list[VoorstelRead]


def _context(peildatum: date | None, dagdelen_per_traject: int) -> Context:
    return Context(peildatum=peildatum or date.today(), dagdelen_per_traject=dagdelen_per_traject)


def _uitleg(v: MatchVoorstel, adviseur_naam: str | None) -> str:
    if v.adviseur_id is None:
        return v.reden or "Geen adviseur gevonden."
    parts = ", ".join(f"{k} {x:.1f}" for k, x in v.onderdelen.items())
    text = f"{adviseur_naam}: score {v.score:.1f} ({parts})."
    if v.alternatieven:
        alts = ", ".join(f"{a['naam']} ({a['score']:.1f})" for a in v.alternatieven)
        text += f" Alternatieven: {alts}."
    return text


def _reads(session: Session, rows: list[MatchVoorstel]) -> list[VoorstelRead]:
    """The proposals as read models, with a handful of queries however many there are."""
    traject_ids = sorted({v.traject_id for v in rows})
    trajecten: dict[int, Traject] = {}
    themas: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(traject_ids), 500):
        chunk = traject_ids[start : start + 500]
        query = (
            select(Traject)
            .where(Traject.id.in_(chunk))
            .options(joinedload(Traject.school), joinedload(Traject.bestuur))
        )
        trajecten.update((t.id, t) for t in session.scalars(query))
        for traject_id, thema in session.execute(
            select(TrajectThema.traject_id, TrajectThema.thema).where(
                TrajectThema.traject_id.in_(chunk)
            )
        ):
            themas[traject_id].append(thema)
    adviseurs = {
        a_id: (naam, email)
        for a_id, naam, email in session.execute(select(Adviseur.id, Adviseur.naam, Adviseur.email))
    }
    result = []
    for v in rows:
        traject = trajecten[v.traject_id]
        naam, email = adviseurs.get(v.adviseur_id or 0, (None, None))
        result.append(
            VoorstelRead(
                id=v.id,
                ronde=v.ronde,
                traject_id=traject.id,
                referentie=traject.referentie,
                organisatie=traject.organisatie_naam,
                themas=sorted(themas[traject.id]),
                adviseur_id=v.adviseur_id,
                adviseur_naam=naam,
                adviseur_email=email,
                score=v.score,
                onderdelen=v.onderdelen,
                alternatieven=v.alternatieven,
                reden=v.reden,
                status=v.status,
                uitleg=_uitleg(v, naam),
            )
        )
    return result


def run(
    db: Database,
    *,
    peildatum: date | None = None,
    dagdelen_per_traject: int = DAGDELEN_PER_TRAJECT,
) -> RunRead:
    """Propose an adviseur for every waiting traject, all optimised together; store proposals.

    Earlier open proposals are superseded, so running it again (by hand or on a schedule) is
    safe: the newest run is the one a medewerker confirms.
    """
    if dagdelen_per_traject < 1:
        raise InvalidInput("Het aantal dagdelen per traject moet minstens 1 zijn.")
    ctx = _context(peildatum, dagdelen_per_traject)
    ronde = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    with db.transaction() as session:
        waiting = waiting_trajecten(session)
        result = match(traject_infos(session, waiting), adviseur_infos(session), ctx)
        session.execute(
            update(MatchVoorstel).where(MatchVoorstel.status == "open").values(status="vervallen")
        )
        rows = []
        for v in result.voorstellen:
            row = MatchVoorstel(
                ronde=ronde,
                traject_id=v.traject_id,
                adviseur_id=v.adviseur_id,
                score=round(v.score, 4),
                onderdelen={k: round(x, 4) for k, x in v.onderdelen.items()},
                alternatieven=[
                    {
                        "adviseur_id": a.adviseur_id,
                        "naam": a.naam,
                        "score": round(a.score, 4),
                        "onderdelen": {k: round(x, 4) for k, x in a.onderdelen.items()},
                    }
                    for a in v.alternatieven
                ],
                reden=v.reden,
                status="open",
            )
            session.add(row)
            rows.append(row)
        session.flush()
        return RunRead(
            ronde=ronde,
            wachtend=len(waiting),
            toegewezen=result.toegewezen,
            totaal_score=round(result.totaal_score, 4),
            voorstellen=_reads(session, rows),
        )


def list_voorstellen(db: Database, *, alleen_open: bool = True) -> list[VoorstelRead]:
    """The proposals of the latest run (open ones by default), highest score first."""
    with db.read() as session:
        query = select(MatchVoorstel).order_by(MatchVoorstel.score.desc(), MatchVoorstel.id)
        if alleen_open:
            query = query.where(MatchVoorstel.status == "open")
        return _reads(session, list(session.scalars(query.limit(5000))))
