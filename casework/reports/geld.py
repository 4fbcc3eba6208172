"""Adviseur utilisation and budget burn, once the matching and finance tables exist."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from casework.reports.model import Benutting, Budget


def cijfers(
    session: Session, bereik: Any, van: date, tot: date
) -> tuple[list[Benutting] | None, list[Budget] | None, list[str]]:
    """Utilisation per adviseur and budget per programme; None with a note when not available."""
    opmerkingen = []
    benutting: list[Benutting] | None = None
    budget: list[Budget] | None = None
    opmerkingen.append(
        "Benutting van adviseurs: nog niet beschikbaar (de capaciteit en de gewerkte dagdelen "
        "worden nog niet vastgelegd)."
    )
    opmerkingen.append(
        "Budgetverbruik: nog niet beschikbaar (dagdelen worden nog niet vastgelegd)."
    )
    return benutting, budget, opmerkingen
