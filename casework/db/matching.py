"""Tables of adviseur matching: profiles, absences, conflicts, themes, proposals, assignments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from casework.db.base import Base, utcnow


class AdviseurProfiel(Base):
    """What matching needs to know of an adviseur besides name and email: region and capacity."""

    __tablename__ = "adviseur_profielen"

    adviseur_id: Mapped[int] = mapped_column(ForeignKey("adviseurs.id"), primary_key=True)
    regio: Mapped[str | None] = mapped_column(String(40))
    #: capacity in dagdelen per month
    dagdelen_per_maand: Mapped[int] = mapped_column(Integer, default=0)
    max_trajecten: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AdviseurSector(Base):
    __tablename__ = "adviseur_sectoren"
    __table_args__ = (CheckConstraint("sector IN ('po', 'so', 'vo')", name="sector"),)

    adviseur_id: Mapped[int] = mapped_column(ForeignKey("adviseurs.id"), primary_key=True)
    sector: Mapped[str] = mapped_column(String(2), primary_key=True)


class AdviseurExpertise(Base):
    __tablename__ = "adviseur_expertise"

    adviseur_id: Mapped[int] = mapped_column(ForeignKey("adviseurs.id"), primary_key=True)
    thema: Mapped[str] = mapped_column(String(40), primary_key=True)


class AdviseurAfwezigheid(Base):
    """A period (inclusive) in which the adviseur takes no new traject."""

    __tablename__ = "adviseur_afwezigheid"
    __table_args__ = (CheckConstraint("tot >= van", name="periode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    adviseur_id: Mapped[int] = mapped_column(ForeignKey("adviseurs.id"), index=True)
    van: Mapped[date]
    tot: Mapped[date]
    reden: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AdviseurConflict(Base):
    """A bestuur or school the adviseur may not work for (a conflict of interest)."""

    __tablename__ = "adviseur_conflicten"
    __table_args__ = (
        CheckConstraint("(bestuur_id IS NULL) <> (school_id IS NULL)", name="one_organisation"),
        UniqueConstraint("adviseur_id", "bestuur_id", "school_id", name="adviseur_conflict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    adviseur_id: Mapped[int] = mapped_column(ForeignKey("adviseurs.id"), index=True)
    bestuur_id: Mapped[int | None] = mapped_column(ForeignKey("besturen.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("scholen.id"))
    reden: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrajectThema(Base):
    """A theme of the traject's support question, recorded at intake."""

    __tablename__ = "traject_themas"

    traject_id: Mapped[int] = mapped_column(ForeignKey("trajecten.id"), primary_key=True)
    thema: Mapped[str] = mapped_column(String(40), primary_key=True)


class MatchVoorstel(Base):
    """One proposal of one matching run for one waiting traject, with its explanation."""

    __tablename__ = "match_voorstellen"
    __table_args__ = (Index("ix_match_voorstellen_traject_status", "traject_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the run that made it (all proposals of one run share it)
    ronde: Mapped[str] = mapped_column(String(40), index=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajecten.id"))
    #: None: no admissible adviseur (see reden)
    adviseur_id: Mapped[int | None] = mapped_column(ForeignKey("adviseurs.id"))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    onderdelen: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    alternatieven: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reden: Mapped[str | None] = mapped_column(Text)
    #: open, bevestigd (confirmed by a medewerker), vervallen (superseded by a newer run)
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    bevestigd_door: Mapped[str | None] = mapped_column(String(320))
    bevestigd_op: Mapped[datetime | None]


class MatchUitsluiting(Base):
    """An adviseur who declined a traject is not proposed for it again."""

    __tablename__ = "match_uitsluitingen"
    __table_args__ = (UniqueConstraint("traject_id", "adviseur_id", name="traject_adviseur"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajecten.id"), index=True)
    adviseur_id: Mapped[int] = mapped_column(ForeignKey("adviseurs.id"))
    reden: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AdviseurToewijzing(Base):
    """Who held the adviseur role on a traject, and when (roles with dates).

    `van` is when the assignment was confirmed; `geaccepteerd_op` when the adviseur accepted;
    `tot` when the role ended (declined, replaced, or the traject ended).
    """

    __tablename__ = "adviseur_toewijzingen"
    __table_args__ = (Index("ix_adviseur_toewijzingen_traject_tot", "traject_id", "tot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajecten.id"))
    adviseur_id: Mapped[int] = mapped_column(ForeignKey("adviseurs.id"), index=True)
    #: voorgesteld, geaccepteerd, afgewezen, vervangen
    status: Mapped[str] = mapped_column(String(12), default="voorgesteld")
    van: Mapped[datetime] = mapped_column(default=utcnow)
    geaccepteerd_op: Mapped[datetime | None]
    tot: Mapped[datetime | None]
    door: Mapped[str] = mapped_column(String(320))
    reden: Mapped[str | None] = mapped_column(Text)
