"""Matching with people in the loop: proposals, a medewerker confirms, the adviseur answers.

run      → the engine proposes an adviseur for every waiting traject; proposals are stored.
confirm  → a medewerker confirms (the proposal, or another adviseur, still under the hard
           rules); the adviseur is recorded as proposed-not-accepted and gets the toewijzing
           notice with signed accept/decline links.
accept   → the adviseur accepts: the traject may go to kennismaking; the contact person hears
           who their adviseur is.
decline  → back to waiting, that adviseur excluded for this traject, the medewerker notified.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.base import utcnow
from casework.db.matching import AdviseurToewijzing, MatchUitsluiting, MatchVoorstel, TrajectThema
from casework.db.models import Adviseur, Traject
from casework.errors import InvalidInput, NotFound, StepNotAllowed
from casework.matching import Context
from casework.matching.engine import admissible
from casework.matching.themas import parse_themas
from casework.services import links, outbox, validation
from casework.services.adviseurs import find_adviseur
from casework.services.matching_data import MATCHING, adviseur_infos, traject_infos
from casework.services.matching_run import (  # noqa: F401  (the API of matching, in one place)
    DAGDELEN_PER_TRAJECT,
    RunRead,
    VoorstelRead,
    _context,
    list_voorstellen,
    run,
)
from casework.settings import get_settings


class ToewijzingRead(BaseModel):
    traject_id: int
    adviseur: str
    status: str
    van: datetime
    geaccepteerd_op: datetime | None
    tot: datetime | None
    door: str
    reden: str | None


def _load(session: Session, traject_id: int) -> Traject:
    from casework.services.trajecten import _load as load_traject

    return load_traject(session, traject_id)


def _open_toewijzing(session: Session, traject_id: int) -> AdviseurToewijzing | None:
    return session.scalar(
        select(AdviseurToewijzing)
        .where(AdviseurToewijzing.traject_id == traject_id, AdviseurToewijzing.tot.is_(None))
        .order_by(AdviseurToewijzing.id.desc())
    )


def check_hard_rules(
    session: Session, traject: Traject, adviseur: Adviseur, ctx: Context
) -> str | None:
    """None when the adviseur may take this traject; else the Dutch reason why not."""
    [info] = traject_infos(session, [traject])
    [who] = adviseur_infos(session, only=[adviseur.id])
    return admissible(info, who, ctx)


def confirm(
    db: Database,
    *,
    traject_id: int,
    actor: str,
    adviseur: str | None = None,
    expected_version: int | None = None,
    peildatum: date | None = None,
    dagdelen_per_traject: int = DAGDELEN_PER_TRAJECT,
    at: datetime | None = None,
) -> Any:
    """A medewerker confirms the proposal (or names another adviseur, checked the same way).

    The adviseur is recorded as proposed-not-accepted and receives the toewijzing notice with
    signed links to accept or decline. Returns the traject (`TrajectRead`).
    """
    from casework.services.trajecten import (
        ADVISEUR_AFGESLOTEN,
        _append_event,
        _commit_guarded,
        _read,
        check_open,
    )

    now = at or utcnow()
    ctx = _context(peildatum or now.date(), dagdelen_per_traject)

    def work(session: Session) -> Any:
        traject = _load(session, traject_id)
        check_open(traject, expected_version, ADVISEUR_AFGESLOTEN)
        proposal = session.scalar(
            select(MatchVoorstel)
            .where(MatchVoorstel.traject_id == traject.id, MatchVoorstel.status == "open")
            .order_by(MatchVoorstel.id.desc())
        )
        if adviseur is not None:
            chosen = find_adviseur(session, adviseur)
        elif proposal is None:
            raise NotFound(
                f"Er is geen open voorstel voor traject {traject.id}: voer eerst 'casework match "
                "run' uit, of kies zelf een adviseur met --adviseur."
            )
        elif proposal.adviseur_id is None:
            raise StepNotAllowed(
                f"{proposal.reden} Kies zelf een adviseur met --adviseur als dat toch kan."
            )
        else:
            chosen = find_adviseur(session, str(proposal.adviseur_id))
        if traject.adviseur_id == chosen.id:
            raise StepNotAllowed(f"{chosen.naam} is al de adviseur van dit traject.")
        refusal = check_hard_rules(session, traject, chosen, ctx)
        if refusal:
            raise StepNotAllowed(f"{refusal} Kies een andere adviseur.")
        previous = traject.adviseur
        record_role(session, traject.id, chosen.id, actor=actor, at=now)
        if proposal is not None:
            proposal.status = "bevestigd" if proposal.adviseur_id == chosen.id else "vervallen"
            proposal.bevestigd_door = actor
            proposal.bevestigd_op = now
        _append_event(
            session,
            traject,
            actor=actor,
            trigger="adviseur_gekoppeld",
            from_fase=traject.fase,
            to_fase=traject.fase,
            at=now,
            data={
                "adviseur": chosen.email,
                "vorige": previous.email if previous else None,
                "geaccepteerd": False,
                "voorstel": proposal.id if proposal and proposal.adviseur_id == chosen.id else None,
            },
        )
        traject.adviseur = chosen
        traject.adviseur_geaccepteerd = False
        traject.updated_at = now
        session.flush()
        link = links.assignment_link(traject_id=traject.id, adviseur_id=chosen.id)
        outbox.enqueue(
            session,
            template="toewijzing",
            to_address=chosen.email,
            to_name=chosen.naam,
            context=outbox.traject_context(
                traject,
                accept_link=f"{link}?actie=accepteren",
                decline_link=f"{link}?actie=afwijzen",
            ),
            traject_id=traject.id,
            actor=actor,
        )
        return _read(session, traject)

    return _commit_guarded(db, work)


def record_role(
    session: Session,
    traject_id: int,
    adviseur_id: int,
    *,
    actor: str,
    geaccepteerd: bool = False,
    at: datetime | None = None,
) -> None:
    """Start an adviseur's dated role on a traject (in the caller's transaction).

    The role held until now, if any, ends here ("vervangen"): who held the role when decides
    who is notified and to whom dagdelen count.
    """
    now = at or utcnow()
    current = _open_toewijzing(session, traject_id)
    if current is not None:
        current.tot = now
        current.status = "vervangen"
    session.add(
        AdviseurToewijzing(
            traject_id=traject_id,
            adviseur_id=adviseur_id,
            status="geaccepteerd" if geaccepteerd else "voorgesteld",
            van=now,
            geaccepteerd_op=now if geaccepteerd else None,
            door=actor,
        )
    )


def _current_adviseur(session: Session, traject: Traject, adviseur_id: int | None) -> Adviseur:
    if traject.adviseur is None:
        raise StepNotAllowed(
            f"Traject {traject.id} heeft geen voorgestelde adviseur: bevestig eerst een voorstel "
            "met 'casework match confirm'."
        )
    if adviseur_id is not None and traject.adviseur.id != adviseur_id:
        raise StepNotAllowed(
            "Deze toewijzing is niet meer aan jou: het traject heeft intussen een andere adviseur."
        )
    return traject.adviseur


def accept(
    db: Database,
    *,
    traject_id: int,
    actor: str,
    adviseur_id: int | None = None,
    at: datetime | None = None,
) -> Any:
    """The adviseur accepts the assignment: the traject may now go to kennismaking.

    `adviseur_id` (from a signed link) makes sure the assignment is still theirs.
    """
    from casework.services.trajecten import _append_event, _commit_guarded, _own_oordelen, _read

    now = at or utcnow()

    def work(session: Session) -> Any:
        traject = _load(session, traject_id)
        who = _current_adviseur(session, traject, adviseur_id)
        if traject.adviseur_geaccepteerd:
            raise StepNotAllowed(f"{who.naam} heeft dit traject al geaccepteerd.")
        current = _open_toewijzing(session, traject.id)
        if current is None or current.adviseur_id != who.id:
            # recorded before matching existed (or directly): start the dated role here
            current = AdviseurToewijzing(
                traject_id=traject.id, adviseur_id=who.id, van=now, door=actor
            )
            session.add(current)
        current.status = "geaccepteerd"
        current.geaccepteerd_op = now
        _append_event(
            session,
            traject,
            actor=actor,
            trigger="adviseur_geaccepteerd",
            from_fase=traject.fase,
            to_fase=traject.fase,
            at=now,
            data={"adviseur": who.email},
        )
        traject.adviseur_geaccepteerd = True
        traject.updated_at = now
        session.flush()
        if traject.contact is not None:
            outbox.enqueue(
                session,
                template="adviseur_gekoppeld",
                to_address=traject.contact.email,
                to_name=traject.contact.naam,
                context=outbox.traject_context(traject, oordelen=_own_oordelen(session, traject)),
                traject_id=traject.id,
                actor=actor,
            )
        return _read(session, traject)

    return _commit_guarded(db, work)


def decline(
    db: Database,
    *,
    traject_id: int,
    reden: str,
    actor: str,
    adviseur_id: int | None = None,
    at: datetime | None = None,
) -> Any:
    """The adviseur declines: the traject waits again, without that adviseur from now on.

    The programme office (settings.mail_medewerkers) is notified with the reason.
    """
    from casework.services.trajecten import _append_event, _commit_guarded, _read

    text = validation.tekst(reden, "reden", 2000)
    if not text:
        raise InvalidInput("Geef een reden waarom je het traject afwijst (--reden).")
    now = at or utcnow()

    def work(session: Session) -> Any:
        traject = _load(session, traject_id)
        who = _current_adviseur(session, traject, adviseur_id)
        if traject.fase != MATCHING:
            raise StepNotAllowed(
                f"Traject {traject.id} is al in fase {traject.fase}: afwijzen kan alleen tijdens "
                "de matching. Vervang de adviseur met 'casework match confirm ID --adviseur A'."
            )
        current = _open_toewijzing(session, traject.id)
        if current is not None and current.adviseur_id == who.id:
            current.status = "afgewezen"
            current.tot = now
            current.reden = text
        if not session.scalar(
            select(MatchUitsluiting.id).where(
                MatchUitsluiting.traject_id == traject.id, MatchUitsluiting.adviseur_id == who.id
            )
        ):
            session.add(
                MatchUitsluiting(
                    traject_id=traject.id, adviseur_id=who.id, reden=text, actor=actor, at=now
                )
            )
        _append_event(
            session,
            traject,
            actor=actor,
            trigger="adviseur_afgewezen",
            from_fase=traject.fase,
            to_fase=traject.fase,
            reden=text,
            at=now,
            data={"adviseur": who.email},
        )
        traject.adviseur = None
        traject.adviseur_geaccepteerd = False
        traject.updated_at = now
        session.flush()
        settings = get_settings()
        outbox.enqueue(
            session,
            template="generiek",
            to_address=settings.mail_medewerkers,
            context=outbox.traject_context(
                traject,
                onderwerp=f"{who.naam} wijst {traject.referentie} af",
                tekst=(
                    f"{who.naam} heeft de toewijzing van traject {traject.referentie} "
                    f"({traject.organisatie_naam}) afgewezen. Reden: {text} Het traject wacht "
                    "weer op een adviseur; deze adviseur wordt er niet meer voor voorgesteld."
                ),
            ),
            traject_id=traject.id,
            actor=actor,
        )
        return _read(session, traject)

    return _commit_guarded(db, work)


def set_themas(session: Session, traject: Traject, value: str | list[str]) -> list[str] | None:
    """Record the support question's themes (in the caller's transaction).

    Returns the new list when it changed, None when it was already so.
    """
    new = parse_themas(value)
    old = sorted(
        session.scalars(select(TrajectThema.thema).where(TrajectThema.traject_id == traject.id))
    )
    if sorted(new) == old:
        return None
    for row in session.scalars(select(TrajectThema).where(TrajectThema.traject_id == traject.id)):
        session.delete(row)
    session.flush()
    session.add_all(TrajectThema(traject_id=traject.id, thema=t) for t in new)
    return new


def toewijzingen(db: Database, *, traject_id: int) -> list[ToewijzingRead]:
    """Who held (or was proposed for) the adviseur role of a traject, and when."""
    with db.read() as session:
        _load(session, traject_id)
        rows = session.execute(
            select(AdviseurToewijzing, Adviseur.email)
            .join(Adviseur, Adviseur.id == AdviseurToewijzing.adviseur_id)
            .where(AdviseurToewijzing.traject_id == traject_id)
            .order_by(AdviseurToewijzing.id)
        )
        return [
            ToewijzingRead(
                traject_id=t.traject_id,
                adviseur=email,
                status=t.status,
                van=t.van,
                geaccepteerd_op=t.geaccepteerd_op,
                tot=t.tot,
                door=t.door,
                reden=t.reden,
            )
            for t, email in rows
        ]
