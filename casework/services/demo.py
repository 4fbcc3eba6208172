"""A realistic demo set for a new user: besturen, scholen, adviseurs and trajecten in every phase.

Deterministic from a seed. Trajecten are made through the service layer, backdated, so their
history is real and `casework verify` passes on it.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from casework.db import Database
from casework.db.models import Bestuur, Traject
from casework.errors import StepNotAllowed
from casework.matching.themas import THEMAS
from casework.services import adviseurs, matching, organisaties, trajecten

PLAATSEN = [
    "Groningen",
    "Leeuwarden",
    "Assen",
    "Zwolle",
    "Arnhem",
    "Utrecht",
    "Amersfoort",
    "Haarlem",
    "Leiden",
    "Delft",
    "Rotterdam",
    "Dordrecht",
    "Breda",
    "Tilburg",
    "Eindhoven",
    "Maastricht",
    "Venlo",
    "Middelburg",
    "Almere",
    "Lelystad",
]
REGIO = {p: ("noord" if i < 5 else "midden" if i < 12 else "zuid") for i, p in enumerate(PLAATSEN)}
SCHOOLNAMEN = [
    "De Regenboog",
    "Het Kompas",
    "De Wegwijzer",
    "De Zonnewijzer",
    "Het Palet",
    "De Vlinder",
    "Het Baken",
    "De Fontein",
    "De Springplank",
    "De Horizon",
    "Het Mozaïek",
    "De Sterrenboog",
]
VO_NAMEN = ["Lyceum", "College", "Scholengemeenschap", "Gymnasium"]
VRAGEN = [
    "Hulp bij het op orde brengen van de kwaliteitszorg na het inspectierapport.",
    "Ondersteuning bij het verbeteren van het didactisch handelen en de zicht op ontwikkeling.",
    "Analyse van teruglopende resultaten en een plan om die te keren.",
    "Begeleiding van het bestuur bij de herstelopdracht rond BKA1 en BKA3.",
    "Versterken van de kwaliteitscultuur en de dialoog met de interne toezichthouder.",
]
VOORNAMEN = [
    "Anouk",
    "Bram",
    "Carmen",
    "Daan",
    "Esra",
    "Femke",
    "Gijs",
    "Hanna",
    "Ivo",
    "Jasmijn",
    "Koen",
    "Lotte",
    "Mohamed",
    "Noor",
    "Olaf",
    "Priya",
    "Ruben",
    "Sanne",
    "Thijs",
    "Yara",
]
ACHTERNAMEN = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Dijk",
    "Yilmaz",
    "El Amrani",
]

#: the phase each demo traject ends in, cycling, so every phase has some
DOEL_FASEN = [
    "aanmelding",
    "intake",
    "matching",
    "kennismaking",
    "bestuursscan",
    "plan",
    "uitvoering",
    "afgerond",
    "afgewezen",
    "gestopt",
    "gepauzeerd",
]
PAD = ["intake", "matching", "kennismaking", "bestuursscan", "plan", "uitvoering", "afgerond"]


def _persoon(rng: random.Random) -> str:
    return f"{rng.choice(VOORNAMEN)} {rng.choice(ACHTERNAMEN)}"


def _mail(naam: str, domein: str) -> str:
    local = "".join(ch for ch in naam.lower().replace(" ", ".") if ch.isalnum() or ch == ".")
    return f"{local}@{domein}"


def generate(
    db: Database,
    *,
    besturen: int = 12,
    seed: int = 2026,
    progress: Callable[[int, int], None] | None = None,
    actor: str = "demo",
) -> dict[str, int]:
    """Generate a demo set; returns what was made."""
    rng = random.Random(seed)
    with db.read() as session:
        taken = set(session.scalars(select(Bestuur.bestuursnummer)))
    made = {"besturen": 0, "scholen": 0, "adviseurs": 0, "trajecten": 0}
    total = besturen * 5 + 8
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress:
            progress(min(done, total), total)

    adviseur_emails: list[str] = []
    for _ in range(max(4, besturen // 2)):
        naam = _persoon(rng)
        email = _mail(naam, "adviseurs.example.nl")
        if email in adviseur_emails:
            continue
        try:
            adviseurs.add_adviseur(
                db, naam=naam, email=email, **_profiel(seed, len(adviseur_emails))
            )
            made["adviseurs"] += 1
        except Exception:  # already there from an earlier demo run
            pass
        adviseur_emails.append(email)
    tick(8)

    brin_taken: set[str] = set()
    for index in range(besturen):
        nummer = f"{rng.randint(10000, 99999)}"
        while nummer in taken:
            nummer = f"{rng.randint(10000, 99999)}"
        taken.add(nummer)
        plaats = rng.choice(PLAATSEN)
        is_po = index % 3 != 2
        naam = f"Stichting {'Primair Onderwijs' if is_po else 'Voortgezet Onderwijs'} {plaats}"
        organisaties.add_bestuur(db, nummer=nummer, naam=naam, regio=REGIO[plaats])
        made["besturen"] += 1
        scholen = []
        for _ in range(rng.randint(2, 4)):
            letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
            brin = f"{rng.randint(0, 99):02d}{letters}"
            if brin in brin_taken:
                continue
            brin_taken.add(brin)
            sector = rng.choice(["po", "po", "so"]) if is_po else "vo"
            school_naam = (
                f"{'OBS' if sector == 'po' else 'SO'} {rng.choice(SCHOOLNAMEN)}"
                if sector != "vo"
                else f"{plaats} {rng.choice(VO_NAMEN)}"
            )
            try:
                organisaties.add_school(
                    db, brin=brin, naam=school_naam, bestuur=nummer, sector=sector
                )
            except Exception:  # BRIN taken by an earlier run
                continue
            made["scholen"] += 1
            scholen.append(brin)
        tick()
        # a GWGB traject for a po board, LV trajecten for some of its schools
        plans: list[tuple[str, str]] = []
        if is_po:
            plans.append(("gwgb", nummer))
        plans.extend(("lv", brin) for brin in scholen[:2])
        for programma, ref in plans:
            doel = DOEL_FASEN[made["trajecten"] % len(DOEL_FASEN)]
            _traject(db, rng, programma, ref, doel, adviseur_emails, actor)
            made["trajecten"] += 1
            tick()
    if progress:
        progress(total, total)
    return made


def _traject(
    db: Database,
    rng: random.Random,
    programma: str,
    ref: str,
    doel: str,
    adviseur_emails: list[str],
    actor: str,
) -> None:
    contact = _persoon(rng)
    start = datetime.now(UTC) - timedelta(days=rng.randint(20, 200))
    oordeel = rng.choice(["onvoldoende", "onvoldoende", "zeer zwak"])
    t = trajecten.aanmelden(
        db,
        programma=programma,
        school=ref if programma == "lv" else None,
        bestuur=ref if programma == "gwgb" else None,
        oordeel=oordeel,
        standaard="BKA1" if programma == "gwgb" else None,
        oordeel_datum=(start - timedelta(days=40)).date(),
        hulpvraag=rng.choice(VRAGEN),
        contact_naam=contact,
        contact_email=_mail(contact, "school.example.nl"),
        actor=actor,
        at=start,
    )
    _themas(db, t.id, t.hulpvraag)
    at = start
    if doel == "aanmelding":
        return

    def step(fase: str, reden: str | None = None) -> None:
        nonlocal at
        at = at + timedelta(days=rng.randint(3, 15))
        trajecten.advance(
            db, traject_id=t.id, fase=fase, actor=actor, reden=reden, at=min(at, datetime.now(UTC))
        )

    if doel in ("afgewezen",):
        step("intake")
        step("afgewezen", "Geen onvoldoende oordeel en geen aantoonbaar risico.")
        return
    stop_at = {"gestopt": "plan", "gepauzeerd": "kennismaking"}.get(doel, doel)
    for fase in PAD:
        if fase == "bestuursscan" and rng.random() < 0.4 and stop_at != "bestuursscan":
            continue
        if fase == "kennismaking":
            when = min(at + timedelta(days=1), datetime.now(UTC))
            _koppel(db, t.id, rng.choice(adviseur_emails), adviseur_emails, actor, when)
        step(fase, None)
        if fase == stop_at:
            break
    if doel == "gestopt":
        step("gestopt", "Het bestuur heeft het traject ingetrokken.")
    elif doel == "gepauzeerd":
        step("gepauzeerd", "Zomervakantie")


def _profiel(seed: int, index: int) -> dict[str, Any]:
    """What matching needs of a demo adviseur (its own random stream: the rest stays as it was)."""
    rng = random.Random(seed * 1000 + index)
    return {
        "sectoren": [["po", "so", "vo"], ["po", "so"], ["po", "vo"]][index % 3],
        "expertise": rng.sample(sorted(THEMAS), rng.randint(2, 3)),
        "regio": rng.choice(["noord", "midden", "zuid"]),
        "capaciteit": rng.choice([12, 16, 20]),
        "max_trajecten": rng.randint(5, 8),
    }


def _koppel(
    db: Database, traject_id: int, first: str, emails: list[str], actor: str, at: datetime
) -> None:
    """Confirm an admissible adviseur (the hard rules hold for demo data too), who accepts."""
    others = [e for e in emails if e != first]
    random.Random(traject_id).shuffle(others)
    for email in [first, *others]:
        try:
            matching.confirm(db, traject_id=traject_id, adviseur=email, actor=actor, at=at)
        except StepNotAllowed:
            continue
        matching.accept(db, traject_id=traject_id, actor=email, at=at)
        return
    # every adviseur full: record one directly, so the demo still shows later phases
    trajecten.koppel(db, traject_id=traject_id, adviseur=first, actor=actor)


#: the themes a medewerker records at intake for each demo question
VRAAG_THEMAS = {
    VRAGEN[0]: ["kwaliteitszorg"],
    VRAGEN[1]: ["onderwijsproces", "zicht-op-ontwikkeling"],
    VRAGEN[2]: ["resultaten", "onderwijsproces"],
    VRAGEN[3]: ["bestuur", "kwaliteitszorg"],
    VRAGEN[4]: ["kwaliteitscultuur", "bestuur"],
}


def _themas(db: Database, traject_id: int, vraag: str | None) -> None:
    with db.transaction() as session:
        traject = session.get(Traject, traject_id)
        assert traject is not None
        matching.set_themas(session, traject, VRAAG_THEMAS.get(vraag or "", []))
