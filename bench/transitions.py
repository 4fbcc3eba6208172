# ruff: noqa: E402  (imports follow the sys.path fix below)
"""Benchmark: steps per second through the service layer on SQLite, against a raw baseline.

    /work/venv/bin/python bench/transitions.py [--sizes 1000 10000 100000] [--steps 400]
                                               [--rounds 3] [--dir DIR]

One SQLite database (migrated, WAL, synchronous=NORMAL: the PRAGMAs of casework/db/session.py)
is pre-filled with bulk inserts up to each size in turn (1k, 10k, 100k LV trajecten, each with
its school, bestuur, contact person, onvoldoende verdict and aanmelden event). At each size:

- service: `casework.services.trajecten.advance` takes fresh trajecten through the steps
  intake -> matching (with its guards: support question, eligibility) -> gepauzeerd -> hervat;
- raw: plain `sqlite3` writes the same rows for other fresh trajecten, one transaction per step:
  the trajecten UPDATE with its version check and the traject_events INSERT, nothing else.

Service and raw alternate in rounds; the median round counts. Prints both rates, their ratio
and the cost of one step at each size (flat means the cost does not grow with the database).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

# run as a script, this file's folder comes first on sys.path and its name would shadow the
# `transitions` package the state machine imports: take the folder off before importing casework
_HERE = Path(__file__).parent.resolve()
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import insert

from casework.db import Database, migrate
from casework.db.models import Bestuur, Contactpersoon, Oordeel, School, Traject, TrajectEvent
from casework.services import trajecten

#: the steps each traject takes in the benchmark: (target, trigger, from, to)
CYCLE = [
    ("intake", "start_intake", "aanmelding", "intake"),
    ("matching", "naar_matching", "intake", "matching"),
    ("gepauzeerd", "pauzeren", "matching", "gepauzeerd"),
    ("hervat", "hervat", "gepauzeerd", "matching"),
]
ACTOR = "bench@casework"
CHUNK = 5000
SCHOLEN_PER_BESTUUR = 4
console = Console()


def prefill(db: Database, start: int, end: int, progress: Progress) -> None:
    """Bulk-insert LV trajecten start+1..end (ids equal their number) and their rows."""
    task = progress.add_task(f"Vullen tot {end:,}", total=end - start)
    now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for first in range(start + 1, end + 1, CHUNK):
        ids = range(first, min(first + CHUNK, end + 1))
        with db.engine.begin() as conn:
            conn.execute(
                insert(Bestuur),
                [
                    {
                        "id": _bestuur(i),
                        "bestuursnummer": f"{_bestuur(i):05d}",
                        "naam": f"Stichting {i}",
                    }
                    for i in ids
                    if (i - 1) % SCHOLEN_PER_BESTUUR == 0
                ],
            )
            conn.execute(
                insert(School),
                [
                    {
                        "id": i,
                        "brin": _brin(i),
                        "naam": f"School {i}",
                        "bestuur_id": _bestuur(i),
                        "sector": "po",
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(Oordeel),
                [{"school_id": i, "oordeel": "onvoldoende", "datum": now.date()} for i in ids],
            )
            conn.execute(
                insert(Contactpersoon),
                [
                    {"id": i, "naam": f"Contact {i}", "email": f"c{i}@school.nl", "school_id": i}
                    for i in ids
                ],
            )
            conn.execute(
                insert(Traject),
                [
                    {
                        "id": i,
                        "programma": "lv",
                        "definitie_versie": 1,
                        "bestuur_id": _bestuur(i),
                        "school_id": i,
                        "contact_id": i,
                        "fase": "aanmelding",
                        "fase_sinds": now,
                        "version": 1,
                        "hulpvraag": "Hulp bij kwaliteitszorg",
                        "aangemeld_op": now,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(TrajectEvent),
                [
                    {
                        "traject_id": i,
                        "seq": 1,
                        "at": now,
                        "actor": ACTOR,
                        "trigger": "aanmelden",
                        "to_fase": "aanmelding",
                    }
                    for i in ids
                ],
            )
        progress.advance(task, len(ids))


def _bestuur(i: int) -> int:
    """The bestuur of school/traject i: a few schools per bestuur, as in the country."""
    return (i - 1) // SCHOLEN_PER_BESTUUR + 1


def _brin(i: int) -> str:
    """A unique 4/6-character BRIN-like code per school (2 digits + 2 letters + 2 digits)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    a, b = divmod(i, 26 * 26 * 100)
    c, d = divmod(b, 100)
    return f"{a % 100:02d}{letters[c // 26]}{letters[c % 26]}{d:02d}"


def service_round(db: Database, ids: list[int]) -> tuple[int, float, float]:
    steps = 0
    began, cpu = time.perf_counter(), time.process_time()
    for traject_id in ids:
        for target, *_ in CYCLE:
            trajecten.advance(db, traject_id=traject_id, fase=target, actor=ACTOR)
            steps += 1
    return steps, time.perf_counter() - began, time.process_time() - cpu


def _sqlite_time(value: datetime) -> str:
    # the text SQLAlchemy's SQLite DateTime stores, so both write the same bytes
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def raw_round(path: Path, ids: list[int]) -> tuple[int, float, float]:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "foreign_keys=ON",
        "journal_mode=WAL",
        "busy_timeout=30000",
        "synchronous=NORMAL",
    ):
        conn.execute(f"PRAGMA {pragma}")
    steps = 0
    began, cpu = time.perf_counter(), time.process_time()
    for traject_id in ids:
        version = 1
        for _target, trigger, source, dest in CYCLE:
            now = _sqlite_time(datetime.now(UTC))
            conn.execute("BEGIN")
            updated = conn.execute(
                "UPDATE trajecten SET fase = ?, paused_from = ?, fase_sinds = ?, updated_at = ?, "
                "version = ? WHERE id = ? AND version = ?",
                (
                    dest,
                    source if dest == "gepauzeerd" else None,
                    now,
                    now,
                    version + 1,
                    traject_id,
                    version,
                ),
            ).rowcount
            if updated != 1:
                raise RuntimeError(f"version check failed for traject {traject_id}")
            conn.execute(
                'INSERT INTO traject_events (traject_id, seq, at, actor, "trigger", from_fase, '
                "to_fase, reden, data) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                (traject_id, version + 1, now, ACTOR, trigger, source, dest),
            )
            conn.execute("COMMIT")
            version += 1
            steps += 1
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    conn.close()
    return steps, elapsed, cpu


def main(argv: list[str] | None = None) -> dict[int, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--steps", type=int, default=400, help="steps per round and side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="where the database file goes")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    per_round = max(1, args.steps // len(CYCLE))
    needed = 2 * per_round * args.rounds
    if min(args.sizes) < needed:
        parser.error(f"the smallest size must hold at least {needed} trajecten to step")

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "bench.db"
        db = Database(f"sqlite:///{path}")
        migrate.upgrade(db.engine)
        rng = random.Random(args.seed)
        results: dict[int, dict[str, float]] = {}
        filled = 0
        used: set[int] = set()
        for size in sorted(args.sizes):
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as progress:
                prefill(db, filled, size, progress)
            filled = size
            # fresh trajecten spread over the whole table, none stepped before
            fresh = rng.sample(sorted(set(range(1, size + 1)) - used), needed)
            used.update(fresh)
            service_rates, raw_rates, service_cpu, raw_cpu = [], [], [], []
            for round_ in range(args.rounds):
                chunk = fresh[2 * round_ * per_round : 2 * (round_ + 1) * per_round]
                service_ids, raw_ids = chunk[:per_round], chunk[per_round:]
                steps, seconds, cpu = service_round(db, service_ids)
                service_rates.append(steps / seconds)
                service_cpu.append(1000 * cpu / steps)
                steps, seconds, cpu = raw_round(path, raw_ids)
                raw_rates.append(steps / seconds)
                raw_cpu.append(1000 * cpu / steps)
            service, raw = statistics.median(service_rates), statistics.median(raw_rates)
            results[size] = {
                "service": service,
                "raw": raw,
                "ratio": service / raw,
                # CPU time of this process per step: what other work on the machine moves least
                "service_cpu": statistics.median(service_cpu),
                "raw_cpu": statistics.median(raw_cpu),
            }
            console.print(
                f"{size:>7,} trajecten: service {service:,.0f} steps/s, raw {raw:,.0f} steps/s, "
                f"ratio {service / raw:.2f}"
            )
        db.dispose()

    table = Table(
        title=f"Transitions on SQLite ({args.steps} steps per round, {args.rounds} rounds)"
    )
    columns = (
        "trajecten",
        "service steps/s",
        "raw steps/s",
        "ratio",
        "ms/step service",
        "raw",
        "CPU ms/step service",
        "raw",
    )
    for column in columns:
        table.add_column(column, justify="right")
    for size, row in results.items():
        table.add_row(
            f"{size:,}",
            f"{row['service']:,.0f}",
            f"{row['raw']:,.0f}",
            f"{row['ratio']:.2f}",
            f"{1000 / row['service']:.2f}",
            f"{1000 / row['raw']:.2f}",
            f"{row['service_cpu']:.2f}",
            f"{row['raw_cpu']:.2f}",
        )
    console.print(table)
    # other work on the machine moves both sides alike; the load shows how busy it was
    console.print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return results


if __name__ == "__main__":
    main()
