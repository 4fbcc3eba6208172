"""Fixtures for tests about trajecten: a small set of organisations and row counts per table.

Registered in tests/conftest.py (`pytest_plugins`), so any test may ask for `organisaties`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from casework.db import Database
from casework.db.models import Bestuur, School
from casework.services import adviseurs, trajecten
from casework.services import organisaties as organisatie_service
from casework.services.organisaties import record_oordeel
from casework.services.trajecten import TrajectRead

ACTOR = "medewerker@test"


@dataclass(frozen=True)
class Organisaties:
    """Besturen 41234 (its school 12AB po, 23BC vo) and 52345 (school 34CD so), an adviseur."""

    bestuur: str = "41234"
    school_po: str = "12AB"
    school_vo: str = "23BC"
    bestuur_zonder_oordeel: str = "52345"
    school_so: str = "34CD"
    adviseur: str = "anna@adviseurs.nl"


@pytest.fixture
def organisaties(db: Database) -> Organisaties:
    org = Organisaties()
    organisatie_service.add_bestuur(db, nummer=org.bestuur, naam="Stichting Voorbeeld")
    organisatie_service.add_school(
        db, brin=org.school_po, naam="De Regenboog", bestuur=org.bestuur, sector="po"
    )
    organisatie_service.add_school(
        db, brin=org.school_vo, naam="Het Lyceum", bestuur=org.bestuur, sector="vo"
    )
    organisatie_service.add_bestuur(db, nummer=org.bestuur_zonder_oordeel, naam="Stichting Elders")
    organisatie_service.add_school(
        db, brin=org.school_so, naam="De Brug", bestuur=org.bestuur_zonder_oordeel, sector="so"
    )
    adviseurs.add_adviseur(db, naam="Anna de Boer", email=org.adviseur)
    return org


def school_oordeel(db: Database, brin: str, oordeel: str) -> None:
    """Record an inspection verdict on a school (test set-up, outside any traject)."""
    with db.transaction() as session:
        school = session.scalar(sa.select(School).where(School.brin == brin))
        assert school is not None
        record_oordeel(session, oordeel=oordeel, school=school)


def bestuur_oordeel(db: Database, nummer: str, oordeel: str) -> None:
    with db.transaction() as session:
        bestuur = session.scalar(sa.select(Bestuur).where(Bestuur.bestuursnummer == nummer))
        assert bestuur is not None
        record_oordeel(session, oordeel=oordeel, bestuur=bestuur)


def lv_traject(db: Database, org: Organisaties, **changes: object) -> TrajectRead:
    facts: dict[str, object] = {
        "programma": "lv",
        "school": org.school_po,
        "oordeel": "onvoldoende",
        "hulpvraag": "Hulp bij kwaliteitszorg",
        "contact_naam": "Jan Jansen",
        "contact_email": "jan@regenboog.nl",
        "actor": ACTOR,
    }
    facts.update(changes)
    return trajecten.aanmelden(db, **facts)  # type: ignore[arg-type]


def gwgb_traject(db: Database, org: Organisaties, **changes: object) -> TrajectRead:
    facts: dict[str, object] = {
        "programma": "gwgb",
        "bestuur": org.bestuur,
        "oordeel": "onvoldoende",
        "hulpvraag": "Versterken van de kwaliteitszorg van het bestuur",
        "contact_naam": "Els de Wit",
        "contact_email": "els@voorbeeld.nl",
        "actor": ACTOR,
    }
    facts.update(changes)
    return trajecten.aanmelden(db, **facts)  # type: ignore[arg-type]


def row_counts(db: Database) -> dict[str, int]:
    """Rows in every table of the database (whoever added the table)."""
    names = sa.inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        return {
            name: int(conn.execute(sa.text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one())
            for name in names
        }
