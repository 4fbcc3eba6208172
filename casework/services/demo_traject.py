"""One demo traject's life at scale: planned against the state machine, written as rows.

Used by demo_schaal (`casework demo-data --scale`); the rows are those `aanmelden`, `advance`,
`matching.confirm` and `matching.accept` write, so `casework verify` replays them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from casework.db.matching import AdviseurToewijzing, TrajectThema
from casework.db.models import Contactpersoon, Oordeel, Traject, TrajectEvent
from casework.services.demo import ACHTERNAMEN, VOORNAMEN, VRAAG_THEMAS, VRAGEN
from casework.services.programmas import definition
from casework.werkdagen import werkdagen_tussen
from states import GEPAUZEERD, HERVAT, PAUZEREN, TrajectMachine

SECONDS_PER_DAY = 86400


class RowSink(Protocol):
    def add(self, model: Any, row: dict[str, Any]) -> None: ...


def naam(rng: random.Random) -> str:
    return f"{rng.choice(VOORNAMEN)} {rng.choice(ACHTERNAMEN)}"


def mail(persoon: str, domein: str, n: int) -> str:
    local = "".join(ch for ch in persoon.lower().replace(" ", ".") if ch.isalnum() or ch == ".")
    return f"{local}.{n}@{domein}"


class Planner:
    """Plans one traject's life (checked against the state machine) and adds its rows."""

    def __init__(
        self, rng: random.Random, anchor: datetime, actor: str, adviseurs: list[tuple[int, str]]
    ) -> None:
        self.rng = rng
        self.anchor = anchor
        self.actor = actor
        self.adviseurs = adviseurs
        self.events = 0

    def traject(
        self,
        writer: RowSink,
        ids: dict[Any, int],
        programma: str,
        bestuur_id: int,
        school_id: int | None,
        jaar: int,
        jaren: int,
    ) -> None:
        rng = self.rng
        programme = definition(programma)
        # year 0 is the oldest; the last year ends at the anchor
        days_back = (jaren - jaar - 1) * 365 + rng.randint(1, 364)
        start = self.anchor - timedelta(days=days_back, seconds=rng.randint(0, SECONDS_PER_DAY))
        traject_id = ids[Traject]
        ids[Traject] += 1
        contact_id = ids[Contactpersoon]
        ids[Contactpersoon] += 1
        contact = naam(rng)
        writer.add(
            Contactpersoon,
            {
                "id": contact_id,
                "naam": contact,
                "email": mail(contact, "school.example.nl", contact_id),
                "telefoon": None,
                "rol": "aanvrager",
                "bestuur_id": bestuur_id if school_id is None else None,
                "school_id": school_id,
                "created_at": start,
            },
        )
        oordeel = rng.choice(["onvoldoende", "onvoldoende", "onvoldoende", "zeer zwak"])
        oordeel_datum = (start - timedelta(days=rng.randint(20, 90))).date()
        writer.add(
            Oordeel,
            {
                "id": ids[Oordeel],
                "bestuur_id": bestuur_id if school_id is None else None,
                "school_id": school_id,
                "standaard": "BKA1" if programma == "gwgb" else None,
                "oordeel": oordeel,
                "datum": oordeel_datum,
                "rapport": None,
                "created_at": start,
            },
        )
        ids[Oordeel] += 1
        vraag = rng.choice(VRAGEN)
        for thema in VRAAG_THEMAS[vraag]:
            writer.add(TrajectThema, {"traject_id": traject_id, "thema": thema})

        events: list[dict[str, Any]] = []
        state: dict[str, Any] = {
            "fase": programme.initial,
            "paused": None,
            "at": start,
            "voor_pauze": 0,
        }
        adviseur: tuple[int, str] | None = None
        toewijzing: dict[str, Any] | None = None

        def add(trigger: str, to: str, *, who: str | None = None, **kw: Any) -> None:
            events.append(
                {
                    "id": ids[TrajectEvent],
                    "traject_id": traject_id,
                    "seq": len(events) + 1,
                    "at": state["at"],
                    "actor": who or self.actor,
                    "trigger": trigger,
                    "from_fase": None if trigger == "aanmelden" else state["fase"],
                    "to_fase": to,
                    "reden": kw.get("reden"),
                    "data": kw.get("data"),
                }
            )
            ids[TrajectEvent] += 1

        add("aanmelden", programme.initial, data={"oordeel": oordeel, "risico": False})
        fase_sinds = start

        def step(target: str, reden: str | None = None) -> bool:
            """Take a phase step some days later; False when that day is past the anchor."""
            nonlocal fase_sinds
            when = state["at"] + timedelta(days=rng.randint(3, 40), seconds=rng.randint(0, 3600))
            if when >= self.anchor:
                return False
            machine = TrajectMachine(programme, state["fase"], state["paused"])
            trigger = machine.resolve(target)
            dest = state["paused"] if trigger == HERVAT else target
            assert dest is not None and machine.allows(trigger, dest), (trigger, dest)
            state["at"] = when
            if trigger == PAUZEREN:
                state["voor_pauze"] += werkdagen_tussen(fase_sinds.date(), when.date())
            add(trigger, dest, reden=reden)
            if trigger == PAUZEREN:
                state["paused"] = state["fase"]
            elif trigger == HERVAT:
                state["paused"] = None
            else:
                state["paused"] = None
                state["voor_pauze"] = 0
            state["fase"] = dest
            fase_sinds = when
            return True

        ending = rng.random()
        path = ["intake", "matching", "kennismaking", "bestuursscan", "plan", "uitvoering"]
        if rng.random() < 0.5:
            path.remove("bestuursscan")
        stop_after = rng.choice(path) if ending < 0.12 else None
        pause_in = rng.choice(path[2:]) if rng.random() < 0.15 else None
        if step("intake") and ending >= 0.92:
            step("afgewezen", "Geen onvoldoende oordeel en geen aantoonbaar risico.")
        elif state["fase"] == "intake":
            for fase in path[1:] + ["afgerond"]:
                if fase == "kennismaking":
                    if state["at"] + timedelta(days=2) >= self.anchor:
                        break
                    adviseur = rng.choice(self.adviseurs)
                    toewijzing = self._koppel(add, state, ids, traject_id, adviseur)
                if not step(fase):
                    break
                if fase == pause_in:
                    if step(GEPAUZEERD, "Zomervakantie") and rng.random() < 0.7:
                        step(HERVAT)
                    if state["fase"] == GEPAUZEERD:
                        break
                if fase == stop_after:
                    step("gestopt", "Het bestuur heeft het traject ingetrokken.")
                    break
        if toewijzing is not None:
            writer.add(AdviseurToewijzing, toewijzing)
        for event in events:
            writer.add(TrajectEvent, event)
        self.events += len(events)
        herstel = (
            oordeel_datum + timedelta(days=365) if oordeel == "zeer zwak" else None
        )  # as aanmelden: the herstelonderzoek within a year
        writer.add(
            Traject,
            {
                "id": traject_id,
                "programma": programme.code,
                "definitie_versie": programme.versie,
                "bestuur_id": bestuur_id,
                "school_id": school_id,
                "contact_id": contact_id,
                "fase": state["fase"],
                "paused_from": state["paused"],
                "fase_sinds": fase_sinds,
                "werkdagen_voor_pauze": state["voor_pauze"],
                "version": len(events),
                "hulpvraag": vraag,
                "risico": None,
                "adviseur_id": adviseur[0] if adviseur else None,
                "adviseur_geaccepteerd": adviseur is not None,
                "resultaat": None,
                "herstelonderzoek_voor": _herstel(oordeel_datum) if herstel else None,
                "is_test": False,
                "aangemeld_op": start,
                "created_at": start,
                "updated_at": state["at"],
            },
        )

    def _koppel(
        self,
        add: Callable[..., None],
        state: dict[str, Any],
        ids: dict[Any, int],
        traject_id: int,
        adviseur: tuple[int, str],
    ) -> dict[str, Any]:
        """matching.confirm then matching.accept: two fact events and one dated role."""
        state["at"] = state["at"] + timedelta(hours=2)
        van = state["at"]
        fase = state["fase"]
        add(
            "adviseur_gekoppeld",
            fase,
            data={"adviseur": adviseur[1], "vorige": None, "geaccepteerd": False, "voorstel": None},
        )
        state["at"] = state["at"] + timedelta(hours=20)
        add("adviseur_geaccepteerd", fase, who=adviseur[1], data={"adviseur": adviseur[1]})
        row = {
            "id": ids[AdviseurToewijzing],
            "traject_id": traject_id,
            "adviseur_id": adviseur[0],
            "status": "geaccepteerd",
            "van": van,
            "geaccepteerd_op": state["at"],
            "tot": None,
            "door": self.actor,
            "reden": None,
        }
        ids[AdviseurToewijzing] += 1
        return row


def _herstel(datum: date) -> date:
    if datum.month == 2 and datum.day == 29:
        return datum + timedelta(days=365)
    return datum.replace(year=datum.year + 1)
