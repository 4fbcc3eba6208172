"""`casework verify`: replay every traject's history and compare it with the stored phase."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import groupby

from pydantic import BaseModel
from sqlalchemy import func, select

from casework.db import Database
from casework.db.models import Traject, TrajectEvent
from casework.services.programmas import definition
from casework.services.trajecten import FACT_TRIGGERS
from states import GEPAUZEERD, PAUZEREN, TrajectMachine


class Mismatch(BaseModel):
    traject_id: int
    probleem: str


class VerifyReport(BaseModel):
    gecontroleerd: int
    afwijkingen: list[Mismatch]

    @property
    def ok(self) -> bool:
        return not self.afwijkingen


def replay(
    programma: str, events: list[tuple[int, str, str | None, str | None]]
) -> tuple[str | None, str | None, str | None]:
    """Replay (seq, trigger, from, to) events; returns (phase, paused_from, problem)."""
    programme = definition(programma)
    phase: str | None = None
    paused_from: str | None = None
    expected_seq = 1
    for seq, trigger, from_fase, to_fase in events:
        if seq != expected_seq:
            return phase, paused_from, f"gat in de historie: stap {expected_seq} ontbreekt"
        expected_seq += 1
        if phase is None:
            if trigger != "aanmelden" or to_fase != programme.initial:
                return None, None, "de historie begint niet met de aanmelding"
            phase = to_fase
            continue
        if from_fase != phase:
            return (
                phase,
                paused_from,
                f"stap {seq} vertrekt uit {from_fase}, maar de fase was {phase}",
            )
        if trigger in FACT_TRIGGERS:
            if to_fase != phase:
                return phase, paused_from, f"stap {seq} ({trigger}) verandert de fase"
            continue
        machine = TrajectMachine(programme, phase, paused_from)
        if to_fase is None or not machine.allows(trigger, to_fase):
            return phase, paused_from, f"stap {seq}: {trigger} van {phase} naar {to_fase} mag niet"
        if trigger == PAUZEREN:
            paused_from = phase
        elif phase == GEPAUZEERD:
            paused_from = None
        phase = to_fase
    return phase, paused_from, None


def verify(db: Database, *, progress: Callable[[int], None] | None = None) -> VerifyReport:
    """Replay every traject's history; report each whose stored phase or version differs."""
    mismatches: list[Mismatch] = []
    checked = 0
    with db.read() as session:
        stored = {
            row.id: (row.programma, row.fase, row.paused_from, row.version)
            for row in session.execute(
                select(
                    Traject.id,
                    Traject.programma,
                    Traject.fase,
                    Traject.paused_from,
                    Traject.version,
                )
            )
        }
        rows: Iterator[tuple[int, int, str, str | None, str | None]] = iter(
            session.execute(
                select(
                    TrajectEvent.traject_id,
                    TrajectEvent.seq,
                    TrajectEvent.trigger,
                    TrajectEvent.from_fase,
                    TrajectEvent.to_fase,
                )
                .order_by(TrajectEvent.traject_id, TrajectEvent.seq)
                .execution_options(yield_per=5000)
            ).tuples()
        )
        seen: set[int] = set()
        for traject_id, group in groupby(rows, key=lambda row: row[0]):
            seen.add(traject_id)
            events = [(seq, trig, frm, to) for _, seq, trig, frm, to in group]
            programma, fase, paused_from, version = stored[traject_id]
            phase, replay_paused, problem = replay(programma, events)
            if problem is None and phase != fase:
                problem = f"opgeslagen fase {fase}, maar de historie eindigt in {phase}"
            if problem is None and replay_paused != paused_from:
                problem = f"gepauzeerd vanuit {paused_from}, maar de historie zegt {replay_paused}"
            if problem is None and len(events) != version:
                problem = f"versie {version}, maar de historie heeft {len(events)} stappen"
            if problem:
                mismatches.append(Mismatch(traject_id=traject_id, probleem=problem))
            checked += 1
            if progress:
                progress(1)
        for traject_id in sorted(set(stored) - seen):
            mismatches.append(Mismatch(traject_id=traject_id, probleem="geen historie"))
            checked += 1
    return VerifyReport(gecontroleerd=checked, afwijkingen=mismatches)


def count(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count(Traject.id))) or 0)
