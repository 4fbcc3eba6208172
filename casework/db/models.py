"""The domain's tables: organisations, verdicts, adviseurs, trajecten, their history, the outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db.base import Base, utcnow

SECTOREN = ("po", "so", "vo")
OORDELEN = ("voldoende", "onvoldoende", "zeer zwak")


class Bestuur(Base):
    """A schoolbestuur (bevoegd gezag), known by its 5-digit bestuursnummer."""

    __tablename__ = "besturen"

    id: Mapped[int] = mapped_column(primary_key=True)
    bestuursnummer: Mapped[str] = mapped_column(String(5), unique=True)
    naam: Mapped[str] = mapped_column(String(200))
    regio: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    scholen: Mapped[list[School]] = relationship(back_populates="bestuur")


class School(Base):
    """A school (instelling) known by its BRIN, belonging to one bestuur."""

    __tablename__ = "scholen"
    __table_args__ = (CheckConstraint("sector IN ('po', 'so', 'vo')", name="sector"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brin: Mapped[str] = mapped_column(String(6), unique=True)
    naam: Mapped[str] = mapped_column(String(200))
    bestuur_id: Mapped[int] = mapped_column(ForeignKey("besturen.id"), index=True)
    sector: Mapped[str] = mapped_column(String(2))
    regio: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    bestuur: Mapped[Bestuur] = relationship(back_populates="scholen")


class Contactpersoon(Base):
    """A person at a bestuur or school: the applicant, or the finance contact."""

    __tablename__ = "contactpersonen"

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    telefoon: Mapped[str | None] = mapped_column(String(40))
    rol: Mapped[str] = mapped_column(String(20), default="aanvrager")
    bestuur_id: Mapped[int | None] = mapped_column(ForeignKey("besturen.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("scholen.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Oordeel(Base):
    """An inspection verdict on a bestuur (per BKA standard) or a school, with its date."""

    __tablename__ = "oordelen"
    __table_args__ = (
        CheckConstraint("(bestuur_id IS NULL) <> (school_id IS NULL)", name="one_organisation"),
        CheckConstraint("oordeel IN ('voldoende', 'onvoldoende', 'zeer zwak')", name="oordeel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bestuur_id: Mapped[int | None] = mapped_column(ForeignKey("besturen.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("scholen.id"), index=True)
    #: the standard judged (BKA1, BKA2, BKA3) or None for the overall verdict
    standaard: Mapped[str | None] = mapped_column(String(20))
    oordeel: Mapped[str] = mapped_column(String(20))
    datum: Mapped[date]
    rapport: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Adviseur(Base):
    """An adviseur who supports trajecten (minimal: the matching issue adds the rest)."""

    __tablename__ = "adviseurs"

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Traject(Base):
    """One support traject of one programme for one school (LV) or bestuur (GWGB)."""

    __tablename__ = "trajecten"
    __table_args__ = (
        Index("ix_trajecten_programma_fase", "programma", "fase", "fase_sinds"),
        Index("ix_trajecten_fase_sinds", "fase", "fase_sinds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programma: Mapped[str] = mapped_column(String(20))
    #: the definition version the traject started with; it keeps it until migrated
    definitie_versie: Mapped[int] = mapped_column(Integer)
    bestuur_id: Mapped[int] = mapped_column(ForeignKey("besturen.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("scholen.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contactpersonen.id"))
    fase: Mapped[str] = mapped_column(String(30))
    #: when paused: the phase to return to
    paused_from: Mapped[str | None] = mapped_column(String(30))
    #: when the current phase was entered or resumed (a cache of the last event; reports read
    #: the events, never this column)
    fase_sinds: Mapped[datetime]
    #: werkdagen already spent in the current phase before a pause: the norm's clock stops
    #: while a traject is paused and goes on from here when it resumes
    werkdagen_voor_pauze: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    hulpvraag: Mapped[str | None] = mapped_column(Text)
    risico: Mapped[str | None] = mapped_column(Text)
    adviseur_id: Mapped[int | None] = mapped_column(ForeignKey("adviseurs.id"), index=True)
    adviseur_geaccepteerd: Mapped[bool] = mapped_column(Boolean, default=False)
    #: why it ended (herstelonderzoek voldoende, ...); apart from the phase
    resultaat: Mapped[str | None] = mapped_column(String(40))
    #: a zeer zwak school's herstelonderzoek date: the hard date to work towards
    herstelonderzoek_voor: Mapped[date | None]
    #: the planned kennismaking (issue 3: its invitation goes out with an .ics)
    kennismaking_op: Mapped[datetime | None]
    kennismaking_locatie: Mapped[str | None] = mapped_column(String(200))
    #: test data is kept out of management figures
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    aangemeld_op: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    bestuur: Mapped[Bestuur] = relationship()
    school: Mapped[School | None] = relationship()
    contact: Mapped[Contactpersoon | None] = relationship()
    adviseur: Mapped[Adviseur | None] = relationship()

    # optimistic concurrency: every UPDATE checks and bumps the version
    __mapper_args__ = {"version_id_col": version}

    @property
    def referentie(self) -> str:
        """The reference people quote (in subjects, on the phone): LV-2026-00042."""
        return f"{self.programma.upper()}-{self.aangemeld_op.year}-{self.id:05d}"

    @property
    def organisatie_naam(self) -> str:
        return self.school.naam if self.school is not None else self.bestuur.naam


class TrajectEvent(Base):
    """The append-only history of a traject: every step, who took it, when and why."""

    __tablename__ = "traject_events"
    __table_args__ = (
        UniqueConstraint("traject_id", "seq", name="traject_seq"),
        # with the traject: which trajecten changed after a day is read from the index alone
        Index("ix_traject_events_at_traject", "at", "traject_id"),
        Index("ix_traject_events_to_fase_at", "to_fase", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajecten.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(320))
    trigger: Mapped[str] = mapped_column(String(40))
    from_fase: Mapped[str | None] = mapped_column(String(30))
    to_fase: Mapped[str | None] = mapped_column(String(30))
    reden: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class TrajectNotitie(Base):
    """A free note on a traject by a medewerker or adviseur."""

    __tablename__ = "traject_notities"

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajecten.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(320))
    tekst: Mapped[str] = mapped_column(Text)


class OutboxMessage(Base):
    """A message a step caused, written in the step's own transaction; delivered later."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable across retries, so a receiver can drop a duplicate
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    traject_id: Mapped[int | None] = mapped_column(ForeignKey("trajecten.id"), index=True)
    template: Mapped[str] = mapped_column(String(60))
    to_address: Mapped[str] = mapped_column(String(320))
    to_name: Mapped[str | None] = mapped_column(String(200))
    #: the values the template needs, captured when the step happened
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: pending, sending, sent, failed
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    #: the delivery run that holds this row while its status is 'sending' (issue 3)
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    #: what was sent, kept with the row: the rendered subject and text, the template version
    subject: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    template_version: Mapped[str | None] = mapped_column(String(40))


from casework.db import accounts as _accounts  # noqa: E402,F401  (registers its tables)
from casework.db import finance as _finance  # noqa: E402,F401  (registers its tables)
from casework.db import matching as _matching  # noqa: E402,F401  (registers its tables)
from casework.db import reminders as _reminders  # noqa: E402,F401  (registers its tables)
