"""Accounts of the web app: users with a role, their failed logins and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.db.base import Base, utcnow

ROLLEN = ("medewerker", "adviseur", "finance", "management", "beheerder")


class Gebruiker(Base):
    """A person who logs in to the web app, with exactly one role."""

    __tablename__ = "gebruikers"
    __table_args__ = (
        CheckConstraint(
            "rol IN ('medewerker', 'adviseur', 'finance', 'management', 'beheerder')", name="rol"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-case, so logging in is case-insensitive
    email: Mapped[str] = mapped_column(String(320), unique=True)
    rol: Mapped[str] = mapped_column(String(20))
    wachtwoord_hash: Mapped[str] = mapped_column(String(255))
    #: an adviseur's own adviseurs row (found by email when the account is made)
    adviseur_id: Mapped[int | None] = mapped_column(ForeignKey("adviseurs.id"), index=True)
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    #: failed logins in the current window; reaching the limit locks the account for a while
    mislukte_pogingen: Mapped[int] = mapped_column(Integer, default=0)
    eerste_mislukking: Mapped[datetime | None]
    geblokkeerd_tot: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruikers.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    laatst_gebruikt: Mapped[datetime | None]
    ingetrokken: Mapped[bool] = mapped_column(Boolean, default=False)
