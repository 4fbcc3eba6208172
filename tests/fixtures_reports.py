"""A traject history with known answers for the report tests (events written directly).

Every timestamp is exact, so counts, medians, p80 and p95 are known in advance; the expected
figures live next to the tests in tests/integration/test_reports.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, insert

from casework.db import Database
from casework.db.finance import Dagdeel, Tarief
from casework.db.matching import AdviseurProfiel
from casework.db.models import Adviseur, Bestuur, School, Traject, TrajectEvent


def at(day: date | str, hour: int = 9) -> datetime:
    value = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(value.year, value.month, value.day, hour, tzinfo=UTC)


@dataclass
class Geschiedenis:
    """Builds trajecten and their events; `opslaan` writes them in one transaction."""

    trajecten: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    _seq: dict[int, int] = field(default_factory=dict)
    test_id: int = 0

    def traject(
        self, programma: str, aangemeld: datetime, *, is_test: bool = False, naam: str = ""
    ) -> int:
        traject_id = len(self.trajecten) + 1
        self.trajecten.append(
            {
                "id": traject_id,
                "programma": programma,
                "definitie_versie": 1,
                "bestuur_id": 1,
                "school_id": traject_id if programma == "lv" else None,
                "fase": "aanmelding",
                "fase_sinds": aangemeld,
                "werkdagen_voor_pauze": 0,
                "version": 1,
                "is_test": is_test,
                "aangemeld_op": aangemeld,
                "created_at": aangemeld,
                "updated_at": aangemeld,
                "naam": naam or f"School {traject_id}",
            }
        )
        self._seq[traject_id] = 0
        self.event(traject_id, "aanmelden", None, "aanmelding", aangemeld)
        return traject_id

    def event(
        self,
        traject_id: int,
        trigger: str,
        van: str | None,
        naar: str | None,
        when: datetime,
        data: dict[str, Any] | None = None,
    ) -> None:
        self._seq[traject_id] += 1
        self.events.append(
            {
                "traject_id": traject_id,
                "seq": self._seq[traject_id],
                "at": when,
                "actor": "test@example.org",
                "trigger": trigger,
                "from_fase": van,
                "to_fase": naar,
                "reden": None,
                "data": data,
            }
        )
        row = self.trajecten[traject_id - 1]
        if naar is not None:
            row["fase"] = naar
            row["fase_sinds"] = when

    def stap(self, traject_id: int, trigger: str, naar: str, when: datetime) -> None:
        self.event(traject_id, trigger, self.trajecten[traject_id - 1]["fase"], naar, when)

    def opslaan(self, db: Database, resultaten: dict[int, str] | None = None) -> None:
        with db.transaction() as session:
            session.execute(
                insert(Bestuur), [{"id": 1, "bestuursnummer": "41661", "naam": "Stichting Test"}]
            )
            scholen = [
                {
                    "id": row["id"],
                    "brin": f"{row['id']:02d}AB",
                    "naam": row["naam"],
                    "bestuur_id": 1,
                    "sector": "po",
                }
                for row in self.trajecten
                if row["school_id"] is not None
            ]
            if scholen:
                session.execute(insert(School), scholen)
            session.execute(
                insert(Adviseur),
                [
                    {"id": 1, "naam": "Anna Adviseur", "email": "anna@example.org"},
                    {"id": 2, "naam": "Bram Bakker", "email": "bram@example.org"},
                    {"id": 3, "naam": "Cor Vrij", "email": "cor@example.org"},
                ],
            )
            rows = []
            for row in self.trajecten:
                values = {key: value for key, value in row.items() if key != "naam"}
                values["resultaat"] = (resultaten or {}).get(row["id"])
                rows.append(values)
            session.execute(insert(Traject), rows)
            session.execute(insert(TrajectEvent), self.events)

    def geld(self, db: Database) -> None:
        """Capacities, rates and dagdelen with known utilisation and budget (see the test)."""
        with db.transaction() as session:
            session.execute(
                insert(AdviseurProfiel),
                [
                    {"adviseur_id": 1, "dagdelen_per_maand": 10, "max_trajecten": 5},
                    {"adviseur_id": 2, "dagdelen_per_maand": 8, "max_trajecten": 5},
                    {"adviseur_id": 3, "dagdelen_per_maand": 0, "max_trajecten": 0},
                ],
            )
            # our own rates, whatever the migration seeded
            session.execute(delete(Tarief).where(Tarief.jaar == 2026))
            tarief = {"btw_percentage": Decimal("21.00"), "actor": "finance@test", "jaar": 2026}
            session.execute(
                insert(Tarief),
                [
                    tarief
                    | {
                        "programma": "lv",
                        "per_dagdeel": Decimal("571.50"),
                        "school_aandeel": Decimal("0.5000"),
                    },
                    tarief
                    | {
                        "programma": "gwgb",
                        "per_dagdeel": Decimal("600.00"),
                        "school_aandeel": Decimal("0"),
                    },
                ],
            )
            rows = []

            def dagdeel(traject: int, adviseur: int, datum: str, **extra: Any) -> None:
                lv = self.trajecten[traject - 1]["programma"] == "lv"
                rows.append(
                    {
                        "traject_id": traject,
                        "adviseur_id": adviseur,
                        "datum": date.fromisoformat(datum),
                        "deel": extra.pop("deel", "ochtend"),
                        "activiteit": "gesprek",
                        "programma": self.trajecten[traject - 1]["programma"],
                        "school_aandeel": Decimal("0.5") if lv else Decimal(0),
                        "programma_aandeel": Decimal("0.5") if lv else Decimal(1),
                        "actor": "anna@example.org",
                        "vervallen": extra.pop("vervallen", False),
                    }
                )

            for day in ("2026-09-07", "2026-09-08", "2026-09-09"):
                dagdeel(1, 1, day)
                dagdeel(1, 1, day, deel="middag")
            for day in ("2026-10-05", "2026-10-06"):
                dagdeel(1, 1, day)
                dagdeel(1, 1, day, deel="middag")
            dagdeel(1, 1, "2026-10-07", vervallen=True)  # withdrawn: never counts
            dagdeel(1, 1, "2026-08-31")  # before the range
            dagdeel(self.test_id, 1, "2026-09-10")  # test data
            dagdeel(15, 2, "2026-10-12")
            dagdeel(15, 2, "2026-10-12", deel="middag")
            session.execute(insert(Dagdeel), rows)


def bekende_geschiedenis() -> tuple[Geschiedenis, dict[int, str]]:
    """The history the expected figures in test_reports.py are computed from (see there)."""
    g = Geschiedenis()
    start = date(2026, 9, 1)
    for i in range(1, 11):
        aanmeld = at(start + timedelta(days=i - 1))
        t = g.traject("lv", aanmeld, naam=f"Basisschool {i}")
        intake = aanmeld + timedelta(days=i)
        g.stap(t, "start_intake", "intake", intake)
        if i == 5:  # a fact event in the middle changes no phase
            g.event(t, "gegevens_gewijzigd", "intake", "intake", intake + timedelta(hours=5))
        if i >= 9:
            g.stap(t, "afwijzen", "afgewezen", intake + timedelta(days=2))
            continue
        matching = intake + timedelta(days=2)
        g.stap(t, "naar_matching", "matching", matching)
        if i == 1:  # a proposal not (yet) accepted is no confirmed match
            g.event(
                t,
                "adviseur_gekoppeld",
                "matching",
                "matching",
                matching + timedelta(hours=6),
                {"adviseur": "anna@example.org", "geaccepteerd": False},
            )
        g.event(
            t,
            "adviseur_gekoppeld",
            "matching",
            "matching",
            matching + timedelta(hours=12 * i),
            {"adviseur": "anna@example.org", "geaccepteerd": True},
        )
        g.stap(t, "naar_kennismaking", "kennismaking", matching + timedelta(days=i))
        if i == 1:
            g.stap(t, "naar_plan", "plan", at("2026-10-05"))
            g.stap(t, "naar_uitvoering", "uitvoering", at("2026-10-10"))
            g.stap(t, "afronden", "afgerond", at("2026-10-20"))
        elif i == 2:
            g.stap(t, "stoppen", "gestopt", at("2026-10-12"))
        elif i == 3:
            g.stap(t, "naar_plan", "plan", at("2026-10-06"))
    t11 = g.traject("lv", at("2026-10-01"), naam="De Oudste Aanmelding")
    g.traject("lv", at("2026-10-20"), naam="Verse Aanmelding")
    t13 = g.traject("lv", at("2026-09-15"), naam="Gepauzeerde School")
    g.stap(t13, "start_intake", "intake", at("2026-09-26"))
    g.stap(t13, "pauzeren", "gepauzeerd", at("2026-09-28"))
    g.stap(t13, "hervat", "intake", at("2026-10-26"))
    t14 = g.traject("lv", at("2026-08-20"), naam="Langste Intake")
    g.stap(t14, "start_intake", "intake", at("2026-08-25"))
    g1 = g.traject("gwgb", at("2026-10-02"), naam="")
    g.stap(g1, "start_intake", "intake", at("2026-10-05"))
    g.stap(g1, "afwijzen", "afgewezen", at("2026-10-09"))
    g.traject("gwgb", at("2026-10-15"))
    # test data never counts
    x = g.traject("lv", at("2026-09-05"), is_test=True)
    g.stap(x, "start_intake", "intake", at("2026-09-06"))
    g.stap(x, "afwijzen", "afgewezen", at("2026-09-10"))
    assert t11 == 11 and t14 == 14
    g.test_id = x
    return g, {1: "herstelonderzoek voldoende"}


@pytest.fixture
def rapport_geschiedenis(db: Database) -> Iterator[Database]:
    """The known history written into the test database."""
    g, resultaten = bekende_geschiedenis()
    g.opslaan(db, resultaten)
    g.geld(db)
    yield db
