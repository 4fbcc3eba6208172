"""One soak worker process: a medewerker or an adviseur at work for one simulated month.

    python -m tests.e2e.soak_worker ROLE SEED YYYY-MM ACTIONS FIRST_ID BRINS

Runs against CASEWORK_DATABASE_URL (a schema-bound PostgreSQL URL) through the services, as the
web and CLI do: refusals and lost races (ConcurrentChange) are part of the day and counted.
`FIRST_ID`: the soak's own trajecten have ids from here on. Prints its counts as JSON.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from casework import bootstrap
from casework.db.models import Adviseur, Traject
from casework.errors import ConcurrentChange, StepNotAllowed
from casework.services import dagdelen, trajecten

#: the phase a medewerker moves a soak traject on to
NEXT = {
    "aanmelding": "intake",
    "intake": "matching",
    "matching": "kennismaking",
    "kennismaking": "plan",
    "plan": "uitvoering",
    "uitvoering": "afgerond",
}


def _moment(rng: random.Random, year: int, month: int) -> datetime:
    return datetime(year, month, rng.randint(1, 28), rng.randint(8, 17), tzinfo=UTC) + timedelta(
        minutes=rng.randint(0, 59)
    )


def medewerker(
    rng: random.Random, year: int, month: int, actions: int, first: int, brins: list[str]
) -> dict[str, int]:
    db = bootstrap.database()
    counts = {"aanmeldingen": 0, "stappen": 0, "koppelingen": 0, "geweigerd": 0, "verloren": 0}
    actor = f"medewerker{rng.randint(1, 3)}@soak.nl"
    with db.read() as session:
        emails = list(session.scalars(sa.select(Adviseur.email).order_by(Adviseur.id)))
    for _ in range(actions):
        try:
            if rng.random() < 0.3:
                trajecten.aanmelden(
                    db,
                    programma="lv",
                    school=rng.choice(brins),
                    oordeel="onvoldoende",
                    hulpvraag="Hulp bij de kwaliteitszorg na het inspectierapport.",
                    contact_naam="Sanne Visser",
                    contact_email=f"contact{rng.randint(1, 999)}@school.example.nl",
                    actor=actor,
                    at=_moment(rng, year, month),
                )
                counts["aanmeldingen"] += 1
                continue
            with db.read() as session:
                open_ids = list(
                    session.scalars(
                        sa.select(Traject.id).where(
                            Traject.id >= first, Traject.fase.in_(list(NEXT))
                        )
                    )
                )
            if not open_ids:
                continue
            traject = trajecten.show(db, traject_id=rng.choice(open_ids))
            if traject.fase == "matching" and not traject.adviseur:
                trajecten.koppel(
                    db,
                    traject_id=traject.id,
                    adviseur=rng.choice(emails),
                    actor=actor,
                    expected_version=traject.version,
                )
                counts["koppelingen"] += 1
                continue
            trajecten.advance(
                db,
                traject_id=traject.id,
                fase=NEXT[traject.fase],
                actor=actor,
                expected_version=traject.version,
                at=_moment(rng, year, month),
            )
            counts["stappen"] += 1
        except ConcurrentChange:
            counts["verloren"] += 1
        except StepNotAllowed:
            counts["geweigerd"] += 1
    return counts


def adviseur(rng: random.Random, year: int, month: int, actions: int, first: int) -> dict[str, int]:
    db = bootstrap.database()
    counts = {"dagdelen": 0, "geweigerd": 0, "verloren": 0}
    for _ in range(actions):
        with db.read() as session:
            rows = session.execute(
                sa.select(Traject.id, Adviseur.email)
                .join(Adviseur, Adviseur.id == Traject.adviseur_id)
                .where(Traject.id >= first, Traject.fase.in_(dagdelen.WERKFASEN))
            ).all()
        if not rows:
            break
        traject_id, email = rng.choice(rows)
        try:
            dagdelen.add(
                db,
                traject_id=traject_id,
                datum=date(year, month, rng.randint(1, 28)),
                activiteit="begeleiding",
                adviseur=email,
                actor=email,
            )
            counts["dagdelen"] += 1
        except ConcurrentChange:
            counts["verloren"] += 1
        except StepNotAllowed:
            counts["geweigerd"] += 1
    return counts


def main(argv: list[str]) -> None:
    role, seed, periode, actions, first, brins = argv
    year, month = (int(part) for part in periode.split("-"))
    rng = random.Random(f"{role}-{seed}-{periode}")
    if role.startswith("medewerker"):
        counts = medewerker(rng, year, month, int(actions), int(first), brins.split(","))
    else:
        counts = adviseur(rng, year, month, int(actions), int(first))
    print(json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1:])
