"""Fixtures for finance tests: trajecten in a working phase, with an adviseur and a billing address.

Rows are written directly (the phase steps are tested elsewhere); `finance` hands out a helper.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from casework.db import Database
from casework.db.models import Adviseur, Bestuur, School, Traject
from casework.services import tarieven

_counter = itertools.count(1)


def _brin(n: int) -> str:
    # two digits + two letters, unique per call
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return f"{n % 100:02d}{letters[(n // 100) % 26]}{letters[(n // 2600) % 26]}"


@dataclass
class FinanceData:
    db: Database
    adviseurs: dict[str, int] = field(default_factory=dict)

    def adviseur(self, email: str = "anna@advies.nl") -> int:
        if email not in self.adviseurs:
            with self.db.transaction() as session:
                row = Adviseur(naam=email.split("@")[0].title(), email=email)
                session.add(row)
                session.flush()
                self.adviseurs[email] = row.id
        return self.adviseurs[email]

    def traject(
        self,
        programma: str = "lv",
        fase: str = "uitvoering",
        adviseur: str = "anna@advies.nl",
        adres: bool = True,
    ) -> int:
        """A traject of a fresh school (and bestuur) in `fase`, with the given adviseur."""
        adviseur_id = self.adviseur(adviseur)
        n = next(_counter)
        with self.db.transaction() as session:
            bestuur = Bestuur(bestuursnummer=f"{40000 + n:05d}", naam=f"Stichting Test {n}")
            session.add(bestuur)
            session.flush()
            school = School(
                brin=_brin(n), naam=f"Basisschool De Test {n}", bestuur_id=bestuur.id, sector="po"
            )
            session.add(school)
            session.flush()
            traject = Traject(
                programma=programma,
                definitie_versie=1,
                bestuur_id=bestuur.id,
                school_id=school.id if programma == "lv" else None,
                fase=fase,
                fase_sinds=datetime.now(UTC),
                adviseur_id=adviseur_id,
                adviseur_geaccepteerd=True,
                aangemeld_op=datetime(2026, 9, 1, tzinfo=UTC),
            )
            session.add(traject)
            session.flush()
            traject_id, brin, nummer = traject.id, school.brin, bestuur.bestuursnummer
        if adres:
            tarieven.set_adres(
                self.db,
                school=brin if programma == "lv" else None,
                bestuur=None if programma == "lv" else nummer,
                straat="Schoolstraat 12",
                postcode="1234 AB",
                plaats="Amersfoort",
                kvk="41234567",
                referentie="PO-2026-17",
                email=f"administratie{n}@school.nl",
                contact_naam="Mw. Financieel",
            )
        return traject_id


@pytest.fixture
def finance(db: Database) -> FinanceData:
    return FinanceData(db)
