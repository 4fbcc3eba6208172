"""Reminders already sent: one row per (traject, kind, key), so two schedulers never double work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.db.base import Base, utcnow


class VerstuurdeHerinnering(Base):
    """A reminder that was queued in the outbox.

    `soort` is "fase_norm" (a phase past its norm) or "moment:<name>" (a yearly moment);
    `sleutel` makes it once-only: the event seq that entered the phase (a re-entry is a new
    record, a pause and resume is not), or the year of the moment.
    """

    __tablename__ = "verstuurde_herinneringen"
    __table_args__ = (
        UniqueConstraint("traject_id", "soort", "sleutel", name="herinnering_eenmalig"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("trajecten.id"), index=True)
    soort: Mapped[str] = mapped_column(String(60))
    sleutel: Mapped[str] = mapped_column(String(60))
    fase: Mapped[str] = mapped_column(String(30))
    outbox_message_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
