"""Demo data at scale (`casework demo-data --scale national`): years of trajecten, fast.

The small demo (demo.py) walks every step through the services. At national scale that would
take hours, so this module writes the same rows in bulk: besturen, scholen, adviseurs with their
matching profile, and per traject the contactpersoon, the oordeel, the traject row, its themes,
its dated adviseur role and every history event exactly as `aanmelden`, `advance`,
`matching.confirm` and `matching.accept` write them (same triggers, seq, from/to, data), so
`casework verify` replays every history. Steps follow the programme definition; the plan of each
traject is checked against the state machine before it is written.

Two choices where the services would do more: no outbox rows are written for history (years-old
mail must never go out when a delivery run starts), and the ids are assigned here (offset by
what is already in the tables) so one bulk insert per table suffices.

Deterministic: the same seed and the same `tot` (default: today 00:00 UTC) give the same rows.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from casework.db import Database
from casework.db.matching import (
    AdviseurExpertise,
    AdviseurProfiel,
    AdviseurSector,
    AdviseurToewijzing,
    TrajectThema,
)
from casework.db.models import (
    Adviseur,
    Bestuur,
    Contactpersoon,
    Oordeel,
    School,
    Traject,
    TrajectEvent,
)
from casework.errors import InvalidInput
from casework.matching.themas import THEMAS
from casework.services import demo_traject
from casework.services.demo import (
    PLAATSEN,
    REGIO,
    SCHOOLNAMEN,
    VO_NAMEN,
)


@dataclass(frozen=True)
class Schaal:
    besturen: int
    scholen_per_bestuur: float
    adviseurs: int
    jaren: int
    trajecten_per_jaar: int


#: national: every Dutch bestuur and school in number; small: for tests and quick looks
SCHALEN = {
    "small": Schaal(
        besturen=20, scholen_per_bestuur=7, adviseurs=10, jaren=2, trajecten_per_jaar=40
    ),
    "medium": Schaal(
        besturen=200, scholen_per_bestuur=7, adviseurs=60, jaren=5, trajecten_per_jaar=300
    ),
    "national": Schaal(
        besturen=1000, scholen_per_bestuur=7, adviseurs=300, jaren=10, trajecten_per_jaar=1500
    ),
}

CHUNK = 5000


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


class _Writer:
    """Collects rows per table and inserts them in chunks (one executemany per chunk)."""

    def __init__(self, db: Database, tick: Callable[[int], None]) -> None:
        self.db = db
        self.rows: dict[Any, list[dict[str, Any]]] = {}
        self.tick = tick

    def add(self, model: Any, row: dict[str, Any]) -> None:
        self.rows.setdefault(model, []).append(row)

    def flush(self, order: list[Any]) -> None:
        with self.db.transaction() as session:
            for model in order:
                rows = self.rows.pop(model, [])
                for start in range(0, len(rows), CHUNK):
                    session.execute(insert(_table(model)), rows[start : start + CHUNK])


def _next_ids(db: Database) -> dict[Any, int]:
    with db.read() as session:
        return {
            model: int(session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1
            for model in (Bestuur, School, Adviseur, Contactpersoon, Oordeel, Traject)
        } | {
            TrajectEvent: int(
                session.scalar(select(func.coalesce(func.max(TrajectEvent.id), 0))) or 0
            )
            + 1,
            AdviseurToewijzing: int(
                session.scalar(select(func.coalesce(func.max(AdviseurToewijzing.id), 0))) or 0
            )
            + 1,
        }


def _fix_sequences(db: Database) -> None:
    """PostgreSQL: explicit ids do not move the sequences; set them past the new rows."""
    if db.engine.dialect.name != "postgresql":
        return
    models = (Bestuur, School, Adviseur, Contactpersoon, Oordeel, Traject, TrajectEvent)
    with db.transaction() as session:
        for model in (*models, AdviseurToewijzing):
            name = _table(model).name
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
                )
            )


def generate_scale(
    db: Database,
    *,
    scale: str = "national",
    seed: int = 2026,
    tot: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    actor: str = "demo",
) -> dict[str, int]:
    """Generate a population at the named scale in bulk; returns what was made."""
    if scale not in SCHALEN:
        raise InvalidInput(f"Onbekende schaal {scale!r}: kies uit {', '.join(SCHALEN)}.")
    s = SCHALEN[scale]
    anchor = tot or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(seed)
    ids = _next_ids(db)
    with db.read() as session:
        taken_nr = set(session.scalars(select(Bestuur.bestuursnummer)))
        taken_brin = set(session.scalars(select(School.brin)))
        taken_mail = set(session.scalars(select(Adviseur.email)))
    total = s.besturen + s.adviseurs + s.jaren * s.trajecten_per_jaar
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(min(done, total), total)

    writer = _Writer(db, tick)
    made = {"besturen": 0, "scholen": 0, "adviseurs": 0, "trajecten": 0, "stappen": 0}
    start_of_data = anchor - timedelta(days=365 * s.jaren)

    # -- organisations ----------------------------------------------------------------------
    scholen: list[tuple[int, str, int, str]] = []  # (school id, sector, bestuur id, regio)
    besturen: list[tuple[int, str, str]] = []  # (bestuur id, sector group, regio)
    for index in range(s.besturen):
        nummer = f"{rng.randint(10000, 99999)}"
        while nummer in taken_nr:
            nummer = f"{rng.randint(10000, 99999)}"
        taken_nr.add(nummer)
        plaats = rng.choice(PLAATSEN)
        is_po = index % 3 != 2
        bestuur_id = ids[Bestuur] + index
        writer.add(
            Bestuur,
            {
                "id": bestuur_id,
                "bestuursnummer": nummer,
                "naam": f"Stichting {'Primair' if is_po else 'Voortgezet'} Onderwijs {plaats} "
                f"{index + 1}",
                "regio": REGIO[plaats],
                "created_at": start_of_data,
            },
        )
        besturen.append((bestuur_id, "po" if is_po else "vo", REGIO[plaats]))
        made["besturen"] += 1
        for _ in range(max(1, round(rng.expovariate(1 / s.scholen_per_bestuur)))):
            brin = f"{rng.randint(0, 99):02d}" + "".join(rng.choices(string.ascii_uppercase, k=2))
            while brin in taken_brin:
                brin = f"{rng.randint(0, 99):02d}" + "".join(
                    rng.choices(string.ascii_uppercase, k=2)
                )
            taken_brin.add(brin)
            sector = rng.choice(["po", "po", "po", "so"]) if is_po else "vo"
            school_id = ids[School] + len(scholen)
            naam = (
                f"{plaats} {rng.choice(VO_NAMEN)}"
                if sector == "vo"
                else f"{'OBS' if sector == 'po' else 'SO'} {rng.choice(SCHOOLNAMEN)}"
            )
            writer.add(
                School,
                {
                    "id": school_id,
                    "brin": brin,
                    "naam": naam,
                    "bestuur_id": bestuur_id,
                    "sector": sector,
                    "regio": REGIO[plaats],
                    "created_at": start_of_data,
                },
            )
            scholen.append((school_id, sector, bestuur_id, REGIO[plaats]))
            made["scholen"] += 1
    tick(s.besturen)

    adviseurs: list[tuple[int, str]] = []
    for index in range(s.adviseurs):
        naam = demo_traject.naam(rng)
        email = demo_traject.mail(naam, "adviseurs.example.nl", index)
        if email in taken_mail:
            continue
        adviseur_id = ids[Adviseur] + len(adviseurs)
        writer.add(
            Adviseur,
            {
                "id": adviseur_id,
                "naam": naam,
                "email": email,
                "actief": True,
                "created_at": start_of_data,
            },
        )
        writer.add(
            AdviseurProfiel,
            {
                "adviseur_id": adviseur_id,
                "regio": rng.choice(["noord", "midden", "zuid"]),
                "dagdelen_per_maand": rng.choice([12, 16, 20]),
                "max_trajecten": rng.randint(5, 8),
                "updated_at": start_of_data,
            },
        )
        for sector in [["po", "so", "vo"], ["po", "so"], ["po", "vo"]][index % 3]:
            writer.add(AdviseurSector, {"adviseur_id": adviseur_id, "sector": sector})
        for thema in rng.sample(sorted(THEMAS), rng.randint(2, 3)):
            writer.add(AdviseurExpertise, {"adviseur_id": adviseur_id, "thema": thema})
        adviseurs.append((adviseur_id, email))
        made["adviseurs"] += 1
    tick(s.adviseurs)
    writer.flush([Bestuur, School, Adviseur, AdviseurProfiel, AdviseurSector, AdviseurExpertise])

    # -- trajecten, a year at a time -------------------------------------------------------
    plan = demo_traject.Planner(rng, anchor, actor, adviseurs)
    for jaar in range(s.jaren):
        for _ in range(s.trajecten_per_jaar):
            if rng.random() < 0.2:
                bestuur_id, group, _regio = rng.choice(besturen)
                if group != "po":
                    bestuur_id, group, _regio = besturen[0]
                plan.traject(writer, ids, "gwgb", bestuur_id, None, jaar, s.jaren)
            else:
                school_id, _sector, bestuur_id, _regio = rng.choice(scholen)
                plan.traject(writer, ids, "lv", bestuur_id, school_id, jaar, s.jaren)
            made["trajecten"] += 1
        writer.flush(
            [Contactpersoon, Oordeel, Traject, TrajectThema, AdviseurToewijzing, TrajectEvent]
        )
        tick(s.trajecten_per_jaar)
    made["stappen"] = plan.events
    _fix_sequences(db)
    if progress:
        progress(total, total)
    return made
