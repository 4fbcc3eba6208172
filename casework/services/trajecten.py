"""Trajecten: sign-up, the steps through a programme's phases, and their history.

Every change of a traject happens here, in one transaction: the traject's row (its version
checked in the UPDATE), one appended history event, and the outbox rows the step causes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import (
    Table,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from casework.db import Database
from casework.db.base import utcnow
from casework.db.models import Adviseur, Contactpersoon, Traject, TrajectEvent
from casework.db.prepared import DbapiWork, Prepared, dbapi_work
from casework.errors import ConcurrentChange, InvalidInput, NotFound, StepNotAllowed
from casework.services import outbox, traject_rij, validation
from casework.services.organisaties import (
    find_bestuur,
    find_school,
    latest_oordelen,
    latest_school_oordelen,
    record_oordeel,
)
from casework.services.programmas import definition
from casework.services.traject_rij import TrajectRij
from casework.werkdagen import werkdagen_tussen
from states import (
    GEPAUZEERD,
    HERVAT,
    PAUZEREN,
    GuardContext,
    ProgrammeDefinition,
    StepRefused,
    TrajectMachine,
)

#: the end of the refusal when an adviseur is chosen for a traject that has ended
ADVISEUR_AFGESLOTEN = ": er kan geen adviseur meer aan gekoppeld worden"

#: history events that record a fact without changing the phase
FACT_TRIGGERS = frozenset(
    {"aanmelden", "adviseur_gekoppeld", "gegevens_gewijzigd", "kennismaking_gepland"}
    | {"adviseur_geaccepteerd", "adviseur_afgewezen"}  # matching (issue 6)
)


class TrajectRead(BaseModel):
    id: int
    referentie: str
    programma: str
    programma_naam: str
    definitie_versie: int
    fase: str
    fase_label: str
    paused_from: str | None
    version: int
    organisatie: str
    brin: str | None
    bestuursnummer: str
    bestuur: str
    sector: str | None
    hulpvraag: str | None
    risico: str | None
    oordelen: list[str]
    contact_naam: str | None
    contact_email: str | None
    adviseur: str | None
    adviseur_naam: str | None
    adviseur_geaccepteerd: bool
    aangemeld_op: datetime
    fase_sinds: datetime
    werkdagen_in_fase: int
    norm_werkdagen: int | None
    over_norm: bool
    herstelonderzoek_voor: date | None
    resultaat: str | None


class StepRead(BaseModel):
    trigger: str
    fase: str
    label: str
    toegestaan: bool
    reden: str | None
    reden_verplicht: bool


class EventRead(BaseModel):
    seq: int
    at: datetime
    actor: str
    trigger: str
    from_fase: str | None
    to_fase: str | None
    reden: str | None
    data: dict[str, Any] | None


# -- reading ---------------------------------------------------------------------------------


#: what every read of one traject needs, in the same query (built once: options are immutable)
_LOAD_OPTIONS = (
    joinedload(Traject.bestuur),
    joinedload(Traject.school),
    joinedload(Traject.contact),
    joinedload(Traject.adviseur),
)


#: built once with a bound id: SQLAlchemy then computes the statement's cache key only once
_LOAD_ONE = select(Traject).options(*_LOAD_OPTIONS).where(Traject.id == bindparam("traject_id"))


def _load(session: Session, traject_id: int) -> Traject:
    traject = session.scalars(_LOAD_ONE, {"traject_id": traject_id}).unique().one_or_none()
    if traject is None:
        raise NotFound(
            f"Traject {traject_id} bestaat niet. Zoek het id op met 'casework traject list'."
        )
    return traject


def _own_oordelen(session: Session, traject: Traject) -> list[str]:
    if traject.school_id is not None:
        return latest_oordelen(session, school_id=traject.school_id)
    return latest_oordelen(session, bestuur_id=traject.bestuur_id)


def werkdagen_in_fase(traject: Traject | TrajectRij, today: date | None = None) -> int:
    """Werkdagen in the current phase, not counting the time it was paused."""
    if traject.fase == GEPAUZEERD:
        return traject.werkdagen_voor_pauze
    return traject.werkdagen_voor_pauze + werkdagen_tussen(
        traject.fase_sinds.date(), today or date.today()
    )


def _read(session: Session, traject: Traject, oordelen: list[str] | None = None) -> TrajectRead:
    if oordelen is None:
        oordelen = _own_oordelen(session, traject)
    return _read_rij(TrajectRij.of_traject(traject, oordelen))


#: per (definition, phase): what the read model shows of the phase; definitions never change,
#: and `ProgrammeDefinition.phase` builds a validated model for `gepauzeerd` on every call
_PHASE_FACTS: dict[tuple[int, str], tuple[ProgrammeDefinition, str, str, int | None, bool]] = {}


def _phase_facts(
    programma: str, fase: str
) -> tuple[ProgrammeDefinition, str, str, int | None, bool]:
    programme = definition(programma)
    key = (id(programme), fase)
    facts = _PHASE_FACTS.get(key)
    if facts is None:
        phase = programme.phase(fase)
        # the definition is kept in the value: its id stays valid while the key exists
        facts = (
            programme,
            programme.naam,
            phase.label,
            phase.norm_werkdagen,
            fase in programme.final_phases,
        )
        _PHASE_FACTS[key] = facts
    return facts


def _read_rij(traject: TrajectRij) -> TrajectRead:
    _programme, programma_naam, label, norm, final = _phase_facts(traject.programma, traject.fase)
    # a final phase is an end, not a wait: its clock does not run
    in_fase = 0 if final else werkdagen_in_fase(traject)
    # validated as usual: pydantic-core's validation is faster than `model_construct` here
    return TrajectRead(
        id=traject.id,
        referentie=traject.referentie,
        programma=traject.programma,
        programma_naam=programma_naam,
        definitie_versie=traject.definitie_versie,
        fase=traject.fase,
        fase_label=label,
        paused_from=traject.paused_from,
        version=traject.version,
        organisatie=traject.organisatie_naam,
        brin=traject.brin,
        bestuursnummer=traject.bestuursnummer,
        bestuur=traject.bestuur_naam,
        sector=traject.sector,
        hulpvraag=traject.hulpvraag,
        risico=traject.risico,
        oordelen=list(traject.oordelen),
        contact_naam=traject.contact_naam,
        contact_email=traject.contact_email,
        adviseur=traject.adviseur_email,
        adviseur_naam=traject.adviseur_naam,
        adviseur_geaccepteerd=traject.adviseur_geaccepteerd,
        aangemeld_op=traject.aangemeld_op,
        fase_sinds=traject.fase_sinds,
        werkdagen_in_fase=in_fase,
        norm_werkdagen=None if final else norm,
        over_norm=not final and norm is not None and in_fase > norm,
        herstelonderzoek_voor=traject.herstelonderzoek_voor,
        resultaat=traject.resultaat,
    )


def show(db: Database, *, traject_id: int) -> TrajectRead:
    """One traject with its current phase, version, organisation and norm."""
    with db.read() as session:
        return _read(session, _load(session, traject_id))


def history(db: Database, *, traject_id: int) -> list[EventRead]:
    """Every recorded step of a traject, oldest first."""
    with db.read() as session:
        _load(session, traject_id)
        events = session.scalars(
            select(TrajectEvent)
            .where(TrajectEvent.traject_id == traject_id)
            .order_by(TrajectEvent.seq)
        )
        return [
            EventRead(
                seq=e.seq,
                at=e.at,
                actor=e.actor,
                trigger=e.trigger,
                from_fase=e.from_fase,
                to_fase=e.to_fase,
                reden=e.reden,
                data=e.data,
            )
            for e in events
        ]


# -- guards ----------------------------------------------------------------------------------


def guard_context(
    session: Session | DbapiWork,
    traject: Traject | TrajectRij,
    reden: str | None = None,
    *,
    organisation_facts: bool = True,
) -> GuardContext:
    """The facts the programme's guards look at, read from the database.

    Without `organisation_facts` the inspection verdicts are not read (a step whose transition
    has no guards never looks at them); the rest comes with the loaded traject for free. A
    `TrajectRij` brings its own verdicts along (read in its one query).
    """
    oordelen: list[str] = []
    school_oordelen: list[str] = []
    if isinstance(traject, TrajectRij):
        oordelen = traject.oordelen
        adviseur = traject.adviseur_email
    else:
        adviseur = traject.adviseur.email if traject.adviseur else None
    if organisation_facts:
        if isinstance(traject, Traject):
            oordelen = _own_oordelen(cast(Session, session), traject)
        if traject.school_id is None and isinstance(session, DbapiWork):
            school_oordelen = traject_rij.school_oordelen(session, traject.bestuur_id)
        elif traject.school_id is None:
            school_oordelen = latest_school_oordelen(
                cast(Session, session), bestuur_id=traject.bestuur_id
            )
    return GuardContext(
        programma=traject.programma,
        hulpvraag=traject.hulpvraag,
        risico=traject.risico,
        oordelen=tuple(oordelen),
        school_oordelen=tuple(school_oordelen),
        adviseur=adviseur,
        adviseur_geaccepteerd=traject.adviseur_geaccepteerd,
        reden=reden,
        facts_read=organisation_facts,
    )


def _machine(traject: Traject | TrajectRij) -> TrajectMachine:
    return TrajectMachine(definition(traject.programma), traject.fase, traject.paused_from)


def steps(db: Database, *, traject_id: int) -> list[StepRead]:
    """The steps a traject may take now, and for each blocked one the reason."""
    with db.read() as session:
        traject = _load(session, traject_id)
        ctx = guard_context(session, traject)
        return [
            StepRead(
                trigger=step.trigger,
                fase=step.dest if step.trigger != HERVAT else HERVAT,
                label=step.label if step.trigger != HERVAT else f"Hervatten ({step.label})",
                toegestaan=step.allowed,
                reden=step.reason,
                reden_verplicht=step.reason_required,
            )
            for step in _machine(traject).steps(ctx)
        ]


# -- writing ---------------------------------------------------------------------------------


def _append_event(
    session: Session,
    traject: Traject,
    *,
    actor: str,
    trigger: str,
    from_fase: str | None,
    to_fase: str | None,
    reden: str | None = None,
    data: dict[str, Any] | None = None,
    seq: int | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        TrajectEvent(
            traject_id=traject.id,
            # the version this change produces: unique per traject, so two writers collide
            seq=seq if seq is not None else traject.version + 1,
            at=at or utcnow(),
            actor=actor,
            trigger=trigger,
            from_fase=from_fase,
            to_fase=to_fase,
            reden=reden,
            data=data,
        )
    )


@contextmanager
def _lost_race() -> Iterator[None]:
    """A write that lost a race to another writer becomes `ConcurrentChange`."""
    try:
        yield
    except StaleDataError:
        raise ConcurrentChange() from None
    except IntegrityError as exc:
        if "traject_seq" in str(exc.orig) or "traject_events" in str(exc.orig):
            raise ConcurrentChange() from None
        raise


def _commit_guarded(db: Database, work: Any) -> Any:
    """Run `work(session)` in a transaction; a lost race becomes `ConcurrentChange`."""
    with _lost_race(), db.transaction() as session:
        return work(session)


def aanmelden(
    db: Database,
    *,
    programma: str,
    hulpvraag: str | None,
    contact_naam: str,
    contact_email: str,
    actor: str,
    school: str | None = None,
    bestuur: str | None = None,
    oordeel: str | None = None,
    standaard: str | None = None,
    oordeel_datum: date | None = None,
    rapport: str | None = None,
    risico: str | None = None,
    contact_telefoon: str | None = None,
    is_test: bool = False,
    at: datetime | None = None,
) -> TrajectRead:
    """Register a new aanmelding: a traject in the programme's first phase.

    LV trajecten belong to a school (BRIN), GWGB trajecten to a bestuur (bestuursnummer). The
    contact person gets a confirmation (outbox). Returns the new traject.
    """
    programme = definition(programma)
    contact_naam = validation.naam(contact_naam, "naam van de contactpersoon")
    contact_email = validation.email(contact_email)
    hulpvraag = validation.tekst(hulpvraag, "ondersteuningsvraag")
    risico = validation.tekst(risico, "risicobeschrijving")
    if oordeel is not None:
        oordeel = validation.oordeel(oordeel)
    if programme.doelgroep == "school" and not school:
        raise InvalidInput(
            f"Een {programme.naam}-traject hoort bij een school: geef --school BRIN."
        )
    if programme.doelgroep == "bestuur" and not bestuur:
        raise InvalidInput(
            f"Een {programme.naam}-traject hoort bij een bestuur: geef --bestuur NUMMER."
        )
    if programme.doelgroep == "bestuur" and school:
        raise InvalidInput(
            f"Een {programme.naam}-traject hoort bij een bestuur, niet bij een school."
        )
    now = at or utcnow()

    def work(session: Session) -> TrajectRead:
        target_school = find_school(session, school) if school else None
        owner = target_school.bestuur if target_school else find_bestuur(session, bestuur or "")
        if target_school is not None and target_school.sector not in programme.sectoren:
            raise InvalidInput(
                f"{programme.naam} is er niet voor sector {target_school.sector} "
                f"(wel voor {', '.join(programme.sectoren)})."
            )
        contact = Contactpersoon(
            naam=contact_naam,
            email=contact_email,
            telefoon=contact_telefoon,
            school_id=target_school.id if target_school else None,
            bestuur_id=owner.id if target_school is None else None,
        )
        session.add(contact)
        herstel = None
        if oordeel is not None:
            verdict = record_oordeel(
                session,
                oordeel=oordeel,
                school=target_school,
                bestuur=owner if target_school is None else None,
                standaard=standaard,
                datum=oordeel_datum or now.date(),
                rapport=rapport,
            )
            if oordeel == "zeer zwak":
                # the inspection holds a herstelonderzoek within at most one year
                herstel = (
                    verdict.datum.replace(year=verdict.datum.year + 1)
                    if not (verdict.datum.month == 2 and verdict.datum.day == 29)
                    else verdict.datum + timedelta(days=365)
                )
        traject = Traject(
            programma=programme.code,
            definitie_versie=programme.versie,
            bestuur=owner,
            school=target_school,
            contact=contact,
            fase=programme.initial,
            fase_sinds=now,
            hulpvraag=hulpvraag,
            risico=risico,
            herstelonderzoek_voor=herstel,
            is_test=is_test,
            aangemeld_op=now,
            created_at=now,
            updated_at=now,
        )
        session.add(traject)
        session.flush()
        _append_event(
            session,
            traject,
            actor=actor,
            trigger="aanmelden",
            from_fase=None,
            to_fase=programme.initial,
            seq=1,
            at=now,
            data={"oordeel": oordeel, "risico": bool(risico)},
        )
        outbox.enqueue(
            session,
            template="aanmelding_ontvangen",
            to_address=contact.email,
            to_name=contact.naam,
            context=outbox.traject_context(traject),
            traject_id=traject.id,
            actor=actor,
        )
        return _read(session, traject)

    return _commit_guarded(db, work)


_TRAJECTEN = cast(Table, Traject.__table__)
_ADVANCE_UPDATE = Prepared(
    update(_TRAJECTEN)
    .where(
        _TRAJECTEN.c.id == bindparam("b_id"),
        _TRAJECTEN.c.version == bindparam("b_version"),
    )
    .values(
        {
            _TRAJECTEN.c[name]: bindparam(name, type_=_TRAJECTEN.c[name].type)
            for name in (
                "fase",
                "fase_sinds",
                "updated_at",
                "version",
                "paused_from",
                "werkdagen_voor_pauze",
                "resultaat",
            )
        }
    )
)
_EVENT_INSERT = Prepared(
    insert(cast(Table, TrajectEvent.__table__)),
    column_keys=["traject_id", "seq", "at", "actor", "trigger", "from_fase", "to_fase", "reden"]
    + ["data"],
)


def advance(
    db: Database,
    *,
    traject_id: int,
    fase: str,
    actor: str,
    reden: str | None = None,
    expected_version: int | None = None,
    resultaat: str | None = None,
    at: datetime | None = None,
) -> TrajectRead:
    """Move a traject to the named phase (or `gepauzeerd`, `hervat`, `gestopt`, `afgewezen`).

    The programme's machine checks the step and its guards; a refusal writes nothing. Two people
    advancing the same traject at once: one wins, the other gets `ConcurrentChange`.
    """
    reden = validation.tekst(reden, "reden", 2000)
    resultaat_naam = validation.naam(resultaat, "resultaat", 40) if resultaat else None
    target = fase.strip().lower()
    now = at or utcnow()

    # the hot path: one transaction on one pooled connection, not an ORM unit of work (whose
    # bookkeeping cost several times the database's own work). It reads the traject, its
    # organisation and verdicts in one query (`traject_rij`) and writes the event and the
    # version-checked UPDATE: Core statements compiled once (`casework.db.prepared`). A step
    # causes no outbox messages; one that would must write them through `db.transaction()`
    # (and so its `outbox_hooks`).
    with _lost_race(), dbapi_work(db.engine) as work:
        traject = traject_rij.load(work, traject_id)
        if expected_version is not None and traject.version != expected_version:
            raise ConcurrentChange()
        machine = _machine(traject)
        try:
            # a step without guards (pause, resume, most forward steps) needs no more facts
            ctx = guard_context(
                work, traject, reden, organisation_facts=bool(machine.guards(target))
            )
            trigger, new_phase = machine.fire(target, ctx)
        except StepRefused as exc:
            raise StepNotAllowed(str(exc)) from None
        old_phase = traject.fase
        version = traject.version
        if trigger == PAUZEREN:
            paused_from: str | None = old_phase
            werkdagen_voor_pauze = werkdagen_in_fase(traject, now.date())
        elif trigger == HERVAT:
            paused_from, werkdagen_voor_pauze = None, traject.werkdagen_voor_pauze
        else:
            paused_from, werkdagen_voor_pauze = None, 0
        changes: dict[str, Any] = {
            "fase": new_phase,
            "fase_sinds": now,
            "updated_at": now,
            "version": version + 1,
            "paused_from": paused_from,
            "werkdagen_voor_pauze": werkdagen_voor_pauze,
            "resultaat": resultaat_naam or traject.resultaat,
        }
        # in the ORM unit of work's order (every writer locks alike, so two never deadlock):
        # the event (its seq, the new version, is unique per traject), then the UPDATE that
        # checks the version itself
        work.execute(
            _EVENT_INSERT,
            {
                "traject_id": traject.id,
                "seq": version + 1,
                "at": now,
                "actor": actor,
                "trigger": trigger,
                "from_fase": old_phase,
                "to_fase": new_phase,
                "reden": reden,
                "data": {"resultaat": resultaat} if resultaat else None,
            },
        )
        updated = work.execute(
            _ADVANCE_UPDATE, {**changes, "b_id": traject.id, "b_version": version}
        )
        if updated != 1:
            raise ConcurrentChange()  # someone else was first: the rollback drops the event
    # committed: the row now holds what was written
    traject.fase = new_phase
    traject.fase_sinds = now
    traject.version = version + 1
    traject.paused_from = paused_from
    traject.werkdagen_voor_pauze = werkdagen_voor_pauze
    traject.resultaat = changes["resultaat"]
    return _read_rij(traject)


def check_open(traject: Traject, expected_version: int | None, refusal: str) -> None:
    """Refuse a change to a traject someone else changed meanwhile, or one that has ended.

    `refusal` ends the Dutch sentence "Dit traject is <fase>...", e.g. "en kan niet meer
    gewijzigd worden".
    """
    if expected_version is not None and traject.version != expected_version:
        raise ConcurrentChange()
    if traject.fase in definition(traject.programma).final_phases:
        raise StepNotAllowed(f"Dit traject is {traject.fase}{refusal}.")


def koppel(
    db: Database,
    *,
    traject_id: int,
    adviseur: str,
    actor: str,
    geaccepteerd: bool = True,
    expected_version: int | None = None,
) -> TrajectRead:
    """Record the adviseur of a traject.

    Until matching with acceptance exists, recording counts as accepted. The adviseur gets the
    toewijzing notice and the contact person hears who their adviseur is (outbox).
    """

    def work(session: Session) -> TrajectRead:
        traject = _load(session, traject_id)
        check_open(traject, expected_version, ADVISEUR_AFGESLOTEN)
        chosen = find_adviseur_for_koppel(session, adviseur)
        previous = traject.adviseur.email if traject.adviseur else None
        if previous == chosen.email and traject.adviseur_geaccepteerd == geaccepteerd:
            raise StepNotAllowed(f"{chosen.naam} is al de adviseur van dit traject.")
        _append_event(
            session,
            traject,
            actor=actor,
            trigger="adviseur_gekoppeld",
            from_fase=traject.fase,
            to_fase=traject.fase,
            data={"adviseur": chosen.email, "vorige": previous, "geaccepteerd": geaccepteerd},
        )
        traject.adviseur = chosen
        traject.adviseur_geaccepteerd = geaccepteerd
        traject.updated_at = utcnow()
        from casework.services.matching import record_role  # matching (issue 6): roles with dates

        record_role(session, traject.id, chosen.id, actor=actor, geaccepteerd=geaccepteerd)
        session.flush()
        context = outbox.traject_context(traject, oordelen=_own_oordelen(session, traject))
        outbox.enqueue(
            session,
            template="toewijzing",
            to_address=chosen.email,
            to_name=chosen.naam,
            context=context,
            traject_id=traject.id,
            actor=actor,
        )
        if traject.contact is not None:
            outbox.enqueue(
                session,
                template="adviseur_gekoppeld",
                to_address=traject.contact.email,
                to_name=traject.contact.naam,
                context=context,
                traject_id=traject.id,
                actor=actor,
            )
        return _read(session, traject)

    return _commit_guarded(db, work)


def find_adviseur_for_koppel(session: Session, ref: str) -> Adviseur:
    from casework.services.adviseurs import find_adviseur

    chosen = find_adviseur(session, ref)
    if not chosen.actief:
        raise StepNotAllowed(f"Adviseur {chosen.naam} is niet actief.")
    return chosen


def wijzig(
    db: Database,
    *,
    traject_id: int,
    actor: str,
    hulpvraag: str | None = None,
    risico: str | None = None,
    oordeel: str | None = None,
    standaard: str | None = None,
    oordeel_datum: date | None = None,
    rapport: str | None = None,
    expected_version: int | None = None,
    themas: str | list[str] | None = None,
) -> TrajectRead:
    """Record intake facts: the support question, its themes, the risk, a (new) verdict."""
    from casework.matching.themas import parse_themas

    hulpvraag = validation.tekst(hulpvraag, "ondersteuningsvraag")
    risico = validation.tekst(risico, "risicobeschrijving")
    if oordeel is not None:
        oordeel = validation.oordeel(oordeel)
    if themas is not None:
        themas = parse_themas(themas)
    if hulpvraag is None and risico is None and oordeel is None and themas is None:
        raise InvalidInput(
            "Er is niets om te wijzigen: geef --vraag, --themas, --risico of --oordeel."
        )

    def work(session: Session) -> TrajectRead:
        traject = _load(session, traject_id)
        check_open(traject, expected_version, " en kan niet meer gewijzigd worden")
        changed: dict[str, Any] = {}
        if hulpvraag is not None and hulpvraag != traject.hulpvraag:
            traject.hulpvraag = changed["hulpvraag"] = hulpvraag
        if risico is not None and risico != traject.risico:
            traject.risico = changed["risico"] = risico
        if oordeel is not None:
            record_oordeel(
                session,
                oordeel=oordeel,
                school=traject.school,
                bestuur=traject.bestuur if traject.school is None else None,
                standaard=standaard,
                datum=oordeel_datum,
                rapport=rapport,
            )
            changed["oordeel"] = oordeel
        if themas is not None:
            from casework.services.matching import set_themas

            if (new_themas := set_themas(session, traject, themas)) is not None:
                changed["themas"] = new_themas
        if not changed:
            raise InvalidInput("Deze gegevens staan al zo vastgelegd: er is niets gewijzigd.")
        _append_event(
            session,
            traject,
            actor=actor,
            trigger="gegevens_gewijzigd",
            from_fase=traject.fase,
            to_fase=traject.fase,
            data=changed,
        )
        traject.updated_at = utcnow()
        session.flush()
        return _read(session, traject)

    return _commit_guarded(db, work)
