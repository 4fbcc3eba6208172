"""Finance tables: dagdelen, rates, budget blocks, invoices, their lines and numbering.

Money is `Numeric(12, 2)`; shares and rates are exact decimals too. An invoice line freezes the
rate and share it was made with, so a later rate change never alters an existing invoice.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from casework.db.base import Base, utcnow

DEELLEN = ("ochtend", "middag")
FACTUUR_STATUSSEN = ("concept", "goedgekeurd", "verzonden", "betaald", "gecrediteerd")

Money = Numeric(12, 2)
Fraction = Numeric(5, 4)
Percentage = Numeric(5, 2)


class Tarief(Base):
    """The rate of one programme in one year: full price per dagdeel, the school's share, btw."""

    __tablename__ = "tarieven"
    __table_args__ = (UniqueConstraint("programma", "jaar", name="uq_tarieven_programma_jaar"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programma: Mapped[str] = mapped_column(String(20))
    jaar: Mapped[int] = mapped_column(Integer)
    per_dagdeel: Mapped[Decimal] = mapped_column(Money)
    school_aandeel: Mapped[Decimal] = mapped_column(Fraction)
    btw_percentage: Mapped[Decimal] = mapped_column(Percentage)
    actor: Mapped[str] = mapped_column(String(320))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class BudgetBlok(Base):
    """An extra block of dagdelen granted to a traject, with the reason it was granted."""

    __tablename__ = "budget_blokken"
    __table_args__ = (
        UniqueConstraint("traject_id", "nummer", name="uq_budget_blokken_traject_nummer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajecten.id"), index=True)
    #: 2 for the second block (the first block comes with every traject)
    nummer: Mapped[int] = mapped_column(Integer)
    reden: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Dagdeel(Base):
    """Half a day of adviseur work on a traject. Never edited: a correction replaces it."""

    __tablename__ = "dagdelen"
    __table_args__ = (
        CheckConstraint("deel IN ('ochtend', 'middag')", name="deel"),
        # one adviseur, one half-day: only among dagdelen that still count
        Index(
            "uq_dagdelen_adviseur_slot",
            "adviseur_id",
            "datum",
            "deel",
            unique=True,
            sqlite_where=text("vervallen = 0"),
            postgresql_where=text("NOT vervallen"),
        ),
        Index("ix_dagdelen_traject", "traject_id", "vervallen"),
        Index("ix_dagdelen_datum", "datum"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajecten.id"))
    adviseur_id: Mapped[int] = mapped_column(ForeignKey("adviseurs.id"))
    datum: Mapped[date]
    deel: Mapped[str] = mapped_column(String(7))
    activiteit: Mapped[str] = mapped_column(String(60))
    notitie: Mapped[str | None] = mapped_column(Text)
    #: the programme and its split when the dagdeel was registered
    programma: Mapped[str] = mapped_column(String(20))
    school_aandeel: Mapped[Decimal] = mapped_column(Fraction)
    programma_aandeel: Mapped[Decimal] = mapped_column(Fraction)
    #: replaced by a correction (or withdrawn): no longer counts, no longer invoiced
    vervallen: Mapped[bool] = mapped_column(Boolean, default=False)
    vervangt_id: Mapped[int | None] = mapped_column(ForeignKey("dagdelen.id"))
    correctie_reden: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Factuuradres(Base):
    """Billing details of a school or bestuur: address and identifiers for the e-invoice."""

    __tablename__ = "factuuradressen"
    __table_args__ = (
        CheckConstraint("(bestuur_id IS NULL) <> (school_id IS NULL)", name="one_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bestuur_id: Mapped[int | None] = mapped_column(ForeignKey("besturen.id"), unique=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("scholen.id"), unique=True)
    tenaamstelling: Mapped[str] = mapped_column(String(200))
    straat: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    plaats: Mapped[str] = mapped_column(String(100))
    land: Mapped[str] = mapped_column(String(2), default="NL")
    kvk: Mapped[str | None] = mapped_column(String(8))
    #: the Dutch government's organisation id (OIN), the e-invoice address of public bodies
    oin: Mapped[str | None] = mapped_column(String(20))
    btw_id: Mapped[str | None] = mapped_column(String(20))
    #: the school's order or budget reference, quoted on the invoice (BT-10)
    referentie: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Factuur(Base):
    """An invoice or credit note to one school. Frozen once approved."""

    __tablename__ = "facturen"
    __table_args__ = (
        CheckConstraint(
            "status IN ('concept', 'goedgekeurd', 'verzonden', 'betaald', 'gecrediteerd')",
            name="status",
        ),
        CheckConstraint("soort IN ('factuur', 'creditnota')", name="soort"),
        Index("ix_facturen_status", "status"),
        Index("ix_facturen_periode", "periode", "programma"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: LV-2026-0001, given on approval from the gapless counter of the programme and year
    nummer: Mapped[str | None] = mapped_column(String(20), unique=True)
    soort: Mapped[str] = mapped_column(String(10), default="factuur")
    status: Mapped[str] = mapped_column(String(12), default="concept")
    programma: Mapped[str] = mapped_column(String(20))
    #: the run's period, YYYY-MM
    periode: Mapped[str] = mapped_column(String(7))
    school_id: Mapped[int] = mapped_column(ForeignKey("scholen.id"), index=True)
    bestuur_id: Mapped[int] = mapped_column(ForeignKey("besturen.id"))
    credit_voor_id: Mapped[int | None] = mapped_column(ForeignKey("facturen.id"))
    bedrag_excl: Mapped[Decimal] = mapped_column(Money)
    btw_bedrag: Mapped[Decimal] = mapped_column(Money)
    bedrag_incl: Mapped[Decimal] = mapped_column(Money)
    factuurdatum: Mapped[date | None]
    vervaldatum: Mapped[date | None]
    #: the parties as they were on approval (name, address, identifiers): the record keeps them
    klant: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    leverancier: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reden: Mapped[str | None] = mapped_column(Text)
    goedgekeurd_door: Mapped[str | None] = mapped_column(String(320))
    verzonden_op: Mapped[datetime | None]
    verzonden_aan: Mapped[str | None] = mapped_column(String(320))
    betaald_op: Mapped[date | None]
    actor: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FactuurRegel(Base):
    """One dagdeel on an invoice, with the rate and share used (frozen)."""

    __tablename__ = "factuur_regels"

    id: Mapped[int] = mapped_column(primary_key=True)
    factuur_id: Mapped[int] = mapped_column(ForeignKey("facturen.id"), index=True)
    #: an invoice line: a dagdeel is on at most one invoice, ever
    dagdeel_id: Mapped[int | None] = mapped_column(ForeignKey("dagdelen.id"), unique=True)
    #: a credit-note line: the dagdeel it credits (may repeat across credit notes)
    credit_dagdeel_id: Mapped[int | None] = mapped_column(ForeignKey("dagdelen.id"), index=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajecten.id"))
    datum: Mapped[date]
    omschrijving: Mapped[str] = mapped_column(String(300))
    aantal: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    tarief: Mapped[Decimal] = mapped_column(Money)
    aandeel: Mapped[Decimal] = mapped_column(Fraction)
    prijs: Mapped[Decimal] = mapped_column(Money)
    bedrag: Mapped[Decimal] = mapped_column(Money)
    btw_percentage: Mapped[Decimal] = mapped_column(Percentage)


class FactuurTeller(Base):
    """The last number given per programme and year; approving locks and bumps this row."""

    __tablename__ = "factuur_tellers"

    programma: Mapped[str] = mapped_column(String(20), primary_key=True)
    jaar: Mapped[int] = mapped_column(Integer, primary_key=True)
    laatste: Mapped[int] = mapped_column(Integer, default=0)
